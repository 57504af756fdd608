//! # store-sqlite — Mostrador's embedded default backend
//!
//! Tour:
//! - [`SqliteStore`]: opens (or creates) the database file, runs the migrations in
//!   `migrations/`, and provides the [`store::sql::Driver`] every storage trait is implemented
//!   over (the statements themselves live once, in `store::sql`, shared with PostgreSQL).
//! - Concurrency model: one **writer** connection and a small pool of read-only **reader**
//!   connections. SQLite allows one writer at a time; funnelling every write through a single
//!   connection turns what would be `SQLITE_BUSY` failures under worker + server load into an
//!   orderly queue inside the pool, while WAL lets readers run alongside the writer. Write
//!   transactions start with `BEGIN IMMEDIATE` so even another process (a second `mostrador`
//!   binary on the same file) waits on the busy timeout instead of failing mid-transaction.
//! - Durability: WAL with `synchronous=FULL` on the writer, so a committed transaction is on
//!   disk (the WAL fsynced) before the commit returns.
//! - Encodings (see `migrations/0001_init.sql`) live in [`codec`]: timestamps as fixed-width UTC
//!   RFC 3339 text with microseconds (string order is time order, so SQL comparisons just work),
//!   money as exact decimal text, JSON as text, uuids as hyphenated text.
//! - The claim statement ([`CLAIM_SQL`]) is the one statement written for SQLite alone.

mod codec;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;
use store::sql::{Args, Dialect, Driver, Row};
use store::sqlx_driver::SqlxPools;
use store::{StoreError, StoreResult};

/// How long a connection waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Readers only contend with each other for CPU; a few cover the server's concurrent pages.
const READERS: u32 = 4;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The claim: two probes, each an ordered walk of one partial index that stops at its first row —
/// an expired lease first (a crashed worker's job has waited longest), else the next due queued
/// job. Neither sorts the due backlog. No row locks are needed: SQLite runs each write statement
/// under its database-wide write lock, so picking and leasing a job is never interleaved with
/// another claim.
pub const CLAIM_SQL: &str = "UPDATE jobs SET state = 'running', lease_until = $2,
         attempts = attempts + 1, claim_id = $3, updated_at = $4
     WHERE id = COALESCE(
         (SELECT id FROM jobs WHERE state = 'running' AND lease_until < $1
          ORDER BY lease_until, id LIMIT 1),
         (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $1
          ORDER BY run_at, id LIMIT 1))";

/// Mostrador's storage on a SQLite file (or in memory, for tests).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Exactly one connection: every write and every transaction goes through it.
    writer: SqlitePool,
    /// Read-only connections for plain reads. For an in-memory database this is the writer
    /// itself, because each in-memory connection would otherwise see its own empty database.
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens the database at a file path or a `sqlite://` URL, creating the file if missing, and
    /// migrates it. An in-memory URL (`sqlite::memory:`) behaves like [`Self::open_in_memory`].
    pub async fn open(path_or_url: &str) -> Result<Self, StoreError> {
        if path_or_url.contains(":memory:") || path_or_url.contains("mode=memory") {
            return Self::open_in_memory().await;
        }
        let base = if path_or_url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(path_or_url).map_err(codec::db_err)?
        } else {
            SqliteConnectOptions::new().filename(path_or_url)
        }
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true)
        .synchronous(SqliteSynchronous::Normal);
        // "Creates the file if missing" includes its folder (e.g. a fresh data directory).
        if let Some(dir) = base
            .get_filename()
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Backend(format!("cannot create {}: {e}", dir.display()))
            })?;
        }

        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(
                base.clone()
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // Every commit reaches the disk before it returns, so an acknowledged
                    // notification survives a power loss, not only a crash. Intake batches
                    // its commits, so this costs one fsync per batch, not per notification.
                    .synchronous(SqliteSynchronous::Full),
            )
            .await
            .map_err(codec::db_err)?;
        let store_for_migration = SqliteStore {
            writer: writer.clone(),
            reader: writer.clone(),
        };
        // Migrate before any reader connects: readers are read-only and expect the schema.
        store_for_migration.migrate().await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(base.read_only(true))
            .await
            .map_err(codec::db_err)?;
        Ok(SqliteStore { writer, reader })
    }

    /// A private in-memory database on a single connection that never idles out (closing it
    /// would drop the data). Migrated and empty: what each test wants.
    pub async fn open_in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(codec::db_err)?
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(codec::db_err)?;
        let store = SqliteStore {
            writer: pool.clone(),
            reader: pool,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations (idempotent; open already does it). sqlx serialises
    /// concurrent migrators, so several processes may start at once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.writer)
            .await
            .map_err(store::sqlx_driver::migration_failed)
    }

    /// The database's journal mode (`wal` for files), for health output and tests.
    pub async fn journal_mode(&self) -> Result<String, StoreError> {
        sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&self.writer)
            .await
            .map_err(codec::db_err)
    }

    /// Runs any statement on the writer, for tests that inspect plans or seed raw rows.
    pub async fn raw_rows(&self, sql: &str, args: Args) -> StoreResult<Vec<Row>> {
        self.write(sql, args).await
    }
}

impl SqlxPools for SqliteStore {
    type Codec = codec::SqliteCodec;
    const DIALECT: Dialect = Dialect::Sqlite;
    const CLAIM_SQL: &'static str = CLAIM_SQL;
    /// Takes the write lock at once, so a second process waits on the busy timeout instead of
    /// failing mid-transaction.
    const BEGIN: Option<&'static str> = Some("BEGIN IMMEDIATE");

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }
}
