//! Claims on orders: opened by the buyer (stage `claim`, buyer and seller talk), escalated to
//! stage `dispute` (a Mercado Libre mediator joins; the seller now writes to the mediator).
//!
//! The seller's `available_actions` follow the stage, and sending a message needs the matching
//! one: `send_message_to_complainant` in `claim`, `send_message_to_mediator` in `dispute`. A
//! dispute blocks the pack's conversation with `blocked_by_mediation`.

use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;

use super::moderation::{self, Reason};
use super::{Market, next_id};
use crate::errors::SimError;
use crate::seed::Lang;
use crate::state::{Inner, hex};

/// The mediator's user id (the one of the official `open-dispute` sample).
pub(crate) const MEDIATOR_ID: i64 = 46_622_406;

/// Reasons the simulator's buyers claim for: `(reason_id, problem in Spanish, in Portuguese)`.
pub(crate) const REASONS: &[(&str, &str, &str)] = &[
    (
        "PDD9549",
        "Nos dijiste que el producto llegó dañado",
        "Você nos disse que o produto chegou danificado",
    ),
    (
        "PDD9939",
        "Nos dijiste que el producto es distinto al publicado",
        "Você nos disse que o produto é diferente do anunciado",
    ),
    (
        "PNR9501",
        "Nos dijiste que el producto no llegó",
        "Você nos disse que o produto não chegou",
    ),
];

/// One message of a claim.
#[derive(Debug, Clone)]
pub(crate) struct ClaimMessage {
    pub sender_role: &'static str,
    pub receiver_role: &'static str,
    pub text: String,
    pub created: DateTime<Utc>,
    pub read: Option<DateTime<Utc>>,
    pub stage: &'static str,
    pub moderation: Option<Reason>,
    pub hash: String,
}

/// A claim as stored.
#[derive(Debug, Clone)]
pub(crate) struct Claim {
    pub id: i64,
    pub order_id: i64,
    pub pack_id: Option<i64>,
    pub seller_id: i64,
    pub buyer_id: i64,
    pub site_id: &'static str,
    pub reason_id: &'static str,
    pub stage: &'static str,
    pub status: &'static str,
    pub quantity: u32,
    pub date_created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    /// When it became a dispute.
    pub disputed: Option<DateTime<Utc>>,
    /// Oldest first.
    pub messages: Vec<ClaimMessage>,
    /// Also notify on the legacy `claims` topic.
    pub legacy_topic: bool,
}

/// An available action of a player: `(action, mandatory, due_date)`.
pub(crate) type Action = (&'static str, bool, Option<DateTime<Utc>>);

impl Claim {
    /// The seller's (respondent's) available actions.
    pub fn respondent_actions(&self) -> Vec<Action> {
        if self.status != "opened" {
            return Vec::new();
        }
        match self.stage {
            "claim" => vec![
                (
                    "send_message_to_complainant",
                    false,
                    Some(self.date_created + TimeDelta::days(2)),
                ),
                ("refund", false, None),
                ("allow_return", false, None),
            ],
            "dispute" => vec![
                ("send_message_to_mediator", false, None),
                ("refund", false, None),
            ],
            _ => Vec::new(),
        }
    }

    pub fn respondent_can(&self, action: &str) -> bool {
        self.respondent_actions()
            .iter()
            .any(|(a, _, _)| *a == action)
    }

    /// The claim's problem as the detail page words it.
    pub fn problem(&self) -> &'static str {
        let (_, es, pt) = REASONS
            .iter()
            .find(|(id, _, _)| *id == self.reason_id)
            .copied()
            .unwrap_or(REASONS[0]);
        match Lang::for_site(self.site_id) {
            Lang::Es => es,
            Lang::Pt => pt,
        }
    }

    /// Adds a message (moderating its text) and returns it.
    pub fn push(
        &mut self,
        rng: &mut StdRng,
        sender_role: &'static str,
        receiver_role: &'static str,
        text: &str,
        when: DateTime<Utc>,
    ) -> ClaimMessage {
        let n = self.messages.len();
        let hash = format!(
            "{}_{n}_{}-{}-{}-{}-{}",
            self.id,
            hex(rng, 8),
            hex(rng, 4),
            hex(rng, 4),
            hex(rng, 4),
            hex(rng, 12)
        );
        let message = ClaimMessage {
            sender_role,
            receiver_role,
            text: text.to_owned(),
            created: when,
            read: None,
            stage: self.stage,
            moderation: moderation::moderate(text),
            hash,
        };
        self.messages.push(message.clone());
        self.last_updated = when;
        message
    }
}

