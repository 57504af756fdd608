//! The simulator's own control API under `/_sim` (not part of Mercado Libre; never subject to
//! fault injection):
//!
//! | route | does |
//! |---|---|
//! | `POST /_sim/questions` `{"item_id","text","buyer_id"?}` | a buyer asks → `{"question_id"}` (+ notification) |
//! | `GET /_sim/questions/{id}` | the question as `GET /questions/{id}?api_version=4` shows it |
//! | `GET /_sim/sellers`, `GET /_sim/buyers` | seeded users (sellers with their item ids and classified listing ids) |
//! | `PUT /_sim/notification_url` `{"url": "…" \| null}` | sets the callback URL |
//! | `PUT /_sim/faults` `{"latency_ms","fail_rate_5xx","rate_limit_429","retry_after_secs","drop_notifications"}` | fault injection |
//! | `GET /_sim/deliveries` | notification attempt log |
//! | `GET /_sim/calls` | API call log: `[{"method","path","status","grant_type","injected"}]` |
//! | `POST /_sim/expire_tokens` | expires every issued access token |
//! | `GET /_sim/img/{item_id}.svg` | placeholder picture of a listing |
//! | `POST /_sim/orders` `{"item_ids": [..], "buyer_id"?}` or `{"seller_id"}` (random cart) | a buyer buys → the purchase (`order_ids`, `pack_id`, `shipment_id`, `conversation_id`, …) |
//! | `GET /_sim/orders/{id}` | the order as `GET /orders/{id}` shows it |
//! | `POST /_sim/messages` `{"pack_id" \| "order_id", "text"}` | the buyer writes → `{"message_id"}` |
//! | `PUT /_sim/conversations/{pack_id}/block` `{"substatus": "blocked_by_…" \| null}` | blocks (or unblocks) a conversation |
//! | `POST /_sim/claims` `{"order_id", "reason_id"?, "text"?, "legacy_topic"?}` | the buyer opens a claim → `{"claim_id"}` |
//! | `GET /_sim/claims/{id}` | the claim as `GET /post-purchase/v1/claims/{id}` shows it |
//! | `POST /_sim/claims/{id}/messages` `{"text"}` | the buyer writes in the claim |
//! | `POST /_sim/claims/{id}/dispute` | escalates the claim to a dispute (mediator joins) |
//! | `POST /_sim/leads` `{"item_id", "contact_type", "buyer_id"?, "guest"?, "text"?}` | a buyer (or a guest) contacts a classified listing → `{"lead_id", "question_id"}` (+ `vis_leads`) |
//! | `GET /_sim/leads/{id}` | the lead as `GET /vis/leads/{id}` shows it |
//! | `PUT /_sim/leads/quota` `{"remaining": n \| null}` | calls the `/vis` endpoints answer before `quota exceeded` (null: no limit) |
//!
//! The post-sale routes and their notifications are in [`buyers`], the classifieds ones in
//! [`leads`].

pub(crate) mod buyers;
pub(crate) mod leads;

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::config::Faults;
use crate::errors::{ApiError, SimError};
use crate::handlers::questions::by_id_json;
use crate::notify;
use crate::state::AppState;

/// The `/_sim` routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/questions", post(ask_route))
        .route("/questions/{id}", get(question_route))
        .route("/sellers", get(sellers_route))
        .route("/buyers", get(buyers_route))
        .route("/notification_url", put(notification_url_route))
        .route("/faults", put(faults_route).get(get_faults_route))
        .route("/deliveries", get(deliveries_route))
        .route("/calls", get(calls_route))
        .route("/expire_tokens", post(expire_route))
        .route("/img/{file}", get(image_route))
        .merge(buyers::router())
        .merge(leads::router())
}

/// A buyer asks: stores an UNANSWERED question and emits the `questions` notification.
pub(crate) fn ask(
    state: &AppState,
    item_id: &str,
    buyer_id: Option<i64>,
    text: &str,
) -> Result<i64, SimError> {
    let q = state.insert_question(item_id, buyer_id, text, Utc::now())?;
    notify::emit(
        state,
        "questions",
        format!("/questions/{}", q.id),
        q.seller_id,
    );
    Ok(q.id)
}

/// Expires every issued access token.
pub(crate) fn expire_tokens(state: &AppState) {
    let past = Instant::now()
        .checked_sub(Duration::from_secs(1))
        .unwrap_or_else(Instant::now);
    for t in state.lock().access_tokens.values_mut() {
        t.expires_at = past;
    }
}

fn parse<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

#[derive(Deserialize)]
struct AskBody {
    item_id: String,
    text: String,
    buyer_id: Option<i64>,
}

async fn ask_route(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let b: AskBody = parse(&body)?;
    match ask(&state, &b.item_id, b.buyer_id, &b.text) {
        Ok(id) => Ok(Json(json!({ "question_id": id }))),
        Err(e @ SimError::ItemNotFound(_)) => Err(ApiError::not_found(e.to_string())),
        Err(e) => Err(ApiError::bad_request(e.to_string())),
    }
}

