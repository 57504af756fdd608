//! The JSON API under `/api`. Same session as the web UI (cookie) or `Authorization: Bearer`.
//! Errors, including malformed paths, queries and bodies, unknown routes and methods, answer
//! `{"error":{"code":"…","message":"…"}}`: `code` is the stable machine word, `message` stays
//! English (the UI, not the API, speaks the person's language).

use crate::auth::{self, ApiPerson};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::service;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/me", get(me))
        .route("/api/conversations", get(conversations))
        .route("/api/conversations/{id}", get(conversation))
        .route("/api/conversations/{id}/answer", post(answer))
        .route("/api/stores", get(stores))
        .route("/api/stores/{seller_id}", axum::routing::delete(disconnect))
        .route("/api/notifications", get(notifications))
        .route("/api/jobs", get(jobs))
}

#[derive(Deserialize)]
struct LoginBody {
    email: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    client: auth::ClientAddr,
    Json(body): Json<LoginBody>,
) -> AppResult<Json<Value>> {
    auth::throttle_client(&state, &client)?;
    let (person, token) = auth::login(&state, &body.email, &body.password).await?;
    Ok(Json(json!({ "token": token, "person": person })))
}

async fn me(ApiPerson(person): ApiPerson) -> Json<Person> {
    Json(person)
}

pub use crate::filters::ConversationQuery;

async fn conversations(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Query(q): Query<ConversationQuery>,
) -> AppResult<Json<Vec<store::ConversationSummary>>> {
    Ok(Json(
        service::list_conversations(&state, &person, &q.to_filter_for(&person)?).await?,
    ))
}

async fn conversation(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(id): Path<i64>,
) -> AppResult<Json<service::ConversationDetail>> {
    Ok(Json(
        service::conversation_detail(&state, &person, ConversationId(id)).await?,
    ))
}

#[derive(Deserialize)]
struct AnswerBody {
    text: String,
}

async fn answer(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(id): Path<i64>,
    Json(body): Json<AnswerBody>,
) -> AppResult<(StatusCode, Json<Message>)> {
    let message = service::reply(&state, &person, ConversationId(id), &body.text).await?;
    Ok((StatusCode::ACCEPTED, Json(message)))
}

#[derive(Serialize)]
struct StoreOut {
    seller_id: SellerId,
    site_id: String,
    nickname: String,
    currency_id: String,
    health: store::ConnectionHealth,
    health_detail: Option<String>,
}

async fn stores(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
) -> AppResult<Json<Vec<StoreOut>>> {
    let out = state
        .store
        .org_connections(person.org_id)
        .await?
        .into_iter()
        .map(|c| StoreOut {
            seller_id: c.seller_id,
            site_id: c.site_id,
            nickname: c.nickname,
            currency_id: c.currency_id,
            health: c.health,
            health_detail: c.health_detail,
        })
        .collect();
    Ok(Json(out))
}

fn require_admin(person: &Person) -> AppResult<()> {
    if person.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden("admins only".into()))
    }
}

async fn notifications(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
) -> AppResult<Json<Value>> {
    require_admin(&person)?;
    let rows = state.store.recent_notifications(person.org_id, 100).await?;
    let out: Vec<Value> = rows
        .into_iter()
        .map(|n| {
            json!({
                "id": n.id, "topic": n.topic, "resource": n.resource, "user_id": n.user_id,
                "application_id": n.application_id, "state": n.state, "ignore_reason": n.ignore_reason,
                "deliveries": n.deliveries, "received_at": n.received_at,
            })
        })
        .collect();
    Ok(Json(Value::Array(out)))
}

async fn jobs(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
) -> AppResult<Json<store::JobCounts>> {
    require_admin(&person)?;
    Ok(Json(state.store.org_job_counts(person.org_id).await?))
}

async fn disconnect(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(seller_id): Path<i64>,
) -> AppResult<StatusCode> {
    crate::connect::disconnect(&state, &person, SellerId(seller_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
