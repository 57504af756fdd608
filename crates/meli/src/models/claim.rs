//! Claims (`/post-purchase/v1/claims`): a buyer's complaint about a sale,
//! between buyer and seller at first (`stage: claim`), then with a
//! Mercado Libre mediator (`dispute`).

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{
    Deserialize, Deserializer, Serialize,
    de::{
        MapAccess, SeqAccess, Visitor, value::MapAccessDeserializer, value::SeqAccessDeserializer,
    },
};

use super::Paging;
use crate::macros::open_enum;

open_enum! {
    /// `Claim.status`.
    pub enum ClaimStatus {
        /// Open.
        Opened => "opened",
        /// Closed (see `resolution`).
        Closed => "closed",
    }
}

open_enum! {
    /// `Claim.type`.
    pub enum ClaimType {
        /// A complaint about the purchase.
        Mediations => "mediations",
        /// A return.
        Return => "return",
        /// A return, as one sample spells it.
        Returns => "returns",
        /// About a fulfillment sale.
        Fulfillment => "fulfillment",
        /// Opened by Mercado Libre.
        MlCase => "ml_case",
        /// The seller cancelled the sale.
        CancelSale => "cancel_sale",
        /// The buyer cancelled the purchase.
        CancelPurchase => "cancel_purchase",
        /// An exchange.
        Change => "change",
        /// About a service.
        Service => "service",
    }
}

open_enum! {
    /// `Claim.stage`.
    pub enum ClaimStage {
        /// Buyer and seller talk.
        Claim => "claim",
        /// A Mercado Libre mediator is involved.
        Dispute => "dispute",
        /// Reopened.
        Recontact => "recontact",
        /// Stale (`ml_case`).
        Stale => "stale",
        /// None.
        None => "none",
    }
}

open_enum! {
    /// `players[].role`, and who a claim message is sent to or from.
    pub enum ClaimRole {
        /// Who complains (the buyer).
        Complainant => "complainant",
        /// Who answers (the seller).
        Respondent => "respondent",
        /// Mercado Libre.
        Mediator => "mediator",
        /// The warehouse, for fulfillment.
        WarehouseDispatcher => "warehouse_dispatcher",
    }
}

open_enum! {
    /// `players[].available_actions[].action`.
    pub enum ClaimActionKind {
        /// Write to the buyer (stage `claim`).
        SendMessageToComplainant => "send_message_to_complainant",
        /// Write to the mediator (stage `dispute`).
        SendMessageToMediator => "send_message_to_mediator",
        /// Recontact.
        Recontact => "recontact",
        /// Refund the buyer.
        Refund => "refund",
        /// Ask Mercado Libre to mediate.
        OpenDispute => "open_dispute",
        /// Offer to ship again.
        SendPotentialShipping => "send_potential_shipping",
        /// Prove the shipment.
        AddShippingEvidence => "add_shipping_evidence",
        /// Attach files.
        SendAttachments => "send_attachments",
        /// Accept a return.
        AllowReturn => "allow_return",
        /// Accept a return with a label.
        AllowReturnLabel => "allow_return_label",
        /// Offer a partial refund.
        AllowPartialRefund => "allow_partial_refund",
        /// Give the tracking number.
        SendTrackingNumber => "send_tracking_number",
        /// Review a returned item.
        ReturnReview => "return_review",
    }
}

/// `GET /post-purchase/v1/claims/{id}`, and each element of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Claim id.
    #[serde(deserialize_with = "crate::de::id")]
    pub id: i64,
    /// What the claim is about: an order id when `resource` is `order`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub resource_id: Option<i64>,
    /// Kind of `resource_id`: `order`, `payment`, `shipment`, `purchase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Open or closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ClaimStatus>,
    /// What kind of claim.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ClaimType>,
    /// Who is involved now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<ClaimStage>,
    /// The claim this one came from.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub parent_id: Option<i64>,
    /// Reason code: `PNR…` not received, `PDD…` different or defective, `CS…` cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_id: Option<String>,
    /// Whether the buyer received the item.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub fulfilled: Option<bool>,
    /// `total` or `partial`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_type: Option<String>,
    /// Units claimed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_count"
    )]
    pub claimed_quantity: Option<u64>,
    /// API generation of this claim (`2.0`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_decimal"
    )]
    pub claim_version: Option<Decimal>,
    /// Buyer, seller and mediator, with what each may do now.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub players: Vec<ClaimPlayer>,
    /// How it ended, once closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<ClaimResolution>,
    /// Site, e.g. `MLB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// When the buyer opened it.
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
    /// Linked processes: `return`, `change`.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub related_entities: Vec<String>,
}

