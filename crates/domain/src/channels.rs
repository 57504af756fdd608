//! The reply channel of each kind of conversation and what Mercado Libre allows on it (SPEC §7,
//! meli-api.md §4–§6): the composer shows these limits and says why it cannot send, and the same
//! check runs again before anything is queued.

use crate::conversation::{Category, Claim, Conversation};
use crate::rules::{ANSWER_MAX_CHARS, RuleViolation, char_len};
use serde::Serialize;

/// Post-sale seller messages: at most 350 characters (meli-api.md §5).
pub const POST_SALE_MAX_CHARS: usize = 350;
/// Claim messages: Mercado Libre documents no limit; we keep to the post-sale one so a text
/// written for one channel fits the other. [B]
pub const CLAIM_MAX_CHARS: usize = 350;

/// What the composer of a conversation may do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComposerState {
    pub open: bool,
    pub max_chars: usize,
    /// Why it is closed, as a stable code the UI translates.
    pub closed_reason: Option<String>,
    /// Claims: who the reply goes to (`complainant` or `mediator`).
    pub receiver_role: Option<&'static str>,
    /// Post-sale, not started by the buyer: the seller may still start it through an
    /// action-guide option with cap left.
    pub via_action_guide: bool,
}

/// The composer of `conv`, given its claim when it is one.
pub fn composer(conv: &Conversation, claim: Option<&Claim>) -> ComposerState {
    let closed = |max_chars, reason: &str| ComposerState {
        open: false,
        max_chars,
        closed_reason: Some(reason.to_string()),
        receiver_role: None,
        via_action_guide: false,
    };
    match conv.category {
        Category::PreSaleQuestion if conv.reply_locked => {
            closed(ANSWER_MAX_CHARS, "already_answered")
        }
        Category::PreSaleQuestion => ComposerState {
            open: true,
            max_chars: ANSWER_MAX_CHARS,
            closed_reason: None,
            receiver_role: None,
            via_action_guide: false,
        },
        Category::PostSaleHelp => match &conv.blocked_reason {
            Some(substatus) => closed(POST_SALE_MAX_CHARS, &format!("blocked:{substatus}")),
            None if !conv.buyer_started => ComposerState {
                via_action_guide: true,
                ..closed(POST_SALE_MAX_CHARS, "not_buyer_started")
            },
            None => ComposerState {
                open: true,
                max_chars: POST_SALE_MAX_CHARS,
                closed_reason: None,
                receiver_role: None,
                via_action_guide: false,
            },
        },
        Category::Claim => match claim.and_then(Claim::reply_role) {
            Some(role) => ComposerState {
                open: true,
                max_chars: CLAIM_MAX_CHARS,
                closed_reason: None,
                receiver_role: Some(role),
                via_action_guide: false,
            },
            None => closed(CLAIM_MAX_CHARS, "no_claim_action"),
        },
    }
}

/// Characters Mercado Libre accepts in seller messages: ISO-8859-1 plus its emoji whitelist.
/// The whitelist is not published in full [B]; we accept the common face and hand emoji.
fn is_sendable(c: char) -> bool {
    (c as u32) <= 0xFF || matches!(c as u32, 0x1F600..=0x1F64F | 0x1F44D | 0x1F44B)
}

/// Checks a post-sale or claim reply against `composer`'s state and returns the trimmed text.
pub fn check_reply(
    conv: &Conversation,
    claim: Option<&Claim>,
    text: &str,
) -> Result<String, RuleViolation> {
    if conv.category == Category::PreSaleQuestion {
        return crate::rules::check_question_answer(conv, text);
    }
    let state = composer(conv, claim);
    if !state.open {
        return Err(match state.closed_reason.as_deref() {
            Some("not_buyer_started") => RuleViolation::NotBuyerStarted,
            Some("no_claim_action") => RuleViolation::NoClaimAction,
            _ => RuleViolation::Blocked {
                substatus: conv.blocked_reason.clone().unwrap_or_default(),
            },
        });
    }
    check_text(text, state.max_chars)
}

