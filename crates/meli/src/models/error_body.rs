//! Every error body shape Mercado Libre is known to return.
//!
//! One struct with all-optional fields instead of an enum: the shapes
//! overlap (`code` is a machine code in vis bodies but a coarse class like
//! `FORBIDDEN` next to `error` in 403 bodies), and a body we have never seen
//! still yields whatever text it carries.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// A non-2xx response body. Known shapes:
/// `{message, error, status, cause}` (standard), `{error, error_description,
/// status, cause}` (OAuth), `{status_code, code, message}` (messages),
/// `{code, message}` (vis), `{blocked_by, code, status, message}`
/// (PolicyAgent), `{status, error, message, code}` (403).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// Human-readable text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_text"
    )]
    pub message: Option<String>,
    /// Usually a machine code (`invalid_grant`), sometimes prose (`Invalid scopes`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_text"
    )]
    pub error: Option<String>,
    /// OAuth's name for `message`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_text"
    )]
    pub error_description: Option<String>,
    /// vis/messages machine code, or a coarse class such as `FORBIDDEN`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_text"
    )]
    pub code: Option<String>,
    /// HTTP status as echoed in the body.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_status"
    )]
    pub status: Option<u16>,
    /// The messages API's name for `status`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_status"
    )]
    pub status_code: Option<u16>,
    /// Extra detail: an array of strings or objects, or a plain string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<serde_json::Value>,
    /// Which gateway component refused the call (`PolicyAgent`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_text"
    )]
    pub blocked_by: Option<String>,
}

/// Longest text kept in any field of an [`ApiErrorBody`], in characters; longer
/// text is cut and ends with `…`, so a huge body never reaches the job table.
pub(crate) const MAX_TEXT_CHARS: usize = 1000;

impl ApiErrorBody {
    /// Reads a response body; text that is not a JSON object becomes the
    /// message so an HTML error page or a proxy's text is not lost. Every
    /// text field is cut to 1,000 characters.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let looks_like_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        match serde_json::from_slice::<ApiErrorBody>(bytes) {
            Ok(body) if looks_like_object => body.unwrap_nested().bounded(),
            _ => {
                let text = String::from_utf8_lossy(bytes);
                let text = text.trim();
                Self {
                    message: (!text.is_empty()).then(|| truncate(text, MAX_TEXT_CHARS)),
                    ..Self::default()
                }
            }
        }
    }

    /// Some gateways (the claims returns API) put the upstream error body,
    /// serialized, in `message` and leave `error` empty; the inner body's
    /// text and code are what a person needs, so they fill the outer gaps.
    fn unwrap_nested(mut self) -> Self {
        let inner = self
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| m.starts_with('{'))
            .and_then(|m| serde_json::from_str::<ApiErrorBody>(m).ok());
        if let Some(inner) = inner {
            self.message = inner.message.or(inner.error_description);
            if non_empty(&self.error).is_none() {
                self.error = inner.error;
            }
            if non_empty(&self.code).is_none() {
                self.code = inner.code;
            }
            self.status = self.status.or(inner.status);
        }
        self
    }

    /// Cuts every text field to 1,000 characters (ending in `…` when cut); an
    /// oversized `cause` becomes its cut text.
    #[must_use]
    pub fn bounded(mut self) -> Self {
        for field in [
            &mut self.message,
            &mut self.error,
            &mut self.error_description,
            &mut self.code,
            &mut self.blocked_by,
        ] {
            if let Some(text) = field.as_mut() {
                *text = truncate(text, MAX_TEXT_CHARS);
            }
        }
        if let Some(cause) = &self.cause {
            let rendered = cause.to_string();
            if rendered.chars().count() > MAX_TEXT_CHARS {
                let text = cause.as_str().map_or(rendered.as_str(), |s| s);
                self.cause = Some(serde_json::Value::String(truncate(text, MAX_TEXT_CHARS)));
            }
        }
        self
    }

    /// The most machine-like code: `error` when it looks like an identifier
    /// (`invalid_grant`, `access_denied`), else `code` (`forbidden`,
    /// `PA_UNAUTHORIZED_RESULT_FROM_POLICIES`), else whatever `error` says.
    pub fn code(&self) -> Option<&str> {
        let error = non_empty(&self.error);
        let code = non_empty(&self.code);
        match (error, code) {
            (Some(e), _) if is_identifier(e) => Some(e),
            (_, Some(c)) => Some(c),
            (e, None) => e,
        }
    }

    /// Human text: `message`, else `error_description`, else an `error` that
    /// is prose rather than a code (`"Invalid scopes"`).
    pub fn message(&self) -> Option<&str> {
        non_empty(&self.message)
            .or_else(|| non_empty(&self.error_description))
            .or_else(|| non_empty(&self.error).filter(|e| !is_identifier(e)))
    }

    /// Status echoed in the body (`status` or `status_code`).
    pub fn status(&self) -> Option<u16> {
        self.status.or(self.status_code)
    }
}

