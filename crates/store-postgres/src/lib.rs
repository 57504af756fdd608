//! # store-postgres — Mostrador's production backend
//!
//! Tour:
//! - [`PgStore`]: a connection pool plus the migrations in `migrations/` (run on connect), and
//!   the [`store::Store`] implementation. Any number of `serve` and `worker` processes may share
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
//! - Modules: `codec` (row decoding, error mapping), then one module per area: `people`,
//!   `connections`, `intake` (notifications and jobs), `context` (listings, contacts),
//!   `conversations`.

mod codec;
mod connections;
mod context;
mod conversations;
mod intake;
mod people;
pub mod test_support;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::*;
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;
use store::*;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connections per process. Requests and workers hold one only for a statement or a short
/// transaction (never across a Mercado Libre call), so a few go a long way.
const MAX_CONNECTIONS: u32 = 10;

/// Mostrador's storage on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The schema this store is confined to, when it was opened with one.
    schema: Option<String>,
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
        let store = PgStore { pool, schema };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations (idempotent; connecting already does it). sqlx serialises
    /// concurrent migrators with an advisory lock, so several processes may start at once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
    }

    /// The schema this store is confined to, if any.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
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

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
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
