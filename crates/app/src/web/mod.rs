//! The server-rendered web UI: login, the inbox (list · thread with composer · context panel) and
//! the stores page. Pages read only from our store; Mercado Libre is only called by workers.

use crate::api::ConversationQuery;
use crate::auth::{self, SESSION_COOKIE, WebPerson};
use crate::error::AppError;
use crate::service::{self, ConversationDetail};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use chrono::{DateTime, Utc};
use domain::*;
use serde::Deserialize;
use store::ConversationSummary;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/inbox") }))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/inbox", get(inbox))
        .route("/events", get(crate::live::events))
        .route("/inbox/{id}", get(conversation_page))
        .route("/inbox/{id}/answer", post(answer_submit))
        .route("/stores", get(stores_page))
        .route("/stores/connect", post(connect_submit))
        .route("/stores/{seller_id}/disconnect", post(disconnect_submit))
        .route("/oauth/callback", get(oauth_callback))
        .route("/static/app.js", get(app_js))
        .route("/static/app.css", get(app_css))
}

async fn app_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../static/app.js"),
    )
}

async fn app_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
}

/// Errors travel through redirects as codes, never as text, so a crafted link cannot make one of
/// our pages say something we did not write.
fn error_sentence(code: &str) -> &'static str {
    match code {
        "already_answered" => {
            "This question already has its answer: Mercado Libre allows one answer per question."
        }
        "empty" => "The answer is empty.",
        "too_long" => "The answer is longer than the 2,000 characters Mercado Libre accepts.",
        "wrong_channel" => "This conversation cannot be answered with a question answer.",
        "not_authorized" => "Mercado Libre did not authorize the connection.",
        "invalid_callback" => {
            "Mercado Libre's answer lacked the authorization code; connect the store again."
        }
        "invalid_state" => {
            "This authorization link expired or was already used; connect the store again."
        }
        "authorization_failed" => {
            "Mercado Libre refused the authorization; connect the store again."
        }
        "offline_access_missing" => {
            "Mercado Libre returned no refresh token: enable offline_access for this application."
        }
        "forbidden" => "Only the admin who started connecting the store can finish it.",
        _ => "Something went wrong; please try again.",
    }
}

fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::Internal(anyhow::anyhow!("rendering page: {e}")).into_response(),
    }
}

/// A short "waiting 5 min" style label for the list.
fn waiting_label(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0 => "just now".into(),
        1..=59 => format!("{minutes} min"),
        60..=1439 => format!("{} h", minutes / 60),
        _ => format!("{} d", minutes / 1440),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
}

