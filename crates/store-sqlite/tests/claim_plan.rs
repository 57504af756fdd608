//! The claim statement's plan on a realistic backlog: each probe walks its partial index in
//! order, so claiming stays cheap however many finished jobs pile up.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use store::StoreResult;
use store::args;
use store::sql::Driver;
use store_sqlite::{CLAIM_SQL, SqliteStore};

/// Each claim probe walks its partial index in order: no temp b-tree sorting the backlog.
#[tokio::test]
async fn the_claim_reads_its_indexes_in_order() {
    let s = SqliteStore::open_in_memory().await.unwrap();
    s.write_count(
        "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 5000)
         INSERT INTO jobs (kind, payload, state, run_at, created_at, updated_at)
         SELECT 'k', '{}', CASE WHEN x % 2 = 0 THEN 'done' ELSE 'queued' END,
             printf('2024-05-01T%02d:00:00.000000Z', x % 24), 'x', 'x' FROM g",
        args![],
    )
    .await
    .unwrap();
    s.write_count("ANALYZE", args![]).await.unwrap();
    let t0 = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let plan = s
        .raw_rows(
            &format!("EXPLAIN QUERY PLAN {CLAIM_SQL}"),
            args![t0, t0 + chrono::Duration::minutes(2), "claim", t0],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.text("detail"))
        .collect::<StoreResult<Vec<_>>>()
        .unwrap()
        .join("\n");
    println!("{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    assert!(plan.contains("jobs_lease_idx"), "{plan}");
    assert!(plan.contains("jobs_claim_idx"), "{plan}");
}
