//! What surrounds a claim: its human summary (`/detail`), its effect on the
//! seller's reputation (`/affects-reputation`) and its messages.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{ClaimRole, ClaimStage, MessageStatus, Moderation};
use crate::macros::open_enum;

/// `GET /post-purchase/v1/claims/{id}/detail`: texts written for people,
/// fit to show an agent as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimDetail {
    /// Headline, e.g. "Devolución en mediación con Mercado Libre".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What happens next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The buyer's problem, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Who must act now: `seller`, `buyer` or `mediator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_responsible: Option<String>,
    /// By when.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub due_date: Option<DateTime<FixedOffset>>,
}

open_enum! {
    /// `affects_reputation`.
    pub enum ReputationImpact {
        /// Counts against the seller.
        Affected => "affected",
        /// Does not count.
        NotAffected => "not_affected",
        /// Reputation does not apply.
        NotApplies => "not_applies",
    }
}

/// `GET /post-purchase/v1/claims/{id}/affects-reputation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimReputation {
    /// Whether the claim counts against the seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affects_reputation: Option<ReputationImpact>,
    /// Solving it before `due_date` avoids the impact (a 48-hour window).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub has_incentive: Option<bool>,
    /// End of the incentive window.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub due_date: Option<DateTime<FixedOffset>>,
}

/// One message of `GET /post-purchase/v1/claims/{id}/messages`. Claim
/// messages have no id; `hash` identifies them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimMessage {
    /// Who wrote it.
    pub sender_role: ClaimRole,
    /// Who it is for.
    pub receiver_role: ClaimRole,
    /// The text.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub message: String,
    /// Translation, for cross-border sales.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translated_message: Option<String>,
    /// When it was written.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_created: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub last_updated: Option<DateTime<FixedOffset>>,
    /// When it was sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub message_date: Option<DateTime<FixedOffset>>,
    /// When the receiver read it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_read: Option<DateTime<FixedOffset>>,
    /// Attached files.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub attachments: Vec<ClaimAttachment>,
    /// Delivery state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MessageStatus>,
    /// The claim's stage when it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<ClaimStage>,
    /// Moderation verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_moderation: Option<Moderation>,
    /// Mercado Libre marks messages it considers repeated.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub repeated: Option<bool>,
    /// Unique per message: the deduplication key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub hash: Option<String>,
}

/// `ClaimMessage.attachments[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimAttachment {
    /// Stored name; the key for the claim attachment endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Name the sender uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_filename: Option<String>,
    /// Size in bytes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_count"
    )]
    pub size: Option<u64>,
    /// Content type, e.g. `image/jpeg`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// When it was uploaded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_created: Option<DateTime<FixedOffset>>,
}

/// A claim's messages in the order Mercado Libre sent them, a message that
/// shows twice (same `hash`) kept once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<ClaimMessage>", into = "Vec<ClaimMessage>")]
pub struct ClaimMessages(pub Vec<ClaimMessage>);

impl From<Vec<ClaimMessage>> for ClaimMessages {
    fn from(all: Vec<ClaimMessage>) -> Self {
        let mut seen = std::collections::HashSet::new();
        Self(
            all.into_iter()
                .filter(|m| match m.hash.as_deref().map(str::trim) {
                    Some(h) if !h.is_empty() => seen.insert(h.to_owned()),
                    // Without a hash there is nothing to compare by.
                    _ => true,
                })
                .collect(),
        )
    }
}

impl From<ClaimMessages> for Vec<ClaimMessage> {
    fn from(m: ClaimMessages) -> Self {
        m.0
    }
}

/// The body of `POST /post-purchase/v1/claims/{id}/actions/send-message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewClaimMessage {
    /// `complainant` (stage `claim`) or `mediator` (stage `dispute`).
    pub receiver_role: ClaimRole,
    /// The text.
    pub message: String,
    /// Names returned by the claim attachment upload; sent even when empty.
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_that_shows_twice_is_kept_once() {
        let m = |hash: Option<&str>, text: &str| ClaimMessage {
            sender_role: ClaimRole::Complainant,
            receiver_role: ClaimRole::Respondent,
            message: text.into(),
            translated_message: None,
            date_created: None,
            last_updated: None,
            message_date: None,
            date_read: None,
            attachments: Vec::new(),
            status: None,
            stage: None,
            message_moderation: None,
            repeated: None,
            hash: hash.map(str::to_owned),
        };
        let all = ClaimMessages::from(vec![
            m(Some("a"), "1"),
            m(None, "2"),
            m(Some("a"), "1 again"),
            m(None, "2"),
            m(Some("b"), "3"),
            m(Some(" "), "4"),
        ]);
        let texts: Vec<&str> = all.0.iter().map(|m| m.message.as_str()).collect();
        assert_eq!(texts, ["1", "2", "2", "3", "4"]);
    }
}
