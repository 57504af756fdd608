//! Rows that belong to storage and plumbing rather than to the domain.

use chrono::{DateTime, Utc};
use domain::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub org_id: OrgId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub language: Option<String>,
}

/// Health of a store's link to Mercado Libre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionHealth {
    Connected,
    /// The refresh token was refused for good: an admin must connect the store again.
    NeedsReauth,
    Disconnected,
}

impl ConnectionHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionHealth::Connected => "connected",
            ConnectionHealth::NeedsReauth => "needs_reauth",
            ConnectionHealth::Disconnected => "disconnected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Connected, Self::NeedsReauth, Self::Disconnected]
            .into_iter()
            .find(|h| h.as_str() == s)
    }
}

/// Encrypted token pair (the app seals and opens them; the store only keeps bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedTokens {
    pub access: Vec<u8>,
    pub refresh: Vec<u8>,
    pub access_expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewConnection {
    pub org_id: OrgId,
    pub seller_id: SellerId,
    pub site_id: String,
    pub nickname: String,
    pub currency_id: String,
    pub tokens: SealedTokens,
}

/// A connected Mercado Libre store.
#[derive(Debug, Clone)]
pub struct Connection {
    pub org_id: OrgId,
    pub seller_id: SellerId,
    pub site_id: String,
    pub nickname: String,
    pub currency_id: String,
    /// `None` after disconnecting.
    pub tokens: Option<SealedTokens>,
    pub health: ConnectionHealth,
    pub health_detail: Option<String>,
    /// Mercado Libre's own answer-time figure for the store, as last read.
    pub meli_response_time: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The data we must find again when Mercado Libre redirects back to us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthState {
    pub state: String,
    /// The organization the store will join: the one of the person who started the round trip.
    pub org_id: OrgId,
    pub pkce_verifier: String,
    pub site_id: String,
    pub created_by: Option<PersonId>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationState {
    /// Its job waits in the queue.
    Queued,
    /// A worker is on its job now.
    Processing,
    /// Its job finished.
    Processed,
    /// Its job was given up (dead letter); the job's last error says why.
    Failed,
    /// Recorded and deliberately not processed (unknown seller/application, topic we don't handle).
    Ignored,
}

impl NotificationState {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationState::Queued => "queued",
            NotificationState::Processing => "processing",
            NotificationState::Processed => "processed",
            NotificationState::Failed => "failed",
            NotificationState::Ignored => "ignored",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Processing,
            Self::Processed,
            Self::Failed,
            Self::Ignored,
        ]
        .into_iter()
        .find(|h| h.as_str() == s)
    }

