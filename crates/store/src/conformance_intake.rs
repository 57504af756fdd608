//! Conformance cases for group-committed intake ([`IntakeStore::record_notifications`]) and for
//! the connection version that in-memory seller caches follow
//! ([`ConnectionStore::connections_version`]). Run by every backend through
//! [`crate::conformance_intake_tests!`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::*;
use chrono::TimeZone;
use serde_json::json;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
}

fn org() -> OrgId {
    OrgId(uuid::Uuid::from_u128(0x0B))
}

/// Above 2^53, as in the main suite.
const BIG_ID: i64 = crate::conformance::BIG_ID;

fn job(dedup: Option<&str>) -> NewJob {
    NewJob {
        org_id: Some(org()),
        kind: "meli.fetch_question".to_string(),
        payload: json!({ "big": BIG_ID, "key": dedup }),
        dedup_key: dedup.map(str::to_string),
        run_at: t0(),
    }
}

fn notification(dedup: &str, secs: i64) -> NewNotification {
    NewNotification {
        org_id: Some(org()),
        dedup_key: dedup.to_string(),
        topic: "questions".to_string(),
        resource: "/questions/123".to_string(),
        user_id: BIG_ID,
        application_id: Some(42),
        raw: json!({ "_id": dedup, "user_id": BIG_ID, "text": "olá \"aspas\" \\ barra" }),
        state: NotificationState::Queued,
        ignore_reason: None,
        received_at: t0() + chrono::Duration::seconds(secs),
    }
}

fn ignored(dedup: &str, secs: i64) -> NewNotification {
    NewNotification {
        org_id: None,
        state: NotificationState::Ignored,
        ignore_reason: Some("seller 1 is not a connected store".to_string()),
        user_id: 1,
        ..notification(dedup, secs)
    }
}

fn recorded(outcome: &RecordOutcome) -> (i64, Option<JobId>) {
    match outcome {
        RecordOutcome::Recorded {
            notification_id,
            job_id,
        } => (*notification_id, *job_id),
        other => panic!("expected a recorded notification, got {other:?}"),
    }
}

async fn stored(store: &dyn Store, id: i64) -> NotificationRecord {
    let mut all = store.recent_notifications(org(), 1000).await.unwrap();
    all.retain(|n| n.id == id);
    all.pop()
        .unwrap_or_else(|| panic!("notification {id} is not listed"))
}

pub async fn an_empty_batch_records_nothing(store: &dyn Store) {
    assert!(store.record_notifications(&[]).await.unwrap().is_empty());
    assert_eq!(store.job_counts().await.unwrap(), JobCounts::default());
}

