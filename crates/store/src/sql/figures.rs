//! The success monitor's figures: sales per store, hour and currency (`order_hours`) and per
//! buyer (`order_buyers`), kept in step with `orders` so a period over a million orders reads a
//! few thousand rows. The revenue rules are [`domain::sales`]'s; SQL only adds up what they
//! decided, in whole rollup units (exact on both backends).
//!
//! Every write to `orders` must call [`refresh`] for the hours and buyers it touched (the
//! store's `upsert_order` does); loads that bypass it call `rebuild_figures` afterwards.

use super::{Exec, ReadAs, Row};
use crate::{FiguresStore, StoreError, StoreResult, args};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use domain::sales::{self, from_units, hour_of, to_units};
use domain::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// One currency's figures over a span of hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrencyTotals {
    pub currency_id: String,
    /// Every order placed in the span, whatever its status.
    pub all_orders: i64,
    /// Orders that count as sales.
    pub sales: i64,
    pub revenue: Decimal,
}

/// One bucket of a revenue series: `bucket` counts buckets from the series' first hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevenueBucket {
    pub currency_id: String,
    pub bucket: i64,
    pub sales: i64,
    pub revenue: Decimal,
}

/// An order as the monitor's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderLine {
    pub order_id: OrderId,
    pub sale_at: DateTime<Utc>,
    pub status: String,
    pub currency_id: String,
    pub total_amount: Decimal,
    pub refunded_amount: Decimal,
    pub buyer_id: MeliUserId,
}

impl OrderLine {
    /// What the order adds to revenue; `None` when it is not a sale.
    pub fn revenue(&self) -> Option<Decimal> {
        sales::sale_value_of(&self.status, self.total_amount, self.refunded_amount)
    }
}

/// One page of orders and how many the period holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderPage {
    pub orders: Vec<OrderLine>,
    pub total: i64,
}

/// A buyer's sales in one currency: the RFM inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuyerTotals {
    pub buyer_id: MeliUserId,
    pub last_sale_at: DateTime<Utc>,
    pub sales: i64,
    pub revenue: Decimal,
}

/// Where an order sits in the rollups.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Place {
    pub org: OrgId,
    pub seller: SellerId,
    pub currency: String,
    pub hour: i64,
    pub buyer: MeliUserId,
}

/// The stored order's place, read inside the writer's transaction.
pub(crate) async fn stored_place(
    exec: &mut impl Exec,
    id: OrderId,
    for_update: &str,
) -> StoreResult<Option<Place>> {
    let sql = format!(
        "SELECT org_id, seller_id, currency_id, sale_at, buyer_id FROM orders
         WHERE order_id = $1{for_update}"
    );
    let Some(row) = exec.fetch_optional(&sql, args![id]).await? else {
        return Ok(None);
    };
    Ok(Some(Place {
        org: row.org("org_id")?,
        seller: SellerId(row.i64("seller_id")?),
        currency: row.text("currency_id")?,
        hour: hour_of(row.time("sale_at")?),
        buyer: MeliUserId(row.i64("buyer_id")?),
    }))
}

fn units(amount: Decimal) -> StoreResult<i64> {
    to_units(amount).ok_or_else(|| StoreError::Backend(format!("amount out of range: {amount}")))
}

fn add(sum: i64, more: i64) -> StoreResult<i64> {
    sum.checked_add(more)
        .ok_or_else(|| StoreError::Backend("a revenue sum overflowed".into()))
}

fn hour_start(hour: i64) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + Duration::hours(hour)
}

