//! Live inbox updates over server-sent events. Each stream listens on the [`crate::bus`] for its
//! person's organization only (an event about another organization is dropped here, before it
//! reaches the wire), so an open tab costs no query at all: news comes from where conversations,
//! messages and jobs change, in this process or, on PostgreSQL, in a worker process elsewhere.
//! The page's script then refreshes only the conversation list, leaving a half-written answer
//! alone.
//!
//! The contract with `static/app.js`: events are named `inbox`; the first one sets the page's
//! baseline, and every later one carries a value it has not seen, meaning "fetch the page
//! again". Values are unique across streams and restarts, so a page that re-connected after
//! missing news refreshes once.

use crate::auth::WebPerson;
use crate::bus::Change;
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::Instant;

/// A page refreshes at most this often: a burst of changes is one refresh, not one each.
const MIN_GAP: Duration = Duration::from_secs(1);

pub async fn events(
    State(state): State<AppState>,
    WebPerson(who): WebPerson,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // The stream only ever speaks of the person's own organization.
    let org = who.org_id;
    let changes = state.bus.subscribe();
    // The stream keeps the bus alive (in its state): its news must not end while the page is open.
    let stream = stream::unfold(
        (changes, None::<Instant>, state.bus.clone()),
        move |(mut changes, last, bus)| async move {
            if let Some(last) = last {
                if !ours(&mut changes, org).await {
                    return None;
                }
                tokio::time::sleep_until(last + MIN_GAP).await;
                // What else arrived meanwhile is covered by this one refresh.
                while let Ok(_) | Err(TryRecvError::Lagged(_)) = changes.try_recv() {}
            }
            let event = Event::default().event("inbox").data(stamp());
            Some((Ok(event), (changes, Some(Instant::now()), bus)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Waits for news of `org` (or news that anything may have changed); false once the bus is gone.
async fn ours(changes: &mut Receiver<Change>, org: domain::OrgId) -> bool {
    loop {
        match changes.recv().await {
            Ok(Change::Org(of)) if of == org => return true,
            Ok(Change::Everything) => return true,
            Ok(Change::Org(_)) => {}
            // Fell behind: ours may have been among the missed.
            Err(RecvError::Lagged(_)) => return true,
            Err(RecvError::Closed) => return false,
        }
    }
}

/// A value no page has seen: this process's random prefix and a counter.
fn stamp() -> String {
    static PROCESS: LazyLock<String> =
        LazyLock::new(|| uuid::Uuid::new_v4().simple().to_string()[..8].to_owned());
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{}-{}", *PROCESS, NEXT.fetch_add(1, Ordering::Relaxed))
}
