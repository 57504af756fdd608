//! The [`Driver`] of every sqlx-based backend, written once. A backend says how a neutral
//! [`Value`] binds and how each of its native types reads back ([`Codec`]), and hands over its
//! pools and the few statements that differ ([`SqlxPools`]); running statements, reading rows
//! and transactions are the same code for SQLite and PostgreSQL.

use crate::sql::{Args, Cell, Dialect, Driver, Exec, Row, Tx, Value};
use crate::sqlx_errors::db_err;
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use sqlx::{
    Column, ColumnIndex, Database, Executor, IntoArguments, Pool, Row as _, TypeInfo, ValueRef,
};
use std::sync::Arc;

pub type Query<DB> = sqlx::query::Query<'static, DB, <DB as Database>::Arguments>;

/// How one database's native types meet the neutral ones.
pub trait Codec: Send + Sync + 'static {
    type DB: Database;
    /// Binds `value` with the type the database expects (NULLs typed too).
    fn bind(q: Query<Self::DB>, value: Value) -> Query<Self::DB>;
    /// Reads the non-NULL value at `i`, whose type the database names `kind` (SQLite types
    /// values, PostgreSQL columns); `None` for a type we never store.
    fn cell(
        row: &<Self::DB as Database>::Row,
        i: usize,
        kind: &str,
    ) -> Result<Option<Cell>, sqlx::Error>;
    fn affected(done: &<Self::DB as Database>::QueryResult) -> u64;
}

/// What a sqlx backend hands over: its pools and its dialect's own statements.
pub trait SqlxPools: Send + Sync + 'static {
    type Codec: Codec;
    const DIALECT: Dialect;
    /// The job claim (see [`Driver::claim_sql`]).
    const CLAIM_SQL: &'static str;
    /// The statement that opens a write transaction, when not the database's default.
    const BEGIN: Option<&'static str>;
    fn reader(&self) -> &Pool<<Self::Codec as Codec>::DB>;
    fn writer(&self) -> &Pool<<Self::Codec as Codec>::DB>;

    /// See [`Driver::signal_channel`].
    fn signal_channel(&self) -> Option<&str> {
        None
    }

    /// See [`Driver::signal_listener`].
    fn signal_listener(
        &self,
    ) -> impl std::future::Future<Output = StoreResult<Option<Box<dyn crate::SignalListener>>>> + Send
    {
        async { Ok(None) }
    }

    /// Closes the pools, waiting for connections in use to be returned (on SQLite this also
    /// checkpoints the WAL, which tests that reopen a file rely on).
    fn close(&self) -> impl std::future::Future<Output = ()> + Send {
        async move {
            self.reader().close().await;
            self.writer().close().await;
        }
    }
}

/// Binds a [`Value`]: the types every sqlx database binds natively are handled here once, the
/// backend's arms cover the rest (`Time`, `Decimal`, `Json`, `Uuid`).
#[macro_export]
macro_rules! bind_value {
    ($query:expr, $value:expr, $($pattern:pat => $arm:expr),+ $(,)?) => {
        match $value {
            $crate::sql::Value::Int(v) => $query.bind(v),
            $crate::sql::Value::Text(v) => $query.bind(v),
            $crate::sql::Value::Bytes(v) => $query.bind(v),
            $crate::sql::Value::Bool(v) => $query.bind(v),
            $($pattern => $arm),+
        }
    };
}

/// How a failed migration is reported by every backend.
pub fn migration_failed(e: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::Backend(format!("migration failed: {e}"))
}

pub fn query<C: Codec>(sql: &str, args: Args) -> Query<C::DB> {
    args.into_iter()
        .fold(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())), C::bind)
}

fn rows<C: Codec>(found: &[<C::DB as Database>::Row]) -> StoreResult<Vec<Row>>
where
    usize: ColumnIndex<<C::DB as Database>::Row>,
{
    let Some(first) = found.first() else {
        return Ok(Vec::new());
    };
    let columns: Arc<[String]> = first
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    found
        .iter()
        .map(|row| {
            let cells = (0..columns.len())
                .map(|i| cell::<C>(row, i))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Row::new(columns.clone(), cells))
        })
        .collect()
}

