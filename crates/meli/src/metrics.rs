//! Figures of the calls to Mercado Libre, recorded at the client's single request point through
//! the `metrics` facade (the app decides where they go). Each call is labelled by its endpoint
//! as a path template — `/questions/{id}`, never `/questions/123` — so the number of series stays
//! bounded whatever ids flow through: a segment is kept only when it is one of the fixed words
//! of the API paths below, anything else becomes `{id}`.

use std::time::Duration;

/// Calls by `endpoint` and `status` (the HTTP status, or `error` when none came back).
pub const REQUESTS: &str = "mostrador_meli_requests_total";
/// Call latency by `endpoint`, until the status line arrived.
pub const REQUEST_SECONDS: &str = "mostrador_meli_request_seconds";

/// Every fixed word of the paths this client calls.
const WORDS: &[&str] = &[
    "action_guide",
    "actions",
    "affects-reputation",
    "answers",
    "attachments",
    "billing-info",
    "billing_info",
    "buyers",
    "caps_available",
    "claims",
    "detail",
    "items",
    "leads",
    "me",
    "messages",
    "missed_feeds",
    "oauth",
    "option",
    "orders",
    "packs",
    "post-purchase",
    "questions",
    "response_time",
    "search",
    "sellers",
    "send-message",
    "shipments",
    "token",
    "unread",
    "users",
    "v1",
    "vis",
];

/// `path` as a template: fixed words kept, everything else `{id}`; `base` (the API base's own
/// path, if any) is left out.
pub fn endpoint(path: &str, base: &str) -> String {
    let path = path
        .strip_prefix(base.trim_end_matches('/'))
        .unwrap_or(path);
    let mut template = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        template.push('/');
        template.push_str(if WORDS.contains(&segment) {
            segment
        } else {
            "{id}"
        });
    }
    if template.is_empty() {
        template.push('/');
    }
    template
}

pub(crate) fn record(endpoint: String, status: Option<u16>, elapsed: Duration) {
    let status = status.map_or_else(|| "error".to_owned(), |s| s.to_string());
    metrics::histogram!(REQUEST_SECONDS, "endpoint" => endpoint.clone())
        .record(elapsed.as_secs_f64());
    metrics::counter!(REQUESTS, "endpoint" => endpoint, "status" => status).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_never_carry_ids() {
        let cases = [
            ("/questions/12345", "/questions/{id}"),
            ("/items/MLA123", "/items/{id}"),
            (
                "/messages/packs/2000001/sellers/77",
                "/messages/packs/{id}/sellers/{id}",
            ),
            (
                "/post-purchase/v1/claims/5/affects-reputation",
                "/post-purchase/v1/claims/{id}/affects-reputation",
            ),
            ("/users/me", "/users/me"),
            ("/messages/abcdef0123", "/messages/{id}"),
            ("/oauth/token", "/oauth/token"),
            ("/orders/search", "/orders/search"),
            ("/", "/"),
        ];
        for (path, template) in cases {
            assert_eq!(endpoint(path, ""), template, "{path}");
        }
        assert_eq!(endpoint("/api/questions/1", "/api/"), "/questions/{id}");
        assert_eq!(
            endpoint("/secret-word/MLA/leads", ""),
            "/{id}/{id}/leads",
            "an unknown word is treated as an id"
        );
    }
}
