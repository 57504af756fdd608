//! Classifieds leads: `GET /vis/users/{user_id}/leads/buyers` and `GET /vis/leads/{lead_id}`,
//! with the bodies of `crates/meli/tests/fixtures/leads/`.
//!
//! Rules: no token is 403 `invalid token` (an unknown or expired one is the common 401); a
//! seller reads only their own leads (another `user_id`, or another seller's lead, is 403
//! `invalid token caller`; the latter is believed, not documented); a non-numeric `user_id` is
//! `invalid format USER_ID`; `GET /vis/leads/` is `missing lead_id`; when the simulator's
//! quota is set and used up, every call is 409 `quota exceeded`. The search: `date_from` and
//! `date_to` are days (`YYYY-MM-DD`, by the lead's UTC date), 7 days back from today by
//! default, a bad one is `invalid start date` / `invalid end date` and a reversed range
//! `invalid date range`; `contact_types` must be documented types (`invalid lead type`);
//! unknown parameters and unreadable numbers are `error decoding search params` (believed:
//! the gateway decodes with a strict schema); `limit` defaults to 10 and pages count entries
//! (one per buyer and listing, newest first); `include_guest=true` adds `guest[]` and
//! `summary[]`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Uri;
use chrono::{NaiveDate, TimeDelta, Utc};
use serde_json::{Value, json};

use super::Caller;
use crate::errors::VisError;
use crate::market::leads::{CONTACT_TYPES, Lead};
use crate::seed;
use crate::state::{AppState, Inner, Shared, utc_time};

/// Page size when `limit` is absent or 0.
pub(crate) const DEFAULT_LIMIT: usize = 10;

/// Days searched back from `date_to` when `date_from` is absent.
const DEFAULT_DAYS: i64 = 7;

const PARAMS: [&str; 9] = [
    "offset",
    "limit",
    "date_from",
    "date_to",
    "contact_types",
    "item_id",
    "buyer_ids",
    "include_guest",
    // The legacy way to send the token; the common layer reads it.
    "access_token",
];

/// Spends one call of the quota, when there is one.
fn spend(inner: &mut Inner) -> Result<(), VisError> {
    match inner.leads_quota.as_mut() {
        Some(0) => Err(VisError::quota_exceeded()),
        Some(left) => {
            *left -= 1;
            Ok(())
        }
        None => Ok(()),
    }
}

/// A lead as `GET /vis/leads/{id}` returns it (shape of `leads/lead-by-id.json`).
pub(crate) fn lead_json(shared: &Shared, lead: &Lead) -> Value {
    let buyer = lead.buyer_id.and_then(|id| shared.user(id));
    let contact = buyer.map(seed::contact);
    json!({
        "id": lead.id,
        "item_id": lead.item_id,
        "created_at": utc_time(lead.created),
        "contact_type": lead.contact_type,
        "external_id": lead.external_id,
        "status": lead.status,
        "buyer_id": lead.buyer_id,
        "name": buyer.map(|b| format!("{} {}", b.first_name, b.last_name)),
        "email": contact.as_ref().map(|c| c.email.clone()),
        "phone": contact.as_ref().map(seed::Contact::phone),
    })
}

/// `GET /vis/leads/{lead_id}`.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, VisError> {
    let caller = caller.0.ok_or_else(VisError::invalid_token)?;
    let id = raw.trim();
    if id.is_empty() {
        return Err(VisError::missing_lead_id());
    }
    let mut inner = state.lock();
    spend(&mut inner)?;
    let lead = inner
        .leads
        .iter()
        .find(|l| l.id == id)
        .ok_or_else(VisError::lead_not_found)?;
    if lead.seller_id != caller {
        return Err(VisError::token_caller());
    }
    Ok(Json(lead_json(&state, lead)))
}

/// `GET /vis/leads/`: the id is missing.
pub(crate) async fn missing_id(caller: Caller) -> VisError {
    match caller.0 {
        None => VisError::invalid_token(),
        Some(_) => VisError::missing_lead_id(),
    }
}

/// What a search asks for, validated.
#[derive(Debug)]
struct Search {
    offset: usize,
    limit: usize,
    from: NaiveDate,
    to: NaiveDate,
    types: Vec<&'static str>,
    item_id: Option<String>,
    buyer_ids: Vec<i64>,
    include_guest: bool,
}

fn decoding(cause: String) -> VisError {
    VisError::bad_search("error decoding search params", cause)
}

