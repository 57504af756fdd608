//! Pre-sale questions: `GET /questions/{id}`, `GET /questions/search` and `POST /answers`.
//!
//! Rules enforced: only the item's seller searches and answers its questions; one answer per
//! question (`not_unanswered_question`); answer text 1..=2000 characters (counted as chars);
//! the body accepts only `question_id` (an integer) and `text`. An answer carrying contact data
//! (phone, e-mail, social link or handle, short link) is accepted but moderated: its status is
//! `BANNED` and its text comes back empty, as Mercado Libre shows banned answers. Answering
//! emits a `questions` notification, as Mercado Libre notifies on answers too.

use std::cmp::Ordering;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chrono::Utc;
use serde_json::{Value, json};

use super::{Caller, query_map};
use crate::errors::ApiError;
use crate::market::moderation;
use crate::notify;
use crate::state::{Answer, AppState, MARKETPLACE_APP_ID, Question, meli_time};

/// Maximum length of a question or an answer, in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 2000;

fn answer_json(q: &Question) -> Value {
    match &q.answer {
        Some(a) => {
            let text = if a.status == "BANNED" {
                ""
            } else {
                a.text.as_str()
            };
            json!({"text": text, "status": a.status, "date_created": meli_time(a.date_created)})
        }
        None => Value::Null,
    }
}

/// A question as `GET /questions/{id}?api_version=4` returns it.
pub(crate) fn by_id_json(q: &Question) -> Value {
    json!({
        "id": q.id,
        "seller_id": q.seller_id,
        "buyer_id": q.buyer_id,
        "item_id": q.item_id,
        "deleted_from_listing": false,
        "suspected_spam": false,
        "status": q.status,
        "hold": false,
        "text": q.text,
        "app_id": MARKETPLACE_APP_ID,
        "date_created": meli_time(q.date_created),
        "last_updated": meli_time(q.last_updated),
        "answer": answer_json(q),
    })
}

/// A question as an element of `GET /questions/search` (asker under `from`).
pub(crate) fn search_json(q: &Question) -> Value {
    json!({
        "date_created": meli_time(q.date_created),
        "item_id": q.item_id,
        "seller_id": q.seller_id,
        "status": q.status,
        "text": q.text,
        "id": q.id,
        "deleted_from_listing": false,
        "hold": false,
        "suspected_spam": false,
        "answer": answer_json(q),
        "from": {"id": q.buyer_id},
    })
}

/// Statuses only the item's seller can read; anyone else gets 404 "question not found".
pub(crate) const HIDDEN_STATUSES: [&str; 2] = ["DELETED", "BANNED"];

/// Every question status Mercado Libre documents.
pub(crate) const STATUSES: [&str; 7] = [
    "UNANSWERED",
    "ANSWERED",
    "CLOSED_UNANSWERED",
    "UNDER_REVIEW",
    "BANNED",
    "DELETED",
    "DISABLED",
];

/// `GET /questions/{id}`: public, except that DELETED and BANNED questions are visible
/// only with the seller's token.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let not_found = || ApiError::not_found(format!("Question with id {raw} not found"));
    let id: i64 = raw.parse().map_err(|_| not_found())?;
    let inner = state.lock();
    let q = inner.questions.get(&id).ok_or_else(not_found)?;
    if HIDDEN_STATUSES.contains(&q.status) && caller.0 != Some(q.seller_id) {
        return Err(ApiError::not_found("question not found"));
    }
    Ok(Json(by_id_json(q)))
}

fn int_param(
    query: &std::collections::HashMap<String, String>,
    key: &str,
) -> Result<Option<i64>, ApiError> {
    match query.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("Invalid value for parameter {key}: {v}"))),
    }
}

