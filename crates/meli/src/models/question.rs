//! Pre-sale questions (`api_version=4`) and question search.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::macros::open_enum;

open_enum! {
    /// `Question.status`.
    pub enum QuestionStatus {
        /// Waiting for the seller.
        Unanswered => "UNANSWERED",
        /// The seller answered.
        Answered => "ANSWERED",
        /// The listing closed before an answer.
        ClosedUnanswered => "CLOSED_UNANSWERED",
        /// The listing is under review.
        UnderReview => "UNDER_REVIEW",
        /// Moderated; its text comes back empty.
        Banned => "BANNED",
        /// Deleted (by the seller, or after 7 months unanswered).
        Deleted => "DELETED",
        /// Disabled.
        Disabled => "DISABLED",
    }
}

open_enum! {
    /// `Answer.status`.
    pub enum AnswerStatus {
        /// Visible.
        Active => "ACTIVE",
        /// Disabled.
        Disabled => "DISABLED",
        /// Moderated; its text comes back empty.
        Banned => "BANNED",
    }
}

/// `GET /questions/{id}?api_version=4`, and each element of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Question id (exceeds 32 bits).
    #[serde(deserialize_with = "crate::de::id")]
    pub id: i64,
    /// Seller who owns the item.
    #[serde(deserialize_with = "crate::de::id")]
    pub seller_id: i64,
    /// Item asked about, e.g. `MLA739200576`.
    #[serde(deserialize_with = "crate::de::id_string")]
    pub item_id: String,
    /// Lifecycle state.
    pub status: QuestionStatus,
    /// Question text; empty for `BANNED` questions.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub text: String,
    /// When the buyer asked.
    #[serde(deserialize_with = "crate::de::timestamp")]
    pub date_created: DateTime<FixedOffset>,
    /// Last change (only in the by-id view).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub last_updated: Option<DateTime<FixedOffset>>,
    /// The asker as search results write it (`from.id`); vehicles add contact data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Asker>,
    /// The asker as the by-id view writes it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub buyer_id: Option<i64>,
    /// The seller removed it from the listing page.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub deleted_from_listing: bool,
    /// Held for moderation.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub hold: bool,
    /// Flagged as spam.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub suspected_spam: bool,
    /// Application the question was asked through.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub app_id: Option<i64>,
    /// The seller's answer, if any (`null` while unanswered).
    #[serde(default)]
    pub answer: Option<Answer>,
}

impl Question {
    /// The buyer who asked: `from.id` (search) or `buyer_id` (by id).
    pub fn asker_id(&self) -> Option<i64> {
        self.from.as_ref().and_then(|f| f.id).or(self.buyer_id)
    }
}

/// `Question.from`. Only `id` for normal products; vehicle leads add
/// contact data, which is buyer personal data — do not log it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asker {
    /// Buyer user id.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub id: Option<i64>,
    /// Questions of this buyer the seller answered before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_questions: Option<u64>,
    /// Vehicles only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Vehicles only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Vehicles only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Vehicles only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<AskerPhone>,
}

/// `Question.from.phone` (vehicles).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AskerPhone {
    /// Local number.
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    pub number: Option<String>,
    /// Area code.
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    pub area_code: Option<String>,
}

/// `Question.answer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// Answer text; empty for `BANNED` answers.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub text: String,
    /// Visibility state.
    pub status: AnswerStatus,
    /// When the seller answered.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub date_created: Option<DateTime<FixedOffset>>,
}

/// `GET /questions/search?api_version=4`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionsSearch {
    /// Total matches (not just this page).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub total: u64,
    /// Page size used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// This page.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub questions: Vec<Question>,
    /// Cursor for `search_type=scan` (more than 1000 results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scroll_id: Option<String>,
    /// Echo of the applied filters; shape varies, kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<serde_json::Value>,
    /// Filters the endpoint offers; kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_filters: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asker_from_either_field() {
        let q: Question = serde_json::from_str(
            r#"{"id":"11436370259","seller_id":419059118,"item_id":"MLB1","status":"UNANSWERED",
                "text":"hola","date_created":"2020-08-20T13:22:01.600-04:00","answer":null,"from":{"id":419067349}}"#,
        )
        .unwrap();
        assert_eq!(q.asker_id(), Some(419_067_349));
        assert_eq!(q.id, 11_436_370_259);
        let q: Question = serde_json::from_str(
            r#"{"id":1,"seller_id":2,"buyer_id":"56801932","item_id":"MLA1","status":"ANSWERED",
                "date_created":"2021-02-08T17:51:21.746608612Z",
                "answer":{"text":"si","status":"ACTIVE","date_created":"2021-02-16T14:52:13.580-04:00"}}"#,
        )
        .unwrap();
        assert_eq!(q.asker_id(), Some(56_801_932));
        assert_eq!(q.answer.map(|a| a.status), Some(AnswerStatus::Active));
    }

    #[test]
    fn unknown_status_round_trips() {
        let s: QuestionStatus = serde_json::from_str(r#""PENDING_TRANSLATION""#).unwrap();
        assert_eq!(s, QuestionStatus::Other("PENDING_TRANSLATION".into()));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#""PENDING_TRANSLATION""#
        );
        let s: QuestionStatus = serde_json::from_str(r#""CLOSED_UNANSWERED""#).unwrap();
        assert_eq!(s, QuestionStatus::ClosedUnanswered);
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""CLOSED_UNANSWERED""#);
    }
}
