//! Claims: `GET /post-purchase/v1/claims/search`, `GET /post-purchase/v1/claims/{id}` (also
//! under the legacy `/v1/claims/{id}`), `…/detail`, `…/affects-reputation`, `…/messages` and
//! `POST …/actions/send-message`. Errors use the claims API's documented bodies
//! (`bad_request_error`, `unauthorized_request_error`, `forbidden_error`, `business_logic_error`).
//!
//! Rules: only a player sees a claim (the seller is the respondent); search needs a real filter
//! (`invalid_query`) and paired `players.role`+`players.user_id`, `resource`+`resource_id`
//! (`invalid_params`), `offset` ≤ 9999, `limit` ≤ 100 (default 30); a message needs the
//! respondent's matching action (`send_message_to_complainant` → `receiver_role: complainant`,
//! `send_message_to_mediator` → `mediator`); contact data comes back moderated; the seller
//! never sees the buyer's moderated messages nor what others exchange without them.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::{Caller, query_map};
use crate::errors::ApiError;
use crate::market::Claim;
use crate::market::claims::{ClaimMessage, MEDIATOR_ID};
use crate::notify;
use crate::seed::Lang;
use crate::state::{AppState, meli_time, utc_time};

/// Largest `offset` of a claims search.
pub(crate) const MAX_OFFSET: usize = 9999;
/// Largest `limit` of a claims search.
pub(crate) const MAX_LIMIT: usize = 100;

/// Filters of a claims search; at least one must be present.
const FILTERS: &[&str] = &[
    "id",
    "type",
    "stage",
    "status",
    "resource",
    "resource_id",
    "reason_id",
    "site_id",
    "players.role",
    "players.user_id",
    "order_id",
    "pack_id",
    "payment_id",
    "parent_id",
    "date_created",
    "last_updated",
];

fn unauthorized() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized_request_error",
        "user not authorized",
    )
}

fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden_error",
        "You don't have permission to access the resource",
    )
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "business_logic_error",
        "Resource not found",
    )
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_request_error", message)
}

fn action_json((action, mandatory, due): &crate::market::claims::Action) -> Value {
    json!({"action": action, "mandatory": mandatory, "due_date": due.map(meli_time)})
}

/// A claim as `GET /post-purchase/v1/claims/{id}` returns it.
pub(crate) fn claim_json(c: &Claim) -> Value {
    let mut players = vec![
        json!({"role": "complainant", "type": "buyer", "user_id": c.buyer_id, "available_actions": []}),
        json!({
            "role": "respondent",
            "type": "seller",
            "user_id": c.seller_id,
            "available_actions": c.respondent_actions().iter().map(action_json).collect::<Vec<_>>(),
        }),
    ];
    if c.stage == "dispute" {
        players.push(json!({"role": "mediator", "type": "internal", "user_id": MEDIATOR_ID}));
    }
    json!({
        "id": c.id,
        "resource_id": c.order_id,
        "status": c.status,
        "type": "mediations",
        "stage": c.stage,
        "parent_id": null,
        "resource": "order",
        "reason_id": c.reason_id,
        "fulfilled": true,
        "quantity_type": "total",
        "claimed_quantity": c.quantity,
        "claim_version": 2.0,
        "players": players,
        "resolution": null,
        "site_id": c.site_id,
        "date_created": meli_time(c.date_created),
        "last_updated": meli_time(c.last_updated),
        "related_entities": [],
    })
}

fn message_json(m: &ClaimMessage) -> Value {
    let at = meli_time(m.created);
    let moderated = m.moderation.is_some();
    json!({
        "sender_role": m.sender_role,
        "receiver_role": m.receiver_role,
        "message": m.text,
        "translated_message": null,
        "date_created": at,
        "last_updated": at,
        "message_date": at,
        "date_read": m.read.map(utc_time),
        "attachments": [],
        "status": if moderated { "moderated" } else { "available" },
        "stage": m.stage,
        "message_moderation": {
            "status": if moderated { "rejected" } else { "clean" },
            "reason": m.moderation.map(|r| r.code()),
            "source": "online",
            "date_moderated": utc_time(m.created),
        },
        "repeated": false,
        "hash": m.hash,
    })
}

