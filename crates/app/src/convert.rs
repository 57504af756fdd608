//! From Mercado Libre's models to ours: the one place that knows both shapes.

use crate::jobs::{JobError, question_conversation, question_message, seller_answer_ref};
use crate::state::AppState;
use chrono::Utc;
use domain::*;
use store::NewMessage;

pub fn listing(item: &meli::Item) -> Listing {
    Listing {
        item_id: ItemId(item.id.clone()),
        seller_id: SellerId(item.seller_id.unwrap_or_default()),
        site_id: item
            .site_id
            .clone()
            .unwrap_or_else(|| item.id.chars().take(3).collect()),
        title: item.title.clone(),
        price: item.price.unwrap_or_default(),
        currency_id: item.currency_id.clone().unwrap_or_default(),
        thumbnail: web_url(item.best_thumbnail()),
        permalink: web_url(item.permalink.as_deref()),
        status: item.status.as_ref().map(|s| s.to_string()),
    }
}

/// Only http(s) links reach our pages: anything else (`javascript:` …) in an API payload is dropped.
fn web_url(url: Option<&str>) -> Option<String> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string)
}

/// Upserts the question's conversation with its message and, when answered, its answer.
pub async fn store_question(
    state: &AppState,
    seller: SellerId,
    q: &meli::Question,
) -> Result<(), JobError> {
    let now = Utc::now();
    let Some(connection) = state.store.connection(seller).await? else {
        return Err(JobError::Fatal(format!("store {seller} is not connected")));
    };
    let mut sighting = question_conversation(connection.org_id, seller, q, now);
    sighting.context.route = state.store.route(seller, Category::PreSaleQuestion).await?;
    let conv = state.store.upsert_conversation(sighting).await?;
    let (_, inserted) = state
        .store
        .add_message(question_message(conv.id, q))
        .await?;
    if inserted {
        tracing::info!(seller.id = %seller, question.id = q.id, conversation.id = %conv.id, "new question in the inbox");
    }
    let Some(answer) = &q.answer else {
        return Ok(());
    };
    // Our own answer, queued or delivered, is already in the thread.
    let ours = state.store.messages(conv.id).await?.into_iter().any(|m| {
        m.author == Author::Agent
            && matches!(m.delivery, DeliveryStatus::Pending | DeliveryStatus::Sent)
    });
    if !ours {
        let answered_at = answer
            .date_created
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(now);
        state
            .store
            .add_message(NewMessage {
                conversation_id: conv.id,
                meli_ref: seller_answer_ref(QuestionId(q.id)),
                direction: Direction::Outbound,
                author: Author::Seller,
                author_person_id: None,
                text: answer.text.clone(),
                delivery: DeliveryStatus::Sent,
                created_at: answered_at,
                sent_at: Some(answered_at),
                extra: Default::default(),
            })
            .await?;
    }
    Ok(())
}
