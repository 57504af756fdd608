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
    /// `question`, `help` or `claim`.
    pub interaction_type: &'static str,
    pub store: Option<StoreRef>,
    pub buyer: BuyerRef,
    pub listing: Option<Listing>,
    /// Post-sale and claims: the order, and every order of its pack (the products bought).
    pub order: Option<Order>,
    pub pack_orders: Vec<Order>,
    pub claim: Option<Claim>,
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
    /// The buyer's contact page, once the buyer has a contact.
    pub contact_id: Option<ContactId>,
}

#[derive(Debug, Serialize)]
pub struct Composer {
    pub open: bool,
    pub max_chars: usize,
    /// Why a question's composer is closed, in English words (the pages translate
    /// `closed_reason` instead).
    pub locked_reason: Option<&'static str>,
    /// Why the composer is closed, as a stable code (`already_answered`, `not_buyer_started`,
    /// `blocked:<substatus>`, `no_claim_action`).
    pub closed_reason: Option<String>,
    /// Claims: who the reply goes to.
    pub receiver_role: Option<&'static str>,
    /// Post-sale conversations the buyer has not started: the action-guide options Mercado
    /// Libre offers (with their cap left), when the seller may start through one.
    pub action_guide: Option<serde_json::Value>,
}

/// A conversation of the person's organization; another organization's is "not found".
async fn own_conversation(
    state: &AppState,
    person: &Person,
    id: ConversationId,
) -> AppResult<Conversation> {
    state
        .store
        .org_conversation(person.org_id, id)
        .await?
        .ok_or(AppError::NotFound("conversation"))
}

