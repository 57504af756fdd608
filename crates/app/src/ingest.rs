//! `POST /webhooks/meli`: validate, record, enqueue, answer — no Mercado Libre call on this path,
//! since Mercado Libre wants a 200 within 500 ms and retries (then disables topics) otherwise.
//! Notifications we will not process (another application, an unknown seller, a topic not handled
//! yet) are recorded as ignored and still acknowledged, so Mercado Libre stops retrying them.
//!
//! The caller gets the same bare acknowledgement, `{"status":"ok"}`, whether the notification was
//! queued, a duplicate or ignored: anyone can post here, and the answer must not tell them which
//! sellers are connected or why a notification was set aside. The reason is kept on the stored
//! notification, for admins (`GET /api/notifications`). Only a body that is not a notification at
//! all is refused (400), with a reason about its shape alone.

use crate::error::{AppError, AppResult};
use crate::extract::{Body, Json};
use crate::jobs;
use crate::state::AppState;
use axum::extract::State;
use chrono::Utc;
use domain::{OrgId, QuestionId, SellerId};
use serde::Deserialize;
use serde_json::{Value, json};
use store::{NewNotification, NotificationState, RecordOutcome};

/// Mercado Libre's notifications.
#[utoipa::path(
    post,
    path = "/webhooks/meli",
    tag = "webhook",
    summary = "Mercado Libre notifications: stored durably, then acknowledged with the same body whatever became of them.",
    request_body = serde_json::Value,
    responses(
        (status = 200, description = "`{\"status\":\"ok\"}`", body = serde_json::Value),
        (status = 400, description = "not a notification", body = serde_json::Value)
    )
)]
pub async fn webhook(State(state): State<AppState>, Body(body): Body) -> AppResult<Json<Value>> {
    let started = std::time::Instant::now();
    let acked = receive(&state, &body).await;
    crate::telemetry::webhook_ack(crate::telemetry::ack_outcome(&acked), started.elapsed());
    acked.map(|_| Json(json!({ "status": "ok" })))
}

async fn receive(state: &AppState, body: &[u8]) -> AppResult<&'static str> {
    let not_a_notification = || {
        AppError::bad_request(
            "invalid_notification",
            "the body is not a Mercado Libre notification \
             (a JSON object with resource, user_id and topic)",
        )
    };
    // Parsed once: the tree is both what is stored and what the notification is read from.
    let raw: Value = serde_json::from_slice(body).map_err(|_| not_a_notification())?;
    let notification = meli::Notification::deserialize(&raw).map_err(|_| not_a_notification())?;
    Ok(accept(state, &notification, raw).await?.status)
}

/// What became of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// `queued`, `ignored` or `duplicate`.
    pub status: &'static str,
    pub notification_id: i64,
    pub reason: Option<String>,
}

/// Records a notification and enqueues its job durably (in one transaction, shared with the
/// other notifications of its batch), then says what became of it. Webhooks and the missed-feeds
/// sweep both come through here, so a recovered notification takes the very same path.
pub async fn accept(
    state: &AppState,
    notification: &meli::Notification,
    raw: Value,
) -> AppResult<Accepted> {
    let (org_id, verdict) = triage(state, notification).await?;
    let (job, reason) = match verdict {
        Ok(job) => (job, None),
        Err(reason) => (None, Some(reason)),
    };
    let record = NewNotification {
        org_id,
        dedup_key: dedup_key(notification),
        topic: notification.topic.clone().unwrap_or_default(),
        resource: notification.resource.clone(),
        user_id: notification.user_id,
        application_id: notification.application_id,
        raw,
        state: if reason.is_some() {
            NotificationState::Ignored
        } else {
            NotificationState::Queued
        },
        ignore_reason: reason.clone(),
        received_at: Utc::now(),
    };
    let outcome = state.intake.record(record, job).await?;
    // The one place an acknowledgement's outcome is known.
    let (status, notification_id) = match outcome {
        RecordOutcome::Recorded {
            notification_id,
            job_id,
        } => {
            if job_id.is_some() {
                state.jobs_waiting.notify_one();
            }
            let status = if reason.is_some() {
                "ignored"
            } else {
                "queued"
            };
            (status, notification_id)
        }
        RecordOutcome::Duplicate { notification_id } => ("duplicate", notification_id),
    };
    tracing::debug!(seller.id = notification.user_id, topic = notification.topic.as_deref().unwrap_or_default(), resource = %notification.resource, status, "notification received");
    Ok(Accepted {
        status,
        notification_id,
        reason,
    })
}

/// The organization a notification belongs to (its store's, when the seller is known), and the
/// job it calls for or why it is ignored.
type Triage = (Option<OrgId>, Result<Option<store::NewJob>, String>);

async fn triage(state: &AppState, n: &meli::Notification) -> AppResult<Triage> {
    let seller = SellerId(n.user_id);
    // From memory: the webhook reads nothing from the database.
    let known = state.sellers.get(state.store.as_ref(), seller).await?;
    let org = known.map(|c| c.org_id);
    if let Some(app) = n.application_id
        && app != state.config.meli_app_id
    {
        return Ok((
            org,
            Err(format!("notification for application {app}, not ours")),
        ));
    }
    let Some(org_id) = known.filter(|c| c.has_tokens).map(|c| c.org_id) else {
        return Ok((
            org,
            Err(format!("seller {seller} is not a connected store")),
        ));
    };
    use crate::sync::{fetch_claim_job, fetch_message_job, fetch_order_job};
    use meli::Subject;
    let topic = n.topic.as_deref().unwrap_or_default();
    let verdict = match n.subject() {
        Subject::Question(id) => Ok(Some(jobs::fetch_question_job(
            org_id,
            seller,
            QuestionId(id),
            Utc::now(),
        ))),
        Subject::Message(id) => Ok(Some(fetch_message_job(org_id, seller, &id))),
        Subject::Order(id) => Ok(Some(fetch_order_job(org_id, seller, domain::OrderId(id)))),
        Subject::Claim(id) => Ok(Some(fetch_claim_job(org_id, seller, domain::ClaimId(id)))),
        Subject::Lead(id) => Ok(Some(crate::contacts::fetch_lead_job(org_id, seller, &id))),
        Subject::Other
            if [
                "questions",
                "messages",
                "orders_v2",
                "claims",
                "post_purchase",
            ]
            .contains(&topic) =>
        {
            Err(format!(
                "{topic} notification with an unexpected resource {:?}",
                n.resource
            ))
        }
        Subject::Other => Err(format!("topic {topic:?} is not handled")),
    };
    Ok((Some(org_id), verdict))
}

/// Mercado Libre's `_id` identifies a notification across its retries; without one, the fields
/// that stay the same across retries do.
fn dedup_key(n: &meli::Notification) -> String {
    match &n.id {
        Some(id) => format!("id:{id}"),
        None => format!(
            "{}|{}|{}|{}",
            n.topic.as_deref().unwrap_or_default(),
            n.resource,
            n.user_id,
            n.sent.map(|s| s.to_rfc3339()).unwrap_or_default()
        ),
    }
}