async fn question_route(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let inner = state.lock();
    inner
        .questions
        .get(&id)
        .map(|q| Json(by_id_json(q)))
        .ok_or_else(|| ApiError::not_found(format!("Question with id {id} not found")))
}

async fn sellers_route(State(state): State<AppState>) -> Json<Value> {
    let sellers: Vec<Value> = state
        .seed
        .sellers
        .iter()
        .map(|s| {
            let items: Vec<&str> = state
                .seed
                .items
                .iter()
                .filter(|i| i.seller_id == s.id)
                .map(|i| i.id.as_str())
                .collect();
            let classifieds: Vec<&str> = state
                .seed
                .classifieds
                .iter()
                .filter(|i| i.seller_id == s.id)
                .map(|i| i.id.as_str())
                .collect();
            json!({
                "classifieds": classifieds,
                "id": s.id,
                "nickname": s.nickname,
                "site_id": s.site_id,
                "currency_id": crate::seed::site(s.site_id).map_or("", |x| x.currency_id),
                "items": items,
            })
        })
        .collect();
    Json(Value::Array(sellers))
}

async fn buyers_route(State(state): State<AppState>) -> Json<Value> {
    let buyers: Vec<Value> = state
        .seed
        .buyers
        .iter()
        .map(|b| json!({"id": b.id, "nickname": b.nickname, "site_id": b.site_id}))
        .collect();
    Json(Value::Array(buyers))
}

#[derive(Deserialize)]
struct UrlBody {
    url: Option<String>,
}

async fn notification_url_route(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let b: UrlBody = parse(&body)?;
    state.lock().notification_url = b.url.filter(|u| !u.is_empty());
    Ok(StatusCode::NO_CONTENT)
}

/// Wire form of [`Faults`].
#[derive(Deserialize, serde::Serialize, Default)]
#[serde(default)]
struct FaultsBody {
    latency_ms: u64,
    fail_rate_5xx: f64,
    rate_limit_429: f64,
    /// `Retry-After` seconds on injected 429s; absent or null sends none.
    retry_after_secs: Option<u64>,
    drop_notifications: f64,
}

async fn faults_route(State(state): State<AppState>, body: Bytes) -> Result<StatusCode, ApiError> {
    let b: FaultsBody = parse(&body)?;
    let probs = [b.fail_rate_5xx, b.rate_limit_429, b.drop_notifications];
    if probs.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return Err(ApiError::bad_request(
            "probabilities must be between 0.0 and 1.0",
        ));
    }
    state.lock().faults = Faults {
        latency: Duration::from_millis(b.latency_ms),
        fail_rate_5xx: b.fail_rate_5xx,
        rate_limit_429: b.rate_limit_429,
        retry_after: b.retry_after_secs.map(Duration::from_secs),
        drop_notifications: b.drop_notifications,
    };
    Ok(StatusCode::NO_CONTENT)
}

async fn get_faults_route(State(state): State<AppState>) -> Json<FaultsBody> {
    let f = state.lock().faults.clone();
    Json(FaultsBody {
        latency_ms: u64::try_from(f.latency.as_millis()).unwrap_or(u64::MAX),
        fail_rate_5xx: f.fail_rate_5xx,
        rate_limit_429: f.rate_limit_429,
        retry_after_secs: f.retry_after.map(|d| d.as_secs()),
        drop_notifications: f.drop_notifications,
    })
}

async fn deliveries_route(State(state): State<AppState>) -> Json<Value> {
    let log = state.lock().deliveries.clone();
    Json(serde_json::to_value(log).unwrap_or(Value::Null))
}

async fn calls_route(State(state): State<AppState>) -> Json<Value> {
    let log = state.lock().calls.clone();
    Json(serde_json::to_value(log).unwrap_or(Value::Null))
}

async fn expire_route(State(state): State<AppState>) -> StatusCode {
    expire_tokens(&state);
    StatusCode::NO_CONTENT
}

async fn image_route(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let id = file.strip_suffix(".svg").unwrap_or(&file);
    let Some(item) = state.item(id) else {
        return ApiError::not_found(format!("Item with id {id} not found")).into_response();
    };
    let initials: String = item
        .title
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    let hue = item
        .id
        .bytes()
        .fold(0u32, |h, b| (h * 31 + u32::from(b)) % 360);
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"500\" height=\"500\" viewBox=\"0 0 500 500\">\
         <rect width=\"500\" height=\"500\" fill=\"hsl({hue},55%,85%)\"/>\
         <text x=\"250\" y=\"250\" font-family=\"sans-serif\" font-size=\"160\" text-anchor=\"middle\" \
         dominant-baseline=\"central\" fill=\"hsl({hue},45%,30%)\">{}</text></svg>",
        html_escape::encode_text(&initials)
    );
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        svg,
    )
        .into_response()
}
