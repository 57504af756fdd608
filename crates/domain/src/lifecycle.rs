//! How a conversation's stored state evolves as Mercado Libre is read again and again. These are
//! decisions, not storage: the store persists what they return, so every backend applies the
//! same rules and each rule is tested here once, without a database.

use crate::conversation::{Conversation, ConversationStatus};
use crate::ids::{ClaimId, ItemId, MeliUserId, OrderId, PackId};
use chrono::{DateTime, Utc};

/// What one fetch from Mercado Libre says about a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    pub status: ConversationStatus,
    pub meli_status: Option<String>,
    pub buyer_id: MeliUserId,
    pub item_id: Option<ItemId>,
    pub reply_locked: bool,
    pub last_inbound_at: DateTime<Utc>,
    pub order_id: Option<OrderId>,
    pub pack_id: Option<PackId>,
    pub claim_id: Option<ClaimId>,
    pub buyer_started: bool,
    pub blocked_reason: Option<String>,
}

/// Merges a new sighting into what is known. Fetches can arrive out of order (a webhook and a
/// reconciliation sweep race; a retry lands late), so:
/// - the reply lock only ratchets up: stale data must never reopen an answered question;
/// - `last_inbound_at` only moves forward: the waiting time is never rewound;
/// - facts a sighting lacks (item, Mercado Libre's status word, order, pack, claim) keep their
///   known value;
/// - once the buyer has started a post-sale conversation, it stays buyer-started;
/// - the status, the buyer and whether Mercado Libre blocks sends take the newest word.
pub fn merge_sighting(known: &Conversation, new: Sighting) -> Sighting {
    Sighting {
        status: new.status,
        meli_status: new.meli_status.or_else(|| known.meli_status.clone()),
        buyer_id: new.buyer_id,
        item_id: new.item_id.or_else(|| known.item_id.clone()),
        reply_locked: known.reply_locked || new.reply_locked,
        last_inbound_at: known.last_inbound_at.max(new.last_inbound_at),
        order_id: new.order_id.or(known.order_id),
        pack_id: new.pack_id.or(known.pack_id),
        claim_id: new.claim_id.or(known.claim_id),
        buyer_started: known.buyer_started || new.buyer_started,
        blocked_reason: new.blocked_reason,
    }
}

/// The conversation status and reply lock a pre-sale question's Mercado Libre status implies:
/// only an `UNANSWERED` question is open and answerable; every other word (answered, closed,
/// deleted, banned, disabled, or one we don't know yet) means the one answer can no longer be
/// given from here.
pub fn question_state(meli_status: &str) -> (ConversationStatus, bool) {
    if meli_status.eq_ignore_ascii_case("UNANSWERED") {
        (ConversationStatus::Open, false)
    } else {
        (ConversationStatus::Resolved, true)
    }
}

/// What Mercado Libre shows about a question after our answer failed to go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionAfterFailure<'a> {
    /// It carries an answer with these words.
    Answered(&'a str),
    /// It is still unanswered.
    Unanswered,
    /// Closed, deleted, banned…: no answer can be given any more.
    Closed,
    /// It could not be read: nobody knows whether the answer landed.
    Unknown,
}

/// What to do with an answer whose delivery failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedAnswerOutcome {
    /// Mercado Libre has our words: the delivery succeeded after all.
    Delivered,
    /// Failed, and the reply box reopens: the one allowed answer is still unused.
    FailedReopen,
    /// Failed, and the box stays locked: reopening could lead to a second answer.
    FailedKeepLocked,
}

