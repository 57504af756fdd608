//! The inbox and the support desk: module tabs (commercial inbox, support desk, bot queue), the
//! filtered conversation list, the open thread (see [`super::thread`]) and the answer-time panel.

use super::figures::{Figures, figures};
use super::thread::{self, Staff, Thread, waiting_label};
use super::{Choice, ChoiceGroup, Page, Ui, error_sentence_with_limit, render};
use crate::api::ConversationQuery;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::service;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::routing::{Module, TeamKind};
use domain::*;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use store::ConversationSummary;

pub(super) struct ListRow {
    id: i64,
    selected: bool,
    category: String,
    category_code: &'static str,
    badge: String,
    status: &'static str,
    status_label: String,
    module: String,
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
                category_code: c.category.as_str(),
                badge: ui.tc("badge", c.category.as_str()),
                status: c.status.as_str(),
                status_label: ui.tc("status", c.status.as_str()),
                module: ui.tc("module", c.module.as_str()),
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

/// A module tab: the list with every other filter kept.
pub(super) struct Tab {
    code: &'static str,
    label: String,
    href: String,
    current: bool,
}

fn tabs(ui: &Ui, q: &ConversationQuery) -> Vec<Tab> {
    let current = q.module.as_deref().map(str::trim).unwrap_or_default();
    [
        ("all", None),
        ("commercial", Some(Module::Commercial)),
        ("support", Some(Module::Support)),
        ("bot", Some(Module::Bot)),
    ]
    .into_iter()
    .map(|(code, module)| {
        let mut with = q.clone();
        with.module = module.map(|m| m.as_str().to_string());
        let qs = with.query_string();
        Tab {
            code,
            label: ui.tc("tab", code),
            href: if qs.is_empty() {
                "/inbox".to_string()
            } else {
                format!("/inbox?{qs}")
            },
            current: module.map_or(current.is_empty(), |m| m.as_str() == current),
        }
    })
    .collect()
}

/// The filter form's choices, each knowing whether it is the one in force.
pub(super) struct FilterForm {
    module: String,
    stores: Vec<Choice>,
    categories: Vec<Choice>,
    statuses: Vec<Choice>,
    assignees: Vec<ChoiceGroup>,
    waiting: Vec<Choice>,
}

/// "Over 1 h / 4 h / 24 h", in minutes.
const WAITING_CHOICES: [i64; 3] = [60, 240, 1440];

fn filter_form(
    ui: &Ui,
    q: &ConversationQuery,
    stores: &[store::Connection],
    staff: &Staff,
) -> FilterForm {
    let current = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_string();
    let seller = current(&q.seller_id);
    let category = current(&q.category);
    let status = current(&q.status);
    let assignee = current(&q.assignee);
    let waiting = current(&q.waiting_min);
    let teams_of = |kind: TeamKind, heading: &str| ChoiceGroup {
        label: ui.t(heading),
        choices: staff
            .teams
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| Choice::new(format!("team:{}", t.id), t.name.clone(), &assignee))
            .collect(),
    };
    let assignees = [
        ChoiceGroup {
            label: String::new(),
            choices: vec![
                Choice::new("me", ui.t("filter-assignee-me"), &assignee),
                Choice::new("nobody", ui.t("filter-assignee-nobody"), &assignee),
            ],
        },
        teams_of(TeamKind::Group, "move-groups"),
        teams_of(TeamKind::Department, "move-departments"),
        ChoiceGroup {
            label: ui.t("move-people"),
            choices: staff
                .people
                .iter()
                .map(|p| Choice::new(format!("person:{}", p.id), p.name.clone(), &assignee))
                .collect(),
        },
    ]
    .into_iter()
    .filter(|g| !g.choices.is_empty())
    .collect();
    FilterForm {
        module: current(&q.module),
        stores: stores
            .iter()
            .map(|c| {
                Choice::new(
                    c.seller_id.to_string(),
                    format!("{} ({})", c.nickname, c.site_id),
                    &seller,
                )
            })
            .collect(),
        categories: [
            Category::PreSaleQuestion,
            Category::PostSaleHelp,
            Category::Claim,
        ]
        .into_iter()
        .map(|c| Choice::new(c.as_str(), ui.tc("category", c.as_str()), &category))
        .collect(),
        statuses: [
            ConversationStatus::Open,
            ConversationStatus::Waiting,
            ConversationStatus::Resolved,
        ]
        .into_iter()
        .map(|s| Choice::new(s.as_str(), ui.tc("status", s.as_str()), &status))
        .collect(),
        assignees,
        waiting: WAITING_CHOICES
            .into_iter()
            .map(|minutes| {
                Choice::new(
                    minutes.to_string(),
                    ui.lang.t_with(
                        "filter-waiting-over",
                        &[("n", FluentValue::from(minutes / 60))],
                    ),
                    &waiting,
                )
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    ui: Ui,
    person: Person,
    tabs: Vec<Tab>,
    filters: FilterForm,
    rows: Vec<ListRow>,
    /// `?…` carrying the filters into conversation links and forms, or empty.
    filter_query: String,
    thread: Option<Thread>,
    error: Option<String>,
    figures: Figures,
    /// The buyer's RFM segment in the conversation's store, worded.
    segment: Option<String>,
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
    match inbox_page(&state, person, ui, q, selected, error).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

async fn inbox_page(
    state: &AppState,
    person: Person,
    ui: Ui,
    q: ConversationQuery,
    selected: Option<i64>,
    error: Option<String>,
) -> Result<InboxPage, AppError> {
    let filter = q.to_filter_for(&person)?;
    let rows = service::list_conversations(state, &person, &filter).await?;
    let staff = Staff {
        people: state.store.org_people(person.org_id).await?,
        teams: state.store.org_teams(person.org_id).await?,
    };
    let thread = match selected {
        Some(id) => {
            let detail = service::conversation_detail(state, &person, ConversationId(id)).await?;
            Some(thread::build(&ui, id, detail, &staff))
        }
        None => None,
    };
    let segment = match &thread {
        Some(t) => Some(buyer_segment(state, &ui, &person, t).await?),
        None => None,
    };
    let stores = state.store.org_connections(person.org_id).await?;
    let times = crate::desk::answer_times_of(state, person.org_id).await?;
    let filter_query = match q.query_string() {
        qs if qs.is_empty() => String::new(),
        qs => format!("?{qs}"),
    };
    // A refusal's "at most N characters" is the limit of the channel it was refused on.
    let limit = thread
        .as_ref()
        .map_or(domain::rules::ANSWER_MAX_CHARS, |t| t.composer.max_chars);
    Ok(InboxPage {
        tabs: tabs(&ui, &q),
        filters: filter_form(&ui, &q, &stores, &staff),
        rows: list_rows(&ui, rows, selected),
        filter_query,
        thread,
        error: error.map(|code| error_sentence_with_limit(ui.lang, &code, None, limit)),
        figures: figures(&ui, times),
        segment,
        person,
        ui,
    })
}

/// The buyer's segment in the store's RFM ([`crate::figures::customer_segment`]), worded; "no
/// purchases yet" for a buyer without a sale there, or a conversation without its store.
async fn buyer_segment(
    state: &AppState,
    ui: &Ui,
    person: &Person,
    t: &Thread,
) -> Result<String, AppError> {
    let Some(store) = &t.detail.context.store else {
        return Ok(ui.t("context-segment-none"));
    };
    let segment = crate::figures::customer_segment(
        state,
        person.org_id,
        store.seller_id,
        t.detail.context.buyer.id,
    )
    .await?;
    Ok(segment.map_or_else(
        || ui.t("context-segment-none"),
        |s| ui.tc("rfm-segment", s.code()),
    ))
}
