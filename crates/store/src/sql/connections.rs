//! Connected stores, their sealed tokens and refresh lock, and OAuth round trips.

use super::people::conflict_as;
use super::{Driver, Exec, ReadAs, Row, Tx};
use crate::support::expect_row;
use crate::{
    Connection, ConnectionHealth, ConnectionStore, NewConnection, OAuthState, SealedTokens,
    StoreError, StoreResult, args,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{OrgId, PersonId, SellerId};

const COLS: &str = "org_id, seller_id, site_id, nickname, currency_id, access_token,
    refresh_token, access_expires_at, health, health_detail, meli_response_time, created_at,
    updated_at";

fn connection(row: &Row) -> StoreResult<Connection> {
    let tokens = match (
        row.opt_bytes("access_token")?,
        row.opt_bytes("refresh_token")?,
        row.opt_time("access_expires_at")?,
    ) {
        (Some(access), Some(refresh), Some(access_expires_at)) => Some(SealedTokens {
            access,
            refresh,
            access_expires_at,
        }),
        _ => None,
    };
    Ok(Connection {
        org_id: row.org("org_id")?,
        seller_id: SellerId(row.i64("seller_id")?),
        site_id: row.text("site_id")?,
        nickname: row.text("nickname")?,
        currency_id: row.text("currency_id")?,
        tokens,
        health: row.word("health", ConnectionHealth::parse)?,
        health_detail: row.opt_text("health_detail")?,
        meli_response_time: row.opt_json("meli_response_time")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

/// Shared by the worker-side health change and a person's disconnect: `Disconnected` deletes the
/// tokens (SPEC §1), the other states keep them.
const SET_HEALTH: &str = "UPDATE connections SET health = $2, health_detail = $3, updated_at = $4,
         access_token = CASE WHEN $5 THEN NULL ELSE access_token END,
         refresh_token = CASE WHEN $5 THEN NULL ELSE refresh_token END,
         access_expires_at = CASE WHEN $5 THEN NULL ELSE access_expires_at END
     WHERE seller_id = $1";

#[async_trait]
impl<D: Driver> ConnectionStore for D {
    async fn upsert_connection(&self, new: NewConnection) -> StoreResult<Connection> {
        let mut tx = self.begin().await?;
        let owner = format!(
            "SELECT org_id FROM connections WHERE seller_id = $1{}",
            self.dialect().for_update()
        );
        if let Some(row) = tx.fetch_optional(&owner, args![new.seller_id]).await?
            && row.org("org_id")? != new.org_id
        {
            return Err(StoreError::Conflict("store_in_other_org".into()));
        }
        let sql = format!(
            "INSERT INTO connections (org_id, seller_id, site_id, nickname, currency_id,
                 access_token, refresh_token, access_expires_at, health, health_detail,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'connected', NULL, $9, $9)
             ON CONFLICT (seller_id) DO UPDATE SET
                 site_id = excluded.site_id, nickname = excluded.nickname,
                 currency_id = excluded.currency_id, access_token = excluded.access_token,
                 refresh_token = excluded.refresh_token,
                 access_expires_at = excluded.access_expires_at,
                 health = 'connected', health_detail = NULL, updated_at = excluded.updated_at
             RETURNING {COLS}"
        );
        let row = tx
            .fetch_optional(
                &sql,
                args![
                    new.org_id,
                    new.seller_id,
                    &new.site_id,
                    &new.nickname,
                    &new.currency_id,
                    &new.tokens.access,
                    &new.tokens.refresh,
                    new.tokens.access_expires_at,
                    Utc::now(),
                ],
            )
            .await?
            .ok_or_else(|| StoreError::Backend("upsert returned no row".into()))?;
        let stored = connection(&row)?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn connection(&self, seller: SellerId) -> StoreResult<Option<Connection>> {
        let sql = format!("SELECT {COLS} FROM connections WHERE seller_id = $1");
        self.read_as(&sql, args![seller], connection).await
    }

    async fn connections(&self) -> StoreResult<Vec<Connection>> {
        let sql = format!("SELECT {COLS} FROM connections ORDER BY seller_id");
        self.read_all_as(&sql, args![], connection).await
    }

    async fn connections_version(&self) -> StoreResult<i64> {
        self.read_optional(
            "SELECT version FROM connection_changes WHERE id = 1",
            args![],
        )
        .await?
        .map_or(Ok(0), |row| row.i64("version"))
    }

    async fn org_connections(&self, org: OrgId) -> StoreResult<Vec<Connection>> {
        let sql = format!("SELECT {COLS} FROM connections WHERE org_id = $1 ORDER BY seller_id");
        self.read_all_as(&sql, args![org], connection).await
    }

    async fn org_connection(
        &self,
        org: OrgId,
        seller: SellerId,
    ) -> StoreResult<Option<Connection>> {
        let sql = format!("SELECT {COLS} FROM connections WHERE seller_id = $1 AND org_id = $2");
        self.read_as(&sql, args![seller, org], connection).await
    }

    async fn save_tokens(&self, seller: SellerId, tokens: &SealedTokens) -> StoreResult<()> {
        let done = self
            .write_count(
                "UPDATE connections SET access_token = $2, refresh_token = $3,
                     access_expires_at = $4, updated_at = $5
                 WHERE seller_id = $1",
                args![
                    seller,
                    &tokens.access,
                    &tokens.refresh,
                    tokens.access_expires_at,
                    Utc::now()
                ],
            )
            .await?;
        expect_row(done, || format!("store {seller}"))
    }

    async fn set_connection_health(
        &self,
        seller: SellerId,
        health: ConnectionHealth,
        detail: Option<&str>,
    ) -> StoreResult<()> {
        let done = self
            .write_count(
                SET_HEALTH,
                args![
                    seller,
                    health.as_str(),
                    detail,
                    Utc::now(),
                    health == ConnectionHealth::Disconnected
                ],
            )
            .await?;
        expect_row(done, || format!("store {seller}"))
    }

    async fn disconnect(&self, org: OrgId, seller: SellerId, detail: &str) -> StoreResult<()> {
        let sql = format!("{SET_HEALTH} AND org_id = $6");
        let done = self
            .write_count(
                &sql,
                args![
                    seller,
                    ConnectionHealth::Disconnected.as_str(),
                    detail,
                    Utc::now(),
                    true,
                    org
                ],
            )
            .await?;
        expect_row(done, || format!("store {seller}"))
    }

    async fn try_lock_refresh(
        &self,
        seller: SellerId,
        holder: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let taken = self
            .write(
                "UPDATE connections SET refresh_lock_holder = $2, refresh_lock_until = $3,
                     updated_at = $5
                 WHERE seller_id = $1
                   AND (refresh_lock_holder IS NULL OR refresh_lock_holder = $2
                        OR refresh_lock_until IS NULL OR refresh_lock_until <= $4)
                 RETURNING seller_id",
                args![seller, holder, until, now, Utc::now()],
            )
            .await?;
        if !taken.is_empty() {
            return Ok(true);
        }
        let exists = self
            .write(
                "SELECT 1 AS one FROM connections WHERE seller_id = $1",
                args![seller],
            )
            .await?;
        if exists.is_empty() {
            Err(StoreError::NotFound(format!("store {seller}")))
        } else {
            Ok(false)
        }
    }

    async fn set_meli_response_time(
        &self,
        seller: SellerId,
        figure: &serde_json::Value,
    ) -> StoreResult<()> {
        let done = self
            .write_count(
                "UPDATE connections SET meli_response_time = $2, updated_at = $3
                 WHERE seller_id = $1",
                args![seller, figure, Utc::now()],
            )
            .await?;
        expect_row(done, || format!("store {seller}"))
    }

    async fn unlock_refresh(&self, seller: SellerId, holder: &str) -> StoreResult<()> {
        self.write_count(
            "UPDATE connections SET refresh_lock_holder = NULL, refresh_lock_until = NULL,
                 updated_at = $3
             WHERE seller_id = $1 AND refresh_lock_holder = $2",
            args![seller, holder, Utc::now()],
        )
        .await?;
        Ok(())
    }

    async fn put_oauth_state(&self, state: &OAuthState) -> StoreResult<()> {
        self.write_count(
            "INSERT INTO oauth_states (state, org_id, pkce_verifier, site_id, created_by,
                 expires_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            args![
                &state.state,
                state.org_id,
                &state.pkce_verifier,
                &state.site_id,
                state.created_by,
                state.expires_at,
                Utc::now()
            ],
        )
        .await
        .map_err(conflict_as("oauth_state_exists"))?;
        Ok(())
    }

    async fn take_oauth_state(
        &self,
        state: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<OAuthState>> {
        let row = self
            .write(
                "DELETE FROM oauth_states WHERE state = $1
                 RETURNING state, org_id, pkce_verifier, site_id, created_by, expires_at",
                args![state],
            )
            .await?;
        let Some(row) = row.first() else {
            return Ok(None);
        };
        let found = OAuthState {
            state: row.text("state")?,
            org_id: row.org("org_id")?,
            pkce_verifier: row.text("pkce_verifier")?,
            site_id: row.text("site_id")?,
            created_by: row.opt_i64("created_by")?.map(PersonId),
            expires_at: row.time("expires_at")?,
        };
        Ok((found.expires_at > now).then_some(found))
    }
}
