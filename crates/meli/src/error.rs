//! The one error type of this crate, classified for the job queue.
//!
//! The client never retries; callers ask [`MeliError::is_retryable`] and
//! friends. Display texts are written for a support person reading a job's
//! failure reason, and never contain tokens.

use std::time::Duration;

use crate::models::ApiErrorBody;

/// Anything that can go wrong talking to Mercado Libre.
#[derive(Debug, thiserror::Error)]
pub enum MeliError {
    /// MeLi answered with a non-2xx status other than 429.
    #[error("{}", describe_api(*status, body))]
    Api {
        /// HTTP status.
        status: u16,
        /// The parsed error body (text bodies land in `message`). Boxed to
        /// keep `Result<_, MeliError>` small on the happy path.
        body: Box<ApiErrorBody>,
    },
    /// HTTP 429: too many calls. Wait `retry_after` when MeLi says so.
    #[error(
        "Mercado Libre is rate limiting us (HTTP 429){}: {body}",
        retry_hint(retry_after)
    )]
    RateLimited {
        /// From the `Retry-After` header (seconds), when present.
        retry_after: Option<Duration>,
        /// The error body.
        body: Box<ApiErrorBody>,
    },
    /// Could not reach MeLi or the connection failed midway (DNS, connect,
    /// TLS, timeout).
    #[error("could not reach Mercado Libre: {0}")]
    Transport(String),
    /// MeLi answered 2xx but the body is not what we expect.
    #[error("Mercado Libre sent a {what} we could not read: {detail}")]
    Decode {
        /// What we were reading, e.g. `question`.
        what: &'static str,
        /// serde's message with the JSON path and line/column.
        detail: String,
    },
    /// The caller passed something we refuse to send.
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

fn retry_hint(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!(", retry after {}s", d.as_secs()))
        .unwrap_or_default()
}

fn describe_api(status: u16, body: &ApiErrorBody) -> String {
    let what = match status {
        400 => "rejected the request as invalid",
        401 => {
            "rejected the access token (expired or revoked; refresh it or ask the seller to reconnect)"
        }
        403 => {
            "refused access (token of another user, missing scopes, blocked app or IP, or seller data pending)"
        }
        404 => "did not find the resource (it may not exist or not be visible to this token)",
        409 => "reported a conflict",
        s if s >= 500 => "had an internal error",
        _ => "returned an error",
    };
    format!("Mercado Libre {what} (HTTP {status}): {body}")
}

impl MeliError {
    /// Worth retrying later: transport failures, 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(_) | Self::RateLimited { .. } => true,
            Self::Api { status, .. } => *status >= 500,
            Self::Decode { .. } | Self::InvalidInput(_) => false,
        }
    }

    /// HTTP 401: the access token is no longer valid.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Api { status: 401, .. })
    }

    /// The grant is dead (`invalid_grant`): the seller must reconnect.
    pub fn is_invalid_grant(&self) -> bool {
        self.body().is_some_and(|b| {
            [&b.error, &b.code]
                .into_iter()
                .flatten()
                .any(|c| c.eq_ignore_ascii_case("invalid_grant"))
        })
    }

    /// HTTP status, for `Api` and `RateLimited`.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The machine code from the error body, e.g. `invalid_grant`.
    pub fn code(&self) -> Option<&str> {
        self.body().and_then(ApiErrorBody::code)
    }

    /// The error body, for `Api` and `RateLimited`.
    pub fn body(&self) -> Option<&ApiErrorBody> {
        match self {
            Self::Api { body, .. } | Self::RateLimited { body, .. } => Some(body),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, json: &str) -> MeliError {
        MeliError::Api {
            status,
            body: Box::new(ApiErrorBody::from_bytes(json.as_bytes())),
        }
    }

    #[test]
    fn classification() {
        assert!(api(500, "oops").is_retryable());
        assert!(api(503, "").is_retryable());
        assert!(!api(404, "").is_retryable());
        assert!(MeliError::Transport("x".into()).is_retryable());
        assert!(
            MeliError::RateLimited {
                retry_after: None,
                body: Box::default()
            }
            .is_retryable()
        );
        assert!(
            !MeliError::Decode {
                what: "item",
                detail: "x".into()
            }
            .is_retryable()
        );
        assert!(api(401, "").is_unauthorized());
        let g = api(
            400,
            r#"{"error":"invalid_grant","error_description":"expired","status":400}"#,
        );
        assert!(g.is_invalid_grant());
        assert_eq!(g.code(), Some("invalid_grant"));
        assert!(!api(400, r#"{"error":"invalid_client"}"#).is_invalid_grant());
    }

    #[test]
    fn messages_read_well() {
        let e = api(
            404,
            r#"{"message":"Question not found","error":"not_found","status":404}"#,
        );
        assert_eq!(
            e.to_string(),
            "Mercado Libre did not find the resource (it may not exist or not be visible to this token) (HTTP 404): Question not found (not_found)"
        );
        let e = MeliError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
            body: Box::new(ApiErrorBody::from_bytes(
                br#"{"error":"local_rate_limited","message":"too many"}"#,
            )),
        };
        assert_eq!(
            e.to_string(),
            "Mercado Libre is rate limiting us (HTTP 429), retry after 7s: too many (local_rate_limited)"
        );
    }
}