/// Recomputes, from `orders`, the rollup rows of every place given: the hours and the buyers.
/// Idempotent, so the rollups heal whatever order they are refreshed in.
pub(crate) async fn refresh(exec: &mut impl Exec, places: &[Place]) -> StoreResult<()> {
    let hours: BTreeSet<_> = places
        .iter()
        .map(|p| (p.org, p.seller, p.currency.clone(), p.hour))
        .collect();
    for (org, seller, currency, hour) in hours {
        let rows = exec
            .fetch(
                "SELECT status, total_amount, refunded_amount FROM orders
                 WHERE org_id = $1 AND seller_id = $2 AND sale_at >= $3 AND sale_at < $4
                     AND currency_id = $5",
                args![
                    org,
                    seller,
                    hour_start(hour),
                    hour_start(hour + 1),
                    &currency
                ],
            )
            .await?;
        let (mut count, mut sold, mut revenue) = (0i64, 0i64, 0i64);
        for row in &rows {
            count += 1;
            if let Some(value) = sale_value(row)? {
                sold += 1;
                revenue = add(revenue, units(value)?)?;
            }
        }
        if count == 0 {
            exec.execute(
                "DELETE FROM order_hours WHERE org_id = $1 AND seller_id = $2 AND hour = $3
                     AND currency_id = $4",
                args![org, seller, hour, &currency],
            )
            .await?;
        } else {
            exec.execute(
                "INSERT INTO order_hours (org_id, seller_id, hour, currency_id, all_orders, sales,
                     revenue) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (org_id, seller_id, hour, currency_id) DO UPDATE SET
                     all_orders = excluded.all_orders, sales = excluded.sales,
                     revenue = excluded.revenue",
                args![org, seller, hour, &currency, count, sold, revenue],
            )
            .await?;
        }
    }
    let buyers: BTreeSet<_> = places
        .iter()
        .map(|p| (p.org, p.seller, p.currency.clone(), p.buyer))
        .collect();
    for (org, seller, currency, buyer) in buyers {
        let rows = exec
            .fetch(
                "SELECT status, total_amount, refunded_amount, sale_at FROM orders
                 WHERE org_id = $1 AND seller_id = $2 AND buyer_id = $3 AND currency_id = $4",
                args![org, seller, buyer, &currency],
            )
            .await?;
        let mut totals: Option<(DateTime<Utc>, i64, i64)> = None;
        for row in &rows {
            if let Some(value) = sale_value(row)? {
                let at = row.time("sale_at")?;
                let (last, n, sum) = totals.unwrap_or((at, 0, 0));
                totals = Some((last.max(at), n + 1, add(sum, units(value)?)?));
            }
        }
        match totals {
            None => {
                exec.execute(
                    "DELETE FROM order_buyers WHERE org_id = $1 AND seller_id = $2
                         AND currency_id = $3 AND buyer_id = $4",
                    args![org, seller, &currency, buyer],
                )
                .await?;
            }
            Some((last, n, sum)) => {
                exec.execute(
                    "INSERT INTO order_buyers (org_id, seller_id, currency_id, buyer_id,
                         last_sale_at, sales, revenue) VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (org_id, seller_id, currency_id, buyer_id) DO UPDATE SET
                         last_sale_at = excluded.last_sale_at, sales = excluded.sales,
                         revenue = excluded.revenue",
                    args![org, seller, &currency, buyer, last, n, sum],
                )
                .await?;
            }
        }
    }
    Ok(())
}

fn sale_value(row: &Row) -> StoreResult<Option<Decimal>> {
    Ok(sales::sale_value_of(
        &row.text("status")?,
        row.decimal("total_amount")?,
        row.decimal("refunded_amount")?,
    ))
}

fn totals_row(row: &Row) -> StoreResult<CurrencyTotals> {
    Ok(CurrencyTotals {
        currency_id: row.text("currency_id")?,
        all_orders: row.i64("all_orders")?,
        sales: row.i64("sales")?,
        revenue: from_units(row.i64("revenue")?),
    })
}

fn bucket_row(row: &Row) -> StoreResult<RevenueBucket> {
    Ok(RevenueBucket {
        currency_id: row.text("currency_id")?,
        bucket: row.i64("bucket")?,
        sales: row.i64("sales")?,
        revenue: from_units(row.i64("revenue")?),
    })
}

fn order_line(row: &Row) -> StoreResult<OrderLine> {
    Ok(OrderLine {
        order_id: OrderId(row.i64("order_id")?),
        sale_at: row.time("sale_at")?,
        status: row.text("status")?,
        currency_id: row.text("currency_id")?,
        total_amount: row.decimal("total_amount")?,
        refunded_amount: row.decimal("refunded_amount")?,
        buyer_id: MeliUserId(row.i64("buyer_id")?),
    })
}

fn buyer_row(row: &Row) -> StoreResult<BuyerTotals> {
    Ok(BuyerTotals {
        buyer_id: MeliUserId(row.i64("buyer_id")?),
        last_sale_at: row.time("last_sale_at")?,
        sales: row.i64("sales")?,
        revenue: from_units(row.i64("revenue")?),
    })
}