/// Every rule of the single path, within one batch and against rows recorded before it.
pub async fn a_batch_dedups_within_itself_and_against_earlier_rows(store: &dyn Store) {
    let (earlier, earlier_job) = recorded(
        &store
            .record_notification(notification("n-1", 0), Some(job(Some("q:1"))))
            .await
            .unwrap(),
    );
    let earlier_job = earlier_job.unwrap();

    let outcomes = store
        .record_notifications(&[
            // A retry of what was recorded before.
            (notification("n-1", 1), Some(job(Some("q:1-other")))),
            (notification("n-2", 2), Some(job(Some("q:2")))),
            // A retry of n-2 inside the same batch: a delivery, nothing enqueued.
            (notification("n-2", 3), Some(job(Some("q:2-other")))),
            (ignored("n-3", 4), None),
            // Another notification about n-2's question: tied to n-2's job.
            (notification("n-4", 5), Some(job(Some("q:2")))),
            // About the question already queued before the batch: tied to that job.
            (notification("n-5", 6), Some(job(Some("q:1")))),
        ])
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 6, "one outcome per entry: {outcomes:?}");
    assert_eq!(
        outcomes[0],
        RecordOutcome::Duplicate {
            notification_id: earlier
        }
    );
    let (n2, n2_job) = recorded(&outcomes[1]);
    let n2_job = n2_job.expect("the first occurrence gets its job");
    assert_eq!(
        outcomes[2],
        RecordOutcome::Duplicate {
            notification_id: n2
        }
    );
    let (n3, n3_job) = recorded(&outcomes[3]);
    assert_eq!(n3_job, None, "ignored notifications have no job");
    let (n4, n4_job) = recorded(&outcomes[4]);
    assert_eq!(n4_job, None, "its work is already queued by n-2");
    let (n5, n5_job) = recorded(&outcomes[5]);
    assert_eq!(n5_job, None, "its work was already queued before the batch");
    let ids = [earlier, n2, n3, n4, n5];
    assert_eq!(
        ids.iter().collect::<std::collections::HashSet<_>>().len(),
        5,
        "distinct notifications get distinct ids: {ids:?}"
    );

    assert_eq!(
        store.job_counts().await.unwrap().queued,
        2,
        "q:1 and q:2, each once"
    );
    let job2 = store.job(n2_job).await.unwrap().unwrap();
    assert_eq!(job2.dedup_key.as_deref(), Some("q:2"));
    assert_eq!(job2.payload["big"].as_i64(), Some(BIG_ID));
    assert_eq!(job2.state, JobState::Queued);

    let first = stored(store, earlier).await;
    assert_eq!(first.deliveries, 2);
    assert_eq!(first.job_id, Some(earlier_job));
    let second = stored(store, n2).await;
    assert_eq!(second.deliveries, 2, "the in-batch retry counts");
    assert_eq!(second.job_id, Some(n2_job));
    assert_eq!(second.received_at, t0() + chrono::Duration::seconds(2));
    assert_eq!(second.raw["text"], "olá \"aspas\" \\ barra");
    assert_eq!(second.raw["user_id"].as_i64(), Some(BIG_ID));
    assert_eq!(second.user_id, BIG_ID);
    assert_eq!(second.application_id, Some(42));
    assert_eq!(stored(store, n4).await.job_id, Some(n2_job));
    assert_eq!(stored(store, n5).await.job_id, Some(earlier_job));

    // Unknown sellers have no organization: listed nowhere, but stored with their reason.
    assert!(
        store
            .recent_notifications(org(), 1000)
            .await
            .unwrap()
            .iter()
            .all(|n| n.id != n3)
    );
}

/// Ignored notifications and keyless jobs: the rest of what the single path does.
pub async fn a_batch_keeps_ignored_ones_and_keyless_jobs(store: &dyn Store) {
    let mut ignored_here = notification("i-1", 0);
    ignored_here.state = NotificationState::Ignored;
    ignored_here.ignore_reason = Some("topic \"items\" is not handled".to_string());
    let outcomes = store
        .record_notifications(&[
            (ignored_here, None),
            (notification("k-1", 1), Some(job(None))),
            (notification("k-2", 2), Some(job(None))),
        ])
        .await
        .unwrap();
    let (i1, none) = recorded(&outcomes[0]);
    assert_eq!(none, None);
    let (k1, k1_job) = recorded(&outcomes[1]);
    let (k2, k2_job) = recorded(&outcomes[2]);
    let (k1_job, k2_job) = (k1_job.unwrap(), k2_job.unwrap());
    assert_ne!(k1_job, k2_job, "jobs without a key never merge");
    assert_eq!(stored(store, k1).await.job_id, Some(k1_job));
    assert_eq!(stored(store, k2).await.job_id, Some(k2_job));
    let kept = stored(store, i1).await;
    assert_eq!(kept.state, NotificationState::Ignored);
    assert_eq!(
        kept.ignore_reason.as_deref(),
        Some("topic \"items\" is not handled")
    );
    assert_eq!(kept.job_id, None);
    assert_eq!(store.job_counts().await.unwrap().queued, 2);
}

