//! People who use Mostrador: admins connect stores and configure; agents answer.

use crate::ids::{OrgId, PersonId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    /// The organization this person works in; everything they see and change is scoped to it.
    pub org_id: OrgId,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Argon2 PHC string; never leaves the server.
    #[serde(skip_serializing)]
    pub password_hash: String,
    /// The UI language the person chose (`es`, `pt`, `en`); `None` follows the browser.
    pub language: Option<String>,
}

impl Person {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// An organization: a seller's team, with its stores and people. Nothing crosses organizations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
}
