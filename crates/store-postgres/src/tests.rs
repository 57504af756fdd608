#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::test_support::{discard_test_store, fresh_test_store, pg_url_or_skip};
use chrono::{DateTime, TimeZone, Utc};
use std::time::Duration;
use store::prelude::*;
use store::sql::intake::enqueue_on;
use store::sql::{Driver, Tx};
use store::{JobState, NewJob, args};

fn fetch(run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        org_id: None,
        kind: "meli.fetch_question".to_string(),
        payload: serde_json::json!({}),
        dedup_key: Some("q:1".to_string()),
        run_at,
    }
}

/// The race the savepoint is for: a twin is queued by a transaction that commits only after
/// `retry_job` found no twin and started its update. The update waits on the unique index,
/// fails once the twin commits, and the requeue falls back to merging.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requeue_racing_a_twins_insert_merges() {
    let Some(url) = pg_url_or_skip() else { return };
    let s = fresh_test_store(&url).await;
    let t0 = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
    let a = s.enqueue(fetch(t0)).await.unwrap().unwrap();
    let claimed = s.claim_job(t0, t0 + chrono::Duration::seconds(600));
    let claimed = claimed.await.unwrap().unwrap();
    assert_eq!(claimed.id, a);

    let mut other = s.begin().await.unwrap();
    let b = enqueue_on(&mut other, &fetch(t0)).await.unwrap().unwrap();
    let retry = s.retry_job(&claimed, "HTTP 503", t0 + chrono::Duration::seconds(60));
    let commit_later = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        other.commit().await.unwrap();
    };
    let (retried, ()) = tokio::join!(retry, commit_later);
    retried.unwrap();

    let merged = s.job(a).await.unwrap().unwrap();
    assert_eq!(merged.state, JobState::Done);
    assert_eq!(
        merged.last_error.as_deref(),
        Some(format!("merged into job {b}").as_str())
    );
    assert_eq!(s.job(b).await.unwrap().unwrap().state, JobState::Queued);
    assert_eq!(s.job_counts().await.unwrap().queued, 1);
    discard_test_store(s).await;
}

/// Each claim probe walks its partial index in order: no Sort over the due backlog.
#[tokio::test]
async fn the_claim_reads_its_indexes_in_order() {
    let Some(url) = pg_url_or_skip() else { return };
    let s = fresh_test_store(&url).await;
    s.write_count(
        "INSERT INTO jobs (kind, payload, state, run_at, lease_until)
         SELECT 'k', '{}', (ARRAY['queued', 'done', 'running'])[g % 3 + 1],
             now() - g * interval '1 second', now() + interval '1 minute'
         FROM generate_series(1, 30000) g",
        args![],
    )
    .await
    .unwrap();
    sqlx::query("ANALYZE jobs").execute(&s.pool).await.unwrap();
    let t0 = Utc::now();
    let plan: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "EXPLAIN (COSTS OFF) {CLAIM_SQL}"
    )))
    .bind(t0)
    .bind(t0 + chrono::Duration::seconds(120))
    .bind("claim")
    .bind(t0)
    .fetch_all(&s.pool)
    .await
    .unwrap();
    let plan = plan.join("\n");
    println!("{plan}");
    assert!(!plan.contains("Sort"), "{plan}");
    assert!(plan.contains("Index Scan using jobs_lease_idx"), "{plan}");
    assert!(plan.contains("Index Scan using jobs_claim_idx"), "{plan}");
    discard_test_store(s).await;
}