/// The conversation as `viewer` may see it: another organization's conversation is "not found".
pub async fn conversation_detail(
    state: &AppState,
    viewer: &Person,
    id: ConversationId,
) -> AppResult<ConversationDetail> {
    let conversation = own_conversation(state, viewer, id).await?;
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
    let buyer_contact = state
        .store
        .org_contact_of(viewer.org_id, conversation.seller_id, conversation.buyer_id)
        .await?;
    let listing = match &conversation.item_id {
        Some(item) => state.store.listing(item).await?,
        None => None,
    };
    let org = viewer.org_id;
    let order = match conversation.order_id {
        Some(order) => state.store.org_order(org, order).await?,
        None => None,
    };
    let pack_orders = match conversation.pack_id {
        Some(pack) => state.store.pack_orders(org, pack).await?,
        None => order.iter().cloned().collect(),
    };
    let claim = match conversation.claim_id {
        Some(claim) => state.store.org_claim(org, claim).await?,
        None => None,
    };
    let rules = domain::channels::composer(&conversation, claim.as_ref());
    let action_guide = if rules.via_action_guide {
        state.store.action_guide(conversation.id).await?
    } else {
        None
    };
    let composer = Composer {
        open: rules.open,
        max_chars: rules.max_chars,
        locked_reason: (conversation.category == Category::PreSaleQuestion
            && conversation.reply_locked)
            .then(|| domain::rules::question_locked_reason(conversation.meli_status.as_deref())),
        closed_reason: rules.closed_reason,
        receiver_role: rules.receiver_role,
        action_guide,
    };
    Ok(ConversationDetail {
        context: Context {
            origin: "Mercado Libre",
            category: conversation.category.label(),
            interaction_type: match conversation.category {
                Category::PreSaleQuestion => "question",
                Category::PostSaleHelp => "help",
                Category::Claim => "claim",
            },
            store,
            buyer: BuyerRef {
                id: conversation.buyer_id,
                nickname: buyer_contact
                    .as_ref()
                    .and_then(|c| c.contact.nickname.clone()),
                contact_id: buyer_contact.map(|c| c.id),
            },
            listing,
            order,
            pack_orders,
            claim,
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
    let conversation = own_conversation(state, agent, id).await?;
    let text = check_question_answer(&conversation, text)?;
    crate::guard::check_outgoing(&text, agent)?;
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
            state.bus.changed(agent.org_id);
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

/// Job kinds of the post-sale and claim outboxes.
pub const SEND_MESSAGE: &str = "meli.send_message";
pub const SEND_CLAIM_MESSAGE: &str = "meli.send_claim_message";
pub const SEND_ACTION_GUIDE: &str = "meli.send_action_guide_option";

/// Replies in a post-sale or claim conversation: the marketplace rules first (buyer-started,
/// not blocked, a claim action allowing it, length and characters), then the message is stored
/// as pending with its outbox job, in one transaction. Questions go through
/// [`answer_question`], which also locks the reply box.
pub async fn reply(
    state: &AppState,
    agent: &Person,
    id: ConversationId,
    text: &str,
) -> AppResult<Message> {
    let conversation = own_conversation(state, agent, id).await?;
    if conversation.category == Category::PreSaleQuestion {
        return answer_question(state, agent, id, text).await;
    }
    let claim = match conversation.claim_id {
        Some(claim) => state.store.org_claim(agent.org_id, claim).await?,
        None => None,
    };
    let text = domain::channels::check_reply(&conversation, claim.as_ref(), text)?;
    crate::guard::check_outgoing(&text, agent)?;
    let receiver_role = domain::channels::composer(&conversation, claim.as_ref()).receiver_role;
    let (kind, payload) = match conversation.category {
        Category::Claim => (
            SEND_CLAIM_MESSAGE,
            serde_json::json!({
                "seller_id": conversation.seller_id,
                "claim_id": conversation.claim_id,
                "conversation_id": id,
                "receiver_role": receiver_role,
            }),
        ),
        _ => (
            SEND_MESSAGE,
            serde_json::json!({
                "seller_id": conversation.seller_id,
                "pack_id": conversation.pack_id,
                "order_id": conversation.order_id,
                "buyer_id": conversation.buyer_id,
                "conversation_id": id,
            }),
        ),
    };
    queue_outgoing(
        state,
        agent,
        &conversation,
        text,
        receiver_role,
        kind,
        payload,
    )
    .await
}

/// Starts a post-sale conversation through an action-guide option (the only way a seller may
/// write first), when Mercado Libre shows cap left for it.
pub async fn start_with_option(
    state: &AppState,
    agent: &Person,
    id: ConversationId,
    option_id: &str,
    text: &str,
) -> AppResult<Message> {
    let conversation = own_conversation(state, agent, id).await?;
    if conversation.category != Category::PostSaleHelp {
        return Err(domain::rules::RuleViolation::WrongChannel.into());
    }
    if let Some(substatus) = &conversation.blocked_reason
        && !domain::channels::only_awaiting_buyer(Some(substatus))
    {
        return Err(domain::rules::RuleViolation::Blocked {
            substatus: substatus.clone(),
        }
        .into());
    }
    let guide = state.store.action_guide(id).await?.unwrap_or_default();
    let cap_left = guide["options"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["id"].as_str() == Some(option_id) || o["option_id"].as_str() == Some(option_id))
        .and_then(|o| o["cap_available"].as_i64())
        .unwrap_or(0);
    if cap_left <= 0 {
        return Err(AppError::Unprocessable {
            code: "no_cap_available",
            message: format!(
                "Mercado Libre offers no cap left for the option {option_id:?} in this pack"
            ),
        });
    }
    let text = domain::channels::check_text(text, domain::channels::POST_SALE_MAX_CHARS)?;
    crate::guard::check_outgoing(&text, agent)?;
    let payload = serde_json::json!({
        "seller_id": conversation.seller_id,
        "pack_id": conversation.pack_id.map(|p| p.0).or(conversation.order_id.map(|o| o.0)),
        "conversation_id": id,
        "option_id": option_id,
    });
    queue_outgoing(
        state,
        agent,
        &conversation,
        text,
        None,
        SEND_ACTION_GUIDE,
        payload,
    )
    .await
}

async fn queue_outgoing(
    state: &AppState,
    agent: &Person,
    conversation: &Conversation,
    text: String,
    receiver_role: Option<&'static str>,
    kind: &str,
    payload: serde_json::Value,
) -> AppResult<Message> {
    let now = Utc::now();
    let message = NewMessage {
        conversation_id: conversation.id,
        meli_ref: jobs::new_reply_ref(),
        direction: Direction::Outbound,
        author: Author::Agent,
        author_person_id: Some(agent.id),
        text,
        delivery: DeliveryStatus::Pending,
        created_at: now,
        sent_at: None,
        extra: store::MessageExtra {
            receiver_role: receiver_role.map(str::to_string),
            ..Default::default()
        },
    };
    let job = NewJob {
        org_id: Some(conversation.org_id),
        kind: kind.into(),
        payload,
        dedup_key: None,
        run_at: now,
    };
    let (message, _job) = state
        .store
        .queue_reply(agent.org_id, conversation.id, message, job)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound("conversation"),
            other => other.into(),
        })?;
    state.jobs_waiting.notify_one();
    state.bus.changed(agent.org_id);
    tracing::info!(conversation.id = %conversation.id, person.id = %agent.id, kind, "reply queued");
    Ok(message)
}
