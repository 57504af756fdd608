//! The buyer's side of post-sale, for tests and the demo: buy, write in a pack conversation,
//! open a claim, write in it, escalate it to a dispute; plus blocking a conversation. Every
//! change goes through the same rules as the API and notifies as Mercado Libre would:
//!
//! | event | notifications (to the seller) |
//! |---|---|
//! | purchase | `orders_v2` `/orders/{id}` per order |
//! | buyer message (not moderated) | `messages` `["created"]`, resource the bare message id |
//! | claim opened | `post_purchase` `["claims"]` `/post-purchase/v1/claims/{id}` (+ legacy `claims` `/v1/claims/{id}` when asked), `orders_v2` for the claimed order |
//! | dispute | `post_purchase` `["claims"]` (+ legacy) |
//! | buyer claim message the seller sees | `post_purchase` `["claims_actions"]` (+ legacy) |

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::Utc;
use rand::Rng;
use serde::Deserialize;
use serde_json::{Value, json};

use super::parse;
use crate::errors::{ApiError, SimError};
use crate::handlers::claims::{claim_json, notify_claim};
use crate::handlers::orders::order_json;
use crate::market::messaging::{self, SUBSTATUSES};
use crate::market::orders::{self, Purchase};
use crate::market::{Market, claims};
use crate::notify;
use crate::samples::sample_claim_messages;
use crate::seed::Lang;
use crate::state::AppState;

/// The post-sale `/_sim` routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/orders", post(buy_route))
        .route("/orders/{id}", get(order_route))
        .route("/messages", post(message_route))
        .route("/conversations/{id}/block", put(block_route))
        .route("/claims", post(claim_route))
        .route("/claims/{id}", get(claim_get_route))
        .route("/claims/{id}/messages", post(claim_message_route))
        .route("/claims/{id}/dispute", post(dispute_route))
}

/// Buys `item_ids` (see [`orders::buy`]) and notifies each order.
pub(crate) fn buy(
    state: &AppState,
    item_ids: &[String],
    buyer_id: Option<i64>,
) -> Result<Purchase, SimError> {
    let purchase = {
        let mut inner = state.lock();
        orders::buy(&state.seed, &mut inner, item_ids, buyer_id, Utc::now())?
    };
    for id in &purchase.order_ids {
        notify::emit(
            state,
            "orders_v2",
            format!("/orders/{id}"),
            purchase.seller_id,
        );
    }
    Ok(purchase)
}

