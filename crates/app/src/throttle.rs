//! Per-store slowdown. When Mercado Libre answers 429 for a store, every job of that store waits
//! out the pause (honouring `Retry-After`) instead of calling again at once: the queue slows down
//! for that store and keeps going for the others, and no work is dropped (waiting jobs do not use
//! up attempts). The pause is per process; each worker process learns it from its own 429.

use domain::SellerId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a store pauses after a 429 that names no `Retry-After`.
pub const DEFAULT_PAUSE: Duration = Duration::from_secs(10);
/// Longer pauses than this are not trusted.
const MAX_PAUSE: Duration = Duration::from_secs(600);

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
