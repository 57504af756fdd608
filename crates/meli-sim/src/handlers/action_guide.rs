//! The action guide, the only way a seller starts a post-sale conversation:
//! `GET /messages/action_guide/packs/{pack_id}`, `GET …/caps_available` and
//! `POST …/option`, all with `tag=post_sale`. Errors use the action-guide shape.
//!
//! Options per shipment: `REQUEST_VARIANTS` (cross docking and drop off only),
//! `REQUEST_BILLING_INFO`, `SEND_INVOICE_LINK` (free text), `DELIVERY_PROMISE` (Flex only, with
//! `INIT`/`LIMIT` hour vars) and `OTHER` (free text), each usable once (`cap_available` 1).
//! Posting an option consumes its cap and sends the message; the conversation stays closed to
//! normal sends until the buyer answers. Once the buyer has written, or when the conversation is
//! blocked, the guide refuses with 403.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::{Caller, query_map, require_post_sale};
use crate::errors::GuideError;
use crate::market::Conversation;
use crate::market::messaging::{SELLER_LIMITED, SELLER_MAX_CHARS};
use crate::market::moderation;
use crate::notify;
use crate::seed::Lang;
use crate::state::{AppState, Shared, utc_time};

fn template_id(option: &str) -> String {
    format!("TEMPLATE___{option}___1")
}

fn description(option: &str) -> &'static str {
    match option {
        "REQUEST_VARIANTS" => "Request the variant (color, size, model) the buyer wants",
        "REQUEST_BILLING_INFO" => "Request the buyer's billing information",
        "SEND_INVOICE_LINK" => "Send the link to the invoice",
        "DELIVERY_PROMISE" => "Tell the buyer when the order will be delivered",
        _ => "Other reason",
    }
}

fn option_json(option: &str, cap: u32) -> Value {
    let mut out = json!({
        "id": option,
        "internal_description": description(option),
        "enabled": true,
        "type": "template",
        "templates": [{"id": template_id(option), "vars": null}],
        "actionable": true,
        "child_options": null,
        "cap_available": cap,
    });
    let Some(map) = out.as_object_mut() else {
        return out;
    };
    match option {
        "SEND_INVOICE_LINK" | "OTHER" => {
            map.insert("type".into(), json!("free_text"));
            map.insert("templates".into(), Value::Null);
            map.insert("char_limit".into(), json!(SELLER_MAX_CHARS));
        }
        "DELIVERY_PROMISE" => {
            let id = template_id(option);
            map.insert(
                "templates".into(),
                json!([{
                    "id": id,
                    "texts": {
                        "mla": {"html": "Hola,Entregaremos tu compra %s entre las %d y las %d hs."},
                        "mlb": {"html": "Olá,Entregaremos sua compra %s entre %d e %d h."},
                        "mlm": {"html": "Hola,Entregaremos tu compra %s entre las %d y las %d hs."},
                    },
                    "vars": [
                        {"id": format!("{id}___VAR___INIT"), "type": "NUMBER"},
                        {"id": format!("{id}___VAR___LIMIT"), "type": "NUMBER"},
                    ],
                }]),
            );
            map.insert("char_limit".into(), Value::Null);
            map.insert("child_options".into(), json!([]));
        }
        _ => {}
    }
    out
}

/// The conversation `pack` if the caller is its seller.
fn own<'a>(
    conversations: &'a mut std::collections::BTreeMap<i64, Conversation>,
    caller: i64,
    raw: &str,
) -> Result<&'a mut Conversation, GuideError> {
    let not_found = || {
        GuideError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "pack_not_found",
            format!("Pack {raw} not found"),
        )
    };
    let pack: i64 = raw.parse().map_err(|_| not_found())?;
    let c = conversations.get_mut(&pack).ok_or_else(not_found)?;
    if c.seller_id != caller {
        return Err(GuideError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "access_denied",
            format!("Access denied for user {caller} to pack {pack}"),
        ));
    }
    Ok(c)
}

