//! Connected Mercado Libre stores (tokens, health, the refresh lock) and OAuth round trips.

use crate::SqliteStore;
use crate::codec::{conflict_as, db_err, expect_row, get, now, opt_time, time, ts, word};
use chrono::{DateTime, Utc};
use domain::{PersonId, SellerId};
use sqlx::sqlite::SqliteRow;
use store::{
    Connection, ConnectionHealth, NewConnection, OAuthState, SealedTokens, StoreError, StoreResult,
};

const COLS: &str = "seller_id, site_id, nickname, currency_id, access_token, refresh_token,
    access_expires_at, health, health_detail, created_at, updated_at";

fn connection_from_row(row: &SqliteRow) -> StoreResult<Connection> {
    let access: Option<Vec<u8>> = get(row, "access_token")?;
    let refresh: Option<Vec<u8>> = get(row, "refresh_token")?;
    let expires = opt_time(row, "access_expires_at")?;
    // Tokens exist as a whole pair or not at all; a half pair is useless to the app.
    let tokens = match (access, refresh, expires) {
        (Some(access), Some(refresh), Some(access_expires_at)) => Some(SealedTokens {
            access,
            refresh,
            access_expires_at,
        }),
        _ => None,
    };
    Ok(Connection {
        seller_id: SellerId(get(row, "seller_id")?),
        site_id: get(row, "site_id")?,
        nickname: get(row, "nickname")?,
        currency_id: get(row, "currency_id")?,
        tokens,
        health: word(row, "health", ConnectionHealth::parse)?,
        health_detail: get(row, "health_detail")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

pub(crate) async fn upsert_connection(
    s: &SqliteStore,
    new: NewConnection,
) -> StoreResult<Connection> {
    let sql = format!(
        "INSERT INTO connections (seller_id, site_id, nickname, currency_id, access_token,
             refresh_token, access_expires_at, health, health_detail, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'connected', NULL, ?8, ?8)
         ON CONFLICT (seller_id) DO UPDATE SET
             site_id = excluded.site_id, nickname = excluded.nickname,
             currency_id = excluded.currency_id, access_token = excluded.access_token,
             refresh_token = excluded.refresh_token,
             access_expires_at = excluded.access_expires_at,
             health = 'connected', health_detail = NULL, updated_at = excluded.updated_at
         RETURNING {COLS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(new.seller_id.0)
        .bind(&new.site_id)
        .bind(&new.nickname)
        .bind(&new.currency_id)
        .bind(&new.tokens.access)
        .bind(&new.tokens.refresh)
        .bind(ts(new.tokens.access_expires_at))
        .bind(now())
        .fetch_one(&s.writer)
        .await
        .map_err(db_err)?;
    connection_from_row(&row)
}

pub(crate) async fn connection(
    s: &SqliteStore,
    seller: SellerId,
) -> StoreResult<Option<Connection>> {
    let sql = format!("SELECT {COLS} FROM connections WHERE seller_id = ?1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(seller.0)
        .fetch_optional(&s.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(connection_from_row)
        .transpose()
}

pub(crate) async fn connections(s: &SqliteStore) -> StoreResult<Vec<Connection>> {
    let sql = format!("SELECT {COLS} FROM connections ORDER BY seller_id");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&s.reader)
        .await
        .map_err(db_err)?
        .iter()
        .map(connection_from_row)
        .collect()
}

pub(crate) async fn save_tokens(
    s: &SqliteStore,
    seller: SellerId,
    tokens: &SealedTokens,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE connections SET access_token = ?2, refresh_token = ?3, access_expires_at = ?4,
             updated_at = ?5
         WHERE seller_id = ?1",
    )
    .bind(seller.0)
    .bind(&tokens.access)
    .bind(&tokens.refresh)
    .bind(ts(tokens.access_expires_at))
    .bind(now())
    .execute(&s.writer)
    .await
    .map_err(db_err)?;
    expect_row(done.rows_affected(), || format!("store {seller}"))
}

pub(crate) async fn set_connection_health(
    s: &SqliteStore,
    seller: SellerId,
    health: ConnectionHealth,
    detail: Option<&str>,
) -> StoreResult<()> {
    // Disconnecting deletes the tokens (SPEC §1): a disconnected store must not be usable.
    let done = sqlx::query(
        "UPDATE connections SET health = ?2, health_detail = ?3, updated_at = ?4,
             access_token = CASE WHEN ?5 THEN NULL ELSE access_token END,
             refresh_token = CASE WHEN ?5 THEN NULL ELSE refresh_token END,
             access_expires_at = CASE WHEN ?5 THEN NULL ELSE access_expires_at END
         WHERE seller_id = ?1",
    )
    .bind(seller.0)
    .bind(health.as_str())
    .bind(detail)
    .bind(now())
    .bind(health == ConnectionHealth::Disconnected)
    .execute(&s.writer)
    .await
    .map_err(db_err)?;
    expect_row(done.rows_affected(), || format!("store {seller}"))
}

pub(crate) async fn try_lock_refresh(
    s: &SqliteStore,
    seller: SellerId,
    holder: &str,
    until: DateTime<Utc>,
    now_at: DateTime<Utc>,
) -> StoreResult<bool> {
    // The holder may take its own lock again (extending it); anyone else only once it's free.
    let row = sqlx::query(
        "UPDATE connections SET refresh_lock_holder = ?2, refresh_lock_until = ?3, updated_at = ?5
         WHERE seller_id = ?1
           AND (refresh_lock_holder IS NULL OR refresh_lock_holder = ?2
                OR refresh_lock_until IS NULL OR refresh_lock_until <= ?4)
         RETURNING seller_id",
    )
    .bind(seller.0)
    .bind(holder)
    .bind(ts(until))
    .bind(ts(now_at))
    .bind(now())
    .fetch_optional(&s.writer)
    .await
    .map_err(db_err)?;
    if row.is_some() {
        return Ok(true);
    }
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM connections WHERE seller_id = ?1")
        .bind(seller.0)
        .fetch_optional(&s.writer)
        .await
        .map_err(db_err)?;
    match exists {
        Some(_) => Ok(false),
        None => Err(StoreError::NotFound(format!("store {seller}"))),
    }
}

pub(crate) async fn unlock_refresh(
    s: &SqliteStore,
    seller: SellerId,
    holder: &str,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE connections SET refresh_lock_holder = NULL, refresh_lock_until = NULL,
             updated_at = ?3
         WHERE seller_id = ?1 AND refresh_lock_holder = ?2",
    )
    .bind(seller.0)
    .bind(holder)
    .bind(now())
    .execute(&s.writer)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn put_oauth_state(s: &SqliteStore, state: &OAuthState) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO oauth_states (state, pkce_verifier, site_id, created_by, expires_at,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )
    .bind(&state.state)
    .bind(&state.pkce_verifier)
    .bind(&state.site_id)
    .bind(state.created_by.map(|p| p.0))
    .bind(ts(state.expires_at))
    .bind(now())
    .execute(&s.writer)
    .await
    .map_err(conflict_as("oauth_state_exists"))?;
    Ok(())
}

pub(crate) async fn take_oauth_state(
    s: &SqliteStore,
    state: &str,
    now_at: DateTime<Utc>,
) -> StoreResult<Option<OAuthState>> {
    // Deleted even when expired: a stale state is spent either way.
    let row = sqlx::query(
        "DELETE FROM oauth_states WHERE state = ?1
         RETURNING state, pkce_verifier, site_id, created_by, expires_at",
    )
    .bind(state)
    .fetch_optional(&s.writer)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let found = OAuthState {
        state: get(&row, "state")?,
        pkce_verifier: get(&row, "pkce_verifier")?,
        site_id: get(&row, "site_id")?,
        created_by: get::<Option<i64>>(&row, "created_by")?.map(PersonId),
        expires_at: time(&row, "expires_at")?,
    };
    Ok((found.expires_at > now_at).then_some(found))
}
