//! From Mercado Libre's models to ours: the one place that knows both shapes.

use crate::jobs::{JobError, answer_ref, question_conversation, question_message};
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
        thumbnail: item.best_thumbnail().map(str::to_string),
        permalink: item.permalink.clone(),
        status: item.status.as_ref().map(|s| s.to_string()),
    }
}

/// Upserts the question's conversation with its message and, when answered, its answer.
pub async fn store_question(
    state: &AppState,
    seller: SellerId,
    q: &meli::Question,
) -> Result<(), JobError> {
    let now = Utc::now();
    let conv = state
        .store
        .upsert_conversation(question_conversation(seller, q, now))
        .await?;
    let (_, inserted) = state
        .store
        .add_message(question_message(conv.id, q))
        .await?;
    if inserted {
        tracing::info!(seller.id = %seller, question.id = q.id, conversation.id = %conv.id, "new question in the inbox");
    }
    if let Some(answer) = &q.answer {
        let answered_at = answer
            .date_created
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(now);
        state
            .store
            .add_message(NewMessage {
                conversation_id: conv.id,
                meli_ref: answer_ref(QuestionId(q.id)),
                direction: Direction::Outbound,
                author: Author::Seller,
                author_person_id: None,
                text: answer.text.clone(),
                delivery: DeliveryStatus::Sent,
                created_at: answered_at,
                sent_at: Some(answered_at),
            })
            .await?;
    }
    Ok(())
}
