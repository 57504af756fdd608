//! Post-sale conversations: one per pack (or pack-less order) and seller.
//!
//! Rules kept here, whoever writes: the buyer can always write (a `blocked_by_time` conversation
//! reopens when they do); until the buyer has written, the conversation shows as blocked with
//! `blocked_by_conversation_initiated_by_seller_limited` and the seller can only use the action
//! guide; a moderated buyer message is hidden from the seller, a moderated seller message stays
//! visible to them with `status: moderated`.

use chrono::{DateTime, Utc};

use super::moderation::{self, Reason};
use crate::errors::SimError;
use crate::state::{Inner, hex};

/// Substatus of a conversation the buyer has not started: the seller must use the action guide.
pub(crate) const SELLER_LIMITED: &str = "blocked_by_conversation_initiated_by_seller_limited";

/// The blocking substatuses Mercado Libre documents (`mensajes-bloqueados`).
pub(crate) const SUBSTATUSES: &[&str] = &[
    "blocked_by_time",
    "blocked_by_buyer",
    "blocked_by_mediation",
    "blocked_by_mediation_fbm",
    "blocked_by_fulfillment",
    "blocked_by_payment",
    "blocked_by_conversation_initiated_by_seller",
    "blocked_by_conversation_use_message_api",
    SELLER_LIMITED,
    "blocked_by_cancelled_order",
    "blocked_by_cancelled_order_by_fraud",
    "blocked_by_cancelled_order_hidden",
    "blocked_by_conversation_expired",
    "blocked_by_refund",
    "blocked_by_claim_change_open",
    "blocked_by_claim_change_closed",
    "blocked_by_deactivated_account",
    "blocked_by_restrictions",
    "blocked_by_message_pending_review",
    "blocked_by_return_to_buyer_fulfillment",
    "blocked_by_ai_assistant",
    "blocked_by_ai_assistant_expired",
    "blocked_by_ai_assistant_contact_closed",
    "block_by_ai_assistant_initiated_by_seller_expired",
];

/// Longest text a seller may send (`seller_max_message_length`).
pub(crate) const SELLER_MAX_CHARS: usize = 350;
/// Longest text a buyer may send (`buyer_max_message_length`).
pub(crate) const BUYER_MAX_CHARS: usize = 3500;

/// An uploaded file.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub id: String,
    pub owner: i64,
    pub original_filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub created: DateTime<Utc>,
}

/// A file as a message carries it (`message_attachments[]`).
#[derive(Debug, Clone)]
pub(crate) struct AttachedFile {
    pub filename: String,
    pub original_filename: String,
    pub content_type: String,
    pub size: usize,
    pub created: DateTime<Utc>,
}

/// One post-sale message.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub id: String,
    pub key: i64,
    pub site_id: &'static str,
    pub seller_id: i64,
    pub from: i64,
    pub to: i64,
    pub text: String,
    pub created: DateTime<Utc>,
    pub read: Option<DateTime<Utc>>,
    pub moderation: Option<Reason>,
    pub attachments: Vec<AttachedFile>,
    pub first: bool,
}

impl Message {
    pub fn visible_to_seller(&self) -> bool {
        self.from == self.seller_id || self.moderation.is_none()
    }
}

/// A post-sale conversation.
#[derive(Debug, Clone)]
pub(crate) struct Conversation {
    pub key: i64,
    pub seller_id: i64,
    pub buyer_id: i64,
    pub site_id: &'static str,
    /// Oldest first.
    pub messages: Vec<Message>,
    /// An explicit block (mediation, cancelled order, time, …).
    pub block: Option<String>,
    pub status_date: DateTime<Utc>,
    /// Remaining uses per action-guide option, in the documented order of options.
    pub caps: Vec<(&'static str, u32)>,
    pub claim_ids: Vec<i64>,
}

impl Conversation {
    pub fn new(
        key: i64,
        seller_id: i64,
        buyer_id: i64,
        site_id: &'static str,
        logistic_type: &str,
        when: DateTime<Utc>,
    ) -> Self {
        let mut caps = Vec::new();
        if matches!(logistic_type, "cross_docking" | "drop_off") {
            caps.push(("REQUEST_VARIANTS", 1));
        }
        caps.push(("REQUEST_BILLING_INFO", 1));
        caps.push(("SEND_INVOICE_LINK", 1));
        if logistic_type == "self_service" {
            caps.push(("DELIVERY_PROMISE", 1));
        }
        caps.push(("OTHER", 1));
        Self {
            key,
            seller_id,
            buyer_id,
            site_id,
            messages: Vec::new(),
            block: None,
            status_date: when,
            caps,
            claim_ids: Vec::new(),
        }
    }

    pub fn buyer_started(&self) -> bool {
        self.messages
            .iter()
            .any(|m| m.from == self.buyer_id && m.moderation.is_none())
    }

    /// `(status, substatus)` as `conversation_status` shows them.
    pub fn status(&self) -> (&'static str, Option<&str>) {
        match &self.block {
            Some(sub) => ("blocked", Some(sub.as_str())),
            None if !self.buyer_started() => ("blocked", Some(SELLER_LIMITED)),
            None => ("active", None),
        }
    }

    /// Visible buyer messages the seller has not read.
    pub fn unread(&self) -> usize {
        self.messages
            .iter()
            .filter(|m| m.from == self.buyer_id && m.moderation.is_none() && m.read.is_none())
            .count()
    }

    /// Adds a message (moderating its text) and returns it.
    pub fn push(
        &mut self,
        rng: &mut rand::rngs::StdRng,
        from: i64,
        text: &str,
        attachments: Vec<AttachedFile>,
        when: DateTime<Utc>,
    ) -> Message {
        let to = if from == self.seller_id {
            self.buyer_id
        } else {
            self.seller_id
        };
        let message = Message {
            id: hex(rng, 32),
            key: self.key,
            site_id: self.site_id,
            seller_id: self.seller_id,
            from,
            to,
            text: text.to_owned(),
            created: when,
            read: None,
            moderation: moderation::moderate(text),
            attachments,
            first: self.messages.is_empty(),
        };
        self.messages.push(message.clone());
        message
    }
}

/// A buyer writes in the conversation `key` at `when`. Returns the message id and whether the
/// seller can see it (a moderated buyer message is hidden, and notifies nobody).
pub(crate) fn buyer_writes(
    inner: &mut Inner,
    key: i64,
    text: &str,
    when: DateTime<Utc>,
) -> Result<(String, bool, i64), SimError> {
    let chars = text.chars().count();
    if text.trim().is_empty() || chars > BUYER_MAX_CHARS {
        return Err(SimError::InvalidMessageText);
    }
    let Inner { rng, market, .. } = inner;
    let conversation = market
        .conversations
        .get_mut(&key)
        .ok_or(SimError::ConversationNotFound(key))?;
    if conversation.block.as_deref() == Some("blocked_by_time") {
        conversation.block = None;
        conversation.status_date = when;
    }
    let buyer = conversation.buyer_id;
    let seller = conversation.seller_id;
    let message = conversation.push(rng, buyer, text, Vec::new(), when);
    let (id, visible) = (message.id.clone(), message.moderation.is_none());
    market.message_index.insert(id.clone(), key);
    Ok((id, visible, seller))
}
