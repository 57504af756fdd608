//! Post-sale state: orders, packs, shipments, pack conversations and claims, plus the rules
//! both the API routes and the buyer-side control API go through (so a rule holds whoever
//! triggers it). `leads` holds the classifieds side: the lead record and how one is created
//! (leads live in the simulator's state beside the questions, not in [`Market`]).

pub(crate) mod claims;
pub(crate) mod leads;
pub(crate) mod messaging;
pub(crate) mod moderation;
pub(crate) mod orders;

use std::collections::{BTreeMap, HashMap};

use rand::Rng;
use rand::rngs::StdRng;

pub(crate) use claims::Claim;
pub(crate) use messaging::{Attachment, Conversation};
pub(crate) use orders::{Order, Pack, Shipment};

/// Every post-sale record, behind the simulator's one mutex.
#[derive(Debug, Default)]
pub(crate) struct Market {
    pub orders: BTreeMap<i64, Order>,
    pub packs: BTreeMap<i64, Pack>,
    pub shipments: BTreeMap<i64, Shipment>,
    /// Keyed by pack id, or by order id for an order without a pack (Mercado Libre's rule).
    pub conversations: BTreeMap<i64, Conversation>,
    /// Message id → key of its conversation.
    pub message_index: HashMap<String, i64>,
    /// Uploaded post-sale attachments by id (`{seller}_{uuid}.{ext}`).
    pub attachments: HashMap<String, Attachment>,
    pub claims: BTreeMap<i64, Claim>,
    pub ids: Ids,
}

/// Last id handed out per kind; each new id is the last plus a small random step, so ids look
/// like Mercado Libre's (same magnitude, not consecutive).
#[derive(Debug, Default)]
pub(crate) struct Ids {
    pub order: i64,
    pub pack: i64,
    pub shipment: i64,
    pub payment: i64,
    pub claim: i64,
}

impl Ids {
    pub fn new(rng: &mut StdRng) -> Self {
        Self {
            order: 2_000_010_000_000_000 + rng.random_range(0..1_000_000_000),
            pack: 2_000_007_000_000_000 + rng.random_range(0..1_000_000_000),
            shipment: 44_000_000_000 + rng.random_range(0..1_000_000_000),
            payment: 91_000_000_000 + rng.random_range(0..1_000_000_000),
            claim: 5_300_000_000 + rng.random_range(0..100_000_000),
        }
    }
}

/// Advances `last` by a random step and returns the new id.
pub(crate) fn next_id(last: &mut i64, rng: &mut StdRng) -> i64 {
    *last += rng.random_range(1..=997);
    *last
}

impl Market {
    /// The conversation key of an order: its pack id, or its own id when it has no pack.
    pub fn conversation_key(order: &Order) -> i64 {
        order.pack_id.unwrap_or(order.id)
    }
}
