//! Races between two `SqliteStore`s opened on the same file, standing in for two processes (a
//! `serve` and a `worker`, or two workers). Unlike the conformance suite's concurrency cases,
//! which run on a one-connection in-memory pool where concurrent calls just take turns, each
//! store here has its own writer connection, so the races are decided by SQLite's file locks:
//! a claim or a lock that reads on one connection and writes on another would fail these.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::*;
use std::collections::HashSet;
use std::sync::Arc;
use store::*;
use store_sqlite::SqliteStore;

const ORG: OrgId = OrgId(uuid::Uuid::from_u128(1));
use tokio::sync::Barrier;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
}

/// Two stores on one fresh file; the directory guard must outlive them.
async fn two_stores() -> (tempfile::TempDir, SqliteStore, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let path = path.to_str().unwrap();
    let a = SqliteStore::open(path).await.unwrap();
    let b = SqliteStore::open(path).await.unwrap();
    (dir, a, b)
}

fn connection(seller: i64) -> NewConnection {
    NewConnection {
        org_id: ORG,
        seller_id: SellerId(seller),
        site_id: "MLB".to_string(),
        nickname: format!("LOJA{seller}"),
        currency_id: "BRL".to_string(),
        tokens: SealedTokens {
            access: b"access".to_vec(),
            refresh: b"refresh".to_vec(),
            access_expires_at: t0() + Duration::hours(6),
        },
    }
}

fn question(seller: i64, meli_ref: &str) -> UpsertConversation {
    UpsertConversation {
        org_id: ORG,
        seller_id: SellerId(seller),
        category: Category::PreSaleQuestion,
        meli_ref: meli_ref.to_string(),
        buyer_id: MeliUserId(99),
        item_id: None,
        status: ConversationStatus::Open,
        meli_status: Some("UNANSWERED".to_string()),
        reply_locked: false,
        last_inbound_at: t0(),
        now: t0(),
        context: Default::default(),
    }
}

fn reply(conversation: ConversationId, tag: &str) -> (NewMessage, NewJob) {
    let message = NewMessage {
        conversation_id: conversation,
        meli_ref: format!("answer:{tag}"),
        direction: Direction::Outbound,
        author: Author::Agent,
        author_person_id: None,
        text: format!("answer from {tag}"),
        delivery: DeliveryStatus::Pending,
        created_at: t0(),
        sent_at: None,
        extra: Default::default(),
    };
    let job = NewJob {
        org_id: None,
        kind: "meli.post_answer".to_string(),
        payload: serde_json::json!({}),
        dedup_key: Some(format!("answer:{conversation}:{tag}")),
        run_at: t0(),
    };
    (message, job)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_stores_claiming_until_empty_never_share_a_job() {
    const JOBS: usize = 300;
    const CLAIMERS_PER_STORE: usize = 2;
    let (_dir, a, b) = two_stores().await;
    for i in 0..JOBS {
        let job = NewJob {
            org_id: None,
            kind: "k".to_string(),
            payload: serde_json::json!({ "i": i }),
            dedup_key: Some(format!("d{i}")),
            run_at: t0(),
        };
        a.enqueue(job).await.unwrap().unwrap();
    }

    let start = Arc::new(Barrier::new(2 * CLAIMERS_PER_STORE));
    let mut claimers = Vec::new();
    for store in [&a, &b] {
        for _ in 0..CLAIMERS_PER_STORE {
            let (store, start) = (store.clone(), start.clone());
            claimers.push(tokio::spawn(async move {
                start.wait().await;
                let mut got = Vec::new();
                // Far-off lease: nothing expires, so every job can be claimed exactly once.
                while let Some(job) = store
                    .claim_job(t0(), t0() + Duration::hours(1))
                    .await
                    .unwrap()
                {
                    got.push((job.id, job.claim_id.clone().unwrap()));
                }
                got
            }));
        }
    }
    let mut per_claimer = Vec::new();
    for claimer in claimers {
        per_claimer.push(claimer.await.unwrap());
    }

    let all: Vec<JobId> = per_claimer.iter().flatten().map(|(id, _)| *id).collect();
    let unique: HashSet<JobId> = all.iter().copied().collect();
    assert_eq!(unique.len(), JOBS, "every job claimed");
    assert_eq!(all.len(), JOBS, "no job claimed twice");
    let tokens: HashSet<&String> = per_claimer.iter().flatten().map(|(_, t)| t).collect();
    assert_eq!(tokens.len(), JOBS, "a fresh claim token per claim");
    let by_a: usize = per_claimer[..CLAIMERS_PER_STORE].iter().map(Vec::len).sum();
    assert!(
        by_a > 0 && by_a < JOBS,
        "both stores took part in the race (a claimed {by_a} of {JOBS})"
    );
    let counts = b.job_counts().await.unwrap();
    assert_eq!((counts.queued, counts.running), (0, JOBS as i64));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_stores_racing_for_the_refresh_lock_get_one_winner() {
    let (_dir, a, b) = two_stores().await;
    for round in 0..25i64 {
        let seller = 1000 + round;
        a.upsert_connection(connection(seller)).await.unwrap();
        let start = Arc::new(Barrier::new(2));
        let take = |store: &SqliteStore, holder: &'static str| {
            let (store, start) = (store.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                store
                    .try_lock_refresh(SellerId(seller), holder, t0() + Duration::seconds(30), t0())
                    .await
                    .unwrap()
            })
        };
        let (ta, tb) = (take(&a, "process-a"), take(&b, "process-b"));
        let (won_a, won_b) = (ta.await.unwrap(), tb.await.unwrap());
        assert!(won_a ^ won_b, "round {round}: a {won_a}, b {won_b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_stores_racing_to_answer_one_question_get_one_winner() {
    let (_dir, a, b) = two_stores().await;
    for round in 0..25 {
        let conv = a
            .upsert_conversation(question(7, &format!("q-{round}")))
            .await
            .unwrap();
        let start = Arc::new(Barrier::new(2));
        let answer = |store: &SqliteStore, tag: &'static str| {
            let (store, start) = (store.clone(), start.clone());
            let (message, job) = reply(conv.id, tag);
            tokio::spawn(async move {
                start.wait().await;
                store.queue_locked_reply(ORG, conv.id, message, job).await
            })
        };
        let (ta, tb) = (answer(&a, "a"), answer(&b, "b"));
        let results = [ta.await.unwrap(), tb.await.unwrap()];
        let wins = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Conflict(_))))
            .count();
        assert_eq!((wins, conflicts), (1, 1), "round {round}: {results:?}");
        let messages = b.messages(conv.id).await.unwrap();
        assert_eq!(messages.len(), 1, "round {round}: one answer stored");
        assert!(b.conversation(conv.id).await.unwrap().unwrap().reply_locked);
    }
    assert_eq!(
        a.job_counts().await.unwrap().queued,
        25,
        "one outbox job each"
    );
}
