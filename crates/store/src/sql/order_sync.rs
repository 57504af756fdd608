//! Order backfill positions and the reconciler's mark (`order_sync`), and the backfill's
//! page write.

use super::{Driver, Exec, ReadAs, Row, Tx};
use crate::{OrderSync, OrderSyncStore, StoreError, StoreResult, args};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::*;

const COLS: &str = "seller_id, org_id, backfill_until, window_from, window_to, window_offset, \
    synced, expected, backfill_done_at, changed_since";

fn order_sync(row: &Row) -> StoreResult<OrderSync> {
    Ok(OrderSync {
        seller_id: SellerId(row.i64("seller_id")?),
        org_id: row.org("org_id")?,
        backfill_until: row.opt_time("backfill_until")?,
        window_from: row.opt_time("window_from")?,
        window_to: row.opt_time("window_to")?,
        window_offset: row.i64("window_offset")?,
        synced: row.i64("synced")?,
        expected: row.opt_i64("expected")?,
        backfill_done_at: row.opt_time("backfill_done_at")?,
        changed_since: row.opt_time("changed_since")?,
    })
}

/// The newest read wins: a page read before a live update landed must not undo it.
const UPSERT_ORDER: &str = "INSERT INTO orders (order_id, org_id, seller_id, pack_id, status,
         status_detail, date_created, date_closed, last_updated, total_amount, paid_amount,
         currency_id, buyer_id, shipment_id, shipping_status, items, created_at, updated_at,
         refunded_amount, sale_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18,
         $19)
     ON CONFLICT (order_id) DO UPDATE SET
         org_id = excluded.org_id, pack_id = excluded.pack_id, status = excluded.status,
         status_detail = excluded.status_detail, date_closed = excluded.date_closed,
         last_updated = excluded.last_updated, total_amount = excluded.total_amount,
         paid_amount = excluded.paid_amount, currency_id = excluded.currency_id,
         shipment_id = excluded.shipment_id,
         shipping_status = COALESCE(excluded.shipping_status, orders.shipping_status),
         items = excluded.items, updated_at = excluded.updated_at,
         refunded_amount = excluded.refunded_amount,
         sale_at = COALESCE(excluded.date_closed, orders.date_created)
     WHERE excluded.last_updated >= orders.last_updated";

async fn write_order(tx: &mut impl Exec, o: &Order, now: DateTime<Utc>) -> StoreResult<()> {
    let items = serde_json::to_value(&o.items)
        .map_err(|e| StoreError::Backend(format!("encoding JSON: {e}")))?;
    let before = super::figures::stored_place(tx, o.order_id, "").await?;
    tx.execute(
        UPSERT_ORDER,
        args![
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
            &o.currency_id,
            o.buyer_id,
            o.shipment_id,
            o.shipping_status.as_deref(),
            items,
            now,
            o.refunded_amount,
            domain::sales::sale_at(o)
        ],
    )
    .await?;
    // The success monitor's rollups follow the order, as `upsert_order` keeps them.
    let after = super::figures::stored_place(tx, o.order_id, "").await?;
    let places: Vec<_> = before.into_iter().chain(after).collect();
    super::figures::refresh(tx, &places).await
}

#[async_trait]
impl<D: Driver> OrderSyncStore for D {
    async fn order_sync(&self, seller: SellerId) -> StoreResult<Option<OrderSync>> {
        let sql = format!("SELECT {COLS} FROM order_sync WHERE seller_id = $1");
        self.read_as(&sql, args![seller], order_sync).await
    }

    async fn org_order_sync(&self, org: OrgId, seller: SellerId) -> StoreResult<Option<OrderSync>> {
        let sql = format!("SELECT {COLS} FROM order_sync WHERE seller_id = $1 AND org_id = $2");
        self.read_as(&sql, args![seller, org], order_sync).await
    }

    async fn save_backfill_page(&self, s: &OrderSync, orders: &[Order]) -> StoreResult<()> {
        if let Some(o) = orders
            .iter()
            .find(|o| o.org_id != s.org_id || o.seller_id != s.seller_id)
        {
            return Err(StoreError::Conflict(format!(
                "order {} is not store {}'s",
                o.order_id, s.seller_id
            )));
        }
        let now = Utc::now();
        let mut tx = self.begin().await?;
        for o in orders {
            write_order(&mut tx, o, now).await?;
        }
        tx.execute(
            "INSERT INTO order_sync (seller_id, org_id, backfill_until, window_from, window_to,
                 window_offset, synced, expected, backfill_done_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (seller_id) DO UPDATE SET
                 org_id = excluded.org_id, backfill_until = excluded.backfill_until,
                 window_from = excluded.window_from, window_to = excluded.window_to,
                 window_offset = excluded.window_offset, synced = excluded.synced,
                 expected = excluded.expected, backfill_done_at = excluded.backfill_done_at,
                 updated_at = excluded.updated_at",
            args![
                s.seller_id,
                s.org_id,
                s.backfill_until,
                s.window_from,
                s.window_to,
                s.window_offset,
                s.synced,
                s.expected,
                s.backfill_done_at,
                now
            ],
        )
        .await?;
        tx.commit().await
    }

    async fn set_orders_changed_since(
        &self,
        org: OrgId,
        seller: SellerId,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write_count(
            "INSERT INTO order_sync (seller_id, org_id, changed_since, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (seller_id) DO UPDATE SET
                 changed_since = excluded.changed_since, updated_at = excluded.updated_at",
            args![seller, org, at, Utc::now()],
        )
        .await?;
        Ok(())
    }
}
