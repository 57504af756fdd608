//! What a person does on an open conversation: reply (every channel, through
//! [`service::reply`]), start a post-sale conversation through an action-guide option, move it to
//! a module, team or person, and set its status. Each form posts to the conversation's address
//! with the list's filters in its query string, so the page comes back as it was; a refusal of
//! the marketplace rules comes back as `?error=<code>`, worded by the page.

use super::Page;
use crate::api::ConversationQuery;
use crate::desk::{self, AssignBody};
use crate::error::{AppError, AppResult};
use crate::extract::{Form, Path, Query};
use crate::service;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::routing::{Module, TeamKind};
use domain::*;
use serde::Deserialize;

/// Back to the conversation, with the filters and, on a refusal, its code.
fn back(id: i64, q: &ConversationQuery, error: Option<&str>) -> Response {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(code) = error {
        query.append_pair("error", code);
    }
    let mut query = query.finish();
    let filters = q.query_string();
    if !filters.is_empty() {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&filters);
    }
    if query.is_empty() {
        Redirect::to(&format!("/inbox/{id}")).into_response()
    } else {
        Redirect::to(&format!("/inbox/{id}?{query}")).into_response()
    }
}

/// Rule refusals go back to the page to be read there; "not found" and "forbidden" stay what
/// they are (another organization's conversation does not exist for this person).
fn finish<T>(id: i64, q: &ConversationQuery, what: &str, outcome: AppResult<T>) -> Response {
    match outcome {
        Ok(_) => back(id, q, None),
        Err(
            e @ (AppError::Conflict { .. }
            | AppError::Unprocessable { .. }
            | AppError::BadRequest { .. }),
        ) => {
            tracing::info!(conversation.id = id, error = %e, what, "refused");
            back(id, q, Some(e.code()))
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub(super) struct ReplyForm {
    text: String,
}

pub(super) async fn reply_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Path(id): Path<i64>,
    Query(q): Query<ConversationQuery>,
    Form(form): Form<ReplyForm>,
) -> Response {
    let outcome = service::reply(&state, &person, ConversationId(id), &form.text).await;
    finish(id, &q, "reply", outcome)
}

#[derive(Deserialize)]
pub(super) struct StartForm {
    option_id: Option<String>,
    text: String,
}

pub(super) async fn start_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Path(id): Path<i64>,
    Query(q): Query<ConversationQuery>,
    Form(form): Form<StartForm>,
) -> Response {
    let outcome = match form.option_id.as_deref().map(str::trim) {
        Some(option) if !option.is_empty() => {
            service::start_with_option(&state, &person, ConversationId(id), option, &form.text)
                .await
        }
        _ => Err(AppError::bad_request(
            "no_option",
            "choose one of Mercado Libre's options",
        )),
    };
    finish(id, &q, "action-guide start", outcome)
}

#[derive(Deserialize)]
pub(super) struct AssignForm {
    /// `module:<module>`, `team:<id>` or `person:<id>`.
    to: String,
}

fn bad_move(raw: &str) -> AppError {
    AppError::bad_request(
        "invalid_form",
        format!("cannot move a conversation to {raw:?}"),
    )
}

/// What moving to `to` means: a module leaves it unassigned there; a group belongs to the
/// commercial inbox and a department to the support desk; a person takes it where it is, within
/// its team.
async fn move_of(
    state: &AppState,
    person: &Person,
    id: ConversationId,
    to: &str,
) -> AppResult<AssignBody> {
    let (kind, value) = to.trim().split_once(':').ok_or_else(|| bad_move(to))?;
    let number = || value.parse::<i64>().map_err(|_| bad_move(to));
    Ok(match kind {
        "module" => AssignBody {
            module: Some(Module::parse(value).ok_or_else(|| bad_move(to))?),
            team_id: None,
            person_id: None,
        },
        "team" => {
            let team = TeamId(number()?);
            let teams = state.store.org_teams(person.org_id).await?;
            // A team of another organization keeps the module and is refused as not found.
            let module = teams.iter().find(|t| t.id == team).map(|t| match t.kind {
                TeamKind::Group => Module::Commercial,
                TeamKind::Department => Module::Support,
            });
            AssignBody {
                module,
                team_id: Some(team),
                person_id: None,
            }
        }
        "person" => {
            let current = state
                .store
                .org_conversation(person.org_id, id)
                .await?
                .ok_or(AppError::NotFound("conversation"))?;
            AssignBody {
                module: None,
                team_id: current.assigned_team_id,
                person_id: Some(PersonId(number()?)),
            }
        }
        _ => return Err(bad_move(to)),
    })
}

pub(super) async fn assign_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Path(id): Path<i64>,
    Query(q): Query<ConversationQuery>,
    Form(form): Form<AssignForm>,
) -> Response {
    let conversation = ConversationId(id);
    let outcome = match move_of(&state, &person, conversation, &form.to).await {
        Ok(body) => desk::assign_conversation(&state, &person, conversation, &body).await,
        Err(e) => Err(e),
    };
    finish(id, &q, "move", outcome)
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    status: String,
}

pub(super) async fn status_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Path(id): Path<i64>,
    Query(q): Query<ConversationQuery>,
    Form(form): Form<StatusForm>,
) -> Response {
    let outcome = match ConversationStatus::parse(form.status.trim()) {
        Some(status) => {
            desk::set_conversation_status(&state, &person, ConversationId(id), status).await
        }
        None => Err(AppError::bad_request(
            "invalid_form",
            format!("unknown status {:?}", form.status),
        )),
    };
    finish(id, &q, "status", outcome)
}
