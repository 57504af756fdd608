//! What instances sharing one database tell each other: signals (PostgreSQL `NOTIFY`, so a
//! `worker` process wakes the moment a `serve` process enqueues, and open pages hear of changes
//! made elsewhere) and Mercado Libre's 429 pauses (a row each instance reads before calling).
//! The blanket impls are in [`crate::sql::coordination`].

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Cross-instance signals. Payloads are short text the app defines; they carry no data, only
/// "look again".
#[async_trait]
pub trait Signals: Send + Sync + 'static {
    /// Whether a signal reaches other processes: true on PostgreSQL; false on SQLite, whose
    /// processes only wake each other by polling.
    fn signals_across_processes(&self) -> bool;

    /// Sends `payload` (at most a few kilobytes) to every listener of this database (of this
    /// schema, when the store is confined to one). A no-op where signals do not cross processes.
    async fn signal(&self, payload: &str) -> StoreResult<()>;

    /// A listener of the signals, including this process's own; `None` where signals do not
    /// cross processes. It holds a connection of its own.
    async fn listen(&self) -> StoreResult<Option<Box<dyn SignalListener>>>;
}

/// A subscription to [`Signals`].
#[async_trait]
pub trait SignalListener: Send {
    /// The next payload; `Ok(None)` after the connection was lost and re-established, when
    /// signals may have been missed and the caller should look again at everything.
    async fn recv(&mut self) -> StoreResult<Option<String>>;
}

/// Mercado Libre's rate-limit pauses, shared by every instance on the database.
#[async_trait]
pub trait PauseStore: Send + Sync + 'static {
    /// Pauses `scope` until `until`, unless it is already paused longer; returns the pause now in
    /// force (the later of the two).
    async fn pause_meli(
        &self,
        scope: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<DateTime<Utc>>;

    /// When the pause of `scope` ends, if it is still paused at `now`.
    async fn meli_pause(
        &self,
        scope: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DateTime<Utc>>>;
}
