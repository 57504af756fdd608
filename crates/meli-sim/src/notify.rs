//! Notifications: what Mercado Libre POSTs to the application's callback URL.
//!
//! Body: the documented general model (`_id`, `resource`, `user_id`, `topic`,
//! `application_id`, `attempts`, `sent`, `received`), plus `actions` for the topics with
//! sub-topics (`messages`: `created`; `post_purchase`: `claims`, `claims_actions`;
//! `vis_leads`: the lead's contact type). `user_id` is
//! a *string* on `questions`, as in the official `questions` sample and in the `request.data` of
//! the documented `/missed_feeds` record, and a number on the other topics, as in their samples
//! (`orders_v2`, `shipments`, `messages`, `post_purchase`); the `/missed_feeds` record itself
//! always carries it as a number (also as documented).
//!
//! Resources per topic: `questions` `/questions/{id}`, `orders_v2` `/orders/{id}`, `messages`
//! the bare message id, `post_purchase` `/post-purchase/v1/claims/{id}`, legacy `claims`
//! `/v1/claims/{id}` (the prefix older integrations saw), `vis_leads` `/vis/leads/{id}` (the
//! form of the topic's own sample and of the endpoint that reads it; another sample shows
//! `/vis_leads/{id}`).
//!
//! Delivery: Mercado Libre documents "eight attempts within 1 hour" without the exact times. The
//! simulator believes, and uses, attempts at 0, 1, 2, 5, 10, 20, 40 and 60 minutes after the
//! event ([`SCHEDULE_SECS`]), multiplied by [`SimConfig::time_scale`](crate::SimConfig). An
//! attempt succeeds on a 2xx answered within 500 ms; anything else is a failure. After the 8th
//! failure (or when the `drop_notifications` fault drops it) the notification is kept for 2 days
//! in `/missed_feeds`. Every attempt is logged as a [`DeliveryRecord`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::state::{AppState, DeliveryRecord, hex, utc_time};

/// Offsets of the 8 attempts from the event, in seconds (before `time_scale`).
pub const SCHEDULE_SECS: [u64; 8] = [0, 60, 120, 300, 600, 1200, 2400, 3600];

/// A callback slower than this counts as not delivered.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_millis(500);

/// How long `/missed_feeds` keeps a lost notification.
pub const MISSED_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(2);

#[derive(Debug, Clone)]
struct Notification {
    id: String,
    resource: String,
    user_id: i64,
    topic: String,
    actions: Vec<String>,
    received: DateTime<Utc>,
}

impl Notification {
    fn body(&self, app_id: i64, attempt: u32, sent: DateTime<Utc>) -> Value {
        let user_id = if self.topic == "questions" {
            json!(self.user_id.to_string())
        } else {
            json!(self.user_id)
        };
        let mut body = json!({
            "_id": self.id,
            "resource": self.resource,
            "user_id": user_id,
            "topic": self.topic,
            "application_id": app_id,
            "attempts": attempt,
            "sent": utc_time(sent),
            "received": utc_time(self.received),
        });
        if !self.actions.is_empty()
            && let Some(map) = body.as_object_mut()
        {
            map.insert("actions".to_owned(), json!(self.actions));
        }
        body
    }
}

/// What the last failed attempt saw, for the `/missed_feeds` record.
#[derive(Debug, Default)]
struct LastTry {
    url: String,
    data: String,
    sent: Option<DateTime<Utc>>,
    req_time_ms: u128,
    http_code: Option<u16>,
    body: Option<String>,
    date: Option<String>,
    content_type: Option<String>,
}

/// Queues a notification for delivery (no-op when the application has no callback URL).
pub(crate) fn emit(state: &AppState, topic: &str, resource: String, user_id: i64) {
    emit_with(state, topic, &[], resource, user_id);
}

/// Queues a notification of a topic with sub-topics (`actions`).
pub(crate) fn emit_with(
    state: &AppState,
    topic: &str,
    actions: &[&str],
    resource: String,
    user_id: i64,
) {
    let (id, dropped) = {
        let mut inner = state.lock();
        if inner.notification_url.is_none() {
            return;
        }
        let id = format!(
            "{}-{}-{}-{}-{}",
            hex(&mut inner.rng, 8),
            hex(&mut inner.rng, 4),
            hex(&mut inner.rng, 4),
            hex(&mut inner.rng, 4),
            hex(&mut inner.rng, 12)
        );
        let p = inner.faults.drop_notifications;
        let dropped = p > 0.0 && inner.rng.random_bool(p.clamp(0.0, 1.0));
        (id, dropped)
    };
    let n = Notification {
        id,
        resource,
        user_id,
        topic: topic.to_owned(),
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        received: Utc::now(),
    };
    if dropped {
        tracing::debug!(notification.id = %n.id, "notification dropped by fault injection");
        lose(state, &n, 0, LastTry::default());
        return;
    }
    tokio::spawn(deliver(state.clone(), n));
}

