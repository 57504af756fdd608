//! `MeliClient` against a tiny in-process axum server that records every
//! request and answers with whatever the test scripts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, header},
    response::Response,
};
use meli::{
    AuthHosts, MeliClient, MeliConfig, MeliError, MultigetBody, QuestionStatus, QuestionsQuery,
    TokenType,
};
use secrecy::SecretString;
use url::Url;

#[path = "client/claims.rs"]
mod claims;
#[path = "client/leads.rs"]
mod leads;
#[path = "client/messages.rs"]
mod messages;
#[path = "client/orders.rs"]
mod orders;

/// An official sample from `tests/fixtures`.
fn sample(rel: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The query parameter `name`, when sent.
    fn param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.body.as_bytes())
            .into_owned()
            .collect()
    }
}

type Responder = Arc<dyn Fn(&Seen) -> Response + Send + Sync>;

#[derive(Clone)]
struct Mock {
    seen: Arc<Mutex<Vec<Seen>>>,
    respond: Responder,
}

async fn record(State(mock): State<Mock>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap();
    let seen = Seen {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let resp = (mock.respond)(&seen);
    mock.seen.lock().unwrap().push(seen);
    resp
}

struct Server {
    base: Url,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn only_request(&self) -> Seen {
        let all = self.requests();
        assert_eq!(all.len(), 1, "{all:#?}");
        all.into_iter().next().unwrap()
    }
}

async fn serve(respond: impl Fn(&Seen) -> Response + Send + Sync + 'static) -> Server {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mock = Mock {
        seen: seen.clone(),
        respond: Arc::new(respond),
    };
    let app = Router::new().fallback(record).with_state(mock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server {
        base: Url::parse(&format!("http://{addr}/")).unwrap(),
        seen,
    }
}

fn reply(status: u16, body: &str) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn client_for(base: &Url) -> MeliClient {
    client_with_timeout(base, Duration::from_secs(5))
}

fn client_with_timeout(base: &Url, timeout: Duration) -> MeliClient {
    MeliClient::new(MeliConfig {
        api_base: base.clone(),
        auth_hosts: AuthHosts::Custom(format!("{base}auth/{{site}}")),
        client_id: "5503910054141466".into(),
        client_secret: SecretString::from("s3cr3t-value"),
        redirect_uri: "https://mostrador.example/oauth/callback".into(),
        timeout,
    })
    .unwrap()
}

const TOKEN: &str = "APP_USR-5503910054141466-111122-abcdef-9007199254740993";

const USER: &str = r#"{"id": 9007199254740993, "nickname": "SELLER", "site_id": "MLA"}"#;

const TOKEN_BODY: &str = r#"{"access_token":"APP_USR-new","token_type":"Bearer","expires_in":21600,
    "scope":"offline_access read write","user_id":"9007199254740993","refresh_token":"TG-new"}"#;

