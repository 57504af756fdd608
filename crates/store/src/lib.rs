//! # store — the storage trait Mostrador runs on
//!
//! Tour:
//! - Storage traits by concern: [`PeopleStore`] (organizations, people, sessions),
//!   [`ConnectionStore`] (connected stores, tokens, OAuth round trips), [`IntakeStore`]
//!   (notifications and the job queue), [`CatalogStore`] (cached listings and contacts),
//!   [`ConversationStore`]. [`Store`] is all of them, as one trait object (`Arc<dyn Store>`).
//!   Writes that must happen together (a notification and its job; a reply, its lock and its
//!   outbox job) are single methods, so each backend does them in one transaction.
//! - Organizations: methods a person's request reaches take the person's [`OrgId`] and see
//!   nothing outside it (`org_*`, `queue_locked_reply`, `recent_notifications`); the unscoped
//!   ones serve workers, whose ids come from Mercado Libre or from our own jobs.
//! - [`sql`]: every statement, written once for both backends over a small [`sql::Driver`];
//!   the blanket impls there implement all the traits for any driver.
//! - [`model`]: the rows that are storage concerns rather than domain ones (jobs, notifications,
//!   connections with sealed tokens, sessions, OAuth states).
//! - [`conformance`]: the behaviour every backend must show; `store-sqlite` and `store-postgres`
//!   run it through [`conformance_tests!`].
//! - [`support`]: the few normalisation rules (e-mail keys, outbox payloads) both backends share.
//!
//! Backends: `store-sqlite` (embedded default) and `store-postgres` (production). Each owns its
//! migrations. Time is always passed in (`now`) so tests control it.

#[cfg(feature = "conformance")]
pub mod conformance;
#[cfg(feature = "conformance")]
pub mod conformance_contacts;
#[cfg(feature = "conformance")]
pub mod conformance_coordination;
#[cfg(feature = "conformance")]
pub mod conformance_figures;
#[cfg(feature = "conformance")]
pub mod conformance_intake;
#[cfg(feature = "conformance")]
pub mod conformance_orders;
pub mod contacts;
pub mod coordination;
pub mod model;
pub mod order_sync;
pub mod sql;
#[cfg(feature = "sqlx")]
pub mod sqlx_driver;
#[cfg(feature = "sqlx")]
pub mod sqlx_errors;
pub mod support;

pub use contacts::*;
pub use coordination::{PauseStore, SignalListener, Signals};
pub use model::*;
pub use order_sync::{OrderSync, OrderSyncStore};
pub use sql::figures::{BuyerTotals, CurrencyTotals, OrderLine, OrderPage, RevenueBucket};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::routing::{Module, Route, Team, TeamKind};
use domain::*;

/// Errors a backend reports. `Conflict` is a business outcome (unique key, lost race) that
/// callers handle; `LeaseLost` tells a worker its job was reclaimed by another one; `Backend` is
/// an infrastructure failure they retry or report.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Backend(String),
    /// The job's lease expired and another worker took it; this worker's outcome is discarded.
    /// Returned by [`IntakeStore::complete_job`], [`IntakeStore::retry_job`],
    /// [`IntakeStore::postpone_job`] and
    /// [`IntakeStore::bury_job`] when the job is no longer running under the caller's claim.
    #[error("lease lost: {0}")]
    LeaseLost(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the app needs from storage, as one trait object.
pub trait Store:
    Health
    + PeopleStore
    + ConnectionStore
    + IntakeStore
    + CatalogStore
    + ConversationStore
    + CommerceStore
    + FiguresStore
    + TeamStore
    + ContactStore
    + OrderSyncStore
    + Signals
    + PauseStore
{
}

impl<T> Store for T where
    T: Health
        + PeopleStore
        + ConnectionStore
        + IntakeStore
        + CatalogStore
        + ConversationStore
        + CommerceStore
        + FiguresStore
        + TeamStore
        + ContactStore
        + OrderSyncStore
        + Signals
        + PauseStore
{
}

#[async_trait]
pub trait Health: Send + Sync + 'static {
    /// `sqlite` or `postgres`, for logs and health output.
    fn backend(&self) -> &'static str;

    /// Cheap round trip used by `/healthz`.
    async fn ping(&self) -> StoreResult<()>;
}

