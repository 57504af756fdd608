//! The teams page (admins): groups staff the commercial inbox, departments the support desk.
//! Create, set members (checkboxes of the organization's people), delete — through the same
//! [`desk`] functions as the API.

use super::{Choice, Page, Ui, error_sentence, render, unless_admin};
use crate::desk;
use crate::error::{AppError, AppResult};
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::routing::TeamKind;
use domain::*;
use serde::Deserialize;

pub(super) struct TeamView {
    id: i64,
    kind: &'static str,
    kind_label: String,
    name: String,
    members: Vec<Choice>,
    member_names: String,
}

#[derive(Template)]
#[template(path = "settings_teams.html")]
struct TeamsPage {
    ui: Ui,
    person: Person,
    teams: Vec<TeamView>,
    kinds: Vec<Choice>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct TeamsQuery {
    error: Option<String>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Page { person, ui }: Page,
    Query(q): Query<TeamsQuery>,
) -> Response {
    if let Some(refused) = unless_admin(&person) {
        return refused;
    }
    match teams_page(&state, person, ui, q).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

async fn teams_page(
    state: &AppState,
    person: Person,
    ui: Ui,
    q: TeamsQuery,
) -> AppResult<TeamsPage> {
    let people = state.store.org_people(person.org_id).await?;
    let teams = state
        .store
        .org_teams(person.org_id)
        .await?
        .into_iter()
        .map(|t| {
            let members: Vec<Choice> = people
                .iter()
                .map(|p| Choice {
                    value: p.id.to_string(),
                    label: p.name.clone(),
                    selected: t.members.contains(&p.id),
                })
                .collect();
            TeamView {
                id: t.id.0,
                kind: t.kind.as_str(),
                kind_label: ui.tc("team-kind", t.kind.as_str()),
                name: t.name,
                member_names: members
                    .iter()
                    .filter(|m| m.selected)
                    .map(|m| m.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                members,
            }
        })
        .collect();
    Ok(TeamsPage {
        kinds: [TeamKind::Group, TeamKind::Department]
            .into_iter()
            .map(|k| Choice::new(k.as_str(), ui.tc("team-kind", k.as_str()), ""))
            .collect(),
        error: q.error.map(|code| error_sentence(ui.lang, &code, None)),
        teams,
        ui,
        person,
    })
}

/// Back to the teams page; a refusal (a name taken, an empty name) comes back as its code.
fn back<T>(outcome: AppResult<T>) -> Response {
    match outcome {
        Ok(_) => Redirect::to("/settings/teams").into_response(),
        Err(
            e @ (AppError::Conflict { .. }
            | AppError::Unprocessable { .. }
            | AppError::BadRequest { .. }),
        ) => Redirect::to(&format!("/settings/teams?error={}", e.code())).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub(super) struct NewTeamForm {
    kind: String,
    name: String,
}

pub(super) async fn create_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Form(form): Form<NewTeamForm>,
) -> Response {
    if let Some(refused) = unless_admin(&person) {
        return refused;
    }
    back(desk::add_team(&state, &person, &form.kind, &form.name).await)
}

/// Checkboxes post `member=<id>` once per ticked person (none at all empties the team).
pub(super) async fn members_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(refused) = unless_admin(&person) {
        return refused;
    }
    let members: Result<Vec<PersonId>, _> = fields
        .iter()
        .filter(|(name, _)| name == "member")
        .map(|(_, value)| value.parse::<PersonId>())
        .collect();
    let outcome = match members {
        Ok(members) => desk::set_team_members(&state, &person, TeamId(id), &members).await,
        Err(_) => Err(AppError::bad_request(
            "invalid_form",
            "a member is not a person id",
        )),
    };
    back(outcome)
}

pub(super) async fn delete_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Path(id): Path<i64>,
) -> Response {
    if let Some(refused) = unless_admin(&person) {
        return refused;
    }
    back(desk::remove_team(&state, &person, TeamId(id)).await)
}
