//! Cached Mercado Libre context: listings and the buyers each store has met.

use super::{Driver, ReadAs, Row};
use crate::{CatalogStore, StoreResult, args};
use async_trait::async_trait;
use chrono::Utc;
use domain::{Contact, ItemId, Listing, MeliUserId, SellerId};

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
        // A nickname once known is kept when a later sighting doesn't carry one.
        self.write_count(
            "INSERT INTO contacts (seller_id, meli_user_id, nickname, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (seller_id, meli_user_id) DO UPDATE SET
                 nickname = COALESCE(excluded.nickname, contacts.nickname),
                 updated_at = excluded.updated_at",
            args![
                c.seller_id,
                c.meli_user_id,
                c.nickname.as_deref(),
                Utc::now()
            ],
        )
        .await?;
        Ok(())
    }

    async fn contact(&self, seller: SellerId, user: MeliUserId) -> StoreResult<Option<Contact>> {
        let row = self
            .read_optional(
                "SELECT seller_id, meli_user_id, nickname FROM contacts
                 WHERE seller_id = $1 AND meli_user_id = $2",
                args![seller, user],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Contact {
            seller_id: SellerId(row.i64("seller_id")?),
            meli_user_id: MeliUserId(row.i64("meli_user_id")?),
            nickname: row.opt_text("nickname")?,
        }))
    }
}
