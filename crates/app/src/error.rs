//! One error type for the HTTP boundary, mapped to status codes in one place. Clients get a stable
//! machine code and a human sentence, `{"error":{"code":"…","message":"…"}}`; internal causes are
//! logged once and never sent out. The JSON API's `message` is English, for the developer reading
//! it; programs go by `code`. Web pages word the same codes in the person's language instead
//! ([`crate::edge`] swaps the JSON for a page on HTML routes).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
    /// The outgoing-text guard refused a text: its reason codes, and why in the person's words.
    #[error("{message}")]
    Guarded {
        reasons: Vec<&'static str>,
        message: String,
    },
    /// A failure at the HTTP layer: an extractor's rejection, no such route or method, a timeout.
    #[error("{message}")]
    Http {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

/// Marks a response as an [`AppError`] already in the project's shape, with its code, so the
/// edge middleware neither reshapes it nor has to parse the body to word it on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode(pub &'static str);

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// The error for a bare status that a layer or the router produced without a body we wrote.
    pub fn from_status(status: StatusCode) -> Self {
        let (code, message) = match status {
            StatusCode::BAD_REQUEST => ("bad_request", "the request is malformed"),
            StatusCode::UNAUTHORIZED => ("unauthorized", "authentication required"),
            StatusCode::FORBIDDEN => ("forbidden", "not allowed"),
            StatusCode::NOT_FOUND => ("not_found", "no such route"),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method_not_allowed",
                "this route does not accept that method",
            ),
            StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => {
                ("timeout", "the server took too long to answer; try again")
            }
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported_media_type",
                "the request body's content type is not accepted here",
            ),
            StatusCode::TOO_MANY_REQUESTS => ("too_many_requests", "too many requests"),
            s if s.is_client_error() => ("bad_request", "the request was refused"),
            _ => ("internal", "internal error"),
        };
        AppError::Http {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Unprocessable { .. } | AppError::Guarded { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Http { status, .. } => *status,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { code, .. }
            | AppError::Conflict { code, .. }
            | AppError::Unprocessable { code, .. }
            | AppError::Http { code, .. } => code,
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Internal(_) => "internal",
            AppError::Guarded { .. } => "guarded",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Internal(anyhow::Error::new(e))
    }
}

impl From<domain::rules::RuleViolation> for AppError {
    fn from(v: domain::rules::RuleViolation) -> Self {
        match v {
            domain::rules::RuleViolation::AlreadyAnswered => AppError::Conflict {
                code: v.code(),
                message: v.to_string(),
            },
            _ => AppError::Unprocessable {
                code: v.code(),
                message: v.to_string(),
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = %format!("{cause:#}"), "request failed");
        }
        let body = match &self {
            AppError::Guarded { reasons, message } => {
                json!({ "error": { "code": self.code(), "message": message, "reasons": reasons } })
            }
            _ => json!({ "error": { "code": self.code(), "message": self.to_string() } }),
        };
        let mut response = (self.status(), Json(body)).into_response();
        if let AppError::TooManyRequests { retry_after_secs } = &self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(*retry_after_secs),
            );
        }
        response.extensions_mut().insert(ErrorCode(self.code()));
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
