//! The parts of an order: its items, payments and shipment summary.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// `Order.order_items[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderItem {
    /// The listing bought.
    pub item: OrderItemInfo,
    /// Units.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_count"
    )]
    pub quantity: Option<u64>,
    /// Price per unit paid.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub unit_price: Option<Decimal>,
    /// Price per unit before discounts.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub full_unit_price: Option<Decimal>,
    /// `ARS`, `BRL`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_id: Option<String>,
    /// Mercado Libre's fee on this line.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub sale_fee: Option<Decimal>,
    /// `gold_special`, `gold_pro`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_type_id: Option<String>,
}

/// `Order.order_items[].item`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderItemInfo {
    /// Item id, e.g. `MLB3737188005`.
    #[serde(deserialize_with = "crate::de::id_string")]
    pub id: String,
    /// Title at the time of sale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Category, e.g. `MLB188658`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
    /// The variation bought, for listings with variations.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub variation_id: Option<i64>,
    /// The seller's SKU.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub seller_sku: Option<String>,
    /// The seller's own reference.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub seller_custom_field: Option<String>,
    /// `new`, `used`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Warranty text shown to the buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warranty: Option<String>,
}

/// `Order.payments[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderPayment {
    /// Payment id.
    #[serde(deserialize_with = "crate::de::id")]
    pub id: i64,
    /// `approved`, `refunded`, `rejected`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `accredited`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<String>,
    /// `account_money`, `visa`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_id: Option<String>,
    /// `account_money`, `credit_card`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<String>,
    /// Amount of the purchase paid by this payment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub transaction_amount: Option<Decimal>,
    /// Everything the buyer paid (shipping, interest included).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub total_paid_amount: Option<Decimal>,
    /// What was refunded of this payment (a partial refund leaves the order
    /// `partially_refunded`; a full one cancels it).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub transaction_amount_refunded: Option<Decimal>,
    /// `ARS`, `BRL`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_id: Option<String>,
    /// Instalments chosen.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_count"
    )]
    pub installments: Option<u64>,
    /// When the payment was approved.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_approved: Option<DateTime<FixedOffset>>,
    /// When the payment was created.
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
    pub date_last_modified: Option<DateTime<FixedOffset>>,
}

/// `Order.shipping`: only the id in new orders; older search results add
/// status fields (and `id: null` for "to be agreed").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderShipping {
    /// Shipment id; `null` until it exists, or when shipping is agreed privately.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub id: Option<i64>,
    /// Older responses: `to_be_agreed`, `shipped`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Older responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substatus: Option<String>,
}
