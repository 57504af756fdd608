//! `GET /packs/{id}`: the orders bought together, which share one shipment
//! and one post-sale conversation.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::macros::open_enum;

open_enum! {
    /// `Pack.status`.
    pub enum PackStatus {
        /// Every order is confirmed.
        Released => "released",
        /// Something failed while building the pack.
        Error => "error",
        /// Being cancelled.
        PendingCancel => "pending_cancel",
        /// Cancelled.
        Cancelled => "cancelled",
    }
}

/// A cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pack {
    /// Pack id.
    #[serde(deserialize_with = "crate::de::id")]
    pub id: i64,
    /// Lifecycle state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PackStatus>,
    /// Why, when not obvious; kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<serde_json::Value>,
    /// The buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<IdRef>,
    /// The shared shipment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment: Option<IdRef>,
    /// The orders in the cart.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub orders: Vec<IdRef>,
    /// When the cart was bought.
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
}

impl Pack {
    /// Ids of the orders in the pack, in the order given.
    pub fn order_ids(&self) -> Vec<i64> {
        self.orders.iter().filter_map(|o| o.id).collect()
    }
}

/// `{"id": …}`, how responses point to another resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRef {
    /// The id; `null` when the resource does not exist yet.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub id: Option<i64>,
}
