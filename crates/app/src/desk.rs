//! The JSON API of the commercial inbox and the support desk: teams (groups and departments),
//! where each store's categories go ("Configure integration"), assignment, status and the
//! answer-time figures. Everything is scoped to the signed-in person's organization; changing
//! teams and routing is for admins.

use crate::auth::ApiPerson;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path};
use crate::people::require_admin;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use domain::routing::{self, Module, Route, Team, TeamKind};
use domain::*;
use serde::{Deserialize, Serialize};
use store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/teams", get(teams).post(create_team))
        .route("/api/teams/{id}", axum::routing::delete(delete_team))
        .route("/api/teams/{id}/members", put(set_members))
        .route("/api/routing", get(routing_table))
        .route("/api/routing/{seller_id}/{category}", put(set_route))
        .route("/api/conversations/{id}/assign", post(assign))
        .route("/api/conversations/{id}/status", post(set_status))
        .route("/api/answer-times", get(answer_times))
        .route(
            "/api/conversations/{id}/action-guide",
            post(start_with_option),
        )
}

/// Store errors of person-facing writes: "not found" stays a 404 (another organization's
/// things do not exist for this person), a named conflict a 409.
fn scoped(what: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound(_) => AppError::NotFound(what),
        StoreError::Conflict(code) => AppError::Conflict {
            code: match code.as_str() {
                "team_name_taken" => "team_name_taken",
                "team_name_empty" => "team_name_empty",
                "wrong_team_kind" => "wrong_team_kind",
                _ => "conflict",
            },
            message: code,
        },
        other => other.into(),
    }
}

