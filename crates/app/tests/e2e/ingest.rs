//! Webhook intake: bad bodies are refused with a clear 4xx and nothing stored; notifications we
//! will not process are recorded and ignored (200, so Mercado Libre stops retrying). Callers get
//! the same bare acknowledgement whatever became of their notification.

use crate::helpers::TestApp;
use serde_json::{Value, json};

/// The one answer to every notification we could read.
const ACK: &str = r#"{"status":"ok"}"#;

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
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("the body is not a Mercado Libre notification"),
            "one generic reason about the body's shape: {err}"
        );
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
    for (body, _) in &cases {
        let resp = app.post_webhook(body.to_string()).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.text().await.unwrap(), ACK, "nothing said about why");
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
    // The reason stays with the stored notification, for the admins of the store it names (a
    // stranger's belongs to no organization, so nobody's list shows it).
    let admin_view = app.get_json("/api/notifications").await;
    assert_eq!(admin_view.as_array().unwrap().len(), 2);
    for (body, why) in cases.iter().filter(|(body, _)| body["user_id"] != 777) {
        let stored = admin_view
            .as_array()
            .unwrap()
            .iter()
            .find(|n| {
                n["resource"] == body["resource"]
                    && n["user_id"] == body["user_id"]
                    && n["topic"] == body["topic"]
                    && n["application_id"] == body["application_id"]
            })
            .unwrap();
        assert!(
            stored["ignore_reason"].as_str().unwrap().contains(why),
            "{stored}"
        );
    }
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
    for _ in 0..2 {
        let resp = app.post_webhook(body.to_string()).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.text().await.unwrap(), ACK);
    }
    let recorded = app.store().recent_notifications(app.org, 10).await.unwrap();
    assert_eq!(recorded.len(), 1, "the second is a duplicate");
    assert_eq!(recorded[0].state, store::NotificationState::Queued);
    assert_eq!(recorded[0].deliveries, 2);
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
    let resp = app.post_webhook(body.to_string()).await;
    assert_eq!(resp.text().await.unwrap(), ACK);
    let recorded = app.store().recent_notifications(app.org, 1).await.unwrap();
    assert_eq!(recorded[0].state, store::NotificationState::Ignored);
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

/// Whoever posts here learns nothing about which sellers are connected: a notification for a
/// connected store and one for a stranger get byte-identical answers.
#[tokio::test]
async fn the_acknowledgement_is_the_same_for_known_and_unknown_sellers() {
    let app = TestApp::spawn().await;
    let ours = app.state.config.meli_app_id;
    let known = app.seller("MLA").id;
    let mut answers = Vec::new();
    for (id, seller) in [("k", known), ("u", 424242)] {
        let body = json!({"_id":id,"resource":"/questions/1","user_id":seller,"topic":"questions","application_id":ours});
        let resp = app.post_webhook(body.to_string()).await;
        let mut headers = resp.headers().clone();
        headers.remove("date");
        answers.push((resp.status(), headers, resp.text().await.unwrap()));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].2, ACK);
    let states: Vec<_> = app
        .store()
        .recent_notifications(app.org, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.state)
        .collect();
    // The stranger's notification is recorded as ignored, in no organization: ours lists only
    // the known seller's.
    assert_eq!(states, vec![store::NotificationState::Queued]);
}
