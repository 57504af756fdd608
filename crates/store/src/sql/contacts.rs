//! Contacts and leads: the organization-scoped reads of their pages and API, and the worker's
//! writes. Every person-facing statement filters on `org_id` itself.

use super::catalog::{UPSERT_CONTACT, contact, contact_args};
use super::commerce::ORDER_COLS;
use super::{Args, Driver, ReadAs, Row, Value};
use crate::{
    ContactFilter, ContactRecord, ContactStore, LeadFilter, LeadRecord, StoreResult, args,
    page_limit,
};
use async_trait::async_trait;
use chrono::Utc;
use domain::*;

/// A contact with its store and counts; `ct` is the contacts table.
const CONTACT_SELECT: &str = "SELECT ct.id, ct.org_id, ct.seller_id, ct.meli_user_id,
         ct.nickname, ct.name, ct.doc_type, ct.doc_number, ct.phone, ct.email, ct.created_at,
         ct.updated_at, cn.nickname AS store_nickname,
         (SELECT COUNT(*) FROM orders o WHERE o.seller_id = ct.seller_id
             AND o.buyer_id = ct.meli_user_id AND o.org_id = ct.org_id) AS order_count,
         (SELECT MAX(o.date_created) FROM orders o WHERE o.seller_id = ct.seller_id
             AND o.buyer_id = ct.meli_user_id AND o.org_id = ct.org_id) AS last_order_at,
         (SELECT COUNT(*) FROM conversations c WHERE c.seller_id = ct.seller_id
             AND c.buyer_id = ct.meli_user_id AND c.org_id = ct.org_id) AS conversation_count,
         (SELECT COUNT(*) FROM leads l WHERE l.seller_id = ct.seller_id
             AND l.buyer_id = ct.meli_user_id AND l.org_id = ct.org_id) AS lead_count
     FROM contacts ct
     LEFT JOIN connections cn ON cn.seller_id = ct.seller_id AND cn.org_id = ct.org_id";

