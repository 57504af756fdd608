//! Helpers for test suites that run against a real PostgreSQL (this crate's conformance tests,
//! and the app's). Each test gets its own schema, so tests run in parallel on one database and
//! never see each other's rows.
//!
//! A missing database must never look like a pass: without [`PG_URL_VAR`], tests fail, saying how
//! to run or skip them. They skip only when [`SKIP_VAR`]`=1` says so, and then each skip is printed.

use crate::PgStore;
use store::sqlx_driver::SqlxPools;

/// The database the PostgreSQL tests use, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const PG_URL_VAR: &str = "MOSTRADOR_TEST_PG_URL";
/// Set to `1` to skip the PostgreSQL tests (each prints a `SKIPPED:` line), with or without
/// [`PG_URL_VAR`].
pub const SKIP_VAR: &str = "MOSTRADOR_SKIP_POSTGRES";

/// The test database URL, or `None` when the caller should skip the test.
///
/// - [`SKIP_VAR`] is `1`: prints a `SKIPPED:` line and returns `None`.
/// - otherwise [`PG_URL_VAR`] set (non-empty): `Some(url)`.
/// - otherwise: panics, failing the test with instructions to run it or skip it.
pub fn pg_url_or_skip() -> Option<String> {
    if std::env::var(SKIP_VAR).is_ok_and(|v| v.trim() == "1") {
        let message = format!("PostgreSQL test ({SKIP_VAR}=1)");
        // Both streams: libtest captures stdout of passing tests, stderr shows with --nocapture.
        println!("SKIPPED: {message}");
        eprintln!("SKIPPED: {message}");
        return None;
    }
    match std::env::var(PG_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => panic!(
            "no PostgreSQL to test against: set {PG_URL_VAR}=postgres://postgres@127.0.0.1:5432/test \
             to run against PostgreSQL, or {SKIP_VAR}=1 to skip"
        ),
    }
}

/// A migrated store in a new, uniquely named schema of the database at `url`. Panics on failure:
/// it is for tests, where that is the failure report.
pub async fn fresh_test_store(url: &str) -> PgStore {
    let schema = format!("test_{}", uuid::Uuid::new_v4().simple());
    match PgStore::connect_with_schema(url, &schema).await {
        Ok(store) => store,
        Err(e) => panic!("cannot open a test schema on {url}: {e}"),
    }
}

/// Drops the store's schema (tables, migrations record and all) and closes its pool. Tests call
/// it at the end; a failed test leaves its schema behind for inspection.
pub async fn discard_test_store(store: PgStore) {
    if let Some(schema) = store.schema() {
        let drop = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
        if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(drop))
            .execute(&store.pool)
            .await
        {
            panic!("cannot drop test schema {schema}: {e}");
        }
    }
    store.close().await;
}
