//! The server-rendered web UI: login, the inbox and support desk (list · thread with composer ·
//! context panel), the stores page and the admins' settings (where each category goes, teams), in
//! the person's language ([`crate::i18n`]). Pages read only from our store; Mercado Libre is only
//! called by workers. Every write goes through the same [`crate::service`] and [`crate::desk`]
//! functions as the JSON API, so both obey the same rules.

mod actions;
mod chart;
mod contacts;
mod figures;
mod inbox;
mod login;
mod monitor;

pub(crate) use monitor::csv_response as monitor_csv;
mod settings;
mod stores;
mod teams;
mod thread;

use crate::auth::WebPerson;
use crate::error::AppError;
use crate::extract::Form;
use crate::i18n::{LANG_COOKIE, Lang, LangPrefs};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::Person;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use std::convert::Infallible;

/// Every page except the live-update stream (see [`crate::live`]), which `build_router` mounts
/// apart so the request timeout does not cut it.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/inbox") }))
        .route("/login", get(login::page).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/settings/language", post(set_language))
        .route("/inbox", get(inbox::inbox))
        .route("/inbox/{id}", get(inbox::conversation_page))
        .route("/inbox/{id}/answer", post(actions::reply_submit))
        .route("/inbox/{id}/start", post(actions::start_submit))
        .route("/inbox/{id}/assign", post(actions::assign_submit))
        .route("/inbox/{id}/status", post(actions::status_submit))
        .route(
            "/settings",
            get(|| async { Redirect::to("/settings/routing") }),
        )
        .route("/settings/routing", get(settings::page))
        .route(
            "/settings/routing/{seller_id}/{category}",
            post(settings::route_submit),
        )
        .route(
            "/settings/teams",
            get(teams::page).post(teams::create_submit),
        )
        .route("/settings/teams/{id}/members", post(teams::members_submit))
        .route("/settings/teams/{id}/delete", post(teams::delete_submit))
        .route("/monitor", get(monitor::page))
        .route("/monitor/orders", get(monitor::orders))
        .route("/monitor/orders.csv", get(monitor::orders_csv))
        .route("/stores", get(stores::page))
        .route("/stores/connect", post(stores::connect_submit))
        .route(
            "/stores/{seller_id}/disconnect",
            post(stores::disconnect_submit),
        )
        .route("/oauth/callback", get(stores::oauth_callback))
        .merge(contacts::routes())
        .route("/static/app.js", get(app_js))
        .route("/static/app.css", get(app_css))
}

async fn app_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../static/app.js"),
    )
}

async fn app_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../static/app.css"),
    )
}

/// What every page's frame needs: its language, and where the language switcher comes back to.
pub struct Ui {
    pub lang: Lang,
    /// This page's path and query.
    pub here: String,
}

/// One entry of the language switcher, named in its own language.
pub struct LangOption {
    pub code: &'static str,
    pub name: String,
    pub current: bool,
}

impl Ui {
    pub fn new(lang: Lang, here: impl Into<String>) -> Self {
        Ui {
            lang,
            here: here.into(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The message for an enum word, e.g. `tc("status", "open")` reads `status-open`.
    pub fn tc(&self, prefix: &str, code: &str) -> String {
        self.lang.t(&format!("{prefix}-{code}"))
    }

    /// A Mercado Libre word (an order status, a blocked substatus, a moderation reason…): ours
    /// when we have one, else the word itself. Mercado Libre adds values without notice, and an
    /// agent is better served by the raw word than by nothing.
    pub fn word(&self, prefix: &str, code: &str) -> String {
        let key = format!("{prefix}-{code}");
        match self.lang.t(&key) {
            text if text == key => code.to_string(),
            text => text,
        }
    }

    pub fn languages(&self) -> Vec<LangOption> {
        Lang::ALL
            .iter()
            .map(|&l| LangOption {
                code: l.code(),
                name: l.t("language-name"),
                current: l == self.lang,
            })
            .collect()
    }
}

fn here(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_string(), |pq| pq.as_str().to_string())
}

/// The frame of a page nobody needs to be signed in for (the login page).
impl<S: Send + Sync> FromRequestParts<S> for Ui {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let lang = LangPrefs::from_headers(&parts.headers).resolve(None);
        Ok(Ui::new(lang, here(parts)))
    }
}

/// A signed-in person and their page's frame; anonymous visitors go to the login page.
pub struct Page {
    pub person: Person,
    pub ui: Ui,
}

/// The language saved on the person's account, once accounts keep one (the switcher's cookie still
/// wins over it, see [`crate::i18n::resolve_lang`]).
fn saved_language(person: &Person) -> Option<&str> {
    person.language.as_deref()
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let WebPerson(person) = WebPerson::from_request_parts(parts, state).await?;
        let lang = LangPrefs::from_headers(&parts.headers).resolve(saved_language(&person));
        Ok(Page {
            person,
            ui: Ui::new(lang, here(parts)),
        })
    }
}

fn render(t: &impl Template) -> Response {
    match t.render() {
        // The words depend on these request headers.
        Ok(html) => ([(header::VARY, "Accept-Language, Cookie")], Html(html)).into_response(),
        Err(e) => AppError::Internal(anyhow::anyhow!("rendering page: {e}")).into_response(),
    }
}

