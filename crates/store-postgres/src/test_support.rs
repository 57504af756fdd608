//! Helpers for test suites that run against a real PostgreSQL (this crate's conformance tests,
//! and the app's). Each test gets its own schema, so tests run in parallel on one database and
//! never see each other's rows.
//!
//! A missing database must never look like a pass: without [`PG_URL_VAR`], tests fail unless
//! [`ALLOW_SKIP_VAR`]`=1` explicitly allows skipping, and then every skip is printed.

use crate::PgStore;
use store::sqlx_driver::SqlxPools;

/// The database the PostgreSQL tests use, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const PG_URL_VAR: &str = "MOSTRADOR_TEST_PG_URL";
/// Set to `1` to let PostgreSQL tests skip (loudly) when [`PG_URL_VAR`] is unset.
pub const ALLOW_SKIP_VAR: &str = "MOSTRADOR_ALLOW_PG_SKIP";

/// The test database URL, or `None` when the caller should skip the test.
///
/// - [`PG_URL_VAR`] set (non-empty): `Some(url)`.
/// - unset, and [`ALLOW_SKIP_VAR`] is `1`: prints a `SKIPPED:` line and returns `None`.
/// - unset otherwise: panics, failing the test with instructions.
pub fn pg_url_or_skip() -> Option<String> {
    if let Some(url) = std::env::var(PG_URL_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        return Some(url);
    }
    let message = format!(
        "PostgreSQL suite — set {PG_URL_VAR}=postgres://postgres@127.0.0.1:5432/test to run it"
    );
    if std::env::var(ALLOW_SKIP_VAR).is_ok_and(|v| v.trim() == "1") {
        // Both streams: libtest captures stdout of passing tests, stderr shows with --nocapture.
        println!("SKIPPED: {message}");
        eprintln!("SKIPPED: {message}");
        None
    } else {
        panic!("{message} (or set {ALLOW_SKIP_VAR}=1 to skip it explicitly)");
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
