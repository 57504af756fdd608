//! Classifieds leads: a buyer's contact (WhatsApp, call, question, visit request, …) on a
//! vehicle, real-estate or service listing, and the rules every creator goes through (the
//! seeding and the `/_sim` API alike).
//!
//! A `question` lead is backed by a real question on the listing (its id is the lead's
//! `external_id`, readable with `GET /questions/{id}`), so it needs a buyer with an account;
//! the other kinds may come from a guest, who leaves no buyer data.

use chrono::{DateTime, Utc};

use crate::errors::SimError;
use crate::state::{Answer, Shared, hex, pick_buyer};

/// Every contact type the documentation names (list, notifications and one example).
pub(crate) const CONTACT_TYPES: [&str; 9] = [
    "whatsapp",
    "question",
    "call",
    "schedule",
    "quotation",
    "contact_request",
    "reservation",
    "visit_request",
    "credit",
];

/// A lead as stored.
#[derive(Debug, Clone)]
pub(crate) struct Lead {
    /// A UUID, as in the samples and notifications.
    pub id: String,
    pub item_id: String,
    pub seller_id: i64,
    /// `None` for a guest.
    pub buyer_id: Option<i64>,
    pub contact_type: &'static str,
    /// The question id of a `question` lead, else empty (as the samples show it).
    pub external_id: String,
    pub status: &'static str,
    pub created: DateTime<Utc>,
}

impl Lead {
    /// The backing question of a `question` lead.
    pub fn question_id(&self) -> Option<i64> {
        self.external_id.parse().ok()
    }
}

/// Who makes contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Asker {
    /// A seeded buyer; a random one of the listing's site when `None`.
    Buyer(Option<i64>),
    /// Someone without an account.
    Guest,
}

/// What a new lead needs.
#[derive(Debug, Clone)]
pub(crate) struct NewLead<'a> {
    pub item_id: &'a str,
    pub contact_type: &'a str,
    pub asker: Asker,
    /// The question's text, for a `question` lead.
    pub question: &'a str,
    pub at: DateTime<Utc>,
}

/// Stores a lead (and, for `question`, its question). No notification: see
/// `control::leads`.
pub(crate) fn create(shared: &Shared, new: &NewLead<'_>) -> Result<Lead, SimError> {
    let item = shared
        .item(new.item_id)
        .ok_or_else(|| SimError::ItemNotFound(new.item_id.to_owned()))?;
    if item.buying_mode != "classified" {
        return Err(SimError::NotClassified(item.id.clone()));
    }
    let contact_type = CONTACT_TYPES
        .into_iter()
        .find(|t| *t == new.contact_type)
        .ok_or_else(|| SimError::UnknownContactType(new.contact_type.to_owned()))?;
    let buyer_id = match new.asker {
        Asker::Guest if contact_type == "question" => return Err(SimError::GuestQuestion),
        Asker::Guest => None,
        Asker::Buyer(wanted) => {
            let mut inner = shared.lock();
            Some(pick_buyer(
                &shared.seed,
                &mut inner.rng,
                item.site_id,
                item.seller_id,
                wanted,
            )?)
        }
    };
    let external_id = if contact_type == "question" {
        shared
            .insert_question(&item.id, buyer_id, new.question, new.at)?
            .id
            .to_string()
    } else {
        String::new()
    };
    let mut inner = shared.lock();
    let rng = &mut inner.rng;
    let id = format!(
        "{}-{}-4{}-a{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 3),
        hex(rng, 3),
        hex(rng, 12)
    );
    let lead = Lead {
        id,
        item_id: item.id.clone(),
        seller_id: item.seller_id,
        buyer_id,
        contact_type,
        external_id,
        status: "active",
        created: new.at,
    };
    inner.leads.push(lead.clone());
    Ok(lead)
}

/// Answers a stored question as its seller would have (used by the seed).
pub(crate) fn answer_question(shared: &Shared, id: i64, text: &str, at: DateTime<Utc>) {
    if let Some(q) = shared.lock().questions.get_mut(&id) {
        q.status = "ANSWERED";
        q.last_updated = at;
        q.answer = Some(Answer {
            text: text.to_owned(),
            status: "ACTIVE",
            date_created: at,
        });
    }
}
