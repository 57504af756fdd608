//! The router's edges, driven in-process (no listener, so no connect info unless a test adds it).

use super::*;
use crate::{AppConfig, AppState};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::routing::get;
use serde_json::Value;
use std::net::SocketAddr;
use tower::ServiceExt;

const EMAIL: &str = "agent@edge.test";
const PASSWORD: &str = "a long enough password";

async fn state() -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::open_store(dir.path().join("edge.db").to_str().unwrap())
        .await
        .unwrap();
    let config = AppConfig::new(1, "http://127.0.0.1:9", [3u8; 32]);
    let meli = meli::MeliClient::new(meli::MeliConfig {
        api_base: url::Url::parse("http://127.0.0.1:9").unwrap(),
        auth_hosts: meli::AuthHosts::Custom("http://127.0.0.1:9/auth/{site}".into()),
        client_id: "1".into(),
        client_secret: "secret".to_string().into(),
        redirect_uri: config.oauth_redirect_uri(),
        timeout: Duration::from_secs(1),
    })
    .unwrap();
    let state = AppState::new(store, meli, config);
    let org = state.store.create_org("Edge").await.unwrap().id;
    crate::auth::create_person(&state, org, EMAIL, "Agent", PASSWORD, domain::Role::Agent)
        .await
        .unwrap();
    (state, dir)
}

async fn token(state: &AppState) -> String {
    crate::auth::login(state, EMAIL, PASSWORD).await.unwrap().1
}