/// The message key of an error code. Codes travel through redirects (`?error=…`), never text, and
/// unknown codes read as the generic sentence, so a crafted link cannot make a page say something
/// we did not write.
fn error_key(code: &str) -> &'static str {
    match code {
        "already_answered" => "error-already_answered",
        "empty" => "error-empty",
        "too_long" => "error-too_long",
        "wrong_channel" => "error-wrong_channel",
        "not_authorized" => "error-not_authorized",
        "invalid_callback" => "error-invalid_callback",
        "invalid_state" => "error-invalid_state",
        "authorization_failed" => "error-authorization_failed",
        "offline_access_missing" => "error-offline_access_missing",
        "forbidden" => "error-forbidden",
        "unauthorized" => "error-unauthorized",
        "not_found" => "error-not_found",
        "method_not_allowed" => "error-method_not_allowed",
        "invalid_filter" => "error-invalid_filter",
        "not_buyer_started" => "error-not_buyer_started",
        "blocked" => "error-blocked",
        "no_claim_action" => "error-no_claim_action",
        "unsupported_character" => "error-unsupported_character",
        "no_cap_available" => "error-no_cap_available",
        "no_option" => "error-no_option",
        "asks_personal_data" => "error-asks_personal_data",
        "phone_number" => "error-phone_number",
        "email" => "error-email",
        "social_media" => "error-social_media",
        "external_link" => "error-external_link",
        "off_platform_payment" => "error-off_platform_payment",
        "guarded" => "error-guarded",
        "flow_bot_on_pre_sale" => "error-flow_bot_on_pre_sale",
        "support_on_pre_sale" => "error-support_on_pre_sale",
        "classification_bot_not_offered" => "error-classification_bot_not_offered",
        "unknown_target" => "error-unknown_target",
        "wrong_team" | "wrong_team_kind" => "error-wrong_team_kind",
        "unknown_agent" => "error-unknown_agent",
        "unknown_category" => "error-unknown_category",
        "team_name_taken" => "error-team_name_taken",
        "team_name_empty" => "error-team_name_empty",
        "unknown_team_kind" => "error-unknown_team_kind",
        "invalid_period" => "error-invalid_period",
        "invalid_path" | "invalid_query" | "invalid_form" | "invalid_json" | "invalid_body"
        | "bad_request" | "unknown_language" => "error-invalid_request",
        "payload_too_large" => "error-payload_too_large",
        "unsupported_media_type" => "error-unsupported_media_type",
        "timeout" => "error-timeout",
        "too_many_requests" => "error-too_many_requests",
        _ => "error-generic",
    }
}

/// An error code worded for a person. `retry_after_secs` fills the throttling message.
pub fn error_sentence(lang: Lang, code: &str, retry_after_secs: Option<u64>) -> String {
    error_sentence_with_limit(
        lang,
        code,
        retry_after_secs,
        domain::rules::ANSWER_MAX_CHARS,
    )
}

/// [`error_sentence`] for a channel whose length limit is `limit` characters (a question's
/// answer 2,000, a post-sale or claim message 350).
pub fn error_sentence_with_limit(
    lang: Lang,
    code: &str,
    retry_after_secs: Option<u64>,
    limit: usize,
) -> String {
    let args = [
        ("limit", FluentValue::from(limit as u64)),
        ("seconds", FluentValue::from(retry_after_secs.unwrap_or(1))),
    ];
    lang.t_with(error_key(code), &args)
}

/// A choice of a `<select>` or a group of checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
        let value = value.into();
        Choice {
            selected: value == current,
            label: label.into(),
            value,
        }
    }
}

/// Choices under a heading (`<optgroup>`); an empty label means no heading.
pub struct ChoiceGroup {
    pub label: String,
    pub choices: Vec<Choice>,
}

/// The refusal (403, worded on the error page) of a page or a write for anyone but an admin.
fn unless_admin(person: &Person) -> Option<Response> {
    crate::people::require_admin(person)
        .err()
        .map(IntoResponse::into_response)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ui: Ui,
    message: String,
}

/// A readable error page in `lang`, in place of the JSON an HTML route's failure would carry.
pub fn error_page(
    lang: Lang,
    here: String,
    status: StatusCode,
    code: &str,
    retry_after_secs: Option<u64>,
) -> Response {
    let page = ErrorPage {
        message: error_sentence(lang, code, retry_after_secs),
        ui: Ui::new(lang, here),
    };
    (status, render(&page)).into_response()
}

#[derive(Deserialize)]
struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// Where to go back after switching language: our own page, never another site.
fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            p
        }
        _ => "/inbox",
    }
}

const ONE_YEAR_SECS: u32 = 365 * 24 * 3600;

/// The language switcher: remembers the choice in this browser for a year.
async fn set_language(
    State(state): State<AppState>,
    crate::auth::MaybePerson(person): crate::auth::MaybePerson,
    jar: CookieJar,
    Form(form): Form<LanguageForm>,
) -> Response {
    let Some(lang) = Lang::from_tag(&form.lang) else {
        return AppError::bad_request("unknown_language", "unknown language").into_response();
    };
    // Signed in: the choice follows the person to other browsers too.
    if let Some(person) = person
        && let Err(e) = state
            .store
            .set_person_language(person.org_id, person.id, Some(lang.code()))
            .await
    {
        return AppError::from(e).into_response();
    }
    // Parsed rather than built: the builder's max-age wants the `time` crate's Duration.
    let mut cookie = Cookie::parse(format!(
        "{LANG_COOKIE}={}; Max-Age={ONE_YEAR_SECS}",
        lang.code()
    ))
    .unwrap_or_else(|_| Cookie::new(LANG_COOKIE, lang.code()));
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(state.config.secure_cookies);
    cookie.set_path("/");
    let mut response = (jar.add(cookie), StatusCode::SEE_OTHER).into_response();
    let location = HeaderValue::from_str(local_path(form.next.as_deref()))
        .unwrap_or(HeaderValue::from_static("/inbox"));
    response.headers_mut().insert(header::LOCATION, location);
    response
}

#[cfg(test)]
mod tests;