impl fmt::Display for ApiErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code(), self.message()) {
            (Some(c), Some(m)) => write!(f, "{m} ({c})"),
            (Some(c), None) => f.write_str(c),
            (None, Some(m)) => f.write_str(m),
            (None, None) => f.write_str("no error details in the response"),
        }
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// `s` cut to `max_chars` characters, with `…` appended when cut.
pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Strings, numbers and booleans become text; objects and arrays are dropped
/// rather than failing the whole error body.
fn lenient_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

fn lenient_status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_u64().and_then(|v| u16::try_from(v).ok()),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::ApiErrorBody;

    fn body(json: &str) -> ApiErrorBody {
        ApiErrorBody::from_bytes(json.as_bytes())
    }

    #[test]
    fn standard_and_oauth_shapes() {
        let b = body(
            r#"{"message":"The User ID must match the consultant's","error":"forbidden","status":403,"cause":[]}"#,
        );
        assert_eq!(b.code(), Some("forbidden"));
        assert_eq!(b.message(), Some("The User ID must match the consultant's"));
        assert_eq!(b.status(), Some(403));

        let b = body(
            r#"{"error_description":"Error validating grant.","error":"invalid_grant","status":400,"cause":[]}"#,
        );
        assert_eq!(b.code(), Some("invalid_grant"));
        assert_eq!(b.message(), Some("Error validating grant."));

        let b =
            body(r#"{"message":"Error validating grant.","error":"invalid_grant","status":400}"#);
        assert_eq!(b.code(), Some("invalid_grant"));
        assert_eq!(b.message(), Some("Error validating grant."));
    }

    #[test]
    fn messages_vis_and_policy_agent_shapes() {
        let b = body(
            r#"{"status_code":403,"code":"forbidden","message":"blocked_conversation_send_message_forbidden"}"#,
        );
        assert_eq!((b.code(), b.status()), (Some("forbidden"), Some(403)));

        let b = body(r#"{"code":"not_found","message":"lead not found"}"#);
        assert_eq!(
            (b.code(), b.message(), b.status()),
            (Some("not_found"), Some("lead not found"), None)
        );

        let b = body(
            r#"{"blocked_by":"PolicyAgent","code":"PA_UNAUTHORIZED_RESULT_FROM_POLICIES","status":403,"message":"At least one policy returned UNAUTHORIZED."}"#,
        );
        assert_eq!(b.code(), Some("PA_UNAUTHORIZED_RESULT_FROM_POLICIES"));
        assert_eq!(b.blocked_by.as_deref(), Some("PolicyAgent"));
    }

    #[test]
    fn forbidden_403_shapes() {
        let b = body(
            r#"{"status":403,"error":"access_denied","message":"access to the requested resource is forbidden","code":"FORBIDDEN"}"#,
        );
        assert_eq!(b.code(), Some("access_denied"));
        let b = body(r#"{"status":403,"error":"Invalid scopes","code":"FORBIDDEN"}"#);
        assert_eq!(b.code(), Some("FORBIDDEN"));
        assert_eq!(b.message(), Some("Invalid scopes"));
        assert_eq!(b.to_string(), "Invalid scopes (FORBIDDEN)");
    }

    #[test]
    fn a_serialized_body_inside_message_is_read() {
        let b = body(
            r#"{"message":"{\"message\":\"Malformed access_token: token\",\"error\":\"bad_request\",\"status\":400,\"cause\":[]}","error":"","status":400,"cause":[]}"#,
        );
        assert_eq!(
            (b.code(), b.message(), b.status()),
            (
                Some("bad_request"),
                Some("Malformed access_token: token"),
                Some(400)
            )
        );
        let b = body(r#"{"message":"{not json","error":"x"}"#);
        assert_eq!(b.message(), Some("{not json"));
    }

    #[test]
    fn odd_values_and_non_json() {
        let b = body(
            r#"{"cause":"blocked_by_excepted_case","error":"bad_request","message":"m","status_code":"400"}"#,
        );
        assert_eq!(b.status(), Some(400));
        assert_eq!(b.cause, Some(serde_json::json!("blocked_by_excepted_case")));
        let b = body(r#"{"code": 42, "message": {"nested": true}}"#);
        assert_eq!((b.code(), b.message()), (Some("42"), None));
        let b = body("<html>Bad Gateway</html>");
        assert_eq!(b.message(), Some("<html>Bad Gateway</html>"));
        assert_eq!(body("").to_string(), "no error details in the response");
        assert_eq!(body("[1,2]").message(), Some("[1,2]"));
    }
}
