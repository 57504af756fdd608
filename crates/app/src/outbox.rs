//! Delivering post-sale and claim replies and action-guide starts queued by people (and later by
//! bots). Unlike a question's one answer, these do not lock the conversation; what they share
//! with it is that a refusal is recorded on the message with Mercado Libre's reason, and a
//! blocked conversation is re-read so the composer shows why.

use crate::jobs::{JobError, with_token};
use crate::state::AppState;
use crate::sync::{SyncPack, sync_pack};
use chrono::Utc;
use domain::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct SendMessage {
    pub seller_id: SellerId,
    pub pack_id: Option<PackId>,
    pub order_id: Option<OrderId>,
    pub buyer_id: MeliUserId,
    pub message_id: MessageId,
}

#[derive(Debug, Deserialize)]
pub struct SendClaimMessage {
    pub seller_id: SellerId,
    pub claim_id: ClaimId,
    pub receiver_role: String,
    pub message_id: MessageId,
}

#[derive(Debug, Deserialize)]
pub struct SendOption {
    pub seller_id: SellerId,
    pub pack_id: i64,
    pub option_id: String,
    pub message_id: MessageId,
}

/// The message to send, unless it was already delivered (a retried job).
async fn pending(state: &AppState, id: MessageId) -> Result<Option<Message>, JobError> {
    match state.store.message(id).await? {
        None => Err(JobError::Fatal(format!("message {id} no longer exists"))),
        Some(m) if m.delivery == DeliveryStatus::Pending => Ok(Some(m)),
        Some(_) => Ok(None),
    }
}

/// Records Mercado Libre's refusal on the message, in words an agent can act on.
async fn refused(state: &AppState, message: &Message, e: &str) -> Result<(), JobError> {
    state
        .store
        .mark_message_failed(message.id, &format!("Mercado Libre refused it: {e}"), false)
        .await?;
    Ok(())
}

/// Marks the message delivered, or records Mercado Libre's refusal; true when delivered.
async fn settle<T>(
    state: &AppState,
    message: &Message,
    sent: Result<Result<T, String>, JobError>,
) -> Result<Option<T>, JobError> {
    match sent? {
        Ok(v) => {
            state
                .store
                .mark_message_sent(message.id, Utc::now())
                .await?;
            Ok(Some(v))
        }
        Err(e) => {
            refused(state, message, &e).await?;
            Ok(None)
        }
    }
}

/// Splits a failed call into "record the refusal" (`Ok(Some(reason))`) and "retry later".
fn refusal<T>(result: Result<T, JobError>) -> Result<Result<T, String>, JobError> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(JobError::Fatal(e)) => Ok(Err(e)),
        Err(retry) => Err(retry),
    }
}

pub async fn send_message(state: &AppState, p: SendMessage) -> Result<(), JobError> {
    let Some(message) = pending(state, p.message_id).await? else {
        return Ok(());
    };
    let Some(pack) = p.pack_id.map(|p| p.0).or(p.order_id.map(|o| o.0)) else {
        return Err(JobError::Fatal(
            "the conversation has no pack or order".into(),
        ));
    };
    let meli = &state.meli;
    let body = meli::NewPackMessage {
        to_user_id: p.buyer_id.0,
        text: message.text.clone(),
        attachments: Vec::new(),
    };
    let sent = with_token(state, p.seller_id, |t| {
        let body = body.clone();
        async move { meli.send_pack_message(&t, pack, p.seller_id.0, &body).await }
    })
    .await;
    let Some(posted) = settle(state, &message, refusal(sent)).await? else {
        // Blocked, or not allowed to start: re-read the pack so the composer says why.
        return sync_pack(
            state,
            SyncPack {
                seller_id: p.seller_id,
                pack_id: pack,
            },
        )
        .await;
    };
    if let Some(echo) = posted.message {
        state
            .store
            .set_message_ref(message.id, &format!("msg:{}", echo.id))
            .await?;
        if let Some(m) = echo.message_moderation {
            state
                .store
                .set_message_moderation(
                    message.id,
                    m.status.map(|s| s.to_string()).as_deref(),
                    m.reason.map(|r| r.to_string()).as_deref(),
                )
                .await?;
        }
    }
    tracing::info!(message.id = %message.id, pack.id = pack, "post-sale message delivered");
    Ok(())
}

pub async fn send_claim_message(state: &AppState, p: SendClaimMessage) -> Result<(), JobError> {
    let Some(message) = pending(state, p.message_id).await? else {
        return Ok(());
    };
    let meli = &state.meli;
    let body = meli::NewClaimMessage {
        receiver_role: meli::ClaimRole::from(p.receiver_role.as_str()),
        message: message.text.clone(),
        attachments: Vec::new(),
    };
    let claim = p.claim_id.0;
    let sent = with_token(state, p.seller_id, |t| {
        let body = body.clone();
        async move { meli.send_claim_message(&t, claim, &body).await }
    })
    .await;
    if settle(state, &message, refusal(sent)).await?.is_some() {
        tracing::info!(message.id = %message.id, claim.id = claim, role = %p.receiver_role, "claim message delivered");
    }
    // The claim's actions (and our message's hash) change after a send: read it again.
    crate::sync::fetch_claim(
        state,
        crate::sync::FetchClaim {
            seller_id: p.seller_id,
            claim_id: p.claim_id,
        },
    )
    .await
}

pub async fn send_option(state: &AppState, p: SendOption) -> Result<(), JobError> {
    let Some(message) = pending(state, p.message_id).await? else {
        return Ok(());
    };
    let meli = &state.meli;
    let body = meli::ActionGuideMessage::text(
        meli::ActionGuideOptionId::from(p.option_id.as_str()),
        message.text.clone(),
    );
    let pack = p.pack_id;
    let sent = with_token(state, p.seller_id, |t| {
        let body = body.clone();
        async move { meli.send_action_guide_option(&t, pack, &body).await }
    })
    .await;
    settle(state, &message, refusal(sent)).await?;
    // The option's cap changed either way.
    sync_pack(
        state,
        SyncPack {
            seller_id: p.seller_id,
            pack_id: pack,
        },
    )
    .await
}
