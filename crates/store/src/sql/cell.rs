//! Values going in ([`Value`]) and coming out ([`Cell`], [`Row`]) of a statement, independent of
//! the backend. Every `Value` carries its type even when it is NULL, because PostgreSQL types
//! each parameter and a NULL of the wrong type is an error there.

use crate::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::sync::Arc;
use uuid::Uuid;

/// A statement argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Decimal(Option<Decimal>),
    Json(Option<serde_json::Value>),
    Uuid(Option<Uuid>),
}

macro_rules! value_from {
    ($variant:ident: $($t:ty => $conv:expr),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                #[allow(clippy::redundant_closure_call)]
                Value::$variant(Some(($conv)(v)))
            }
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Self {
                #[allow(clippy::redundant_closure_call)]
                Value::$variant(v.map($conv))
            }
        }
    )*};
}

value_from!(Int: i64 => |v| v, i32 => i64::from, u32 => i64::from);
value_from!(Text: String => |v| v, &str => str::to_string, &String => String::clone);
value_from!(Bytes: Vec<u8> => |v| v, &[u8] => <[u8]>::to_vec, &Vec<u8> => Vec::clone);
value_from!(Bool: bool => |v| v);
value_from!(Time: DateTime<Utc> => |v| v);
value_from!(Decimal: Decimal => |v| v);
value_from!(Json: serde_json::Value => |v| v, &serde_json::Value => serde_json::Value::clone);
value_from!(Uuid: Uuid => |v| v, domain::OrgId => |o: domain::OrgId| o.0);

macro_rules! int_ids {
    ($($t:ty),*) => {$(
        value_from!(Int: $t => |v: $t| v.0);
    )*};
}
int_ids!(
    domain::SellerId,
    domain::MeliUserId,
    domain::ConversationId,
    domain::MessageId,
    domain::PersonId,
    domain::JobId,
    domain::TeamId,
    domain::OrderId,
    domain::PackId,
    domain::ClaimId
);
value_from!(Text: &domain::ItemId => |v: &domain::ItemId| v.0.clone());

/// A value read back. Backends map their native types to the closest cell; the getters on
/// [`Row`] accept every encoding a backend uses for a type (SQLite's text timestamps, integer
/// booleans, text decimals and JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
    Time(DateTime<Utc>),
    Decimal(Decimal),
    Json(serde_json::Value),
    Uuid(Uuid),
}

/// One result row: column names (shared by the rows of one result) and cells.
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<[String]>,
    cells: Vec<Cell>,
}

fn corrupt(col: &str, want: &str, got: &Cell) -> StoreError {
    StoreError::Corrupt(format!("column {col}: expected {want}, found {got:?}"))
}

impl Row {
    pub fn new(columns: Arc<[String]>, cells: Vec<Cell>) -> Self {
        Row { columns, cells }
    }

    fn cell(&self, col: &str) -> StoreResult<&Cell> {
        self.columns
            .iter()
            .position(|c| c == col)
            .and_then(|i| self.cells.get(i))
            .ok_or_else(|| StoreError::Corrupt(format!("no column {col} in the result")))
    }

    pub fn opt_i64(&self, col: &str) -> StoreResult<Option<i64>> {
        match self.cell(col)? {
            Cell::Null => Ok(None),
            Cell::Int(v) => Ok(Some(*v)),
            other => Err(corrupt(col, "an integer", other)),
        }
    }

    pub fn i64(&self, col: &str) -> StoreResult<i64> {
        self.opt_i64(col)?
            .ok_or_else(|| corrupt(col, "an integer", &Cell::Null))
    }

    pub fn opt_text(&self, col: &str) -> StoreResult<Option<String>> {
        match self.cell(col)? {
            Cell::Null => Ok(None),
            Cell::Text(v) => Ok(Some(v.clone())),
            other => Err(corrupt(col, "text", other)),
        }
    }

    pub fn text(&self, col: &str) -> StoreResult<String> {
        self.opt_text(col)?
            .ok_or_else(|| corrupt(col, "text", &Cell::Null))
    }

    pub fn opt_bytes(&self, col: &str) -> StoreResult<Option<Vec<u8>>> {
        match self.cell(col)? {
            Cell::Null => Ok(None),
            Cell::Bytes(v) => Ok(Some(v.clone())),
            other => Err(corrupt(col, "bytes", other)),
        }
    }

    pub fn opt_bool(&self, col: &str) -> StoreResult<Option<bool>> {
        match self.cell(col)? {
            Cell::Null => Ok(None),
            _ => self.bool(col).map(Some),
        }
    }

    pub fn bool(&self, col: &str) -> StoreResult<bool> {
        match self.cell(col)? {
            Cell::Bool(v) => Ok(*v),
            Cell::Int(v) => Ok(*v != 0),
            other => Err(corrupt(col, "a boolean", other)),
        }
    }

