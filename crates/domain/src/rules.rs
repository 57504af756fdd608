//! Marketplace rules enforced before anything is sent (SPEC §7). Violations carry a stable
//! machine code and a sentence an agent can act on.

use crate::conversation::{Category, Conversation};
use serde::Serialize;

/// `POST /answers` accepts at most this many characters.
pub const ANSWER_MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RuleViolation {
    #[error("the answer is empty")]
    Empty,
    #[error("the answer has {len} characters; Mercado Libre accepts at most {limit}")]
    TooLong { len: usize, limit: usize },
    #[error("this question already has its answer; Mercado Libre allows one answer per question")]
    AlreadyAnswered,
    #[error("this conversation cannot be answered with a question answer")]
    WrongChannel,
    #[error(
        "the buyer has not written yet: Mercado Libre only lets the seller start through an action-guide option"
    )]
    NotBuyerStarted,
    #[error("Mercado Libre blocked this conversation ({substatus})")]
    Blocked { substatus: String },
    #[error("the claim offers the seller no message action right now")]
    NoClaimAction,
    #[error("Mercado Libre does not accept the character {character:?} in seller messages")]
    UnsupportedCharacter { character: char },
}

impl RuleViolation {
    pub fn code(&self) -> &'static str {
        match self {
            RuleViolation::Empty => "empty",
            RuleViolation::TooLong { .. } => "too_long",
            RuleViolation::AlreadyAnswered => "already_answered",
            RuleViolation::WrongChannel => "wrong_channel",
            RuleViolation::NotBuyerStarted => "not_buyer_started",
            RuleViolation::Blocked { .. } => "blocked",
            RuleViolation::NoClaimAction => "no_claim_action",
            RuleViolation::UnsupportedCharacter { .. } => "unsupported_character",
        }
    }
}

/// Why a question's reply box is read-only, as a stable code (`answered`, `closed_unanswered`,
/// `deleted`, `banned`, `disabled`), so each interface can word it in its reader's language.
pub fn question_locked_code(meli_status: Option<&str>) -> &'static str {
    match meli_status {
        Some("CLOSED_UNANSWERED") => "closed_unanswered",
        Some("DELETED") => "deleted",
        Some("BANNED") => "banned",
        Some("DISABLED") => "disabled",
        _ => "answered",
    }
}

/// Why a question's reply box is read-only, from Mercado Libre's status word for it (English, for
/// the JSON API; the web UI words [`question_locked_code`] in the person's language).
pub fn question_locked_reason(meli_status: Option<&str>) -> &'static str {
    match question_locked_code(meli_status) {
        "closed_unanswered" => {
            "The listing closed before this question was answered: Mercado Libre no longer accepts an answer."
        }
        "deleted" => "This question was deleted on Mercado Libre.",
        "banned" => "This question was removed by Mercado Libre's moderation.",
        "disabled" => "This question is disabled on Mercado Libre.",
        _ => "This question already has its answer: Mercado Libre allows one answer per question.",
    }
}

/// Counts characters the way Mercado Libre's limit does: Unicode scalar values, not bytes.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Checks an answer to a pre-sale question and returns the text to send (trimmed).
pub fn check_question_answer(conv: &Conversation, text: &str) -> Result<String, RuleViolation> {
    if conv.category != Category::PreSaleQuestion {
        return Err(RuleViolation::WrongChannel);
    }
    if conv.reply_locked {
        return Err(RuleViolation::AlreadyAnswered);
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(RuleViolation::Empty);
    }
    let len = char_len(text);
    if len > ANSWER_MAX_CHARS {
        return Err(RuleViolation::TooLong {
            len,
            limit: ANSWER_MAX_CHARS,
        });
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::ConversationStatus;
    use crate::ids::*;
    use chrono::Utc;

    fn question() -> Conversation {
        Conversation {
            id: ConversationId(1),
            org_id: OrgId::new(),
            seller_id: SellerId(1),
            category: Category::PreSaleQuestion,
            meli_ref: "1".into(),
            status: ConversationStatus::Open,
            meli_status: None,
            buyer_id: MeliUserId(2),
            item_id: None,
            reply_locked: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            last_inbound_at: Utc::now(),
            module: crate::routing::Module::Commercial,
            assigned_team_id: None,
            assigned_person_id: None,
            order_id: None,
            pack_id: None,
            claim_id: None,
            blocked_reason: None,
            buyer_started: false,
            first_inbound_at: None,
            first_response_at: None,
            first_responder_id: None,
        }
    }

    #[test]
    fn accepts_exactly_the_limit_counting_characters_not_bytes() {
        let text = "ç".repeat(ANSWER_MAX_CHARS);
        assert_eq!(check_question_answer(&question(), &text), Ok(text.clone()));
        let over = format!("{text}a");
        assert_eq!(
            check_question_answer(&question(), &over),
            Err(RuleViolation::TooLong {
                len: 2001,
                limit: 2000
            })
        );
    }

    #[test]
    fn locked_reasons_have_stable_codes() {
        assert_eq!(question_locked_code(Some("DELETED")), "deleted");
        assert_eq!(question_locked_code(Some("ANSWERED")), "answered");
        assert_eq!(question_locked_code(None), "answered");
        assert!(question_locked_reason(Some("BANNED")).contains("moderation"));
    }

    #[test]
    fn refuses_empty_second_and_wrong_channel() {
        assert_eq!(
            check_question_answer(&question(), "  \n"),
            Err(RuleViolation::Empty)
        );
        let mut locked = question();
        locked.reply_locked = true;
        assert_eq!(
            check_question_answer(&locked, "hola"),
            Err(RuleViolation::AlreadyAnswered)
        );
        let mut help = question();
        help.category = Category::PostSaleHelp;
        assert_eq!(
            check_question_answer(&help, "hola"),
            Err(RuleViolation::WrongChannel)
        );
    }
}
