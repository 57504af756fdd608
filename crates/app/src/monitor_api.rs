//! The success monitor's JSON API: the same figures as the `/monitor` page
//! ([`crate::figures`]), scoped to the caller's organization.

use crate::auth::ApiPerson;
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use crate::figures::{self, Monitor, MonitorQuery, StoreRfm};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use chrono::Utc;
use serde::Serialize;
use std::sync::Arc;
use store::OrderPage;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/monitor", get(monitor))
        .route("/api/monitor/orders", get(orders))
        .route("/api/monitor/orders.csv", get(orders_csv))
        .route("/api/monitor/rfm", get(rfm))
}

#[derive(Serialize)]
pub(crate) struct MonitorOut {
    #[serde(flatten)]
    monitor: Monitor,
    rfm: Arc<StoreRfm>,
}

async fn scope(
    state: &AppState,
    person: &domain::Person,
    q: &MonitorQuery,
) -> AppResult<figures::Scope> {
    figures::scope(state, person.org_id, q, Utc::now())
        .await?
        .ok_or(AppError::NotFound("store"))
}

#[utoipa::path(
    get,
    path = "/api/monitor",
    tag = "monitor",
    summary = "The success monitor of a store: revenue, orders and average ticket per currency for the period and the previous one, revenue per day, and the RFM segments, groups and R×F heat map.",
    params(("seller_id" = Option<i64>, Query, description = "A store of the organization; default its first"), ("period" = Option<String>, Query, description = "today, 7d, 30d (default), 90d, month or custom"), ("from" = Option<String>, Query, description = "custom: first day, YYYY-MM-DD in the store's zone"), ("to" = Option<String>, Query, description = "custom: last day")),
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn monitor(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Query(q): Query<MonitorQuery>,
) -> AppResult<axum::Json<MonitorOut>> {
    let scope = scope(&state, &person, &q).await?;
    let rfm = figures::store_rfm(&state, person.org_id, scope.store.seller_id, scope.today).await?;
    let monitor = figures::monitor(&state, person.org_id, scope).await?;
    Ok(axum::Json(MonitorOut { monitor, rfm }))
}

#[derive(Serialize)]
pub(crate) struct OrdersOut {
    #[serde(flatten)]
    page: OrderPage,
    page_number: i64,
    page_size: i64,
}

#[utoipa::path(
    get,
    path = "/api/monitor/orders",
    tag = "monitor",
    summary = "The period's orders (any status), newest first, a page at a time, with how many there are.",
    params(("seller_id" = Option<i64>, Query, description = "A store of the organization"), ("period" = Option<String>, Query, description = "as for /api/monitor"), ("from" = Option<String>, Query, description = "custom: first day"), ("to" = Option<String>, Query, description = "custom: last day"), ("page" = Option<i64>, Query, description = "from 1; 50 orders a page")),
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn orders(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Query(q): Query<MonitorQuery>,
) -> AppResult<axum::Json<OrdersOut>> {
    let scope = scope(&state, &person, &q).await?;
    let page_number = q.page.unwrap_or(1).max(1);
    let page = figures::orders(&state, person.org_id, &scope, page_number).await?;
    Ok(axum::Json(OrdersOut {
        page,
        page_number,
        page_size: figures::PAGE_SIZE,
    }))
}

#[utoipa::path(
    get,
    path = "/api/monitor/orders.csv",
    tag = "monitor",
    summary = "Every order of the period as CSV: order_id,date,status,currency_id,total_amount,refunded_amount,revenue,buyer_id.",
    params(("seller_id" = Option<i64>, Query, description = "A store of the organization"), ("period" = Option<String>, Query, description = "as for /api/monitor"), ("from" = Option<String>, Query, description = "custom: first day"), ("to" = Option<String>, Query, description = "custom: last day")),
    responses((status = 200, description = "text/csv", body = String), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn orders_csv(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Query(q): Query<MonitorQuery>,
) -> AppResult<Response> {
    crate::web::monitor_csv(&state, &person, &q).await
}

#[utoipa::path(
    get,
    path = "/api/monitor/rfm",
    tag = "monitor",
    summary = "The store's RFM as of its today: segments, groups, the R×F heat map, and every customer's scores.",
    params(("seller_id" = Option<i64>, Query, description = "A store of the organization")),
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn rfm(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Query(q): Query<MonitorQuery>,
) -> AppResult<axum::Json<serde_json::Value>> {
    let scope = scope(&state, &person, &q).await?;
    let rfm = figures::store_rfm(&state, person.org_id, scope.store.seller_id, scope.today).await?;
    let mut out = serde_json::to_value(&*rfm)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("encoding RFM: {e}")))?;
    out["customers"] = serde_json::to_value(&rfm.customers)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("encoding RFM: {e}")))?;
    out["seller_id"] = serde_json::json!(scope.store.seller_id);
    Ok(axum::Json(out))
}
