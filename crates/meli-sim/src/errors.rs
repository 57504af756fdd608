//! Error bodies, shaped like Mercado Libre's, mapped to HTTP in one place.
//!
//! Two shapes exist: the standard one `{"message","error","status","cause"}` used by every
//! resource API, and the OAuth one `{"error_description","error","status","cause"}` used by
//! `/oauth/token` (as in the official `invalid_grant` sample).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answered by a Mercado Libre API route, with the standard body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status, repeated as `status` in the body.
    pub status: StatusCode,
    /// Machine-readable code (`error`).
    pub error: String,
    /// Human-readable text (`message`).
    pub message: String,
}

impl ApiError {
    /// Any status, code and message.
    pub fn new(status: StatusCode, error: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            error: error.to_owned(),
            message: message.into(),
        }
    }

    /// 400 `bad_request`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 401 for a missing, unknown or expired access token. Mirrors the documented body
    /// (`claims/returns-error-401-invalid-token.json`): `message` "invalid_token", `error` "not_found".
    pub fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "not_found", "invalid_token")
    }

    /// The body as JSON.
    pub fn body(&self) -> serde_json::Value {
        json!({
            "message": self.message,
            "error": self.error,
            "status": self.status.as_u16(),
            "cause": [],
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// An error answered by `POST /oauth/token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// HTTP status.
    pub status: StatusCode,
    /// OAuth error code (`invalid_grant`, `invalid_client`, …).
    pub error: &'static str,
    /// `error_description`.
    pub description: String,
}

/// The documented `invalid_grant` description.
pub const INVALID_GRANT_DESCRIPTION: &str = "Error validating grant. Your authorization code or refresh token may be expired or it was already used";

impl OAuthError {
    /// 400 `invalid_grant` with the documented text.
    pub fn invalid_grant() -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_grant",
            description: INVALID_GRANT_DESCRIPTION.to_owned(),
        }
    }

    /// 400 `invalid_request`.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description: description.into(),
        }
    }

    /// 401 `invalid_client`.
    pub fn invalid_client() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: "invalid client_id or client_secret".to_owned(),
        }
    }

    /// 400 `unsupported_grant_type`.
    pub fn unsupported_grant_type() -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            description: "the grant_type is not supported; use authorization_code or refresh_token"
                .to_owned(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({
            "error_description": self.description,
            "error": self.error,
            "status": self.status.as_u16(),
            "cause": [],
        });
        (self.status, Json(body)).into_response()
    }
}

/// Errors of the simulator's Rust control API ([`SimHandle`](crate::SimHandle)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// No listing has this id.
    #[error("item {0} not found")]
    ItemNotFound(String),
    /// No seeded buyer has this id.
    #[error("buyer {0} not found")]
    BuyerNotFound(i64),
    /// The buyer is the item's seller.
    #[error("a seller cannot ask on their own item")]
    OwnItem,
    /// Question text empty or longer than 2,000 characters.
    #[error("question text must have between 1 and 2000 characters")]
    InvalidText,
}
