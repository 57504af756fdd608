//! How neutral values are bound to SQLite and read back, and how its errors become
//! [`store::StoreError`]s. Everything that knows about SQLite's text encodings lives here.

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Column, Row as _, Sqlite, TypeInfo, ValueRef};
use std::sync::Arc;
use store::sql::{Args, Cell, Row, Value};
use store::{StoreError, StoreResult};

pub(crate) use store::sqlx_errors::db_err;

/// Fixed width (always six fractional digits, always `Z`) so that comparing the strings in SQL
/// compares the instants.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn query(sql: &str, args: Args) -> sqlx::query::Query<'static, Sqlite, SqliteArguments> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for value in args {
        q = match value {
            Value::Int(v) => q.bind(v),
            Value::Text(v) => q.bind(v),
            Value::Bytes(v) => q.bind(v),
            Value::Bool(v) => q.bind(v),
            Value::Time(v) => q.bind(v.map(ts)),
            // The exact decimal text: `Decimal`'s Display keeps its scale (12345678.90 stays .90).
            Value::Decimal(v) => q.bind(v.map(|d| d.to_string())),
            Value::Json(v) => q.bind(v.map(|j| j.to_string())),
            Value::Uuid(v) => q.bind(v.map(|u| u.hyphenated().to_string())),
        };
    }
    q
}

/// Reads rows by each value's own storage class (SQLite types values, not columns).
pub(crate) fn rows(rows: &[SqliteRow]) -> StoreResult<Vec<Row>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let columns: Arc<[String]> = first
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    rows.iter()
        .map(|row| {
            let cells = (0..columns.len())
                .map(|i| cell(row, i))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Row::new(columns.clone(), cells))
        })
        .collect()
}

fn cell(row: &SqliteRow, i: usize) -> StoreResult<Cell> {
    let raw = row.try_get_raw(i).map_err(db_err)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let kind = raw.type_info().name().to_string();
    Ok(match kind.as_str() {
        "INTEGER" | "BOOLEAN" => Cell::Int(row.try_get_unchecked(i).map_err(db_err)?),
        "REAL" => Cell::Float(row.try_get_unchecked(i).map_err(db_err)?),
        "BLOB" => Cell::Bytes(row.try_get_unchecked(i).map_err(db_err)?),
        "TEXT" | "DATETIME" | "DATE" | "TIME" | "NUMERIC" => {
            Cell::Text(row.try_get_unchecked(i).map_err(db_err)?)
        }
        other => {
            return Err(StoreError::Corrupt(format!(
                "column {i}: unexpected SQLite type {other}"
            )));
        }
    })
}