/// Reopen only if Mercado Libre still shows the question unanswered. An earlier attempt may have
/// landed unseen, so an unknown outcome keeps the box locked: a second answer must never be
/// possible. Whitespace may differ from what we sent; the words may not.
pub fn settle_failed_answer(sent: &str, seen: QuestionAfterFailure<'_>) -> FailedAnswerOutcome {
    match seen {
        QuestionAfterFailure::Answered(text) if same_words(text, sent) => {
            FailedAnswerOutcome::Delivered
        }
        QuestionAfterFailure::Unanswered => FailedAnswerOutcome::FailedReopen,
        QuestionAfterFailure::Answered(_)
        | QuestionAfterFailure::Closed
        | QuestionAfterFailure::Unknown => FailedAnswerOutcome::FailedKeepLocked,
    }
}

fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Category;
    use crate::ids::{ConversationId, OrgId, SellerId};
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn known() -> Conversation {
        Conversation {
            id: ConversationId(1),
            org_id: OrgId::new(),
            seller_id: SellerId(1),
            category: Category::PreSaleQuestion,
            meli_ref: "1".into(),
            status: ConversationStatus::Resolved,
            meli_status: Some("ANSWERED".into()),
            buyer_id: MeliUserId(2),
            item_id: Some(ItemId("MLA1".into())),
            reply_locked: true,
            created_at: at(9),
            updated_at: at(10),
            last_inbound_at: at(10),
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

    fn sighting() -> Sighting {
        Sighting {
            status: ConversationStatus::Open,
            meli_status: None,
            buyer_id: MeliUserId(3),
            item_id: None,
            reply_locked: false,
            last_inbound_at: at(8),
            order_id: None,
            pack_id: None,
            claim_id: None,
            buyer_started: false,
            blocked_reason: None,
        }
    }

    #[test]
    fn stale_sightings_never_unlock_or_rewind() {
        let merged = merge_sighting(&known(), sighting());
        assert!(merged.reply_locked, "the lock only ratchets up");
        assert_eq!(merged.last_inbound_at, at(10), "waiting time never rewinds");
        assert_eq!(merged.meli_status.as_deref(), Some("ANSWERED"));
        assert_eq!(merged.item_id, Some(ItemId("MLA1".into())));
        assert_eq!(
            merged.status,
            ConversationStatus::Open,
            "status takes the new word"
        );
        assert_eq!(merged.buyer_id, MeliUserId(3));
    }

    #[test]
    fn newer_sightings_move_forward_and_lock() {
        let mut open = known();
        open.reply_locked = false;
        let new = Sighting {
            reply_locked: true,
            last_inbound_at: at(12),
            meli_status: Some("DELETED".into()),
            item_id: Some(ItemId("MLA2".into())),
            ..sighting()
        };
        let merged = merge_sighting(&open, new);
        assert!(merged.reply_locked);
        assert_eq!(merged.last_inbound_at, at(12));
        assert_eq!(merged.meli_status.as_deref(), Some("DELETED"));
        assert_eq!(merged.item_id, Some(ItemId("MLA2".into())));
    }

    #[test]
    fn only_unanswered_questions_are_open() {
        assert_eq!(
            question_state("UNANSWERED"),
            (ConversationStatus::Open, false)
        );
        for word in [
            "ANSWERED",
            "CLOSED_UNANSWERED",
            "DELETED",
            "BANNED",
            "DISABLED",
            "NEW_WORD",
        ] {
            assert_eq!(
                question_state(word),
                (ConversationStatus::Resolved, true),
                "{word}"
            );
        }
    }

    #[test]
    fn a_failed_answer_reopens_only_when_still_unanswered() {
        use FailedAnswerOutcome::*;
        use QuestionAfterFailure::*;
        assert_eq!(
            settle_failed_answer("Sí, hay  stock", Answered("Sí, hay stock")),
            Delivered
        );
        assert_eq!(settle_failed_answer("Sí", Unanswered), FailedReopen);
        assert_eq!(
            settle_failed_answer("Sí", Answered("Otra respuesta")),
            FailedKeepLocked
        );
        assert_eq!(settle_failed_answer("Sí", Closed), FailedKeepLocked);
        assert_eq!(settle_failed_answer("Sí", Unknown), FailedKeepLocked);
    }
}