async fn login_page() -> Response {
    render(&LoginPage { error: None })
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

async fn login_submit(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    match auth::login(&state, &form.email, &form.password).await {
        Ok((_, token)) => {
            let cookie = Cookie::build((SESSION_COOKIE, token))
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(state.config.secure_cookies)
                .path("/")
                .build();
            (jar.add(cookie), Redirect::to("/inbox")).into_response()
        }
        Err(AppError::Forbidden(msg)) => (
            StatusCode::UNAUTHORIZED,
            render(&LoginPage { error: Some(msg) }),
        )
            .into_response(),
        Err(e @ AppError::TooManyRequests { .. }) => (
            StatusCode::TOO_MANY_REQUESTS,
            render(&LoginPage {
                error: Some(e.to_string()),
            }),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    if let Some(c) = jar.get(SESSION_COOKIE)
        && let Err(e) = auth::logout(&state, c.value()).await
    {
        return e.into_response();
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response()
}

struct ListRow {
    id: i64,
    selected: bool,
    category: &'static str,
    badge: &'static str,
    status: &'static str,
    store: String,
    buyer: String,
    title: String,
    last_text: String,
    waiting: String,
    locked: bool,
}

fn list_rows(rows: Vec<ConversationSummary>, selected: Option<i64>) -> Vec<ListRow> {
    let now = Utc::now();
    rows.into_iter()
        .map(|s| ListRow {
            id: s.conversation.id.0,
            selected: Some(s.conversation.id.0) == selected,
            category: s.conversation.category.label(),
            badge: match s.conversation.category {
                Category::PreSaleQuestion => "Q&A",
                Category::PostSaleHelp => "Help",
                Category::Claim => "Claim",
            },
            status: s.conversation.status.as_str(),
            store: s.store_nickname.unwrap_or_default(),
            buyer: s
                .buyer_nickname
                .unwrap_or_else(|| s.conversation.buyer_id.to_string()),
            title: s.item_title.unwrap_or_default(),
            last_text: s.last_text.unwrap_or_default(),
            waiting: waiting_label(s.conversation.last_inbound_at, now),
            locked: s.conversation.reply_locked,
        })
        .collect()
}

struct ThreadMessage {
    author: &'static str,
    outbound: bool,
    text: String,
    at: String,
    delivery: &'static str,
    error: Option<String>,
}

struct Thread {
    id: i64,
    detail: ConversationDetail,
    messages: Vec<ThreadMessage>,
    buyer: String,
    price: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    person: Person,
    rows: Vec<ListRow>,
    filter_category: String,
    filter_status: String,
    filter_seller: String,
    /// `?…` carrying the filters into conversation links, or empty.
    filter_query: String,
    stores: Vec<(i64, String)>,
    thread: Option<Thread>,
    error: Option<&'static str>,
    max_chars: usize,
}

async fn inbox(
    State(state): State<AppState>,
    WebPerson(person): WebPerson,
    Query(q): Query<ConversationQuery>,
) -> Response {
    inbox_response(state, person, q, None, None).await
}

#[derive(Deserialize)]
struct ConversationPageQuery {
    error: Option<String>,
    #[serde(flatten)]
    filter: ConversationQuery,
}

async fn conversation_page(
    State(state): State<AppState>,
    WebPerson(person): WebPerson,
    Path(id): Path<i64>,
    Query(q): Query<ConversationPageQuery>,
) -> Response {
    inbox_response(state, person, q.filter, Some(id), q.error).await
}

async fn inbox_response(
    state: AppState,
    person: Person,
    q: ConversationQuery,
    selected: Option<i64>,
    error: Option<String>,
) -> Response {
    let filter = match q.to_filter() {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let rows = match service::list_conversations(&state, &filter).await {
        Ok(rows) => rows,
        Err(e) => return e.into_response(),
    };
    let thread = match selected {
        Some(id) => match service::conversation_detail(&state, ConversationId(id)).await {
            Ok(detail) => Some(thread(id, detail)),
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let stores = match state.store.connections().await {
        Ok(c) => c
            .into_iter()
            .map(|c| (c.seller_id.0, format!("{} ({})", c.nickname, c.site_id)))
            .collect(),
        Err(e) => return AppError::from(e).into_response(),
    };
    let filter_query = match q.query_string() {
        qs if qs.is_empty() => String::new(),
        qs => format!("?{qs}"),
    };
    render(&InboxPage {
        person,
        rows: list_rows(rows, selected),
        filter_seller: q.seller_id.clone().unwrap_or_default(),
        filter_query,
        stores,
        filter_category: q.category.unwrap_or_default(),
        filter_status: q.status.unwrap_or_default(),
        thread,
        error: error.as_deref().map(error_sentence),
        max_chars: domain::rules::ANSWER_MAX_CHARS,
    })
}

fn thread(id: i64, detail: ConversationDetail) -> Thread {
    let messages = detail
        .messages
        .iter()
        .map(|m| ThreadMessage {
            author: match m.author {
                Author::Buyer => "Buyer",
                Author::Agent => "Agent",
                Author::Bot => "Bot",
                Author::Mediator => "Mediator",
                Author::Seller => "Seller (on Mercado Libre)",
            },
            outbound: m.direction == Direction::Outbound,
            text: m.text.clone(),
            at: m.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            delivery: m.delivery.as_str(),
            error: m.error.clone(),
        })
        .collect();
    let buyer = detail
        .context
        .buyer
        .nickname
        .clone()
        .unwrap_or_else(|| detail.context.buyer.id.to_string());
    let price = detail
        .context
        .listing
        .as_ref()
        .map(|l| {
            format!(
                "{} · {}",
                domain::money::display(l.price, &l.currency_id),
                l.currency_id
            )
        })
        .unwrap_or_default();
    Thread {
        id,
        detail,
        messages,
        buyer,
        price,
    }
}

#[derive(Deserialize)]
struct AnswerForm {
    text: String,
}

async fn answer_submit(
    State(state): State<AppState>,
    WebPerson(person): WebPerson,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Response {
    match service::answer_question(&state, &person, ConversationId(id), &form.text).await {
        Ok(_) => Redirect::to(&format!("/inbox/{id}")).into_response(),
        Err(
            e @ (AppError::Conflict { .. }
            | AppError::Unprocessable { .. }
            | AppError::BadRequest { .. }),
        ) => {
            tracing::info!(conversation.id = id, error = %e, "answer refused");
            Redirect::to(&format!("/inbox/{id}?error={}", e.code())).into_response()
        }
        Err(e) => e.into_response(),
    }
}

struct StoreRow {
    seller_id: i64,
    nickname: String,
    site_id: String,
    currency_id: String,
    health: &'static str,
    health_detail: String,
}

#[derive(Template)]
#[template(path = "stores.html")]
struct StoresPage {
    person: Person,
    stores: Vec<StoreRow>,
    sites: Vec<(&'static str, &'static str)>,
    error: Option<&'static str>,
    is_admin: bool,
}

#[derive(Deserialize)]
struct StoresQuery {
    error: Option<String>,
}

async fn stores_page(
    State(state): State<AppState>,
    WebPerson(person): WebPerson,
    Query(q): Query<StoresQuery>,
) -> Response {
    let connections = match state.store.connections().await {
        Ok(c) => c,
        Err(e) => return AppError::from(e).into_response(),
    };
    let stores = connections
        .into_iter()
        .map(|c| StoreRow {
            seller_id: c.seller_id.0,
            nickname: c.nickname,
            site_id: c.site_id,
            currency_id: c.currency_id,
            health: c.health.as_str(),
            health_detail: c.health_detail.unwrap_or_default(),
        })
        .collect();
    let sites = domain::site::SITES
        .iter()
        .map(|s| (s.code, s.country))
        .collect();
    let is_admin = person.role == Role::Admin;
    render(&StoresPage {
        person,
        stores,
        sites,
        error: q.error.as_deref().map(error_sentence),
        is_admin,
    })
}

#[derive(Deserialize)]
struct ConnectForm {
    site: String,
}

async fn connect_submit(
    State(state): State<AppState>,
    WebPerson(person): WebPerson,
    Form(form): Form<ConnectForm>,
) -> Response {
    if person.role != Role::Admin {
        return AppError::Forbidden("only admins connect stores".into()).into_response();
    }
    match crate::connect::start(&state, &person, &form.site).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn oauth_callback(
    State(state): State<AppState>,
    WebPerson(person): WebPerson,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let back_with = |code: &str| Redirect::to(&format!("/stores?error={code}")).into_response();
    if let Some(error) = q.error {
        tracing::warn!(error = %error, description = q.error_description.as_deref().unwrap_or_default(), "Mercado Libre did not authorize");
        return back_with("not_authorized");
    }
    let (Some(code), Some(csrf)) = (q.code, q.state) else {
        return back_with("invalid_callback");
    };
    match crate::connect::finish(&state, &person, &code, &csrf).await {
        Ok(_) => Redirect::to("/stores").into_response(),
        Err(AppError::Internal(e)) => AppError::Internal(e).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "connecting a store failed");
            back_with(e.code())
        }
    }
}

async fn disconnect_submit(
    State(state): State<AppState>,
    WebPerson(person): WebPerson,
    Path(seller_id): Path<i64>,
) -> Response {
    match crate::connect::disconnect(&state, &person, SellerId(seller_id)).await {
        Ok(()) => Redirect::to("/stores").into_response(),
        Err(e) => e.into_response(),
    }
}
