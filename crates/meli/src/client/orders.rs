//! Orders, packs, shipments and billing info: the sale a post-sale
//! conversation or claim is about.

use chrono::{DateTime, FixedOffset};
use reqwest::Method;

use super::{MeliClient, check_id, check_opaque_id, check_site};
use crate::{
    MeliError,
    models::{BillingInfo, Order, OrderStatus, OrdersSearch, Pack, Shipment},
};

/// `sort` of `GET /orders/search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdersSort {
    /// Oldest first (`date_asc`).
    DateAsc,
    /// Newest first (`date_desc`).
    DateDesc,
}

impl OrdersSort {
    fn as_str(self) -> &'static str {
        match self {
            Self::DateAsc => "date_asc",
            Self::DateDesc => "date_desc",
        }
    }
}

/// Filters for `GET /orders/search`. `seller` is required; incremental
/// syncs filter on `order.date_last_updated`, history backfills walk
/// `order.date_created` in windows (the search refuses offsets past about
/// 10,000, so one window must never hold more).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrdersQuery {
    /// The seller whose sales to list.
    pub seller: i64,
    /// `order.status`.
    pub status: Option<OrderStatus>,
    /// `order.date_created.from`: bought at or after.
    pub created_from: Option<DateTime<FixedOffset>>,
    /// `order.date_created.to`: bought at or before.
    pub created_to: Option<DateTime<FixedOffset>>,
    /// `order.date_last_updated.from`: changed at or after.
    pub last_updated_from: Option<DateTime<FixedOffset>>,
    /// `order.date_last_updated.to`: changed at or before.
    pub last_updated_to: Option<DateTime<FixedOffset>>,
    /// `sort`.
    pub sort: Option<OrdersSort>,
    /// Page offset.
    pub offset: Option<u32>,
    /// Page size (Mercado Libre's default is 50).
    pub limit: Option<u32>,
}

impl OrdersQuery {
    /// Every order of `seller`, with Mercado Libre's defaults.
    pub fn for_seller(seller: i64) -> Self {
        Self {
            seller,
            ..Self::default()
        }
    }

    fn to_query(&self) -> Result<Vec<(&'static str, String)>, MeliError> {
        let seller = check_id(self.seller, "seller id")?;
        for (field, from, to) in [
            ("date_created", self.created_from, self.created_to),
            (
                "date_last_updated",
                self.last_updated_from,
                self.last_updated_to,
            ),
        ] {
            if let (Some(from), Some(to)) = (from, to)
                && from > to
            {
                return Err(MeliError::InvalidInput(format!(
                    "order.{field}.from ({from}) is after .to ({to})"
                )));
            }
        }
        // The format the documentation shows: milliseconds and a colon offset.
        let stamp = |t: DateTime<FixedOffset>| t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string();
        let opt = |k: &'static str, v: Option<String>| v.map(|v| (k, v));
        Ok([
            Some(("seller", seller)),
            opt(
                "order.status",
                self.status.as_ref().map(|s| s.as_str().to_owned()),
            ),
            opt("order.date_created.from", self.created_from.map(stamp)),
            opt("order.date_created.to", self.created_to.map(stamp)),
            opt(
                "order.date_last_updated.from",
                self.last_updated_from.map(stamp),
            ),
            opt(
                "order.date_last_updated.to",
                self.last_updated_to.map(stamp),
            ),
            opt("sort", self.sort.map(|s| s.as_str().to_owned())),
            opt("offset", self.offset.map(|v| v.to_string())),
            opt("limit", self.limit.map(|v| v.to_string())),
        ]
        .into_iter()
        .flatten()
        .collect())
    }
}

impl MeliClient {
    /// `GET /orders/{id}`.
    pub async fn order(&self, access_token: &str, id: i64) -> Result<Order, MeliError> {
        let id = check_id(id, "order id")?;
        self.get(access_token, &["orders", &id], &[], "order").await
    }

    /// `GET /orders/search?seller=…&…`.
    pub async fn search_orders(
        &self,
        access_token: &str,
        q: &OrdersQuery,
    ) -> Result<OrdersSearch, MeliError> {
        let query = q.to_query()?;
        self.get(access_token, &["orders", "search"], &query, "orders search")
            .await
    }

    /// `GET /packs/{id}`.
    pub async fn pack(&self, access_token: &str, id: i64) -> Result<Pack, MeliError> {
        let id = check_id(id, "pack id")?;
        self.get(access_token, &["packs", &id], &[], "pack").await
    }

    /// `GET /shipments/{id}` in the current format (`x-format-new: true`).
    pub async fn shipment(&self, access_token: &str, id: i64) -> Result<Shipment, MeliError> {
        let id = check_id(id, "shipment id")?;
        let req = self
            .request(Method::GET, access_token, &["shipments", &id], &[])?
            .header("x-format-new", "true");
        self.fetch(req, "shipment").await
    }

    /// `GET /orders/{order_id}/billing_info`, asking for the current shape
    /// (`x-version: 2`); sites still on the legacy one answer with it, and
    /// [`BillingInfo`] reads both.
    pub async fn billing_info(
        &self,
        access_token: &str,
        order_id: i64,
    ) -> Result<BillingInfo, MeliError> {
        let id = check_id(order_id, "order id")?;
        let req = self
            .request(
                Method::GET,
                access_token,
                &["orders", &id, "billing_info"],
                &[],
            )?
            .header("x-version", "2");
        self.fetch(req, "billing info").await
    }

    /// `GET /orders/billing-info/{site_id}/{billing_info_id}`, with the id
    /// from `order.buyer.billing_info.id`.
    pub async fn billing_info_by_id(
        &self,
        access_token: &str,
        site_id: &str,
        billing_info_id: &str,
    ) -> Result<BillingInfo, MeliError> {
        check_site(site_id)?;
        check_opaque_id(billing_info_id, "billing info id")?;
        self.get(
            access_token,
            &["orders", "billing-info", site_id, billing_info_id],
            &[],
            "billing info",
        )
        .await
    }
}
