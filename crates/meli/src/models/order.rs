//! `GET /orders/{id}` and `GET /orders/search`.
//!
//! An order is one listing (possibly several units); a cart groups orders in
//! a pack, and the post-sale conversation belongs to the pack. The samples
//! disagree on ids (numbers or strings), on `status_detail` (string, object
//! or null) and on `feedback` (`seller`/`buyer` or `sale`/`purchase`); the
//! loosely shaped parts are kept raw.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    Paging,
    order_parts::{OrderItem, OrderPayment, OrderShipping},
};
use crate::macros::open_enum;

open_enum! {
    /// `Order.status`.
    pub enum OrderStatus {
        /// Created, not paid yet.
        Confirmed => "confirmed",
        /// Waiting for the buyer to pay.
        PaymentRequired => "payment_required",
        /// A payment is being processed.
        PaymentInProcess => "payment_in_process",
        /// Part of the amount is paid.
        PartiallyPaid => "partially_paid",
        /// Paid.
        Paid => "paid",
        /// Part of the amount was refunded.
        PartiallyRefunded => "partially_refunded",
        /// Cancelled, with an action still pending.
        PendingCancel => "pending_cancel",
        /// Cancelled; post-sale messaging is blocked.
        Cancelled => "cancelled",
        /// Marked invalid (malicious buyer).
        Invalid => "invalid",
    }
}

/// A sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Order id (exceeds 2^53 in new orders).
    #[serde(deserialize_with = "crate::de::id")]
    pub id: i64,
    /// Lifecycle state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OrderStatus>,
    /// Why it is in that state: a string, `{code, description}` or null; kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<serde_json::Value>,
    /// When the buyer bought.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_created: Option<DateTime<FixedOffset>>,
    /// When the purchase was confirmed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_closed: Option<DateTime<FixedOffset>>,
    /// Last change (by-id view).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub last_updated: Option<DateTime<FixedOffset>>,
    /// Last change as older search results name it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_last_updated: Option<DateTime<FixedOffset>>,
    /// The cart this order belongs to; `null` for a lone order (see [`Order::conversation_id`]).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub pack_id: Option<i64>,
    /// Whether the sale actually happened, once someone said so.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub fulfilled: Option<bool>,
    /// `buy_equals_pay`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buying_mode: Option<String>,
    /// Price of the items (exact decimal).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub total_amount: Option<Decimal>,
    /// What the buyer paid, shipping included.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub paid_amount: Option<Decimal>,
    /// Shipping the buyer paid.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub shipping_cost: Option<Decimal>,
    /// `ARS`, `BRL`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_id: Option<String>,
    /// What was bought (one listing, possibly several units).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub order_items: Vec<OrderItem>,
    /// Payments of this order.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub payments: Vec<OrderPayment>,
    /// The shipment, once there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<OrderShipping>,
    /// The buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<OrderParty>,
    /// The seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<OrderParty>,
    /// `paid`, `pack_order`, `not_delivered`, …
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub tags: Vec<String>,
    /// Where the sale happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<OrderContext>,
    /// Claims on this order (`[{"id": …}]`), kept raw; see [`Order::mediation_ids`].
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub mediations: Vec<serde_json::Value>,
    /// Ratings; the two API generations name the sides differently, kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<serde_json::Value>,
    /// Who cancelled and why, when cancelled; kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_detail: Option<serde_json::Value>,
}

impl Order {
    /// The id the post-sale conversation lives under: `pack_id`, or the order
    /// id itself when the order has no pack (still used under `/packs/`).
    pub fn conversation_id(&self) -> i64 {
        self.pack_id.unwrap_or(self.id)
    }

    /// The most recent change, whichever name the response used.
    pub fn last_change(&self) -> Option<DateTime<FixedOffset>> {
        self.last_updated.or(self.date_last_updated)
    }

    /// The buyer's user id.
    pub fn buyer_id(&self) -> Option<i64> {
        self.buyer.as_ref().map(|b| b.id)
    }

    /// The seller's user id.
    pub fn seller_id(&self) -> Option<i64> {
        self.seller.as_ref().map(|s| s.id)
    }

    /// The shipment id, once the shipment exists.
    pub fn shipment_id(&self) -> Option<i64> {
        self.shipping.as_ref().and_then(|s| s.id)
    }

    /// Ids of the claims listed in `mediations`.
    pub fn mediation_ids(&self) -> Vec<i64> {
        self.mediations
            .iter()
            .filter_map(|m| match m.get("id")? {
                serde_json::Value::Number(n) => n.as_i64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })
            .collect()
    }

    /// Whether `tags` holds `tag`.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

/// `Order.buyer` and `Order.seller`. Names and contact data are personal
/// data and, for buyers, not reliably present: do not depend on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderParty {
    /// User id.
    #[serde(deserialize_with = "crate::de::id")]
    pub id: i64,
    /// Public nickname (missing from the newest samples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Older responses only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Older responses only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Buyers: the key to `GET /orders/billing-info/{site}/{id}` (new), or the document (old).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_info: Option<OrderBillingRef>,
}

/// `Order.buyer.billing_info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderBillingRef {
    /// Billing-info id (new orders).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub id: Option<String>,
    /// Document type (older orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    /// Document number (older orders).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub doc_number: Option<String>,
}

/// `Order.context`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderContext {
    /// `marketplace`, `proximity`, `mp-channel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Site, e.g. `MLB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// `catalog`, `cbt`, `subscription`, `supermarket`, …
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub flows: Vec<String>,
}

/// `GET /orders/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrdersSearch {
    /// The `q` searched for (often empty).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub query: Option<String>,
    /// This page.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub results: Vec<Order>,
    /// Where this page sits.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub paging: Paging,
    /// The sort applied (`{id, name}`), kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<serde_json::Value>,
    /// Echo of the applied filters, kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<serde_json::Value>,
}
