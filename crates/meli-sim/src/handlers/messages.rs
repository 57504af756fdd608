//! Post-sale messaging: `GET`/`POST /messages/packs/{pack_id}/sellers/{seller_id}`,
//! `GET /messages/{id}`, `GET /messages/unread` and `GET /messages/unread/packs/{pack_id}/sellers/{seller_id}`.
//! Every route needs `tag=post_sale` and the seller's token; errors use the messaging shape
//! `{"status_code","code","message"}`.
//!
//! Rules enforced on a seller's send, in this order: the caller is the path's seller; the pack
//! (or pack-less order) exists; the body is JSON with `from.user_id` (the caller), `to.user_id`
//! (the buyer, or the site's 2026 messaging agent), different from each other; text of at most
//! 350 characters in ISO-8859-1 plus the allowed emoji (or attachments only); attachments
//! uploaded by the seller, at most 25; the conversation not blocked (a conversation the buyer
//! has not started is blocked with `blocked_by_conversation_initiated_by_seller_limited`: use
//! the action guide). Text with contact data is stored and returned moderated.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chrono::Utc;
use serde_json::{Value, json};

use super::{Caller, query_map, require_post_sale};
use crate::errors::MessagesError;
use crate::market::messaging::{
    AttachedFile, BUYER_MAX_CHARS, Conversation, Message, SELLER_MAX_CHARS,
};
use crate::market::moderation;
use crate::notify;
use crate::state::{AppState, MARKETPLACE_APP_ID, Shared, utc_time};

/// Maximum attachments per message.
pub(crate) const MAX_ATTACHMENTS: usize = 25;

/// The 2026 messaging agent of a site (`to.user_id` on Full/MLB/MLC conversations).
pub(crate) fn agent_id(site_id: &str) -> i64 {
    match site_id {
        "MLC" => 3_020_819_166,
        "MCO" => 3_037_204_123,
        "MLM" => 3_037_204_279,
        "MLA" => 3_037_674_934,
        "MLB" => 3_037_675_074,
        _ => 3_037_204_685,
    }
}

/// A message as an element of `messages` (pack conversation and by-id shapes).
pub(crate) fn message_json(state: &Shared, m: &Message) -> Value {
    let created = utc_time(m.created);
    let moderated = m.moderation.is_some();
    let client_id = if m.from == m.seller_id {
        state.cfg.app_id
    } else {
        MARKETPLACE_APP_ID
    };
    let attachments = if m.attachments.is_empty() {
        Value::Null
    } else {
        m.attachments
            .iter()
            .map(|a| {
                json!({
                    "filename": a.filename,
                    "original_filename": a.original_filename,
                    "type": a.content_type,
                    "size": a.size,
                    "potential_security_threat": false,
                    "creation_date": utc_time(a.created),
                })
            })
            .collect()
    };
    json!({
        "id": m.id,
        "site_id": m.site_id,
        "client_id": client_id,
        "from": {"user_id": m.from},
        "to": {"user_id": m.to},
        "status": if moderated { "moderated" } else { "available" },
        "subject": null,
        "text": m.text,
        "message_date": {
            "received": created,
            "available": if moderated { Value::Null } else { json!(created) },
            "notified": if moderated { Value::Null } else { json!(created) },
            "created": created,
            "read": m.read.map(utc_time),
        },
        "message_moderation": {
            "status": if moderated { "rejected" } else { "clean" },
            "reason": m.moderation.map(|r| r.code()),
            "source": "online",
            "moderation_date": created,
        },
        "message_attachments": attachments,
        "message_resources": [
            {"id": m.key.to_string(), "name": "packs"},
            {"id": m.seller_id.to_string(), "name": "sellers"},
        ],
        "conversation_first_message": m.first,
    })
}

/// `conversation_status` of a conversation.
pub(crate) fn status_json(c: &Conversation) -> Value {
    let (status, substatus) = c.status();
    json!({
        "path": format!("/packs/{}/seller/{}", c.key, c.seller_id),
        "status": status,
        "substatus": substatus,
        "status_date": utc_time(c.status_date),
        "status_update_allowed": false,
        "claim_id": c.claim_ids.last(),
        "shipping_id": null,
    })
}

fn parse_path(pack: &str, seller: &str) -> Result<(i64, i64), MessagesError> {
    let not_found = || MessagesError::new(StatusCode::NOT_FOUND, format!("Pack {pack} not found"));
    let pack: i64 = pack.parse().map_err(|_| not_found())?;
    let seller: i64 = seller.parse().map_err(|_| not_found())?;
    Ok((pack, seller))
}

/// The conversation `pack` of `seller`, if the caller is that seller.
fn conversation(
    conversations: &mut std::collections::BTreeMap<i64, Conversation>,
    caller: i64,
    pack: i64,
    seller: i64,
) -> Result<&mut Conversation, MessagesError> {
    if caller != seller {
        return Err(MessagesError::new(
            StatusCode::FORBIDDEN,
            format!("Access denied for user {caller} to order {pack}"),
        ));
    }
    conversations
        .get_mut(&pack)
        .filter(|c| c.seller_id == seller)
        .ok_or_else(|| MessagesError::new(StatusCode::NOT_FOUND, format!("Pack {pack} not found")))
}

