//! A pack's post-sale conversation: `GET /messages/packs/{pack}/sellers/{seller}`,
//! whether it is blocked and why, and the unread counters.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{Message, Paging};
use crate::macros::open_enum;

open_enum! {
    /// `conversation_status.status`.
    pub enum ConversationState {
        /// Messages can be sent and received.
        Active => "active",
        /// Closed to new messages; `substatus` says why.
        Blocked => "blocked",
    }
}

open_enum! {
    /// `conversation_status.substatus`: why a conversation is blocked.
    pub enum BlockReason {
        /// 30 days since the last message; reopens if the buyer writes.
        ByTime => "blocked_by_time",
        /// The buyer blocked messages.
        ByBuyer => "blocked_by_buyer",
        /// A mediation is in progress: write in the claim.
        ByMediation => "blocked_by_mediation",
        /// A mediation on a Full (fulfillment) sale.
        ByMediationFbm => "blocked_by_mediation_fbm",
        /// Fulfillment: opens once the parcel is delivered.
        ByFulfillment => "blocked_by_fulfillment",
        /// The order is not paid yet.
        ByPayment => "blocked_by_payment",
        /// The seller may not start the conversation (supermarket).
        ByConversationInitiatedBySeller => "blocked_by_conversation_initiated_by_seller",
        /// Must be continued through the messages API.
        ByConversationUseMessageApi => "blocked_by_conversation_use_message_api",
        /// The seller may only start through the action guide (Mercado Envíos 2).
        ByConversationInitiatedBySellerLimited => "blocked_by_conversation_initiated_by_seller_limited",
        /// The seller started without the action guide.
        ByConversationStartedBySeller => "blocked_by_conversation_started_by_seller",
        /// The order was cancelled.
        ByCancelledOrder => "blocked_by_cancelled_order",
        /// The order was cancelled for fraud.
        ByCancelledOrderByFraud => "blocked_by_cancelled_order_by_fraud",
        /// The order was cancelled and hidden.
        ByCancelledOrderHidden => "blocked_by_cancelled_order_hidden",
        /// 18 months since the purchase.
        ByConversationExpired => "blocked_by_conversation_expired",
        /// The purchase was refunded.
        ByRefund => "blocked_by_refund",
        /// A change claim was opened.
        ByClaimChangeOpen => "blocked_by_claim_change_open",
        /// A change claim was closed.
        ByClaimChangeClosed => "blocked_by_claim_change_closed",
        /// An account was deactivated.
        ByDeactivatedAccount => "blocked_by_deactivated_account",
        /// The seller has restrictions.
        ByRestrictions => "blocked_by_restrictions",
        /// A message is waiting for review.
        ByMessagePendingReview => "blocked_by_message_pending_review",
        /// The parcel is going back to the buyer (fulfillment).
        ByReturnToBuyerFulfillment => "blocked_by_return_to_buyer_fulfillment",
        /// Mercado Libre's assistant is handling the buyer.
        ByAiAssistant => "blocked_by_ai_assistant",
        /// The assistant's window expired.
        ByAiAssistantExpired => "blocked_by_ai_assistant_expired",
        /// The assistant closed the contact.
        ByAiAssistantContactClosed => "blocked_by_ai_assistant_contact_closed",
        /// The assistant's seller-started window expired.
        ByAiAssistantInitiatedBySellerExpired => "block_by_ai_assistant_initiated_by_seller_expired",
    }
}

impl BlockReason {
    /// A mediation blocks it (including the `bloqued_by_mediation` misspelling
    /// one documentation page uses): the agent should answer in the claim.
    pub fn is_mediation(&self) -> bool {
        match self {
            Self::ByMediation | Self::ByMediationFbm => true,
            Self::Other(raw) => raw.contains("mediation"),
            _ => false,
        }
    }
}

/// `GET /messages/packs/{pack_id}/sellers/{seller_id}?tag=post_sale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackMessages {
    /// Where this page sits (`null` reads as zeros).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub paging: Paging,
    /// Whether the seller can write, and why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_status: Option<ConversationStatus>,
    /// This page, newest first.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub messages: Vec<Message>,
    /// Longest text the seller may send (350 today).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_count"
    )]
    pub seller_max_message_length: Option<u64>,
    /// Longest text the buyer may send.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_count"
    )]
    pub buyer_max_message_length: Option<u64>,
}

impl PackMessages {
    /// Why the seller cannot write here, if blocked (`Some(None)` when
    /// blocked without a stated reason).
    pub fn blocked(&self) -> Option<Option<&BlockReason>> {
        let status = self.conversation_status.as_ref()?;
        status.is_blocked().then_some(status.substatus.as_ref())
    }
}

