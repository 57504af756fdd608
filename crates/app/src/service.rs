//! Operations shared by the JSON API and the web UI, so both enforce the same rules.

use crate::error::{AppError, AppResult};
use crate::jobs::{self, POST_ANSWER};
use crate::state::AppState;
use chrono::Utc;
use domain::rules::check_question_answer;
use domain::*;
use serde::Serialize;
use store::{ConversationSummary, NewJob, NewMessage, StoreError};

/// Everything the conversation view shows: the thread and its context panel.
#[derive(Debug, Serialize)]
pub struct ConversationDetail {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
    pub context: Context,
    /// Whether the composer accepts an answer now, and the limit it counts against.
    pub composer: Composer,
}

#[derive(Debug, Serialize)]
pub struct Context {
    pub origin: &'static str,
    pub category: &'static str,
    pub store: Option<StoreRef>,
    pub buyer: BuyerRef,
    pub listing: Option<Listing>,
}

#[derive(Debug, Serialize)]
pub struct StoreRef {
    pub seller_id: SellerId,
    pub nickname: String,
    pub site_id: String,
}

#[derive(Debug, Serialize)]
pub struct BuyerRef {
    pub id: MeliUserId,
    pub nickname: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Composer {
    pub open: bool,
    pub max_chars: usize,
    /// Why the composer is closed, for the read-only notice.
    pub locked_reason: Option<&'static str>,
}

/// The conversation as `viewer` may see it: another organization's conversation is "not found".
pub async fn conversation_detail(
    state: &AppState,
    viewer: &Person,
    id: ConversationId,
) -> AppResult<ConversationDetail> {
    let conversation = state
        .store
        .org_conversation(viewer.org_id, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let messages = state.store.messages(id).await?;
    let store = state
        .store
        .connection(conversation.seller_id)
        .await?
        .map(|c| StoreRef {
            seller_id: c.seller_id,
            nickname: c.nickname,
            site_id: c.site_id,
        });
    let buyer_nickname = state
        .store
        .contact(conversation.seller_id, conversation.buyer_id)
        .await?
        .and_then(|c| c.nickname);
    let listing = match &conversation.item_id {
        Some(item) => state.store.listing(item).await?,
        None => None,
    };
    let composer = Composer {
        open: !conversation.reply_locked,
        max_chars: domain::rules::ANSWER_MAX_CHARS,
        locked_reason: conversation
            .reply_locked
            .then(|| domain::rules::question_locked_reason(conversation.meli_status.as_deref())),
    };
    Ok(ConversationDetail {
        context: Context {
            origin: "Mercado Libre",
            category: conversation.category.label(),
            store,
            buyer: BuyerRef {
                id: conversation.buyer_id,
                nickname: buyer_nickname,
            },
            listing,
        },
        conversation,
        messages,
        composer,
    })
}

/// The inbox of `viewer`'s organization.
pub async fn list_conversations(
    state: &AppState,
    viewer: &Person,
    filter: &store::ConversationFilter,
) -> AppResult<Vec<ConversationSummary>> {
    Ok(state.store.org_conversations(viewer.org_id, filter).await?)
}

/// Checks the marketplace rules, then locks the question and queues the answer for delivery.
/// A second answer is refused here, locally, and never reaches Mercado Libre.
pub async fn answer_question(
    state: &AppState,
    agent: &Person,
    id: ConversationId,
    text: &str,
) -> AppResult<Message> {
    let conversation = state
        .store
        .org_conversation(agent.org_id, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    let text = check_question_answer(&conversation, text)?;
    let question_id: QuestionId = conversation.meli_ref.parse().map_err(|_| {
        AppError::Internal(anyhow::anyhow!(
            "conversation {id} has a non-numeric question id"
        ))
    })?;
    let now = Utc::now();
    let message = NewMessage {
        conversation_id: id,
        meli_ref: jobs::new_reply_ref(),
        direction: Direction::Outbound,
        author: Author::Agent,
        author_person_id: Some(agent.id),
        text,
        delivery: DeliveryStatus::Pending,
        created_at: now,
        sent_at: None,
        extra: Default::default(),
    };
    let job = NewJob {
        org_id: Some(conversation.org_id),
        kind: POST_ANSWER.into(),
        payload: serde_json::json!({
            "seller_id": conversation.seller_id,
            "question_id": question_id,
            "conversation_id": id,
        }),
        dedup_key: Some(format!("{POST_ANSWER}:{question_id}")),
        run_at: now,
    };
    match state
        .store
        .queue_locked_reply(agent.org_id, id, message, job)
        .await
    {
        Ok((message, _job)) => {
            state.jobs_waiting.notify_one();
            tracing::info!(conversation.id = %id, person.id = %agent.id, "answer queued");
            Ok(message)
        }
        Err(StoreError::Conflict(reason)) if reason == "already_answered" => {
            Err(domain::rules::RuleViolation::AlreadyAnswered.into())
        }
        Err(StoreError::Conflict(reason)) => Err(AppError::Conflict {
            code: "conflict",
            message: format!("the answer could not be queued: {reason}"),
        }),
        Err(e) => Err(e.into()),
    }
}