/// Organizations, their people, and login sessions.
#[async_trait]
pub trait PeopleStore: Send + Sync + 'static {
    /// `Conflict("org_name_taken")` when an organization already has the name (case-insensitive).
    async fn create_org(&self, name: &str) -> StoreResult<Organization>;
    async fn org(&self, id: OrgId) -> StoreResult<Option<Organization>>;
    /// By name, case-insensitively.
    async fn org_by_name(&self, name: &str) -> StoreResult<Option<Organization>>;
    /// Fails with `Conflict("email_taken")` when the e-mail (case-insensitive, Unicode-aware,
    /// see [`support::email_key`]) is taken, in any organization: e-mail is the login.
    /// `NotFound` when the organization does not exist.
    async fn create_person(&self, new: NewPerson) -> StoreResult<Person>;
    async fn person_by_email(&self, email: &str) -> StoreResult<Option<Person>>;
    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>>;
    /// The organization's people, by name.
    async fn org_people(&self, org: OrgId) -> StoreResult<Vec<Person>>;
    async fn count_people(&self) -> StoreResult<i64>;
    /// `None` follows the browser again. `NotFound` outside the organization.
    async fn set_person_language(
        &self,
        org: OrgId,
        person: PersonId,
        language: Option<&str>,
    ) -> StoreResult<()>;
    /// Sessions are stored by the SHA-256 of their token, never the token itself.
    async fn create_session(
        &self,
        token_hash: &str,
        person: PersonId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The person of a live (unexpired at `now`) session.
    async fn session_person(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Person>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
}

/// Connected Mercado Libre stores, their tokens and the OAuth round trips that connect them.
#[async_trait]
pub trait ConnectionStore: Send + Sync + 'static {
    /// Inserts or updates by seller id; tokens replace the old ones and health becomes
    /// `connected`. A store belongs to one organization for good: connecting it from another
    /// fails with `Conflict("store_in_other_org")`.
    async fn upsert_connection(&self, new: NewConnection) -> StoreResult<Connection>;
    /// Unscoped, for workers.
    async fn connection(&self, seller: SellerId) -> StoreResult<Option<Connection>>;
    /// Every store of every organization, for workers and the reconciler.
    async fn connections(&self) -> StoreResult<Vec<Connection>>;
    /// A number that changes (in the same transaction) whenever a store is connected,
    /// disconnected, moved, re-authorized or otherwise changes health, and not on token
    /// refreshes or refresh locks: processes that keep the connected stores in memory compare it
    /// to know when to reload them.
    async fn connections_version(&self) -> StoreResult<i64>;
    async fn org_connections(&self, org: OrgId) -> StoreResult<Vec<Connection>>;
    async fn org_connection(&self, org: OrgId, seller: SellerId)
    -> StoreResult<Option<Connection>>;
    /// Replaces the token pair (after a refresh). `NotFound` if the store is unknown.
    async fn save_tokens(&self, seller: SellerId, tokens: &SealedTokens) -> StoreResult<()>;
    /// `Disconnected` also deletes the tokens (SPEC §1: disconnecting deletes them); the other
    /// states keep them. `NotFound` if the store is unknown.
    async fn set_connection_health(
        &self,
        seller: SellerId,
        health: ConnectionHealth,
        detail: Option<&str>,
    ) -> StoreResult<()>;
    /// A person disconnecting a store of their organization: ingestion stops and the tokens are
    /// deleted. `NotFound` when the store is not the organization's.
    async fn disconnect(&self, org: OrgId, seller: SellerId, detail: &str) -> StoreResult<()>;
    /// Takes the per-store refresh lock if free or expired at `now`; true when taken by `holder`.
    /// Refresh tokens are single-use, so only the holder may spend one. The current holder may
    /// take it again (extending it). `NotFound` if the store is unknown.
    async fn try_lock_refresh(
        &self,
        seller: SellerId,
        holder: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn unlock_refresh(&self, seller: SellerId, holder: &str) -> StoreResult<()>;
    /// Saves Mercado Libre's own answer-time figure for the store. `NotFound` if unknown.
    async fn set_meli_response_time(
        &self,
        seller: SellerId,
        figure: &serde_json::Value,
    ) -> StoreResult<()>;
    /// `Conflict` if the state string is already stored.
    async fn put_oauth_state(&self, state: &OAuthState) -> StoreResult<()>;
    /// Returns and deletes the state, if it exists and has not expired at `now`. Single use.
    async fn take_oauth_state(
        &self,
        state: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<OAuthState>>;
}

/// Notification intake and the durable job queue.
#[async_trait]
pub trait IntakeStore: Send + Sync + 'static {
    /// Stores the notification and (if given) enqueues its job, in one transaction. A notification
    /// whose dedup key was already recorded only counts the extra delivery. When a queued job
    /// already has the job's dedup key, the notification is tied to that job instead.
    async fn record_notification(
        &self,
        n: NewNotification,
        job: Option<NewJob>,
    ) -> StoreResult<RecordOutcome>;
    /// A batch of notifications in one transaction (group commit): one outcome per entry, in
    /// order, each what [`IntakeStore::record_notification`] would have given had the entries
    /// been recorded one after another. A dedup key repeated within the batch is a duplicate
    /// delivery of its first occurrence (counted, nothing enqueued); a job key repeated within
    /// it is enqueued once, for the first, and the later ones are tied to that job. On error
    /// nothing of the batch is kept.
    async fn record_notifications(
        &self,
        batch: &[(NewNotification, Option<NewJob>)],
    ) -> StoreResult<Vec<RecordOutcome>>;
    /// The organization's notifications, newest first; each one's state follows its job.
    async fn recent_notifications(
        &self,
        org: OrgId,
        limit: i64,
    ) -> StoreResult<Vec<NotificationRecord>>;
    /// `None` when a queued job already has the same dedup key. A running one does not count: it
    /// may already have read the data this job is meant to see, so the new job is enqueued.
    async fn enqueue(&self, job: NewJob) -> StoreResult<Option<JobId>>;
    /// Leases the next due job until `lease_until`, incrementing its attempts and giving it a
    /// fresh [`Job::claim_id`]. A running job whose lease expired before `now` comes first
    /// (oldest lease first), then the queued job with the earliest `run_at <= now` (ties by id).
    /// Concurrent callers never get the same job.
    async fn claim_job(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<Job>>;
    /// Marks a claimed job done. Like the other outcome methods below, it acts only while the
    /// job is still `running` under `job.claim_id` (the claim [`IntakeStore::claim_job`]
    /// returned): `LeaseLost` when the lease expired and another claim took the job, or the job
    /// already left `running`; `NotFound` for an unknown id.
    async fn complete_job(&self, job: &Job) -> StoreResult<()>;
    /// Back to the queue for another attempt at `run_at` (lease checked as for
    /// [`IntakeStore::complete_job`]). When another *queued* job already has this job's dedup
    /// key, that one will do the same work: this job is marked done instead, with `last_error`
    /// "merged into job N", atomically ([`IntakeStore::postpone_job`] does the same).
    async fn retry_job(&self, job: &Job, error: &str, run_at: DateTime<Utc>) -> StoreResult<()>;
    /// Back to the queue without counting this attempt: the job is blocked on something only a
    /// person can fix (e.g. a store awaiting re-authorization), so waiting must never exhaust its
    /// attempts. Sets `last_error` to `reason`. Lease checked as for
    /// [`IntakeStore::complete_job`].
    async fn postpone_job(&self, job: &Job, reason: &str, run_at: DateTime<Utc>)
    -> StoreResult<()>;
    /// Dead letter: kept with its reason, never run again. Lease checked as for
    /// [`IntakeStore::complete_job`].
    async fn bury_job(&self, job: &Job, error: &str) -> StoreResult<()>;
    async fn job(&self, id: JobId) -> StoreResult<Option<Job>>;
    /// The whole queue (workers, benchmarks).
    async fn job_counts(&self) -> StoreResult<JobCounts>;
    /// The organization's jobs only.
    async fn org_job_counts(&self, org: OrgId) -> StoreResult<JobCounts>;
    /// The organization's jobs, newest first.
    async fn org_jobs(&self, org: OrgId, limit: i64) -> StoreResult<Vec<Job>>;
    /// The earliest `run_at` among queued jobs, so an idle worker knows how long to sleep.
    async fn next_job_due(&self) -> StoreResult<Option<DateTime<Utc>>>;
    /// Deletes what is no longer needed, so storage stays bounded: finished (done or dead) jobs
    /// last changed before `jobs_before`, notifications received before `notifications_before`
    /// whose work is over (their final state is written on them first, so it survives the job),
    /// and sessions and OAuth states expired at `now`. Queued and running work is never touched.
    async fn purge(
        &self,
        jobs_before: DateTime<Utc>,
        notifications_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<PurgeCounts>;
}

/// Cached Mercado Libre context: listings and the buyers known to each store.
#[async_trait]
pub trait CatalogStore: Send + Sync + 'static {
    async fn upsert_listing(&self, listing: &Listing) -> StoreResult<()>;
    async fn listing(&self, id: &ItemId) -> StoreResult<Option<Listing>>;
    /// Inserts or updates by (seller, buyer); each `None` field keeps what is already known.
    async fn upsert_contact(&self, contact: &Contact) -> StoreResult<()>;
    async fn contact(&self, seller: SellerId, user: MeliUserId) -> StoreResult<Option<Contact>>;
}

/// Orders and claims: the context of post-sale and claim conversations.
#[async_trait]
pub trait CommerceStore: Send + Sync + 'static {
    /// Inserts or replaces by order id (the newest read of Mercado Libre wins).
    async fn upsert_order(&self, order: &Order) -> StoreResult<()>;
    /// Unscoped, for workers.
    async fn order(&self, id: OrderId) -> StoreResult<Option<Order>>;
    /// The orders bought together in a pack, oldest first.
    async fn pack_orders(&self, org: OrgId, pack: PackId) -> StoreResult<Vec<Order>>;
    async fn org_order(&self, org: OrgId, id: OrderId) -> StoreResult<Option<Order>>;
    /// Inserts or replaces by claim id.
    async fn upsert_claim(&self, claim: &Claim) -> StoreResult<()>;
    async fn claim(&self, id: ClaimId) -> StoreResult<Option<Claim>>;
    async fn org_claim(&self, org: OrgId, id: ClaimId) -> StoreResult<Option<Claim>>;
}

/// The success monitor's figures (README "Revenue rules"), from rollups kept in step with the
/// orders. Hours are hours since the Unix epoch (UTC): a period is `[from_hour, to_hour)`, the
/// store's midnights being whole hours. Everything is scoped to the organization.
#[async_trait]
pub trait FiguresStore: Send + Sync + 'static {
    /// Per currency: every order, the sales and their revenue in the hours.
    async fn sales_totals(
        &self,
        org: OrgId,
        seller: SellerId,
        from_hour: i64,
        to_hour: i64,
    ) -> StoreResult<Vec<CurrencyTotals>>;
    /// Sales and revenue per currency and bucket of `bucket_hours` hours counted from
    /// `from_hour`; empty buckets are left out.
    async fn revenue_buckets(
        &self,
        org: OrgId,
        seller: SellerId,
        from_hour: i64,
        to_hour: i64,
        bucket_hours: i64,
    ) -> StoreResult<Vec<RevenueBucket>>;
    /// The orders (any status) placed in `[from, to)`, newest first, one page, and how many
    /// there are. `limit` is capped at 10,000.
    async fn period_orders(
        &self,
        org: OrgId,
        seller: SellerId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<OrderPage>;
    /// Every buyer with a sale in the currency, with their last sale, sales and revenue.
    async fn buyer_totals(
        &self,
        org: OrgId,
        seller: SellerId,
        currency_id: &str,
    ) -> StoreResult<Vec<BuyerTotals>>;
    /// The currencies the store has sold in.
    async fn sale_currencies(&self, org: OrgId, seller: SellerId) -> StoreResult<Vec<String>>;
    /// Inserts orders known to be new in large batches, WITHOUT touching the rollups (history
    /// loads and benchmarks); call [`FiguresStore::rebuild_figures`] for each store afterwards.
    /// `Conflict` or `Backend` when an order id is taken.
    async fn insert_new_orders(&self, orders: &[Order]) -> StoreResult<()>;
    /// Recomputes a store's rollups from its orders.
    async fn rebuild_figures(&self, org: OrgId, seller: SellerId) -> StoreResult<()>;
}

/// Groups, departments and their members, and where each store's categories go.
#[async_trait]
pub trait TeamStore: Send + Sync + 'static {
    /// `Conflict("team_name_taken")` when the organization already has a team of that kind and
    /// name (ignoring case).
    async fn create_team(&self, org: OrgId, kind: TeamKind, name: &str) -> StoreResult<Team>;
    /// The organization's teams with their members, by kind and name.
    async fn org_teams(&self, org: OrgId) -> StoreResult<Vec<Team>>;
    /// Replaces the members. `NotFound` when the team or any person is not the organization's.
    async fn set_team_members(
        &self,
        org: OrgId,
        team: TeamId,
        members: &[PersonId],
    ) -> StoreResult<Team>;
    /// Deletes the team; routes and assignments to it fall back to the module's unassigned
    /// queue. `NotFound` outside the organization.
    async fn delete_team(&self, org: OrgId, team: TeamId) -> StoreResult<()>;
    /// Sets where a store's category goes. The route must already be valid
    /// ([`domain::routing::choose`]); the store checks that the store, team or agent belong to
    /// the organization (`NotFound` otherwise) and that a team is of the route's kind
    /// (`Conflict("wrong_team_kind")`).
    async fn set_route(
        &self,
        org: OrgId,
        seller: SellerId,
        category: Category,
        route: Route,
    ) -> StoreResult<()>;
    /// Every route an admin set for the organization's stores.
    async fn org_routes(&self, org: OrgId) -> StoreResult<Vec<(SellerId, Category, Route)>>;
    /// Where a category of a store goes (unscoped, for workers); `None` when not configured.
    async fn route(&self, seller: SellerId, category: Category) -> StoreResult<Option<Route>>;
}