/// Go's `time.Parse("2006-01-02", …)` messages, which the API passes through.
fn day(value: &str, message: &str) -> Result<NaiveDate, VisError> {
    if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        && value.len() == 10
    {
        return Ok(d);
    }
    let cause = match (value.get(..10), value.get(10..)) {
        (Some(head), Some(rest)) if NaiveDate::parse_from_str(head, "%Y-%m-%d").is_ok() => {
            format!("parsing time '{value}': extra text: '{rest}'")
        }
        _ => format!("parsing time '{value}' as '2006-01-02': cannot parse '{value}'"),
    };
    Err(VisError::bad_search(message, cause))
}

fn parse_search(query: Option<&str>, today: NaiveDate) -> Result<Search, VisError> {
    let pairs: HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    if let Some(unknown) = pairs.keys().find(|k| !PARAMS.contains(&k.as_str())) {
        return Err(decoding(format!("schema: invalid path '{unknown}'")));
    }
    let get = |k: &str| pairs.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let number = |k: &str| -> Result<usize, VisError> {
        get(k).map_or(Ok(0), |v| {
            v.parse()
                .map_err(|_| decoding(format!("schema: error converting value for '{k}'")))
        })
    };
    let include_guest = match get("include_guest") {
        None => false,
        Some("1" | "t" | "T" | "true" | "TRUE" | "True") => true,
        Some("0" | "f" | "F" | "false" | "FALSE" | "False") => false,
        Some(_) => {
            return Err(decoding(
                "schema: error converting value for 'include_guest'".to_owned(),
            ));
        }
    };
    let buyer_ids = get("buyer_ids")
        .map(|v| {
            v.split(',')
                .map(|id| id.trim().parse::<i64>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| decoding("schema: error converting value for 'buyer_ids'".to_owned()))
        })
        .transpose()?
        .unwrap_or_default();
    let to = get("date_to").map_or(Ok(today), |v| day(v, "invalid end date"))?;
    let week_before = to
        .checked_sub_signed(TimeDelta::days(DEFAULT_DAYS))
        .unwrap_or(NaiveDate::MIN);
    let from = get("date_from").map_or(Ok(week_before), |v| day(v, "invalid start date"))?;
    if from > to {
        return Err(VisError::bad_search(
            "invalid date range",
            "start date is greater than end date",
        ));
    }
    let mut types = Vec::new();
    for t in get("contact_types").into_iter().flat_map(|v| v.split(',')) {
        let t = t.trim();
        let known = CONTACT_TYPES.into_iter().find(|k| *k == t).ok_or_else(|| {
            VisError::bad_search("invalid lead type", format!("invalid lead type: {t}"))
        })?;
        types.push(known);
    }
    Ok(Search {
        offset: number("offset")?,
        limit: match number("limit")? {
            0 => DEFAULT_LIMIT,
            n => n,
        },
        from,
        to,
        types,
        item_id: get("item_id").map(str::to_owned),
        buyer_ids,
        include_guest,
    })
}

impl Search {
    fn matches(&self, lead: &Lead) -> bool {
        let day = lead.created.date_naive();
        (self.from..=self.to).contains(&day)
            && (self.types.is_empty() || self.types.contains(&lead.contact_type))
            && self.item_id.as_ref().is_none_or(|i| *i == lead.item_id)
            && (self.buyer_ids.is_empty()
                || lead.buyer_id.is_some_and(|b| self.buyer_ids.contains(&b)))
    }
}

/// Groups `leads` (newest first) by `key`, groups ordered by their newest lead.
fn grouped<K: PartialEq>(leads: &[&Lead], key: impl Fn(&Lead) -> K) -> Vec<(K, Vec<Lead>)> {
    let mut groups: Vec<(K, Vec<Lead>)> = Vec::new();
    for lead in leads {
        let k = key(lead);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push((*lead).clone()),
            None => groups.push((k, vec![(*lead).clone()])),
        }
    }
    groups
}

fn search_lead_json(lead: &Lead) -> Value {
    json!({
        "id": lead.id,
        "uuid": lead.id,
        "channel": lead.contact_type,
        "contact_type": lead.contact_type,
        "created_at": utc_time(lead.created),
        "external_id": lead.external_id,
        "item_id": lead.item_id,
        "status": lead.status,
    })
}

