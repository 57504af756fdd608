//! The vertical slice: a buyer asks → Mercado Libre notifies → the inbox shows it with context →
//! the agent answers → Mercado Libre has the answer → the conversation locks.

use crate::helpers::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn a_question_is_answered_end_to_end_and_locks() {
    let app = TestApp::spawn().await;
    let (qid, item) = app.ask("MLA", "Hola, ¿tienen stock en color rojo?").await;
    app.wait_for_notifications(1).await;
    app.drain().await;

    let conv = &app.conversation_for(qid).await;
    assert_eq!(conv["category"], "pre_sale_question");
    assert_eq!(conv["meli_ref"], qid.to_string());
    assert_eq!(conv["item_id"], item);
    assert!(
        conv["buyer_nickname"]
            .as_str()
            .is_some_and(|n| !n.is_empty()),
        "{conv}"
    );
    assert_eq!(conv["last_text"], "Hola, ¿tienen stock en color rojo?");

    let id = conv["id"].as_i64().unwrap();
    let detail = app.get_json(&format!("/api/conversations/{id}")).await;
    let ctx = &detail["context"];
    assert_eq!(ctx["origin"], "Mercado Libre");
    assert_eq!(ctx["category"], "Pre-sale · Questions & Answers");
    assert_eq!(ctx["store"]["nickname"], app.seller("MLA").nickname);
    let sim_item: Value = app
        .http
        .get(format!("{}/items/{item}", app.sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ctx["listing"]["title"], sim_item["title"]);
    assert_eq!(ctx["listing"]["permalink"], sim_item["permalink"]);
    assert_eq!(ctx["listing"]["currency_id"], sim_item["currency_id"]);
    assert_eq!(
        ctx["listing"]["price"]
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap(),
        sim_item["price"]
            .to_string()
            .parse::<rust_decimal::Decimal>()
            .unwrap(),
        "price kept exact"
    );
    assert!(
        ctx["listing"]["thumbnail"]
            .as_str()
            .is_some_and(|t| t.starts_with("http"))
    );
    assert!(ctx["buyer"]["nickname"].as_str().is_some());
    assert_eq!(detail["composer"]["open"], true);
    assert_eq!(detail["composer"]["max_chars"], 2000);

    let answer = "¡Hola! Sí, tenemos stock en rojo. Saludos.";
    let resp = app
        .post_json(
            &format!("/api/conversations/{id}/answer"),
            &json!({ "text": answer }),
        )
        .await;
    assert_eq!(resp.status(), 202);
    let queued: Value = resp.json().await.unwrap();
    assert_eq!(queued["delivery"], "pending");

    // Locked at once, before delivery: a second answer is refused locally.
    let second = app
        .post_json(
            &format!("/api/conversations/{id}/answer"),
            &json!({ "text": "otra respuesta" }),
        )
        .await;
    assert_eq!(second.status(), 409);
    let err: Value = second.json().await.unwrap();
    assert_eq!(err["error"]["code"], "already_answered");

    app.drain().await;
    let q = app.sim.question_json(qid).await.unwrap();
    assert_eq!(q["status"], "ANSWERED");
    assert_eq!(q["answer"]["text"], answer);

    let detail = app.get_json(&format!("/api/conversations/{id}")).await;
    assert_eq!(detail["composer"]["open"], false);
    assert_eq!(detail["conversation"]["status"], "resolved");
    let messages = detail["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[1]["text"], answer);
    assert_eq!(messages[1]["delivery"], "sent");
    assert_eq!(messages[1]["author"], "agent");

    // Mercado Libre notifies the answer too; processing it must not add a second answer.
    app.wait_for_notifications(2).await;
    app.drain().await;
    let detail = app.get_json(&format!("/api/conversations/{id}")).await;
    assert_eq!(detail["messages"].as_array().unwrap().len(), 2);

    let third = app
        .post_json(
            &format!("/api/conversations/{id}/answer"),
            &json!({ "text": "y otra" }),
        )
        .await;
    assert_eq!(third.status(), 409);
    assert_eq!(
        app.sim.question_json(qid).await.unwrap()["answer"]["text"],
        answer,
        "never sent twice"
    );
}

#[tokio::test]
async fn the_same_notification_twice_yields_one_conversation_and_one_message() {
    let app = TestApp::spawn().await;
    let (qid, _) = app
        .ask("MLB", "Olá, qual o prazo de entrega para SP?")
        .await;
    app.wait_for_notifications(1).await;
    let raw = app.store().recent_notifications(app.org, 10).await.unwrap()[0]
        .raw
        .clone();

    // Mercado Libre's retry of the same notification: recorded once.
    app.post_webhook(raw.to_string()).await;
    assert_eq!(
        app.store()
            .recent_notifications(app.org, 10)
            .await
            .unwrap()
            .len(),
        1,
        "a duplicate"
    );
    // A new notification about the same question (any change re-notifies): processed, idempotent.
    let mut renotified = raw.clone();
    renotified["_id"] = json!("another-notification-id");
    app.post_webhook(renotified.to_string()).await;
    assert_eq!(
        app.store()
            .recent_notifications(app.org, 10)
            .await
            .unwrap()
            .len(),
        2
    );

    app.drain().await;
    // And once more after the job ran: a new job, same result.
    renotified["_id"] = json!("yet-another-notification-id");
    app.post_webhook(renotified.to_string()).await;
    app.drain().await;

    let id = app.conversation_for(qid).await["id"].as_i64().unwrap();
    let detail = app.get_json(&format!("/api/conversations/{id}")).await;
    let messages = detail["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(detail["conversation"]["meli_ref"], qid.to_string());
    let recorded = app.store().recent_notifications(app.org, 10).await.unwrap();
    assert_eq!(recorded.len(), 3);
    assert!(
        recorded.iter().any(|n| n.deliveries == 2),
        "the retry was counted on its first record"
    );
}

#[tokio::test]
async fn answers_are_checked_before_anything_is_queued() {
    let app = TestApp::spawn().await;
    let (qid, _) = app.ask("MLA", "¿Es original?").await;
    app.wait_for_notifications(1).await;
    app.drain().await;
    let id = app.conversation_for(qid).await["id"].as_i64().unwrap();
    let path = format!("/api/conversations/{id}/answer");

    let empty = app.post_json(&path, &json!({ "text": "   " })).await;
    assert_eq!(empty.status(), 422);
    let long = app
        .post_json(&path, &json!({ "text": "a".repeat(2001) }))
        .await;
    assert_eq!(long.status(), 422);
    let body: Value = long.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_long");
    let anonymous = app
        .http
        .post(format!("{}{path}", app.url))
        .json(&json!({ "text": "hola" }))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        app.store().job_counts().await.unwrap().queued,
        0,
        "nothing queued by refused answers"
    );

    // Exactly the limit is fine.
    let max = app
        .post_json(&path, &json!({ "text": "ñ".repeat(2000) }))
        .await;
    assert_eq!(max.status(), 202);
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_the_new_pair_persisted() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLA");
    let before = app.sealed_tokens(seller.id).await;
    app.sim.expire_access_tokens().await;
    let (qid, _) = app.ask("MLA", "¿Hacen factura A?").await;
    app.wait_for_notifications(1).await;
    app.drain().await;
    app.conversation_for(qid).await;
    let after = app.sealed_tokens(seller.id).await;
    assert_ne!(
        before.refresh, after.refresh,
        "rotated refresh token persisted"
    );
}

#[tokio::test]
async fn a_store_whose_refresh_token_is_refused_needs_reauthorization_and_loses_nothing() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLA");
    // Spend our refresh token behind our back (as a second installation would): ours is now stale.
    let sealed = app.sealed_tokens(seller.id).await;
    let refresh = app::crypto::Sealer::new(&[7u8; 32])
        .open(
            &sealed.refresh,
            &app::tokens::context(domain::SellerId(seller.id), app::tokens::Slot::Refresh),
        )
        .unwrap();
    let rotated = app
        .http
        .post(format!("{}/oauth/token", app.sim.base_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", &app.state.config.meli_app_id.to_string()),
            (
                "client_secret",
                &meli_sim::SimConfig::default().client_secret,
            ),
            ("refresh_token", &refresh),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 200);
    app.sim.expire_access_tokens().await;

    app.ask("MLA", "¿Tienen talle M?").await;
    app.wait_for_notifications(1).await;
    let outcomes = app.drain().await;
    assert!(
        matches!(&outcomes[..], [app::worker::StepOutcome::Waiting { .. }]),
        "{outcomes:?}"
    );

    let stores = app.get_json("/api/stores").await;
    let mla = stores
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["seller_id"] == seller.id)
        .unwrap();
    assert_eq!(mla["health"], "needs_reauth", "{mla}");
    let counts = app.store().job_counts().await.unwrap();
    assert_eq!(
        (counts.queued, counts.dead),
        (1, 0),
        "the question's job waits for re-authorization"
    );

    // Connecting the store again restores it.
    app::scripted_connect::connect_through_oauth(
        &app.url,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
        "MLA",
        seller.id,
    )
    .await
    .unwrap();
    let stores = app.get_json("/api/stores").await;
    let mla = stores
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["seller_id"] == seller.id)
        .unwrap();
    assert_eq!(mla["health"], "connected");
}

