//! Cached Mercado Libre context: listings and buyers as a store knows them.

use crate::PgStore;
use crate::codec::{db_err, get};
use domain::{Contact, ItemId, Listing, MeliUserId, SellerId};
use store::StoreResult;

pub(crate) async fn upsert_listing(s: &PgStore, l: &Listing) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO listings (item_id, seller_id, site_id, title, price, currency_id, thumbnail,
             permalink, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (item_id) DO UPDATE SET
             seller_id = excluded.seller_id, site_id = excluded.site_id, title = excluded.title,
             price = excluded.price, currency_id = excluded.currency_id,
             thumbnail = excluded.thumbnail, permalink = excluded.permalink,
             status = excluded.status, updated_at = now()",
    )
    .bind(&l.item_id.0)
    .bind(l.seller_id.0)
    .bind(&l.site_id)
    .bind(&l.title)
    .bind(l.price)
    .bind(&l.currency_id)
    .bind(&l.thumbnail)
    .bind(&l.permalink)
    .bind(&l.status)
    .execute(&s.pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn listing(s: &PgStore, id: &ItemId) -> StoreResult<Option<Listing>> {
    let row = sqlx::query(
        "SELECT item_id, seller_id, site_id, title, price, currency_id, thumbnail, permalink,
             status
         FROM listings WHERE item_id = $1",
    )
    .bind(&id.0)
    .fetch_optional(&s.pool)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Listing {
        item_id: ItemId(get(&row, "item_id")?),
        seller_id: SellerId(get(&row, "seller_id")?),
        site_id: get(&row, "site_id")?,
        title: get(&row, "title")?,
        price: get(&row, "price")?,
        currency_id: get(&row, "currency_id")?,
        thumbnail: get(&row, "thumbnail")?,
        permalink: get(&row, "permalink")?,
        status: get(&row, "status")?,
    }))
}

pub(crate) async fn upsert_contact(s: &PgStore, c: &Contact) -> StoreResult<()> {
    // A nickname once known is kept when a later sighting doesn't carry one.
    sqlx::query(
        "INSERT INTO contacts (seller_id, meli_user_id, nickname)
         VALUES ($1, $2, $3)
         ON CONFLICT (seller_id, meli_user_id) DO UPDATE SET
             nickname = COALESCE(excluded.nickname, contacts.nickname),
             updated_at = now()",
    )
    .bind(c.seller_id.0)
    .bind(c.meli_user_id.0)
    .bind(&c.nickname)
    .execute(&s.pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn contact(
    s: &PgStore,
    seller: SellerId,
    user: MeliUserId,
) -> StoreResult<Option<Contact>> {
    let row = sqlx::query(
        "SELECT seller_id, meli_user_id, nickname FROM contacts
         WHERE seller_id = $1 AND meli_user_id = $2",
    )
    .bind(seller.0)
    .bind(user.0)
    .fetch_optional(&s.pool)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Contact {
        seller_id: SellerId(get(&row, "seller_id")?),
        meli_user_id: MeliUserId(get(&row, "meli_user_id")?),
        nickname: get(&row, "nickname")?,
    }))
}
