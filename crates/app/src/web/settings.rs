//! "Configure integration" (admins): where each category of each store goes. Every row offers
//! the same destinations, and the choice goes through [`desk::choose_route`], the API's own
//! check, so a combination Mercado Libre's rules forbid (the flow chatbot on pre-sale
//! questions, the support desk on them) is refused with the API's reason, worded here.

use super::{Choice, ChoiceGroup, Page, Ui, error_sentence, render, unless_admin};
use crate::desk::{self, RouteChoice, RouteRow};
use crate::error::{AppError, AppResult};
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::routing::{Route, Team, TeamKind};
use domain::*;
use serde::Deserialize;

pub(super) struct RoutingRowView {
    seller_id: i64,
    store: String,
    category_code: &'static str,
    category: String,
    /// Where it goes now, worded.
    current: String,
    configured: bool,
    choices: Vec<ChoiceGroup>,
    error: Option<String>,
    saved: bool,
}

#[derive(Template)]
#[template(path = "settings_routing.html")]
struct RoutingPage {
    ui: Ui,
    person: Person,
    rows: Vec<RoutingRowView>,
}

#[derive(Deserialize)]
pub(super) struct RoutingQuery {
    error: Option<String>,
    saved: Option<String>,
    seller_id: Option<i64>,
    category: Option<String>,
}

/// The form value of a route (`commercial`, `commercial/team:3`, `support/team:4`, `flow_bot`…).
fn route_value(route: Route) -> String {
    match route {
        Route::CommercialGroup { team_id } => format!("commercial/team:{team_id}"),
        Route::CommercialAgent { person_id } => format!("commercial/person:{person_id}"),
        Route::Commercial => "commercial".into(),
        Route::SupportDepartment { team_id } => format!("support/team:{team_id}"),
        Route::Support => "support".into(),
        Route::FlowBot => "flow_bot".into(),
        Route::GenerativeBot => "generative_bot".into(),
    }
}

/// Reads a form value back into the API's choice; `None` when it is not one.
fn parse_choice(value: &str) -> Option<RouteChoice> {
    let (target, who) = match value.trim().split_once('/') {
        Some((target, who)) => (target, Some(who)),
        None => (value.trim(), None),
    };
    let mut choice = RouteChoice {
        target: target.to_string(),
        team_id: None,
        person_id: None,
    };
    match who.map(|w| w.split_once(':')) {
        None => {}
        Some(Some(("team", id))) => choice.team_id = Some(id.parse().ok()?),
        Some(Some(("person", id))) => choice.person_id = Some(id.parse().ok()?),
        Some(_) => return None,
    }
    Some(choice)
}

fn describe(ui: &Ui, route: Route, teams: &[Team], people: &[Person]) -> String {
    let team = |id: TeamId| {
        teams
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| format!("#{id}"), |t| t.name.clone())
    };
    let person = |id: PersonId| {
        people
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.name.clone())
    };
    let module = ui.tc("module", route.module().as_str());
    match route {
        Route::CommercialGroup { team_id } => {
            format!("{module} · {} {}", ui.t("route-group"), team(team_id))
        }
        Route::CommercialAgent { person_id } => {
            format!("{module} · {} {}", ui.t("route-agent"), person(person_id))
        }
        Route::SupportDepartment { team_id } => {
            format!("{module} · {} {}", ui.t("route-department"), team(team_id))
        }
        Route::Commercial | Route::Support => format!("{module} · {}", ui.t("route-anyone")),
        Route::FlowBot | Route::GenerativeBot => ui.tc("route", route.kind()),
    }
}

/// Every destination, for every row: an invalid one is refused when saved, with its reason.
/// Each label names its module too, since a closed `<select>` hides the group headings.
fn choices(ui: &Ui, current: &str, teams: &[Team], people: &[Person]) -> Vec<ChoiceGroup> {
    let choice = |route: Route| {
        Choice::new(
            route_value(route),
            describe(ui, route, teams, people),
            current,
        )
    };
    let mut commercial = vec![choice(Route::Commercial)];
    commercial.extend(
        teams
            .iter()
            .filter(|t| t.kind == TeamKind::Group)
            .map(|t| choice(Route::CommercialGroup { team_id: t.id })),
    );
    commercial.extend(
        people
            .iter()
            .map(|p| choice(Route::CommercialAgent { person_id: p.id })),
    );
    let mut support = vec![choice(Route::Support)];
    support.extend(
        teams
            .iter()
            .filter(|t| t.kind == TeamKind::Department)
            .map(|t| choice(Route::SupportDepartment { team_id: t.id })),
    );
    vec![
        ChoiceGroup {
            label: ui.tc("module", "commercial"),
            choices: commercial,
        },
        ChoiceGroup {
            label: ui.tc("module", "support"),
            choices: support,
        },
        ChoiceGroup {
            label: ui.t("route-bots"),
            choices: vec![choice(Route::FlowBot), choice(Route::GenerativeBot)],
        },
    ]
}

