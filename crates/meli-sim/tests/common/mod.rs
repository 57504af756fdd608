//! Helpers shared by the integration tests: start a simulator, log a seller in through the
//! real OAuth pages, run a notification receiver, compare JSON shapes.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use meli_sim::{SimConfig, SimHandle};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

pub const REDIRECT: &str = "http://127.0.0.1:9/oauth/callback";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-sim-verifier";

pub fn config() -> SimConfig {
    SimConfig {
        redirect_uris: vec![REDIRECT.to_owned()],
        time_scale: 0.001,
        ..SimConfig::default()
    }
}

pub async fn start(cfg: SimConfig) -> SimHandle {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    meli_sim::spawn(cfg, listener).await.unwrap()
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn auth_url(sim: &SimHandle, site: &str) -> String {
    format!(
        "{}/authorization",
        sim.auth_host_template().replace("{site}", site)
    )
}

/// Approves the consent form for `seller_id` and returns the `code` from the redirect.
pub async fn authorize(sim: &SimHandle, site: &str, seller_id: i64) -> String {
    let resp = http()
        .post(auth_url(sim, site))
        .form(&[
            ("seller_id", seller_id.to_string().as_str()),
            ("response_type", "code"),
            ("client_id", &SimConfig::default().app_id.to_string()),
            ("redirect_uri", REDIRECT),
            ("state", "st-123"),
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
            ("action", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let url = url::Url::parse(&location).unwrap();
    assert!(location.starts_with(REDIRECT), "{location}");
    let get = |k: &str| {
        url.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(get("state").as_deref(), Some("st-123"));
    get("code").unwrap()
}

pub async fn exchange(sim: &SimHandle, code: &str, verifier: &str) -> reqwest::Response {
    http()
        .post(format!("{}/oauth/token", sim.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &SimConfig::default().app_id.to_string()),
            ("client_secret", "sim-secret"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
}

pub async fn refresh(sim: &SimHandle, refresh_token: &str) -> reqwest::Response {
    http()
        .post(format!("{}/oauth/token", sim.base_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", &SimConfig::default().app_id.to_string()),
            ("client_secret", "sim-secret"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .unwrap()
}

/// Full login of a seller; returns the token response JSON.
pub async fn login(sim: &SimHandle, site: &str, seller_id: i64) -> Value {
    let code = authorize(sim, site, seller_id).await;
    let resp = exchange(sim, &code, VERIFIER).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

pub fn token_of(tokens: &Value) -> String {
    tokens["access_token"].as_str().unwrap().to_owned()
}

pub async fn get_json(sim: &SimHandle, token: Option<&str>, path: &str) -> (u16, Value) {
    let mut req = http().get(format!("{}{}", sim.base_url(), path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

pub async fn post_json(sim: &SimHandle, token: &str, path: &str, body: &str) -> (u16, Value) {
    let resp = http()
        .post(format!("{}{}", sim.base_url(), path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// A notification callback: fails (HTTP 500) the first `fail_first` POSTs, then answers 200.
pub struct Receiver {
    pub url: String,
    pub bodies: Arc<Mutex<Vec<Value>>>,
    pub hits: Arc<AtomicU32>,
}

pub async fn receiver(fail_first: u32) -> Receiver {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let hits = Arc::new(AtomicU32::new(0));
    let (b, h) = (bodies.clone(), hits.clone());
    let app = Router::new().route(
        "/notifications",
        post(move |body: String| {
            let (b, h) = (b.clone(), h.clone());
            async move {
                let n = h.fetch_add(1, Ordering::SeqCst);
                b.lock()
                    .await
                    .push(serde_json::from_str(&body).unwrap_or(Value::Null));
                if n < fail_first {
                    (StatusCode::INTERNAL_SERVER_ERROR, "boom")
                } else {
                    (StatusCode::OK, "ok")
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notifications", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver { url, bodies, hits }
}

/// Polls `check` every 20 ms until it returns true or `timeout` passes.
pub async fn eventually<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check().await
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of `sample` must appear in `actual` with the same JSON type, recursively (arrays:
/// first elements; `null` in the sample matches anything; an empty array where the sample has
/// elements is reported). Returns the mismatching paths with a description.
pub fn shape_mismatches(sample: &Value, actual: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(sample, actual, "$", &mut out);
    out
}

fn walk(sample: &Value, actual: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match (sample, actual) {
        (Value::Null, _) => {}
        (Value::Object(s), Value::Object(a)) => {
            for (k, sv) in s {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    None => out.push((p, "missing".to_owned())),
                    Some(av) => walk(sv, av, &p, out),
                }
            }
        }
        (Value::Array(s), Value::Array(a)) => match (s.first(), a.first()) {
            (Some(s0), Some(a0)) => walk(s0, a0, &format!("{path}[0]"), out),
            (Some(_), None) => out.push((
                path.to_owned(),
                "empty array, sample has elements".to_owned(),
            )),
            _ => {}
        },
        (s, a) if kind(s) == kind(a) => {}
        (s, a) => out.push((
            path.to_owned(),
            format!("sample {} vs sim {}", kind(s), kind(a)),
        )),
    }
}

/// Asserts the shape matches except for the allow-listed paths (each must be needed).
pub fn assert_shape(name: &str, sample: &Value, actual: &Value, allow: &[(&str, &str)]) {
    let mismatches = shape_mismatches(sample, actual);
    let unexpected: Vec<_> = mismatches
        .iter()
        .filter(|(p, _)| !allow.iter().any(|(a, _)| a == p))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{name}: shape mismatches {unexpected:#?}\nsim: {actual:#}"
    );
    for (path, reason) in allow {
        assert!(
            mismatches.iter().any(|(p, _)| p == path),
            "{name}: allow-list entry {path} ({reason}) is no longer needed"
        );
    }
}

/// An official Mercado Libre sample from the repository's copy (`crates/meli/tests/fixtures`).
pub fn fixture(rel: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../meli/tests/fixtures")
        .join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A callback that takes `delay` to answer 200 on its first POST, then answers at once.
pub async fn slow_receiver(delay: Duration) -> Receiver {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let hits = Arc::new(AtomicU32::new(0));
    let (b, h) = (bodies.clone(), hits.clone());
    let app = Router::new().route(
        "/notifications",
        post(move |body: String| {
            let (b, h) = (b.clone(), h.clone());
            async move {
                let n = h.fetch_add(1, Ordering::SeqCst);
                b.lock()
                    .await
                    .push(serde_json::from_str(&body).unwrap_or(Value::Null));
                if n == 0 {
                    tokio::time::sleep(delay).await;
                }
                (StatusCode::OK, "ok")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notifications", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver { url, bodies, hits }
}

/// An official sample kept as `.json-broken` (see the fixtures' INDEX.md for why), made valid
/// by `fixes` (exact text replacements, each of which must still apply) and two mechanical
/// repairs: `//` comments and trailing commas removed.
pub fn repaired_fixture(rel: &str, fixes: &[(&str, &str)]) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../meli/tests/fixtures")
        .join(rel);
    let mut text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (from, to) in fixes {
        assert!(
            text.contains(from),
            "{rel}: the fix {from:?} no longer applies"
        );
        text = text.replacen(from, to, 1);
    }
    let text = drop_trailing_commas(&strip_comments(&text));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is still broken: {e}\n{text}"))
}

/// Removes `//` comments outside strings.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped, mut comment) = (false, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if comment {
            if c == '\n' {
                comment = false;
                out.push(c);
            }
            continue;
        }
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            comment = true;
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

/// Removes commas followed (after whitespace) by `}` or `]`, outside strings.
fn drop_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

pub async fn get_with(
    sim: &SimHandle,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = http()
        .get(format!("{}{}", sim.base_url(), path))
        .bearer_auth(token);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// POSTs one file as `multipart/form-data` field `file` (built by hand: the workspace's HTTP
/// client has no multipart feature).
pub async fn post_file(
    sim: &SimHandle,
    token: &str,
    path: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> (u16, Value) {
    let boundary = "----mostrador-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let resp = http()
        .post(format!("{}{}", sim.base_url(), path))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Waits until the receiver got a notification matching `pred`, and returns it.
pub async fn notification<F>(rx: &Receiver, pred: F) -> Value
where
    F: Fn(&Value) -> bool,
{
    let bodies = rx.bodies.clone();
    let pred = &pred;
    let found = eventually(Duration::from_secs(5), || {
        let bodies = bodies.clone();
        async move { bodies.lock().await.iter().any(pred) }
    })
    .await;
    assert!(found, "no such notification: {:#?}", rx.bodies.lock().await);
    let bodies = rx.bodies.lock().await;
    bodies.iter().find(|b| pred(b)).cloned().unwrap()
}
