//! How values are written to and read back from SQLite, and how its errors become
//! [`store::StoreError`]s. Everything that knows about the text encodings lives here.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use store::{StoreError, StoreResult};

/// Fixed width (always six fractional digits, always `Z`) so that comparing the strings in SQL
/// compares the instants.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn now() -> String {
    ts(Utc::now())
}

pub(crate) fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("bad timestamp {s:?}: {e}")))
}

pub(crate) fn time(row: &SqliteRow, col: &str) -> StoreResult<DateTime<Utc>> {
    let s: String = row.try_get(col).map_err(db_err)?;
    parse_ts(&s)
}

pub(crate) fn opt_time(row: &SqliteRow, col: &str) -> StoreResult<Option<DateTime<Utc>>> {
    let s: Option<String> = row.try_get(col).map_err(db_err)?;
    s.as_deref().map(parse_ts).transpose()
}

pub(crate) fn json(row: &SqliteRow, col: &str) -> StoreResult<serde_json::Value> {
    let s: String = row.try_get(col).map_err(db_err)?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("bad JSON in {col}: {e}")))
}

pub(crate) fn to_json(v: &serde_json::Value) -> String {
    // Serialising a `Value` cannot fail (its map keys are always strings).
    v.to_string()
}

pub(crate) fn get<'r, T>(row: &'r SqliteRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(col).map_err(db_err)
}

/// Reads a text column holding one of our enum words; an unknown word means the data was
/// written by something we don't understand, which is corruption, not a backend failure.
pub(crate) fn word<T>(row: &SqliteRow, col: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    let s: String = get(row, col)?;
    store::support::parse_word(col, &s, parse)
}

pub(crate) use store::sqlx_errors::{conflict_as, db_err};
pub(crate) use store::support::expect_row;
