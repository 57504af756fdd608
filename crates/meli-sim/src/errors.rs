//! Error bodies, shaped like Mercado Libre's, mapped to HTTP in one place.
//!
//! Five shapes exist: the standard one `{"message","error","status","cause"}` used by most
//! resource APIs (claims included, with their own `error` codes), the OAuth one
//! `{"error_description","error","status","cause"}` used by `/oauth/token` (as in the official
//! `invalid_grant` sample), the messaging one `{"status_code","code","message"}` (official
//! `send-error-403-blocked` sample), the action-guide one `{"cause","error","message",
//! "status_code"}` (official `action-guide-error-excepted-case` sample) and the classifieds
//! leads' `{"code","message"}` (official `leads/error-*` samples).

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

/// An error of the post-sale messaging API (`/messages/...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagesError {
    /// HTTP status, repeated as `status_code`.
    pub status: StatusCode,
    /// `code` (`bad_request`, `forbidden`, `not_found`, …).
    pub code: &'static str,
    /// `message`.
    pub message: String,
    /// An error of the common layer (401 for a missing token) keeps its standard body.
    standard: Option<Box<ApiError>>,
}

impl MessagesError {
    /// Any status and message; the code derives from the status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let code = match status.as_u16() {
            400 => "bad_request",
            403 => "forbidden",
            404 => "not_found",
            409 => "conflict",
            422 => "unprocessable_entity",
            _ => "internal_error",
        };
        Self {
            status,
            code,
            message: message.into(),
            standard: None,
        }
    }

    /// 403 for a blocked conversation: the documented body, byte for byte.
    pub fn blocked() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "blocked_conversation_send_message_forbidden",
        )
    }

    /// The body as JSON.
    pub fn body(&self) -> serde_json::Value {
        json!({
            "status_code": self.status.as_u16(),
            "code": self.code,
            "message": self.message,
        })
    }
}

impl IntoResponse for MessagesError {
    fn into_response(self) -> Response {
        match self.standard {
            Some(e) => (*e).into_response(),
            None => (self.status, Json(self.body())).into_response(),
        }
    }
}

impl From<ApiError> for MessagesError {
    fn from(e: ApiError) -> Self {
        let mut out = Self::new(e.status, e.message.clone());
        out.standard = Some(Box::new(e));
        out
    }
}

/// An error of the action guide (`/messages/action_guide/...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideError {
    /// HTTP status, repeated as `status_code`.
    pub status: StatusCode,
    /// `error` (`bad_request`, `limit_exceeded`, `forbidden`, `not_found`).
    pub error: &'static str,
    /// `cause`: the specific reason.
    pub cause: String,
    /// `message`.
    pub message: String,
    /// An error of the common layer (401 for a missing token) keeps its standard body.
    standard: Option<Box<ApiError>>,
}

impl GuideError {
    /// Any status, error code, cause and message.
    pub fn new(
        status: StatusCode,
        error: &'static str,
        cause: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error,
            cause: cause.into(),
            message: message.into(),
            standard: None,
        }
    }
}

impl From<ApiError> for GuideError {
    fn from(e: ApiError) -> Self {
        let mut out = Self::new(e.status, "error", e.error.clone(), e.message.clone());
        out.standard = Some(Box::new(e));
        out
    }
}

impl From<MessagesError> for GuideError {
    fn from(e: MessagesError) -> Self {
        match e.standard {
            Some(api) => (*api).into(),
            None => Self::new(e.status, e.code, e.code, e.message),
        }
    }
}

impl IntoResponse for GuideError {
    fn into_response(self) -> Response {
        if let Some(e) = self.standard {
            return (*e).into_response();
        }
        let body = json!({
            "cause": self.cause,
            "error": self.error,
            "message": self.message,
            "status_code": self.status.as_u16(),
        });
        (self.status, Json(body)).into_response()
    }
}

/// An error of the classifieds leads API (`/vis`), in the shapes its documentation shows:
/// `{"code","message"}` for the caller, the path and a missing lead, and the standard shape
/// with a `cause` for a bad search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisError {
    /// HTTP status (not repeated in the `{code, message}` body).
    pub status: StatusCode,
    body: serde_json::Value,
}

impl VisError {
    fn coded(status: StatusCode, code: &str, message: &str) -> Self {
        Self {
            status,
            body: json!({"code": code, "message": message}),
        }
    }

