//! Cached Mercado Libre context: listings and the buyers each store has met.

use super::{Driver, ReadAs, Row};
use crate::{CatalogStore, StoreResult, args};
use async_trait::async_trait;
use chrono::Utc;
use domain::{Contact, ItemId, Listing, MeliUserId, OrderId, SellerId};

fn listing(row: &Row) -> StoreResult<Listing> {
    Ok(Listing {
        item_id: ItemId(row.text("item_id")?),
        seller_id: SellerId(row.i64("seller_id")?),
        site_id: row.text("site_id")?,
        title: row.text("title")?,
        price: row.decimal("price")?,
        currency_id: row.text("currency_id")?,
        thumbnail: row.opt_text("thumbnail")?,
        permalink: row.opt_text("permalink")?,
        status: row.opt_text("status")?,
    })
}

/// Inserts a contact or merges a sighting into it: a field the sighting lacks keeps what is known.
/// Callers append the `billing_order_id` assignment (kept, or set to `$11`).
pub(crate) const UPSERT_CONTACT: &str = "INSERT INTO contacts (org_id, seller_id, meli_user_id,
         nickname, name, doc_type, doc_number, phone, email, billing_order_id, created_at,
         updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $10, $10)
     ON CONFLICT (seller_id, meli_user_id) DO UPDATE SET
         org_id = excluded.org_id,
         nickname = COALESCE(excluded.nickname, contacts.nickname),
         name = COALESCE(excluded.name, contacts.name),
         doc_type = COALESCE(excluded.doc_type, contacts.doc_type),
         doc_number = COALESCE(excluded.doc_number, contacts.doc_number),
         phone = COALESCE(excluded.phone, contacts.phone),
         email = COALESCE(excluded.email, contacts.email),
         updated_at = excluded.updated_at";

/// The arguments of [`UPSERT_CONTACT`]; blank text counts as unknown.
pub(crate) fn contact_args(c: &Contact, billing_order: Option<OrderId>) -> super::Args {
    let known = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    args![
        c.org_id,
        c.seller_id,
        c.meli_user_id,
        known(&c.nickname),
        known(&c.name),
        known(&c.doc_type),
        known(&c.doc_number),
        known(&c.phone),
        known(&c.email),
        Utc::now(),
        billing_order
    ]
}

pub(crate) fn contact(row: &Row) -> StoreResult<Contact> {
    Ok(Contact {
        org_id: row.org("org_id")?,
        seller_id: SellerId(row.i64("seller_id")?),
        meli_user_id: MeliUserId(row.i64("meli_user_id")?),
        nickname: row.opt_text("nickname")?,
        name: row.opt_text("name")?,
        doc_type: row.opt_text("doc_type")?,
        doc_number: row.opt_text("doc_number")?,
        phone: row.opt_text("phone")?,
        email: row.opt_text("email")?,
    })
}

#[async_trait]
impl<D: Driver> CatalogStore for D {
    async fn upsert_listing(&self, l: &Listing) -> StoreResult<()> {
        self.write_count(
            "INSERT INTO listings (item_id, seller_id, site_id, title, price, currency_id,
                 thumbnail, permalink, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
             ON CONFLICT (item_id) DO UPDATE SET
                 seller_id = excluded.seller_id, site_id = excluded.site_id,
                 title = excluded.title, price = excluded.price,
                 currency_id = excluded.currency_id, thumbnail = excluded.thumbnail,
                 permalink = excluded.permalink, status = excluded.status,
                 updated_at = excluded.updated_at",
            args![
                &l.item_id,
                l.seller_id,
                &l.site_id,
                &l.title,
                l.price,
                &l.currency_id,
                l.thumbnail.as_deref(),
                l.permalink.as_deref(),
                l.status.as_deref(),
                Utc::now()
            ],
        )
        .await?;
        Ok(())
    }

    async fn listing(&self, id: &ItemId) -> StoreResult<Option<Listing>> {
        self.read_as(
            "SELECT item_id, seller_id, site_id, title, price, currency_id, thumbnail, permalink,
                 status
             FROM listings WHERE item_id = $1",
            args![id],
            listing,
        )
        .await
    }

    async fn upsert_contact(&self, c: &Contact) -> StoreResult<()> {
        self.write_count(
            &format!("{UPSERT_CONTACT}, billing_order_id = contacts.billing_order_id"),
            contact_args(c, None),
        )
        .await?;
        Ok(())
    }

    async fn contact(&self, seller: SellerId, user: MeliUserId) -> StoreResult<Option<Contact>> {
        self.read_as(
            "SELECT org_id, seller_id, meli_user_id, nickname, name, doc_type, doc_number, phone,
                 email
             FROM contacts WHERE seller_id = $1 AND meli_user_id = $2",
            args![seller, user],
            contact,
        )
        .await
    }
}
