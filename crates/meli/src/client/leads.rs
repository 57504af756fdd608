//! Classifieds leads (`/vis`): the seller's leads grouped by buyer, and one
//! lead with the buyer's contact data.
//!
//! These endpoints answer errors in several shapes (`{code, message}`, the
//! standard one, PolicyAgent's), all read by
//! [`ApiErrorBody`](crate::ApiErrorBody); a used-up quota comes as
//! `{"code":"too_many_requests"}` under HTTP 409, which
//! [`MeliError::is_quota_exceeded`] recognises.

use chrono::NaiveDate;

use super::{MeliClient, check_id, check_item_id, check_opaque_id};
use crate::{
    MeliError,
    models::{Lead, LeadContactType, LeadsSearch},
};

/// Filters for `GET /vis/users/{user_id}/leads/buyers`. Mercado Libre's
/// defaults: 10 per page, the last 7 days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadsQuery {
    /// Page offset (counts buyer-and-listing entries).
    pub offset: Option<u32>,
    /// Page size.
    pub limit: Option<u32>,
    /// First day, inclusive.
    pub date_from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub date_to: Option<NaiveDate>,
    /// Only these contact types (sent comma-separated).
    pub contact_types: Vec<LeadContactType>,
    /// Only leads on this listing.
    pub item_id: Option<String>,
    /// Only these buyers (sent comma-separated).
    pub buyer_ids: Vec<i64>,
    /// Also `guest[]` and `summary[]` (`include_guest=true`).
    pub include_guest: bool,
}

impl LeadsQuery {
    fn to_query(&self) -> Result<Vec<(&'static str, String)>, MeliError> {
        if let (Some(from), Some(to)) = (self.date_from, self.date_to)
            && from > to
        {
            // Mercado Libre would answer 400 "invalid date range".
            return Err(MeliError::InvalidInput(format!(
                "a lead search from {from} to {to} ends before it starts"
            )));
        }
        if let Some(item) = &self.item_id {
            check_item_id(item)?;
        }
        for id in &self.buyer_ids {
            check_id(*id, "buyer id")?;
        }
        for t in &self.contact_types {
            // A comma or blank would split or break the list.
            let raw = t.as_str();
            if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(MeliError::InvalidInput(format!(
                    "{raw:?} is not a lead contact type"
                )));
            }
        }
        let opt = |k: &'static str, v: Option<String>| v.map(|v| (k, v));
        let list = |k: &'static str, v: Vec<String>| (!v.is_empty()).then(|| (k, v.join(",")));
        let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        Ok([
            opt("offset", self.offset.map(|v| v.to_string())),
            opt("limit", self.limit.map(|v| v.to_string())),
            opt("date_from", day(self.date_from)),
            opt("date_to", day(self.date_to)),
            list(
                "contact_types",
                self.contact_types
                    .iter()
                    .map(|t| t.as_str().to_owned())
                    .collect(),
            ),
            opt("item_id", self.item_id.clone()),
            list(
                "buyer_ids",
                self.buyer_ids.iter().map(i64::to_string).collect(),
            ),
            self.include_guest
                .then(|| ("include_guest", "true".to_owned())),
        ]
        .into_iter()
        .flatten()
        .collect())
    }
}

impl MeliClient {
    /// `GET /vis/users/{user_id}/leads/buyers?…`: the seller's leads, one
    /// entry per buyer and listing. `user_id` must be the token's owner.
    pub async fn search_leads(
        &self,
        access_token: &str,
        user_id: i64,
        q: &LeadsQuery,
    ) -> Result<LeadsSearch, MeliError> {
        let user = check_id(user_id, "user id")?;
        let query = q.to_query()?;
        self.get(
            access_token,
            &["vis", "users", &user, "leads", "buyers"],
            &query,
            "leads search",
        )
        .await
    }

    /// `GET /vis/leads/{lead_id}`: one lead with the buyer's name, e-mail
    /// and phone (the resource of a `vis_leads` notification).
    pub async fn lead(&self, access_token: &str, lead_id: &str) -> Result<Lead, MeliError> {
        check_opaque_id(lead_id, "lead id")?;
        self.get(access_token, &["vis", "leads", lead_id], &[], "lead")
            .await
    }
}
