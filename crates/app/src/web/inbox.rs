//! The inbox: the conversation list, the open thread with its composer, and the context panel.

use super::{Page, Ui, error_sentence, render};
use crate::api::ConversationQuery;
use crate::error::AppError;
use crate::extract::{Form, Path, Query};
use crate::i18n::Lang;
use crate::localtime::{format_local, site_zone};
use crate::service::{self, ConversationDetail};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use domain::*;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use store::ConversationSummary;

/// A short "waiting 5 min" style label for the list.
pub(super) fn waiting_label(lang: Lang, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    let (key, n) = match minutes {
        0 => ("waiting-now", 0),
        1..=59 => ("waiting-minutes", minutes),
        60..=1439 => ("waiting-hours", minutes / 60),
        _ => ("waiting-days", minutes / 1440),
    };
    lang.t_with(key, &[("n", FluentValue::from(n))])
}

pub(super) struct ListRow {
    id: i64,
    selected: bool,
    category: String,
    badge: String,
    status: &'static str,
    status_label: String,
    store: String,
    buyer: String,
    title: String,
    last_text: String,
    waiting: String,
    locked: bool,
}

fn list_rows(ui: &Ui, rows: Vec<ConversationSummary>, selected: Option<i64>) -> Vec<ListRow> {
    let now = Utc::now();
    rows.into_iter()
        .map(|s| {
            let c = &s.conversation;
            ListRow {
                id: c.id.0,
                selected: Some(c.id.0) == selected,
                category: ui.tc("category", c.category.as_str()),
                badge: ui.tc("badge", c.category.as_str()),
                status: c.status.as_str(),
                status_label: ui.tc("status", c.status.as_str()),
                buyer: s
                    .buyer_nickname
                    .clone()
                    .unwrap_or_else(|| c.buyer_id.to_string()),
                waiting: waiting_label(ui.lang, c.last_inbound_at, now),
                locked: c.reply_locked,
                store: s.store_nickname.unwrap_or_default(),
                title: s.item_title.unwrap_or_default(),
                last_text: s.last_text.unwrap_or_default(),
            }
        })
        .collect()
}

pub(super) struct ThreadMessage {
    author: String,
    outbound: bool,
    text: String,
    /// In the store's zone and the reader's date format.
    at: String,
    /// The instant, for `<time datetime>`.
    at_iso: String,
    delivery: &'static str,
    delivery_label: String,
    /// Why delivery failed, as the worker recorded it (stored text, not translated).
    error: Option<String>,
}

pub(super) struct Thread {
    id: i64,
    detail: ConversationDetail,
    messages: Vec<ThreadMessage>,
    category: String,
    buyer: String,
    price: String,
    zone: String,
    locked_reason: Option<String>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    ui: Ui,
    person: Person,
    rows: Vec<ListRow>,
    filter_category: String,
    filter_status: String,
    filter_seller: String,
    /// `?…` carrying the filters into conversation links, or empty.
    filter_query: String,
    stores: Vec<(i64, String)>,
    categories: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    thread: Option<Thread>,
    error: Option<String>,
    max_chars: usize,
}

pub(super) async fn inbox(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ConversationQuery>,
) -> Response {
    inbox_response(state, page, q, None, None).await
}

#[derive(Deserialize)]
pub(super) struct ConversationPageQuery {
    error: Option<String>,
    #[serde(flatten)]
    filter: ConversationQuery,
}

pub(super) async fn conversation_page(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<ConversationPageQuery>,
) -> Response {
    inbox_response(state, page, q.filter, Some(id), q.error).await
}

async fn inbox_response(
    state: AppState,
    Page { person, ui }: Page,
    q: ConversationQuery,
    selected: Option<i64>,
    error: Option<String>,
) -> Response {
    let filter = match q.to_filter_for(&person) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let rows = match service::list_conversations(&state, &person, &filter).await {
        Ok(rows) => rows,
        Err(e) => return e.into_response(),
    };
    let thread = match selected {
        Some(id) => match service::conversation_detail(&state, &person, ConversationId(id)).await {
            Ok(detail) => Some(thread(&ui, id, detail)),
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let stores = match state.store.org_connections(person.org_id).await {
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
    let categories = [
        Category::PreSaleQuestion,
        Category::PostSaleHelp,
        Category::Claim,
    ]
    .map(|c| (c.as_str(), ui.tc("category", c.as_str())))
    .to_vec();
    let statuses = [
        ConversationStatus::Open,
        ConversationStatus::Waiting,
        ConversationStatus::Resolved,
    ]
    .map(|s| (s.as_str(), ui.tc("status", s.as_str())))
    .to_vec();
    render(&InboxPage {
        rows: list_rows(&ui, rows, selected),
        filter_seller: q.seller_id.clone().unwrap_or_default(),
        filter_query,
        stores,
        categories,
        statuses,
        filter_category: q.category.unwrap_or_default(),
        filter_status: q.status.unwrap_or_default(),
        thread,
        error: error.map(|code| error_sentence(ui.lang, &code, None)),
        max_chars: domain::rules::ANSWER_MAX_CHARS,
        person,
        ui,
    })
}

fn thread(ui: &Ui, id: i64, detail: ConversationDetail) -> Thread {
    let site = detail
        .context
        .store
        .as_ref()
        .map(|s| s.site_id.as_str())
        .or(detail.context.listing.as_ref().map(|l| l.site_id.as_str()))
        .unwrap_or_default();
    let zone = site_zone(site);
    let messages = detail
        .messages
        .iter()
        .map(|m| ThreadMessage {
            author: ui.tc("author", m.author.as_str()),
            outbound: m.direction == Direction::Outbound,
            text: m.text.clone(),
            at: format_local(m.created_at, zone, ui.lang),
            at_iso: m.created_at.to_rfc3339(),
            delivery: m.delivery.as_str(),
            delivery_label: ui.tc("delivery", m.delivery.as_str()),
            error: m.error.clone(),
        })
        .collect();
    let buyer = detail
        .context
        .buyer
        .nickname
        .clone()
        .unwrap_or_else(|| detail.context.buyer.id.to_string());
    // Prices read as the listing's buyers read them (their country's style, exact amounts): the
    // agent quotes that figure back to them.
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
    let locked_reason = (!detail.composer.open).then(|| {
        let code = domain::rules::question_locked_code(detail.conversation.meli_status.as_deref());
        ui.tc("locked", code)
    });
    Thread {
        id,
        category: ui.tc("category", detail.conversation.category.as_str()),
        messages,
        buyer,
        price,
        zone: zone.name().to_string(),
        locked_reason,
        detail,
    }
}

#[derive(Deserialize)]
pub(super) struct AnswerForm {
    text: String,
}

pub(super) async fn answer_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
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