/// `GET /questions/search`.
pub(crate) async fn search(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.required()?;
    let query = query_map(uri.query());
    let seller = int_param(&query, "seller_id")?.or(int_param(&query, "seller")?);
    let item = query
        .get("item")
        .or_else(|| query.get("item_id"))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let status = query
        .get("status")
        .map(|s| s.trim().to_uppercase())
        .filter(|s| !s.is_empty());
    let from = int_param(&query, "from")?;
    let offset = int_param(&query, "offset")?.unwrap_or(0);
    let limit = int_param(&query, "limit")?.unwrap_or(50);
    if offset < 0 {
        return Err(ApiError::bad_request("offset must be a positive number"));
    }
    if !(0..=100).contains(&limit) {
        return Err(ApiError::bad_request("limit must be between 0 and 100"));
    }
    if seller.is_none() && item.is_none() {
        return Err(ApiError::bad_request("seller_id or item is required"));
    }
    let denied = || ApiError::forbidden("The User ID must match the consultant's");
    if seller.is_some_and(|s| s != caller) {
        return Err(denied());
    }
    if let Some(item_id) = &item
        && let Some(it) = state.item(item_id)
        && it.seller_id != caller
    {
        return Err(denied());
    }
    let sorts = parse_sorts(&query)?;

    let inner = state.lock();
    let mut found: Vec<&Question> = inner
        .questions
        .values()
        .filter(|q| q.seller_id == caller)
        .filter(|q| item.as_ref().is_none_or(|i| &q.item_id == i))
        .filter(|q| status.as_ref().is_none_or(|s| q.status == s))
        .filter(|q| from.is_none_or(|f| q.buyer_id == f))
        .collect();
    found.sort_by(|a, b| {
        sorts
            .iter()
            .map(|(field, desc)| {
                let o = compare(a, b, field);
                if *desc { o.reverse() } else { o }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    let total = found.len();
    let page: Vec<Value> = found
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(search_json)
        .collect();

    let mut filters = json!({
        "limit": limit,
        "offset": offset,
        "api_version": "4",
        "is_admin": false,
        "sorts": if query.contains_key("sort_fields") {
            sorts.iter().map(|(f, d)| json!({"field": f, "type": if *d { "DESC" } else { "ASC" }})).collect::<Vec<_>>()
        } else {
            Vec::new()
        },
        "caller": caller,
    });
    if let Some(f) = filters.as_object_mut() {
        if let Some(i) = &item {
            f.insert("item".into(), json!(i));
        }
        if let Some(s) = seller {
            f.insert("seller".into(), json!(s));
        }
        if let Some(s) = &status {
            f.insert("status".into(), json!(s));
        }
        if let Some(b) = from {
            f.insert("from".into(), json!(b));
        }
    }
    Ok(Json(json!({
        "total": total,
        "limit": limit,
        "questions": page,
        "filters": filters,
        "available_filters": [
            {"id": "from", "name": "From user id", "type": "number"},
            {"id": "seller", "name": "Seller id", "type": "number"},
            {"id": "totalDivisions", "name": "total divisions", "type": "number"},
            {"id": "division", "name": "Division", "type": "number"},
            {"id": "status", "name": "Status", "type": "text", "values": [
                "ANSWERED", "BANNED", "CLOSED_UNANSWERED", "DELETED", "DISABLED", "UNANSWERED", "UNDER_REVIEW"
            ]},
        ],
        "available_sorts": ["item_id", "from_id", "date_created", "seller_id"],
    })))
}

/// `(field, descending)` pairs from `sort_fields`/`sort_types`; default newest first.
fn parse_sorts(
    query: &std::collections::HashMap<String, String>,
) -> Result<Vec<(String, bool)>, ApiError> {
    let Some(fields) = query.get("sort_fields").filter(|s| !s.trim().is_empty()) else {
        return Ok(vec![("date_created".to_owned(), true)]);
    };
    let types: Vec<String> = query
        .get("sort_types")
        .map(|t| t.split(',').map(|s| s.trim().to_uppercase()).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (n, field) in fields.split(',').map(str::trim).enumerate() {
        if !matches!(field, "item_id" | "seller_id" | "from_id" | "date_created") {
            return Err(ApiError::bad_request(format!(
                "Invalid sort field: {field}"
            )));
        }
        let kind = types.get(n).or(types.last()).map_or("ASC", String::as_str);
        let desc = match kind {
            "ASC" => false,
            "DESC" => true,
            other => return Err(ApiError::bad_request(format!("Invalid sort type: {other}"))),
        };
        out.push((field.to_owned(), desc));
    }
    Ok(out)
}

fn compare(a: &Question, b: &Question, field: &str) -> Ordering {
    match field {
        "item_id" => a.item_id.cmp(&b.item_id),
        "seller_id" => a.seller_id.cmp(&b.seller_id),
        "from_id" => a.buyer_id.cmp(&b.buyer_id),
        _ => a.date_created.cmp(&b.date_created).then(a.id.cmp(&b.id)),
    }
}

fn invalid_post_body() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_post_body",
        "JSON inválido. Los atributos válidos son: question_id, text",
    )
}

/// `POST /answers` with JSON `{"question_id": …, "text": "…"}`.
pub(crate) async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.required()?;
    let value: Value = serde_json::from_slice(&body).map_err(|_| invalid_post_body())?;
    let Value::Object(map) = value else {
        return Err(invalid_post_body());
    };
    if map.keys().any(|k| k != "question_id" && k != "text") {
        return Err(invalid_post_body());
    }
    let question_id = match map.get("question_id") {
        // Only a JSON integer: a numeric string is refused as Mercado Libre documents.
        Some(Value::Number(n)) => n.as_i64(),
        _ => None,
    }
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_question",
            "The question_id must be an integer",
        )
    })?;
    let Some(Value::String(text)) = map.get("text") else {
        return Err(invalid_post_body());
    };

    let (answered, seller_id) = {
        let mut inner = state.lock();
        let q = inner.questions.get_mut(&question_id).ok_or_else(|| {
            ApiError::not_found(format!("Question with id {question_id} not found"))
        })?;
        if q.seller_id != caller {
            return Err(ApiError::forbidden(
                "The User ID must match the question's seller",
            ));
        }
        if q.status != "UNANSWERED" {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "not_unanswered_question",
                format!("Question {question_id} is not unanswered"),
            ));
        }
        let chars = text.chars().count();
        if text.trim().is_empty() || chars > MAX_TEXT_CHARS {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_text",
                format!(
                    "The answer text must have between 1 and {MAX_TEXT_CHARS} characters (got {chars})"
                ),
            ));
        }
        let now = Utc::now();
        q.status = "ANSWERED";
        q.last_updated = now;
        let status = if moderation::moderate(text).is_some() {
            "BANNED"
        } else {
            "ACTIVE"
        };
        q.answer = Some(Answer {
            text: text.clone(),
            status,
            date_created: now,
        });
        (by_id_json(q), q.seller_id)
    };
    notify::emit(
        &state,
        "questions",
        format!("/questions/{question_id}"),
        seller_id,
    );
    Ok(Json(answered))
}
