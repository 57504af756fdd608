//! Classifieds leads (`/vis`): a buyer's contact on a vehicle, real-estate or
//! service listing, where nothing is sold through Mercado Libre and the
//! buyer's name, e-mail and phone are shared with the seller on purpose.
//!
//! One [`Lead`] type reads all three places a lead appears (the search's
//! `results[].leads[]` and `guest[].leads[]`, and `GET /vis/leads/{id}`):
//! the samples disagree on which fields each carries, so everything but
//! the id, the contact type and the date is optional. Lead ids are opaque
//! text (UUIDs in most samples, `"44115522"` in one), never numbers.
//! These records hold personal data: store what the UI needs, never log them.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, de};

use super::Paging;
use crate::macros::open_enum;

open_enum! {
    /// `contact_type` (and `channel`) of a lead; also the `actions` of a
    /// `vis_leads` notification.
    pub enum LeadContactType {
        /// The buyer opened WhatsApp from the listing.
        Whatsapp => "whatsapp",
        /// A question on the listing; `external_id` is the question id.
        Question => "question",
        /// The buyer asked to see the phone or called.
        Call => "call",
        /// A visit was scheduled.
        Schedule => "schedule",
        /// A quotation was requested.
        Quotation => "quotation",
        /// A contact form (Motors).
        ContactRequest => "contact_request",
        /// A reservation (Motors).
        Reservation => "reservation",
        /// A visit request (real estate).
        VisitRequest => "visit_request",
        /// A credit simulation.
        Credit => "credit",
    }
}

open_enum! {
    /// `status` of a lead.
    pub enum LeadStatus {
        /// The only value the documentation shows.
        Active => "active",
    }
}

/// A buyer's contact on a classified listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    /// Lead id: a UUID, or digits as text.
    #[serde(deserialize_with = "crate::de::id_string")]
    pub id: String,
    /// The same UUID again (search results only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub uuid: Option<String>,
    /// How the buyer got in touch.
    pub contact_type: LeadContactType,
    /// Same as `contact_type` in every sample (search results only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<LeadContactType>,
    /// When the contact happened.
    #[serde(deserialize_with = "crate::de::timestamp")]
    pub created_at: DateTime<FixedOffset>,
    /// The record behind the lead in another API (the question id of a
    /// `question` lead); `""` reads as none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "non_empty_text"
    )]
    pub external_id: Option<String>,
    /// The listing (absent on guest leads, whose group names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    /// `active`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LeadStatus>,
    /// e.g. `answered` on a question lead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_status: Option<String>,
    /// The buyer's user id; none for a guest.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub buyer_id: Option<i64>,
    /// The buyer's name (`GET /vis/leads/{id}` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The buyer's e-mail (`GET /vis/leads/{id}` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The buyer's phone as typed, e.g. `+56 01 1111-1111` (`GET /vis/leads/{id}` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Lead {
    /// The question to read (`GET /questions/{id}`) for a `question` lead.
    pub fn question_id(&self) -> Option<i64> {
        if self.contact_type != LeadContactType::Question {
            return None;
        }
        self.external_id.as_deref()?.trim().parse().ok()
    }
}

/// `GET /vis/users/{user_id}/leads/buyers`: the seller's leads grouped by
/// buyer and listing, one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadsSearch {
    /// One entry per buyer and listing (a buyer on two listings is two
    /// entries). Required, so that another payload is not read as an empty
    /// search; `null` is empty.
    #[serde(deserialize_with = "crate::de::null_default")]
    pub results: Vec<LeadBuyer>,
    /// Counts `results` entries, not leads.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub paging: Paging,
    /// First day searched (the default is 7 days back).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_date"
    )]
    pub date_from: Option<NaiveDate>,
    /// Last day searched.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_date"
    )]
    pub date_to: Option<NaiveDate>,
    /// Leads by people without an account, per listing (`include_guest=true`).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_default"
    )]
    pub guest: Vec<GuestLeads>,
    /// Lead counts per listing (`include_guest=true`).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::de::null_default"
    )]
    pub summary: Vec<LeadSummary>,
}

/// A buyer's leads on one listing, with the contact data they shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadBuyer {
    /// The buyer's user id.
    #[serde(deserialize_with = "crate::de::id")]
    pub id: i64,
    /// The listing.
    pub item_id: String,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone as typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Document number, as text (check digits like `-7`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id_string"
    )]
    pub identification_number: Option<String>,
    /// `RUT`, `DNI`, `CPF`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification_type: Option<String>,
    /// Newest first in the samples.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub leads: Vec<Lead>,
}

/// Guest leads on one listing: no account, so no buyer data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuestLeads {
    /// The listing.
    pub item_id: String,
    /// Each with id, contact type, status and date only.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub leads: Vec<Lead>,
}

/// How many leads a listing got in the range, by account and by guests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadSummary {
    /// The listing.
    pub item_id: String,
    /// `user + guest`.
    #[serde(default, deserialize_with = "count")]
    pub total: u64,
    /// Leads by buyers with an account.
    #[serde(default, deserialize_with = "count")]
    pub user: u64,
    /// Leads by guests.
    #[serde(default, deserialize_with = "count")]
    pub guest: u64,
}

fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(crate::de::opt_count(d)?.unwrap_or_default())
}

/// Text or a number kept as text; `null` and blank text are none.
fn non_empty_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(crate::de::opt_id_string(d)?.filter(|s| !s.trim().is_empty()))
}

/// `YYYY-MM-DD`; `null` and `""` are none.
fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| de::Error::custom(format!("expected a date like 2025-06-18, got {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(json: &str) -> Result<Lead, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn ids_are_text_and_question_leads_name_their_question() {
        let l = lead(
            r#"{"id": 44115522, "contact_type": "question", "created_at": "2024-02-14T00:00:00Z", "external_id": 13864821}"#,
        )
        .unwrap();
        assert_eq!(l.id, "44115522");
        assert_eq!(l.question_id(), Some(13_864_821));
        let l = lead(
            r#"{"id": "b711e264", "contact_type": "whatsapp", "created_at": "2026-01-22T21:01:47Z", "external_id": ""}"#,
        )
        .unwrap();
        assert_eq!((l.external_id.as_deref(), l.question_id()), (None, None));
    }

    #[test]
    fn unknown_contact_types_are_kept() {
        let l = lead(
            r#"{"id": "x", "contact_type": "test_drive", "created_at": "2026-01-22T21:01:47Z"}"#,
        )
        .unwrap();
        assert_eq!(l.contact_type, LeadContactType::Other("test_drive".into()));
        assert!(lead(r#"{"id": "x", "created_at": "2026-01-22T21:01:47Z"}"#).is_err());
    }

    #[test]
    fn dates_and_counts() {
        let s: LeadsSearch = serde_json::from_str(
            r#"{"results": null, "date_from": "2026-01-15", "date_to": "", "summary": [{"item_id": "MLC1", "total": "2", "user": 1}]}"#,
        )
        .unwrap();
        assert_eq!(s.date_from, NaiveDate::from_ymd_opt(2026, 1, 15));
        assert_eq!(s.date_to, None);
        assert_eq!((s.summary[0].total, s.summary[0].guest), (2, 0));
        let e =
            serde_json::from_str::<LeadsSearch>(r#"{"results": [], "date_from": "2024-01-022"}"#)
                .unwrap_err();
        assert!(e.to_string().contains("expected a date like"), "{e}");
        assert!(serde_json::from_str::<LeadsSearch>(r#"{"paging": {"total": 0}}"#).is_err());
    }
}