    /// A notification's state follows its job: stored as `queued` or `ignored` at intake, then
    /// read through the job's state, so it never needs a second write on the hot path.
    pub fn following(stored: NotificationState, job: Option<JobState>) -> NotificationState {
        match (stored, job) {
            (NotificationState::Ignored, _) => NotificationState::Ignored,
            (_, Some(JobState::Running)) => NotificationState::Processing,
            (_, Some(JobState::Done)) => NotificationState::Processed,
            (_, Some(JobState::Dead)) => NotificationState::Failed,
            (stored, _) => stored,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewNotification {
    /// The organization of the seller it names; `None` for unknown sellers.
    pub org_id: Option<OrgId>,
    /// `_id` when Mercado Libre sent one, else topic+resource+user+sent.
    pub dedup_key: String,
    pub topic: String,
    pub resource: String,
    pub user_id: i64,
    pub application_id: Option<i64>,
    /// The body as received, for support and replay.
    pub raw: serde_json::Value,
    pub state: NotificationState,
    pub ignore_reason: Option<String>,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordOutcome {
    Recorded {
        notification_id: i64,
        job_id: Option<JobId>,
    },
    /// Same dedup key seen before: delivery counted, nothing enqueued.
    Duplicate { notification_id: i64 },
}

#[derive(Debug, Clone)]
pub struct NotificationRecord {
    pub id: i64,
    pub org_id: Option<OrgId>,
    /// The job that processes it (its own, or a queued twin that does the same work).
    pub job_id: Option<JobId>,
    pub dedup_key: String,
    pub topic: String,
    pub resource: String,
    pub user_id: i64,
    pub application_id: Option<i64>,
    pub raw: serde_json::Value,
    pub state: NotificationState,
    pub ignore_reason: Option<String>,
    pub deliveries: i64,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewJob {
    /// The organization the work is for (admins see their organization's jobs); `None` for
    /// work that spans organizations, such as the missed-feeds sweep.
    pub org_id: Option<OrgId>,
    /// Stable job-kind name, e.g. `meli.fetch_question`, `meli.post_answer`.
    pub kind: String,
    pub payload: serde_json::Value,
    pub dedup_key: Option<String>,
    pub run_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Dead,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Done, Self::Dead]
            .into_iter()
            .find(|h| h.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub org_id: Option<OrgId>,
    pub kind: String,
    pub payload: serde_json::Value,
    pub dedup_key: Option<String>,
    pub state: JobState,
    /// Attempts started so far, this one included once claimed.
    pub attempts: i32,
    pub last_error: Option<String>,
    pub run_at: DateTime<Utc>,
    pub lease_until: Option<DateTime<Utc>>,
    /// The token of the current lease: a new random value on every claim, `None` whenever the
    /// job is not running. The outcome methods ([`crate::Store::complete_job`] and friends) only
    /// act while the job still carries the claim they are given, so a worker whose lease expired
    /// and was reclaimed by another cannot overwrite the newer run's outcome.
    pub claim_id: Option<String>,
}

/// What one purge deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeCounts {
    pub jobs: u64,
    pub notifications: u64,
    pub sessions: u64,
    pub oauth_states: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub dead: i64,
}

#[derive(Debug, Clone)]
pub struct UpsertConversation {
    pub org_id: OrgId,
    pub seller_id: SellerId,
    pub category: Category,
    pub meli_ref: String,
    pub buyer_id: MeliUserId,
    pub item_id: Option<ItemId>,
    pub status: ConversationStatus,
    pub meli_status: Option<String>,
    pub reply_locked: bool,
    pub last_inbound_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// Post-sale and claim facts, and where a new conversation goes.
    pub context: ThreadContext,
}

/// What a sighting knows beyond a question's facts. `Default` is a pre-sale question's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadContext {
    /// Where a *new* conversation goes (its module and assignee); an existing one keeps what
    /// people decided since. `None` uses [`domain::routing::Route::default_for`].
    pub route: Option<domain::routing::Route>,
    pub order_id: Option<OrderId>,
    pub pack_id: Option<PackId>,
    pub claim_id: Option<ClaimId>,
    /// Once the buyer has written, the seller may reply for good.
    pub buyer_started: bool,
    /// Why Mercado Libre refuses sends now, as last seen (`None`: it accepts them).
    pub blocked_reason: Option<String>,
}

/// What a message may carry beyond its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageExtra {
    pub moderation_status: Option<String>,
    pub moderation_reason: Option<String>,
    pub attachments: Option<serde_json::Value>,
    pub receiver_role: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub conversation_id: ConversationId,
    pub meli_ref: String,
    pub direction: Direction,
    pub author: Author,
    pub author_person_id: Option<PersonId>,
    pub text: String,
    pub delivery: DeliveryStatus,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub extra: MessageExtra,
}

#[derive(Debug, Clone, Default)]
pub struct ConversationFilter {
    pub seller_id: Option<SellerId>,
    /// Only this buyer's conversations (a contact's page).
    pub buyer_id: Option<MeliUserId>,
    pub category: Option<Category>,
    pub status: Option<ConversationStatus>,
    pub module: Option<domain::routing::Module>,
    pub assignee: Option<Assignee>,
    /// Only conversations whose buyer has waited at least this long at `now` (the last inbound
    /// message is older than `now - waiting_at_least`).
    pub waiting_since_before: Option<DateTime<Utc>>,
    /// Defaults to 100 when `None`.
    pub limit: Option<i64>,
}

/// A conversation with what the inbox list shows beside it. Ordered by `last_inbound_at` desc.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationSummary {
    #[serde(flatten)]
    pub conversation: Conversation,
    pub store_nickname: Option<String>,
    pub buyer_nickname: Option<String>,
    pub item_title: Option<String>,
    pub item_thumbnail: Option<String>,
    /// The newest message's text.
    pub last_text: Option<String>,
}

/// Who a conversation is assigned to, as a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    Team(TeamId),
    Person(PersonId),
    /// Neither a team nor a person.
    Nobody,
}

/// One answered conversation's first-response time, for the answer-time figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerSample {
    pub seller_id: SellerId,
    pub category: Category,
    /// Who answered first (`None` when the answer was written on Mercado Libre itself).
    pub responder: Option<PersonId>,
    pub secs: i64,
}
