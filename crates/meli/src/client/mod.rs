//! The HTTP client: one method per endpoint the connector uses.
//!
//! This module holds the plumbing and the pre-sale calls (OAuth, users,
//! items, questions, answers, missed feeds); `orders`, `messages` and
//! `claims` add the post-sale ones, `leads` the classifieds ones.
//!
//! Every call sends `Authorization: Bearer` (tokens never go in query
//! strings and are never logged), reads the whole body (error bodies only up
//! to [`MAX_ERROR_BODY_BYTES`], their text cut to 1,000 characters), and maps the status:
//! 2xx → the typed model (or [`MeliError::Decode`]), 429 →
//! [`MeliError::RateLimited`], other non-2xx → [`MeliError::Api`]. Nothing is
//! retried here: the app's job queue owns retries and uses the error's
//! classification to decide.

mod claims;
mod leads;
mod messages;
mod orders;
mod users;

use std::{sync::Arc, time::Duration};

use reqwest::{Method, RequestBuilder, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

pub use claims::ClaimsQuery;
pub use leads::LeadsQuery;
pub use messages::{
    Attachment, MAX_ATTACHMENT_BYTES, MAX_MESSAGE_CHARS, NewPackMessage, PostedMessage,
};
pub use orders::{OrdersQuery, OrdersSort};

use crate::{
    MeliError,
    models::{
        ApiErrorBody, Item, MultigetEntry, Question, QuestionStatus, QuestionsSearch,
        TokenResponse, User,
    },
    notification::MissedFeeds,
    oauth::AuthHosts,
    parse,
};

/// The multiget limit of `/items?ids=`.
pub const ITEMS_PER_MULTIGET: usize = 20;

/// How much of a non-2xx body is read; the rest is dropped with the connection.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Longest answer MeLi accepts.
pub const MAX_ANSWER_CHARS: usize = 2000;

/// Everything the client needs to know about our application.
#[derive(Debug, Clone)]
pub struct MeliConfig {
    /// `https://api.mercadolibre.com` in production, the simulator in tests.
    pub api_base: Url,
    /// Where the authorization page lives.
    pub auth_hosts: AuthHosts,
    /// The application id (APP ID).
    pub client_id: String,
    /// The application secret; only ever sent in the token request body.
    pub client_secret: SecretString,
    /// Registered redirect URI; must match DevCenter exactly.
    pub redirect_uri: String,
    /// Whole-request timeout (connect + response + body).
    pub timeout: Duration,
}

impl MeliConfig {
    /// Production hosts with a 15 s timeout.
    pub fn production(
        client_id: impl Into<String>,
        client_secret: SecretString,
        redirect_uri: impl Into<String>,
    ) -> Result<Self, MeliError> {
        Ok(Self {
            api_base: Url::parse("https://api.mercadolibre.com")
                .map_err(|e| MeliError::InvalidInput(e.to_string()))?,
            auth_hosts: AuthHosts::MercadoLibre,
            client_id: client_id.into(),
            client_secret,
            redirect_uri: redirect_uri.into(),
            timeout: Duration::from_secs(15),
        })
    }
}

/// Filters for `GET /questions/search`. Give `seller_id` or `item`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuestionsQuery {
    /// Questions received by this seller.
    pub seller_id: Option<i64>,
    /// Questions on this item.
    pub item: Option<String>,
    /// Questions by this buyer (together with `item`).
    pub from: Option<i64>,
    /// Only this status, e.g. `UNANSWERED`.
    pub status: Option<QuestionStatus>,
    /// `item_id`, `seller_id`, `from_id` or `date_created` (comma-separated).
    pub sort_fields: Option<String>,
    /// `ASC` or `DESC`.
    pub sort_types: Option<String>,
    /// Page offset.
    pub offset: Option<u32>,
    /// Page size (MeLi default 50).
    pub limit: Option<u32>,
}

/// A cheap-to-clone Mercado Libre API client.
#[derive(Clone)]
pub struct MeliClient {
    http: reqwest::Client,
    cfg: Arc<MeliConfig>,
}

impl std::fmt::Debug for MeliClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeliClient")
            .field("api_base", &self.cfg.api_base.as_str())
            .field("client_id", &self.cfg.client_id)
            .finish_non_exhaustive()
    }
}

