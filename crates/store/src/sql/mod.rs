//! # The SQL both backends run, written once
//!
//! Every statement of Mostrador's storage lives in this module's children, as text both SQLite
//! and PostgreSQL accept (`$1` placeholders, `ON CONFLICT`, `RETURNING`, explicit timestamps).
//! A backend only provides a [`Driver`]: how to bind a [`Value`], how to read a row back into
//! [`Cell`]s, how to open a write transaction, and the few fragments where the dialects truly
//! differ ([`Dialect`]: the job claim, `FOR UPDATE`). Every storage trait is then implemented
//! once, for every driver, by the blanket impls in the children.
//!
//! Values cross the boundary in a neutral form so that the encodings stay the backend's business:
//! SQLite keeps timestamps as fixed-width text and money as decimal text, PostgreSQL uses
//! TIMESTAMPTZ and NUMERIC; both read back into the same [`Cell`] getters.

pub(crate) mod catalog;
mod cell;
pub(crate) mod commerce;
pub(crate) mod connections;
pub(crate) mod contacts;
pub(crate) mod conversations;
pub(crate) mod coordination;
pub mod figures;
pub mod intake;
pub(crate) mod intake_batch;
pub(crate) mod order_sync;
pub(crate) mod people;
pub(crate) mod teams;

pub use cell::{Cell, Row, Value};

use crate::StoreResult;
use async_trait::async_trait;

/// The arguments of one statement, in `$1, $2, …` order.
pub type Args = Vec<Value>;

/// Builds [`Args`] from anything convertible to a [`Value`].
#[macro_export]
macro_rules! args {
    ($($value:expr),* $(,)?) => { vec![$($crate::sql::Value::from($value)),*] };
}
pub use args;

/// Which SQL dialect a driver speaks, for the fragments that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Row locks for read-then-write transactions. SQLite's write transactions already hold the
    /// database-wide write lock from their first statement (`BEGIN IMMEDIATE`).
    pub fn for_update(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }
}

/// Runs statements: a pooled connection or an open transaction.
#[async_trait]
pub trait Exec: Send {
    async fn fetch(&mut self, sql: &str, args: Args) -> StoreResult<Vec<Row>>;
    /// Rows affected.
    async fn execute(&mut self, sql: &str, args: Args) -> StoreResult<u64>;

    async fn fetch_optional(&mut self, sql: &str, args: Args) -> StoreResult<Option<Row>> {
        Ok(self.fetch(sql, args).await?.into_iter().next())
    }
}

/// A write transaction. Dropping it without [`Tx::commit`] rolls it back.
#[async_trait]
pub trait Tx: Exec {
    async fn commit(self) -> StoreResult<()>;
}

/// What a backend provides; everything else is shared.
#[async_trait]
pub trait Driver: Send + Sync + 'static {
    type Tx: Tx;

    fn dialect(&self) -> Dialect;

    /// A read outside any transaction (SQLite sends it to its read-only pool).
    async fn read(&self, sql: &str, args: Args) -> StoreResult<Vec<Row>>;

    /// One write statement in its own implicit transaction; returns its rows (`RETURNING`).
    async fn write(&self, sql: &str, args: Args) -> StoreResult<Vec<Row>>;

    /// One write statement; returns the rows it affected.
    async fn write_count(&self, sql: &str, args: Args) -> StoreResult<u64>;

    /// A write transaction (on SQLite it takes the write lock at once).
    async fn begin(&self) -> StoreResult<Self::Tx>;

    /// The job-claim statement (see [`intake`]), the one place the dialects' locking differs. It
    /// takes `$1` now, `$2` lease end, `$3` claim id, `$4` updated-at; the store appends
    /// `RETURNING` with the job's columns, so no other table in it may have those names.
    fn claim_sql(&self) -> &'static str;

    /// The channel [`crate::Signals`] go out on, where signals cross processes (PostgreSQL);
    /// `None` elsewhere.
    fn signal_channel(&self) -> Option<&str> {
        None
    }

    /// A listener on [`Driver::signal_channel`], with a connection of its own.
    async fn signal_listener(&self) -> StoreResult<Option<Box<dyn crate::SignalListener>>> {
        Ok(None)
    }

    async fn read_optional(&self, sql: &str, args: Args) -> StoreResult<Option<Row>> {
        Ok(self.read(sql, args).await?.into_iter().next())
    }

    async fn write_one(&self, sql: &str, args: Args) -> StoreResult<Row> {
        self.write(sql, args)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| crate::StoreError::Backend("the statement returned no row".into()))
    }
}

/// Reading rows straight into the type they hold.
pub trait ReadAs: Driver {
    /// The first row read, as `T`.
    fn read_as<T: Send>(
        &self,
        sql: &str,
        args: Args,
        as_t: fn(&Row) -> StoreResult<T>,
    ) -> impl std::future::Future<Output = StoreResult<Option<T>>> + Send {
        async move {
            self.read_optional(sql, args)
                .await?
                .as_ref()
                .map(as_t)
                .transpose()
        }
    }

    /// Every row read, as `T`.
    fn read_all_as<T: Send>(
        &self,
        sql: &str,
        args: Args,
        as_t: fn(&Row) -> StoreResult<T>,
    ) -> impl std::future::Future<Output = StoreResult<Vec<T>>> + Send {
        async move { self.read(sql, args).await?.iter().map(as_t).collect() }
    }
}

impl<D: Driver> ReadAs for D {}