fn check_tag(uri: &Uri) -> Result<(), GuideError> {
    require_post_sale(&query_map(uri.query())).map_err(GuideError::from)
}

/// `GET /messages/action_guide/packs/{pack_id}?tag=post_sale`.
pub(crate) async fn options(
    State(state): State<AppState>,
    caller: Caller,
    Path(pack): Path<String>,
    uri: Uri,
) -> Result<Json<Value>, GuideError> {
    let caller = caller.required()?;
    check_tag(&uri)?;
    let mut inner = state.lock();
    let c = own(&mut inner.market.conversations, caller, &pack)?;
    let options: Vec<Value> = c.caps.iter().map(|(o, cap)| option_json(o, *cap)).collect();
    Ok(Json(json!({ "options": options })))
}

/// `GET /messages/action_guide/packs/{pack_id}/caps_available?tag=post_sale`.
pub(crate) async fn caps(
    State(state): State<AppState>,
    caller: Caller,
    Path(pack): Path<String>,
    uri: Uri,
) -> Result<Json<Value>, GuideError> {
    let caller = caller.required()?;
    check_tag(&uri)?;
    let mut inner = state.lock();
    let c = own(&mut inner.market.conversations, caller, &pack)?;
    let caps: Vec<Value> = c
        .caps
        .iter()
        .map(|(o, cap)| json!({"option_id": o, "cap_available": cap}))
        .collect();
    Ok(Json(Value::Array(caps)))
}

fn bad(cause: &str, message: impl Into<String>) -> GuideError {
    GuideError::new(StatusCode::BAD_REQUEST, "bad_request", cause, message)
}

/// The text a template option sends, in the site's language.
fn template_text(option: &str, lang: Lang, vars: Option<(i64, i64)>) -> String {
    match (option, lang) {
        ("REQUEST_VARIANTS", Lang::Es) => "Hola, para preparar tu compra necesitamos que nos indiques la variante (color, talle o modelo) que querés recibir.".to_owned(),
        ("REQUEST_VARIANTS", Lang::Pt) => "Olá, para preparar sua compra precisamos que você nos indique a variante (cor, tamanho ou modelo) que deseja receber.".to_owned(),
        ("REQUEST_BILLING_INFO", Lang::Es) => "Hola, para emitir tu factura necesitamos tus datos de facturación. ¿Podrías completarlos en el detalle de tu compra?".to_owned(),
        ("REQUEST_BILLING_INFO", Lang::Pt) => "Olá, para emitir sua nota fiscal precisamos dos seus dados de faturamento. Você pode preenchê-los no detalhe da sua compra?".to_owned(),
        (_, Lang::Es) => {
            let (a, b) = vars.unwrap_or((9, 18));
            format!("Hola, entregaremos tu compra hoy entre las {a} y las {b} hs.")
        }
        (_, Lang::Pt) => {
            let (a, b) = vars.unwrap_or((9, 18));
            format!("Olá, entregaremos sua compra hoje entre {a} e {b} h.")
        }
    }
}

/// `INIT`/`LIMIT` hours of a `DELIVERY_PROMISE` request.
fn promise_vars(map: &Map<String, Value>, template: &str) -> Result<(i64, i64), GuideError> {
    let invalid = || bad("invalid_vars", "The vars are invalid");
    let vars = map
        .get("vars")
        .and_then(Value::as_array)
        .ok_or_else(invalid)?;
    let var = |suffix: &str| -> Result<i64, GuideError> {
        let id = format!("{template}___VAR___{suffix}");
        vars.iter()
            .find(|v| v.get("id").and_then(Value::as_str) == Some(id.as_str()))
            .and_then(|v| v.get("value"))
            .and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .ok_or_else(invalid)
    };
    let (init, limit) = (var("INIT")?, var("LIMIT")?);
    if !(0..=23).contains(&init) || !(0..=23).contains(&limit) || init >= limit {
        return Err(invalid());
    }
    Ok((init, limit))
}

