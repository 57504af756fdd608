//! Mercado Libre resource routes, one module per resource, plus what they share: the
//! access-token extractor and the fault-injection middleware.

pub(crate) mod action_guide;
pub(crate) mod attachments;
pub(crate) mod billing;
pub(crate) mod claims;
pub(crate) mod feeds;
pub(crate) mod items;
pub(crate) mod leads;
pub(crate) mod messages;
pub(crate) mod orders;
pub(crate) mod packs;
pub(crate) mod questions;
pub(crate) mod shipments;
pub(crate) mod users;

use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use tokio::time::Instant;

use crate::errors::ApiError;
use crate::state::{AppState, CallRecord};

/// The user owning the request's access token, if the request carried one.
///
/// A token comes from `Authorization: Bearer …` or the legacy `access_token` query parameter.
/// A token that is present but unknown or expired is rejected with 401 even on public routes,
/// as Mercado Libre does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller(pub Option<i64>);

impl Caller {
    /// The caller's user id, or 401 `invalid_token` when the request carried no token.
    pub fn required(self) -> Result<i64, ApiError> {
        self.0.ok_or_else(ApiError::invalid_token)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).or_else(|| query_token(parts));
        let Some(token) = token else {
            return Ok(Caller(None));
        };
        let inner = state.lock();
        match inner.access_tokens.get(&token) {
            Some(t) if t.expires_at > Instant::now() => Ok(Caller(Some(t.user_id))),
            _ => Err(ApiError::invalid_token()),
        }
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

fn query_token(parts: &Parts) -> Option<String> {
    let query = parts.uri.query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned())
        .filter(|t| !t.is_empty())
}

/// Parses the query string into pairs (repeated keys keep the last value).
pub(crate) fn query_map(query: Option<&str>) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// A decimal amount as a JSON number (`12990` → 12990, `45999.99` → 45999.99), never a string.
pub(crate) fn money(amount: rust_decimal::Decimal) -> serde_json::Value {
    serde_json::from_str::<serde_json::Number>(&amount.normalize().to_string())
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// `Ok` when the query carries `tag=post_sale`, mandatory on `/messages` since 31/05/2022.
pub(crate) fn require_post_sale(
    query: &std::collections::HashMap<String, String>,
) -> Result<(), crate::errors::MessagesError> {
    match query.get("tag").map(String::as_str) {
        Some("post_sale") => Ok(()),
        _ => Err(crate::errors::MessagesError::new(
            StatusCode::BAD_REQUEST,
            "The parameter tag=post_sale is required",
        )),
    }
}

/// Fault injection for the API routes (latency, then a 429 or a 500 by the configured odds),
/// and the call log: every API call with the status it got, injected or not.
pub(crate) async fn inject_faults(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let (req, grant_type) = grant_type_of(req).await;
    let resp = faulty(&state, req, next).await;
    let status = resp.status().as_u16();
    state.lock().calls.push(CallRecord {
        method,
        path,
        status,
        grant_type,
        injected: resp.extensions().get::<Injected>().is_some(),
    });
    resp
}

/// Marks a response the fault injection made up (the route never ran).
#[derive(Clone, Copy)]
struct Injected;

/// The `grant_type` of a `POST /oauth/token` (the body is put back for the handler). The body is
/// a short form; one too big to buffer here is left for the handler to refuse.
async fn grant_type_of(req: Request) -> (Request, Option<String>) {
    if req.uri().path() != "/oauth/token" {
        return (req, None);
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(bytes) => {
            let grant = url::form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == "grant_type")
                .map(|(_, v)| v.into_owned());
            (
                Request::from_parts(parts, axum::body::Body::from(bytes)),
                grant,
            )
        }
        Err(_) => (Request::from_parts(parts, axum::body::Body::empty()), None),
    }
}

async fn faulty(state: &AppState, req: Request, next: Next) -> Response {
    let (latency, retry_after, throttle, fail) = {
        let mut inner = state.lock();
        let faults = inner.faults.clone();
        let throttle = faults.rate_limit_429 > 0.0
            && inner.rng.random_bool(faults.rate_limit_429.clamp(0.0, 1.0));
        let fail = !throttle
            && faults.fail_rate_5xx > 0.0
            && inner.rng.random_bool(faults.fail_rate_5xx.clamp(0.0, 1.0));
        (faults.latency, faults.retry_after, throttle, fail)
    };
    if latency > Duration::ZERO {
        tokio::time::sleep(latency).await;
    }
    if throttle {
        let mut resp = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "local_rate_limited",
            "too many calls, temporarily rejected; retry in a few seconds",
        )
        .into_response();
        if let Some(after) = retry_after {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(after.as_secs()),
            );
        }
        resp.extensions_mut().insert(Injected);
        return resp;
    }
    if fail {
        let mut resp = ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            "Internal Server Error",
        )
        .into_response();
        resp.extensions_mut().insert(Injected);
        return resp;
    }
    next.run(req).await
}

/// Any route the simulator does not know.
pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("resource not found")
}
