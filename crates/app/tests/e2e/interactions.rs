//! Every interaction kind end to end through the simulator: a buyer buys and writes, opens a
//! claim, escalates it; agents answer within Mercado Libre's rules; the guard refuses texts that
//! carry contact data before anything is sent.

use crate::helpers::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn a_guarded_text_is_refused_before_anything_is_sent() {
    let app = TestApp::spawn().await;
    let (qid, _) = app.ask("MLA", "¿Tienen stock del talle 42?").await;
    app.wait_for_notifications(1).await;
    app.drain().await;
    let id = app.conversation_for(qid).await["id"].as_i64().unwrap();
    let jobs_before = app.get_json("/api/jobs").await;

    let refused = app
        .post_json(
            &format!("/api/conversations/{id}/answer"),
            &json!({ "text": "Sí, hay stock. Escribime al 11 5555-1234 o a ventas arroba tienda punto com" }),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "guarded", "{body}");
    let reasons: Vec<&str> = body["error"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(reasons.contains(&"phone_number"), "{reasons:?}");
    assert!(reasons.contains(&"email"), "{reasons:?}");
    assert!(!body["error"]["message"].as_str().unwrap().is_empty());

    let detail = app.get_json(&format!("/api/conversations/{id}")).await;
    assert_eq!(
        detail["messages"].as_array().unwrap().len(),
        1,
        "nothing stored"
    );
    assert_eq!(
        detail["composer"]["open"], true,
        "the one answer is still unused"
    );
    assert_eq!(
        app.get_json("/api/jobs").await,
        jobs_before,
        "nothing queued"
    );
    assert!(
        app.sim.question_json(qid).await.unwrap()["answer"].is_null(),
        "nothing reached Mercado Libre"
    );

    // An ordinary answer full of numbers goes through.
    let ok = app
        .post_json(
            &format!("/api/conversations/{id}/answer"),
            &json!({ "text": "Sí, talle 42 (EAN 7891234567895), $ 12.500, envío en 48 h." }),
        )
        .await;
    assert_eq!(ok.status(), 202);
}

#[tokio::test]
async fn routing_refuses_what_mercado_libre_does_not_allow_and_routes_new_conversations() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLA").id;
    let put = |category: &str, body: Value| {
        let path = format!("/api/routing/{seller}/{category}");
        let http = app.http.clone();
        let url = format!("{}{path}", app.url);
        let token = app.token.clone();
        async move {
            http.put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    for (category, target, code) in [
        ("pre_sale_question", "flow_bot", "flow_bot_on_pre_sale"),
        ("pre_sale_question", "support", "support_on_pre_sale"),
        (
            "post_sale_help",
            "classification_bot",
            "classification_bot_not_offered",
        ),
        ("claim", "telepathy", "unknown_target"),
    ] {
        let resp = put(category, json!({ "target": target })).await;
        assert_eq!(resp.status(), 422, "{category} → {target}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{body}");
    }
    let unknown = put("gossip", json!({ "target": "support" })).await;
    assert_eq!(unknown.status(), 400);

    // A group for the commercial inbox; a department is refused there.
    let app = &app;
    let team = |kind: &'static str, name: &'static str| async move {
        app.post_json("/api/teams", &json!({ "kind": kind, "name": name }))
            .await
    };
    let sales: Value = team("group", "Ventas").await.json().await.unwrap();
    let desk: Value = team("department", "Postventa").await.json().await.unwrap();
    let wrong = put(
        "pre_sale_question",
        json!({ "target": "commercial", "team_id": desk["id"] }),
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let ok = put(
        "pre_sale_question",
        json!({ "target": "commercial", "team_id": sales["id"] }),
    )
    .await;
    assert_eq!(ok.status(), 200, "{:?}", ok.text().await);
    let ok = put("claim", json!({ "target": "generative_bot" })).await;
    assert_eq!(ok.status(), 200);

    let table = app.get_json("/api/routing").await;
    let row = |category: &str| {
        table
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["seller_id"] == seller && r["category"] == category)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        row("pre_sale_question")["route"]["target"],
        "commercial_group"
    );
    assert_eq!(row("claim")["module"], "bot");
    assert_eq!(row("post_sale_help")["configured"], false);
    assert_eq!(row("post_sale_help")["module"], "support", "the default");

    // A new question of that store goes to the group.
    let (qid, _) = app.ask("MLA", "¿Hacen factura A?").await;
    app.wait_for_notifications(1).await;
    app.drain().await;
    let conv = app.conversation_for(qid).await;
    assert_eq!(conv["module"], "commercial");
    assert_eq!(conv["assigned_team_id"], sales["id"]);
    let mine = app
        .get_json(&format!("/api/conversations?assignee=team:{}", sales["id"]))
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
}

/// Runs the queue until `found` sees what it waits for (notifications arrive asynchronously).
async fn until<T>(app: &TestApp, what: &str, mut found: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        app.drain().await;
        if let Some(v) = found().await {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("never happened: {what}");
}

async fn conversation_by_ref(app: &TestApp, category: &str, meli_ref: i64) -> Option<Value> {
    app.get_json(&format!("/api/conversations?limit=500&category={category}"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["meli_ref"].as_str() == Some(meli_ref.to_string().as_str()))
        .cloned()
}

async fn detail(app: &TestApp, id: i64) -> Value {
    app.get_json(&format!("/api/conversations/{id}")).await
}

async fn reply(app: &TestApp, id: i64, text: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/conversations/{id}/answer"),
        &json!({ "text": text }),
    )
    .await
}

fn last_message(detail: &Value) -> Value {
    detail["messages"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn a_buyer_buys_and_writes_and_the_support_desk_replies() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLB");
    let items = app.sim.items_of(seller.id);
    let purchase = app
        .sim
        .buy(&[items[0].as_str(), items[1].as_str()], None)
        .await
        .unwrap();
    assert!(purchase.pack_id.is_some(), "two listings make a pack");
    app.sim
        .buyer_message(purchase.conversation_id, "Olá, quando chega o pedido?")
        .await
        .unwrap();
    let conv = until(
        &app,
        "the buyer's message in the support desk",
        async || {
            conversation_by_ref(&app, "post_sale_help", purchase.conversation_id)
                .await
                .filter(|c| c["buyer_started"] == true)
        },
    )
    .await;
    assert_eq!(
        conv["module"], "support",
        "post-sale goes to the support desk by default"
    );
    assert_eq!(conv["status"], "open");
    let id = conv["id"].as_i64().unwrap();
    let shown = detail(&app, id).await;
    assert_eq!(shown["context"]["interaction_type"], "help");
    assert_eq!(shown["context"]["pack_orders"].as_array().unwrap().len(), 2);
    let order = &shown["context"]["order"];
    assert_eq!(order["currency_id"], "BRL");
    assert!(order["total_amount"].as_str().is_some(), "{order}");
    assert!(order["shipping_status"].is_string(), "{order}");
    assert_eq!(shown["composer"]["open"], true);
    assert_eq!(shown["composer"]["max_chars"], 350);

    let too_long = reply(&app, id, &"a".repeat(351)).await;
    assert_eq!(too_long.status(), 422);
    let sent = reply(&app, id, "Olá! Seu pedido chega amanhã.").await;
    assert_eq!(sent.status(), 202);
    let delivered = until(&app, "the reply delivered", async || {
        let d = detail(&app, id).await;
        (last_message(&d)["delivery"] == "sent").then_some(d)
    })
    .await;
    // Mercado Libre's copy of our reply, read back, is the same message, not a second one.
    app.drain().await;
    let thread = detail(&app, id).await;
    let ours: Vec<_> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["text"] == "Olá! Seu pedido chega amanhã.")
        .collect();
    assert_eq!(ours.len(), 1, "{thread}");
    assert_eq!(
        delivered["conversation"]["first_responder_id"],
        app.get_json("/api/me").await["id"]
    );
    let times = app.get_json("/api/answer-times").await;
    assert!(times["conversations"].as_u64().unwrap() >= 1, "{times}");
}

#[tokio::test]
async fn unsolicited_and_blocked_sends_are_refused_with_their_reasons() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLA");
    let items = app.sim.items_of(seller.id);
    let purchase = app.sim.buy(&[items[0].as_str()], None).await.unwrap();
    let conv = until(&app, "the sale in the support desk", async || {
        conversation_by_ref(&app, "post_sale_help", purchase.conversation_id).await
    })
    .await;
    let id = conv["id"].as_i64().unwrap();
    let shown = detail(&app, id).await;
    assert_eq!(shown["composer"]["open"], false);
    assert_eq!(shown["composer"]["closed_reason"], "not_buyer_started");
    let refused = reply(&app, id, "Hola, gracias por tu compra").await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_buyer_started");

    // The action guide is the way in, once per option.
    let options = shown["composer"]["action_guide"]["options"]
        .as_array()
        .unwrap()
        .clone();
    let other = options
        .iter()
        .find(|o| o["id"] == "OTHER")
        .unwrap_or_else(|| panic!("an OTHER option: {options:?}"));
    assert_eq!(other["cap_available"], 1);
    let start = app
        .post_json(
            &format!("/api/conversations/{id}/action-guide"),
            &json!({ "option_id": "OTHER", "text": "Hola, te escribimos por tu compra." }),
        )
        .await;
    assert_eq!(start.status(), 202, "{:?}", start.text().await);
    until(&app, "the option delivered", async || {
        let d = detail(&app, id).await;
        (last_message(&d)["delivery"] == "sent").then_some(())
    })
    .await;
    let again = app
        .post_json(
            &format!("/api/conversations/{id}/action-guide"),
            &json!({ "option_id": "OTHER", "text": "¿Recibiste?" }),
        )
        .await;
    assert_eq!(again.status(), 422);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["code"], "no_cap_available");

    // A conversation Mercado Libre blocks: the send is refused there, the reason is recorded,
    // and the composer then says why before anything else is queued.
    app.sim
        .buyer_message(purchase.conversation_id, "Todavía no llegó")
        .await
        .unwrap();
    until(&app, "the buyer's message", async || {
        let d = detail(&app, id).await;
        (d["composer"]["open"] == true).then_some(())
    })
    .await;
    app.sim
        .block_conversation(purchase.conversation_id, Some("blocked_by_time"))
        .await
        .unwrap();
    assert_eq!(reply(&app, id, "Ya sale hoy").await.status(), 202);
    let failed = until(&app, "the refused send", async || {
        let d = detail(&app, id).await;
        (last_message(&d)["delivery"] == "failed").then_some(d)
    })
    .await;
    assert!(
        last_message(&failed)["error"]
            .as_str()
            .unwrap()
            .contains("Mercado Libre refused it"),
        "{failed}"
    );
    let closed = detail(&app, id).await;
    assert_eq!(
        closed["composer"]["closed_reason"],
        "blocked:blocked_by_time"
    );
    let refused = reply(&app, id, "¿Me leés?").await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "blocked");
}

