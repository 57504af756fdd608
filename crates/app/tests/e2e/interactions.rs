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
