//! Per-store slowdown. When Mercado Libre answers 429 for a store, every job of that store waits
//! out the pause (honouring `Retry-After`) instead of calling again at once: the queue slows down
//! for that store and keeps going for the others, and no work is dropped (waiting jobs do not use
//! up attempts). The pause is shared through the database (`meli_pauses`, scope `seller:<id>`),
//! so every instance respects a 429 any of them met; [`Throttle`] keeps this process's copy so
//! a paused store costs no query until its pause ends.

use crate::state::AppState;
use chrono::Utc;
use domain::SellerId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a store pauses after a 429 that names no `Retry-After`.
pub const DEFAULT_PAUSE: Duration = Duration::from_secs(10);
/// Longer pauses than this are not trusted.
const MAX_PAUSE: Duration = Duration::from_secs(600);

/// The shared pause's scope for one store's calls.
pub fn scope(seller: SellerId) -> String {
    format!("seller:{seller}")
}

/// How long `seller` still has to wait, after a 429 met here or by any other instance. A database
/// that cannot be read pauses nothing: the job's own calls will meet whatever Mercado Libre says.
pub async fn remaining(state: &AppState, seller: SellerId) -> Option<Duration> {
    if let Some(wait) = state.throttle.remaining(seller) {
        return Some(wait);
    }
    let now = Utc::now();
    match state.store.meli_pause(&scope(seller), now).await {
        Ok(Some(until)) => {
            let wait = (until - now).to_std().ok()?.min(MAX_PAUSE);
            state.throttle.pause(seller, Some(wait));
            Some(wait)
        }
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(seller.id = %seller, error = %e, "could not read the shared 429 pause");
            None
        }
    }
}

/// Mercado Libre answered 429 for `seller`: pause its calls here and, through the database,
/// everywhere.
pub async fn pause(state: &AppState, seller: SellerId, retry_after: Option<Duration>) {
    let wait = retry_after.unwrap_or(DEFAULT_PAUSE).min(MAX_PAUSE);
    state.throttle.pause(seller, Some(wait));
    crate::telemetry::meli_paused();
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(10));
    if let Err(e) = state.store.pause_meli(&scope(seller), until, now).await {
        // This process still waits; others learn of the 429 from their own calls.
        tracing::warn!(seller.id = %seller, error = %e, "could not share the 429 pause");
    }
}

#[derive(Default)]
pub struct Throttle {
    paused_until: Mutex<HashMap<SellerId, Instant>>,
}

impl Throttle {
    pub fn pause(&self, seller: SellerId, retry_after: Option<Duration>) {
        let until = Instant::now() + retry_after.unwrap_or(DEFAULT_PAUSE).min(MAX_PAUSE);
        let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        let entry = paused.entry(seller).or_insert(until);
        *entry = (*entry).max(until);
    }

    /// How long the store still has to wait, if it is paused.
    pub fn remaining(&self, seller: SellerId) -> Option<Duration> {
        let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match paused.get(&seller) {
            Some(until) if *until > now => Some(*until - now),
            Some(_) => {
                paused.remove(&seller);
                None
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_one_store_for_the_longest_asked_time() {
        let t = Throttle::default();
        assert_eq!(t.remaining(SellerId(1)), None);
        t.pause(SellerId(1), Some(Duration::from_secs(30)));
        t.pause(SellerId(1), Some(Duration::from_secs(5)));
        assert!(
            t.remaining(SellerId(1))
                .is_some_and(|d| d > Duration::from_secs(25))
        );
        assert_eq!(t.remaining(SellerId(2)), None, "other stores keep going");
        t.pause(SellerId(3), Some(Duration::from_secs(86_400)));
        assert!(t.remaining(SellerId(3)).is_some_and(|d| d <= MAX_PAUSE));
    }
}