#[tokio::test]
async fn a_claim_is_answered_to_the_complainant_then_to_the_mediator() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLM");
    let items = app.sim.items_of(seller.id);
    let purchase = app.sim.buy(&[items[0].as_str()], None).await.unwrap();
    let claim_id = app
        .sim
        .open_claim(purchase.order_ids[0], Some("El producto llegó roto"))
        .await
        .unwrap();
    let conv = until(&app, "the claim in the support desk", async || {
        conversation_by_ref(&app, "claim", claim_id).await
    })
    .await;
    let id = conv["id"].as_i64().unwrap();
    let shown = detail(&app, id).await;
    assert_eq!(shown["context"]["interaction_type"], "claim");
    let claim = &shown["context"]["claim"];
    assert_eq!(claim["stage"], "claim");
    assert!(claim["reason_id"].is_string(), "{claim}");
    assert!(
        claim["available_actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "send_message_to_complainant" && a["due_date"].is_string()),
        "{claim}"
    );
    assert_eq!(shown["context"]["order"]["order_id"], purchase.order_ids[0]);
    assert_eq!(shown["composer"]["receiver_role"], "complainant");

    assert_eq!(
        reply(&app, id, "Lo sentimos, te enviamos otro.")
            .await
            .status(),
        202
    );
    let sent = until(&app, "the reply to the complainant", async || {
        let d = detail(&app, id).await;
        d["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["text"] == "Lo sentimos, te enviamos otro." && m["delivery"] == "sent")
            .cloned()
    })
    .await;
    assert_eq!(sent["receiver_role"], "complainant");

    app.sim.escalate_claim(claim_id).await.unwrap();
    until(&app, "the dispute", async || {
        let d = detail(&app, id).await;
        (d["context"]["claim"]["stage"] == "dispute").then_some(())
    })
    .await;
    let disputed = detail(&app, id).await;
    assert_eq!(disputed["composer"]["receiver_role"], "mediator");
    assert_eq!(
        reply(&app, id, "Adjuntamos el comprobante de envío.")
            .await
            .status(),
        202
    );
    let to_mediator = until(&app, "the reply to the mediator", async || {
        let d = detail(&app, id).await;
        d["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["text"] == "Adjuntamos el comprobante de envío." && m["delivery"] == "sent")
            .cloned()
    })
    .await;
    assert_eq!(to_mediator["receiver_role"], "mediator");
}