#[tokio::test]
async fn bearer_header_on_every_call_and_never_in_the_query() {
    let server = serve(|_| reply(200, USER)).await;
    let client = client_for(&server.base);
    let me = client.me(TOKEN).await.unwrap();
    assert_eq!(me.id, 9_007_199_254_740_993, "2^53 + 1 survives");
    client.user(TOKEN, 42).await.unwrap();

    let seen = server.requests();
    assert_eq!(seen[0].path, "/users/me");
    assert_eq!(seen[1].path, "/users/42");
    for s in &seen {
        assert_eq!(s.method, Method::GET);
        assert_eq!(
            s.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(s.header("accept"), Some("application/json"));
        assert!(
            !s.query
                .as_deref()
                .unwrap_or_default()
                .contains("access_token")
        );
    }
}

#[tokio::test]
async fn api_base_with_a_path_prefix() {
    let server = serve(|_| reply(200, USER)).await;
    let prefixed = server.base.join("api/").unwrap();
    client_for(&prefixed).me(TOKEN).await.unwrap();
    assert_eq!(server.only_request().path, "/api/users/me");
}

#[tokio::test]
async fn exchange_code_posts_a_form_body() {
    let server = serve(|_| reply(200, TOKEN_BODY)).await;
    let client = client_for(&server.base);
    let t = client
        .exchange_code("TG-code-123", "verifier-abc")
        .await
        .unwrap();
    assert_eq!(t.user_id, 9_007_199_254_740_993);
    assert_eq!(t.token_type, TokenType::Bearer);
    assert_eq!(t.refresh_token.as_deref(), Some("TG-new"));

    let s = server.only_request();
    assert_eq!(
        (s.method.clone(), s.path.as_str()),
        (Method::POST, "/oauth/token")
    );
    assert_eq!(s.query, None, "nothing in the query string");
    assert_eq!(
        s.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(s.header("accept"), Some("application/json"));
    assert_eq!(s.header("authorization"), None);
    let form = s.form();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("grant_type"), Some("authorization_code"));
    assert_eq!(get("client_id"), Some("5503910054141466"));
    assert_eq!(get("client_secret"), Some("s3cr3t-value"));
    assert_eq!(get("code"), Some("TG-code-123"));
    assert_eq!(
        get("redirect_uri"),
        Some("https://mostrador.example/oauth/callback")
    );
    assert_eq!(get("code_verifier"), Some("verifier-abc"));
}

#[tokio::test]
async fn refresh_posts_a_form_body() {
    let server = serve(|_| reply(200, TOKEN_BODY)).await;
    client_for(&server.base)
        .refresh_token("TG-old")
        .await
        .unwrap();
    let s = server.only_request();
    let form = s.form();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("grant_type"), Some("refresh_token"));
    assert_eq!(get("refresh_token"), Some("TG-old"));
    assert_eq!(get("client_secret"), Some("s3cr3t-value"));
    assert_eq!(get("code"), None);
    assert_eq!(s.query, None);
}

#[tokio::test]
async fn invalid_grant_is_recognised() {
    let server = serve(|_| {
        reply(
            400,
            r#"{"message":"Error validating grant. Your authorization code or refresh token may be expired or it was already used","error":"invalid_grant","status":400}"#,
        )
    })
    .await;
    let err = client_for(&server.base)
        .refresh_token("TG-used")
        .await
        .unwrap_err();
    assert!(err.is_invalid_grant(), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), Some("invalid_grant"));
    let msg = err.to_string();
    assert!(
        msg.contains("HTTP 400") && msg.contains("Error validating grant"),
        "{msg}"
    );
    assert!(!msg.contains("TG-used"));
}

#[tokio::test]
async fn status_mapping() {
    let cases: &[(u16, &str)] = &[
        (
            401,
            r#"{"message":"invalid access token","error":"not_found","status":401,"cause":[]}"#,
        ),
        (
            403,
            r#"{"status":403,"error":"access_denied","message":"access to the requested resource is forbidden","code":"FORBIDDEN"}"#,
        ),
        (
            404,
            r#"{"message":"Question not found","error":"not_found","status":404,"cause":[]}"#,
        ),
        (
            500,
            r#"{"message":"internal error","error":"internal_error","status":500}"#,
        ),
    ];
    for &(status, body) in cases {
        let server = serve(move |_| reply(status, body)).await;
        let err = client_for(&server.base)
            .question(TOKEN, 1)
            .await
            .unwrap_err();
        let MeliError::Api { status: got, body } = &err else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(*got, status);
        assert_eq!(body.status(), Some(status));
        assert_eq!(err.is_unauthorized(), status == 401);
        assert_eq!(err.is_retryable(), status >= 500);
        assert!(!err.is_invalid_grant());
    }
}