async fn send(
    router: &Router,
    request: axum::http::Request<Body>,
) -> (StatusCode, HeaderMapOut, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

type HeaderMapOut = axum::http::HeaderMap;

fn request(method: &str, uri: &str) -> axum::http::request::Builder {
    axum::http::Request::builder().method(method).uri(uri)
}

fn error_code(status: StatusCode, body: &str) -> String {
    let json: Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {body}"));
    let message = json["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "{body}");
    json["error"]["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn every_rejection_of_the_json_api_has_the_error_shape() {
    let (state, _dir) = state().await;
    let bearer = format!("Bearer {}", token(&state).await);
    let router = crate::build_router(state);
    let authed = |method: &str, uri: &str| request(method, uri).header("authorization", &bearer);
    let cases = [
        (
            authed("GET", "/api/conversations/abc").body(Body::empty()),
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            authed("GET", "/api/conversations?limit=many").body(Body::empty()),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            request("POST", "/api/login")
                .header("content-type", "application/json")
                .body(Body::from("{not json")),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            request("POST", "/api/login")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"email":1}"#)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
        (
            request("POST", "/api/login")
                .header("content-type", "text/plain")
                .body(Body::from("email=a")),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            request("POST", "/webhooks/meli")
                .header("content-type", "application/json")
                .body(Body::from(vec![b' '; 100 * 1024])),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            authed("GET", "/api/no-such-thing").body(Body::empty()),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            authed("DELETE", "/api/me").body(Body::empty()),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            request("GET", "/webhooks/meli").body(Body::empty()),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (req, status, code) in cases {
        let req = req.unwrap();
        let what = format!("{} {}", req.method(), req.uri());
        let (got, headers, body) = send(&router, req).await;
        assert_eq!(got, status, "{what}: {body}");
        assert_eq!(error_code(got, &body), code, "{what}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{what}"
        );
    }
}

#[tokio::test]
async fn web_pages_fail_with_a_readable_page_in_the_person_language() {
    let (state, _dir) = state().await;
    let cookie = format!("mostrador_session={}", token(&state).await);
    let router = crate::build_router(state);
    for (req, status, text) in [
        (
            request("GET", "/no-such-page"),
            404,
            "Esta página no existe.",
        ),
        (
            request("GET", "/no-such-page").header("accept-language", "pt-BR,pt;q=0.9"),
            404,
            "Esta página não existe.",
        ),
        (
            request("GET", "/inbox/abc").header("cookie", &cookie),
            400,
            "La solicitud no es válida.",
        ),
        (
            request("GET", "/inbox?status=closed")
                .header("cookie", format!("{cookie}; mostrador_lang=en")),
            400,
            "One of the filters is not valid.",
        ),
        (request("DELETE", "/login"), 405, "Esta dirección no acepta"),
    ] {
        let (got, headers, body) = send(&router, req.body(Body::empty()).unwrap()).await;
        assert_eq!(got.as_u16(), status, "{body}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{body}"
        );
        assert!(body.contains(text), "{text}: {body}");
    }
}

#[tokio::test]
async fn security_headers_are_on_pages_json_and_static_files() {
    let (state, _dir) = state().await;
    let router = crate::build_router(state);
    for path in [
        "/login",
        "/api/me",
        "/healthz",
        "/static/app.js",
        "/static/app.css",
        "/no-such-page",
    ] {
        let (_, headers, _) =
            send(&router, request("GET", path).body(Body::empty()).unwrap()).await;
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
    }
}

#[test]
fn templates_carry_no_inline_script_handler_or_style() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let html = std::fs::read_to_string(&path).unwrap().to_lowercase();
        for forbidden in [
            "<script>",
            "<style",
            " style=",
            " onclick",
            " onload",
            " onsubmit",
            " onchange",
            " oninput",
            "javascript:",
        ] {
            assert!(!html.contains(forbidden), "{}: {forbidden}", path.display());
        }
        for script in html.match_indices("<script").map(|(i, _)| &html[i..]) {
            assert!(
                script.starts_with("<script src=\"/static/"),
                "{}",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn slow_requests_time_out_in_the_error_shape() {
    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_secs(5)).await;
        "late"
    }
    let router = Router::new()
        .route("/api/slow", get(slow))
        .route("/slow", get(slow))
        .layer(timeout(Duration::from_millis(50)))
        .layer(axum::middleware::from_fn(shape_errors));
    let (status, _, body) = send(
        &router,
        request("GET", "/api/slow").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error_code(status, &body), "timeout");
    let (status, _, body) = send(
        &router,
        request("GET", "/slow")
            .header("accept-language", "en")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("took too long"), "{body}");
}

#[tokio::test]
async fn live_updates_outlast_the_request_timeout() {
    let (state, _dir) = state().await;
    let cookie = format!("mostrador_session={}", token(&state).await);
    let router = crate::build_router_with_timeout(state, Duration::from_millis(100));
    let response = router
        .oneshot(
            request("GET", "/events")
                .header("cookie", cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body().into_data_stream();
    use futures_util::StreamExt;
    let first = body.next().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: inbox"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let next = tokio::time::timeout(Duration::from_millis(300), body.next()).await;
    assert!(
        next.is_err(),
        "the stream is still open, waiting for news, after three timeouts: {next:?}"
    );
}

fn from(ip: &str) -> ConnectInfo<SocketAddr> {
    ConnectInfo(SocketAddr::new(ip.parse().unwrap(), 40000))
}

fn login_attempt(
    email: &str,
    password: &str,
    client: Option<ConnectInfo<SocketAddr>>,
) -> axum::http::Request<Body> {
    let mut req = request("POST", "/api/login")
        .header("content-type", "application/json")
        .body(Body::from(
            serde_json::json!({ "email": email, "password": password }).to_string(),
        ))
        .unwrap();
    if let Some(info) = client {
        req.extensions_mut().insert(info);
    }
    req
}

#[tokio::test]
async fn login_is_throttled_per_client_address() {
    let (mut state, _dir) = state().await;
    let three = std::num::NonZeroU32::new(3).unwrap();
    state.login_client_limiter = std::sync::Arc::new(governor::RateLimiter::keyed(
        governor::Quota::per_hour(three),
    ));
    let router = crate::build_router(state);
    // Three guesses at three different accounts from one address: each account is far from its
    // own limit, the address is at its.
    for n in 0..3 {
        let (status, _, _) = send(
            &router,
            login_attempt(&format!("guess{n}@edge.test"), "x", Some(from("127.0.0.2"))),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, headers, body) = send(
        &router,
        login_attempt(EMAIL, PASSWORD, Some(from("127.0.0.2"))),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert_eq!(error_code(status, &body), "too_many_requests");
    assert!(headers.contains_key("retry-after"));
    // Another address is not held back, nor is an IPv6 neighbour outside the /64.
    let (status, _, _) = send(
        &router,
        login_attempt(EMAIL, PASSWORD, Some(from("127.0.0.3"))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // The web form words the refusal on the login page, in the visitor's language.
    let mut form = request("POST", "/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept-language", "pt-BR")
        .body(Body::from("email=agent%40edge.test&password=x"))
        .unwrap();
    form.extensions_mut().insert(from("127.0.0.2"));
    let (status, headers, body) = send(&router, form).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key("retry-after"));
    assert!(body.contains("Muitas tentativas"), "{body}");
}

#[tokio::test]
async fn ipv6_clients_share_their_64_and_no_connect_info_shares_one_key() {
    let (mut state, _dir) = state().await;
    let two = std::num::NonZeroU32::new(2).unwrap();
    state.login_client_limiter =
        std::sync::Arc::new(governor::RateLimiter::keyed(governor::Quota::per_hour(two)));
    let router = crate::build_router(state);
    let statuses = async |ips: [Option<&str>; 3]| {
        let mut out = Vec::new();
        for ip in ips {
            let (status, _, _) =
                send(&router, login_attempt("x@edge.test", "x", ip.map(from))).await;
            out.push(status.as_u16());
        }
        out
    };
    assert_eq!(
        statuses([
            Some("2001:db8::1"),
            Some("2001:db8::2"),
            Some("2001:db8::3")
        ])
        .await,
        [403, 403, 429]
    );
    assert_eq!(
        statuses([Some("2001:db8:0:1::1"), None, None]).await,
        [403, 403, 403],
        "another /64, and requests without an address, have their own allowance"
    );
    assert_eq!(statuses([None, None, None]).await, [429, 429, 429]);
}
