//! Conversations and messages. A conversation is keyed by store + category + the Mercado Libre
//! id of its thread (question id, pack/order id, claim id), so re-fetching the same thing upserts
//! instead of duplicating.

use crate::ids::{ConversationId, ItemId, MeliUserId, MessageId, OrgId, PersonId, SellerId};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The three kinds of buyer interaction (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A question on a listing, answered with `POST /answers`.
    PreSaleQuestion,
    /// Messages in an order's pack.
    PostSaleHelp,
    /// A claim opened on an order.
    Claim,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::PreSaleQuestion => "pre_sale_question",
            Category::PostSaleHelp => "post_sale_help",
            Category::Claim => "claim",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        [
            Category::PreSaleQuestion,
            Category::PostSaleHelp,
            Category::Claim,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    /// The label agents see.
    pub fn label(self) -> &'static str {
        match self {
            Category::PreSaleQuestion => "Pre-sale · Questions & Answers",
            Category::PostSaleHelp => "Post-sale · Help",
            Category::Claim => "Claim",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// Waiting for us.
    Open,
    /// Waiting for the buyer or for Mercado Libre.
    Waiting,
    Resolved,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Waiting => "waiting",
            ConversationStatus::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<ConversationStatus> {
        [Self::Open, Self::Waiting, Self::Resolved]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// One thread with one buyer, as the inbox lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub org_id: OrgId,
    pub seller_id: SellerId,
    pub category: Category,
    /// The Mercado Libre id of the thread: question id for pre-sale.
    pub meli_ref: String,
    pub status: ConversationStatus,
    /// Mercado Libre's own status word for the thread (e.g. `UNANSWERED`), kept raw.
    pub meli_status: Option<String>,
    pub buyer_id: MeliUserId,
    pub item_id: Option<ItemId>,
    /// True once the single allowed answer is queued or sent: the composer is read-only.
    pub reply_locked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the buyer last wrote; the inbox's waiting time counts from here.
    pub last_inbound_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Buyer,
    Agent,
    Bot,
    Mediator,
    /// Written outside Mostrador (e.g. answered on Mercado Libre's own site).
    Seller,
}

/// Where an outgoing message stands with Mercado Libre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Inbound messages: nothing to deliver.
    Received,
    /// In the outbox.
    Pending,
    Sent,
    /// Mercado Libre refused it for good; `error` says why.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Received => "received",
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [Self::Received, Self::Pending, Self::Sent, Self::Failed]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Buyer => "buyer",
            Author::Agent => "agent",
            Author::Bot => "bot",
            Author::Mediator => "mediator",
            Author::Seller => "seller",
        }
    }

    pub fn parse(s: &str) -> Option<Author> {
        [
            Self::Buyer,
            Self::Agent,
            Self::Bot,
            Self::Mediator,
            Self::Seller,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        [Self::Inbound, Self::Outbound]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    /// Dedup key within the conversation (e.g. `question:123`, `answer:123`).
    pub meli_ref: String,
    pub direction: Direction,
    pub author: Author,
    /// The agent who wrote it, for agent messages.
    pub author_person_id: Option<PersonId>,
    pub text: String,
    pub delivery: DeliveryStatus,
    /// Why delivery failed, in words an agent can act on.
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A listing as cached for the context panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub item_id: ItemId,
    pub seller_id: SellerId,
    pub site_id: String,
    pub title: String,
    pub price: Decimal,
    pub currency_id: String,
    pub thumbnail: Option<String>,
    pub permalink: Option<String>,
    pub status: Option<String>,
}

/// A buyer as known to one store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub seller_id: SellerId,
    pub meli_user_id: MeliUserId,
    pub nickname: Option<String>,
}
