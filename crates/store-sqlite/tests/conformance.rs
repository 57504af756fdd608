//! The shared conformance suite on an in-memory database, plus file-backed cases that exercise
//! what memory cannot: WAL, the separate reader pool, and reopening.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use store::prelude::*;
use store::sqlx_driver::SqlxPools;
use store_sqlite::SqliteStore;

store::conformance_tests!(async { SqliteStore::open_in_memory().await.unwrap() });
store::conformance_contacts_tests!(async { SqliteStore::open_in_memory().await.unwrap() });

mod coordination {
    use super::*;
    store::conformance_coordination_tests!(async { SqliteStore::open_in_memory().await.unwrap() });
}

mod file_backed {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn wal_file_runs_the_concurrency_cases_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("mostrador.db");
        let path = path.to_str().unwrap();

        let store = SqliteStore::open(path).await.unwrap();
        assert!(
            std::path::Path::new(path).exists(),
            "open creates the file and its folder"
        );
        assert_eq!(store.journal_mode().await.unwrap(), "wal");
        store::conformance::concurrent_claimers_never_share_a_job(&store).await;
        store::conformance::concurrent_locked_replies_have_one_winner(&store).await;
        store::conformance::summaries_join_context_filter_and_order(&store).await;
        let counts = store.job_counts().await.unwrap();
        store.close().await;

        // Reopening (as a URL this time) finds the data and re-running migrations is a no-op.
        let url = format!("sqlite://{path}");
        let reopened = SqliteStore::open(&url).await.unwrap();
        reopened.migrate().await.unwrap();
        assert_eq!(reopened.job_counts().await.unwrap(), counts);
        assert_eq!(reopened.backend(), "sqlite");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_stores_on_one_file_wait_instead_of_failing_busy() {
        // Two handles on one file stand in for a `serve` and a `worker` process: each has its own
        // writer, so they contend for SQLite's write lock and must wait on the busy timeout.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let path = path.to_str().unwrap();
        let a = SqliteStore::open(path).await.unwrap();
        let b = SqliteStore::open(path).await.unwrap();
        let enqueue = |s: SqliteStore, tag: &'static str| async move {
            for i in 0..50 {
                let job = store::NewJob {
                    org_id: None,
                    kind: tag.to_string(),
                    payload: serde_json::json!({ "i": i }),
                    dedup_key: None,
                    run_at: chrono::Utc::now(),
                };
                s.enqueue(job).await.unwrap();
            }
        };
        let (ra, rb) = tokio::join!(
            tokio::spawn(enqueue(a.clone(), "a")),
            tokio::spawn(enqueue(b.clone(), "b"))
        );
        ra.unwrap();
        rb.unwrap();
        assert_eq!(a.job_counts().await.unwrap().queued, 100);
    }

    #[tokio::test]
    async fn the_writer_is_on_disk_before_a_commit_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("durable.db");
        let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
        let rows = store.raw_rows("PRAGMA synchronous", vec![]).await.unwrap();
        // 2 is FULL: the WAL is fsynced at every commit, so an acknowledged notification
        // survives a power loss.
        assert_eq!(rows[0].i64("synchronous").unwrap(), 2);
        store::conformance_intake::a_batch_dedups_within_itself_and_against_earlier_rows(&store)
            .await;
    }

    #[tokio::test]
    async fn memory_urls_get_a_single_connection_database() {
        let store = SqliteStore::open("sqlite::memory:").await.unwrap();
        store::conformance::people_email_is_unique_case_insensitively(&store).await;
    }
}

mod intake {
    use super::*;
    store::conformance_intake_tests!(async { SqliteStore::open_in_memory().await.unwrap() });
}

mod order_sync {
    use super::*;
    store::order_sync_conformance_tests!(async { SqliteStore::open_in_memory().await.unwrap() });
}

mod figures {
    use store_sqlite::SqliteStore;
    store::conformance_figures_tests!(async { SqliteStore::open_in_memory().await.unwrap() });
}
