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
        _ if is_quota(body) => "says our call quota is used up (retry later)",
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

fn is_quota(body: &ApiErrorBody) -> bool {
    body.code()
        .is_some_and(|c| c.eq_ignore_ascii_case("too_many_requests"))
}

impl MeliError {
    /// Worth retrying later: transport failures, 429, 5xx and a used-up
    /// quota (see [`MeliError::is_quota_exceeded`]).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(_) | Self::RateLimited { .. } => true,
            Self::Api { status, body } => *status >= 500 || is_quota(body),
            Self::Decode { .. } | Self::InvalidInput(_) => false,
        }
    }

    /// The classifieds (`/vis`) quota is used up: `{"code":"too_many_requests",
    /// "message":"quota exceeded"}`, documented under HTTP 409 rather than 429,
    /// so it is an [`MeliError::Api`] that is nonetheless worth retrying later.
    pub fn is_quota_exceeded(&self) -> bool {
        self.body().is_some_and(is_quota)
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

    /// The human text from the error body.
    pub fn message(&self) -> Option<&str> {
        self.body().and_then(ApiErrorBody::message)
    }

    /// For an HTTP 403, what was refused and why, so the inbox can tell the
    /// agent (a blocked conversation is not a broken connection).
    pub fn forbidden(&self) -> Option<Forbidden<'_>> {
        match self {
            Self::Api { status: 403, body } => Some(Forbidden {
                reason: ForbiddenReason::of(body),
                code: body.code(),
                message: body.message(),
            }),
            _ => None,
        }
    }
}

/// An HTTP 403 explained; see [`MeliError::forbidden`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forbidden<'a> {
    /// What the body says, classified.
    pub reason: ForbiddenReason,
    /// The body's machine code (`forbidden`, `access_denied`, …).
    pub code: Option<&'a str>,
    /// The body's text; for a blocked conversation,
    /// `blocked_conversation_send_message_forbidden`.
    pub message: Option<&'a str>,
}

/// Why Mercado Libre refused, as far as the 403 body tells. The messaging
/// API says it in `message`, sometimes as an identifier and sometimes as
/// prose, so the body's texts are matched, not one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForbiddenReason {
    /// The post-sale conversation is blocked; the pack's
    /// `conversation_status.substatus` says why.
    ConversationBlocked,
    /// The seller may not start the conversation: the buyer must write first,
    /// or the action guide must be used.
    SellerCannotStart,
    /// A mediation is in progress: write in the claim instead.
    MediationInProgress,
    /// Fulfillment sale not delivered yet: messaging opens on delivery.
    NotDeliveredYet,
    /// The action-guide option was already used up (its cap is 0).
    OptionCapReached,
    /// The token may not see or act on this resource (another seller's
    /// data, missing scopes, blocked application).
    AccessDenied,
    /// A 403 whose body we do not recognise.
    Other,
}

impl ForbiddenReason {
    fn of(body: &ApiErrorBody) -> Self {
        let text = [
            &body.error,
            &body.code,
            &body.message,
            &body.error_description,
        ]
        .into_iter()
        .flatten()
        .map(|t| t.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
        let has = |needle: &str| text.contains(needle);
        if has("initiated_by_seller") || has("started_by_seller") || has("cannot start") {
            Self::SellerCannotStart
        } else if has("blocked_conversation") || (has("conversation") && has("blocked")) {
            Self::ConversationBlocked
        } else if has("mediation") {
            Self::MediationInProgress
        } else if has("not been yet delivered") || has("not yet delivered") {
            Self::NotDeliveredYet
        } else if has("not allowed to execute the option") {
            Self::OptionCapReached
        } else if has("access_denied")
            || has("access denied")
            || has("invalid scopes")
            || has("has not access")
            || has("can not identify the user")
            || has("must match the consultant")
            || has("permission")
            // The leads API: a token of another user, none at all, or its gateway's policies.
            || has("invalid token")
            || has("pa_unauthorized")
        {
            Self::AccessDenied
        } else {
            Self::Other
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
    fn forbidden_reasons() {
        let reason = |json: &str| api(403, json).forbidden().map(|f| f.reason);
        let blocked = api(
            403,
            r#"{"status_code":403,"code":"forbidden","message":"blocked_conversation_send_message_forbidden"}"#,
        );
        let f = blocked.forbidden().unwrap();
        assert_eq!(f.reason, ForbiddenReason::ConversationBlocked);
        assert_eq!(f.code, Some("forbidden"));
        assert_eq!(
            f.message,
            Some("blocked_conversation_send_message_forbidden")
        );
        assert_eq!(
            reason(
                r#"{"error":"forbidden","message":"This package has the conversation blocked, use /messages"}"#
            ),
            Some(ForbiddenReason::ConversationBlocked)
        );
        assert_eq!(
            reason(
                r#"{"code":"forbidden","message":"blocked_by_conversation_initiated_by_seller"}"#
            ),
            Some(ForbiddenReason::SellerCannotStart)
        );
        assert_eq!(
            reason(
                r#"{"message":"You can not send the message because a mediation is in process"}"#
            ),
            Some(ForbiddenReason::MediationInProgress)
        );
        assert_eq!(
            reason(
                r#"{"message":"The order is Mercado Envíos Full and has not been yet delivered"}"#
            ),
            Some(ForbiddenReason::NotDeliveredYet)
        );
        assert_eq!(
            reason(r#"{"message":"You are not allowed to execute the option OTHER again"}"#),
            Some(ForbiddenReason::OptionCapReached)
        );
        assert_eq!(
            reason(r#"{"status":403,"error":"Invalid scopes","code":"FORBIDDEN"}"#),
            Some(ForbiddenReason::AccessDenied)
        );
        assert_eq!(
            reason(
                r#"{"message":"You don't have permission to access the resource","error":"forbidden_error","status":403}"#
            ),
            Some(ForbiddenReason::AccessDenied)
        );
        for vis in [
            r#"{"code":"forbidden","message":"invalid token caller"}"#,
            r#"{"code":"forbidden","message":"invalid token"}"#,
            r#"{"blocked_by":"PolicyAgent","code":"PA_UNAUTHORIZED_RESULT_FROM_POLICIES","status":403,"message":"At least one policy returned UNAUTHORIZED."}"#,
        ] {
            assert_eq!(reason(vis), Some(ForbiddenReason::AccessDenied), "{vis}");
        }
        assert_eq!(reason("<html>no</html>"), Some(ForbiddenReason::Other));
        assert_eq!(
            api(400, r#"{"message":"blocked_conversation"}"#).forbidden(),
            None
        );
        assert_eq!(
            blocked.message(),
            Some("blocked_conversation_send_message_forbidden")
        );
    }

    #[test]
    fn a_used_up_leads_quota_is_retried() {
        let e = api(
            409,
            r#"{"code":"too_many_requests","message":"quota exceeded"}"#,
        );
        assert!(e.is_quota_exceeded() && e.is_retryable());
        assert_eq!(e.status(), Some(409));
        assert_eq!(
            e.to_string(),
            "Mercado Libre says our call quota is used up (retry later) (HTTP 409): quota exceeded (too_many_requests)"
        );
        let conflict = api(409, r#"{"code":"conflict","message":"x"}"#);
        assert!(!conflict.is_quota_exceeded() && !conflict.is_retryable());
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
