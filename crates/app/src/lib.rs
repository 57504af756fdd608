//! # app — Mostrador's server
//!
//! The flow, module by module:
//! - [`ingest`]: `POST /webhooks/meli` validates a notification, decides what it is for from the
//!   connected stores kept in memory ([`sellers`]), and answers 200 once [`intake`] has recorded
//!   it and enqueued its job durably (one transaction and one commit per batch of notifications).
//! - [`worker`] runs [`jobs`] from the durable queue: fetch the question, its listing and the asker
//!   from Mercado Libre ([`convert`] maps their shapes to ours) and upsert the conversation; deliver
//!   queued answers (`POST /answers`).
//! - [`service`] holds the operations people trigger (answer a question, read a conversation),
//!   shared by the JSON [`api`] and the server-rendered [`web`] UI, so both obey the same rules.
//! - [`connect`] runs the OAuth flow that connects a store; [`tokens`] keeps its access token fresh
//!   (single-use refresh tokens, refreshed under a database lock); [`crypto`] seals them at rest.
//! - [`reconcile`] recovers what notifications missed: `/missed_feeds` and each store's
//!   unanswered questions and changed orders, swept into the same jobs.
//! - [`backfill`] copies a store's order history (resumable, window by window).
//! - [`auth`] signs agents in; [`error`] maps failures to HTTP in one place, [`extract`] turns
//!   malformed requests into those errors, and [`edge`] gives every response its error shape,
//!   security headers and timeout.
//! - [`figures`]: the success monitor's numbers (revenue rules, periods, RFM per store), served
//!   by the `/monitor` pages and [`monitor_api`].
//! - [`i18n`] picks each page's language (Spanish, Portuguese, English) and words it;
//!   [`localtime`] shows times in the store's zone.
//!
//! [`build_router`] assembles the routes; [`serve`] runs them on a listener until shutdown;
//! [`open_store`] picks SQLite or PostgreSQL from a URL.

pub mod api;
pub mod auth;
pub mod backfill;
pub mod bus;
pub mod config;
pub mod connect;
pub mod contacts;
pub mod contacts_api;
pub mod convert;
pub mod crypto;
pub mod csrf;
pub mod desk;
pub mod edge;
pub mod error;
pub mod extract;
pub mod figures;
pub mod filters;
pub mod guard;
pub mod i18n;
pub mod ingest;
pub mod intake;
pub mod jobs;
pub mod live;
pub mod localtime;
pub mod monitor_api;
pub mod openapi;
pub mod outbox;
pub mod people;
pub mod reconcile;
pub mod scripted_connect;
pub mod sellers;
pub mod service;
pub mod state;
pub mod sync;
pub mod telemetry;
pub mod throttle;
pub mod tokens;
pub mod web;
pub mod worker;

pub use config::AppConfig;
pub use state::AppState;
pub use worker::Worker;

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use store::Store;

/// Notification bodies are a few hundred bytes; anything near this is not one.
const WEBHOOK_BODY_LIMIT: usize = 64 * 1024;

pub fn build_router(state: AppState) -> Router {
    build_router_with_timeout(state, edge::REQUEST_TIMEOUT)
}

/// [`build_router`] with another request timeout (tests use a short one).
pub fn build_router_with_timeout(state: AppState, timeout: Duration) -> Router {
    let webhook = Router::new()
        .route("/webhooks/meli", post(ingest::webhook))
        .layer(DefaultBodyLimit::max(WEBHOOK_BODY_LIMIT));
    let timed = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(telemetry::scrape))
        .merge(webhook)
        .merge(api::routes())
        .merge(monitor_api::routes())
        .merge(contacts_api::routes())
        .merge(people::routes())
        .merge(desk::routes())
        .route("/api/openapi.json", get(openapi::document))
        .merge(web::routes())
        .layer(edge::timeout(timeout));
    // The live-update stream stays open as long as its page does: no timeout for it.
    let router = Router::new()
        .merge(timed)
        .route("/events", get(live::events))
        .fallback(edge::not_found)
        .method_not_allowed_fallback(edge::method_not_allowed)
        .layer(axum::middleware::from_fn(csrf::guard))
        .layer(axum::middleware::from_fn(edge::shape_errors));
    edge::with_security_headers(router)
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Liveness and database reachability.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    summary = "Whether the server and its database answer.",
    responses(
        (status = 200, description = "`{\"status\":\"ok\",\"database\":\"sqlite|postgres\"}`", body = serde_json::Value),
        (status = 503, description = "the database is unreachable", body = serde_json::Value)
    )
)]
pub(crate) async fn healthz(
    State(state): State<AppState>,
) -> (axum::http::StatusCode, Json<Value>) {
    match state.store.ping().await {
        Ok(()) => (
            axum::http::StatusCode::OK,
            Json(json!({ "status": "ok", "database": state.store.backend() })),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": state.store.backend() })),
            )
        }
    }
}

/// Serves the app on `listener` until `shutdown` resolves, finishing requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Connect info gives login throttling the client's address.
    let app = build_router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Opens the store named by `url`: `postgres://…` / `postgresql://…` for PostgreSQL, anything else
/// (`sqlite://path`, or a plain file path) for SQLite. Migrations run on open.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(store_postgres::PgStore::connect(url).await?))
    } else {
        Ok(Arc::new(store_sqlite::SqliteStore::open(url).await?))
    }
}