/// A running job does not absorb a batch's job (it may have read the data already), exactly as
/// for a single notification.
pub async fn a_batch_enqueues_beside_a_running_job(store: &dyn Store) {
    let running = store.enqueue(job(Some("q:9"))).await.unwrap().unwrap();
    let claimed = store
        .claim_job(t0(), t0() + chrono::Duration::seconds(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, running);
    let outcomes = store
        .record_notifications(&[(notification("r-1", 0), Some(job(Some("q:9"))))])
        .await
        .unwrap();
    let (_, fresh) = recorded(&outcomes[0]);
    let fresh = fresh.expect("a new job beside the running one");
    assert_ne!(fresh, running);
    let counts = store.job_counts().await.unwrap();
    assert_eq!((counts.queued, counts.running), (1, 1));
}

/// Large batches stay one call: every entry gets its outcome, in order.
pub async fn a_large_batch_keeps_order(store: &dyn Store) {
    let batch: Vec<_> = (0..600)
        .map(|i| {
            // Every tenth entry repeats the one before it.
            let key = if i % 10 == 9 { i - 1 } else { i };
            (
                notification(&format!("l-{key}"), i),
                Some(job(Some(&format!("q:l-{key}")))),
            )
        })
        .collect();
    let outcomes = store.record_notifications(&batch).await.unwrap();
    assert_eq!(outcomes.len(), 600);
    for (i, outcome) in outcomes.iter().enumerate() {
        let duplicate = matches!(outcome, RecordOutcome::Duplicate { .. });
        assert_eq!(duplicate, i % 10 == 9, "entry {i}: {outcome:?}");
        if i % 10 == 9 {
            let (previous, _) = recorded(&outcomes[i - 1]);
            assert_eq!(
                *outcome,
                RecordOutcome::Duplicate {
                    notification_id: previous
                }
            );
        } else {
            assert!(recorded(outcome).1.is_some(), "entry {i} gets its job");
        }
    }
    assert_eq!(store.job_counts().await.unwrap().queued, 540);
}

fn sealed(tag: &str) -> SealedTokens {
    SealedTokens {
        access: format!("access-{tag}").into_bytes(),
        refresh: format!("refresh-{tag}").into_bytes(),
        access_expires_at: t0(),
    }
}

/// The version moves with everything the webhook decides by, and not with token refreshes or
/// refresh locks (which happen all day and would make every process reload for nothing).
pub async fn the_connections_version_follows_who_is_connected(store: &dyn Store) {
    let seller = SellerId(BIG_ID);
    let mut version = store.connections_version().await.unwrap();
    macro_rules! changed {
        ($what:expr, $expected:expr) => {{
            let now = store.connections_version().await.unwrap();
            assert_eq!(now != version, $expected, "{}: {version} then {now}", $what);
            version = now;
        }};
    }
    let connect = |tag: &str| NewConnection {
        org_id: org(),
        seller_id: seller,
        site_id: "MLA".to_string(),
        nickname: "TIENDA".to_string(),
        currency_id: "ARS".to_string(),
        tokens: sealed(tag),
    };
    store.upsert_connection(connect("one")).await.unwrap();
    changed!("connecting", true);
    store.save_tokens(seller, &sealed("two")).await.unwrap();
    changed!("a token refresh", false);
    assert!(
        store
            .try_lock_refresh(seller, "me", t0(), t0())
            .await
            .unwrap()
    );
    store.unlock_refresh(seller, "me").await.unwrap();
    changed!("the refresh lock", false);
    store
        .set_connection_health(seller, ConnectionHealth::NeedsReauth, Some("invalid_grant"))
        .await
        .unwrap();
    changed!("needing re-authorization", true);
    store.upsert_connection(connect("three")).await.unwrap();
    changed!("re-authorizing", true);
    store.upsert_connection(connect("four")).await.unwrap();
    changed!("connecting again while connected", false);
    store.disconnect(org(), seller, "by a test").await.unwrap();
    changed!("disconnecting", true);
    store.upsert_connection(connect("five")).await.unwrap();
    changed!("connecting after a disconnect", true);
    assert!(version > 0);
}

/// Every case of this file, for a backend's test harness; same forms as
/// [`crate::conformance_tests!`].
#[macro_export]
macro_rules! conformance_intake_tests {
    (maybe: $make:expr, finish: $finish:expr $(,)?) => {
        $crate::__conformance_intake_test_fns!($make, $finish;
            an_empty_batch_records_nothing,
            a_batch_dedups_within_itself_and_against_earlier_rows,
            a_batch_keeps_ignored_ones_and_keyless_jobs,
            a_batch_enqueues_beside_a_running_job,
            a_large_batch_keeps_order,
            the_connections_version_follows_who_is_connected,
        );
    };
    ($make:expr $(,)?) => {
        $crate::conformance_intake_tests!(
            maybe: async { ::core::option::Option::Some($make.await) },
            finish: |_store| async {}
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_intake_test_fns {
    ($make:expr, $finish:expr; $($case:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $case() {
            let ::core::option::Option::Some(store) = $make.await else {
                return;
            };
            $crate::conformance_intake::$case(&store).await;
            ($finish)(store).await;
        }
    )*};
}
