//! The stores page: connection health, connecting a store through OAuth, disconnecting.

use super::{Page, Ui, error_sentence, render};
use crate::error::AppError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::*;
use serde::Deserialize;

pub(super) struct StoreRow {
    seller_id: i64,
    nickname: String,
    site_id: String,
    currency_id: String,
    health: &'static str,
    health_label: String,
    /// As the worker recorded it (stored text, not translated).
    health_detail: String,
}

#[derive(Template)]
#[template(path = "stores.html")]
struct StoresPage {
    ui: Ui,
    person: Person,
    stores: Vec<StoreRow>,
    /// Site code and country name, in the reader's language.
    sites: Vec<(&'static str, String)>,
    error: Option<String>,
    is_admin: bool,
}

#[derive(Deserialize)]
pub(super) struct StoresQuery {
    error: Option<String>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Page { person, ui }: Page,
    Query(q): Query<StoresQuery>,
) -> Response {
    let connections = match state.store.org_connections(person.org_id).await {
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
            health_label: ui.tc("health", c.health.as_str()),
            health_detail: c.health_detail.unwrap_or_default(),
        })
        .collect();
    let sites = domain::site::SITES
        .iter()
        .map(|s| (s.code, ui.tc("country", s.code)))
        .collect();
    // Here `forbidden` can only mean finishing someone else's connection.
    let error = q.error.map(|code| match code.as_str() {
        "forbidden" => ui.t("error-connect-forbidden"),
        other => error_sentence(ui.lang, other, None),
    });
    let is_admin = person.role == Role::Admin;
    render(&StoresPage {
        ui,
        person,
        stores,
        sites,
        error,
        is_admin,
    })
}

#[derive(Deserialize)]
pub(super) struct ConnectForm {
    site: String,
}

pub(super) async fn connect_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
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
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub(super) async fn oauth_callback(
    State(state): State<AppState>,
    Page { person, .. }: Page,
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

pub(super) async fn disconnect_submit(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Path(seller_id): Path<i64>,
) -> Response {
    match crate::connect::disconnect(&state, &person, SellerId(seller_id)).await {
        Ok(()) => Redirect::to("/stores").into_response(),
        Err(e) => e.into_response(),
    }
}