fn paging_param(
    query: &std::collections::HashMap<String, String>,
    key: &str,
    default: usize,
) -> Result<usize, MessagesError> {
    query.get(key).map_or(Ok(default), |v| {
        v.trim().parse().map_err(|_| {
            MessagesError::new(
                StatusCode::BAD_REQUEST,
                format!("Invalid value for parameter {key}: {v}"),
            )
        })
    })
}

/// `GET /messages/packs/{pack_id}/sellers/{seller_id}?tag=post_sale[&mark_as_read=false]`.
pub(crate) async fn pack_messages(
    State(state): State<AppState>,
    caller: Caller,
    Path((pack, seller)): Path<(String, String)>,
    uri: Uri,
) -> Result<Json<Value>, MessagesError> {
    let caller = caller.required()?;
    let query = query_map(uri.query());
    require_post_sale(&query)?;
    let (pack, seller) = parse_path(&pack, &seller)?;
    let limit = paging_param(&query, "limit", 10)?;
    let offset = paging_param(&query, "offset", 0)?;
    let mark = query.get("mark_as_read").map(String::as_str) != Some("false");
    let mut inner = state.lock();
    let conversation = conversation(&mut inner.market.conversations, caller, pack, seller)?;
    if mark {
        let now = Utc::now();
        let buyer = conversation.buyer_id;
        for m in conversation
            .messages
            .iter_mut()
            .filter(|m| m.from == buyer && m.read.is_none())
        {
            m.read = Some(now);
        }
    }
    let visible: Vec<&Message> = conversation
        .messages
        .iter()
        .rev()
        .filter(|m| m.visible_to_seller())
        .collect();
    let page: Vec<Value> = visible
        .iter()
        .skip(offset)
        .take(limit)
        .map(|m| message_json(&state, m))
        .collect();
    Ok(Json(json!({
        "paging": {"limit": limit, "offset": offset, "total": visible.len()},
        "conversation_status": status_json(conversation),
        "messages": page,
        "seller_max_message_length": SELLER_MAX_CHARS,
        "buyer_max_message_length": BUYER_MAX_CHARS,
    })))
}

fn bad(message: impl Into<String>) -> MessagesError {
    MessagesError::new(StatusCode::BAD_REQUEST, message)
}

/// A user id given as a JSON number or a numeric string.
fn user_id(v: Option<&Value>) -> Option<Result<i64, ()>> {
    match v? {
        Value::Number(n) => Some(n.as_i64().ok_or(())),
        Value::String(s) => Some(s.trim().parse().map_err(|_| ())),
        Value::Null => None,
        _ => Some(Err(())),
    }
}

/// The 403 a blocked conversation answers, per substatus.
fn blocked(substatus: &str) -> MessagesError {
    match substatus {
        "blocked_by_mediation" | "blocked_by_mediation_fbm" => MessagesError::new(
            StatusCode::FORBIDDEN,
            "You can not send the message because a mediation is in process",
        ),
        "blocked_by_fulfillment" => MessagesError::new(
            StatusCode::FORBIDDEN,
            "You can not send the message because the order is Mercado Envíos Full and has not been yet delivered",
        ),
        _ => MessagesError::blocked(),
    }
}

