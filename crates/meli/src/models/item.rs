//! `GET /items/{id}` (and each body of the `/items?ids=` multiget).
//!
//! Only what a customer-service panel shows is modelled; everything but
//! `id` and `title` is optional because `attributes=` selections and the
//! shorter official samples omit them.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::macros::open_enum;

open_enum! {
    /// `Item.status`.
    pub enum ItemStatus {
        /// Listed and purchasable.
        Active => "active",
        /// Paused by the seller or for lack of stock.
        Paused => "paused",
        /// Finished.
        Closed => "closed",
        /// Under review by MeLi.
        UnderReview => "under_review",
        /// Inactive.
        Inactive => "inactive",
        /// Waiting for a listing fee.
        PaymentRequired => "payment_required",
        /// Created, not active yet.
        NotYetActive => "not_yet_active",
    }
}

/// A listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Item id: site prefix plus number, e.g. `MLA599260060`.
    #[serde(deserialize_with = "crate::de::id_string")]
    pub id: String,
    /// Title shown to buyers.
    pub title: String,
    /// Site, e.g. `MLA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// Seller user id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub seller_id: Option<i64>,
    /// Category, e.g. `MLA401685`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
    /// Current price (exact decimal; serialized as a string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub price: Option<Decimal>,
    /// Price before promotions.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub base_price: Option<Decimal>,
    /// Crossed-out price while a discount runs.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub original_price: Option<Decimal>,
    /// `ARS`, `BRL`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_id: Option<String>,
    /// Public values are bucketed (1, 50, 100, …) unless the token is the seller's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_quantity: Option<i64>,
    /// Units sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sold_quantity: Option<i64>,
    /// `new`, `used`, `not_specified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// `gold_special`, `gold_pro`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_type_id: Option<String>,
    /// Canonical listing URL; never build one yourself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
    /// Small image (often plain http).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    /// Small image over https.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_thumbnail: Option<String>,
    /// Full-size images.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub pictures: Vec<Picture>,
    /// Listing state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ItemStatus>,
    /// Refines `status` (e.g. `deleted`, `out_of_stock`).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub sub_status: Vec<String>,
    /// Product attributes (brand, model, …).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub attributes: Vec<ItemAttribute>,
    /// When the listing was created.
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

impl Item {
    /// The site prefix of the id (`MLA599260060` → `MLA`), for items whose
    /// body omits `site_id`.
    pub fn site_prefix(&self) -> Option<&str> {
        self.id
            .get(..3)
            .filter(|p| p.bytes().all(|b| b.is_ascii_uppercase()))
    }

    /// The https thumbnail when there is one.
    pub fn best_thumbnail(&self) -> Option<&str> {
        self.secure_thumbnail
            .as_deref()
            .or(self.thumbnail.as_deref())
    }
}

/// `Item.pictures[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Picture {
    /// Picture id.
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    pub id: Option<String>,
    /// http URL.
    #[serde(default)]
    pub url: Option<String>,
    /// https URL.
    #[serde(default)]
    pub secure_url: Option<String>,
}

/// `Item.attributes[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemAttribute {
    /// Attribute id, e.g. `BRAND`.
    #[serde(deserialize_with = "crate::de::id_string")]
    pub id: String,
    /// Localized attribute name.
    #[serde(default)]
    pub name: Option<String>,
    /// Localized value; `null` when unset.
    #[serde(default)]
    pub value_name: Option<String>,
}