async fn deliver(state: AppState, n: Notification) {
    let start = Instant::now();
    let scale =
        if state.cfg.time_scale.is_finite() && (0.0..=1000.0).contains(&state.cfg.time_scale) {
            state.cfg.time_scale
        } else {
            1.0
        };
    let mut shutdown = state.shutdown.subscribe();
    let mut last = LastTry::default();
    let mut attempt: u32 = 0;
    for offset in SCHEDULE_SECS {
        let at = start + Duration::from_secs(offset).mul_f64(scale);
        tokio::select! {
            () = tokio::time::sleep_until(at) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        attempt += 1;
        let url = state.lock().notification_url.clone();
        let (status, error) = match url {
            None => (None, Some("no notification_url configured".to_owned())),
            Some(url) => try_once(&state, &n, attempt, url, &mut last).await,
        };
        let ok = error.is_none();
        state.lock().deliveries.push(DeliveryRecord {
            notification_id: n.id.clone(),
            topic: n.topic.clone(),
            resource: n.resource.clone(),
            attempt,
            status,
            error,
        });
        if ok {
            return;
        }
    }
    lose(&state, &n, attempt, last);
}

async fn try_once(
    state: &AppState,
    n: &Notification,
    attempt: u32,
    url: String,
    last: &mut LastTry,
) -> (Option<u16>, Option<String>) {
    let sent = Utc::now();
    let data = n.body(state.cfg.app_id, attempt, sent).to_string();
    let began = Instant::now();
    let result = state
        .http
        .post(&url)
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .body(data.clone())
        .timeout(DELIVERY_TIMEOUT)
        .send()
        .await;
    *last = LastTry {
        url,
        data,
        sent: Some(sent),
        ..LastTry::default()
    };
    let outcome = match result {
        Err(e) => {
            let why = if e.is_timeout() {
                "callback did not answer within 500 ms".to_owned()
            } else {
                format!("callback unreachable: {e}")
            };
            (None, Some(why))
        }
        Ok(resp) => {
            let code = resp.status().as_u16();
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            last.date = header("date");
            last.content_type = header("content-type");
            last.http_code = Some(code);
            let remaining = DELIVERY_TIMEOUT.saturating_sub(began.elapsed());
            let body = tokio::time::timeout(remaining, resp.text()).await;
            let slow = began.elapsed() > DELIVERY_TIMEOUT;
            if let Ok(Ok(text)) = body {
                last.body = Some(text.chars().take(1000).collect());
            }
            if slow {
                (
                    Some(code),
                    Some("callback answered after more than 500 ms".to_owned()),
                )
            } else if (200..300).contains(&code) {
                (Some(code), None)
            } else {
                (Some(code), Some(format!("callback answered HTTP {code}")))
            }
        }
    };
    last.req_time_ms = began.elapsed().as_millis();
    outcome
}

/// Files a notification under `/missed_feeds`.
fn lose(state: &AppState, n: &Notification, attempts: u32, last: LastTry) {
    let content_length = last.data.len();
    let mut record = json!({
        "_id": n.id,
        "resource": n.resource,
        "user_id": n.user_id,
        "topic": n.topic,
        "application_id": state.cfg.app_id,
        "attempts": attempts,
        "sent": utc_time(last.sent.unwrap_or(n.received)),
        "received": utc_time(n.received),
        "request": if last.sent.is_some() {
            json!({
                "url": last.url,
                "headers": {"accept": "application/json", "content-type": "application/json", "content-length": content_length},
                "data": last.data,
            })
        } else {
            json!({})
        },
        "response": if last.sent.is_some() {
            json!({
                "req_time": u64::try_from(last.req_time_ms).unwrap_or(u64::MAX),
                "http_code": last.http_code,
                "body": last.body,
                "headers": {"date": last.date, "content-type": last.content_type},
            })
        } else {
            json!({})
        },
    });
    if !n.actions.is_empty()
        && let Some(map) = record.as_object_mut()
    {
        map.insert("actions".to_owned(), json!(n.actions));
    }
    let mut inner = state.lock();
    inner.missed.push((n.received, n.topic.clone(), record));
}
