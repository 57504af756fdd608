//! Shared simulator state: the immutable seed plus a mutex-guarded mutable part (questions,
//! post-sale records, leads, OAuth codes and tokens, notification log, faults).
//!
//! The mutex is a `std` one held only for short, non-async sections; a poisoned lock is
//! recovered rather than propagated (the data is still consistent: no section panics midway).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, FixedOffset, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use serde::Serialize;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::config::{Faults, SimConfig};
use crate::errors::SimError;
use crate::market::Market;
use crate::market::leads::Lead;
use crate::seed::{Item, Seed, User};

/// Everything the routes and the [`SimHandle`](crate::SimHandle) share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub cfg: SimConfig,
    pub base_url: String,
    pub seed: Seed,
    pub inner: Mutex<Inner>,
    pub http: reqwest::Client,
    pub shutdown: watch::Sender<bool>,
}

/// The mutable part of the simulator.
#[derive(Debug)]
pub(crate) struct Inner {
    pub rng: StdRng,
    pub questions: BTreeMap<i64, Question>,
    pub next_question_id: i64,
    /// Orders, packs, shipments, conversations, claims.
    pub market: Market,
    pub auth_codes: HashMap<String, AuthCode>,
    pub access_tokens: HashMap<String, AccessToken>,
    /// Valid refresh tokens → user id. Only the latest one per user is kept.
    pub refresh_tokens: HashMap<String, i64>,
    pub notification_url: Option<String>,
    pub faults: Faults,
    pub deliveries: Vec<DeliveryRecord>,
    /// Every Mercado Libre API call received, in order (not `/_sim` nor the authorization pages).
    pub calls: Vec<CallRecord>,
    /// Lost notifications: `(received, topic, /missed_feeds record)`.
    pub missed: Vec<(DateTime<Utc>, String, serde_json::Value)>,
    /// Classifieds leads, oldest first.
    pub leads: Vec<Lead>,
    /// Calls the `/vis` endpoints may still answer before `quota exceeded`; `None` is no limit.
    pub leads_quota: Option<u32>,
    /// While set, `GET /orders/{id}/billing_info` answers 500: a billing read that fails while
    /// the order itself reads fine.
    pub billing_down: bool,
}

/// A question as stored.
#[derive(Debug, Clone)]
pub(crate) struct Question {
    pub id: i64,
    pub item_id: String,
    pub seller_id: i64,
    pub buyer_id: i64,
    pub text: String,
    pub status: &'static str,
    pub date_created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub answer: Option<Answer>,
}

/// The answer to a question.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub text: String,
    pub status: &'static str,
    pub date_created: DateTime<Utc>,
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub seller_id: i64,
    pub redirect_uri: String,
    /// `(code_challenge, code_challenge_method)` when the authorization request used PKCE.
    pub challenge: Option<(String, String)>,
    pub expires_at: Instant,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub user_id: i64,
    pub expires_at: Instant,
}

/// One notification POST attempt, as logged by the simulator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryRecord {
    /// The notification's `_id`.
    pub notification_id: String,
    /// The notification's `topic` (`questions`, `orders_v2`, `messages`, `post_purchase`, …).
    pub topic: String,
    /// The notification's `resource` (e.g. `/questions/13012345678`).
    pub resource: String,
    /// 1-based attempt number (the body's `attempts`).
    pub attempt: u32,
    /// HTTP status the callback answered, if it answered at all.
    pub status: Option<u16>,
    /// Why the attempt failed (non-2xx, slower than 500 ms, connection error), if it did.
    pub error: Option<String>,
}

/// One call to a Mercado Libre API route, as logged by the simulator: what fault tests count
/// (refreshes, answers sent, fetches per resource).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallRecord {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path without the query (e.g. `/questions/13012345678`).
    pub path: String,
    /// The HTTP status answered.
    pub status: u16,
    /// `grant_type` of a `POST /oauth/token` (`authorization_code`, `refresh_token`).
    pub grant_type: Option<String>,
    /// The fault injection answered (a 429 or 500) and the route never ran.
    pub injected: bool,
}

