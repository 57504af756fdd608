//! Conversations and messages. A conversation is keyed by store + category + the Mercado Libre
//! id of its thread (question id, pack/order id, claim id), so re-fetching the same thing upserts
//! instead of duplicating.

use crate::ids::{
    ClaimId, ConversationId, ItemId, MeliUserId, MessageId, OrderId, OrgId, PackId, PersonId,
    SellerId, TeamId,
};
use crate::routing::Module;
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
    /// Where it is handled: commercial inbox, support desk, or a bot's queue.
    pub module: Module,
    pub assigned_team_id: Option<TeamId>,
    pub assigned_person_id: Option<PersonId>,
    /// Post-sale and claim context.
    pub order_id: Option<OrderId>,
    pub pack_id: Option<PackId>,
    pub claim_id: Option<ClaimId>,
    /// Mercado Libre refuses sends here, and why (a blocked conversation's substatus).
    pub blocked_reason: Option<String>,
    /// Post-sale: the buyer wrote first, so the seller may reply.
    pub buyer_started: bool,
    pub first_inbound_at: Option<DateTime<Utc>>,
    /// When the first answer after the first inbound message went out, and who sent it.
    pub first_response_at: Option<DateTime<Utc>>,
    pub first_responder_id: Option<PersonId>,
}

impl Conversation {
    /// Seconds from the buyer's first message to the first answer, once answered.
    pub fn first_response_secs(&self) -> Option<i64> {
        match (self.first_inbound_at, self.first_response_at) {
            (Some(asked), Some(answered)) => Some((answered - asked).num_seconds().max(0)),
            _ => None,
        }
    }
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
    /// Mercado Libre's moderation verdict on it, when it gave one (e.g. `rejected` with reason
    /// `PERSONAL_DATA`).
    pub moderation_status: Option<String>,
    pub moderation_reason: Option<String>,
    /// Attachments as Mercado Libre lists them (file names, ids).
    pub attachments: Option<serde_json::Value>,
    /// Claims: who the message went to (`complainant`, `mediator`, …).
    pub receiver_role: Option<String>,
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

/// A buyer as known to one store. Every field but the keys is optional and, when `None` in an
/// upsert, keeps what is already known: sightings differ in what they carry (a question only the
/// nickname, an order's billing data the name and document, a lead what the buyer typed).
/// Phone and e-mail are personal data the buyer gave (a lead) or the invoice data holds, never
/// anything else: show them, never log them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub org_id: OrgId,
    pub seller_id: SellerId,
    pub meli_user_id: MeliUserId,
    pub nickname: Option<String>,
    /// Full name (a person's first and last, or a business name).
    pub name: Option<String>,
    /// `DNI`, `CPF`, `RUT`, …
    pub doc_type: Option<String>,
    pub doc_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    /// A buyer of a store, with nothing known about them yet.
    pub fn new(org_id: OrgId, seller_id: SellerId, meli_user_id: MeliUserId) -> Contact {
        Contact {
            org_id,
            seller_id,
            meli_user_id,
            nickname: None,
            name: None,
            doc_type: None,
            doc_number: None,
            phone: None,
            email: None,
        }
    }
}

/// A buyer's contact on a classified listing (vehicle, real estate, service), with the data the
/// buyer shared on purpose. A guest's lead has no buyer id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub org_id: OrgId,
    pub seller_id: SellerId,
    /// Mercado Libre's lead id (opaque text).
    pub lead_id: String,
    pub item_id: Option<ItemId>,
    pub buyer_id: Option<MeliUserId>,
    /// `whatsapp`, `call`, `question`, `visit_request`, … as Mercado Libre writes it.
    pub contact_type: String,
    pub status: Option<String>,
    /// The question id of a `question` lead.
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub doc_type: Option<String>,
    pub doc_number: Option<String>,
    /// When the buyer got in touch.
    pub contacted_at: DateTime<Utc>,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItem {
    pub item_id: Option<ItemId>,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Decimal,
    pub currency_id: String,
}

/// An order as the support desk and the monitor need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub order_id: OrderId,
    pub org_id: OrgId,
    pub seller_id: SellerId,
    pub pack_id: Option<PackId>,
    /// Mercado Libre's status word (`paid`, `cancelled`, `partially_refunded`, …).
    pub status: String,
    pub status_detail: Option<String>,
    pub date_created: DateTime<Utc>,
    pub date_closed: Option<DateTime<Utc>>,
    pub last_updated: DateTime<Utc>,
    pub total_amount: Decimal,
    pub paid_amount: Decimal,
    /// What was refunded of it (the sum of the payments' `transaction_amount_refunded`); a
    /// partially refunded order counts net of it ([`crate::sales`]).
    #[serde(default)]
    pub refunded_amount: Decimal,
    pub currency_id: String,
    pub buyer_id: MeliUserId,
    pub shipment_id: Option<i64>,
    pub shipping_status: Option<String>,
    pub items: Vec<OrderItem>,
}

/// What the seller may do in a claim, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimAction {
    pub action: String,
    pub due_date: Option<DateTime<Utc>>,
    pub mandatory: bool,
}

/// A claim as the support desk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub claim_id: ClaimId,
    pub org_id: OrgId,
    pub seller_id: SellerId,
    pub order_id: Option<OrderId>,
    pub reason_id: Option<String>,
    pub claim_type: Option<String>,
    /// `claim` or `dispute` (Mercado Libre mediates).
    pub stage: String,
    pub status: String,
    pub affects_reputation: Option<bool>,
    pub available_actions: Vec<ClaimAction>,
    pub date_created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
}

impl Claim {
    /// The role the seller's next message goes to: the mediator once the claim is a dispute and
    /// the seller may write to them, the complainant otherwise.
    pub fn reply_role(&self) -> Option<&'static str> {
        let can = |action: &str| self.available_actions.iter().any(|a| a.action == action);
        if self.stage == "dispute" && can("send_message_to_mediator") {
            Some("mediator")
        } else if can("send_message_to_complainant") {
            Some("complainant")
        } else if can("send_message_to_mediator") {
            Some("mediator")
        } else {
            None
        }
    }
}
