//! `GET /shipments/{id}` (sent with `x-format-new: true`): where the parcel
//! is and what was promised to the buyer, which is most of what a buyer
//! asks about after a sale. Addresses are personal data and are not modelled.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::macros::open_enum;

open_enum! {
    /// `Shipment.status` (the list `GET /shipment_statuses` publishes).
    pub enum ShipmentStatus {
        /// Shipping agreed between buyer and seller, outside Mercado Envíos.
        ToBeAgreed => "to_be_agreed",
        /// Created, not payable or not paid yet.
        Pending => "pending",
        /// Paid; the seller is preparing it.
        Handling => "handling",
        /// Label ready; waiting for the carrier.
        ReadyToShip => "ready_to_ship",
        /// With the carrier.
        Shipped => "shipped",
        /// Delivered.
        Delivered => "delivered",
        /// Not delivered (returned, lost, …; see the substatus).
        NotDelivered => "not_delivered",
        /// Not verified.
        NotVerified => "not_verified",
        /// Cancelled.
        Cancelled => "cancelled",
        /// Closed.
        Closed => "closed",
        /// Error.
        Error => "error",
        /// Active.
        Active => "active",
        /// Not specified.
        NotSpecified => "not_specified",
        /// Ready to ship for too long.
        StaleReadyToShip => "stale_ready_to_ship",
        /// Shipped for too long.
        StaleShipped => "stale_shipped",
    }
}

/// A shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shipment {
    /// Shipment id.
    #[serde(deserialize_with = "crate::de::id")]
    pub id: i64,
    /// Where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ShipmentStatus>,
    /// Refines `status` (`printed`, `out_for_delivery`, `receiver_absent`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substatus: Option<String>,
    /// When the shipment was created.
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
    /// The carrier's tracking number.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub tracking_number: Option<String>,
    /// The carrier or service tracking it (`Correios`, `MEL Distribution`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_method: Option<String>,
    /// The order shipped (older format; the new one lists orders elsewhere).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub order_id: Option<i64>,
    /// How it travels (`me2`/`drop_off`/`forward`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logistic: Option<ShipmentLogistic>,
    /// What was promised: the delivery estimates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_time: Option<ShipmentLeadTime>,
    /// Older format: when each status was reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_history: Option<ShipmentStatusDates>,
    /// `fraud_risk_detected`, `delivered`, …
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub tags: Vec<String>,
}

impl Shipment {
    /// The latest delivery date promised to the buyer: the final estimate,
    /// else the extended one, else the first.
    pub fn promised_delivery(&self) -> Option<DateTime<FixedOffset>> {
        let lt = self.lead_time.as_ref()?;
        [
            &lt.estimated_delivery_final,
            &lt.estimated_delivery_extended,
            &lt.estimated_delivery_time,
        ]
        .into_iter()
        .find_map(|d| d.as_ref().and_then(|d| d.date))
    }
}

/// `Shipment.logistic`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentLogistic {
    /// `me1`, `me2`, `custom`, `not_specified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `drop_off`, `cross_docking`, `fulfillment`, `self_service` (Flex), …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `forward` or `return`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
}

/// `Shipment.lead_time` (only the delivery promise is modelled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentLeadTime {
    /// First estimate shown at purchase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_delivery_time: Option<DatedEstimate>,
    /// Estimate after a delay was declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_delivery_extended: Option<DatedEstimate>,
    /// The current final estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_delivery_final: Option<DatedEstimate>,
    /// The latest date before the buyer may complain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_delivery_limit: Option<DatedEstimate>,
    /// The service chosen (`{id, name, type, deliver_to}`), kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_method: Option<serde_json::Value>,
}

/// `{"date": …}` inside `lead_time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedEstimate {
    /// The estimated date; `null` when not computed.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub date: Option<DateTime<FixedOffset>>,
}

/// `Shipment.status_history` (older format).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentStatusDates {
    /// Entered `handling`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_handling: Option<DateTime<FixedOffset>>,
    /// Entered `ready_to_ship`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_ready_to_ship: Option<DateTime<FixedOffset>>,
    /// Entered `shipped`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_shipped: Option<DateTime<FixedOffset>>,
    /// Delivered.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_delivered: Option<DateTime<FixedOffset>>,
    /// Entered `not_delivered`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_not_delivered: Option<DateTime<FixedOffset>>,
    /// Cancelled.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_cancelled: Option<DateTime<FixedOffset>>,
}
