//! People of an organization: admins list and add them; everyone picks their own language.
//! Every route works inside the signed-in person's organization only.

use crate::auth::ApiPerson;
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use domain::{Person, Role};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/people", get(list).post(create))
        .route("/api/me/language", put(set_language))
}

/// Admins only; agents get 403 (see the permission table in the README).
pub fn require_admin(person: &Person) -> AppResult<()> {
    if person.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden("admins only".into()))
    }
}

#[utoipa::path(
    get,
    path = "/api/people",
    tag = "people",
    summary = "The organization's people (admins).",
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
) -> AppResult<Json<Vec<Person>>> {
    require_admin(&person)?;
    Ok(Json(state.store.org_people(person.org_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewPersonBody {
    email: String,
    name: String,
    password: String,
    #[schema(value_type = String)]
    role: Role,
}

/// Adds a person to the admin's own organization; there is no way to name another one.
#[utoipa::path(
    post,
    path = "/api/people",
    tag = "people",
    summary = "Add a person to the organization (admins).",
    request_body = NewPersonBody,
    responses((status = 201, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiPerson(admin): ApiPerson,
    Json(body): Json<NewPersonBody>,
) -> AppResult<(StatusCode, Json<Person>)> {
    require_admin(&admin)?;
    let person = crate::auth::create_person(
        &state,
        admin.org_id,
        &body.email,
        &body.name,
        &body.password,
        body.role,
    )
    .await?;
    tracing::info!(person.id = %person.id, by = %admin.id, "person added");
    Ok((StatusCode::CREATED, Json(person)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct LanguageBody {
    language: Option<String>,
}

#[utoipa::path(
    put,
    path = "/api/me/language",
    tag = "people",
    summary = "Choose the UI language (es, pt-BR, en), or follow the browser with null.",
    request_body = LanguageBody,
    responses((status = 204, description = "done"), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn set_language(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Json(body): Json<LanguageBody>,
) -> AppResult<StatusCode> {
    // `es`, `pt`, `en` or a regional tag of them; stored as the UI's own code. `None` (or empty)
    // follows the browser again.
    let requested = body
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let language = match requested {
        None => None,
        Some(tag) => Some(
            crate::i18n::Lang::from_tag(tag)
                .ok_or_else(|| {
                    AppError::bad_request(
                        "unknown_language",
                        format!("{tag:?} is not one of es, pt-BR, en"),
                    )
                })?
                .code(),
        ),
    };
    state
        .store
        .set_person_language(person.org_id, person.id, language)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
