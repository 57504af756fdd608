//! The shared conformance suite on PostgreSQL, one fresh schema per test. Needs
//! `MOSTRADOR_TEST_PG_URL`; see `store_postgres::test_support` for the skip rules.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use store::prelude::*;
use store::sqlx_driver::SqlxPools;
use store_postgres::test_support::{discard_test_store, fresh_test_store, pg_url_or_skip};

store::conformance_tests!(
    maybe: async {
        match pg_url_or_skip() {
            Some(url) => Some(fresh_test_store(&url).await),
            None => None,
        }
    },
    finish: discard_test_store
);
store::conformance_contacts_tests!(
    maybe: async {
        match pg_url_or_skip() {
            Some(url) => Some(fresh_test_store(&url).await),
            None => None,
        }
    },
    finish: discard_test_store
);

mod intake {
    use super::*;
    store::conformance_intake_tests!(
        maybe: async {
            match pg_url_or_skip() {
                Some(url) => Some(fresh_test_store(&url).await),
                None => None,
            }
        },
        finish: discard_test_store
    );
}

mod coordination {
    use super::*;
    store::conformance_coordination_tests!(
        maybe: async {
            match pg_url_or_skip() {
                Some(url) => Some(fresh_test_store(&url).await),
                None => None,
            }
        },
        finish: discard_test_store
    );
}

#[tokio::test]
async fn schemas_isolate_stores_and_migrations_are_idempotent() {
    let Some(url) = pg_url_or_skip() else { return };
    let a = fresh_test_store(&url).await;
    let b = fresh_test_store(&url).await;
    store::conformance::people_email_is_unique_case_insensitively(&a).await;
    assert_eq!(
        b.count_people().await.unwrap(),
        0,
        "b's schema has its own tables"
    );
    a.migrate().await.unwrap();
    assert_eq!(a.backend(), "postgres");

    // Reconnecting to an existing schema finds its data.
    let schema = a.schema().unwrap().to_string();
    let again = store_postgres::PgStore::connect_with_schema(&url, &schema)
        .await
        .unwrap();
    assert_eq!(again.count_people().await.unwrap(), 2);
    again.close().await;
    discard_test_store(a).await;
    discard_test_store(b).await;
}

#[tokio::test]
async fn schema_names_are_validated() {
    let Some(url) = pg_url_or_skip() else { return };
    let bad = store_postgres::PgStore::connect_with_schema(&url, "x; DROP TABLE y").await;
    assert!(bad.is_err());
}

mod order_sync {
    use super::*;
    store::order_sync_conformance_tests!(
        maybe: async {
            match pg_url_or_skip() {
                Some(url) => Some(fresh_test_store(&url).await),
                None => None,
            }
        },
        finish: discard_test_store
    );
}

mod figures {
    use store_postgres::test_support::{discard_test_store, fresh_test_store, pg_url_or_skip};
    store::conformance_figures_tests!(
        maybe: async {
            match pg_url_or_skip() {
                Some(url) => Some(fresh_test_store(&url).await),
                None => None,
            }
        },
        finish: discard_test_store
    );
}
