//! # store-postgres — Mostrador's production backend
//!
//! Tour:
//! - [`PgStore`]: a connection pool plus the migrations in `migrations/` (run on connect), and
//!   the [`store::sql::Driver`] every storage trait is implemented over (the statements
//!   themselves live once, in `store::sql`, shared with SQLite). Any number of `serve` and `worker` processes may share
//!   one database: everything that must not happen twice is decided by a single statement or
//!   transaction in PostgreSQL itself.
//! - Job claims use `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait on (or receive)
//!   each other's job; the per-store token refresh lock and the one-answer reply lock are
//!   conditional `UPDATE`s whose row locks make exactly one caller win.
//! - Types are native: TIMESTAMPTZ, NUMERIC for money (exact, scale kept), JSONB, BYTEA for
//!   sealed tokens, BIGINT for every Mercado Libre id.
//! - [`PgStore::connect_with_schema`] confines a store to one schema (created on demand, set as
//!   `search_path` on every pooled connection, with its own `_sqlx_migrations`), which is how
//!   tests get an isolated database each; [`test_support`] wraps that for test suites.
//! - Signals ([`store::Signals`]) are `NOTIFY` on one channel per schema, heard by a
//!   `LISTEN` on a connection of its own ([`signals`]).
//! - [`codec`] binds neutral values with their native types and reads rows back; the claim
//!   ([`CLAIM_SQL`]) is the one statement written for PostgreSQL alone.

mod codec;
mod signals;
pub mod test_support;

use sqlx::ConnectOptions;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;
use store::StoreError;
use store::sql::Dialect;
use store::sqlx_driver::SqlxPools;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Connections per process. Requests and workers hold one only for a statement or a short
/// transaction (never across a Mercado Libre call), so a few go a long way.
const MAX_CONNECTIONS: u32 = 10;

/// The claim: two probes, each an ordered walk of one partial index that stops at its first
/// unlocked row — an expired lease first (a crashed worker's job has waited longest), else the
/// next due queued job, which is not even looked at when the first probe found one. Neither
/// sorts the due backlog, and `SKIP LOCKED` lets any number of workers claim at once without
/// waiting on (or receiving) each other's job. (`FOR UPDATE` is not allowed in a `UNION`
/// branch, hence the CTEs.)
pub const CLAIM_SQL: &str = "WITH expired AS (
         SELECT id FROM jobs WHERE state = 'running' AND lease_until < $1
         ORDER BY lease_until, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED),
     queued AS (
         SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $1
             AND NOT EXISTS (SELECT 1 FROM expired)
         ORDER BY run_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED),
     next AS (SELECT id AS next_id FROM expired UNION ALL SELECT id FROM queued)
     UPDATE jobs SET state = 'running', lease_until = $2, attempts = jobs.attempts + 1,
         claim_id = $3, updated_at = $4
     FROM next WHERE jobs.id = next.next_id";

/// Mostrador's storage on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The schema this store is confined to, when it was opened with one.
    schema: Option<String>,
    /// Where this store's signals go (one channel per schema, see [`signals::channel_for`]).
    channel: String,
}

impl PgStore {
    /// Connects with the server's default `search_path` and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(codec::db_err)?;
        Self::open(options, None).await
    }

    /// Connects confined to `schema` (created if missing): every pooled connection gets it as
    /// its `search_path`, so tables, and sqlx's `_sqlx_migrations`, live there. Schema names are
    /// limited to lower-case ASCII letters, digits and `_` (starting with a letter or `_`), so
    /// they never need quoting.
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        check_schema_name(schema)?;
        let options = PgConnectOptions::from_str(url).map_err(codec::db_err)?;
        let mut conn = options.connect().await.map_err(codec::db_err)?;
        let create = format!("CREATE SCHEMA IF NOT EXISTS {schema}");
        let created = sqlx::query(sqlx::AssertSqlSafe(create))
            .execute(&mut conn)
            .await
            .map_err(codec::db_err);
        // Two callers creating the same schema at once race on the catalog; the loser's unique
        // violation means the schema exists, which is all we wanted.
        match created {
            Ok(_) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
        sqlx::Connection::close(conn).await.map_err(codec::db_err)?;
        let options = options.options([("search_path", schema)]);
        Self::open(options, Some(schema.to_string())).await
    }

    async fn open(options: PgConnectOptions, schema: Option<String>) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(codec::db_err)?;
        let channel = signals::channel_for(schema.as_deref());
        let store = PgStore {
            pool,
            schema,
            channel,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations (idempotent; connecting already does it). sqlx serialises
    /// concurrent migrators, so several processes may start at once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(store::sqlx_driver::migration_failed)
    }

    /// The schema this store is confined to, if any.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }
}

fn check_schema_name(schema: &str) -> Result<(), StoreError> {
    let mut chars = schema.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if starts_well && rest_ok && schema.len() <= 63 {
        Ok(())
    } else {
        Err(StoreError::Backend(format!(
            "invalid schema name {schema:?}: use lower-case letters, digits and _"
        )))
    }
}

impl SqlxPools for PgStore {
    type Codec = codec::PgCodec;
    const DIALECT: Dialect = Dialect::Postgres;
    const CLAIM_SQL: &'static str = CLAIM_SQL;
    const BEGIN: Option<&'static str> = None;

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    fn signal_channel(&self) -> Option<&str> {
        Some(&self.channel)
    }

    async fn signal_listener(&self) -> Result<Option<Box<dyn store::SignalListener>>, StoreError> {
        let listener = signals::Listener::connect(&self.pool, &self.channel).await?;
        Ok(Some(Box::new(listener)))
    }
}

#[cfg(test)]
mod tests;
