//! How rows come back from PostgreSQL and how its errors become [`store::StoreError`]s. Types map
//! natively (TIMESTAMPTZ, NUMERIC, JSONB, BYTEA), so decoding is mostly `try_get`; our enum
//! words are TEXT and are checked here.

use sqlx::Row;
use sqlx::postgres::PgRow;
use store::StoreResult;

pub(crate) fn get<'r, T>(row: &'r PgRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(col).map_err(db_err)
}

/// Reads a text column holding one of our enum words; an unknown word means the data was
/// written by something we don't understand, which is corruption, not a backend failure.
pub(crate) fn word<T>(row: &PgRow, col: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    let s: String = get(row, col)?;
    store::support::parse_word(col, &s, parse)
}

pub(crate) use store::sqlx_errors::{conflict_as, db_err};
pub(crate) use store::support::expect_row;
