//! Webhook intake: bad bodies are refused with a clear 4xx and nothing stored; notifications we
//! will not process are recorded and ignored (200, so Mercado Libre stops retrying).

use crate::helpers::TestApp;
use serde_json::{Value, json};

async fn nothing_stored(app: &TestApp) {
    assert!(
        app.store()
            .recent_notifications(app.org, 10)
            .await
            .unwrap()
            .is_empty()
    );
    no_job_waiting(app).await;
}

/// Nothing enqueued (the connect-time sweep already ran when the test app started).
async fn no_job_waiting(app: &TestApp) {
    let counts = app.store().job_counts().await.unwrap();
    assert_eq!(
        (counts.queued, counts.running, counts.dead),
        (0, 0, 0),
        "{counts:?}"
    );
}

#[tokio::test]
async fn malformed_bodies_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    for body in [
        "{not json",
        "",
        "[]",
        r#"{"topic":"questions","user_id":1}"#,
        r#"{"resource":"/questions/1","topic":"questions","user_id":"not-a-number"}"#,
    ] {
        let resp = app.post_webhook(body).await;
        assert_eq!(resp.status(), 400, "body {body:?}");
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["code"], "invalid_notification");
        assert!(!err["error"]["message"].as_str().unwrap().is_empty());
    }
    nothing_stored(&app).await;
}

#[tokio::test]
async fn foreign_application_unknown_seller_and_unhandled_topics_are_recorded_and_ignored() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLA").id;
    let ours = app.state.config.meli_app_id;
    let cases = [
        (
            json!({"_id":"a","resource":"/questions/1","user_id":seller,"topic":"questions","application_id":12345}),
            "application",
        ),
        (
            json!({"_id":"b","resource":"/questions/1","user_id":777,"topic":"questions","application_id":ours}),
            "seller",
        ),
        (
            json!({"_id":"c","resource":"/items/MLA1","user_id":seller,"topic":"items","application_id":ours}),
            "topic",
        ),
    ];
    for (body, why) in &cases {
        let resp = app.post_webhook(body.to_string()).await;
        assert_eq!(resp.status(), 200);
        let out: Value = resp.json().await.unwrap();
        assert_eq!(out["status"], "ignored", "{why}: {out}");
        assert!(out["reason"].as_str().unwrap().contains(why), "{out}");
    }
    // The unknown seller's notification is recorded too, but belongs to no organization, so
    // this organization's admins see the other two.
    let recorded = app.store().recent_notifications(app.org, 10).await.unwrap();
    assert_eq!(recorded.len(), 2);
    assert!(
        recorded
            .iter()
            .all(|n| n.state == store::NotificationState::Ignored)
    );
    no_job_waiting(&app).await;
}

#[tokio::test]
async fn official_notification_variants_are_accepted() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLB").id;
    let ours = app.state.config.meli_app_id;
    // user_id as a string, no `_id`, resource without its slash, the `recieved` misspelling.
    let body = json!({"resource":"questions/5036111111","user_id":seller.to_string(),"topic":"questions",
                      "application_id":ours,"attempts":1,"sent":"2025-01-21T13:44:33.006Z","recieved":"2025-01-21T13:44:32.984Z"});
    let out: Value = app
        .post_webhook(body.to_string())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(out["status"], "queued", "{out}");
    let again: Value = app
        .post_webhook(body.to_string())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["status"], "duplicate");
    assert_eq!(app.store().job_counts().await.unwrap().queued, 1);
}

#[tokio::test]
async fn a_question_that_does_not_exist_goes_to_the_dead_letter_with_its_reason() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLA").id;
    let body = json!({"_id":"x","resource":"/questions/999999","user_id":seller,"topic":"questions","application_id":app.state.config.meli_app_id});
    app.post_webhook(body.to_string()).await;
    let outcomes = app.drain().await;
    assert!(
        matches!(&outcomes[..], [app::worker::StepOutcome::Dead { .. }]),
        "{outcomes:?}"
    );
    assert_eq!(app.store().job_counts().await.unwrap().dead, 1);
    assert!(app.conversations_for(999999).await.is_empty());
}

#[tokio::test]
async fn a_disconnected_store_stops_ingesting_keeps_its_history_and_can_reconnect() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLA").id;
    let before = app
        .get_json("/api/conversations?limit=500")
        .await
        .as_array()
        .unwrap()
        .len();
    let resp = app
        .http
        .delete(format!("{}/api/stores/{seller}", app.url))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let conn = app
        .store()
        .connection(domain::SellerId(seller))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(conn.health, store::ConnectionHealth::Disconnected);
    assert!(conn.tokens.is_none(), "tokens deleted");

    let body = json!({"_id":"after-disconnect","resource":"/questions/1","user_id":seller,"topic":"questions","application_id":app.state.config.meli_app_id});
    let out: Value = app
        .post_webhook(body.to_string())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(out["status"], "ignored");
    assert_eq!(
        app.get_json("/api/conversations?limit=500")
            .await
            .as_array()
            .unwrap()
            .len(),
        before,
        "history kept"
    );

    let missing = app
        .http
        .delete(format!("{}/api/stores/42", app.url))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    app::scripted_connect::connect_through_oauth(
        &app.url,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
        "MLA",
        seller,
    )
    .await
    .unwrap();
    let conn = app
        .store()
        .connection(domain::SellerId(seller))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(conn.health, store::ConnectionHealth::Connected);
}

#[tokio::test]
async fn a_429_pauses_that_store_and_loses_no_work() {
    let app = TestApp::spawn().await;
    app.sim
        .set_faults(meli_sim::Faults {
            rate_limit_429: 1.0,
            retry_after: Some(std::time::Duration::from_secs(30)),
            ..Default::default()
        })
        .await;
    app.ask("MLA", "¿Tienen stock?").await;
    app.ask("MLA", "¿Hacen factura?").await;
    app.wait_for_notifications(2).await;
    let outcomes = app.drain().await;
    let retrying = outcomes
        .iter()
        .filter(|o| matches!(o, app::worker::StepOutcome::Retrying { .. }))
        .count();
    let waiting = outcomes
        .iter()
        .filter(|o| matches!(o, app::worker::StepOutcome::Waiting { .. }))
        .count();
    assert_eq!(
        (retrying, waiting),
        (1, 1),
        "the first job meets the 429, the second waits without calling: {outcomes:?}"
    );
    let counts = app.store().job_counts().await.unwrap();
    assert_eq!(
        (counts.queued, counts.dead),
        (2, 0),
        "both wait for the pause to end"
    );
}