#[utoipa::path(
    get,
    path = "/api/teams",
    tag = "teams",
    summary = "The organization's groups and departments with their members.",
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn teams(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
) -> AppResult<Json<Vec<Team>>> {
    Ok(Json(state.store.org_teams(person.org_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewTeam {
    kind: String,
    name: String,
}

#[utoipa::path(
    post,
    path = "/api/teams",
    tag = "teams",
    summary = "Create a group (commercial inbox) or department (support desk) (admins).",
    request_body = NewTeam,
    responses((status = 201, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn create_team(
    State(state): State<AppState>,
    ApiPerson(admin): ApiPerson,
    Json(body): Json<NewTeam>,
) -> AppResult<(StatusCode, Json<Team>)> {
    let team = add_team(&state, &admin, &body.kind, &body.name).await?;
    Ok((StatusCode::CREATED, Json(team)))
}

/// Creates a group or department; shared by the API and the teams page.
pub async fn add_team(state: &AppState, admin: &Person, kind: &str, name: &str) -> AppResult<Team> {
    require_admin(admin)?;
    let kind = TeamKind::parse(kind.trim()).ok_or_else(|| {
        AppError::bad_request("unknown_team_kind", "a team is a group or a department")
    })?;
    state
        .store
        .create_team(admin.org_id, kind, name)
        .await
        .map_err(scoped("team"))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Members {
    #[schema(value_type = Vec<i64>)]
    members: Vec<PersonId>,
}

#[utoipa::path(
    put,
    path = "/api/teams/{id}/members",
    tag = "teams",
    summary = "Replace a team's members (admins).",
    params(("id" = i64, Path, description = "team id")),
    request_body = Members,
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn set_members(
    State(state): State<AppState>,
    ApiPerson(admin): ApiPerson,
    Path(id): Path<i64>,
    Json(body): Json<Members>,
) -> AppResult<Json<Team>> {
    Ok(Json(
        set_team_members(&state, &admin, TeamId(id), &body.members).await?,
    ))
}

/// Replaces a team's members; shared by the API and the teams page.
pub async fn set_team_members(
    state: &AppState,
    admin: &Person,
    team: TeamId,
    members: &[PersonId],
) -> AppResult<Team> {
    require_admin(admin)?;
    state
        .store
        .set_team_members(admin.org_id, team, members)
        .await
        .map_err(scoped("team or person"))
}

#[utoipa::path(
    delete,
    path = "/api/teams/{id}",
    tag = "teams",
    summary = "Delete a team; its routes and assignments fall back to the unassigned queue (admins).",
    params(("id" = i64, Path, description = "team id")),
    responses((status = 204, description = "done"), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn delete_team(
    State(state): State<AppState>,
    ApiPerson(admin): ApiPerson,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    remove_team(&state, &admin, TeamId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a team; shared by the API and the teams page.
pub async fn remove_team(state: &AppState, admin: &Person, team: TeamId) -> AppResult<()> {
    require_admin(admin)?;
    state
        .store
        .delete_team(admin.org_id, team)
        .await
        .map_err(scoped("team"))
}

/// One row of the "Configure integration" table.
#[derive(Debug, Serialize)]
pub struct RouteRow {
    pub seller_id: SellerId,
    pub nickname: String,
    pub category: Category,
    pub route: Route,
    pub module: Module,
    /// False when the row shows the default (nothing chosen yet).
    pub configured: bool,
}

/// Every store of the organization × every category, with the configured or default route.
pub async fn routing_rows(state: &AppState, org: OrgId) -> AppResult<Vec<RouteRow>> {
    let configured = state.store.org_routes(org).await?;
    let mut rows = Vec::new();
    for store in state.store.org_connections(org).await? {
        for category in [
            Category::PreSaleQuestion,
            Category::PostSaleHelp,
            Category::Claim,
        ] {
            let chosen = configured
                .iter()
                .find(|(s, c, _)| *s == store.seller_id && *c == category)
                .map(|(_, _, r)| *r);
            let route = chosen.unwrap_or(Route::default_for(category));
            rows.push(RouteRow {
                seller_id: store.seller_id,
                nickname: store.nickname.clone(),
                category,
                route,
                module: route.module(),
                configured: chosen.is_some(),
            });
        }
    }
    Ok(rows)
}

#[utoipa::path(
    get,
    path = "/api/routing",
    tag = "routing",
    summary = "Where each store's categories go, configured or default (admins).",
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn routing_table(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
) -> AppResult<Json<Vec<RouteRow>>> {
    require_admin(&person)?;
    Ok(Json(routing_rows(&state, person.org_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RouteChoice {
    /// `commercial`, `support`, `flow_bot`, `generative_bot` (`classification_bot` is refused).
    pub target: String,
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<TeamId>,
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<PersonId>,
}

/// Validates and saves a route; shared by the API and the settings page.
pub async fn choose_route(
    state: &AppState,
    admin: &Person,
    seller: SellerId,
    category: &str,
    choice: &RouteChoice,
) -> AppResult<Route> {
    require_admin(admin)?;
    let category = Category::parse(category.trim()).ok_or_else(|| {
        AppError::bad_request(
            "unknown_category",
            format!("unknown category {category:?} (pre_sale_question, post_sale_help, claim)"),
        )
    })?;
    let route = routing::choose(category, &choice.target, choice.team_id, choice.person_id)
        .map_err(|e| AppError::Unprocessable {
            code: e.code(),
            message: e.to_string(),
        })?;
    state
        .store
        .set_route(admin.org_id, seller, category, route)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(c) if c == "wrong_team_kind" => AppError::Unprocessable {
                code: "wrong_team_kind",
                message: match route.module() {
                    Module::Commercial => "the commercial inbox takes a group, not a department",
                    _ => "the support desk takes a department, not a group",
                }
                .into(),
            },
            other => scoped("store, team or person")(other),
        })?;
    tracing::info!(seller.id = %seller, category = category.as_str(), route = route.kind(), "route set");
    Ok(route)
}

#[utoipa::path(
    put,
    path = "/api/routing/{seller_id}/{category}",
    tag = "routing",
    summary = "Set where a store's category goes; invalid combinations are refused with a code (admins).",
    params(("seller_id" = i64, Path, description = "seller id"), ("category" = String, Path, description = "pre_sale_question, post_sale_help or claim")),
    request_body = RouteChoice,
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn set_route(
    State(state): State<AppState>,
    ApiPerson(admin): ApiPerson,
    Path((seller_id, category)): Path<(i64, String)>,
    Json(choice): Json<RouteChoice>,
) -> AppResult<Json<Route>> {
    Ok(Json(
        choose_route(&state, &admin, SellerId(seller_id), &category, &choice).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AssignBody {
    #[schema(value_type = Option<String>)]
    pub module: Option<Module>,
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<TeamId>,
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<PersonId>,
}

/// Any person may move a conversation of their organization (take it, hand it to a team).
pub async fn assign_conversation(
    state: &AppState,
    person: &Person,
    id: ConversationId,
    body: &AssignBody,
) -> AppResult<Conversation> {
    let current = state
        .store
        .org_conversation(person.org_id, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let module = body.module.unwrap_or(current.module);
    let moved = state
        .store
        .assign(person.org_id, id, module, body.team_id, body.person_id)
        .await
        .map_err(scoped("conversation, team or person"))?;
    state.bus.changed(person.org_id);
    Ok(moved)
}

#[utoipa::path(
    post,
    path = "/api/conversations/{id}/assign",
    tag = "conversations",
    summary = "Move a conversation to a module, team or person.",
    params(("id" = i64, Path, description = "conversation id")),
    request_body = AssignBody,
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn assign(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(id): Path<i64>,
    Json(body): Json<AssignBody>,
) -> AppResult<Json<Conversation>> {
    Ok(Json(
        assign_conversation(&state, &person, ConversationId(id), &body).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct OptionBody {
    option_id: String,
    text: String,
}

#[utoipa::path(
    post,
    path = "/api/conversations/{id}/action-guide",
    tag = "conversations",
    summary = "Start a post-sale conversation through an action-guide option with cap left.",
    params(("id" = i64, Path, description = "conversation id")),
    request_body = OptionBody,
    responses((status = 202, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn start_with_option(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(id): Path<i64>,
    Json(body): Json<OptionBody>,
) -> AppResult<(StatusCode, Json<Message>)> {
    let message = crate::service::start_with_option(
        &state,
        &person,
        ConversationId(id),
        &body.option_id,
        &body.text,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(message)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct StatusBody {
    #[schema(value_type = String)]
    status: ConversationStatus,
}

#[utoipa::path(
    post,
    path = "/api/conversations/{id}/status",
    tag = "conversations",
    summary = "Set a conversation's status (open, waiting, resolved).",
    params(("id" = i64, Path, description = "conversation id")),
    request_body = StatusBody,
    responses((status = 204, description = "done"), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn set_status(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(id): Path<i64>,
    Json(body): Json<StatusBody>,
) -> AppResult<StatusCode> {
    set_conversation_status(&state, &person, ConversationId(id), body.status).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Any person may set the status of a conversation of their organization; shared by the API and
/// the conversation page.
pub async fn set_conversation_status(
    state: &AppState,
    person: &Person,
    id: ConversationId,
    status: ConversationStatus,
) -> AppResult<()> {
    state
        .store
        .set_org_conversation_status(person.org_id, id, status)
        .await
        .map_err(scoped("conversation"))?;
    state.bus.changed(person.org_id);
    Ok(())
}

/// Median first-response time of one store or agent.
#[derive(Debug, Serialize)]
pub struct AnswerTime {
    pub id: i64,
    pub name: String,
    pub conversations: usize,
    pub median_secs: Option<i64>,
    /// Mercado Libre's own figure for the store (`/users/{id}/questions/response_time`), as
    /// last read; `None` for agents or before it was read.
    pub meli_response_time: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct AnswerTimes {
    pub conversations: usize,
    pub median_secs: Option<i64>,
    pub stores: Vec<AnswerTime>,
    pub agents: Vec<AnswerTime>,
}

pub async fn answer_times_of(state: &AppState, org: OrgId) -> AppResult<AnswerTimes> {
    let samples = state.store.answer_samples(org).await?;
    let median_of = |pick: &dyn Fn(&store::AnswerSample) -> bool| {
        let mut secs: Vec<i64> = samples.iter().filter(|s| pick(s)).map(|s| s.secs).collect();
        (secs.len(), domain::figures::median(&mut secs))
    };
    let (conversations, median_secs) = median_of(&|_| true);
    let stores = state
        .store
        .org_connections(org)
        .await?
        .into_iter()
        .map(|c| {
            let (n, median) = median_of(&|s| s.seller_id == c.seller_id);
            AnswerTime {
                id: c.seller_id.0,
                name: c.nickname,
                conversations: n,
                median_secs: median,
                meli_response_time: c.meli_response_time,
            }
        })
        .collect();
    let agents = state
        .store
        .org_people(org)
        .await?
        .into_iter()
        .filter_map(|p| {
            let (n, median) = median_of(&|s| s.responder == Some(p.id));
            (n > 0).then_some(AnswerTime {
                id: p.id.0,
                name: p.name,
                conversations: n,
                median_secs: median,
                meli_response_time: None,
            })
        })
        .collect();
    Ok(AnswerTimes {
        conversations,
        median_secs,
        stores,
        agents,
    })
}

#[utoipa::path(
    get,
    path = "/api/answer-times",
    tag = "figures",
    summary = "Median first-response times per store and agent, beside Mercado Libre's own figure.",
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn answer_times(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
) -> AppResult<Json<AnswerTimes>> {
    Ok(Json(answer_times_of(&state, person.org_id).await?))
}
