//! axum's extractors with their rejections turned into [`AppError`], so a bad path parameter, query
//! string, form or JSON body answers in the project's error shape instead of axum's plain text.
//! Handlers use these in place of `axum::extract::{Path, Query, Form}` and `axum::Json`.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::rejection::{
    BytesRejection, FormRejection, JsonRejection, PathRejection, QueryRejection,
};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

#[derive(FromRequest)]
#[from_request(via(axum::extract::Form), rejection(AppError))]
pub struct Form<T>(pub T);

/// A JSON body in, or a JSON body out (like `axum::Json`).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// The raw body, within the route's size limit.
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Body(Bytes::from_request(req, state).await?))
    }
}

fn rejected(status: StatusCode, code: &'static str, message: String) -> AppError {
    AppError::Http {
        status,
        code,
        message,
    }
}

/// The code of a body that could not be read: too large, or cut off.
fn body_code(status: StatusCode) -> &'static str {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        "payload_too_large"
    } else {
        "invalid_body"
    }
}

impl From<BytesRejection> for AppError {
    fn from(r: BytesRejection) -> Self {
        rejected(r.status(), body_code(r.status()), r.body_text())
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        let code = match &r {
            JsonRejection::JsonDataError(_) | JsonRejection::JsonSyntaxError(_) => "invalid_json",
            JsonRejection::MissingJsonContentType(_) => "unsupported_media_type",
            _ => body_code(r.status()),
        };
        rejected(r.status(), code, r.body_text())
    }
}

impl From<FormRejection> for AppError {
    fn from(r: FormRejection) -> Self {
        let code = match &r {
            FormRejection::InvalidFormContentType(_) => "unsupported_media_type",
            FormRejection::FailedToDeserializeForm(_)
            | FormRejection::FailedToDeserializeFormBody(_) => "invalid_form",
            _ => body_code(r.status()),
        };
        rejected(r.status(), code, r.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        rejected(r.status(), "invalid_path", r.body_text())
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        rejected(r.status(), "invalid_query", r.body_text())
    }
}