/// The text rules every post-sale message obeys, action-guide options included.
pub fn check_text(text: &str, limit: usize) -> Result<String, RuleViolation> {
    let text = text.trim();
    if text.is_empty() {
        return Err(RuleViolation::Empty);
    }
    let len = char_len(text);
    if len > limit {
        return Err(RuleViolation::TooLong { len, limit });
    }
    if let Some(c) = text.chars().find(|c| !is_sendable(*c)) {
        return Err(RuleViolation::UnsupportedCharacter { character: c });
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{ClaimAction, ConversationStatus};
    use crate::ids::*;
    use crate::routing::Module;
    use chrono::Utc;

    fn conv(category: Category) -> Conversation {
        Conversation {
            id: ConversationId(1),
            org_id: OrgId::new(),
            seller_id: SellerId(1),
            category,
            meli_ref: "1".into(),
            status: ConversationStatus::Open,
            meli_status: None,
            buyer_id: MeliUserId(2),
            item_id: None,
            reply_locked: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            last_inbound_at: Utc::now(),
            module: Module::Support,
            assigned_team_id: None,
            assigned_person_id: None,
            order_id: None,
            pack_id: None,
            claim_id: None,
            blocked_reason: None,
            buyer_started: true,
            first_inbound_at: None,
            first_response_at: None,
            first_responder_id: None,
        }
    }

    fn claim(stage: &str, actions: &[&str]) -> Claim {
        Claim {
            claim_id: ClaimId(1),
            org_id: OrgId::new(),
            seller_id: SellerId(1),
            order_id: None,
            reason_id: None,
            claim_type: None,
            stage: stage.into(),
            status: "opened".into(),
            affects_reputation: None,
            available_actions: actions
                .iter()
                .map(|a| ClaimAction {
                    action: a.to_string(),
                    due_date: None,
                    mandatory: false,
                })
                .collect(),
            date_created: Utc::now(),
            last_updated: Utc::now(),
        }
    }

    #[test]
    fn post_sale_replies_only_in_buyer_started_unblocked_conversations() {
        let help = conv(Category::PostSaleHelp);
        assert_eq!(check_reply(&help, None, " Hola "), Ok("Hola".into()));
        let mut unsolicited = help.clone();
        unsolicited.buyer_started = false;
        let state = composer(&unsolicited, None);
        assert!(!state.open && state.via_action_guide);
        assert_eq!(
            check_reply(&unsolicited, None, "Hola"),
            Err(RuleViolation::NotBuyerStarted)
        );
        let mut blocked = help.clone();
        blocked.blocked_reason = Some("blocked_by_mediation".into());
        assert_eq!(
            composer(&blocked, None).closed_reason.as_deref(),
            Some("blocked:blocked_by_mediation")
        );
        assert_eq!(
            check_reply(&blocked, None, "Hola"),
            Err(RuleViolation::Blocked {
                substatus: "blocked_by_mediation".into()
            })
        );
    }

    #[test]
    fn post_sale_text_is_350_latin1_characters_and_some_emoji() {
        let help = conv(Category::PostSaleHelp);
        let max = "ñ".repeat(350);
        assert_eq!(check_reply(&help, None, &max), Ok(max.clone()));
        assert_eq!(
            check_reply(&help, None, &format!("{max}a")),
            Err(RuleViolation::TooLong {
                len: 351,
                limit: 350
            })
        );
        assert!(check_reply(&help, None, "Gracias 😀").is_ok());
        assert_eq!(
            check_reply(&help, None, "Envío 🚚"),
            Err(RuleViolation::UnsupportedCharacter { character: '🚚' })
        );
    }

    #[test]
    fn claims_reply_to_whom_the_available_actions_allow() {
        let c = conv(Category::Claim);
        let opened = claim("claim", &["send_message_to_complainant"]);
        assert_eq!(
            composer(&c, Some(&opened)).receiver_role,
            Some("complainant")
        );
        let dispute = claim(
            "dispute",
            &["send_message_to_complainant", "send_message_to_mediator"],
        );
        assert_eq!(composer(&c, Some(&dispute)).receiver_role, Some("mediator"));
        let none = claim("dispute", &["refund"]);
        assert_eq!(
            check_reply(&c, Some(&none), "Hola"),
            Err(RuleViolation::NoClaimAction)
        );
        assert_eq!(
            check_reply(&c, None, "Hola"),
            Err(RuleViolation::NoClaimAction)
        );
    }
}
