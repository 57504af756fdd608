//! Post-sale messages, orders and claims: read from Mercado Libre by the worker and upserted as
//! conversations, exactly like questions (one path: webhook or sweep → the same jobs). Every
//! fetch is idempotent, so a retried or duplicated notification changes nothing.

use crate::jobs::{JobError, with_token};
use crate::state::AppState;
use chrono::{DateTime, FixedOffset, Utc};
use domain::routing::Route;
use domain::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use store::{MessageExtra, NewJob, NewMessage, ThreadContext, UpsertConversation};

pub const FETCH_MESSAGE: &str = "meli.fetch_message";
pub const SYNC_PACK: &str = "meli.sync_pack";
pub const FETCH_ORDER: &str = "meli.fetch_order";
pub const FETCH_CLAIM: &str = "meli.fetch_claim";

/// How many messages one page of a pack's conversation holds.
const PAGE: u32 = 50;

#[derive(Debug, Serialize, Deserialize)]
pub struct FetchMessage {
    pub seller_id: SellerId,
    pub message_id: String,
}

/// A pack's conversation (or an order's, when the order has no pack).
#[derive(Debug, Serialize, Deserialize)]
pub struct SyncPack {
    pub seller_id: SellerId,
    pub pack_id: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FetchOrder {
    pub seller_id: SellerId,
    pub order_id: OrderId,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FetchClaim {
    pub seller_id: SellerId,
    pub claim_id: ClaimId,
}

fn job(org: OrgId, kind: &str, payload: serde_json::Value, key: String) -> NewJob {
    NewJob {
        org_id: Some(org),
        kind: kind.into(),
        payload,
        dedup_key: Some(format!("{kind}:{key}")),
        run_at: Utc::now(),
    }
}

pub fn fetch_message_job(org: OrgId, seller: SellerId, message_id: &str) -> NewJob {
    job(
        org,
        FETCH_MESSAGE,
        serde_json::json!({ "seller_id": seller, "message_id": message_id }),
        format!("{seller}:{message_id}"),
    )
}

pub fn sync_pack_job(org: OrgId, seller: SellerId, pack_id: i64) -> NewJob {
    job(
        org,
        SYNC_PACK,
        serde_json::json!({ "seller_id": seller, "pack_id": pack_id }),
        format!("{seller}:{pack_id}"),
    )
}

pub fn fetch_order_job(org: OrgId, seller: SellerId, order: OrderId) -> NewJob {
    job(
        org,
        FETCH_ORDER,
        serde_json::json!({ "seller_id": seller, "order_id": order }),
        format!("{seller}:{order}"),
    )
}

pub fn fetch_claim_job(org: OrgId, seller: SellerId, claim: ClaimId) -> NewJob {
    job(
        org,
        FETCH_CLAIM,
        serde_json::json!({ "seller_id": seller, "claim_id": claim }),
        format!("{seller}:{claim}"),
    )
}

fn utc(t: Option<DateTime<FixedOffset>>) -> Option<DateTime<Utc>> {
    t.map(|t| t.with_timezone(&Utc))
}

async fn org_of(state: &AppState, seller: SellerId) -> Result<OrgId, JobError> {
    match state.store.connection(seller).await? {
        Some(c) => Ok(c.org_id),
        None => Err(JobError::Fatal(format!("store {seller} is not connected"))),
    }
}

/// Where a new conversation of this category goes: the admin's route, else the default.
async fn route_of(
    state: &AppState,
    seller: SellerId,
    category: Category,
) -> Result<Route, JobError> {
    Ok(state
        .store
        .route(seller, category)
        .await?
        .unwrap_or(Route::default_for(category)))
}

/// `messages` notification: the message names its pack (or order) through `message_resources`.
pub async fn fetch_message(state: &AppState, p: FetchMessage) -> Result<(), JobError> {
    let meli = &state.meli;
    let id = p.message_id.clone();
    let message = with_token(state, p.seller_id, |t| {
        let id = id.clone();
        async move { meli.message(&t, &id).await }
    })
    .await?;
    let Some(pack) = message.pack_id().or(message.order_id()) else {
        return Err(JobError::Fatal(format!(
            "message {} names no pack or order",
            p.message_id
        )));
    };
    sync_pack(
        state,
        SyncPack {
            seller_id: p.seller_id,
            pack_id: pack,
        },
    )
    .await
}

/// A pack's orders (or the one order of a pack-less sale) as already stored, else read from
/// Mercado Libre and stored. Re-reading a conversation on every buyer message must not cost a
/// pack, order and shipment call each time: an order's own changes arrive as `orders_v2`,
/// which re-reads it (`fetch_order`).
async fn pack_orders(
    state: &AppState,
    org: OrgId,
    seller: SellerId,
    pack_id: i64,
) -> Result<Vec<Order>, JobError> {
    let known = state.store.pack_orders(org, PackId(pack_id)).await?;
    if !known.is_empty() {
        return Ok(known);
    }
    if let Some(order) = state.store.org_order(org, OrderId(pack_id)).await? {
        return Ok(vec![order]);
    }
    store_pack_orders(state, org, seller, pack_id).await
}

/// Reads a pack's orders (its context: what was bought) and stores them.
async fn store_pack_orders(
    state: &AppState,
    org: OrgId,
    seller: SellerId,
    pack_id: i64,
) -> Result<Vec<Order>, JobError> {
    let meli = &state.meli;
    let pack = with_token(
        state,
        seller,
        |t| async move { meli.pack(&t, pack_id).await },
    )
    .await;
    let order_ids: Vec<i64> = match pack {
        Ok(pack) => pack.orders.iter().filter_map(|o| o.id).collect(),
        // No pack with that id: it is an order's own id (orders without a pack).
        Err(JobError::Fatal(_)) => vec![pack_id],
        Err(retry) => return Err(retry),
    };
    let mut orders = Vec::new();
    for id in order_ids {
        match with_token(state, seller, |t| async move { meli.order(&t, id).await }).await {
            Ok(order) => {
                let ours = convert_order(state, org, seller, &order).await?;
                state.store.upsert_order(&ours).await?;
                crate::contacts::note_order_buyer(state, org, seller, &order).await?;
                orders.push(ours);
            }
            Err(JobError::Fatal(e)) => {
                tracing::warn!(order.id = id, error = %e, "order not available")
            }
            Err(retry) => return Err(retry),
        }
    }
    Ok(orders)
}

/// Our order from Mercado Libre's, with its shipment's status when there is one.
async fn convert_order(
    state: &AppState,
    org: OrgId,
    seller: SellerId,
    o: &meli::Order,
) -> Result<Order, JobError> {
    let meli = &state.meli;
    let shipping_status = match o.shipment_id() {
        Some(id) => {
            match with_token(
                state,
                seller,
                |t| async move { meli.shipment(&t, id).await },
            )
            .await
            {
                Ok(s) => s.status.map(|s| s.to_string()),
                Err(JobError::Fatal(_)) => o.shipping.as_ref().and_then(|s| s.status.clone()),
                Err(retry) => return Err(retry),
            }
        }
        None => o.shipping.as_ref().and_then(|s| s.status.clone()),
    };
    Ok(order_from_meli(org, seller, o, shipping_status))
}

/// Our order from Mercado Libre's as read (by id or in a search page), with the shipment's
/// status when the caller knows it.
pub(crate) fn order_from_meli(
    org: OrgId,
    seller: SellerId,
    o: &meli::Order,
    shipping_status: Option<String>,
) -> Order {
    let created = utc(o.date_created).unwrap_or_else(Utc::now);
    let currency = o.currency_id.clone().unwrap_or_default();
    Order {
        order_id: OrderId(o.id),
        org_id: org,
        seller_id: seller,
        pack_id: o.pack_id.map(PackId),
        status: o
            .status
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "unknown".into()),
        status_detail: o.status_detail.as_ref().map(|d| match d {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        date_created: created,
        date_closed: utc(o.date_closed),
        last_updated: utc(o.last_change()).unwrap_or(created),
        total_amount: o.total_amount.unwrap_or_default(),
        paid_amount: o.paid_amount.unwrap_or_default(),
        refunded_amount: o
            .payments
            .iter()
            .filter_map(|p| p.transaction_amount_refunded)
            .fold(Decimal::ZERO, |sum, r| sum.checked_add(r).unwrap_or(sum)),
        currency_id: currency.clone(),
        buyer_id: MeliUserId(o.buyer_id().unwrap_or_default()),
        shipment_id: o.shipment_id(),
        shipping_status,
        items: o
            .order_items
            .iter()
            .map(|i| OrderItem {
                item_id: Some(ItemId(i.item.id.clone())).filter(|i| !i.0.is_empty()),
                title: i.item.title.clone().unwrap_or_default(),
                quantity: i64::try_from(i.quantity.unwrap_or(1)).unwrap_or(i64::MAX),
                unit_price: i.unit_price.unwrap_or_default(),
                currency_id: currency.clone(),
            })
            .collect(),
    }
}

/// A pack's post-sale conversation: its messages (read without marking them read, so the
/// seller's own Mercado Libre inbox still shows them unread), whether the buyer started it,
/// whether Mercado Libre blocks sends, its orders and, when the seller may only start through
/// the action guide, the options with their cap left.
pub async fn sync_pack(state: &AppState, p: SyncPack) -> Result<(), JobError> {
    let meli = &state.meli;
    let seller = p.seller_id;
    let org = org_of(state, seller).await?;
    let mut messages = Vec::new();
    let mut blocked;
    let mut offset = 0;
    loop {
        let page = with_token(state, seller, |t| async move {
            meli.pack_messages(&t, p.pack_id, seller.0, offset, PAGE)
                .await
        })
        .await?;
        blocked = page
            .blocked()
            .map(|reason| reason.map_or("blocked".to_string(), |r| r.to_string()));
        let count = page.messages.len();
        messages.extend(page.messages);
        offset += u32::try_from(count).unwrap_or(PAGE);
        if count == 0 || u64::from(offset) >= page.paging.total {
            break;
        }
    }
    let orders = pack_orders(state, org, seller, p.pack_id).await?;
    let buyer_started = messages
        .iter()
        .any(|m| m.from_user_id().is_some_and(|u| u != seller.0));
    let buyer = orders
        .first()
        .map(|o| o.buyer_id)
        .or_else(|| {
            messages
                .iter()
                .find_map(|m| m.from_user_id().filter(|u| *u != seller.0))
                .map(MeliUserId)
        })
        .unwrap_or(MeliUserId(0));
    let dated = |m: &meli::Message| {
        utc(m.message_date.received.or(m.message_date.created)).unwrap_or_else(Utc::now)
    };
    let last_inbound = messages
        .iter()
        .filter(|m| m.from_user_id() != Some(seller.0))
        .map(dated)
        .max()
        .or_else(|| orders.first().map(|o| o.date_created))
        .unwrap_or_else(Utc::now);
    let pack_id = orders.first().and_then(|o| o.pack_id);
    let order_id = orders.first().map(|o| o.order_id);
    // Open while the buyer's message is the last word, waiting once we answered, resolved while
    // nobody wrote (the conversation exists so the seller can start it).
    let status = match messages.iter().max_by_key(|m| dated(m)) {
        None => ConversationStatus::Resolved,
        Some(last) if last.from_user_id() == Some(seller.0) => ConversationStatus::Waiting,
        Some(_) => ConversationStatus::Open,
    };
    let conv = state
        .store
        .upsert_conversation(UpsertConversation {
            org_id: org,
            seller_id: seller,
            category: Category::PostSaleHelp,
            meli_ref: p.pack_id.to_string(),
            buyer_id: buyer,
            item_id: orders
                .first()
                .and_then(|o| o.items.first())
                .and_then(|i| i.item_id.clone()),
            status,
            meli_status: None,
            reply_locked: false,
            last_inbound_at: last_inbound,
            now: Utc::now(),
            context: ThreadContext {
                route: Some(route_of(state, seller, Category::PostSaleHelp).await?),
                order_id,
                pack_id,
                claim_id: None,
                buyer_started,
                blocked_reason: blocked,
            },
        })
        .await?;
    for m in &messages {
        let ours = m.from_user_id() == Some(seller.0);
        let moderation = m.message_moderation.as_ref();
        let extra = MessageExtra {
            moderation_status: moderation
                .and_then(|x| x.status.as_ref())
                .map(|s| s.to_string()),
            moderation_reason: moderation
                .and_then(|x| x.reason.as_ref())
                .map(|r| r.to_string()),
            attachments: (!m.message_attachments.is_empty())
                .then(|| serde_json::to_value(&m.message_attachments).unwrap_or_default()),
            receiver_role: None,
        };
        let (stored, inserted) = state
            .store
            .add_message(NewMessage {
                conversation_id: conv.id,
                meli_ref: format!("msg:{}", m.id),
                direction: if ours {
                    Direction::Outbound
                } else {
                    Direction::Inbound
                },
                author: if ours { Author::Seller } else { Author::Buyer },
                author_person_id: None,
                text: m.text.clone(),
                delivery: if ours {
                    DeliveryStatus::Sent
                } else {
                    DeliveryStatus::Received
                },
                created_at: dated(m),
                sent_at: ours.then(|| dated(m)),
                extra: extra.clone(),
            })
            .await?;
        // Moderation can come later than the message: keep the latest verdict.
        if !inserted
            && (stored.moderation_status != extra.moderation_status
                || stored.moderation_reason != extra.moderation_reason)
        {
            state
                .store
                .set_message_moderation(
                    stored.id,
                    extra.moderation_status.as_deref(),
                    extra.moderation_reason.as_deref(),
                )
                .await?;
        }
    }
    if !buyer_started && domain::channels::only_awaiting_buyer(conv.blocked_reason.as_deref()) {
        let pack = p.pack_id;
        match with_token(state, seller, |t| async move {
            meli.action_guide(&t, pack).await
        })
        .await
        {
            Ok(guide) => {
                let value = serde_json::to_value(&guide).unwrap_or_default();
                state.store.set_action_guide(conv.id, &value).await?;
            }
            Err(JobError::Fatal(e)) => {
                tracing::info!(pack.id = pack, error = %e, "no action guide for this pack")
            }
            Err(retry) => return Err(retry),
        }
    }
    Ok(())
}

/// `orders_v2`: the order is stored and its pack's conversation read, so the support desk has
/// every sale (the seller may start a conversation through the action guide) and the order's
/// status is part of its conversation's context.
pub async fn fetch_order(state: &AppState, p: FetchOrder) -> Result<(), JobError> {
    let meli = &state.meli;
    let org = org_of(state, p.seller_id).await?;
    let id = p.order_id.0;
    let order = with_token(
        state,
        p.seller_id,
        |t| async move { meli.order(&t, id).await },
    )
    .await?;
    let ours = convert_order(state, org, p.seller_id, &order).await?;
    state.store.upsert_order(&ours).await?;
    crate::contacts::note_order_buyer(state, org, p.seller_id, &order).await?;
    state
        .store
        .enqueue(sync_pack_job(org, p.seller_id, order.conversation_id()))
        .await?;
    state.jobs_waiting.notify_one();
    Ok(())
}

/// A claim: its stage, status, the seller's available actions with their due dates, whether it
/// affects reputation, its order, and its messages (deduplicated by `hash`).
pub async fn fetch_claim(state: &AppState, p: FetchClaim) -> Result<(), JobError> {
    let meli = &state.meli;
    let seller = p.seller_id;
    let org = org_of(state, seller).await?;
    let id = p.claim_id.0;
    let claim = with_token(state, seller, |t| async move { meli.claim(&t, id).await }).await?;
    let affects = match with_token(state, seller, |t| async move {
        meli.claim_affects_reputation(&t, id).await
    })
    .await
    {
        Ok(r) => r.affects_reputation.map(|a| a.as_str() == "affected"),
        Err(JobError::Fatal(_)) => None,
        Err(retry) => return Err(retry),
    };
    let actions = claim
        .respondent()
        .map(|player| {
            player
                .available_actions
                .iter()
                .map(|a| ClaimAction {
                    action: a.action.to_string(),
                    due_date: utc(a.due_date),
                    mandatory: a.mandatory,
                })
                .collect()
        })
        .unwrap_or_default();
    let created = utc(claim.date_created).unwrap_or_else(Utc::now);
    let ours = Claim {
        claim_id: ClaimId(claim.id),
        org_id: org,
        seller_id: seller,
        order_id: claim.order_id().map(OrderId),
        reason_id: claim.reason_id.clone(),
        claim_type: claim.kind.as_ref().map(|k| k.to_string()),
        stage: claim
            .stage
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "claim".into()),
        status: claim
            .status
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "opened".into()),
        affects_reputation: affects,
        available_actions: actions,
        date_created: created,
        last_updated: utc(claim.last_updated).unwrap_or(created),
    };
    state.store.upsert_claim(&ours).await?;
    let orders = match ours.order_id {
        Some(order) => pack_orders(state, org, seller, order.0).await?,
        None => Vec::new(),
    };
    let messages = with_token(state, seller, |t| async move {
        meli.claim_messages(&t, id).await
    })
    .await?
    .0;
    let complainant = claim
        .players
        .iter()
        .find(|pl| pl.role.as_str() == "complainant")
        .and_then(|pl| pl.user_id);
    let last_inbound = messages
        .iter()
        .filter(|m| m.sender_role.as_str() != "respondent")
        .filter_map(|m| utc(m.date_created))
        .max()
        .unwrap_or(created);
    let conv = state
        .store
        .upsert_conversation(UpsertConversation {
            org_id: org,
            seller_id: seller,
            category: Category::Claim,
            meli_ref: claim.id.to_string(),
            buyer_id: MeliUserId(
                complainant
                    .or(orders.first().map(|o| o.buyer_id.0))
                    .unwrap_or_default(),
            ),
            item_id: orders
                .first()
                .and_then(|o| o.items.first())
                .and_then(|i| i.item_id.clone()),
            status: if ours.status == "closed" {
                ConversationStatus::Resolved
            } else {
                ConversationStatus::Open
            },
            meli_status: Some(format!("{}/{}", ours.stage, ours.status)),
            reply_locked: false,
            last_inbound_at: last_inbound,
            now: Utc::now(),
            context: ThreadContext {
                route: Some(route_of(state, seller, Category::Claim).await?),
                order_id: ours.order_id,
                pack_id: orders.first().and_then(|o| o.pack_id),
                claim_id: Some(ours.claim_id),
                buyer_started: true,
                blocked_reason: None,
            },
        })
        .await?;
    for (i, m) in messages.iter().enumerate() {
        let ours_msg = m.sender_role.as_str() == "respondent";
        let author = match m.sender_role.as_str() {
            "respondent" => Author::Seller,
            "mediator" => Author::Mediator,
            _ => Author::Buyer,
        };
        let at = utc(m.date_created).unwrap_or(created);
        let key = m
            .hash
            .clone()
            .unwrap_or_else(|| format!("{}-{i}", at.timestamp_micros()));
        state
            .store
            .add_message(NewMessage {
                conversation_id: conv.id,
                meli_ref: format!("claim-msg:{key}"),
                direction: if ours_msg {
                    Direction::Outbound
                } else {
                    Direction::Inbound
                },
                author,
                author_person_id: None,
                text: m.message.clone(),
                delivery: if ours_msg {
                    DeliveryStatus::Sent
                } else {
                    DeliveryStatus::Received
                },
                created_at: at,
                sent_at: ours_msg.then_some(at),
                extra: MessageExtra {
                    receiver_role: Some(m.receiver_role.to_string()),
                    ..Default::default()
                },
            })
            .await?;
    }
    Ok(())
}