impl MeliClient {
    /// Builds the client; fails on an `api_base` that cannot take paths.
    pub fn new(cfg: MeliConfig) -> Result<Self, MeliError> {
        let scheme = cfg.api_base.scheme();
        if !matches!(scheme, "http" | "https") || cfg.api_base.cannot_be_a_base() {
            return Err(MeliError::InvalidInput(format!(
                "api_base must be an http(s) base URL, got {}",
                cfg.api_base
            )));
        }
        if cfg.client_id.trim().is_empty() {
            return Err(MeliError::InvalidInput("client_id is empty".into()));
        }
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .user_agent(concat!("mostrador-meli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                MeliError::InvalidInput(format!("could not build the HTTP client: {e}"))
            })?;
        Ok(Self {
            http,
            cfg: Arc::new(cfg),
        })
    }

    /// Our application id.
    pub fn client_id(&self) -> &str {
        &self.cfg.client_id
    }

    /// The page to send the seller's browser to (PKCE S256).
    pub fn authorization_url(
        &self,
        site: &str,
        state: &str,
        code_challenge: &str,
    ) -> Result<Url, MeliError> {
        self.cfg.auth_hosts.authorization_url(
            site,
            &self.cfg.client_id,
            &self.cfg.redirect_uri,
            state,
            code_challenge,
        )
    }

