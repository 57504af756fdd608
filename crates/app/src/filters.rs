//! The inbox filters, as the API's query string and the pages' forms send them. Bad values are
//! refused with a clear 400 instead of being ignored.

use crate::error::{AppError, AppResult};
use chrono::{Duration, Utc};
use domain::routing::Module;
use domain::*;
use serde::Deserialize;
use store::{Assignee, ConversationFilter};

#[derive(Deserialize, Default, Debug, Clone)]
pub struct ConversationQuery {
    /// A seller id; empty means every store (HTML forms send the empty option).
    pub seller_id: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    /// `commercial`, `support` or `bot`.
    pub module: Option<String>,
    /// `me`, `nobody`, `team:ID` or `person:ID`.
    pub assignee: Option<String>,
    /// Only buyers waiting at least this many minutes since their last message.
    pub waiting_min: Option<String>,
    pub limit: Option<i64>,
}

fn bad(message: String) -> AppError {
    AppError::bad_request("invalid_filter", message)
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ConversationQuery {
    /// The filter as a query string, so links keep it.
    pub fn query_string(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("seller_id", &self.seller_id),
            ("category", &self.category),
            ("status", &self.status),
            ("module", &self.module),
            ("assignee", &self.assignee),
            ("waiting_min", &self.waiting_min),
        ] {
            if let Some(v) = given(value) {
                q.append_pair(key, v);
            }
        }
        q.finish()
    }

    /// The store filter for `viewer` (`assignee=me` means them).
    pub fn to_filter_for(&self, viewer: &Person) -> AppResult<ConversationFilter> {
        let seller_id = given(&self.seller_id)
            .map(|raw| {
                raw.parse().map_err(|_| {
                    bad(format!(
                        "seller_id {raw:?} is not a Mercado Libre seller id"
                    ))
                })
            })
            .transpose()?;
        let category = given(&self.category)
            .map(|c| {
                Category::parse(c).ok_or_else(|| {
                    bad(format!(
                        "unknown category {c:?} (pre_sale_question, post_sale_help, claim)"
                    ))
                })
            })
            .transpose()?;
        let status = given(&self.status)
            .map(|s| {
                ConversationStatus::parse(s)
                    .ok_or_else(|| bad(format!("unknown status {s:?} (open, waiting, resolved)")))
            })
            .transpose()?;
        let module = given(&self.module)
            .map(|m| {
                Module::parse(m)
                    .ok_or_else(|| bad(format!("unknown module {m:?} (commercial, support, bot)")))
            })
            .transpose()?;
        let assignee = given(&self.assignee)
            .map(|a| parse_assignee(a, viewer))
            .transpose()?;
        let waiting_since_before = given(&self.waiting_min)
            .map(|m| match m.parse::<i64>() {
                Ok(minutes) if (0..=525_600).contains(&minutes) => {
                    Ok(Utc::now() - Duration::minutes(minutes))
                }
                _ => Err(bad(format!(
                    "waiting_min {m:?} is not a number of minutes (0 to 525600)"
                ))),
            })
            .transpose()?;
        Ok(ConversationFilter {
            seller_id,
            buyer_id: None,
            category,
            status,
            module,
            assignee,
            waiting_since_before,
            limit: self.limit.map(|l| l.clamp(1, 500)),
        })
    }
}

fn parse_assignee(raw: &str, viewer: &Person) -> AppResult<Assignee> {
    let id = |s: &str| {
        s.parse::<i64>()
            .map_err(|_| bad(format!("assignee {raw:?}: {s:?} is not an id")))
    };
    match raw.split_once(':') {
        None if raw == "me" => Ok(Assignee::Person(viewer.id)),
        None if raw == "nobody" => Ok(Assignee::Nobody),
        Some(("team", n)) => Ok(Assignee::Team(TeamId(id(n)?))),
        Some(("person", n)) => Ok(Assignee::Person(PersonId(id(n)?))),
        _ => Err(bad(format!(
            "unknown assignee {raw:?} (me, nobody, team:ID, person:ID)"
        ))),
    }
}
