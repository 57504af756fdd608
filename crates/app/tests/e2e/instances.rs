//! Several instances on one database: each keeps the connected stores in memory for its webhook,
//! and a store connected or disconnected through one instance is seen by the others' webhook
//! triage within `app::sellers::CHECK_EVERY`, with no request reading the database for it.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use app::AppState;
use serde_json::json;
use std::time::Duration;

/// How long the test waits for the other instance, far beyond the one-second bound so a loaded
/// machine cannot fail it; it returns as soon as the change is seen.
const PATIENCE: Duration = Duration::from_secs(30);

/// A webhook notification through `state`'s own intake; its status (`queued` or `ignored`).
async fn deliver(state: &AppState, id: &str, seller: i64) -> (&'static str, Option<String>) {
    let raw = json!({
        "_id": id, "resource": "/questions/5036111111", "user_id": seller,
        "topic": "questions", "application_id": state.config.meli_app_id,
    });
    let notification: meli::Notification = serde_json::from_value(raw.clone()).unwrap();
    let accepted = app::ingest::accept(state, &notification, raw)
        .await
        .unwrap();
    (accepted.status, accepted.reason)
}

/// Delivers fresh notifications to `state` until one gets `want`, and says how many it took.
async fn until_status(state: &AppState, tag: &str, seller: i64, want: &str) -> usize {
    let started = std::time::Instant::now();
    for attempt in 1.. {
        let (status, reason) = deliver(state, &format!("{tag}-{attempt}"), seller).await;
        if status == want {
            return attempt;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the other instance never saw the change: still {status} ({reason:?})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    unreachable!()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connecting_and_disconnecting_in_one_instance_reaches_the_others_webhook() {
    let a = TestApp::spawn_unconnected().await;
    let seller = a.seller("MLA").id;
    // A second instance: its own connections to the same database, its own memory.
    let other = AppState::new(
        a.reopen_store().await,
        a.state.meli.clone(),
        (*a.state.config).clone(),
    );

    let (status, reason) = deliver(&other, "before", seller).await;
    assert_eq!(status, "ignored");
    assert!(reason.unwrap().contains("not a connected store"));

    app::scripted_connect::connect_through_oauth(
        &a.url,
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        "MLA",
        seller,
    )
    .await
    .unwrap();
    // The instance that connected knows at once.
    assert_eq!(
        deliver(&a.state, "here-connected", seller).await.0,
        "queued"
    );
    let tries = until_status(&other, "connected", seller, "queued").await;
    println!("connect seen by the other instance after {tries} deliveries");

    let resp = a
        .http
        .delete(format!("{}/api/stores/{seller}", a.url))
        .bearer_auth(&a.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(
        deliver(&a.state, "here-disconnected", seller).await.0,
        "ignored"
    );
    let tries = until_status(&other, "disconnected", seller, "ignored").await;
    println!("disconnect seen by the other instance after {tries} deliveries");

    // What the other instance recorded belongs to the store's organization, and its queued
    // notifications have their jobs.
    let recorded = a.store().recent_notifications(a.org, 1000).await.unwrap();
    assert!(
        recorded
            .iter()
            .any(|n| n.dedup_key.starts_with("id:connected-")
                && n.state == store::NotificationState::Queued
                && n.job_id.is_some())
    );
}

/// One notification the database refuses (PostgreSQL cannot store `\u0000` in JSONB) fails alone:
/// the batch it shared is retried one by one and its neighbours are recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_the_database_refuses_does_not_fail_its_batch() {
    let a = TestApp::spawn_unconnected().await;
    let entries = (0..40).map(|i| {
        let state = a.state.clone();
        tokio::spawn(async move {
            let text = if i == 17 { "nul \u{0} here" } else { "fine" };
            let raw = json!({
                "_id": format!("batch-{i}"), "resource": "/questions/1", "user_id": 1,
                "topic": "questions", "text": text,
            });
            let notification: meli::Notification = serde_json::from_value(raw.clone()).unwrap();
            app::ingest::accept(&state, &notification, raw)
                .await
                .is_ok()
        })
    });
    let mut recorded = Vec::new();
    for entry in entries.collect::<Vec<_>>() {
        recorded.push(entry.await.unwrap());
    }
    let refused: Vec<usize> = (0..40).filter(|i| !recorded[*i]).collect();
    match a.store().backend() {
        "postgres" => assert_eq!(refused, vec![17], "only the bad one fails"),
        _ => assert!(
            refused.is_empty(),
            "SQLite stores any JSON text: {refused:?}"
        ),
    }
}
