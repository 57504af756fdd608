//! What notifications missed is recovered: questions asked before the store was connected, and
//! notifications Mercado Libre gave up delivering (`/missed_feeds`).

use crate::helpers::TestApp;
use serde_json::Value;

#[tokio::test]
async fn questions_asked_before_connecting_are_swept_into_the_inbox() {
    let app = TestApp::spawn().await;
    let sealer = app::crypto::Sealer::new(&[7u8; 32]);
    let sellers = app.sim.sellers();
    assert!(!sellers.is_empty(), "the simulator seeds sellers");
    for seller in sellers {
        let sealed = app.sealed_tokens(seller.id).await;
        let token = sealer
            .open(
                &sealed.access,
                &app::tokens::context(domain::SellerId(seller.id), app::tokens::Slot::Access),
            )
            .unwrap();
        let on_meli: Value = app
            .http
            .get(format!(
                "{}/questions/search?seller_id={}&status=UNANSWERED&api_version=4",
                app.sim.base_url(),
                seller.id
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let questions = on_meli["questions"].as_array().unwrap();
        assert!(
            !questions.is_empty(),
            "the simulator seeds unanswered questions for {}",
            seller.nickname
        );
        for q in questions {
            let conv = app.conversation_for(q["id"].as_i64().unwrap()).await;
            assert_eq!(conv["seller_id"], seller.id);
            assert_eq!(conv["status"], "open");
            assert_eq!(conv["last_text"], q["text"]);
        }
    }
    // A second sweep finds nothing new.
    app::reconcile::schedule_sweep(&app.state).await.unwrap();
    let before = app
        .get_json("/api/conversations?limit=500")
        .await
        .as_array()
        .unwrap()
        .len();
    app.drain().await;
    assert_eq!(
        app.get_json("/api/conversations?limit=500")
            .await
            .as_array()
            .unwrap()
            .len(),
        before
    );
}

#[tokio::test]
async fn a_notification_mercado_libre_never_delivered_is_recovered_from_missed_feeds() {
    let app = TestApp::spawn().await;
    app.sim
        .set_faults(meli_sim::Faults {
            drop_notifications: 1.0,
            ..Default::default()
        })
        .await;
    let (qid, _) = app.ask("MLB", "Vocês entregam no Recife?").await;
    app.sim.set_faults(meli_sim::Faults::default()).await;
    assert!(
        app.store()
            .recent_notifications(app.org, 10)
            .await
            .unwrap()
            .is_empty(),
        "nothing was delivered"
    );
    assert!(app.conversations_for(qid).await.is_empty());

    // Only the missed-feeds sweep, so the recovery is not the questions poll's doing.
    app.store()
        .enqueue(app::reconcile::missed_feeds_job(chrono::Utc::now()))
        .await
        .unwrap();
    app.drain().await;
    let recorded = app.store().recent_notifications(app.org, 10).await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].resource, format!("/questions/{qid}"));
    let conv = app.conversation_for(qid).await;
    assert_eq!(conv["last_text"], "Vocês entregam no Recife?");

    // The same feed read again is a duplicate, not a second conversation.
    app.store()
        .enqueue(app::reconcile::missed_feeds_job(chrono::Utc::now()))
        .await
        .unwrap();
    app.drain().await;
    assert_eq!(
        app.store()
            .recent_notifications(app.org, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    app.conversation_for(qid).await;
}
