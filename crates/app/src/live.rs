//! Live inbox updates over server-sent events. The stream polls our own database (never Mercado
//! Libre) every couple of seconds for the inbox's newest entry, so it works the same whether the
//! worker that stored a question runs in this process or another one; the page's script then
//! refreshes only the conversation list, leaving a half-written answer alone.

use crate::auth::WebPerson;
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;
use store::ConversationFilter;

const POLL: Duration = Duration::from_secs(2);

pub async fn events(
    State(state): State<AppState>,
    WebPerson(who): WebPerson,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // The stream only ever looks at the person's own organization.
    let org = who.org_id;
    let stream = stream::unfold(
        (state, None::<String>, true),
        move |(state, last, first)| async move {
            loop {
                if !first {
                    tokio::time::sleep(POLL).await;
                }
                let stamp = inbox_stamp(&state, org).await;
                if first || (stamp.is_some() && stamp != last) {
                    let event = Event::default()
                        .event("inbox")
                        .data(stamp.clone().unwrap_or_default());
                    return Some((Ok(event), (state, stamp, false)));
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Changes whenever a conversation arrives, a buyer writes again, or a job finishes (an answer
/// delivered, a question re-read).
async fn inbox_stamp(state: &AppState, org: domain::OrgId) -> Option<String> {
    let filter = ConversationFilter {
        limit: Some(1),
        ..Default::default()
    };
    let newest = state.store.org_conversations(org, &filter).await;
    let jobs = state.store.org_job_counts(org).await;
    match (newest, jobs) {
        (Ok(rows), Ok(jobs)) => {
            let newest = rows
                .first()
                .map(|c| {
                    format!(
                        "{}@{}",
                        c.conversation.id,
                        c.conversation.last_inbound_at.timestamp_micros()
                    )
                })
                .unwrap_or_default();
            Some(format!("{newest}/{}/{}", jobs.done, jobs.dead))
        }
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "live updates: database unreachable");
            None
        }
    }
}