impl Claim {
    /// The player with this role.
    pub fn player(&self, role: &ClaimRole) -> Option<&ClaimPlayer> {
        self.players.iter().find(|p| &p.role == role)
    }

    /// The seller's side (`respondent`).
    pub fn respondent(&self) -> Option<&ClaimPlayer> {
        self.player(&ClaimRole::Respondent)
    }

    /// Whether the seller may take `action` now.
    pub fn seller_can(&self, action: &ClaimActionKind) -> bool {
        self.respondent().is_some_and(|p| p.can(action))
    }

    /// The order, when the claim is about one.
    pub fn order_id(&self) -> Option<i64> {
        match self.resource.as_deref() {
            Some("order") | None => self.resource_id,
            Some(_) => None,
        }
    }
}

/// `Claim.players[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimPlayer {
    /// Their part in the claim.
    pub role: ClaimRole,
    /// `buyer`, `seller`, `payer`, `collector`, `receiver`, `sender`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// User id (none for the mediator).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub user_id: Option<i64>,
    /// What they may do now.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub available_actions: Vec<ClaimAction>,
}

impl ClaimPlayer {
    /// Whether `action` is available to this player.
    pub fn can(&self, action: &ClaimActionKind) -> bool {
        self.available_actions.iter().any(|a| &a.action == action)
    }

    /// The earliest due date among the mandatory actions.
    pub fn next_due(&self) -> Option<DateTime<FixedOffset>> {
        self.available_actions
            .iter()
            .filter(|a| a.mandatory)
            .filter_map(|a| a.due_date)
            .min()
    }
}

/// `players[].available_actions[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimAction {
    /// The action.
    pub action: ClaimActionKind,
    /// Whether the player must do it (by `due_date`).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub mandatory: bool,
    /// Deadline, when there is one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub due_date: Option<DateTime<FixedOffset>>,
}

/// `Claim.resolution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimResolution {
    /// `payment_refunded`, `item_returned`, `respondent_timeout`, `worked_out_with_seller`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When it was resolved.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub date_created: Option<DateTime<FixedOffset>>,
    /// Roles the resolution favoured.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub benefited: Vec<String>,
    /// Role that closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    /// Whether Mercado Libre's protection paid.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub applied_coverage: Option<bool>,
}

/// `GET /post-purchase/v1/claims/search`: `{paging, data}`. A bare array of
/// claims (how one documentation page prints a result) reads too.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimsSearch {
    /// Where this page sits (for a bare array: its length, offset 0).
    pub paging: Paging,
    /// This page.
    pub data: Vec<Claim>,
}

#[derive(Deserialize)]
struct ClaimsSearchWire {
    #[serde(default, deserialize_with = "crate::de::null_default")]
    paging: Paging,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    data: Vec<Claim>,
}

impl<'de> Deserialize<'de> for ClaimsSearch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = ClaimsSearch;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a claim search result ({paging, data}) or an array of claims")
            }

            // Reading through the map or sequence keeps the caller's field
            // paths and positions, which buffering into a Value would lose.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ClaimsSearch, A::Error> {
                let w = ClaimsSearchWire::deserialize(MapAccessDeserializer::new(map))?;
                Ok(ClaimsSearch {
                    paging: w.paging,
                    data: w.data,
                })
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ClaimsSearch, A::Error> {
                let data = Vec::<Claim>::deserialize(SeqAccessDeserializer::new(seq))?;
                let total = u64::try_from(data.len()).unwrap_or(u64::MAX);
                Ok(ClaimsSearch {
                    paging: Paging {
                        total,
                        offset: 0,
                        limit: total,
                    },
                    data,
                })
            }
        }
        d.deserialize_any(Either)
    }
}
