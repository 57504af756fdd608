//! `GET /missed_feeds?app_id=…[&topic=…][&offset=…&limit=…]`: notifications the callback never
//! acknowledged (after 8 attempts) or that fault injection dropped, kept for 2 days, oldest first,
//! 10 per page by default.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use chrono::Utc;
use serde_json::{Value, json};

use super::{Caller, query_map};
use crate::errors::ApiError;
use crate::notify::MISSED_RETENTION;
use crate::state::AppState;

/// Default page size of `/missed_feeds`.
pub(crate) const DEFAULT_LIMIT: usize = 10;

/// `GET /missed_feeds`.
pub(crate) async fn missed_feeds(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    caller.required()?;
    let query = query_map(uri.query());
    let app_id = query
        .get("app_id")
        .ok_or_else(|| ApiError::bad_request("Missing required parameter: app_id"))?;
    if app_id.trim() != state.cfg.app_id.to_string() {
        return Err(ApiError::forbidden(
            "The app_id must match the caller's application",
        ));
    }
    let parse = |key: &str, default: usize| -> Result<usize, ApiError> {
        query.get(key).map_or(Ok(default), |v| {
            v.trim().parse::<usize>().map_err(|_| {
                ApiError::bad_request(format!("Invalid value for parameter {key}: {v}"))
            })
        })
    };
    let offset = parse("offset", 0)?;
    let limit = parse("limit", DEFAULT_LIMIT)?;
    let topic = query.get("topic").filter(|t| !t.is_empty());
    let cutoff = Utc::now() - MISSED_RETENTION;
    let inner = state.lock();
    let messages: Vec<Value> = inner
        .missed
        .iter()
        .filter(|(received, t, _)| *received >= cutoff && topic.is_none_or(|want| want == t))
        .skip(offset)
        .take(limit)
        .map(|(_, _, record)| record.clone())
        .collect();
    Ok(Json(json!({ "messages": messages })))
}
