//! The buyer's side of classifieds, for tests and the demo: contact a classified listing, which
//! leaves a lead and notifies as Mercado Libre does:
//!
//! | event | notifications (to the seller) |
//! |---|---|
//! | lead | `vis_leads` `[contact_type]`, resource `/vis/leads/{id}` |
//! | `question` lead | also `questions` `/questions/{id}` first (a question on a classified arrives on both topics, as documented) |
//!
//! Plus the `/vis` quota knob.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse;
use crate::errors::{ApiError, SimError};
use crate::handlers::leads::lead_json;
use crate::market::leads::{self, Asker, NewLead};
use crate::notify;
use crate::seed::Lang;
use crate::seed_classifieds::sample_question;
use crate::state::AppState;

/// The leads `/_sim` routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/leads", post(create_route))
        .route("/leads/quota", put(quota_route))
        .route("/leads/{id}", get(lead_route))
}

/// A buyer (or a guest) contacts a classified listing: stores the lead (and the question of a
/// `question` lead, with `text` or a sample one) and notifies. Returns the lead id.
pub(crate) fn contact(
    state: &AppState,
    item_id: &str,
    contact_type: &str,
    asker: Asker,
    text: Option<&str>,
) -> Result<String, SimError> {
    let lang = Lang::for_site(state.item(item_id).map_or("", |i| i.site_id));
    let lead = leads::create(
        state,
        &NewLead {
            item_id,
            contact_type,
            asker,
            question: text.unwrap_or_else(|| sample_question(lang)),
            at: Utc::now(),
        },
    )?;
    if let Some(q) = lead.question_id() {
        notify::emit(
            state,
            "questions",
            format!("/questions/{q}"),
            lead.seller_id,
        );
    }
    notify::emit_with(
        state,
        "vis_leads",
        &[lead.contact_type],
        format!("/vis/leads/{}", lead.id),
        lead.seller_id,
    );
    Ok(lead.id)
}

#[derive(Deserialize)]
struct CreateBody {
    item_id: String,
    contact_type: String,
    buyer_id: Option<i64>,
    #[serde(default)]
    guest: bool,
    text: Option<String>,
}

async fn create_route(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let b: CreateBody = parse(&body)?;
    let asker = if b.guest {
        Asker::Guest
    } else {
        Asker::Buyer(b.buyer_id)
    };
    let id = contact(
        &state,
        &b.item_id,
        &b.contact_type,
        asker,
        b.text.as_deref(),
    )
    .map_err(|e| e.to_api())?;
    let question_id = state
        .lock()
        .leads
        .iter()
        .find(|l| l.id == id)
        .and_then(leads::Lead::question_id);
    Ok(Json(json!({"lead_id": id, "question_id": question_id})))
}

async fn lead_route(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let inner = state.lock();
    inner
        .leads
        .iter()
        .find(|l| l.id == id)
        .map(|l| Json(lead_json(&state, l)))
        .ok_or_else(|| ApiError::not_found(format!("lead {id} not found")))
}

#[derive(Deserialize)]
struct QuotaBody {
    remaining: Option<u32>,
}

async fn quota_route(State(state): State<AppState>, body: Bytes) -> Result<StatusCode, ApiError> {
    let b: QuotaBody = parse(&body)?;
    state.lock().leads_quota = b.remaining;
    Ok(StatusCode::NO_CONTENT)
}