/// The buyer of `order_id` opens a claim at `when`, with `text` as their first message.
pub(crate) fn open(
    inner: &mut Inner,
    order_id: i64,
    reason_id: Option<&str>,
    text: &str,
    legacy_topic: bool,
    when: DateTime<Utc>,
) -> Result<Claim, SimError> {
    let Inner { rng, market, .. } = inner;
    let order = market
        .orders
        .get(&order_id)
        .ok_or(SimError::OrderNotFound(order_id))?;
    if order.status != "paid" {
        return Err(SimError::OrderNotClaimable(order_id));
    }
    if order
        .claim_ids
        .iter()
        .filter_map(|id| market.claims.get(id))
        .any(|c| c.status == "opened")
    {
        return Err(SimError::ClaimAlreadyOpen(order_id));
    }
    let reason_id = match reason_id {
        None => REASONS[0].0,
        Some(r) => REASONS
            .iter()
            .map(|(id, _, _)| *id)
            .find(|id| *id == r)
            .ok_or_else(|| SimError::UnknownReason(r.to_owned()))?,
    };
    if text.trim().is_empty() {
        return Err(SimError::InvalidMessageText);
    }
    let id = next_id(&mut market.ids.claim, rng);
    let mut claim = Claim {
        id,
        order_id,
        pack_id: order.pack_id,
        seller_id: order.seller_id,
        buyer_id: order.buyer_id,
        site_id: order.site_id,
        reason_id,
        stage: "claim",
        status: "opened",
        quantity: order.quantity,
        date_created: when,
        last_updated: when,
        disputed: None,
        messages: Vec::new(),
        legacy_topic,
    };
    claim.push(rng, "complainant", "respondent", text, when);
    let key = Market::conversation_key(order);
    if let Some(order) = market.orders.get_mut(&order_id) {
        order.claim_ids.push(id);
        order.last_updated = when;
    }
    if let Some(conversation) = market.conversations.get_mut(&key) {
        conversation.claim_ids.push(id);
    }
    market.claims.insert(id, claim.clone());
    Ok(claim)
}

/// Escalates a claim to a dispute: the mediator joins, writes to both parties, and the pack's
/// conversation is blocked by the mediation.
pub(crate) fn escalate(
    inner: &mut Inner,
    claim_id: i64,
    when: DateTime<Utc>,
) -> Result<Claim, SimError> {
    let Inner { rng, market, .. } = inner;
    let claim = market
        .claims
        .get_mut(&claim_id)
        .ok_or(SimError::ClaimNotFound(claim_id))?;
    if claim.status != "opened" || claim.stage != "claim" {
        return Err(SimError::NotEscalable(claim_id));
    }
    claim.stage = "dispute";
    claim.disputed = Some(when);
    let text = match Lang::for_site(claim.site_id) {
        Lang::Es => {
            "Hola, intervinimos en el reclamo para ayudarlos a resolverlo. Revisaremos la información de ambas partes."
        }
        Lang::Pt => {
            "Olá, intervimos na reclamação para ajudar a resolvê-la. Vamos analisar as informações das duas partes."
        }
    };
    claim.push(rng, "mediator", "respondent", text, when);
    claim.push(rng, "mediator", "complainant", text, when);
    let claim = claim.clone();
    let key = claim.pack_id.unwrap_or(claim.order_id);
    if let Some(conversation) = market.conversations.get_mut(&key)
        && conversation.block.is_none()
    {
        conversation.block = Some("blocked_by_mediation".to_owned());
        conversation.status_date = when;
    }
    Ok(claim)
}

/// The buyer writes in a claim: to the seller during the claim stage, to the mediator during
/// a dispute. Returns the claim and whether the seller can see the message.
pub(crate) fn buyer_writes(
    inner: &mut Inner,
    claim_id: i64,
    text: &str,
    when: DateTime<Utc>,
) -> Result<(Claim, bool), SimError> {
    if text.trim().is_empty() {
        return Err(SimError::InvalidMessageText);
    }
    let Inner { rng, market, .. } = inner;
    let claim = market
        .claims
        .get_mut(&claim_id)
        .ok_or(SimError::ClaimNotFound(claim_id))?;
    if claim.status != "opened" {
        return Err(SimError::ClaimClosed(claim_id));
    }
    let receiver = if claim.stage == "dispute" {
        "mediator"
    } else {
        "respondent"
    };
    let message = claim.push(rng, "complainant", receiver, text, when);
    let visible = receiver == "respondent" && message.moderation.is_none();
    Ok((claim.clone(), visible))
}