/// What an option request asks to send.
fn requested_text(
    option: &str,
    map: &Map<String, Value>,
    lang: Lang,
) -> Result<String, GuideError> {
    if matches!(option, "SEND_INVOICE_LINK" | "OTHER") {
        let text = map
            .get("text")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| bad("text_required", "The field 'text' is required"))?;
        if text.chars().count() > SELLER_MAX_CHARS {
            return Err(GuideError::new(
                StatusCode::BAD_REQUEST,
                "limit_exceeded",
                "limit_exceeded",
                "The text is invalid",
            ));
        }
        if !moderation::charset_ok(text) {
            return Err(bad(
                "invalid_characters",
                "The text has character/s that is/are not supported.",
            ));
        }
        return Ok(text.to_owned());
    }
    let template = template_id(option);
    if map.get("template_id").and_then(Value::as_str) != Some(template.as_str()) {
        return Err(bad(
            "invalid_template",
            "The template selected is not valid",
        ));
    }
    let vars = if option == "DELIVERY_PROMISE" {
        Some(promise_vars(map, &template)?)
    } else {
        None
    };
    Ok(template_text(option, lang, vars))
}

fn response_json(state: &Shared, m: &crate::market::messaging::Message) -> Value {
    let name = state.user(m.to).map_or(String::new(), |u| {
        format!("{} {}", u.first_name, u.last_name)
    });
    let created = utc_time(m.created);
    let moderated = m.moderation.is_some();
    json!({
        "id": m.id,
        "to": {"user_id": m.to, "name": name},
        "status": if moderated { "moderated" } else { "available" },
        "text": m.text,
        "message_date": {
            "received": created,
            "available": if moderated { Value::Null } else { json!(created) },
            "notified": null,
            "created": created,
            "read": null,
        },
        "message_moderation": {
            "status": if moderated { "rejected" } else { "clean" },
            "reason": m.moderation.map(|r| r.code()),
            "source": "online",
            "moderation_date": created,
        },
    })
}

/// `POST /messages/action_guide/packs/{pack_id}/option?tag=post_sale`.
pub(crate) async fn send_option(
    State(state): State<AppState>,
    caller: Caller,
    Path(pack): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), GuideError> {
    let caller = caller.required()?;
    check_tag(&uri)?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|_| bad("invalid_body", "A JSON body is required"))?;
    let Value::Object(map) = value else {
        return Err(bad("invalid_body", "A JSON body is required"));
    };
    let option = map
        .get("option_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let message = {
        let mut inner = state.lock();
        let crate::state::Inner { rng, market, .. } = &mut *inner;
        let c = own(&mut market.conversations, caller, &pack)?;
        match c.status() {
            (_, Some(SELLER_LIMITED)) => {}
            (_, Some(substatus)) => {
                return Err(GuideError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    substatus,
                    "This package has the conversation blocked",
                ));
            }
            (_, None) => {
                return Err(GuideError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "blocked_by_conversation_use_message_api",
                    "This package has the conversation blocked, it is requested to use the messaging resource.",
                ));
            }
        }
        let (key, cap) = c
            .caps
            .iter()
            .find(|(o, _)| **o == option)
            .map(|(o, cap)| (*o, *cap))
            .ok_or_else(|| {
                GuideError::new(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "option_not_found",
                    "The option selected is not valid",
                )
            })?;
        if cap == 0 {
            return Err(GuideError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "cap_exceeded",
                format!("You are not allowed to execute the option {option} again"),
            ));
        }
        let text = requested_text(key, &map, Lang::for_site(c.site_id))?;
        if let Some((_, left)) = c.caps.iter_mut().find(|(o, _)| *o == key) {
            *left = cap - 1;
        }
        let message = c.push(rng, caller, &text, Vec::new(), Utc::now());
        market.message_index.insert(message.id.clone(), c.key);
        message
    };
    notify::emit_with(
        &state,
        "messages",
        &["created"],
        message.id.clone(),
        message.seller_id,
    );
    Ok((StatusCode::CREATED, Json(response_json(&state, &message))))
}