#[tokio::test]
async fn the_web_form_refuses_a_second_answer_locally() {
    let app = TestApp::spawn().await;
    let (qid, _) = app.ask("MLB", "Tem em azul?").await;
    app.wait_for_notifications(1).await;
    app.drain().await;
    let id = app.conversation_for(qid).await["id"].as_i64().unwrap();

    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = browser
        .post(format!("{}/login", app.url))
        .form(&[
            ("email", crate::helpers::ADMIN_EMAIL),
            ("password", crate::helpers::ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let answer = |text: &'static str| {
        browser
            .post(format!("{}/inbox/{id}/answer", app.url))
            .form(&[("text", text)])
            .send()
    };
    let first = answer("Temos sim!").await.unwrap();
    assert_eq!(first.headers()["location"], format!("/inbox/{id}"));
    let second = answer("Temos em verde também").await.unwrap();
    let location = second.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with(&format!("/inbox/{id}?error=")),
        "{location}"
    );
    let page = browser
        .get(format!("{}{location}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("una sola respuesta por pregunta"),
        "the refusal is shown, in Spanish when the browser names no language"
    );
    assert!(page.contains("id=\"composer-locked\""));

    app.drain().await;
    assert_eq!(
        app.sim.question_json(qid).await.unwrap()["answer"]["text"],
        "Temos sim!"
    );
    let messages = app
        .store()
        .messages(domain::ConversationId(id))
        .await
        .unwrap();
    let outbound: Vec<_> = messages
        .iter()
        .filter(|m| m.direction == domain::Direction::Outbound)
        .collect();
    assert_eq!(outbound.len(), 1, "{messages:?}");
    assert_eq!(outbound[0].delivery, domain::DeliveryStatus::Sent);
}

#[tokio::test]
async fn a_wrong_login_is_refused_and_pages_need_a_session() {
    let app = TestApp::spawn_unconnected().await;
    let resp = app
        .http
        .get(format!("{}/inbox", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/login");
    let bad = app
        .http
        .post(format!("{}/login", app.url))
        .form(&[
            ("email", crate::helpers::ADMIN_EMAIL),
            ("password", "wrong password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("Correo electrónico o contraseña incorrectos.")
    );
    // Guessing is throttled per account; the throttle speaks for itself.
    let mut last = None;
    for _ in 0..12 {
        let resp = app
            .http
            .post(format!("{}/api/login", app.url))
            .json(&json!({ "email": crate::helpers::ADMIN_EMAIL, "password": "guess" }))
            .send()
            .await
            .unwrap();
        last = Some(resp.status());
    }
    assert_eq!(last, Some(reqwest::StatusCode::TOO_MANY_REQUESTS));
    let locked_out = app
        .http
        .post(format!("{}/api/login", app.url))
        .json(&json!({ "email": crate::helpers::ADMIN_EMAIL, "password": crate::helpers::ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(locked_out.status(), 429, "even the right password waits");
    let body: Value = locked_out.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");

    let api = app
        .http
        .get(format!("{}/api/conversations", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
}

/// Answers a fresh question, lets Mercado Libre fail every call, and plays the worker giving up on
/// the delivery — with Mercado Libre back by then or not. Returns the conversation id.
async fn answer_then_give_up(
    app: &TestApp,
    site: &str,
    question: &str,
    answer: &str,
    back_by_then: bool,
) -> i64 {
    let (qid, _) = app.ask(site, question).await;
    app.wait_for_notifications(1).await;
    app.drain().await;
    let id = app.conversation_for(qid).await["id"].as_i64().unwrap();
    let resp = app
        .post_json(
            &format!("/api/conversations/{id}/answer"),
            &json!({ "text": answer }),
        )
        .await;
    assert_eq!(resp.status(), 202);
    app.sim
        .set_faults(meli_sim::Faults {
            fail_rate_5xx: 1.0,
            ..Default::default()
        })
        .await;
    let outcomes = app.drain().await;
    assert!(
        matches!(&outcomes[..], [app::worker::StepOutcome::Retrying { .. }]),
        "{outcomes:?}"
    );
    if back_by_then {
        app.sim.set_faults(meli_sim::Faults::default()).await;
    }
    let later = chrono::Utc::now() + chrono::Duration::hours(2);
    let job = app
        .store()
        .claim_job(later, later + chrono::Duration::hours(1))
        .await
        .unwrap()
        .expect("the answer's job");
    assert_eq!(job.kind, app::jobs::POST_ANSWER);
    app::jobs::on_give_up(&app.state, &job, "simulated outage").await;
    app.store()
        .bury_job(&job, "simulated outage")
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn an_answer_of_unknown_fate_keeps_the_box_locked() {
    let app = TestApp::spawn().await;
    // Mercado Libre stays down: whether the answer landed cannot be known, so no second answer.
    let id = answer_then_give_up(&app, "MLA", "¿Viene con garantía?", "Sí, 12 meses.", false).await;
    let detail = app.get_json(&format!("/api/conversations/{id}")).await;
    assert_eq!(detail["composer"]["open"], false, "{detail}");
    let reply = &detail["messages"][1];
    assert_eq!(reply["delivery"], "failed");
    assert!(
        reply["error"].as_str().unwrap().contains("unknown"),
        "{reply}"
    );
}

#[tokio::test]
async fn an_undelivered_answer_can_be_sent_again_once_mercado_libre_shows_the_question_unanswered()
{
    let app = TestApp::spawn().await;
    // Mercado Libre is back when the worker gives up: the question is still unanswered there.
    let id = answer_then_give_up(&app, "MLB", "Aceita troca?", "Sim, em 30 dias.", true).await;
    let detail = app.get_json(&format!("/api/conversations/{id}")).await;
    assert_eq!(detail["composer"]["open"], true, "{detail}");
    assert_eq!(detail["messages"][1]["delivery"], "failed");

    let resp = app
        .post_json(
            &format!("/api/conversations/{id}/answer"),
            &json!({ "text": "Sim, aceitamos troca em 30 dias." }),
        )
        .await;
    assert_eq!(resp.status(), 202, "the one allowed answer is still unused");
    app.drain().await;
    let detail = app.get_json(&format!("/api/conversations/{id}")).await;
    let messages = detail["messages"].as_array().unwrap();
    assert_eq!(
        messages.len(),
        3,
        "question, the failed attempt, the delivered one: {messages:?}"
    );
    assert_eq!(messages[2]["delivery"], "sent");
    let qid: i64 = detail["conversation"]["meli_ref"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        app.sim.question_json(qid).await.unwrap()["answer"]["text"],
        "Sim, aceitamos troca em 30 dias."
    );
}

/// Login attempts are counted per client address too, on the address the server itself sees:
/// one address guessing at many accounts is held back, another address is not.
#[tokio::test]
async fn login_is_throttled_per_client_address_as_served() {
    let app = TestApp::spawn_unconnected().await;
    let from = |ip: [u8; 4]| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(ip))
            .build()
            .unwrap()
    };
    let attempt = |client: reqwest::Client, email: String, password: &'static str| {
        let url = format!("{}/api/login", app.url);
        async move {
            client
                .post(url)
                .json(&json!({ "email": email, "password": password }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // All at once, so the allowance cannot refill in between: the address check comes before the
    // (deliberately slow) password check, so the surplus is refused at once.
    let guesser = from([127, 0, 0, 2]);
    let guesses = (0..40).map(|n| {
        tokio::spawn(attempt(
            guesser.clone(),
            format!("guess{n}@test.mostrador"),
            "guess",
        ))
    });
    let mut statuses = Vec::new();
    for g in guesses.collect::<Vec<_>>() {
        statuses.push(g.await.unwrap().as_u16());
    }
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(
        refused >= 5 && statuses.iter().all(|s| matches!(s, 403 | 429)),
        "a burst of 30 per address, then refusals: {statuses:?}"
    );
    let neighbour = attempt(
        from([127, 0, 0, 3]),
        crate::helpers::ADMIN_EMAIL.into(),
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    assert_eq!(neighbour, 200, "another address signs in");
}
