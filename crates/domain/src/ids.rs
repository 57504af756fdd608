//! Identifier newtypes. Mercado Libre ids are 64-bit integers (some exceed 2^53, so they are never
//! floats); item ids are strings such as `MLA599260060`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! int_id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    };
}

int_id!(
    /// A Mercado Libre seller's user id: the key notifications carry as `user_id`.
    SellerId
);
int_id!(
    /// Any Mercado Libre user id (buyers included).
    MeliUserId
);
int_id!(
    /// A pre-sale question's id.
    QuestionId
);
int_id!(
    /// Our conversation id (database-assigned).
    ConversationId
);
int_id!(
    /// Our message id (database-assigned).
    MessageId
);
int_id!(
    /// An agent's id (database-assigned).
    PersonId
);
int_id!(
    /// A job's id in the durable queue.
    JobId
);
int_id!(
    /// A group (commercial inbox) or department (support desk) of an organization.
    TeamId
);
int_id!(
    /// A Mercado Libre order id.
    OrderId
);
int_id!(
    /// A Mercado Libre pack id (orders bought together share one conversation).
    PackId
);
int_id!(
    /// A Mercado Libre claim id.
    ClaimId
);
int_id!(
    /// Our contact id (database-assigned): one buyer as one store knows them.
    ContactId
);
int_id!(
    /// Our lead id (database-assigned; Mercado Libre's own lead id is text).
    LeadRowId
);

/// An organization: the tenant every store, person and conversation belongs to. A uuid, so ids
/// reveal nothing about how many organizations exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgId(pub uuid::Uuid);

impl OrgId {
    /// A new time-ordered id.
    pub fn new() -> Self {
        OrgId(uuid::Uuid::now_v7())
    }
}

impl Default for OrgId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for OrgId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(OrgId)
    }
}

/// A listing id such as `MLA599260060`; its first three letters name the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub String);

impl ItemId {
    /// The site prefix (`MLA`, `MLB`, …) when the id has one.
    pub fn site_prefix(&self) -> Option<&str> {
        self.0
            .get(..3)
            .filter(|p| p.chars().all(|c| c.is_ascii_uppercase()))
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
