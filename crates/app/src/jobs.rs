//! Job kinds (stable names, stored in the queue) and what each does. Every job is idempotent:
//! it re-reads Mercado Libre and upserts, so running one twice changes nothing.

use crate::state::AppState;
use crate::tokens::TokenError;
use chrono::{DateTime, Utc};
use domain::*;
use meli::MeliError;
use serde::{Deserialize, Serialize};
use std::future::Future;
use store::{Job, NewJob, NewMessage, StoreError, UpsertConversation};

pub const FETCH_QUESTION: &str = "meli.fetch_question";
pub const POST_ANSWER: &str = "meli.post_answer";

#[derive(Debug)]
pub enum JobError {
    Retry {
        error: String,
        after: Option<chrono::Duration>,
    },
    /// Blocked on something only a person can fix; re-checked after `after`, never buried.
    Wait {
        reason: String,
        after: chrono::Duration,
    },
    Fatal(String),
}

impl JobError {
    fn retry(error: impl ToString) -> Self {
        JobError::Retry {
            error: error.to_string(),
            after: None,
        }
    }
}

impl From<StoreError> for JobError {
    fn from(e: StoreError) -> Self {
        JobError::retry(e)
    }
}

/// While a store waits for an admin to re-authorize it, its jobs wait too, however long, rather
/// than die: nothing received in the meantime is lost.
const REAUTH_WAIT_MINUTES: i64 = 10;

impl From<TokenError> for JobError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::NeedsReauth(_) => JobError::Wait {
                reason: e.to_string(),
                after: chrono::Duration::minutes(REAUTH_WAIT_MINUTES),
            },
            _ if e.is_retryable() => JobError::retry(e),
            _ => JobError::Fatal(e.to_string()),
        }
    }
}