/// The `app_id` the seeded questions are said to be asked through (Mercado Libre's own site).
pub(crate) const MARKETPLACE_APP_ID: i64 = 4_940_658_286_372_946;

impl Shared {
    /// Locks the mutable state.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A listing, sold through Mercado Libre or classified.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.seed
            .items
            .iter()
            .chain(&self.seed.classifieds)
            .find(|i| i.id == id)
    }

    pub fn user(&self, id: i64) -> Option<&User> {
        self.seed
            .sellers
            .iter()
            .chain(self.seed.buyers.iter())
            .find(|u| u.id == id)
            .or_else(|| self.seed.history_buyers.get(&id))
    }

    /// Creates an UNANSWERED question (no notification; see `notify::question_asked`).
    pub fn insert_question(
        &self,
        item_id: &str,
        buyer_id: Option<i64>,
        text: &str,
        created: DateTime<Utc>,
    ) -> Result<Question, SimError> {
        let item = self
            .item(item_id)
            .ok_or_else(|| SimError::ItemNotFound(item_id.to_owned()))?;
        let len = text.chars().count();
        if len == 0 || len > 2000 {
            return Err(SimError::InvalidText);
        }
        let mut inner = self.lock();
        let buyer_id = pick_buyer(
            &self.seed,
            &mut inner.rng,
            item.site_id,
            item.seller_id,
            buyer_id,
        )?;
        let step = inner.rng.random_range(1..=97);
        inner.next_question_id += step;
        let question = Question {
            id: inner.next_question_id,
            item_id: item.id.clone(),
            seller_id: item.seller_id,
            buyer_id,
            text: text.to_owned(),
            status: "UNANSWERED",
            date_created: created,
            last_updated: created,
            answer: None,
        };
        inner.questions.insert(question.id, question.clone());
        Ok(question)
    }
}

/// `buyer_id` when it is a seeded buyer other than the seller; with `None`, a random seeded
/// buyer of `site_id` (of any site when the site has none).
pub(crate) fn pick_buyer(
    seed: &Seed,
    rng: &mut StdRng,
    site_id: &str,
    seller_id: i64,
    buyer_id: Option<i64>,
) -> Result<i64, SimError> {
    if let Some(id) = buyer_id {
        if id == seller_id {
            return Err(SimError::OwnItem);
        }
        return seed
            .buyers
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.id)
            .ok_or(SimError::BuyerNotFound(id));
    }
    let local: Vec<i64> = seed
        .buyers
        .iter()
        .filter(|b| b.site_id == site_id)
        .map(|b| b.id)
        .collect();
    let pool = if local.is_empty() {
        seed.buyers.iter().map(|b| b.id).collect()
    } else {
        local
    };
    if pool.is_empty() {
        return Err(SimError::BuyerNotFound(0));
    }
    let pick = rng.random_range(0..pool.len());
    pool.get(pick).copied().ok_or(SimError::BuyerNotFound(0))
}

/// Returns `n` random lowercase hex digits.
pub(crate) fn hex(rng: &mut StdRng, n: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..n)
        .map(|_| char::from(DIGITS[rng.random_range(0..16)]))
        .collect()
}

/// Mercado Libre's usual resource timestamp: milliseconds, offset `-04:00`.
pub(crate) fn meli_time(t: DateTime<Utc>) -> String {
    match FixedOffset::west_opt(4 * 3600) {
        Some(offset) => t
            .with_timezone(&offset)
            .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
            .to_string(),
        None => utc_time(t),
    }
}

/// Notification timestamp: UTC, milliseconds, `Z`.
pub(crate) fn utc_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Shared state handle type used by the routes.
pub(crate) type AppState = Arc<Shared>;