    /// Trades the `code` from the redirect for tokens. `code_verifier` may be
    /// empty only for apps without PKCE.
    pub async fn exchange_code(
        &self,
        code: &str,
        code_verifier: &str,
    ) -> Result<TokenResponse, MeliError> {
        if code.trim().is_empty() {
            return Err(MeliError::InvalidInput(
                "authorization code is empty".into(),
            ));
        }
        let secret = self.cfg.client_secret.expose_secret();
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("client_id", self.cfg.client_id.as_str()),
            ("client_secret", secret),
            ("code", code),
            ("redirect_uri", self.cfg.redirect_uri.as_str()),
        ];
        if !code_verifier.is_empty() {
            form.push(("code_verifier", code_verifier));
        }
        self.token_request(&form).await
    }

    /// Gets a new token pair. The old refresh token dies: store the new one
    /// atomically, and never run two refreshes for one seller at once.
    pub async fn refresh_token(&self, refresh_token: &str) -> Result<TokenResponse, MeliError> {
        if refresh_token.trim().is_empty() {
            return Err(MeliError::InvalidInput("refresh token is empty".into()));
        }
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.cfg.client_id.as_str()),
            ("client_secret", self.cfg.client_secret.expose_secret()),
            ("refresh_token", refresh_token),
        ];
        self.token_request(&form).await
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<TokenResponse, MeliError> {
        let url = self.url(&["oauth", "token"])?;
        let req = self
            .http
            .post(url)
            .header(header::ACCEPT, "application/json")
            .form(form);
        let bytes = self.send(req, "oauth/token").await?;
        decode(&bytes, "token response")
    }

    /// `GET /users/me`: the owner of the token.
    pub async fn me(&self, access_token: &str) -> Result<User, MeliError> {
        self.get(access_token, &["users", "me"], &[], "user").await
    }

    /// `GET /users/{id}`.
    pub async fn user(&self, access_token: &str, id: i64) -> Result<User, MeliError> {
        self.get(access_token, &["users", &id.to_string()], &[], "user")
            .await
    }

    /// `GET /items/{id}`.
    pub async fn item(&self, access_token: &str, id: &str) -> Result<Item, MeliError> {
        check_item_id(id)?;
        self.get(access_token, &["items", id], &[], "item").await
    }

    /// `GET /items?ids=…` in chunks of 20; entries come back in input order,
    /// each with its own status.
    pub async fn items(
        &self,
        access_token: &str,
        ids: &[String],
    ) -> Result<Vec<MultigetEntry<Item>>, MeliError> {
        for id in ids {
            check_item_id(id)?;
        }
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ITEMS_PER_MULTIGET) {
            let query = [("ids", chunk.join(","))];
            let page: Vec<MultigetEntry<Item>> = self
                .get(access_token, &["items"], &query, "items multiget")
                .await?;
            out.extend(page);
        }
        Ok(out)
    }

    /// `GET /questions/{id}?api_version=4`.
    pub async fn question(&self, access_token: &str, id: i64) -> Result<Question, MeliError> {
        let query = [("api_version", "4".to_owned())];
        self.get(
            access_token,
            &["questions", &id.to_string()],
            &query,
            "question",
        )
        .await
    }

    /// `GET /questions/search?api_version=4&…`.
    pub async fn search_questions(
        &self,
        access_token: &str,
        q: &QuestionsQuery,
    ) -> Result<QuestionsSearch, MeliError> {
        if q.seller_id.is_none() && q.item.is_none() {
            return Err(MeliError::InvalidInput(
                "a question search needs a seller_id or an item".into(),
            ));
        }
        let mut query = vec![("api_version", "4".to_owned())];
        let opt = |k: &'static str, v: Option<String>| v.map(|v| (k, v));
        query.extend(
            [
                opt("seller_id", q.seller_id.map(|v| v.to_string())),
                opt("item", q.item.clone()),
                opt("from", q.from.map(|v| v.to_string())),
                opt("status", q.status.as_ref().map(|s| s.as_str().to_owned())),
                opt("sort_fields", q.sort_fields.clone()),
                opt("sort_types", q.sort_types.clone()),
                opt("offset", q.offset.map(|v| v.to_string())),
                opt("limit", q.limit.map(|v| v.to_string())),
            ]
            .into_iter()
            .flatten(),
        );
        self.get(
            access_token,
            &["questions", "search"],
            &query,
            "questions search",
        )
        .await
    }

    /// `POST /answers`. Returns MeLi's body as-is (its shape is not
    /// documented); an empty body is `null`. Re-GET the question to see the
    /// result.
    pub async fn post_answer(
        &self,
        access_token: &str,
        question_id: i64,
        text: &str,
    ) -> Result<serde_json::Value, MeliError> {
        check_token(access_token)?;
        if text.trim().is_empty() {
            return Err(MeliError::InvalidInput("answer text is empty".into()));
        }
        let chars = text.chars().count();
        if chars > MAX_ANSWER_CHARS {
            return Err(MeliError::InvalidInput(format!(
                "answer is {chars} characters; Mercado Libre accepts at most {MAX_ANSWER_CHARS}"
            )));
        }
        let url = self.url(&["answers"])?;
        let body = serde_json::json!({ "question_id": question_id, "text": text });
        let req = self
            .http
            .post(url)
            .bearer_auth(access_token)
            .header(header::ACCEPT, "application/json")
            .json(&body);
        let bytes = self.send(req, "answers").await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        decode(&bytes, "answer response")
    }

    /// `GET /missed_feeds?app_id=…`: undelivered notifications (2-day window).
    pub async fn missed_feeds(
        &self,
        access_token: &str,
        app_id: i64,
        topic: Option<&str>,
        offset: u32,
        limit: u32,
    ) -> Result<MissedFeeds, MeliError> {
        let mut query = vec![("app_id", app_id.to_string())];
        if let Some(t) = topic.filter(|t| !t.is_empty()) {
            query.push(("topic", t.to_owned()));
        }
        query.push(("offset", offset.to_string()));
        query.push(("limit", limit.to_string()));
        self.get(access_token, &["missed_feeds"], &query, "missed feeds")
            .await
    }

    /// An authenticated request to `path` (segments, each percent-encoded)
    /// with `query`, asking for JSON.
    fn request(
        &self,
        method: Method,
        access_token: &str,
        path: &[&str],
        query: &[(&str, String)],
    ) -> Result<RequestBuilder, MeliError> {
        check_token(access_token)?;
        let url = self.url(path)?;
        let mut req = self
            .http
            .request(method, url)
            .bearer_auth(access_token)
            .header(header::ACCEPT, "application/json");
        if !query.is_empty() {
            req = req.query(query);
        }
        Ok(req)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        access_token: &str,
        path: &[&str],
        query: &[(&str, String)],
        what: &'static str,
    ) -> Result<T, MeliError> {
        let req = self.request(Method::GET, access_token, path, query)?;
        self.fetch(req, what).await
    }

    /// Sends `req` and decodes its 2xx body as `T`.
    async fn fetch<T: DeserializeOwned>(
        &self,
        req: RequestBuilder,
        what: &'static str,
    ) -> Result<T, MeliError> {
        let bytes = self.send(req, what).await?;
        decode(&bytes, what)
    }

    /// Joins path segments onto `api_base`, percent-encoding each one so an
    /// id can never change the path.
    fn url(&self, segments: &[&str]) -> Result<Url, MeliError> {
        let mut url = self.cfg.api_base.clone();
        url.set_query(None);
        url.set_fragment(None);
        url.path_segments_mut()
            .map_err(|()| MeliError::InvalidInput("api_base cannot take a path".into()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    async fn send(&self, req: RequestBuilder, what: &'static str) -> Result<Vec<u8>, MeliError> {
        let resp = self.respond(req, what).await?;
        Ok(resp
            .bytes()
            .await
            .map_err(|e| transport(&e, self.cfg.timeout))?
            .to_vec())
    }

    /// Sends `req`; a 2xx response is returned unread, anything else becomes
    /// the matching [`MeliError`].
    async fn respond(
        &self,
        req: RequestBuilder,
        what: &'static str,
    ) -> Result<reqwest::Response, MeliError> {
        let started = std::time::Instant::now();
        let (endpoint, sent) = match req.build() {
            Ok(request) => (
                crate::metrics::endpoint(request.url().path(), self.cfg.api_base.path()),
                self.http.execute(request).await,
            ),
            Err(e) => ("/".to_owned(), Err(e)),
        };
        let resp = match sent {
            Ok(resp) => resp,
            Err(e) => {
                crate::metrics::record(endpoint, None, started.elapsed());
                return Err(transport(&e, self.cfg.timeout));
            }
        };
        crate::metrics::record(endpoint, Some(resp.status().as_u16()), started.elapsed());
        let status = resp.status();
        let retry_after = retry_after(resp.headers());
        let path = resp.url().path().to_owned();
        tracing::debug!(meli.call = what, http.path = %path, http.status = status.as_u16(), "mercado libre call");
        if status.is_success() {
            return Ok(resp);
        }
        let bytes = self.error_body(resp).await?;
        let body = Box::new(ApiErrorBody::from_bytes(&bytes));
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(MeliError::RateLimited { retry_after, body });
        }
        Err(MeliError::Api {
            status: status.as_u16(),
            body,
        })
    }

    /// At most [`MAX_ERROR_BODY_BYTES`] of an error body: enough for any real
    /// error, and a huge or endless body is neither buffered nor waited for.
    async fn error_body(&self, mut resp: reqwest::Response) -> Result<Vec<u8>, MeliError> {
        let mut bytes = Vec::new();
        while bytes.len() < MAX_ERROR_BODY_BYTES {
            match resp
                .chunk()
                .await
                .map_err(|e| transport(&e, self.cfg.timeout))?
            {
                Some(chunk) => bytes.extend_from_slice(&chunk),
                None => break,
            }
        }
        bytes.truncate(MAX_ERROR_BODY_BYTES);
        Ok(bytes)
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8], what: &'static str) -> Result<T, MeliError> {
    parse::decode_json(bytes).map_err(|e| MeliError::Decode {
        what,
        detail: e.detail(),
    })
}

fn check_token(token: &str) -> Result<(), MeliError> {
    // Anything else would fail inside the HTTP stack with a vaguer error.
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(MeliError::InvalidInput(
            "access token is empty or contains spaces or control characters".into(),
        ));
    }
    Ok(())
}