    pub fn opt_time(&self, col: &str) -> StoreResult<Option<DateTime<Utc>>> {
        match self.cell(col)? {
            Cell::Null => Ok(None),
            Cell::Time(v) => Ok(Some(*v)),
            Cell::Text(s) => DateTime::parse_from_rfc3339(s)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|e| {
                    StoreError::Corrupt(format!("column {col}: bad timestamp {s:?}: {e}"))
                }),
            other => Err(corrupt(col, "a timestamp", other)),
        }
    }

    pub fn time(&self, col: &str) -> StoreResult<DateTime<Utc>> {
        self.opt_time(col)?
            .ok_or_else(|| corrupt(col, "a timestamp", &Cell::Null))
    }

    pub fn decimal(&self, col: &str) -> StoreResult<Decimal> {
        match self.cell(col)? {
            Cell::Decimal(v) => Ok(*v),
            Cell::Text(s) => s
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("column {col}: bad decimal {s:?}: {e}"))),
            Cell::Int(v) => Ok(Decimal::from(*v)),
            other => Err(corrupt(col, "a decimal", other)),
        }
    }

    pub fn opt_json(&self, col: &str) -> StoreResult<Option<serde_json::Value>> {
        match self.cell(col)? {
            Cell::Null => Ok(None),
            _ => self.json(col).map(Some),
        }
    }

    pub fn json(&self, col: &str) -> StoreResult<serde_json::Value> {
        match self.cell(col)? {
            Cell::Json(v) => Ok(v.clone()),
            Cell::Text(s) => serde_json::from_str(s)
                .map_err(|e| StoreError::Corrupt(format!("column {col}: bad JSON: {e}"))),
            other => Err(corrupt(col, "JSON", other)),
        }
    }

    pub fn opt_uuid(&self, col: &str) -> StoreResult<Option<Uuid>> {
        match self.cell(col)? {
            Cell::Null => Ok(None),
            Cell::Uuid(v) => Ok(Some(*v)),
            Cell::Text(s) => s
                .parse()
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("column {col}: bad uuid {s:?}: {e}"))),
            other => Err(corrupt(col, "a uuid", other)),
        }
    }

    pub fn uuid(&self, col: &str) -> StoreResult<Uuid> {
        self.opt_uuid(col)?
            .ok_or_else(|| corrupt(col, "a uuid", &Cell::Null))
    }

    pub fn org(&self, col: &str) -> StoreResult<domain::OrgId> {
        self.uuid(col).map(domain::OrgId)
    }

    pub fn opt_org(&self, col: &str) -> StoreResult<Option<domain::OrgId>> {
        Ok(self.opt_uuid(col)?.map(domain::OrgId))
    }

    /// A text column holding one of our enum words; an unknown word means the data was written
    /// by something we don't understand, which is corruption, not a backend failure.
    pub fn word<T>(&self, col: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
        crate::support::parse_word(col, &self.text(col)?, parse)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn row(cells: Vec<Cell>) -> Row {
        let columns: Vec<String> = (0..cells.len()).map(|i| format!("c{i}")).collect();
        Row::new(columns.into(), cells)
    }

    #[test]
    fn getters_accept_every_backend_encoding() {
        let r = row(vec![
            Cell::Text("2024-05-01T12:00:00.000001Z".into()),
            Cell::Int(1),
            Cell::Text("189.90".into()),
            Cell::Text("{\"a\":1}".into()),
            Cell::Text("0192f0f0-0000-7000-8000-000000000000".into()),
        ]);
        assert_eq!(r.time("c0").unwrap().timestamp_subsec_micros(), 1);
        assert!(r.bool("c1").unwrap());
        assert_eq!(r.decimal("c2").unwrap().to_string(), "189.90");
        assert_eq!(r.json("c3").unwrap()["a"], 1);
        assert!(r.uuid("c4").is_ok());
    }

    #[test]
    fn wrong_types_and_missing_columns_are_corruption_not_panics() {
        let r = row(vec![Cell::Text("x".into()), Cell::Null]);
        assert!(matches!(r.i64("c0"), Err(StoreError::Corrupt(_))));
        assert!(matches!(r.text("c1"), Err(StoreError::Corrupt(_))));
        assert!(matches!(r.time("c0"), Err(StoreError::Corrupt(_))));
        assert!(matches!(r.i64("nope"), Err(StoreError::Corrupt(_))));
        assert_eq!(r.opt_i64("c1").unwrap(), None);
    }

    #[test]
    fn nulls_keep_their_type() {
        assert_eq!(Value::from(None::<DateTime<Utc>>), Value::Time(None));
        assert_eq!(Value::from(Some("a")), Value::Text(Some("a".into())));
        assert_eq!(Value::from(domain::SellerId(7)), Value::Int(Some(7)));
    }
}