pub(super) async fn page(
    State(state): State<AppState>,
    Page { person, ui }: Page,
    Query(q): Query<RoutingQuery>,
) -> Response {
    if let Some(refused) = unless_admin(&person) {
        return refused;
    }
    match routing_page(&state, person, ui, q).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

async fn routing_page(
    state: &AppState,
    person: Person,
    ui: Ui,
    q: RoutingQuery,
) -> AppResult<RoutingPage> {
    let teams = state.store.org_teams(person.org_id).await?;
    let people = state.store.org_people(person.org_id).await?;
    let is_row = |r: &RouteRow| {
        q.seller_id == Some(r.seller_id.0) && q.category.as_deref() == Some(r.category.as_str())
    };
    let rows = desk::routing_rows(state, person.org_id)
        .await?
        .into_iter()
        .map(|r| {
            let value = route_value(r.route);
            let here = is_row(&r);
            RoutingRowView {
                seller_id: r.seller_id.0,
                store: r.nickname.clone(),
                category_code: r.category.as_str(),
                category: ui.tc("category", r.category.as_str()),
                current: describe(&ui, r.route, &teams, &people),
                configured: r.configured,
                choices: choices(&ui, &value, &teams, &people),
                error: q
                    .error
                    .as_deref()
                    .filter(|_| here)
                    .map(|code| error_sentence(ui.lang, code, None)),
                saved: here && q.saved.is_some() && q.error.is_none(),
            }
        })
        .collect();
    Ok(RoutingPage { ui, person, rows })
}

#[derive(Deserialize)]
pub(super) struct RouteForm {
    route: String,
}

pub(super) async fn route_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Path((seller_id, category)): Path<(i64, String)>,
    Form(form): Form<RouteForm>,
) -> Response {
    if let Some(refused) = unless_admin(&person) {
        return refused;
    }
    let back = |outcome: &str| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("seller_id", &seller_id.to_string());
        query.append_pair("category", &category);
        match outcome {
            "saved" => query.append_pair("saved", "1"),
            code => query.append_pair("error", code),
        };
        let anchor = format!("route-{seller_id}-{category}");
        Redirect::to(&format!("/settings/routing?{}#{anchor}", query.finish())).into_response()
    };
    let outcome = match parse_choice(&form.route) {
        Some(choice) => {
            desk::choose_route(&state, &person, SellerId(seller_id), &category, &choice).await
        }
        None => Err(AppError::bad_request(
            "unknown_target",
            format!("{:?} is not a destination", form.route),
        )),
    };
    match outcome {
        Ok(_) => back("saved"),
        Err(
            e @ (AppError::Conflict { .. }
            | AppError::Unprocessable { .. }
            | AppError::BadRequest { .. }),
        ) => {
            tracing::info!(seller.id = seller_id, category, error = %e, "route refused");
            back(e.code())
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_values_read_back_as_the_api_choice() {
        for route in [
            Route::CommercialGroup { team_id: TeamId(3) },
            Route::CommercialAgent {
                person_id: PersonId(4),
            },
            Route::Commercial,
            Route::SupportDepartment { team_id: TeamId(5) },
            Route::Support,
            Route::FlowBot,
            Route::GenerativeBot,
        ] {
            let choice = parse_choice(&route_value(route)).unwrap();
            let category = match route.module() {
                routing::Module::Commercial => Category::PreSaleQuestion,
                _ => Category::Claim,
            };
            assert_eq!(
                routing::choose(category, &choice.target, choice.team_id, choice.person_id),
                Ok(route)
            );
        }
        assert!(parse_choice("support/team:x").is_none());
        assert!(parse_choice("support/robot:1").is_none());
        assert_eq!(
            parse_choice("classification_bot").unwrap().target,
            "classification_bot"
        );
    }
}
