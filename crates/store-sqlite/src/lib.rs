//! # store-sqlite — Mostrador's embedded default backend
//!
//! Tour:
//! - [`SqliteStore`]: opens (or creates) the database file, runs the migrations in
//!   `migrations/`, and implements [`store::Store`].
//! - Concurrency model: one **writer** connection and a small pool of read-only **reader**
//!   connections. SQLite allows one writer at a time; funnelling every write through a single
//!   connection turns what would be `SQLITE_BUSY` failures under worker + server load into an
//!   orderly queue inside the pool, while WAL lets readers run alongside the writer. Write
//!   transactions start with `BEGIN IMMEDIATE` so even another process (a second `mostrador`
//!   binary on the same file) waits on the busy timeout instead of failing mid-transaction.
//! - Encodings (see `migrations/0001_init.sql`): timestamps as fixed-width UTC RFC 3339 text with
//!   microseconds (string order is time order, so SQL comparisons just work), money as exact
//!   decimal text, JSON as text.
//! - Modules: [`codec`] (encodings, row decoding, error mapping), then one module per area:
//!   `people`, `connections`, `intake` (notifications and jobs), `context` (listings, contacts),
//!   `conversations`.

mod codec;
mod connections;
mod context;
mod conversations;
mod intake;
mod people;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::*;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;
use store::*;

