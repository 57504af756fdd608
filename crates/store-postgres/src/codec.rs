//! How neutral values are bound to PostgreSQL with their native types (TIMESTAMPTZ, NUMERIC,
//! JSONB, BYTEA, UUID) and read back, and how its errors become [`store::StoreError`]s.

use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Column, Postgres, Row as _, TypeInfo, ValueRef};
use std::sync::Arc;
use store::sql::{Args, Cell, Row, Value};
use store::{StoreError, StoreResult};

pub(crate) use store::sqlx_errors::db_err;

/// Every value is bound with its type, NULLs included: PostgreSQL types each parameter.
pub(crate) fn query(sql: &str, args: Args) -> sqlx::query::Query<'static, Postgres, PgArguments> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for value in args {
        q = match value {
            Value::Int(v) => q.bind(v),
            Value::Text(v) => q.bind(v),
            Value::Bytes(v) => q.bind(v),
            Value::Bool(v) => q.bind(v),
            Value::Time(v) => q.bind(v),
            Value::Decimal(v) => q.bind(v),
            Value::Json(v) => q.bind(v.map(sqlx::types::Json)),
            Value::Uuid(v) => q.bind(v),
        };
    }
    q
}

pub(crate) fn rows(rows: &[PgRow]) -> StoreResult<Vec<Row>> {
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

fn cell(row: &PgRow, i: usize) -> StoreResult<Cell> {
    let raw = row.try_get_raw(i).map_err(db_err)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let kind = raw.type_info().name().to_string();
    let get = |e: sqlx::Error| db_err(e);
    Ok(match kind.as_str() {
        "INT8" => Cell::Int(row.try_get::<i64, _>(i).map_err(get)?),
        "INT4" => Cell::Int(i64::from(row.try_get::<i32, _>(i).map_err(get)?)),
        "INT2" => Cell::Int(i64::from(row.try_get::<i16, _>(i).map_err(get)?)),
        "BOOL" => Cell::Bool(row.try_get(i).map_err(get)?),
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Cell::Text(row.try_get(i).map_err(get)?),
        "TIMESTAMPTZ" => Cell::Time(row.try_get(i).map_err(get)?),
        "NUMERIC" => Cell::Decimal(row.try_get(i).map_err(get)?),
        "JSONB" | "JSON" => Cell::Json(row.try_get(i).map_err(get)?),
        "BYTEA" => Cell::Bytes(row.try_get(i).map_err(get)?),
        "UUID" => Cell::Uuid(row.try_get(i).map_err(get)?),
        "FLOAT8" => Cell::Float(row.try_get(i).map_err(get)?),
        "FLOAT4" => Cell::Float(f64::from(row.try_get::<f32, _>(i).map_err(get)?)),
        other => {
            return Err(StoreError::Corrupt(format!(
                "column {i}: unexpected PostgreSQL type {other}"
            )));
        }
    })
}