fn contact_record(row: &Row) -> StoreResult<ContactRecord> {
    Ok(ContactRecord {
        id: ContactId(row.i64("id")?),
        contact: contact(row)?,
        store_nickname: row.opt_text("store_nickname")?,
        orders: row.i64("order_count")?,
        conversations: row.i64("conversation_count")?,
        leads: row.i64("lead_count")?,
        last_order_at: row.opt_time("last_order_at")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

const LEAD_SELECT: &str = "SELECT l.id, l.org_id, l.seller_id, l.lead_id, l.item_id, l.buyer_id,
         l.contact_type, l.status, l.external_id, l.name, l.phone, l.email, l.doc_type,
         l.doc_number, l.contacted_at, li.title AS item_title, li.permalink AS item_permalink,
         cn.nickname AS store_nickname, ct.id AS contact_id
     FROM leads l
     LEFT JOIN listings li ON li.item_id = l.item_id
     LEFT JOIN connections cn ON cn.seller_id = l.seller_id AND cn.org_id = l.org_id
     LEFT JOIN contacts ct ON ct.seller_id = l.seller_id AND ct.meli_user_id = l.buyer_id
         AND ct.org_id = l.org_id";

fn lead_record(row: &Row) -> StoreResult<LeadRecord> {
    Ok(LeadRecord {
        id: LeadRowId(row.i64("id")?),
        lead: Lead {
            org_id: row.org("org_id")?,
            seller_id: SellerId(row.i64("seller_id")?),
            lead_id: row.text("lead_id")?,
            item_id: row.opt_text("item_id")?.map(ItemId),
            buyer_id: row.opt_i64("buyer_id")?.map(MeliUserId),
            contact_type: row.text("contact_type")?,
            status: row.opt_text("status")?,
            external_id: row.opt_text("external_id")?,
            name: row.opt_text("name")?,
            phone: row.opt_text("phone")?,
            email: row.opt_text("email")?,
            doc_type: row.opt_text("doc_type")?,
            doc_number: row.opt_text("doc_number")?,
            contacted_at: row.time("contacted_at")?,
        },
        item_title: row.opt_text("item_title")?,
        item_permalink: row.opt_text("item_permalink")?,
        store_nickname: row.opt_text("store_nickname")?,
        contact_id: row.opt_i64("contact_id")?.map(ContactId),
    })
}

/// `text` as a `LIKE` pattern matching it anywhere, its wildcards taken literally.
fn contains_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for ch in text.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// Appends ` LIMIT $n OFFSET $m`.
fn page(sql: &mut String, args: &mut Args, limit: Option<i64>, offset: Option<i64>) {
    args.push(page_limit(limit).into());
    sql.push_str(&format!(" LIMIT ${}", args.len()));
    args.push(offset.unwrap_or(0).max(0).into());
    sql.push_str(&format!(" OFFSET ${}", args.len()));
}

#[async_trait]
impl<D: Driver> ContactStore for D {
    async fn org_contacts(&self, org: OrgId, f: &ContactFilter) -> StoreResult<Vec<ContactRecord>> {
        let mut sql = format!("{CONTACT_SELECT} WHERE ct.org_id = $1");
        let mut args: Args = args![org];
        if let Some(seller) = f.seller_id {
            args.push(seller.into());
            sql.push_str(&format!(" AND ct.seller_id = ${}", args.len()));
        }
        if let Some(search) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            args.push(contains_pattern(search).into());
            let n = args.len();
            let like = |col: &str| format!("LOWER(COALESCE(ct.{col}, '')) LIKE ${n} ESCAPE '\\'");
            let mut any: Vec<String> = ["name", "nickname", "doc_number", "email", "phone"]
                .iter()
                .map(|c| like(c))
                .collect();
            if let Ok(id) = search.parse::<i64>() {
                args.push(Value::from(id));
                any.push(format!("ct.meli_user_id = ${}", args.len()));
            }
            sql.push_str(&format!(" AND ({})", any.join(" OR ")));
        }
        sql.push_str(" ORDER BY ct.updated_at DESC, ct.id DESC");
        page(&mut sql, &mut args, f.limit, f.offset);
        self.read_all_as(&sql, args, contact_record).await
    }

    async fn org_contact(&self, org: OrgId, id: ContactId) -> StoreResult<Option<ContactRecord>> {
        let sql = format!("{CONTACT_SELECT} WHERE ct.id = $1 AND ct.org_id = $2");
        self.read_as(&sql, args![id.0, org], contact_record).await
    }

    async fn org_contact_of(
        &self,
        org: OrgId,
        seller: SellerId,
        buyer: MeliUserId,
    ) -> StoreResult<Option<ContactRecord>> {
        let sql = format!(
            "{CONTACT_SELECT} WHERE ct.seller_id = $1 AND ct.meli_user_id = $2 AND ct.org_id = $3"
        );
        self.read_as(&sql, args![seller, buyer, org], contact_record)
            .await
    }

    async fn org_contact_orders(
        &self,
        org: OrgId,
        id: ContactId,
        limit: i64,
    ) -> StoreResult<Vec<Order>> {
        let cols = ORDER_COLS
            .split(", ")
            .map(|c| format!("o.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {cols} FROM orders o
             JOIN contacts ct ON ct.seller_id = o.seller_id AND ct.meli_user_id = o.buyer_id
             WHERE ct.id = $1 AND ct.org_id = $2 AND o.org_id = $2
             ORDER BY o.date_created DESC, o.order_id DESC LIMIT $3"
        );
        self.read_all_as(
            &sql,
            args![id.0, org, limit.clamp(1, 500)],
            super::commerce::order,
        )
        .await
    }

    async fn contact_billing_order(
        &self,
        seller: SellerId,
        buyer: MeliUserId,
    ) -> StoreResult<Option<OrderId>> {
        let row = self
            .read_optional(
                "SELECT billing_order_id FROM contacts WHERE seller_id = $1 AND meli_user_id = $2",
                args![seller, buyer],
            )
            .await?;
        Ok(match row {
            Some(row) => row.opt_i64("billing_order_id")?.map(OrderId),
            None => None,
        })
    }

    async fn upsert_contact_from_billing(&self, c: &Contact, order: OrderId) -> StoreResult<()> {
        self.write_count(
            &format!("{UPSERT_CONTACT}, billing_order_id = excluded.billing_order_id"),
            contact_args(c, Some(order)),
        )
        .await?;
        Ok(())
    }

    async fn upsert_lead(&self, l: &Lead) -> StoreResult<LeadRowId> {
        let row = self
            .write_one(
                "INSERT INTO leads (org_id, seller_id, lead_id, item_id, buyer_id, contact_type,
                     status, external_id, name, phone, email, doc_type, doc_number, contacted_at,
                     created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
                 ON CONFLICT (seller_id, lead_id) DO UPDATE SET
                     org_id = excluded.org_id,
                     item_id = COALESCE(excluded.item_id, leads.item_id),
                     buyer_id = COALESCE(excluded.buyer_id, leads.buyer_id),
                     contact_type = excluded.contact_type,
                     status = COALESCE(excluded.status, leads.status),
                     external_id = COALESCE(excluded.external_id, leads.external_id),
                     name = COALESCE(excluded.name, leads.name),
                     phone = COALESCE(excluded.phone, leads.phone),
                     email = COALESCE(excluded.email, leads.email),
                     doc_type = COALESCE(excluded.doc_type, leads.doc_type),
                     doc_number = COALESCE(excluded.doc_number, leads.doc_number),
                     contacted_at = excluded.contacted_at,
                     updated_at = excluded.updated_at
                 RETURNING id",
                args![
                    l.org_id,
                    l.seller_id,
                    &l.lead_id,
                    l.item_id.as_ref(),
                    l.buyer_id,
                    &l.contact_type,
                    l.status.as_deref(),
                    l.external_id.as_deref(),
                    l.name.as_deref(),
                    l.phone.as_deref(),
                    l.email.as_deref(),
                    l.doc_type.as_deref(),
                    l.doc_number.as_deref(),
                    l.contacted_at,
                    Utc::now()
                ],
            )
            .await?;
        Ok(LeadRowId(row.i64("id")?))
    }

    async fn org_leads(&self, org: OrgId, f: &LeadFilter) -> StoreResult<Vec<LeadRecord>> {
        let mut sql = format!("{LEAD_SELECT} WHERE l.org_id = $1");
        let mut args: Args = args![org];
        if let Some(seller) = f.seller_id {
            args.push(seller.into());
            sql.push_str(&format!(" AND l.seller_id = ${}", args.len()));
        }
        if let Some(item) = &f.item_id {
            args.push(item.into());
            sql.push_str(&format!(" AND l.item_id = ${}", args.len()));
        }
        if let Some(contact) = f.contact {
            args.push(contact.0.into());
            sql.push_str(&format!(" AND ct.id = ${}", args.len()));
        }
        sql.push_str(" ORDER BY l.contacted_at DESC, l.id DESC");
        page(&mut sql, &mut args, f.limit, f.offset);
        self.read_all_as(&sql, args, lead_record).await
    }
}
