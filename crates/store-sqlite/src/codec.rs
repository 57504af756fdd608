//! How neutral values are bound to SQLite and read back. Everything that knows about SQLite's
//! text encodings lives here.

use chrono::{DateTime, Utc};
use sqlx::Row as _;
use sqlx::sqlite::{Sqlite, SqliteQueryResult, SqliteRow};
use store::sql::{Cell, Value};
use store::sqlx_driver::{Codec, Query};

pub(crate) use store::sqlx_errors::db_err;

/// Fixed width (always six fractional digits, always `Z`) so that comparing the strings in SQL
/// compares the instants.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub struct SqliteCodec;

impl Codec for SqliteCodec {
    type DB = Sqlite;

    fn bind(q: Query<Sqlite>, value: Value) -> Query<Sqlite> {
        // Text for what SQLite has no type for. The exact decimal text: `Decimal`'s Display keeps
        // its scale (12345678.90 stays .90).
        store::bind_value!(q, value,
            Value::Time(t) => q.bind(t.map(ts)),
            Value::Decimal(d) => q.bind(d.map(|d| d.to_string())),
            Value::Json(j) => q.bind(j.map(|j| j.to_string())),
            Value::Uuid(u) => q.bind(u.map(|u| u.hyphenated().to_string())),
        )
    }

    /// By each value's own storage class: SQLite types values, not columns.
    fn cell(row: &SqliteRow, i: usize, kind: &str) -> Result<Option<Cell>, sqlx::Error> {
        Ok(Some(match kind {
            "INTEGER" | "BOOLEAN" => Cell::Int(row.try_get_unchecked(i)?),
            "REAL" => Cell::Float(row.try_get_unchecked(i)?),
            "BLOB" => Cell::Bytes(row.try_get_unchecked(i)?),
            "TEXT" | "DATETIME" | "DATE" | "TIME" | "NUMERIC" => {
                Cell::Text(row.try_get_unchecked(i)?)
            }
            _ => return Ok(None),
        }))
    }

    fn affected(done: &SqliteQueryResult) -> u64 {
        done.rows_affected()
    }
}