    /// 403: no access token (`error-forbidden-invalid-token`).
    pub fn invalid_token() -> Self {
        Self::coded(StatusCode::FORBIDDEN, "forbidden", "invalid token")
    }

    /// 403: the token belongs to someone else (`error-forbidden-token-caller`).
    pub fn token_caller() -> Self {
        Self::coded(StatusCode::FORBIDDEN, "forbidden", "invalid token caller")
    }

    /// 400: the path's user id is not a number (`error-invalid-user-id`).
    pub fn invalid_user_id() -> Self {
        Self::coded(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "invalid format USER_ID",
        )
    }

    /// 400: `GET /vis/leads/` without an id (`error-missing-lead-id`).
    pub fn missing_lead_id() -> Self {
        Self::coded(StatusCode::BAD_REQUEST, "bad_request", "missing lead_id")
    }

    /// 404 (`error-lead-not-found`).
    pub fn lead_not_found() -> Self {
        Self::coded(StatusCode::NOT_FOUND, "not_found", "lead not found")
    }

    /// The quota is used up (`error-quota-exceeded`), documented under HTTP 409.
    pub fn quota_exceeded() -> Self {
        Self::coded(StatusCode::CONFLICT, "too_many_requests", "quota exceeded")
    }

    /// 400 with the standard body and one cause (`error-invalid-date-range` and friends).
    pub fn bad_search(message: &str, cause: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: json!({
                "message": message,
                "error": "bad_request",
                "status": 400,
                "cause": [cause.into()],
            }),
        }
    }

    /// The body as JSON.
    pub fn body(&self) -> &serde_json::Value {
        &self.body
    }
}

impl IntoResponse for VisError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
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
    /// A purchase of nothing.
    #[error("a purchase needs at least one item")]
    EmptyPurchase,
    /// The listings of one purchase belong to different sellers.
    #[error("all the items of a purchase must belong to one seller")]
    MixedSellers,
    /// No seeded seller has this id.
    #[error("seller {0} not found")]
    SellerNotFound(i64),
    /// No order has this id.
    #[error("order {0} not found")]
    OrderNotFound(i64),
    /// No pack nor pack-less order has this id.
    #[error("conversation {0} not found (use a pack id, or the order id of an order without pack)")]
    ConversationNotFound(i64),
    /// Message text empty, or longer than the buyer's 3,500 characters.
    #[error("message text must have between 1 and 3500 characters")]
    InvalidMessageText,
    /// Not a documented `blocked_by_*` substatus.
    #[error("unknown conversation substatus {0}")]
    UnknownSubstatus(String),
    /// Only paid orders can be claimed.
    #[error("order {0} cannot be claimed (not paid)")]
    OrderNotClaimable(i64),
    /// The order already has an open claim.
    #[error("order {0} already has an open claim")]
    ClaimAlreadyOpen(i64),
    /// Not one of the simulator's claim reasons.
    #[error("unknown claim reason {0}")]
    UnknownReason(String),
    /// No claim has this id.
    #[error("claim {0} not found")]
    ClaimNotFound(i64),
    /// The claim is closed.
    #[error("claim {0} is closed")]
    ClaimClosed(i64),
    /// Only an open claim in stage `claim` can become a dispute.
    #[error("claim {0} is not an open claim in stage claim")]
    NotEscalable(i64),
    /// Leads are left on classified listings only.
    #[error("item {0} is not a classified listing (vehicle, real estate or service)")]
    NotClassified(String),
    /// A classified listing is not sold through Mercado Libre.
    #[error("item {0} is a classified listing: it cannot be bought, only contacted")]
    NotForSale(String),
    /// Not one of the documented lead contact types.
    #[error("unknown lead contact type {0}")]
    UnknownContactType(String),
    /// A question needs an account.
    #[error("a guest cannot ask a question (it needs an account)")]
    GuestQuestion,
}

impl SimError {
    /// The control API's answer for this error: 404 for missing records, 400 otherwise.
    pub(crate) fn to_api(&self) -> ApiError {
        match self {
            SimError::ItemNotFound(_)
            | SimError::BuyerNotFound(_)
            | SimError::SellerNotFound(_)
            | SimError::OrderNotFound(_)
            | SimError::ConversationNotFound(_)
            | SimError::ClaimNotFound(_) => ApiError::not_found(self.to_string()),
            _ => ApiError::bad_request(self.to_string()),
        }
    }
}
