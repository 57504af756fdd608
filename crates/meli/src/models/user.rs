//! `GET /users/me` and `GET /users/{id}`.
//!
//! The public view has identity and reputation; the owner's own view adds
//! private fields (name, email, phone, document), all optional here. Those
//! are personal data: store what the UI needs, never log them.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// A Mercado Libre user (seller or buyer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// User id (64-bit).
    #[serde(deserialize_with = "crate::de::id")]
    pub id: i64,
    /// Public nickname, e.g. `TETE2870021`.
    pub nickname: String,
    /// Country code, e.g. `AR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_id: Option<String>,
    /// Site, e.g. `MLA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// Public profile URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
    /// `normal`, `real_estate_agency`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// Private: when the account was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub registration_date: Option<DateTime<FixedOffset>>,
    /// Private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Private: document type and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<UserIdentification>,
    /// Private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<UserPhone>,
    /// City and state (public); street and zip (private).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<UserAddress>,
    /// Account tags, e.g. `test_user`.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub tags: Vec<String>,
    /// Account state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
    /// Seller reputation; its shape varies by view, kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_reputation: Option<serde_json::Value>,
}

/// `User.identification`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserIdentification {
    /// `DNI`, `CPF`, `RUT`, …
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Document number, as text (may have leading zeros).
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    pub number: Option<String>,
}

/// `User.phone`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPhone {
    /// Area code.
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    pub area_code: Option<String>,
    /// Number.
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    pub number: Option<String>,
    /// Extension.
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    pub extension: Option<String>,
    /// Whether MeLi verified it.
    #[serde(default)]
    pub verified: Option<bool>,
}

/// `User.address`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserAddress {
    /// City name.
    #[serde(default)]
    pub city: Option<String>,
    /// State code, e.g. `AR-C`.
    #[serde(default)]
    pub state: Option<String>,
    /// Private: street line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
}

/// `User.status` (only `site_status` is modelled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserStatus {
    /// `active`, `guest`, `deactive`, …
    #[serde(default)]
    pub site_status: Option<String>,
}
