//! Small rules both backends must apply identically, kept here so they cannot drift apart.

use crate::{StoreError, StoreResult};
use domain::MessageId;

/// The form an e-mail is compared in. Both backends store it in a unique column instead of
/// relying on SQL `lower()`, which on SQLite only folds ASCII (`Ñ` vs `ñ` would not collide).
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The form an organization's name is compared in (names are unique, ignoring case and the
/// spaces around them).
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The outbox job's payload with `"message_id"` set, as `queue_locked_reply` promises. A payload
/// that is not an object (the app always sends one) is kept under `"payload"` rather than lost.
pub fn with_message_id(payload: serde_json::Value, id: MessageId) -> serde_json::Value {
    let mut object = match payload {
        serde_json::Value::Object(map) => map,
        serde_json::Value::Null => serde_json::Map::new(),
        other => {
            let mut map = serde_json::Map::new();
            map.insert("payload".to_string(), other);
            map
        }
    };
    object.insert("message_id".to_string(), serde_json::Value::from(id.0));
    serde_json::Value::Object(object)
}

/// The `limit` of a conversation listing: 100 by default, never negative.
pub fn conversation_limit(limit: Option<i64>) -> i64 {
    limit.unwrap_or(100).max(0)
}

/// Reads one of our enum words back; an unknown word means the data was written by something we
/// don't understand, which is corruption, not a backend failure.
pub fn parse_word<T>(col: &str, s: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown {col} {s:?}")))
}

/// `NotFound` unless the statement touched a row.
pub fn expect_row(affected: u64, what: impl FnOnce() -> String) -> StoreResult<()> {
    if affected == 0 {
        Err(StoreError::NotFound(what()))
    } else {
        Ok(())
    }
}