#[tokio::test]
async fn rate_limited_with_and_without_retry_after() {
    let server = serve(|_| {
        let mut r = reply(
            429,
            r#"{"message":"too many calls","error":"local_rate_limited","status":429}"#,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        r
    })
    .await;
    let err = client_for(&server.base)
        .item(TOKEN, "MLA1")
        .await
        .unwrap_err();
    let MeliError::RateLimited { retry_after, body } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(7)));
    assert_eq!(body.code(), Some("local_rate_limited"));
    assert!(err.is_retryable());
    assert_eq!(err.status(), Some(429));

    let server = serve(|_| reply(429, "")).await;
    let err = client_for(&server.base)
        .item(TOKEN, "MLA1")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MeliError::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn non_json_error_body_is_kept_as_text() {
    let server = serve(|_| {
        Response::builder()
            .status(502)
            .header(header::CONTENT_TYPE, "text/html")
            .body(Body::from("<html><body>Bad Gateway</body></html>"))
            .unwrap()
    })
    .await;
    let err = client_for(&server.base).me(TOKEN).await.unwrap_err();
    let MeliError::Api { status: 502, body } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        body.message(),
        Some("<html><body>Bad Gateway</body></html>")
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn garbage_2xx_body_is_a_decode_error() {
    let server = serve(|_| reply(200, "<html>not json</html>")).await;
    let err = client_for(&server.base).me(TOKEN).await.unwrap_err();
    let MeliError::Decode { what, detail } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*what, "user");
    assert!(
        detail.contains("invalid JSON at line 1 column 1"),
        "{detail}"
    );
    assert!(!err.is_retryable());

    let server = serve(|_| reply(200, r#"{"total": 1, "questions": [{"id": "abc"}]}"#)).await;
    let q = QuestionsQuery {
        seller_id: Some(1),
        ..Default::default()
    };
    let err = client_for(&server.base)
        .search_questions(TOKEN, &q)
        .await
        .unwrap_err();
    let MeliError::Decode { detail, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        detail.starts_with("field `questions[0].id`: expected an integer id"),
        "{detail}"
    );
    assert!(
        err.to_string()
            .starts_with("Mercado Libre sent a questions search we could not read"),
        "{err}"
    );
}

#[tokio::test]
async fn big_ids_survive_exactly() {
    let server = serve(|_| {
        reply(
            200,
            r#"{"id": 9007199254740993, "seller_id": "9223372036854775807", "item_id": "MLA1",
                "status": "UNANSWERED", "text": "hola", "date_created": "2021-02-08T17:51:21.746608612Z",
                "from": {"id": 9007199254740995}, "answer": null}"#,
        )
    })
    .await;
    let q = client_for(&server.base)
        .question(TOKEN, 9_007_199_254_740_993)
        .await
        .unwrap();
    assert_eq!(q.id, 9_007_199_254_740_993);
    assert_eq!(q.seller_id, i64::MAX);
    assert_eq!(q.asker_id(), Some(9_007_199_254_740_995));
    let s = server.only_request();
    assert_eq!(s.path, "/questions/9007199254740993");
    assert_eq!(s.query.as_deref(), Some("api_version=4"));
}

#[tokio::test]
async fn items_multiget_is_chunked_by_twenty_in_order() {
    // Echo one entry per requested id; every 7th is missing.
    let server = serve(|s| {
        let ids = s.query_pairs().into_iter().find(|(k, _)| k == "ids").map(|(_, v)| v).unwrap_or_default();
        let entries: Vec<String> = ids
            .split(',')
            .map(|id| {
                let n: u32 = id.trim_start_matches("MLA").parse().unwrap();
                if n.is_multiple_of(7) {
                    format!(r#"{{"code":404,"body":{{"message":"Item with id {id} not found","error":"not_found","status":404,"cause":[]}}}}"#)
                } else {
                    format!(r#"{{"code":200,"body":{{"id":"{id}","title":"t{n}","price":62.96}}}}"#)
                }
            })
            .collect();
        reply(200, &format!("[{}]", entries.join(",")))
    })
    .await;
    let ids: Vec<String> = (1..=45).map(|n| format!("MLA{n}")).collect();
    let out = client_for(&server.base).items(TOKEN, &ids).await.unwrap();

    let seen = server.requests();
    let sizes: Vec<usize> = seen
        .iter()
        .map(|s| {
            assert_eq!(s.path, "/items");
            assert!(s.header("authorization").is_some());
            let ids = s
                .query_pairs()
                .into_iter()
                .find(|(k, _)| k == "ids")
                .unwrap()
                .1;
            ids.split(',').count()
        })
        .collect();
    assert_eq!(sizes, [20, 20, 5]);

    assert_eq!(out.len(), 45);
    for (n, entry) in (1..=45_u32).zip(&out) {
        if n.is_multiple_of(7) {
            assert_eq!(entry.code, 404);
            let MultigetBody::Err(e) = &entry.body else {
                panic!("{n}")
            };
            assert_eq!(e.code(), Some("not_found"));
        } else {
            let item = entry.ok().unwrap();
            assert_eq!(item.id, format!("MLA{n}"));
            assert_eq!(item.price.unwrap().to_string(), "62.96");
        }
    }
}

#[tokio::test]
async fn items_with_no_ids_make_no_call_and_bad_ids_are_refused() {
    let server = serve(|_| reply(200, "[]")).await;
    let client = client_for(&server.base);
    assert!(client.items(TOKEN, &[]).await.unwrap().is_empty());
    let err = client
        .items(TOKEN, &["MLA1,MLA2".into()])
        .await
        .unwrap_err();
    assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    let err = client.item(TOKEN, "../users/me").await.unwrap_err();
    assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    let err = client.me("").await.unwrap_err();
    assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn search_questions_query_parameters() {
    let server = serve(|_| reply(200, r#"{"total":0,"limit":50,"questions":[]}"#)).await;
    let q = QuestionsQuery {
        seller_id: Some(419_059_118),
        status: Some(QuestionStatus::Unanswered),
        offset: Some(50),
        limit: Some(50),
        ..Default::default()
    };
    let res = client_for(&server.base)
        .search_questions(TOKEN, &q)
        .await
        .unwrap();
    assert_eq!(res.total, 0);
    let s = server.only_request();
    assert_eq!(s.path, "/questions/search");
    let pairs = s.query_pairs();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("api_version"), Some("4"));
    assert_eq!(get("seller_id"), Some("419059118"));
    assert_eq!(get("status"), Some("UNANSWERED"));
    assert_eq!((get("offset"), get("limit")), (Some("50"), Some("50")));
    assert_eq!(get("item"), None);

    let err = client_for(&server.base)
        .search_questions(TOKEN, &QuestionsQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(err, MeliError::InvalidInput(_)));
}

#[tokio::test]
async fn post_answer_sends_json() {
    let server = serve(|_| reply(200, r#"{"id": 3957150025, "status": "ANSWERED"}"#)).await;
    let client = client_for(&server.base);
    let v = client
        .post_answer(TOKEN, 3_957_150_025, "¡Sí, hay stock!")
        .await
        .unwrap();
    assert_eq!(v["status"], "ANSWERED");
    let s = server.only_request();
    assert_eq!(
        (s.method.clone(), s.path.as_str()),
        (Method::POST, "/answers")
    );
    assert_eq!(s.header("content-type"), Some("application/json"));
    assert_eq!(
        s.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let body: serde_json::Value = serde_json::from_str(&s.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"question_id": 3_957_150_025_i64, "text": "¡Sí, hay stock!"})
    );

    let too_long = "a".repeat(2001);
    let err = client.post_answer(TOKEN, 1, &too_long).await.unwrap_err();
    assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1, "refused before sending");
}

#[tokio::test]
async fn post_answer_on_an_answered_question() {
    let server = serve(|_| {
        reply(400, r#"{"message":"Question 12959618089 is not unanswered","error":"not_unanswered_question","status":400}"#)
    })
    .await;
    let err = client_for(&server.base)
        .post_answer(TOKEN, 12_959_618_089, "hola")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("not_unanswered_question"));
}

#[tokio::test]
async fn missed_feeds_query_and_body() {
    let server = serve(|_| {
        reply(
            200,
            r#"{"messages":[{"_id":"5da87eea5b35b865994cfd7d","resource":"/items/MLA820048955","user_id":468424240,
                "topic":"items","application_id":3486171129139063,"attempts":5,"sent":"2019-10-17T14:47:06.414Z",
                "received":"2019-10-17T14:47:06.375Z","request":{},"response":{"http_code":200}}]}"#,
        )
    })
    .await;
    let feeds = client_for(&server.base)
        .missed_feeds(TOKEN, 3_486_171_129_139_063, Some("items"), 0, 10)
        .await
        .unwrap();
    assert_eq!(
        feeds.messages[0].notification.item_id(),
        Some("MLA820048955")
    );
    let s = server.only_request();
    assert_eq!(s.path, "/missed_feeds");
    assert_eq!(
        s.query.as_deref(),
        Some("app_id=3486171129139063&topic=items&offset=0&limit=10")
    );
}

#[tokio::test]
async fn transport_failures_are_retryable() {
    // Bind then drop to get a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let err = client_for(&base).me(TOKEN).await.unwrap_err();
    assert!(matches!(err, MeliError::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn timeouts_are_transport_errors() {
    let app = Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        reply(200, USER)
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let base = Url::parse(&format!("http://{addr}/")).unwrap();
    let err = client_with_timeout(&base, Duration::from_millis(200))
        .me(TOKEN)
        .await
        .unwrap_err();
    let MeliError::Transport(msg) = &err else {
        panic!("{err:?}")
    };
    assert!(msg.contains("timeout"), "{msg}");
}

#[tokio::test]
async fn authorization_url_uses_the_configured_hosts() {
    let base = Url::parse("http://127.0.0.1:4010/").unwrap();
    let client = client_for(&base);
    assert_eq!(client.client_id(), "5503910054141466");
    let url = client
        .authorization_url("MLA", "state-1", "challenge-1")
        .unwrap();
    assert!(
        url.as_str().starts_with("http://127.0.0.1:4010/auth/MLA/authorization?response_type=code&client_id=5503910054141466&redirect_uri=https%3A%2F%2Fmostrador.example%2Foauth%2Fcallback&state=state-1&code_challenge=challenge-1&code_challenge_method=S256"),
        "{url}"
    );
    assert!(matches!(
        client.authorization_url("ZZZ", "s", "c"),
        Err(MeliError::InvalidInput(_))
    ));
    let debug = format!("{client:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
}

#[test]
fn new_rejects_unusable_config() {
    let cfg = |base: &str| MeliConfig {
        api_base: Url::parse(base).unwrap(),
        auth_hosts: AuthHosts::MercadoLibre,
        client_id: "1".into(),
        client_secret: SecretString::from("x"),
        redirect_uri: "https://a/b".into(),
        timeout: Duration::from_secs(1),
    };
    assert!(matches!(
        MeliClient::new(cfg("mailto:a@b.c")),
        Err(MeliError::InvalidInput(_))
    ));
    assert!(matches!(
        MeliClient::new(cfg("ftp://x/")),
        Err(MeliError::InvalidInput(_))
    ));
    assert!(MeliClient::new(cfg("https://api.mercadolibre.com")).is_ok());
}

/// A raw HTTP server answering `status` with an endless (10 GB declared) body that starts
/// `prefix` and trickles out 64 KiB every 10 ms until the client hangs up.
async fn endless(status: u16, prefix: &'static str) -> Url {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut req = [0_u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut sock, &mut req).await;
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: 10000000000\r\n\r\n{prefix}"
                );
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; 64 * 1024];
                while sock.write_all(&chunk).await.is_ok() {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            });
        }
    });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

#[tokio::test]
async fn error_bodies_are_read_only_up_to_a_cap() {
    let base = endless(500, r#"{"message":""#).await;
    let started = std::time::Instant::now();
    let err = client_with_timeout(&base, Duration::from_secs(4))
        .item(TOKEN, "MLA1")
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3), "{err:?}");
    let MeliError::Api { status: 500, body } = &err else {
        panic!("{err:?}")
    };
    // Cut JSON becomes text, itself bounded.
    assert!(body.message().unwrap().chars().count() <= 1001);

    let base = endless(429, "").await;
    let err = client_with_timeout(&base, Duration::from_secs(4))
        .item(TOKEN, "MLA1")
        .await
        .unwrap_err();
    assert!(matches!(err, MeliError::RateLimited { .. }), "{err:?}");
}

#[tokio::test]
async fn error_text_is_truncated_in_json_bodies_too() {
    let long = "é".repeat(3_000); // 5 fields × 6 KB: under the read cap
    let json = format!(
        r#"{{"message":"{long}","error":"{long}","error_description":"{long}","code":"{long}","blocked_by":"{long}"}}"#
    );
    let server = serve(move |_| reply(400, &json)).await;
    let err = client_for(&server.base)
        .item(TOKEN, "MLA1")
        .await
        .unwrap_err();
    let MeliError::Api { body, .. } = &err else {
        panic!("{err:?}")
    };
    for text in [
        &body.message,
        &body.error,
        &body.error_description,
        &body.code,
        &body.blocked_by,
    ] {
        let n = text.as_deref().unwrap().chars().count();
        assert!(n <= 1001, "{n}");
    }
    assert!(err.to_string().chars().count() < 3000);
}
