//! Logging in and out.

use super::{Ui, render};
use crate::auth::{self, ClientAddr, SESSION_COOKIE};
use crate::error::AppError;
use crate::extract::Form;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ui: Ui,
    error: Option<String>,
}

pub(super) async fn page(ui: Ui) -> Response {
    render(&LoginPage { ui, error: None })
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    email: String,
    password: String,
}

pub(super) async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    client: ClientAddr,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    let attempt = match auth::throttle_client(&state, &client) {
        Ok(()) => auth::login(&state, &form.email, &form.password).await,
        Err(e) => Err(e),
    };
    let refused = |status: StatusCode, error: String| {
        let ui = Ui::new(ui.lang, "/login");
        (
            status,
            render(&LoginPage {
                ui,
                error: Some(error),
            }),
        )
            .into_response()
    };
    match attempt {
        Ok((_, token)) => {
            let cookie = Cookie::build((SESSION_COOKIE, token))
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(state.config.secure_cookies)
                .path("/")
                .build();
            (jar.add(cookie), Redirect::to("/inbox")).into_response()
        }
        Err(AppError::Forbidden(_)) => {
            refused(StatusCode::UNAUTHORIZED, ui.t("login-wrong")).into_response()
        }
        Err(AppError::TooManyRequests { retry_after_secs }) => (
            [(header::RETRY_AFTER, retry_after_secs.to_string())],
            refused(
                StatusCode::TOO_MANY_REQUESTS,
                ui.lang.t_with(
                    "login-throttled",
                    &[("seconds", FluentValue::from(retry_after_secs))],
                ),
            ),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

pub(super) async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
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
