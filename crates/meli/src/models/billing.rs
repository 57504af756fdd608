//! Buyer fiscal data: `GET /orders/{id}/billing_info` and
//! `GET /orders/billing-info/{site}/{billing_info_id}`.
//!
//! Two generations answer these: the current one (`x-version: 2`;
//! `{site_id, buyer: {cust_id, billing_info: {name, identification, taxes,
//! address, attributes}}, seller}`) and the legacy one (`{billing_info:
//! {doc_type, doc_number, additional_info: [{type, value}]}}`, still served
//! for some sites). [`BillingInfo`] reads both; its accessors answer from
//! whichever is present. All of it is personal data: show it, never log it.

use serde::{Deserialize, Serialize};

/// Billing data of an order, in either generation's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingInfo {
    /// Site, e.g. `MLA` (current shape; some sites omit it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// The buyer's data (current shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<BillingParty>,
    /// The seller's customer id (current shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<BillingParty>,
    /// Buyer user id (some sites).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub buyer_id: Option<i64>,
    /// Seller user id (some sites).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub seller_id: Option<i64>,
    /// The legacy shape's whole content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_info: Option<LegacyBillingInfo>,
}

impl BillingInfo {
    fn details(&self) -> Option<&BillingDetails> {
        self.buyer.as_ref()?.billing_info.as_ref()
    }

    fn legacy(&self, kind: &str) -> Option<&str> {
        self.billing_info.as_ref()?.additional(kind)
    }

    /// Document type: `DNI`, `CPF`, `CNPJ`, `RFC`, `RUT`, …
    pub fn doc_type(&self) -> Option<&str> {
        self.details()
            .and_then(|d| d.identification.as_ref()?.kind.as_deref())
            .or_else(|| self.billing_info.as_ref()?.doc_type.as_deref())
            .or_else(|| self.legacy("DOC_TYPE"))
    }

    /// Document number.
    pub fn doc_number(&self) -> Option<&str> {
        self.details()
            .and_then(|d| d.identification.as_ref()?.number.as_deref())
            .or_else(|| self.billing_info.as_ref()?.doc_number.as_deref())
            .or_else(|| self.legacy("DOC_NUMBER"))
    }

    /// First name for people, the business name for companies.
    pub fn name(&self) -> Option<&str> {
        self.details()
            .and_then(|d| d.name.as_deref())
            .or_else(|| self.legacy("FIRST_NAME"))
            .or_else(|| self.legacy("BUSINESS_NAME"))
    }

    /// Last name (people only).
    pub fn last_name(&self) -> Option<&str> {
        self.details()
            .and_then(|d| d.last_name.as_deref())
            .or_else(|| self.legacy("LAST_NAME"))
    }

    /// `CO` (a person) or `BU` (a business), when the response says.
    pub fn customer_type(&self) -> Option<&str> {
        let attrs = self.details()?.attributes.as_ref()?;
        attrs
            .cust_type
            .as_deref()
            .or(attrs.customer_type.as_deref())
    }
}

/// `BillingInfo.buyer` / `.seller`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingParty {
    /// Customer id (the user id).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub cust_id: Option<i64>,
    /// The fiscal data (buyers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_info: Option<BillingDetails>,
}

/// `BillingInfo.buyer.billing_info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingDetails {
    /// First name, or the business name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Last name (people only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<BillingIdentification>,
    /// Tax condition; per-site fields (`taxpayer_type`, `cfdi`, `inscriptions`, …), kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxes: Option<serde_json::Value>,
    /// Fiscal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<BillingAddress>,
    /// Flags such as the customer type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BillingAttributes>,
}

/// `billing_info.identification`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingIdentification {
    /// `DNI`, `CUIT`, `CPF`, `CNPJ`, `RFC`, `RUT`, `CC`, `CI`, `RUC`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The number, as text (leading zeros matter).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub number: Option<String>,
}

/// `billing_info.address`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingAddress {
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_name: Option<String>,
    /// Street number, as written (`#10-11`, `SN`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub street_number: Option<String>,
    /// City (`city` on some sites).
    #[serde(default, alias = "city", skip_serializing_if = "Option::is_none")]
    pub city_name: Option<String>,
    /// Neighbourhood.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighborhood: Option<String>,
    /// Floor, apartment, references.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// State or province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<BillingState>,
    /// Postal code, as text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub zip_code: Option<String>,
    /// `AR`, `BR`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_id: Option<String>,
}

/// `billing_info.address.state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingState {
    /// Code, e.g. `UY-CA`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub code: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `billing_info.attributes`: flags written as booleans or as strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingAttributes {
    /// `CO` (a person) or `BU` (a business).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_type: Option<String>,
    /// MLM's name for `cust_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_type: Option<String>,
    /// The invoice must show VAT separately (`vat_discriminated_billing`).
    #[serde(
        default,
        alias = "is_vat_discriminated_billing",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub vat_discriminated_billing: Option<bool>,
    /// Mercado Libre validated the data (`is_normalized`, or `normalized` on some sites).
    #[serde(
        default,
        alias = "normalized",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub is_normalized: Option<bool>,
    /// Email for the invoice (MEC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The legacy `{billing_info: {…}}` shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyBillingInfo {
    /// Document type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    /// Document number.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub doc_number: Option<String>,
    /// `FIRST_NAME`, `LAST_NAME`, `BUSINESS_NAME`, `STREET_NAME`, `DOC_TYPE`, … pairs.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub additional_info: Vec<BillingInfoEntry>,
}

impl LegacyBillingInfo {
    /// The value of the first `additional_info` entry of type `kind`.
    pub fn additional(&self, kind: &str) -> Option<&str> {
        self.additional_info
            .iter()
            .find(|e| e.kind.eq_ignore_ascii_case(kind))
            .and_then(|e| e.value.as_deref())
    }
}

/// One `{type, value}` of the legacy shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingInfoEntry {
    /// `FIRST_NAME`, `DOC_NUMBER`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The value, as text.
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    pub value: Option<String>,
}
