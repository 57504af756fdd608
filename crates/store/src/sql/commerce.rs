//! Orders and claims, kept as Mercado Libre last showed them.

use super::{Driver, Exec, ReadAs, Row, Tx, figures};
use crate::{CommerceStore, StoreError, StoreResult, args};
use async_trait::async_trait;
use chrono::Utc;
use domain::*;

pub(crate) const ORDER_COLS: &str = "order_id, org_id, seller_id, pack_id, status, status_detail, \
    date_created, date_closed, last_updated, total_amount, paid_amount, refunded_amount, currency_id, buyer_id, \
    shipment_id, shipping_status, items";

const CLAIM_COLS: &str = "claim_id, org_id, seller_id, order_id, reason_id, claim_type, stage, \
    status, affects_reputation, available_actions, date_created, last_updated";

fn corrupt(what: &str) -> impl Fn(serde_json::Error) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

pub(crate) fn order(row: &Row) -> StoreResult<Order> {
    Ok(Order {
        order_id: OrderId(row.i64("order_id")?),
        org_id: row.org("org_id")?,
        seller_id: SellerId(row.i64("seller_id")?),
        pack_id: row.opt_i64("pack_id")?.map(PackId),
        status: row.text("status")?,
        status_detail: row.opt_text("status_detail")?,
        date_created: row.time("date_created")?,
        date_closed: row.opt_time("date_closed")?,
        last_updated: row.time("last_updated")?,
        total_amount: row.decimal("total_amount")?,
        paid_amount: row.decimal("paid_amount")?,
        refunded_amount: row.decimal("refunded_amount")?,
        currency_id: row.text("currency_id")?,
        buyer_id: MeliUserId(row.i64("buyer_id")?),
        shipment_id: row.opt_i64("shipment_id")?,
        shipping_status: row.opt_text("shipping_status")?,
        items: serde_json::from_value(row.json("items")?).map_err(corrupt("order items"))?,
    })
}

fn claim(row: &Row) -> StoreResult<Claim> {
    Ok(Claim {
        claim_id: ClaimId(row.i64("claim_id")?),
        org_id: row.org("org_id")?,
        seller_id: SellerId(row.i64("seller_id")?),
        order_id: row.opt_i64("order_id")?.map(OrderId),
        reason_id: row.opt_text("reason_id")?,
        claim_type: row.opt_text("claim_type")?,
        stage: row.text("stage")?,
        status: row.text("status")?,
        affects_reputation: row.opt_bool("affects_reputation")?,
        available_actions: serde_json::from_value(row.json("available_actions")?)
            .map_err(corrupt("claim actions"))?,
        date_created: row.time("date_created")?,
        last_updated: row.time("last_updated")?,
    })
}

fn json_of<T: serde::Serialize>(value: &T) -> StoreResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| StoreError::Backend(format!("encoding JSON: {e}")))
}

#[async_trait]
impl<D: Driver> CommerceStore for D {
    async fn upsert_order(&self, o: &Order) -> StoreResult<()> {
        let now = Utc::now();
        let mut tx = self.begin().await?;
        // The rollups of where the order was and where it is now (the success monitor's
        // figures) change with it, in the same transaction.
        let before =
            figures::stored_place(&mut tx, o.order_id, self.dialect().for_update()).await?;
        tx.execute(
            "INSERT INTO orders (order_id, org_id, seller_id, pack_id, status, status_detail,
                 date_created, date_closed, last_updated, total_amount, paid_amount, currency_id,
                 buyer_id, shipment_id, shipping_status, items, created_at, updated_at,
                 refunded_amount, sale_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $17, $18, $19)
             ON CONFLICT (order_id) DO UPDATE SET
                 org_id = excluded.org_id, pack_id = excluded.pack_id, status = excluded.status,
                 status_detail = excluded.status_detail, date_closed = excluded.date_closed,
                 last_updated = excluded.last_updated, total_amount = excluded.total_amount,
                 paid_amount = excluded.paid_amount, currency_id = excluded.currency_id,
                 shipment_id = excluded.shipment_id, shipping_status = excluded.shipping_status,
                 items = excluded.items, updated_at = excluded.updated_at,
                 refunded_amount = excluded.refunded_amount,
                 sale_at = COALESCE(excluded.date_closed, orders.date_created)",
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
                json_of(&o.items)?,
                now,
                o.refunded_amount,
                domain::sales::sale_at(o)
            ],
        )
        .await?;
        let after = figures::stored_place(&mut tx, o.order_id, "").await?;
        let places: Vec<_> = before.into_iter().chain(after).collect();
        figures::refresh(&mut tx, &places).await?;
        tx.commit().await
    }

    async fn order(&self, id: OrderId) -> StoreResult<Option<Order>> {
        let sql = format!("SELECT {ORDER_COLS} FROM orders WHERE order_id = $1");
        self.read_as(&sql, args![id], order).await
    }

    async fn pack_orders(&self, org: OrgId, pack: PackId) -> StoreResult<Vec<Order>> {
        let sql = format!(
            "SELECT {ORDER_COLS} FROM orders WHERE pack_id = $1 AND org_id = $2
             ORDER BY date_created, order_id"
        );
        self.read_all_as(&sql, args![pack, org], order).await
    }

    async fn org_order(&self, org: OrgId, id: OrderId) -> StoreResult<Option<Order>> {
        let sql = format!("SELECT {ORDER_COLS} FROM orders WHERE order_id = $1 AND org_id = $2");
        self.read_as(&sql, args![id, org], order).await
    }

    async fn upsert_claim(&self, c: &Claim) -> StoreResult<()> {
        let now = Utc::now();
        self.write_count(
            "INSERT INTO claims (claim_id, org_id, seller_id, order_id, reason_id, claim_type,
                 stage, status, affects_reputation, available_actions, date_created, last_updated,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
             ON CONFLICT (claim_id) DO UPDATE SET
                 org_id = excluded.org_id, order_id = excluded.order_id,
                 reason_id = excluded.reason_id, claim_type = excluded.claim_type,
                 stage = excluded.stage, status = excluded.status,
                 affects_reputation = COALESCE(excluded.affects_reputation,
                     claims.affects_reputation),
                 available_actions = excluded.available_actions,
                 last_updated = excluded.last_updated, updated_at = excluded.updated_at",
            args![
                c.claim_id,
                c.org_id,
                c.seller_id,
                c.order_id,
                c.reason_id.as_deref(),
                c.claim_type.as_deref(),
                &c.stage,
                &c.status,
                c.affects_reputation,
                json_of(&c.available_actions)?,
                c.date_created,
                c.last_updated,
                now
            ],
        )
        .await?;
        Ok(())
    }

    async fn claim(&self, id: ClaimId) -> StoreResult<Option<Claim>> {
        let sql = format!("SELECT {CLAIM_COLS} FROM claims WHERE claim_id = $1");
        self.read_as(&sql, args![id], claim).await
    }

    async fn org_claim(&self, org: OrgId, id: ClaimId) -> StoreResult<Option<Claim>> {
        let sql = format!("SELECT {CLAIM_COLS} FROM claims WHERE claim_id = $1 AND org_id = $2");
        self.read_as(&sql, args![id, org], claim).await
    }
}
