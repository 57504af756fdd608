//! What every response passes through on its way out: one error shape, security headers, and the
//! request timeout.
//!
//! - Errors: the JSON API and the webhook answer `{"error":{"code","message"}}` for everything,
//!   including what the router and layers produce without a body of ours (no such route, wrong
//!   method, timeout); web pages answer a readable page in the person's language instead.
//! - Headers: a Content-Security-Policy that allows only our own script and style files (the
//!   templates carry no inline script, `on…` attribute or inline style), no framing, no sniffing,
//!   and no referrer leaving the site.

use crate::error::{AppError, ErrorCode};
use crate::i18n::LangPrefs;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// How long a request may take before it is answered 503 `timeout` (not server-sent events).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// `form-action` is left out on purpose: connecting a store posts a form that redirects to Mercado
/// Libre's authorization page, and browsers apply `form-action` to that redirect too. Listing
/// thumbnails come from Mercado Libre's image hosts (the simulator's, over plain http, in the
/// demo), so images may come from anywhere: they run no code.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src * data:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Routes whose errors are JSON; everything else is a page for a person.
fn is_machine_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || path.starts_with("/webhooks/")
        || path == "/healthz"
}

/// A timeout answered as 503 (the server, not the client, was slow); the error shape comes from
/// [`shape_errors`].
pub fn timeout(after: Duration) -> TimeoutLayer {
    TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, after)
}

/// The router's fallback: no such route.
pub async fn not_found() -> AppError {
    AppError::from_status(StatusCode::NOT_FOUND)
}

/// The routes' fallback for a method they do not take.
pub async fn method_not_allowed() -> AppError {
    AppError::from_status(StatusCode::METHOD_NOT_ALLOWED)
}

/// Gives every error response its shape: JSON for machine routes, a translated page for people.
pub async fn shape_errors(request: Request, next: Next) -> Response {
    let machine = is_machine_path(request.uri().path());
    let prefs = LangPrefs::from_headers(request.headers());
    // Where the error page's language switcher comes back to: this page, if it can be fetched.
    let here = match (request.method(), request.uri().path_and_query()) {
        (&axum::http::Method::GET, Some(pq)) => pq.as_str().to_string(),
        _ => "/inbox".to_string(),
    };
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let code = response.extensions().get::<ErrorCode>().map(|c| c.0);
    let (mut parts, body) = response.into_parts();
    let mut shaped = match (machine, code) {
        (true, Some(_)) => return Response::from_parts(parts, body),
        // A body a handler wrote on purpose keeps it: the health check's JSON, the login form
        // wording its own refusal.
        (true, None) if has_content_type(&parts.headers, "application/json") => {
            return Response::from_parts(parts, body);
        }
        (false, None) if has_content_type(&parts.headers, "text/html") => {
            return Response::from_parts(parts, body);
        }
        (true, None) => AppError::from_status(status).into_response(),
        (false, code) => {
            let code = code.unwrap_or_else(|| AppError::from_status(status).code());
            let retry_after = parts
                .headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok());
            crate::web::error_page(prefs.resolve(None), here, status, code, retry_after)
        }
    };
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.remove(&name) {
            shaped.headers_mut().insert(name, value);
        }
    }
    shaped
}

fn has_content_type(headers: &axum::http::HeaderMap, mime: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(mime))
}

/// Sets the security headers on every response of `router` (replacing any a handler set).
pub fn with_security_headers<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
) -> axum::Router<S> {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    router
        .layer(set(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::REFERRER_POLICY, "same-origin"))
}

#[cfg(test)]
mod tests;