/// A random cart of the seller's listings: usually one, sometimes two or three (a pack).
pub(crate) fn random_cart(state: &AppState, seller_id: i64) -> Result<Vec<String>, SimError> {
    let mut items: Vec<String> = state
        .seed
        .items
        .iter()
        .filter(|i| i.seller_id == seller_id)
        .map(|i| i.id.clone())
        .collect();
    if items.is_empty() {
        return Err(SimError::SellerNotFound(seller_id));
    }
    let mut inner = state.lock();
    let rng = &mut inner.rng;
    let count = match rng.random_range(0..10) {
        0..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    let mut cart = Vec::new();
    for _ in 0..count.min(items.len()) {
        let pick = rng.random_range(0..items.len());
        cart.push(items.swap_remove(pick));
    }
    Ok(cart)
}

/// The buyer writes in a conversation (pack id, or order id of a pack-less order).
pub(crate) fn buyer_message(
    state: &AppState,
    conversation_id: i64,
    text: &str,
) -> Result<String, SimError> {
    let (id, visible, seller) = {
        let mut inner = state.lock();
        messaging::buyer_writes(&mut inner, conversation_id, text, Utc::now())?
    };
    if visible {
        notify::emit_with(state, "messages", &["created"], id.clone(), seller);
    }
    Ok(id)
}

/// Blocks a conversation with `substatus`, or lifts an explicit block with `None`.
pub(crate) fn block(
    state: &AppState,
    conversation_id: i64,
    substatus: Option<&str>,
) -> Result<(), SimError> {
    let substatus = match substatus {
        None => None,
        Some(s) => Some(
            SUBSTATUSES
                .iter()
                .find(|known| **known == s)
                .ok_or_else(|| SimError::UnknownSubstatus(s.to_owned()))?,
        ),
    };
    let mut inner = state.lock();
    let conversation = inner
        .market
        .conversations
        .get_mut(&conversation_id)
        .ok_or(SimError::ConversationNotFound(conversation_id))?;
    conversation.block = substatus.map(|s| (*s).to_owned());
    conversation.status_date = Utc::now();
    Ok(())
}

/// The buyer of `order_id` opens a claim (text: a sample one when `None`).
pub(crate) fn open_claim(
    state: &AppState,
    order_id: i64,
    reason_id: Option<&str>,
    text: Option<&str>,
    legacy_topic: bool,
) -> Result<i64, SimError> {
    let claim = {
        let mut inner = state.lock();
        let text = match text {
            Some(t) => t.to_owned(),
            None => {
                let site = inner
                    .market
                    .orders
                    .get(&order_id)
                    .map_or("MLA", |o| o.site_id);
                let samples = sample_claim_messages(Lang::for_site(site));
                let pick = inner.rng.random_range(0..samples.len());
                samples.get(pick).copied().unwrap_or("?").to_owned()
            }
        };
        claims::open(
            &mut inner,
            order_id,
            reason_id,
            &text,
            legacy_topic,
            Utc::now(),
        )?
    };
    notify_claim(state, &claim, "claims");
    notify::emit(
        state,
        "orders_v2",
        format!("/orders/{order_id}"),
        claim.seller_id,
    );
    Ok(claim.id)
}

/// Escalates a claim to a dispute.
pub(crate) fn escalate(state: &AppState, claim_id: i64) -> Result<(), SimError> {
    let claim = {
        let mut inner = state.lock();
        claims::escalate(&mut inner, claim_id, Utc::now())?
    };
    notify_claim(state, &claim, "claims");
    Ok(())
}

/// The buyer writes in a claim.
pub(crate) fn claim_message(state: &AppState, claim_id: i64, text: &str) -> Result<(), SimError> {
    let (claim, visible) = {
        let mut inner = state.lock();
        claims::buyer_writes(&mut inner, claim_id, text, Utc::now())?
    };
    if visible {
        notify_claim(state, &claim, "claims_actions");
    }
    Ok(())
}

#[derive(Deserialize)]
struct BuyBody {
    seller_id: Option<i64>,
    #[serde(default)]
    item_ids: Vec<String>,
    buyer_id: Option<i64>,
}

/// `POST /_sim/orders` `{"item_ids": [...], "buyer_id"?}` or `{"seller_id"}` for a random cart.
async fn buy_route(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let b: BuyBody = parse(&body)?;
    let items = if b.item_ids.is_empty() {
        let seller = b
            .seller_id
            .ok_or_else(|| ApiError::bad_request("item_ids or seller_id is required"))?;
        random_cart(&state, seller).map_err(|e| e.to_api())?
    } else {
        b.item_ids
    };
    let purchase = buy(&state, &items, b.buyer_id).map_err(|e| e.to_api())?;
    Ok(Json(serde_json::to_value(purchase).unwrap_or(Value::Null)))
}

async fn order_route(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let inner = state.lock();
    let order = inner
        .market
        .orders
        .get(&id)
        .ok_or_else(|| SimError::OrderNotFound(id).to_api())?;
    Ok(Json(order_json(&state, &inner.market, order)))
}

#[derive(Deserialize)]
struct MessageBody {
    /// The pack id, or the order id of a pack-less order.
    pack_id: Option<i64>,
    /// Alternative to `pack_id`: any order of the conversation.
    order_id: Option<i64>,
    text: String,
}

fn conversation_of(
    state: &AppState,
    pack_id: Option<i64>,
    order_id: Option<i64>,
) -> Result<i64, ApiError> {
    match (pack_id, order_id) {
        (Some(p), _) => Ok(p),
        (None, Some(o)) => {
            let inner = state.lock();
            inner
                .market
                .orders
                .get(&o)
                .map(Market::conversation_key)
                .ok_or_else(|| SimError::OrderNotFound(o).to_api())
        }
        (None, None) => Err(ApiError::bad_request("pack_id or order_id is required")),
    }
}

/// `POST /_sim/messages` `{"pack_id" | "order_id", "text"}` → `{"message_id"}`.
async fn message_route(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: MessageBody = parse(&body)?;
    let key = conversation_of(&state, b.pack_id, b.order_id)?;
    let id = buyer_message(&state, key, &b.text).map_err(|e| e.to_api())?;
    Ok(Json(json!({ "message_id": id })))
}

#[derive(Deserialize)]
struct BlockBody {
    substatus: Option<String>,
}

/// `PUT /_sim/conversations/{pack_id}/block` `{"substatus": "blocked_by_time" | null}`.
async fn block_route(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let b: BlockBody = parse(&body)?;
    block(&state, id, b.substatus.as_deref()).map_err(|e| e.to_api())?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct ClaimBody {
    order_id: i64,
    reason_id: Option<String>,
    text: Option<String>,
    #[serde(default)]
    legacy_topic: bool,
}

/// `POST /_sim/claims` `{"order_id", "reason_id"?, "text"?, "legacy_topic"?}` → `{"claim_id"}`.
async fn claim_route(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let b: ClaimBody = parse(&body)?;
    let id = open_claim(
        &state,
        b.order_id,
        b.reason_id.as_deref(),
        b.text.as_deref(),
        b.legacy_topic,
    )
    .map_err(|e| e.to_api())?;
    Ok(Json(json!({ "claim_id": id })))
}

async fn claim_get_route(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let inner = state.lock();
    let claim = inner
        .market
        .claims
        .get(&id)
        .ok_or_else(|| SimError::ClaimNotFound(id).to_api())?;
    Ok(Json(claim_json(claim)))
}

#[derive(Deserialize)]
struct TextBody {
    text: String,
}

/// `POST /_sim/claims/{id}/messages` `{"text"}`.
async fn claim_message_route(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let b: TextBody = parse(&body)?;
    claim_message(&state, id, &b.text).map_err(|e| e.to_api())?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_sim/claims/{id}/dispute`.
async fn dispute_route(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    escalate(&state, id).map_err(|e| e.to_api())?;
    Ok(StatusCode::NO_CONTENT)
}