/// The claim `raw` if the caller is one of its players.
fn visible(state: &AppState, caller: Caller, raw: &str) -> Result<(i64, Claim), ApiError> {
    let caller = caller.0.ok_or_else(unauthorized)?;
    let id: i64 = raw.parse().map_err(|_| not_found())?;
    let inner = state.lock();
    let claim = inner.market.claims.get(&id).ok_or_else(not_found)?;
    if claim.seller_id != caller && claim.buyer_id != caller {
        return Err(forbidden());
    }
    Ok((caller, claim.clone()))
}

/// `GET /post-purchase/v1/claims/{id}`.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (_, claim) = visible(&state, caller, &raw)?;
    Ok(Json(claim_json(&claim)))
}

/// `GET /post-purchase/v1/claims/{id}/detail`.
pub(crate) async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (_, c) = visible(&state, caller, &raw)?;
    let lang = Lang::for_site(c.site_id);
    let (responsible, due, title, description) = match (c.stage, lang) {
        ("dispute", Lang::Es) => {
            let due = c.disputed.unwrap_or(c.last_updated) + TimeDelta::days(3);
            (
                "mediator",
                due,
                "Reclamo en mediación con Mercado Libre".to_owned(),
                format!(
                    "Intervinimos para ayudar. Te escribiremos antes del {}.",
                    due.format("%d/%m")
                ),
            )
        }
        ("dispute", Lang::Pt) => {
            let due = c.disputed.unwrap_or(c.last_updated) + TimeDelta::days(3);
            (
                "mediator",
                due,
                "Reclamação em mediação com o Mercado Livre".to_owned(),
                format!(
                    "Intervimos para ajudar. Vamos te escrever antes de {}.",
                    due.format("%d/%m")
                ),
            )
        }
        (_, Lang::Es) => {
            let due = c.date_created + TimeDelta::days(2);
            (
                "seller",
                due,
                "Reclamo abierto: el comprador espera tu respuesta".to_owned(),
                format!(
                    "Respondé al comprador antes del {} para evitar que intervengamos.",
                    due.format("%d/%m")
                ),
            )
        }
        (_, Lang::Pt) => {
            let due = c.date_created + TimeDelta::days(2);
            (
                "seller",
                due,
                "Reclamação aberta: o comprador espera sua resposta".to_owned(),
                format!(
                    "Responda ao comprador antes de {} para evitar nossa intervenção.",
                    due.format("%d/%m")
                ),
            )
        }
    };
    Ok(Json(json!({
        "due_date": meli_time(due),
        "action_responsible": responsible,
        "title": title,
        "description": description,
        "problem": c.problem(),
    })))
}

/// `GET /post-purchase/v1/claims/{id}/affects-reputation`: a claim affects the seller's
/// reputation unless solved within the 48-hour incentive window of the claim stage.
pub(crate) async fn affects_reputation(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (_, c) = visible(&state, caller, &raw)?;
    let window = c.date_created + TimeDelta::hours(48);
    let incentive = c.status == "opened" && c.stage == "claim" && Utc::now() < window;
    let affects = if c.status == "opened" {
        "affected"
    } else {
        "not_applies"
    };
    Ok(Json(json!({
        "affects_reputation": affects,
        "has_incentive": incentive,
        "due_date": incentive.then(|| meli_time(window)),
    })))
}

/// `GET /post-purchase/v1/claims/{id}/messages`: newest first, as the respondent sees them.
pub(crate) async fn messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (caller, c) = visible(&state, caller, &raw)?;
    let role = if caller == c.seller_id {
        "respondent"
    } else {
        "complainant"
    };
    let out: Vec<Value> = c
        .messages
        .iter()
        .rev()
        .filter(|m| m.sender_role == role || (m.receiver_role == role && m.moderation.is_none()))
        .map(message_json)
        .collect();
    Ok(Json(Value::Array(out)))
}

