//! How rows come back from PostgreSQL and how its errors become [`StoreError`]s. Types map
//! natively (TIMESTAMPTZ, NUMERIC, JSONB, BYTEA), so decoding is mostly `try_get`; our enum
//! words are TEXT and are checked here.

use sqlx::Row;
use sqlx::error::ErrorKind;
use sqlx::postgres::PgRow;
use store::{StoreError, StoreResult};

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
    parse(&s).ok_or_else(|| StoreError::Corrupt(format!("unknown {col} {s:?}")))
}

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) => match d.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(d.message().to_string()),
            ErrorKind::ForeignKeyViolation => {
                StoreError::NotFound(format!("referenced row missing: {}", d.message()))
            }
            _ => StoreError::Backend(e.to_string()),
        },
        sqlx::Error::RowNotFound => StoreError::NotFound("row".to_string()),
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::TypeNotFound { .. } => StoreError::Corrupt(e.to_string()),
        _ => StoreError::Backend(e.to_string()),
    }
}

/// Like [`db_err`], but names the business conflict instead of echoing the constraint text.
pub(crate) fn conflict_as(code: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match db_err(e) {
        StoreError::Conflict(_) => StoreError::Conflict(code.to_string()),
        other => other,
    }
}

/// `NotFound` unless the statement touched a row.
pub(crate) fn expect_row(affected: u64, what: impl FnOnce() -> String) -> StoreResult<()> {
    if affected == 0 {
        Err(StoreError::NotFound(what()))
    } else {
        Ok(())
    }
}