fn buyer_json(shared: &Shared, buyer_id: i64, item_id: &str, leads: &[Lead]) -> Value {
    let user = shared.user(buyer_id);
    let contact = user.map(seed::contact);
    json!({
        "id": buyer_id,
        "item_id": item_id,
        "name": user.map(|b| format!("{} {}", b.first_name, b.last_name)),
        "email": contact.as_ref().map(|c| c.email.clone()),
        "phone": contact.as_ref().map(seed::Contact::phone),
        "identification_number": contact.as_ref().map(|c| c.doc_number.clone()),
        "identification_type": contact.as_ref().map(|c| c.doc_type),
        "leads": leads.iter().map(search_lead_json).collect::<Vec<_>>(),
    })
}

/// `GET /vis/users/{user_id}/leads/buyers`.
pub(crate) async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    uri: Uri,
) -> Result<Json<Value>, VisError> {
    let caller = caller.0.ok_or_else(VisError::invalid_token)?;
    let user_id: i64 = raw
        .trim()
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(VisError::invalid_user_id)?;
    if user_id != caller {
        return Err(VisError::token_caller());
    }
    let mut inner = state.lock();
    spend(&mut inner)?;
    let q = parse_search(uri.query(), Utc::now().date_naive())?;
    let mut found: Vec<&Lead> = inner
        .leads
        .iter()
        .filter(|l| l.seller_id == user_id && q.matches(l))
        .collect();
    found.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    let (users, guests): (Vec<&Lead>, Vec<&Lead>) =
        found.iter().copied().partition(|l| l.buyer_id.is_some());
    let entries = grouped(&users, |l| {
        (l.buyer_id.unwrap_or_default(), l.item_id.clone())
    });
    let results: Vec<Value> = entries
        .iter()
        .skip(q.offset)
        .take(q.limit)
        .map(|((buyer, item), leads)| buyer_json(&state, *buyer, item, leads))
        .collect();
    let mut out = json!({
        "results": results,
        "paging": {"offset": q.offset, "limit": q.limit, "total": entries.len()},
        "date_from": q.from.format("%Y-%m-%d").to_string(),
        "date_to": q.to.format("%Y-%m-%d").to_string(),
    });
    if q.include_guest
        && let Some(map) = out.as_object_mut()
    {
        let guest: Vec<Value> = grouped(&guests, |l| l.item_id.clone())
            .into_iter()
            .map(|(item, leads)| {
                let leads: Vec<Value> = leads
                    .iter()
                    .map(|l| json!({"id": l.id, "contact_type": l.contact_type, "status": l.status, "created_at": utc_time(l.created)}))
                    .collect();
                json!({"item_id": item, "leads": leads})
            })
            .collect();
        let summary: Vec<Value> = grouped(&found, |l| l.item_id.clone())
            .into_iter()
            .map(|(item, leads)| {
                let user = leads.iter().filter(|l| l.buyer_id.is_some()).count();
                json!({"item_id": item, "total": leads.len(), "user": user, "guest": leads.len() - user})
            })
            .collect();
        map.insert("guest".to_owned(), Value::Array(guest));
        map.insert("summary".to_owned(), Value::Array(summary));
    }
    Ok(Json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 22).unwrap_or_default()
    }

    fn cause(query: &str) -> Value {
        let e = parse_search(Some(query), today())
            .err()
            .map(|e| e.body().clone());
        e.map(|b| b["cause"][0].clone()).unwrap_or(Value::Null)
    }

    #[test]
    fn defaults_are_ten_per_page_over_the_last_seven_days() {
        let s = parse_search(None, today()).ok();
        let s = s.as_ref();
        assert_eq!(s.map(|s| (s.offset, s.limit)), Some((0, DEFAULT_LIMIT)));
        assert_eq!(s.map(|s| s.from.to_string()).as_deref(), Some("2026-01-15"));
        assert_eq!(s.map(|s| s.to.to_string()).as_deref(), Some("2026-01-22"));
    }

    #[test]
    fn causes_read_like_the_samples() {
        assert_eq!(
            cause("date_from=2021-01-021"),
            "parsing time '2021-01-021': extra text: '1'"
        );
        assert_eq!(
            cause("date_to=2024-01-022"),
            "parsing time '2024-01-022': extra text: '2'"
        );
        assert_eq!(
            cause("date_from=2026-01-20&date_to=2026-01-10"),
            "start date is greater than end date"
        );
        assert_eq!(
            cause("contact_types=call,invalid"),
            "invalid lead type: invalid"
        );
        assert_eq!(
            cause("contact_type=call"),
            "schema: invalid path 'contact_type'"
        );
        assert_eq!(
            cause("limit=ten"),
            "schema: error converting value for 'limit'"
        );
        assert_eq!(
            cause("date_from=yesterday"),
            "parsing time 'yesterday' as '2006-01-02': cannot parse 'yesterday'"
        );
    }
}
