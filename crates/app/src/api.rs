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
        .route(
            "/api/stores/{seller_id}/sync-orders",
            get(order_sync_status).post(sync_orders),
        )
        .route("/api/notifications", get(notifications))
        .route("/api/jobs", get(jobs))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct LoginBody {
    email: String,
    password: String,
}

#[utoipa::path(
    post,
    path = "/api/login",
    tag = "session",
    summary = "Sign in: a session token for `Authorization: Bearer`.",
    request_body = LoginBody,
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn login(
    State(state): State<AppState>,
    client: auth::ClientAddr,
    Json(body): Json<LoginBody>,
) -> AppResult<Json<Value>> {
    auth::throttle_client(&state, &client)?;
    let (person, token) = auth::login(&state, &body.email, &body.password).await?;
    Ok(Json(json!({ "token": token, "person": person })))
}

/// The signed-in person.
#[utoipa::path(
    get,
    path = "/api/me",
    tag = "people",
    summary = "The signed-in person.",
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn me(ApiPerson(person): ApiPerson) -> Json<Person> {
    Json(person)
}

pub use crate::filters::ConversationQuery;

#[utoipa::path(
    get,
    path = "/api/conversations",
    tag = "conversations",
    summary = "The organization's inbox, newest first, filtered.",
    params(("seller_id" = Option<String>, Query, description = "A store's seller id"), ("category" = Option<String>, Query, description = "pre_sale_question, post_sale_help or claim"), ("status" = Option<String>, Query, description = "open, waiting or resolved"), ("module" = Option<String>, Query, description = "commercial, support or bot"), ("assignee" = Option<String>, Query, description = "me, nobody, team:ID or person:ID"), ("waiting_min" = Option<String>, Query, description = "buyers waiting at least this many minutes"), ("limit" = Option<i64>, Query, description = "1 to 500, default 100")),
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn conversations(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Query(q): Query<ConversationQuery>,
) -> AppResult<Json<Vec<store::ConversationSummary>>> {
    Ok(Json(
        service::list_conversations(&state, &person, &q.to_filter_for(&person)?).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/conversations/{id}",
    tag = "conversations",
    summary = "One conversation: thread, context panel (listing, order, products, claim) and composer.",
    params(("id" = i64, Path, description = "conversation id")),
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn conversation(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(id): Path<i64>,
) -> AppResult<Json<service::ConversationDetail>> {
    Ok(Json(
        service::conversation_detail(&state, &person, ConversationId(id)).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct AnswerBody {
    text: String,
}

#[utoipa::path(
    post,
    path = "/api/conversations/{id}/answer",
    tag = "conversations",
    summary = "Reply on the conversation's channel (question answer, post-sale or claim message), after the marketplace rules and the guard.",
    params(("id" = i64, Path, description = "conversation id")),
    request_body = AnswerBody,
    responses((status = 202, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn answer(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(id): Path<i64>,
    Json(body): Json<AnswerBody>,
) -> AppResult<(StatusCode, Json<Message>)> {
    let message = service::reply(&state, &person, ConversationId(id), &body.text).await?;
    Ok((StatusCode::ACCEPTED, Json(message)))
}

#[derive(Serialize)]
pub(crate) struct StoreOut {
    seller_id: SellerId,
    site_id: String,
    nickname: String,
    currency_id: String,
    health: store::ConnectionHealth,
    health_detail: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/stores",
    tag = "stores",
    summary = "The organization's connected stores and their health.",
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn stores(
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

#[utoipa::path(
    get,
    path = "/api/notifications",
    tag = "operations",
    summary = "The organization's latest notifications; each one's state follows its job (admins).",
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn notifications(
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

#[utoipa::path(
    get,
    path = "/api/jobs",
    tag = "operations",
    summary = "The organization's jobs by state (admins).",
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn jobs(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
) -> AppResult<Json<store::JobCounts>> {
    require_admin(&person)?;
    Ok(Json(state.store.org_job_counts(person.org_id).await?))
}

#[utoipa::path(
    delete,
    path = "/api/stores/{seller_id}",
    tag = "stores",
    summary = "Disconnect a store (admins): ingestion stops, tokens are deleted.",
    params(("seller_id" = i64, Path, description = "seller id")),
    responses((status = 204, description = "done"), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn disconnect(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(seller_id): Path<i64>,
) -> AppResult<StatusCode> {
    crate::connect::disconnect(&state, &person, SellerId(seller_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organization's store, connected, or why not.
async fn connected_store(state: &AppState, org: OrgId, seller: SellerId) -> AppResult<()> {
    let conn = state
        .store
        .org_connection(org, seller)
        .await?
        .ok_or(AppError::NotFound("store"))?;
    if conn.health == store::ConnectionHealth::Disconnected || conn.tokens.is_none() {
        return Err(AppError::Conflict {
            code: "store_disconnected",
            message: format!("store {seller} is disconnected: reconnect it first"),
        });
    }
    Ok(())
}

#[utoipa::path(
    post,
    path = "/api/stores/{seller_id}/sync-orders",
    tag = "stores",
    summary = "Copy the store's order history from Mercado Libre (admins): queues a resumable backfill that carries on from where the last one stopped.",
    params(("seller_id" = i64, Path, description = "seller id")),
    responses((status = 202, description = "queued (or already queued)", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn sync_orders(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(seller_id): Path<i64>,
) -> AppResult<(StatusCode, Json<Value>)> {
    require_admin(&person)?;
    let seller = SellerId(seller_id);
    connected_store(&state, person.org_id, seller).await?;
    let job = state
        .store
        .enqueue(crate::backfill::backfill_job(person.org_id, seller))
        .await?;
    state.jobs_waiting.notify_one();
    let sync = state.store.org_order_sync(person.org_id, seller).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "job_id": job, "already_queued": job.is_none(), "order_sync": sync })),
    ))
}

#[utoipa::path(
    get,
    path = "/api/stores/{seller_id}/sync-orders",
    tag = "stores",
    summary = "Where the store's order backfill stands (null before the first one).",
    params(("seller_id" = i64, Path, description = "seller id")),
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn order_sync_status(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(seller_id): Path<i64>,
) -> AppResult<Json<Value>> {
    let seller = SellerId(seller_id);
    state
        .store
        .org_connection(person.org_id, seller)
        .await?
        .ok_or(AppError::NotFound("store"))?;
    let sync = state.store.org_order_sync(person.org_id, seller).await?;
    Ok(Json(json!({ "seller_id": seller, "order_sync": sync })))
}