/// `POST /messages/packs/{pack_id}/sellers/{seller_id}?tag=post_sale`.
pub(crate) async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Path((pack, seller)): Path<(String, String)>,
    uri: Uri,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), MessagesError> {
    let caller = caller.required()?;
    let query = query_map(uri.query());
    require_post_sale(&query)?;
    let (pack, seller) = parse_path(&pack, &seller)?;
    {
        let mut inner = state.lock();
        conversation(&mut inner.market.conversations, caller, pack, seller)?;
    }
    let value: Value = serde_json::from_slice(&body).map_err(|_| bad("A JSON body is required"))?;
    let Value::Object(map) = value else {
        return Err(bad("A JSON body is required"));
    };
    let from = match user_id(map.get("from").and_then(|f| f.get("user_id"))) {
        None => return Err(bad("The field 'from' is required")),
        Some(Err(())) => return Err(bad("Invalid 'from' user id")),
        Some(Ok(id)) => id,
    };
    let to = match user_id(map.get("to").and_then(|t| t.get("user_id"))) {
        None => return Err(bad("The field 'to.user_id' is required")),
        Some(Err(())) => return Err(bad("Invalid 'to' user id")),
        Some(Ok(id)) => id,
    };
    if from == to {
        return Err(bad("Sender and received must not be equals"));
    }
    if from != caller {
        return Err(MessagesError::new(
            StatusCode::FORBIDDEN,
            format!("Access denied for user {from} to order {pack}"),
        ));
    }
    let text = match map.get("text") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(bad("The field 'text' must be a string")),
    };
    let keys: Vec<String> = match map.get("attachments") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("The field 'attachments' must be a list of attachment ids"))?,
        Some(_) => {
            return Err(bad(
                "The field 'attachments' must be a list of attachment ids",
            ));
        }
    };
    if text.trim().is_empty() && keys.is_empty() {
        return Err(bad("The field 'text' is required"));
    }
    if text.chars().count() > SELLER_MAX_CHARS {
        return Err(bad(format!(
            "The message content is too long, max characters allowed are {SELLER_MAX_CHARS}"
        )));
    }
    if !moderation::charset_ok(&text) {
        return Err(bad("The text has character/s that is/are not supported."));
    }
    if keys.len() > MAX_ATTACHMENTS {
        return Err(bad(format!(
            "Too many attachments, max allowed are {MAX_ATTACHMENTS}"
        )));
    }

    let message = {
        let mut inner = state.lock();
        let crate::state::Inner { rng, market, .. } = &mut *inner;
        let mut files = Vec::new();
        for key in &keys {
            let file = market
                .attachments
                .get(key)
                .filter(|a| a.owner == caller)
                .ok_or_else(|| {
                    MessagesError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "Attachment key is invalid or not found",
                    )
                })?;
            files.push(AttachedFile {
                filename: file.id.clone(),
                original_filename: file.original_filename.clone(),
                content_type: file.content_type.clone(),
                size: file.bytes.len(),
                created: file.created,
            });
        }
        let conversation = conversation(&mut market.conversations, caller, pack, seller)?;
        if to != conversation.buyer_id && to != agent_id(conversation.site_id) {
            return Err(MessagesError::new(
                StatusCode::FORBIDDEN,
                format!("Receiver does not belong to order {pack}"),
            ));
        }
        if let (_, Some(substatus)) = conversation.status() {
            return Err(blocked(substatus));
        }
        let message = conversation.push(rng, caller, &text, files, Utc::now());
        market.message_index.insert(message.id.clone(), pack);
        message
    };
    notify::emit_with(
        &state,
        "messages",
        &["created"],
        message.id.clone(),
        message.seller_id,
    );
    Ok((StatusCode::CREATED, Json(message_json(&state, &message))))
}

/// `GET /messages/{id}?tag=post_sale`: the wrapped (current) shape.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<Value>, MessagesError> {
    let caller = caller.required()?;
    require_post_sale(&query_map(uri.query()))?;
    let not_found = || MessagesError::new(StatusCode::NOT_FOUND, format!("Message {id} not found"));
    let inner = state.lock();
    let key = inner.market.message_index.get(&id).ok_or_else(not_found)?;
    let conversation = inner.market.conversations.get(key).ok_or_else(not_found)?;
    let message = conversation
        .messages
        .iter()
        .find(|m| m.id == id)
        .filter(|m| m.visible_to_seller())
        .ok_or_else(not_found)?;
    if conversation.seller_id != caller {
        return Err(MessagesError::new(
            StatusCode::FORBIDDEN,
            format!("Access denied for user {caller} to message {id}"),
        ));
    }
    Ok(Json(json!({
        "paging": null,
        "conversation_status": null,
        "messages": [message_json(&state, message)],
    })))
}

/// Largest number of conversations `/messages/unread` lists.
pub(crate) const MAX_UNREAD: usize = 500;

/// `GET /messages/unread?role=seller&tag=post_sale`.
pub(crate) async fn unread(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<Value>, MessagesError> {
    let caller = caller.required()?;
    let query = query_map(uri.query());
    require_post_sale(&query)?;
    let role = query
        .get("role")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| bad("The parameter role is required"))?;
    if role != "seller" && role != "buyer" {
        return Err(bad(format!("Invalid role: {role}")));
    }
    let inner = state.lock();
    let results: Vec<Value> = if role == "seller" {
        inner
            .market
            .conversations
            .values()
            .filter(|c| c.seller_id == caller && c.unread() > 0)
            .take(MAX_UNREAD)
            .map(|c| {
                json!({"resource": format!("/packs/{}/sellers/{}", c.key, c.seller_id), "count": c.unread()})
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Json(json!({"user_id": caller, "results": results})))
}

/// `GET /messages/unread/packs/{pack_id}/sellers/{seller_id}?tag=post_sale`.
pub(crate) async fn unread_pack(
    State(state): State<AppState>,
    caller: Caller,
    Path((pack, seller)): Path<(String, String)>,
    uri: Uri,
) -> Result<Json<Value>, MessagesError> {
    let caller = caller.required()?;
    require_post_sale(&query_map(uri.query()))?;
    let (pack, seller) = parse_path(&pack, &seller)?;
    let mut inner = state.lock();
    let c = conversation(&mut inner.market.conversations, caller, pack, seller)?;
    let results: Vec<Value> = (c.unread() > 0)
        .then(|| json!({"resource": format!("/packs/{}/sellers/{}", c.key, c.seller_id), "count": c.unread()}))
        .into_iter()
        .collect();
    Ok(Json(json!({"user_id": caller, "results": results})))
}
