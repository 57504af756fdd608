//! How neutral values are bound to PostgreSQL with their native types (TIMESTAMPTZ, NUMERIC,
//! JSONB, BYTEA, UUID) and read back.

use sqlx::Row as _;
use sqlx::postgres::{PgQueryResult, PgRow, Postgres};
use store::sql::{Cell, Value};
use store::sqlx_driver::{Codec, Query};

pub(crate) use store::sqlx_errors::db_err;

pub struct PgCodec;

impl Codec for PgCodec {
    type DB = Postgres;

    /// Every value is bound with its type, NULLs included: PostgreSQL types each parameter.
    fn bind(q: Query<Postgres>, value: Value) -> Query<Postgres> {
        store::bind_value!(q, value,
            Value::Time(t) => q.bind(t),
            Value::Decimal(d) => q.bind(d),
            Value::Json(j) => q.bind(j.map(sqlx::types::Json)),
            Value::Uuid(u) => q.bind(u),
        )
    }

    fn cell(row: &PgRow, i: usize, kind: &str) -> Result<Option<Cell>, sqlx::Error> {
        Ok(Some(match kind {
            "INT8" => Cell::Int(row.try_get(i)?),
            "INT4" => Cell::Int(i64::from(row.try_get::<i32, _>(i)?)),
            "INT2" => Cell::Int(i64::from(row.try_get::<i16, _>(i)?)),
            "BOOL" => Cell::Bool(row.try_get(i)?),
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Cell::Text(row.try_get(i)?),
            "TIMESTAMPTZ" => Cell::Time(row.try_get(i)?),
            "NUMERIC" => Cell::Decimal(row.try_get(i)?),
            "JSONB" | "JSON" => Cell::Json(row.try_get(i)?),
            "BYTEA" => Cell::Bytes(row.try_get(i)?),
            "UUID" => Cell::Uuid(row.try_get(i)?),
            "FLOAT8" => Cell::Float(row.try_get(i)?),
            _ => return Ok(None),
        }))
    }

    fn affected(done: &PgQueryResult) -> u64 {
        done.rows_affected()
    }
}