/// `conversation_status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ConversationStatusWire")]
pub struct ConversationStatus {
    /// `/packs/{pack}/sellers/{seller}` (sometimes `/seller/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Open or blocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ConversationState>,
    /// Why it is blocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substatus: Option<BlockReason>,
    /// Last change of `status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_date: Option<DateTime<FixedOffset>>,
    /// Whether the seller may change the status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_update_allowed: Option<bool>,
    /// Claims tied to the conversation (`claim_id` or `claim_ids`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claim_ids: Vec<i64>,
    /// The shipment tied to the conversation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_id: Option<i64>,
}

impl ConversationStatus {
    /// Whether the conversation is closed to the seller's messages.
    pub fn is_blocked(&self) -> bool {
        self.status == Some(ConversationState::Blocked)
    }
}

#[derive(Deserialize)]
struct ConversationStatusWire {
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    status: Option<ConversationState>,
    #[serde(default)]
    substatus: Option<BlockReason>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    status_date: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    status_update_allowed: Option<bool>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    claim_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::de::id_list")]
    claim_ids: Vec<i64>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    shipping_id: Option<i64>,
}

impl From<ConversationStatusWire> for ConversationStatus {
    fn from(w: ConversationStatusWire) -> Self {
        let mut claim_ids = w.claim_ids;
        if let Some(id) = w.claim_id
            && !claim_ids.contains(&id)
        {
            claim_ids.insert(0, id);
        }
        Self {
            path: w.path,
            status: w.status,
            substatus: w.substatus.filter(|s| !s.as_str().trim().is_empty()),
            status_date: w.status_date,
            status_update_allowed: w.status_update_allowed,
            claim_ids,
            shipping_id: w.shipping_id,
        }
    }
}

/// `GET /messages/unread?role=seller&tag=post_sale` (and the per-pack form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnreadMessages {
    /// The seller asked about.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub user_id: Option<i64>,
    /// Conversations with unread messages (up to 500).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub results: Vec<UnreadConversation>,
}

/// `UnreadMessages.results[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadConversation {
    /// `/packs/{pack_id}/sellers/{seller_id}`.
    pub resource: String,
    /// Unread messages in it.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub count: u64,
}

impl UnreadConversation {
    /// The pack id in `resource`.
    pub fn pack_id(&self) -> Option<i64> {
        self.segment_after("packs")
    }

    /// The seller id in `resource`.
    pub fn seller_id(&self) -> Option<i64> {
        self.segment_after("sellers")
            .or_else(|| self.segment_after("seller"))
    }

    fn segment_after(&self, name: &str) -> Option<i64> {
        let mut segs = self.resource.split('/').filter(|s| !s.is_empty());
        segs.find(|s| *s == name)?;
        segs.next()?.parse().ok()
    }
}

/// `POST /messages/attachments` answer: the id to list in a message's `attachments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentUpload {
    /// Stored file name, e.g. `210438685_59f0f034-….jpg`.
    #[serde(deserialize_with = "crate::de::id_string")]
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_id_or_claim_ids() {
        let one: ConversationStatus = serde_json::from_str(
            r#"{"status":"blocked","substatus":"blocked_by_mediation","claim_id":5}"#,
        )
        .unwrap();
        assert_eq!(one.claim_ids, [5]);
        assert!(one.is_blocked());
        assert!(
            one.substatus
                .as_ref()
                .is_some_and(BlockReason::is_mediation)
        );
        let many: ConversationStatus =
            serde_json::from_str(r#"{"status":"active","substatus":"","claim_ids":["5",6]}"#)
                .unwrap();
        assert_eq!(
            (many.claim_ids.as_slice(), many.substatus),
            (&[5, 6][..], None)
        );
        let none: ConversationStatus = serde_json::from_str(r#"{"claim_ids":null}"#).unwrap();
        assert!(none.claim_ids.is_empty());
        assert!(BlockReason::from("bloqued_by_mediation").is_mediation());
        assert!(!BlockReason::ByTime.is_mediation());
    }

    #[test]
    fn unread_resource_ids() {
        let u = UnreadConversation {
            resource: "/packs/1977056109/sellers/378136913".into(),
            count: 1,
        };
        assert_eq!(
            (u.pack_id(), u.seller_id()),
            (Some(1_977_056_109), Some(378_136_913))
        );
        let odd = UnreadConversation {
            resource: "/orders/1".into(),
            count: 0,
        };
        assert_eq!((odd.pack_id(), odd.seller_id()), (None, None));
    }
}