/// Opaque ids that go into a path (message and attachment ids): letters,
/// digits, `_`, `-` and `.`, at least one letter or digit, so an id can
/// never name another resource.
fn check_opaque_id(id: &str, what: &str) -> Result<(), MeliError> {
    let ok = id.bytes().any(|b| b.is_ascii_alphanumeric())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !ok {
        return Err(MeliError::InvalidInput(format!(
            "{what} {id:?} is not a Mercado Libre {what}"
        )));
    }
    Ok(())
}

/// A site id like `MLA`, `MLB`.
fn check_site(site_id: &str) -> Result<(), MeliError> {
    if site_id.len() != 3 || !site_id.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(MeliError::InvalidInput(format!(
            "site id {site_id:?} is not a Mercado Libre site (like MLA)"
        )));
    }
    Ok(())
}

/// A positive id; Mercado Libre has no id 0 or below.
fn check_id(id: i64, what: &str) -> Result<String, MeliError> {
    if id <= 0 {
        return Err(MeliError::InvalidInput(format!(
            "{what} {id} is not a Mercado Libre id"
        )));
    }
    Ok(id.to_string())
}

/// Text the agent wrote: not blank and at most `max` characters.
fn check_text(text: &str, max: usize, what: &str) -> Result<(), MeliError> {
    if text.trim().is_empty() {
        return Err(MeliError::InvalidInput(format!("{what} is empty")));
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(MeliError::InvalidInput(format!(
            "{what} is {chars} characters; Mercado Libre accepts at most {max}"
        )));
    }
    Ok(())
}

fn check_item_id(id: &str) -> Result<(), MeliError> {
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(MeliError::InvalidInput(format!(
            "item id {id:?} is not a Mercado Libre item id (like MLA599260060)"
        )));
    }
    Ok(())
}

/// `Retry-After` in seconds; the HTTP-date form is not used by MeLi and is
/// ignored (callers fall back to their own backoff).
fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    v.parse::<u64>().ok().map(Duration::from_secs)
}

fn transport(e: &reqwest::Error, timeout: Duration) -> MeliError {
    if e.is_timeout() {
        return MeliError::Transport(format!(
            "no answer within {}s (timeout)",
            timeout.as_secs_f32()
        ));
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    MeliError::Transport(text)
}