/// The rows a batched insert takes at once: within SQLite's bound-parameter limit.
const BATCH_ROWS: usize = 1_000;

fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl<D: super::Driver> FiguresStore for D {
    async fn sales_totals(
        &self,
        org: OrgId,
        seller: SellerId,
        from_hour: i64,
        to_hour: i64,
    ) -> StoreResult<Vec<CurrencyTotals>> {
        self.read_all_as(
            "SELECT currency_id, CAST(SUM(all_orders) AS BIGINT) AS all_orders,
                 CAST(SUM(sales) AS BIGINT) AS sales, CAST(SUM(revenue) AS BIGINT) AS revenue
             FROM order_hours
             WHERE org_id = $1 AND seller_id = $2 AND hour >= $3 AND hour < $4
             GROUP BY currency_id ORDER BY currency_id",
            args![org, seller, from_hour, to_hour],
            totals_row,
        )
        .await
    }

    async fn revenue_buckets(
        &self,
        org: OrgId,
        seller: SellerId,
        from_hour: i64,
        to_hour: i64,
        bucket_hours: i64,
    ) -> StoreResult<Vec<RevenueBucket>> {
        if bucket_hours < 1 {
            return Err(StoreError::Backend(
                "a bucket lasts at least an hour".into(),
            ));
        }
        self.read_all_as(
            "SELECT currency_id, (hour - $3) / $5 AS bucket, CAST(SUM(sales) AS BIGINT) AS sales,
                 CAST(SUM(revenue) AS BIGINT) AS revenue
             FROM order_hours
             WHERE org_id = $1 AND seller_id = $2 AND hour >= $3 AND hour < $4
             GROUP BY currency_id, (hour - $3) / $5 ORDER BY currency_id, bucket",
            args![org, seller, from_hour, to_hour, bucket_hours],
            bucket_row,
        )
        .await
    }

    async fn period_orders(
        &self,
        org: OrgId,
        seller: SellerId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<OrderPage> {
        let orders = self
            .read_all_as(
                "SELECT order_id, sale_at, status, currency_id, total_amount, refunded_amount,
                     buyer_id
                 FROM orders
                 WHERE org_id = $1 AND seller_id = $2 AND sale_at >= $3 AND sale_at < $4
                 ORDER BY sale_at DESC, order_id DESC LIMIT $5 OFFSET $6",
                args![org, seller, from, to, limit.clamp(0, 10_000), offset.max(0)],
                order_line,
            )
            .await?;
        // The count comes from the hourly rollup: exact for bounds on whole hours, which the
        // store's midnights always are.
        let total = self
            .read_optional(
                "SELECT CAST(COALESCE(SUM(all_orders), 0) AS BIGINT) AS n FROM order_hours
                 WHERE org_id = $1 AND seller_id = $2 AND hour >= $3 AND hour < $4",
                args![org, seller, hour_of(from), hour_of(to)],
            )
            .await?
            .map(|row| row.i64("n"))
            .transpose()?
            .unwrap_or(0);
        Ok(OrderPage { orders, total })
    }

    async fn buyer_totals(
        &self,
        org: OrgId,
        seller: SellerId,
        currency_id: &str,
    ) -> StoreResult<Vec<BuyerTotals>> {
        self.read_all_as(
            "SELECT buyer_id, last_sale_at, sales, revenue FROM order_buyers
             WHERE org_id = $1 AND seller_id = $2 AND currency_id = $3",
            args![org, seller, currency_id],
            buyer_row,
        )
        .await
    }

    async fn sale_currencies(&self, org: OrgId, seller: SellerId) -> StoreResult<Vec<String>> {
        let rows = self
            .read(
                "SELECT DISTINCT currency_id FROM order_buyers WHERE org_id = $1 AND seller_id = $2
                 ORDER BY currency_id",
                args![org, seller],
            )
            .await?;
        rows.iter().map(|r| r.text("currency_id")).collect()
    }

    async fn insert_new_orders(&self, orders: &[Order]) -> StoreResult<()> {
        const COLS: usize = 20;
        let now = Utc::now();
        for chunk in orders.chunks(BATCH_ROWS / 2) {
            let sql = format!(
                "INSERT INTO orders (order_id, org_id, seller_id, pack_id, status, status_detail,
                     date_created, date_closed, last_updated, total_amount, paid_amount,
                     refunded_amount, currency_id, buyer_id, shipment_id, shipping_status, items,
                     sale_at, created_at, updated_at) VALUES {}",
                placeholders(chunk.len(), COLS)
            );
            let mut values = Vec::with_capacity(chunk.len() * COLS);
            for o in chunk {
                let items = serde_json::to_value(&o.items)
                    .map_err(|e| StoreError::Backend(format!("encoding JSON: {e}")))?;
                values.extend(args![
                    o.order_id,
                    o.org_id,
                    o.seller_id,
                    o.pack_id,
                    &o.status,
                    o.status_detail.as_deref(),
                    o.date_created,
                    o.date_closed,
                    o.last_updated,
                    o.total_amount,
                    o.paid_amount,
                    o.refunded_amount,
                    &o.currency_id,
                    o.buyer_id,
                    o.shipment_id,
                    o.shipping_status.as_deref(),
                    items,
                    sales::sale_at(o),
                    now,
                    now
                ]);
            }
            let mut tx = self.begin().await?;
            tx.execute(&sql, values).await?;
            super::Tx::commit(tx).await?;
        }
        Ok(())
    }

    async fn rebuild_figures(&self, org: OrgId, seller: SellerId) -> StoreResult<()> {
        let mut hours: HashMap<(String, i64), (i64, i64, i64)> = HashMap::new();
        let mut buyers: HashMap<(String, i64), (DateTime<Utc>, i64, i64)> = HashMap::new();
        let mut after = i64::MIN;
        loop {
            // Keyset pages: a million orders never sit in memory at once.
            let rows = self
                .read(
                    "SELECT order_id, status, total_amount, refunded_amount, currency_id,
                         buyer_id, sale_at
                     FROM orders WHERE org_id = $1 AND seller_id = $2 AND order_id > $3
                     ORDER BY order_id LIMIT 50000",
                    args![org, seller, after],
                )
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.i64("order_id")?;
            for row in &rows {
                let currency = row.text("currency_id")?;
                let at = row.time("sale_at")?;
                let value = sale_value(row)?;
                let hour = hours
                    .entry((currency.clone(), hour_of(at)))
                    .or_insert((0, 0, 0));
                hour.0 += 1;
                if let Some(value) = value {
                    let u = units(value)?;
                    hour.1 += 1;
                    hour.2 = add(hour.2, u)?;
                    let buyer = buyers
                        .entry((currency, row.i64("buyer_id")?))
                        .or_insert((at, 0, 0));
                    buyer.0 = buyer.0.max(at);
                    buyer.1 += 1;
                    buyer.2 = add(buyer.2, u)?;
                }
            }
        }
        let mut tx = self.begin().await?;
        tx.execute(
            "DELETE FROM order_hours WHERE org_id = $1 AND seller_id = $2",
            args![org, seller],
        )
        .await?;
        tx.execute(
            "DELETE FROM order_buyers WHERE org_id = $1 AND seller_id = $2",
            args![org, seller],
        )
        .await?;
        let hours: Vec<_> = hours.into_iter().collect();
        for chunk in hours.chunks(BATCH_ROWS) {
            let sql = format!(
                "INSERT INTO order_hours (org_id, seller_id, currency_id, hour, all_orders, sales,
                     revenue) VALUES {}",
                placeholders(chunk.len(), 7)
            );
            let mut values = Vec::with_capacity(chunk.len() * 7);
            for ((currency, hour), (n, sold, revenue)) in chunk {
                values.extend(args![org, seller, currency, *hour, *n, *sold, *revenue]);
            }
            tx.execute(&sql, values).await?;
        }
        let buyers: Vec<_> = buyers.into_iter().collect();
        for chunk in buyers.chunks(BATCH_ROWS) {
            let sql = format!(
                "INSERT INTO order_buyers (org_id, seller_id, currency_id, buyer_id, last_sale_at,
                     sales, revenue) VALUES {}",
                placeholders(chunk.len(), 7)
            );
            let mut values = Vec::with_capacity(chunk.len() * 7);
            for ((currency, buyer), (last, n, revenue)) in chunk {
                values.extend(args![org, seller, currency, *buyer, *last, *n, *revenue]);
            }
            tx.execute(&sql, values).await?;
        }
        super::Tx::commit(tx).await
    }
}