impl From<MeliError> for JobError {
    fn from(e: MeliError) -> Self {
        match &e {
            MeliError::RateLimited { retry_after, .. } => JobError::Retry {
                error: e.to_string(),
                after: retry_after.and_then(|d| chrono::Duration::from_std(d).ok()),
            },
            _ if e.is_retryable() => JobError::retry(e),
            _ => JobError::Fatal(e.to_string()),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FetchQuestion {
    pub seller_id: SellerId,
    pub question_id: QuestionId,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SyncQuestions {
    pub seller_id: SellerId,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PostAnswer {
    pub seller_id: SellerId,
    pub question_id: QuestionId,
    pub conversation_id: ConversationId,
    /// Set by the store when the reply is queued.
    pub message_id: MessageId,
}

pub fn fetch_question_job(
    org_id: OrgId,
    seller_id: SellerId,
    question_id: QuestionId,
    run_at: DateTime<Utc>,
) -> NewJob {
    NewJob {
        org_id: Some(org_id),
        kind: FETCH_QUESTION.into(),
        payload: serde_json::json!({ "seller_id": seller_id, "question_id": question_id }),
        dedup_key: Some(format!("{FETCH_QUESTION}:{seller_id}:{question_id}")),
        run_at,
    }
}

pub async fn run(state: &AppState, job: &Job) -> Result<(), JobError> {
    if let Some(seller) = job
        .payload
        .get("seller_id")
        .and_then(serde_json::Value::as_i64)
        .map(SellerId)
        && let Some(wait) = crate::throttle::remaining(state, seller).await
    {
        return Err(JobError::Wait {
            reason: format!(
                "store {seller} is paused after Mercado Libre answered 429 (too many requests)"
            ),
            after: chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(10)),
        });
    }
    match job.kind.as_str() {
        FETCH_QUESTION => fetch_question(state, payload(job)?).await,
        POST_ANSWER => post_answer(state, payload(job)?).await,
        crate::reconcile::SYNC_QUESTIONS => {
            let p: SyncQuestions = payload(job)?;
            crate::reconcile::sync_questions(state, p.seller_id).await
        }
        crate::reconcile::MISSED_FEEDS => crate::reconcile::missed_feeds(state).await,
        crate::sync::FETCH_MESSAGE => crate::sync::fetch_message(state, payload(job)?).await,
        crate::sync::SYNC_PACK => crate::sync::sync_pack(state, payload(job)?).await,
        crate::sync::FETCH_ORDER => crate::sync::fetch_order(state, payload(job)?).await,
        crate::sync::FETCH_CLAIM => crate::sync::fetch_claim(state, payload(job)?).await,
        crate::service::SEND_MESSAGE => crate::outbox::send_message(state, payload(job)?).await,
        crate::service::SEND_CLAIM_MESSAGE => {
            crate::outbox::send_claim_message(state, payload(job)?).await
        }
        crate::service::SEND_ACTION_GUIDE => crate::outbox::send_option(state, payload(job)?).await,
        crate::backfill::BACKFILL_ORDERS => {
            let p: SyncQuestions = payload(job)?;
            crate::backfill::run_job(state, p.seller_id).await
        }
        crate::reconcile::SYNC_POST_SALE => {
            let p: SyncQuestions = payload(job)?;
            crate::reconcile::sync_post_sale(state, p.seller_id).await
        }
        other => match crate::contacts::run(state, other, &job.payload).await {
            Some(done) => done,
            None => Err(JobError::Fatal(format!("unknown job kind {other:?}"))),
        },
    }
}

/// Called when a job exhausted its attempts, to leave its subject in an honest state.
pub async fn on_give_up(state: &AppState, job: &Job, error: &str) {
    if [
        crate::service::SEND_MESSAGE,
        crate::service::SEND_CLAIM_MESSAGE,
        crate::service::SEND_ACTION_GUIDE,
    ]
    .contains(&job.kind.as_str())
    {
        // Unlike an answer, a message may be sent again: the agent sees it failed and why.
        if let Some(id) = job.payload.get("message_id").and_then(|v| v.as_i64())
            && let Err(e) = state
                .store
                .mark_message_failed(
                    MessageId(id),
                    &format!("could not be delivered to Mercado Libre: {error}"),
                    false,
                )
                .await
        {
            tracing::error!(error = %e, "could not record the undelivered message");
        }
        return;
    }
    if job.kind != POST_ANSWER {
        return;
    }
    let Ok(p) = payload::<PostAnswer>(job) else {
        return;
    };
    let why = format!("the answer could not be delivered to Mercado Libre: {error}");
    let settled = match state.store.message(p.message_id).await {
        Ok(Some(message)) if message.delivery == DeliveryStatus::Pending => {
            settle_undelivered(state, &p, &message, &why)
                .await
                .map_err(|e| format!("{e:?}"))
        }
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = settled {
        let reason =
            format!("{why}; whether it reached Mercado Libre is unknown: check the question there");
        if let Err(store_err) = state
            .store
            .mark_message_failed(p.message_id, &reason, false)
            .await
        {
            tracing::error!(error = %store_err, cause = %e, "could not record the undelivered answer");
        }
    }
}

fn payload<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T, JobError> {
    serde_json::from_value(job.payload.clone())
        .map_err(|e| JobError::Fatal(format!("malformed {} payload: {e}", job.kind)))
}

/// Calls Mercado Libre with the store's token, refreshing once and retrying after a 401.
pub(crate) async fn with_token<T, F, Fut>(
    state: &AppState,
    seller: SellerId,
    call: F,
) -> Result<T, JobError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T, MeliError>>,
{
    let token = state.tokens.access_token(seller).await?;
    let result = match call(token.clone()).await {
        Err(e) if e.is_unauthorized() => {
            let fresh = state.tokens.after_unauthorized(seller, &token).await?;
            call(fresh).await
        }
        other => other,
    };
    if let Err(MeliError::RateLimited { retry_after, .. }) = &result {
        tracing::warn!(seller.id = %seller, "Mercado Libre answered 429; pausing this store's jobs");
        crate::throttle::pause(state, seller, *retry_after).await;
    }
    Ok(result?)
}

async fn fetch_question(state: &AppState, p: FetchQuestion) -> Result<(), JobError> {
    let meli = &state.meli;
    let question = with_token(state, p.seller_id, |t| async move {
        meli.question(&t, p.question_id.0).await
    })
    .await?;
    let item_id = ItemId(question.item_id.clone());
    match with_token(state, p.seller_id, |t| {
        let id = item_id.0.clone();
        async move { meli.item(&t, &id).await }
    })
    .await
    {
        Ok(item) => {
            state
                .store
                .upsert_listing(&crate::convert::listing(&item))
                .await?
        }
        // The question stays useful without its listing; a missing listing is not worth a retry loop.
        Err(JobError::Fatal(e)) => {
            tracing::warn!(item.id = %item_id, error = %e, "listing not available")
        }
        Err(retry) => return Err(retry),
    }
    let buyer = question.asker_id().map(MeliUserId);
    if let Some(buyer) = buyer {
        let known = state.store.contact(p.seller_id, buyer).await?;
        if known.as_ref().and_then(|c| c.nickname.as_ref()).is_none() {
            let nickname = match with_token(state, p.seller_id, |t| async move {
                meli.user(&t, buyer.0).await
            })
            .await
            {
                Ok(user) => Some(user.nickname).filter(|n| !n.is_empty()),
                Err(JobError::Fatal(e)) => {
                    tracing::warn!(buyer.id = %buyer, error = %e, "buyer profile not available");
                    None
                }
                Err(retry) => return Err(retry),
            };
            if let Some(c) = state.store.connection(p.seller_id).await? {
                state
                    .store
                    .upsert_contact(&Contact {
                        nickname,
                        ..Contact::new(c.org_id, p.seller_id, buyer)
                    })
                    .await?;
            }
        }
    }
    crate::convert::store_question(state, p.seller_id, &question).await
}

async fn post_answer(state: &AppState, p: PostAnswer) -> Result<(), JobError> {
    let Some(message) = state.store.message(p.message_id).await? else {
        return Err(JobError::Fatal(format!(
            "message {} no longer exists",
            p.message_id
        )));
    };
    if message.delivery != DeliveryStatus::Pending {
        return Ok(());
    }
    let meli = &state.meli;
    let text = message.text.clone();
    let result = with_token(state, p.seller_id, |t| {
        let text = text.clone();
        async move { meli.post_answer(&t, p.question_id.0, &text).await }
    })
    .await;
    match result {
        Ok(_) => mark_delivered(state, &p, &message).await,
        Err(JobError::Fatal(error)) => {
            settle_undelivered(
                state,
                &p,
                &message,
                &format!("Mercado Libre refused the answer: {error}"),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

async fn mark_delivered(
    state: &AppState,
    p: &PostAnswer,
    message: &Message,
) -> Result<(), JobError> {
    state
        .store
        .mark_message_sent(message.id, Utc::now())
        .await?;
    state
        .store
        .set_conversation_status(
            p.conversation_id,
            ConversationStatus::Resolved,
            Some("ANSWERED"),
        )
        .await?;
    tracing::info!(conversation.id = %p.conversation_id, question.id = %p.question_id, "answer delivered");
    Ok(())
}

/// The answer was refused, or we gave up sending it: decide from the question as Mercado Libre has
/// it now, by [`domain::lifecycle::settle_failed_answer`] (reopen only when it is still
/// unanswered, so an unknown outcome can never lead to a second answer).
async fn settle_undelivered(
    state: &AppState,
    p: &PostAnswer,
    message: &Message,
    why: &str,
) -> Result<(), JobError> {
    use domain::lifecycle::{FailedAnswerOutcome, QuestionAfterFailure, settle_failed_answer};
    let meli = &state.meli;
    let question = match with_token(state, p.seller_id, |t| async move {
        meli.question(&t, p.question_id.0).await
    })
    .await
    {
        Ok(q) => Ok(q),
        Err(JobError::Fatal(e)) => Err(e),
        Err(retry) => return Err(retry),
    };
    let seen = match &question {
        Ok(q) => match &q.answer {
            Some(answer) => QuestionAfterFailure::Answered(&answer.text),
            None if q.status == meli::QuestionStatus::Unanswered => {
                QuestionAfterFailure::Unanswered
            }
            None => QuestionAfterFailure::Closed,
        },
        Err(_) => QuestionAfterFailure::Unknown,
    };
    match (settle_failed_answer(&message.text, seen), &question) {
        (FailedAnswerOutcome::Delivered, _) => mark_delivered(state, p, message).await,
        (FailedAnswerOutcome::FailedReopen, _) => {
            state
                .store
                .mark_message_failed(message.id, why, true)
                .await?;
            Ok(())
        }
        (FailedAnswerOutcome::FailedKeepLocked, Ok(q)) => {
            let reason = format!("{why} (the question is {} on Mercado Libre)", q.status);
            state
                .store
                .mark_message_failed(message.id, &reason, false)
                .await?;
            crate::convert::store_question(state, p.seller_id, q).await
        }
        (FailedAnswerOutcome::FailedKeepLocked, Err(e)) => {
            let reason = format!(
                "{why}; whether it reached Mercado Libre is unknown ({e}): check the question there"
            );
            state
                .store
                .mark_message_failed(message.id, &reason, false)
                .await?;
            Ok(())
        }
    }
}

/// Builds the conversation upsert for a question as Mercado Libre reports it.
pub fn question_conversation(
    org_id: OrgId,
    seller: SellerId,
    q: &meli::Question,
    now: DateTime<Utc>,
) -> UpsertConversation {
    let (status, reply_locked) = domain::lifecycle::question_state(&q.status.to_string());
    UpsertConversation {
        org_id,
        seller_id: seller,
        category: Category::PreSaleQuestion,
        meli_ref: q.id.to_string(),
        buyer_id: MeliUserId(q.asker_id().unwrap_or_default()),
        item_id: Some(ItemId(q.item_id.clone())),
        status,
        meli_status: Some(q.status.to_string()),
        reply_locked,
        last_inbound_at: q.date_created.with_timezone(&Utc),
        now,
        context: Default::default(),
    }
}

pub fn question_message(conv: ConversationId, q: &meli::Question) -> NewMessage {
    NewMessage {
        conversation_id: conv,
        meli_ref: format!("question:{}", q.id),
        direction: Direction::Inbound,
        author: Author::Buyer,
        author_person_id: None,
        text: q.text.clone(),
        delivery: DeliveryStatus::Received,
        created_at: q.date_created.with_timezone(&Utc),
        sent_at: None,
        extra: Default::default(),
    }
}

/// The key of an answer written on Mercado Libre itself (not through Mostrador).
pub fn seller_answer_ref(question: QuestionId) -> String {
    format!("answer:{question}")
}

/// A fresh key for each answer an agent sends: a failed delivery leaves its message in the thread
/// and the next attempt is a message of its own.
pub fn new_reply_ref() -> String {
    format!("reply:{}", uuid::Uuid::now_v7())
}