fn cell<C: Codec>(row: &<C::DB as Database>::Row, i: usize) -> StoreResult<Cell>
where
    usize: ColumnIndex<<C::DB as Database>::Row>,
{
    let raw = row.try_get_raw(i).map_err(db_err)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let kind = raw.type_info().name().to_string();
    C::cell(row, i, &kind)
        .map_err(db_err)?
        .ok_or_else(|| StoreError::Corrupt(format!("column {i}: unexpected type {kind}")))
}

async fn fetch<'c, C, E>(ex: E, sql: &str, args: Args) -> StoreResult<Vec<Row>>
where
    C: Codec,
    <C::DB as Database>::Arguments: IntoArguments<C::DB>,
    usize: ColumnIndex<<C::DB as Database>::Row>,
    E: Executor<'c, Database = C::DB>,
{
    let found = query::<C>(sql, args).fetch_all(ex).await.map_err(db_err)?;
    rows::<C>(&found)
}

async fn execute<'c, C, E>(ex: E, sql: &str, args: Args) -> StoreResult<u64>
where
    C: Codec,
    <C::DB as Database>::Arguments: IntoArguments<C::DB>,
    E: Executor<'c, Database = C::DB>,
{
    let done = query::<C>(sql, args).execute(ex).await.map_err(db_err)?;
    Ok(C::affected(&done))
}

/// A write transaction of a sqlx backend.
pub struct SqlxTx<C: Codec>(sqlx::Transaction<'static, C::DB>);

#[async_trait]
impl<C> Exec for SqlxTx<C>
where
    C: Codec,
    <C::DB as Database>::Arguments: IntoArguments<C::DB>,
    usize: ColumnIndex<<C::DB as Database>::Row>,
    for<'c> &'c mut <C::DB as Database>::Connection: Executor<'c, Database = C::DB>,
{
    async fn fetch(&mut self, sql: &str, args: Args) -> StoreResult<Vec<Row>> {
        fetch::<C, _>(&mut *self.0, sql, args).await
    }

    async fn execute(&mut self, sql: &str, args: Args) -> StoreResult<u64> {
        execute::<C, _>(&mut *self.0, sql, args).await
    }
}

#[async_trait]
impl<C> Tx for SqlxTx<C>
where
    C: Codec,
    <C::DB as Database>::Arguments: IntoArguments<C::DB>,
    usize: ColumnIndex<<C::DB as Database>::Row>,
    for<'c> &'c mut <C::DB as Database>::Connection: Executor<'c, Database = C::DB>,
{
    async fn commit(self) -> StoreResult<()> {
        self.0.commit().await.map_err(db_err)
    }
}

#[async_trait]
impl<P> Driver for P
where
    P: SqlxPools,
    <<P::Codec as Codec>::DB as Database>::Arguments: IntoArguments<<P::Codec as Codec>::DB>,
    usize: ColumnIndex<<<P::Codec as Codec>::DB as Database>::Row>,
    for<'c> &'c mut <<P::Codec as Codec>::DB as Database>::Connection:
        Executor<'c, Database = <P::Codec as Codec>::DB>,
    for<'c> &'c Pool<<P::Codec as Codec>::DB>: Executor<'c, Database = <P::Codec as Codec>::DB>,
{
    type Tx = SqlxTx<P::Codec>;

    fn dialect(&self) -> Dialect {
        P::DIALECT
    }

    async fn read(&self, sql: &str, args: Args) -> StoreResult<Vec<Row>> {
        fetch::<P::Codec, _>(self.reader(), sql, args).await
    }

    async fn write(&self, sql: &str, args: Args) -> StoreResult<Vec<Row>> {
        fetch::<P::Codec, _>(self.writer(), sql, args).await
    }

    async fn write_count(&self, sql: &str, args: Args) -> StoreResult<u64> {
        execute::<P::Codec, _>(self.writer(), sql, args).await
    }

    async fn begin(&self) -> StoreResult<Self::Tx> {
        let tx = match P::BEGIN {
            Some(begin) => self.writer().begin_with(begin).await,
            None => self.writer().begin().await,
        };
        tx.map(SqlxTx).map_err(db_err)
    }

    fn claim_sql(&self) -> &'static str {
        P::CLAIM_SQL
    }

    fn signal_channel(&self) -> Option<&str> {
        <P as SqlxPools>::signal_channel(self)
    }

    async fn signal_listener(&self) -> StoreResult<Option<Box<dyn crate::SignalListener>>> {
        <P as SqlxPools>::signal_listener(self).await
    }
}