/// `POST /post-purchase/v1/claims/{id}/actions/send-message`.
pub(crate) async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (caller, claim) = visible(&state, caller, &raw)?;
    if caller != claim.seller_id {
        return Err(forbidden());
    }
    let value: Value = serde_json::from_slice(&body).map_err(|_| bad("Invalid JSON body"))?;
    let receiver = value
        .get("receiver_role")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("The field receiver_role is required"))?;
    let action = match receiver {
        "complainant" => "send_message_to_complainant",
        "mediator" => "send_message_to_mediator",
        other => return Err(bad(format!("Invalid receiver_role: {other}"))),
    };
    let text = value
        .get("message")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| bad("The field message is required"))?;
    if !claim.respondent_can(action) {
        return Err(bad(format!("Action {action} not available for player")));
    }
    if let Some(file) = value
        .get("attachments")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "business_logic_error",
            format!(
                "Attachment not found [claim: {} - fileName: {}]",
                claim.id,
                file.as_str().unwrap_or_default()
            ),
        ));
    }
    let receiver: &'static str = if receiver == "mediator" {
        "mediator"
    } else {
        "complainant"
    };
    let (message, claim) = {
        let mut inner = state.lock();
        let crate::state::Inner { rng, market, .. } = &mut *inner;
        let stored = market.claims.get_mut(&claim.id).ok_or_else(not_found)?;
        let message = stored.push(rng, "respondent", receiver, text, Utc::now());
        (message, stored.clone())
    };
    notify_claim(&state, &claim, "claims_actions");
    Ok((StatusCode::CREATED, Json(message_json(&message))))
}

/// Sends the `post_purchase` notification of a claim change (and the legacy `claims` one when
/// the claim asked for it).
pub(crate) fn notify_claim(state: &AppState, claim: &Claim, action: &str) {
    notify::emit_with(
        state,
        "post_purchase",
        &[action],
        format!("/post-purchase/v1/claims/{}", claim.id),
        claim.seller_id,
    );
    if claim.legacy_topic {
        notify::emit(
            state,
            "claims",
            format!("/v1/claims/{}", claim.id),
            claim.seller_id,
        );
    }
}

fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// A `range` filter: `(field, after, before)`.
type Range = (String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// `range=date_created:after:…,before:…` → `(field, after, before)`.
fn parse_range(raw: &str) -> Result<Range, ApiError> {
    let invalid = || bad(format!("Invalid range: {raw}"));
    let (field, rest) = raw.split_once(':').ok_or_else(invalid)?;
    if field != "date_created" && field != "last_updated" {
        return Err(invalid());
    }
    let (mut after, mut before) = (None, None);
    for part in rest.split(',') {
        let (edge, value) = part.split_once(':').ok_or_else(invalid)?;
        let at = parse_time(value).ok_or_else(invalid)?;
        match edge {
            "after" => after = Some(at),
            "before" => before = Some(at),
            _ => return Err(invalid()),
        }
    }
    Ok((field.to_owned(), after, before))
}

/// `value` names the day of `at` (`2024-03-14`, or a timestamp on that day).
fn same_day(value: &str, at: DateTime<Utc>) -> bool {
    let day = meli_time(at);
    value.get(..10).is_some_and(|v| day.get(..10) == Some(v))
}

fn matches(c: &Claim, key: &str, value: &str, order_payment: Option<i64>) -> bool {
    let s = |v: &str| v == value;
    let n = |v: i64| value.parse::<i64>().ok() == Some(v);
    match key {
        "id" => n(c.id),
        "type" => s("mediations"),
        "stage" => s(c.stage),
        "status" => s(c.status),
        "resource" => s("order"),
        "resource_id" | "order_id" => n(c.order_id),
        "reason_id" => s(c.reason_id),
        "site_id" => s(c.site_id),
        "players.role" => s("respondent"),
        "pack_id" => c.pack_id.is_some_and(n),
        "payment_id" => order_payment.is_some_and(n),
        "date_created" => same_day(value, c.date_created),
        "last_updated" => same_day(value, c.last_updated),
        // `parent_id` is always null here, `players.user_id` is checked against the caller.
        "players.user_id" => true,
        _ => false,
    }
}

fn usize_param(
    query: &HashMap<String, String>,
    key: &str,
    default: usize,
) -> Result<usize, ApiError> {
    query.get(key).map_or(Ok(default), |v| {
        v.trim()
            .parse()
            .map_err(|_| bad(format!("Invalid value for parameter {key}: {v}")))
    })
}

/// `GET /post-purchase/v1/claims/search`.
pub(crate) async fn search(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.0.ok_or_else(unauthorized)?;
    let query = query_map(uri.query());
    let present: Vec<(&str, &str)> = FILTERS
        .iter()
        .filter_map(|k| query.get(*k).map(|v| (*k, v.as_str())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if present.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "at least any of these filters: id, type, stage, status, resource, resource_id, reason_id, site_id, players.role, players.user_id, order_id, pack_id, payment_id, parent_id, date_created, last_updated",
        ));
    }
    let has = |k: &str| present.iter().any(|(p, _)| *p == k);
    if has("players.role") != has("players.user_id") || has("resource") != has("resource_id") {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_params",
            "Invalid parameters. At least submit some of these filters: [resource and resource_id] [players.role and players.user_id]",
        ));
    }
    if let Some((_, id)) = present.iter().find(|(k, _)| *k == "players.user_id")
        && id.parse::<i64>().ok() != Some(caller)
    {
        return Err(forbidden());
    }
    let offset = usize_param(&query, "offset", 0)?;
    let limit = usize_param(&query, "limit", 30)?;
    if offset > MAX_OFFSET {
        return Err(bad(format!(
            "offset must be lower or equal than {MAX_OFFSET}"
        )));
    }
    if limit > MAX_LIMIT {
        return Err(bad(format!(
            "limit must be lower or equal than {MAX_LIMIT}"
        )));
    }
    let range = query
        .get("range")
        .filter(|r| !r.is_empty())
        .map(|r| parse_range(r))
        .transpose()?;
    let (sort_field, descending) = match query.get("sort").filter(|s| !s.is_empty()) {
        None => ("date_created".to_owned(), true),
        Some(raw) => {
            let (field, dir) = raw.split_once(':').unwrap_or((raw.as_str(), "asc"));
            if !matches!(field, "date_created" | "last_updated" | "id")
                || !matches!(dir, "asc" | "desc")
            {
                return Err(bad(format!("Invalid sort: {raw}")));
            }
            (field.to_owned(), dir == "desc")
        }
    };

    let inner = state.lock();
    let market = &inner.market;
    let mut found: Vec<&Claim> = market
        .claims
        .values()
        .filter(|c| c.seller_id == caller)
        .filter(|c| {
            let payment = market.orders.get(&c.order_id).map(|o| o.payment_id);
            present.iter().all(|(k, v)| matches(c, k, v, payment))
        })
        .filter(|c| {
            range.as_ref().is_none_or(|(field, after, before)| {
                let at = if field == "date_created" {
                    c.date_created
                } else {
                    c.last_updated
                };
                after.is_none_or(|a| at >= a) && before.is_none_or(|b| at <= b)
            })
        })
        .collect();
    match sort_field.as_str() {
        "last_updated" => found.sort_by_key(|c| (c.last_updated, c.id)),
        "id" => found.sort_by_key(|c| c.id),
        _ => found.sort_by_key(|c| (c.date_created, c.id)),
    }
    if descending {
        found.reverse();
    }
    let total = found.len();
    let data: Vec<Value> = found
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(claim_json)
        .collect();
    Ok(Json(json!({
        "paging": {"total": total, "offset": offset, "limit": limit},
        "data": data,
    })))
}
