//! Cross-site request forgery defence for cookie-authenticated writes. The session cookie is
//! SameSite=Lax already; on top, a state-changing request whose browser says it came from another
//! site (Fetch Metadata), or whose Origin is not this host, is refused. Requests carrying a Bearer
//! token are not cookie-authenticated and pass, as do webhooks (Mercado Libre has no cookie).

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

pub async fn guard(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || request.uri().path() == "/webhooks/meli" || has_bearer(request.headers()) {
        return next.run(request).await;
    }
    if let Some(why) = cross_site(request.headers()) {
        tracing::warn!(path = %request.uri().path(), why, "cross-site write refused");
        return AppError::Forbidden(format!("cross-site request refused ({why})")).into_response();
    }
    next.run(request).await
}

fn has_bearer(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "))
}

fn cross_site(headers: &HeaderMap) -> Option<&'static str> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return Some("sec-fetch-site");
    }
    if let Some(origin) = text("origin") {
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(origin);
        if text("host") != Some(origin_host) {
            return Some("origin");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn refuses_other_sites_and_allows_our_own_and_non_browsers() {
        assert_eq!(
            cross_site(&headers(&[("sec-fetch-site", "cross-site")])),
            Some("sec-fetch-site")
        );
        assert_eq!(
            cross_site(&headers(&[("sec-fetch-site", "same-site")])),
            Some("sec-fetch-site")
        );
        assert_eq!(
            cross_site(&headers(&[("sec-fetch-site", "same-origin")])),
            None
        );
        assert_eq!(
            cross_site(&headers(&[
                ("host", "a.example:8080"),
                ("origin", "https://evil.example")
            ])),
            Some("origin")
        );
        assert_eq!(
            cross_site(&headers(&[
                ("host", "a.example:8080"),
                ("origin", "http://a.example:8080")
            ])),
            None
        );
        assert_eq!(
            cross_site(&headers(&[])),
            None,
            "curl and other non-browser clients"
        );
    }
}
