//! Connected Mercado Libre stores (tokens, health, the refresh lock) and OAuth round trips.

use crate::PgStore;
use crate::codec::{conflict_as, db_err, expect_row, get, word};
use chrono::{DateTime, Utc};
use domain::{PersonId, SellerId};
use sqlx::postgres::PgRow;
use store::{
    Connection, ConnectionHealth, NewConnection, OAuthState, SealedTokens, StoreError, StoreResult,
};

const COLS: &str = "seller_id, site_id, nickname, currency_id, access_token, refresh_token,
    access_expires_at, health, health_detail, created_at, updated_at";

fn connection_from_row(row: &PgRow) -> StoreResult<Connection> {
    let access: Option<Vec<u8>> = get(row, "access_token")?;
    let refresh: Option<Vec<u8>> = get(row, "refresh_token")?;
    let expires: Option<DateTime<Utc>> = get(row, "access_expires_at")?;
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
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

pub(crate) async fn upsert_connection(s: &PgStore, new: NewConnection) -> StoreResult<Connection> {
    let sql = format!(
        "INSERT INTO connections (seller_id, site_id, nickname, currency_id, access_token,
             refresh_token, access_expires_at, health, health_detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'connected', NULL)
         ON CONFLICT (seller_id) DO UPDATE SET
             site_id = excluded.site_id, nickname = excluded.nickname,
             currency_id = excluded.currency_id, access_token = excluded.access_token,
             refresh_token = excluded.refresh_token,
             access_expires_at = excluded.access_expires_at,
             health = 'connected', health_detail = NULL, updated_at = now()
         RETURNING {COLS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(new.seller_id.0)
        .bind(&new.site_id)
        .bind(&new.nickname)
        .bind(&new.currency_id)
        .bind(&new.tokens.access)
        .bind(&new.tokens.refresh)
        .bind(new.tokens.access_expires_at)
        .fetch_one(&s.pool)
        .await
        .map_err(db_err)?;
    connection_from_row(&row)
}

pub(crate) async fn connection(s: &PgStore, seller: SellerId) -> StoreResult<Option<Connection>> {
    let sql = format!("SELECT {COLS} FROM connections WHERE seller_id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(seller.0)
        .fetch_optional(&s.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(connection_from_row)
        .transpose()
}

pub(crate) async fn connections(s: &PgStore) -> StoreResult<Vec<Connection>> {
    let sql = format!("SELECT {COLS} FROM connections ORDER BY seller_id");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&s.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(connection_from_row)
        .collect()
}

pub(crate) async fn save_tokens(
    s: &PgStore,
    seller: SellerId,
    tokens: &SealedTokens,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE connections SET access_token = $2, refresh_token = $3, access_expires_at = $4,
             updated_at = now()
         WHERE seller_id = $1",
    )
    .bind(seller.0)
    .bind(&tokens.access)
    .bind(&tokens.refresh)
    .bind(tokens.access_expires_at)
    .execute(&s.pool)
    .await
    .map_err(db_err)?;
    expect_row(done.rows_affected(), || format!("store {seller}"))
}

pub(crate) async fn set_connection_health(
    s: &PgStore,
    seller: SellerId,
    health: ConnectionHealth,
    detail: Option<&str>,
) -> StoreResult<()> {
    // Disconnecting deletes the tokens (SPEC §1): a disconnected store must not be usable.
    let done = sqlx::query(
        "UPDATE connections SET health = $2, health_detail = $3, updated_at = now(),
             access_token = CASE WHEN $4 THEN NULL ELSE access_token END,
             refresh_token = CASE WHEN $4 THEN NULL ELSE refresh_token END,
             access_expires_at = CASE WHEN $4 THEN NULL ELSE access_expires_at END
         WHERE seller_id = $1",
    )
    .bind(seller.0)
    .bind(health.as_str())
    .bind(detail)
    .bind(health == ConnectionHealth::Disconnected)
    .execute(&s.pool)
    .await
    .map_err(db_err)?;
    expect_row(done.rows_affected(), || format!("store {seller}"))
}

pub(crate) async fn try_lock_refresh(
    s: &PgStore,
    seller: SellerId,
    holder: &str,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    // A single conditional UPDATE: the row lock it takes serialises concurrent takers, and the
    // loser re-checks the condition against the winner's committed row, so only one succeeds.
    // The holder may take its own lock again (extending it).
    let row = sqlx::query(
        "UPDATE connections SET refresh_lock_holder = $2, refresh_lock_until = $3,
             updated_at = now()
         WHERE seller_id = $1
           AND (refresh_lock_holder IS NULL OR refresh_lock_holder = $2
                OR refresh_lock_until IS NULL OR refresh_lock_until <= $4)
         RETURNING seller_id",
    )
    .bind(seller.0)
    .bind(holder)
    .bind(until)
    .bind(now)
    .fetch_optional(&s.pool)
    .await
    .map_err(db_err)?;
    if row.is_some() {
        return Ok(true);
    }
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM connections WHERE seller_id = $1")
        .bind(seller.0)
        .fetch_optional(&s.pool)
        .await
        .map_err(db_err)?;
    match exists {
        Some(_) => Ok(false),
        None => Err(StoreError::NotFound(format!("store {seller}"))),
    }
}

pub(crate) async fn unlock_refresh(s: &PgStore, seller: SellerId, holder: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE connections SET refresh_lock_holder = NULL, refresh_lock_until = NULL,
             updated_at = now()
         WHERE seller_id = $1 AND refresh_lock_holder = $2",
    )
    .bind(seller.0)
    .bind(holder)
    .execute(&s.pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn put_oauth_state(s: &PgStore, state: &OAuthState) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO oauth_states (state, pkce_verifier, site_id, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&state.state)
    .bind(&state.pkce_verifier)
    .bind(&state.site_id)
    .bind(state.created_by.map(|p| p.0))
    .bind(state.expires_at)
    .execute(&s.pool)
    .await
    .map_err(conflict_as("oauth_state_exists"))?;
    Ok(())
}

pub(crate) async fn take_oauth_state(
    s: &PgStore,
    state: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<OAuthState>> {
    // Deleted even when expired: a stale state is spent either way. DELETE … RETURNING hands
    // the row to exactly one of two concurrent callbacks.
    let row = sqlx::query(
        "DELETE FROM oauth_states WHERE state = $1
         RETURNING state, pkce_verifier, site_id, created_by, expires_at",
    )
    .bind(state)
    .fetch_optional(&s.pool)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let found = OAuthState {
        state: get(&row, "state")?,
        pkce_verifier: get(&row, "pkce_verifier")?,
        site_id: get(&row, "site_id")?,
        created_by: get::<Option<i64>>(&row, "created_by")?.map(PersonId),
        expires_at: get(&row, "expires_at")?,
    };
    Ok((found.expires_at > now).then_some(found))
}