/// How long a connection waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Readers only contend with each other for CPU; a few cover the server's concurrent pages.
const READERS: u32 = 4;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

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
                    .journal_mode(SqliteJournalMode::Wal),
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

    /// Applies pending migrations (idempotent; `open` already does it).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.writer)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
    }

    /// Closes both pools, checkpointing the WAL (used by tests that reopen the same file).
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// The database's journal mode (`wal` for files), for health output and tests.
    pub async fn journal_mode(&self) -> Result<String, StoreError> {
        sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&self.writer)
            .await
            .map_err(codec::db_err)
    }

    /// A write transaction that holds the write lock from its first statement.
    pub(crate) async fn begin(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(codec::db_err)
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map(|_| ())
            .map_err(codec::db_err)
    }

    async fn create_person(&self, new: NewPerson) -> StoreResult<Person> {
        people::create_person(self, new).await
    }
    async fn person_by_email(&self, email: &str) -> StoreResult<Option<Person>> {
        people::person_by_email(self, email).await
    }
    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>> {
        people::person(self, id).await
    }
    async fn count_people(&self) -> StoreResult<i64> {
        people::count_people(self).await
    }
    async fn create_session(
        &self,
        token_hash: &str,
        person: PersonId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        people::create_session(self, token_hash, person, expires_at).await
    }
    async fn session_person(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Person>> {
        people::session_person(self, token_hash, now).await
    }
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        people::delete_session(self, token_hash).await
    }

    async fn upsert_connection(&self, new: NewConnection) -> StoreResult<Connection> {
        connections::upsert_connection(self, new).await
    }
    async fn connection(&self, seller: SellerId) -> StoreResult<Option<Connection>> {
        connections::connection(self, seller).await
    }
    async fn connections(&self) -> StoreResult<Vec<Connection>> {
        connections::connections(self).await
    }
    async fn save_tokens(&self, seller: SellerId, tokens: &SealedTokens) -> StoreResult<()> {
        connections::save_tokens(self, seller, tokens).await
    }
    async fn set_connection_health(
        &self,
        seller: SellerId,
        health: ConnectionHealth,
        detail: Option<&str>,
    ) -> StoreResult<()> {
        connections::set_connection_health(self, seller, health, detail).await
    }
    async fn try_lock_refresh(
        &self,
        seller: SellerId,
        holder: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        connections::try_lock_refresh(self, seller, holder, until, now).await
    }
    async fn unlock_refresh(&self, seller: SellerId, holder: &str) -> StoreResult<()> {
        connections::unlock_refresh(self, seller, holder).await
    }

    async fn put_oauth_state(&self, state: &OAuthState) -> StoreResult<()> {
        connections::put_oauth_state(self, state).await
    }
    async fn take_oauth_state(
        &self,
        state: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<OAuthState>> {
        connections::take_oauth_state(self, state, now).await
    }

    async fn record_notification(
        &self,
        n: NewNotification,
        job: Option<NewJob>,
    ) -> StoreResult<RecordOutcome> {
        intake::record_notification(self, n, job).await
    }
    async fn recent_notifications(&self, limit: i64) -> StoreResult<Vec<NotificationRecord>> {
        intake::recent_notifications(self, limit).await
    }

    async fn enqueue(&self, job: NewJob) -> StoreResult<Option<JobId>> {
        intake::enqueue(self, job).await
    }
    async fn claim_job(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<Job>> {
        intake::claim_job(self, now, lease_until).await
    }
    async fn complete_job(&self, job: &Job) -> StoreResult<()> {
        intake::finish_job(self, job, JobState::Done, None).await
    }
    async fn retry_job(&self, job: &Job, error: &str, run_at: DateTime<Utc>) -> StoreResult<()> {
        intake::requeue_job(self, job, error, run_at, false).await
    }
    async fn postpone_job(
        &self,
        job: &Job,
        reason: &str,
        run_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        intake::requeue_job(self, job, reason, run_at, true).await
    }
    async fn bury_job(&self, job: &Job, error: &str) -> StoreResult<()> {
        intake::finish_job(self, job, JobState::Dead, Some(error)).await
    }
    async fn job(&self, id: JobId) -> StoreResult<Option<Job>> {
        intake::job(self, id).await
    }
    async fn job_counts(&self) -> StoreResult<JobCounts> {
        intake::job_counts(self).await
    }
    async fn next_job_due(&self) -> StoreResult<Option<DateTime<Utc>>> {
        intake::next_job_due(self).await
    }

    async fn upsert_listing(&self, listing: &Listing) -> StoreResult<()> {
        context::upsert_listing(self, listing).await
    }
    async fn listing(&self, id: &ItemId) -> StoreResult<Option<Listing>> {
        context::listing(self, id).await
    }
    async fn upsert_contact(&self, contact: &Contact) -> StoreResult<()> {
        context::upsert_contact(self, contact).await
    }
    async fn contact(&self, seller: SellerId, user: MeliUserId) -> StoreResult<Option<Contact>> {
        context::contact(self, seller, user).await
    }

    async fn upsert_conversation(&self, c: UpsertConversation) -> StoreResult<Conversation> {
        conversations::upsert_conversation(self, c).await
    }
    async fn add_message(&self, m: NewMessage) -> StoreResult<(Message, bool)> {
        conversations::add_message(self, m).await
    }
    async fn conversations(
        &self,
        filter: &ConversationFilter,
    ) -> StoreResult<Vec<ConversationSummary>> {
        conversations::conversations(self, filter).await
    }
    async fn conversation(&self, id: ConversationId) -> StoreResult<Option<Conversation>> {
        conversations::conversation(self, id).await
    }
    async fn conversation_by_ref(
        &self,
        seller: SellerId,
        category: Category,
        meli_ref: &str,
    ) -> StoreResult<Option<Conversation>> {
        conversations::conversation_by_ref(self, seller, category, meli_ref).await
    }
    async fn messages(&self, conversation: ConversationId) -> StoreResult<Vec<Message>> {
        conversations::messages(self, conversation).await
    }
    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>> {
        conversations::message(self, id).await
    }
    async fn queue_locked_reply(
        &self,
        conversation: ConversationId,
        message: NewMessage,
        job: NewJob,
    ) -> StoreResult<(Message, JobId)> {
        conversations::queue_locked_reply(self, conversation, message, job).await
    }
    async fn mark_message_sent(&self, id: MessageId, sent_at: DateTime<Utc>) -> StoreResult<()> {
        conversations::mark_message_sent(self, id, sent_at).await
    }
    async fn mark_message_failed(
        &self,
        id: MessageId,
        error: &str,
        unlock_reply: bool,
    ) -> StoreResult<()> {
        conversations::mark_message_failed(self, id, error, unlock_reply).await
    }
    async fn set_conversation_status(
        &self,
        id: ConversationId,
        status: ConversationStatus,
        meli_status: Option<&str>,
    ) -> StoreResult<()> {
        conversations::set_conversation_status(self, id, status, meli_status).await
    }
}