/// Conversations and their messages.
#[async_trait]
pub trait ConversationStore: Send + Sync + 'static {
    /// Inserts or updates by (seller, category, meli_ref), merging the sighting into what is
    /// known by [`domain::lifecycle::merge_sighting`] (the lock only ratchets up, the waiting time
    /// only moves forward, known facts survive a sighting that lacks them).
    async fn upsert_conversation(&self, c: UpsertConversation) -> StoreResult<Conversation>;
    /// Adds a message unless the conversation already has one with the same `meli_ref`; returns
    /// the stored message and whether it was inserted now.
    async fn add_message(&self, m: NewMessage) -> StoreResult<(Message, bool)>;
    /// The organization's inbox, newest first.
    async fn org_conversations(
        &self,
        org: OrgId,
        filter: &ConversationFilter,
    ) -> StoreResult<Vec<ConversationSummary>>;
    /// `None` when it does not exist or belongs to another organization.
    async fn org_conversation(
        &self,
        org: OrgId,
        id: ConversationId,
    ) -> StoreResult<Option<Conversation>>;
    /// Unscoped, for workers.
    async fn conversation(&self, id: ConversationId) -> StoreResult<Option<Conversation>>;
    async fn conversation_by_ref(
        &self,
        seller: SellerId,
        category: Category,
        meli_ref: &str,
    ) -> StoreResult<Option<Conversation>>;
    /// Oldest first.
    async fn messages(&self, conversation: ConversationId) -> StoreResult<Vec<Message>>;
    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>>;
    /// In one transaction: locks the conversation's reply box (failing with `Conflict` if it was
    /// already locked), stores the outgoing message as pending, and enqueues its outbox job. The
    /// job's payload gets `"message_id"` set to the new message's id. The message is stored
    /// under `conversation` (its own `conversation_id` is not consulted). Errors: `NotFound` for
    /// a conversation unknown to `org`; `Conflict("already_answered")` when locked;
    /// `Conflict("duplicate_message")` / `Conflict("duplicate_job")` when the message's
    /// `meli_ref` is taken or a queued or running job has the job's dedup key (an earlier reply
    /// still in flight) — each rolls the whole call back.
    async fn queue_locked_reply(
        &self,
        org: OrgId,
        conversation: ConversationId,
        message: NewMessage,
        job: NewJob,
    ) -> StoreResult<(Message, JobId)>;
    async fn mark_message_sent(&self, id: MessageId, sent_at: DateTime<Utc>) -> StoreResult<()>;
    /// Records a terminal delivery failure; `unlock_reply` reopens the reply box (the answer
    /// never reached Mercado Libre, so the one allowed answer is still unused).
    async fn mark_message_failed(
        &self,
        id: MessageId,
        error: &str,
        unlock_reply: bool,
    ) -> StoreResult<()>;
    /// Sets the conversation's status words (e.g. after the question is seen ANSWERED); a `None`
    /// `meli_status` keeps the current one. `NotFound` if the conversation is unknown.
    async fn set_conversation_status(
        &self,
        id: ConversationId,
        status: ConversationStatus,
        meli_status: Option<&str>,
    ) -> StoreResult<()>;
    /// A person moves a conversation: to a module and a team or person of the organization (or
    /// nobody). `NotFound` when the conversation, team or person is not the organization's.
    async fn assign(
        &self,
        org: OrgId,
        id: ConversationId,
        module: Module,
        team: Option<TeamId>,
        person: Option<PersonId>,
    ) -> StoreResult<Conversation>;
    /// A person sets the status (open / waiting / resolved). `NotFound` outside the organization.
    async fn set_org_conversation_status(
        &self,
        org: OrgId,
        id: ConversationId,
        status: ConversationStatus,
    ) -> StoreResult<()>;
    /// Mercado Libre's moderation verdict read back for a message.
    async fn set_message_moderation(
        &self,
        id: MessageId,
        status: Option<&str>,
        reason: Option<&str>,
    ) -> StoreResult<()>;
    /// Queues a reply that does not lock the conversation (post-sale, claims): the message as
    /// pending and its outbox job, in one transaction. `NotFound` outside the organization;
    /// `Conflict("duplicate_message")` when the message's `meli_ref` is taken.
    async fn queue_reply(
        &self,
        org: OrgId,
        conversation: ConversationId,
        message: NewMessage,
        job: NewJob,
    ) -> StoreResult<(Message, JobId)>;
    /// Gives a message sent from here the key Mercado Libre's copy of it will be read under, so
    /// re-reading the conversation finds it instead of adding it twice. A copy read before this
    /// (a race between the send and a sync) is dropped in favour of ours. `NotFound` if unknown.
    async fn set_message_ref(&self, id: MessageId, meli_ref: &str) -> StoreResult<()>;
    /// Saves the action-guide options Mercado Libre offers for a post-sale conversation.
    async fn set_action_guide(
        &self,
        id: ConversationId,
        guide: &serde_json::Value,
    ) -> StoreResult<()>;
    /// The action-guide options last read for the conversation, if any.
    async fn action_guide(&self, id: ConversationId) -> StoreResult<Option<serde_json::Value>>;
    /// First-response times of the organization's answered conversations.
    async fn answer_samples(&self, org: OrgId) -> StoreResult<Vec<AnswerSample>>;
}

/// The storage traits, for `use store::prelude::*` wherever a store's methods are called.
pub mod prelude {
    pub use crate::{
        CatalogStore, CommerceStore, ConnectionStore, ContactStore, ConversationStore,
        FiguresStore, Health, IntakeStore, OrderSyncStore, PauseStore, PeopleStore, Signals, Store,
        TeamStore,
    };
}
