//! Behaviour: the marketplace rules the simulator enforces.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod common;
#[path = "behaviour/history.rs"]
mod history;
#[path = "behaviour/leads.rs"]
mod leads;

use std::time::Duration;

use common::*;
use meli_sim::{Faults, Lang, SimConfig, sample_questions};
use serde_json::{Value, json};

const MLA_SELLER: i64 = 5_283_746_190;
const MLB_SELLER: i64 = 2_876_543_210;
const BIG_BUYER: i64 = 9_007_199_254_740_993;

async fn token_post(sim: &meli_sim::SimHandle, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = http()
        .post(format!("{}/oauth/token", sim.base_url()))
        .form(form)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn oauth_full_flow() {
    let sim = start(config()).await;
    let app_id = SimConfig::default().app_id.to_string();
    let params = [
        ("response_type", "code"),
        ("client_id", app_id.as_str()),
        ("redirect_uri", REDIRECT),
        ("state", "st-123"),
        ("code_challenge", &challenge(VERIFIER)),
        ("code_challenge_method", "S256"),
    ];
    // The consent page, per language, lists the site's sellers.
    let page = http()
        .get(auth_url(&sim, "MLA"))
        .query(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Autorizar aplicación") && html.contains("TIENDA_PAMPA"));
    assert!(!html.contains("LOJA_PAULISTA"));
    let html = http()
        .get(auth_url(&sim, "MLB"))
        .query(&params)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Autorizar aplicativo") && html.contains("LOJA_PAULISTA"));

    // Bad parameters → an error page with 400.
    for (k, v) in [
        ("redirect_uri", "http://127.0.0.1:9/other"),
        ("client_id", "123"),
        ("response_type", "token"),
        ("code_challenge_method", "S512"),
    ] {
        let bad: Vec<(&str, &str)> = params
            .iter()
            .map(|&(pk, pv)| if pk == k { (pk, v) } else { (pk, pv) })
            .collect();
        let resp = http()
            .get(auth_url(&sim, "MLA"))
            .query(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{k}={v}");
    }

    // Wrong verifier → invalid_grant (and the code is spent).
    let code = authorize(&sim, "MLA", MLA_SELLER).await;
    assert!(code.starts_with("TG-") && code.ends_with(&format!("-{MLA_SELLER}")));
    let resp = exchange(
        &sim,
        &code,
        "not-the-verifier-not-the-verifier-not-the-verifier",
    )
    .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    assert_eq!(exchange(&sim, &code, VERIFIER).await.status(), 400);

    // Right verifier → tokens in the documented format; the code is single-use.
    let code = authorize(&sim, "MLA", MLA_SELLER).await;
    let resp = exchange(&sim, &code, VERIFIER).await;
    assert_eq!(resp.status(), 200);
    let tokens: Value = resp.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let parts: Vec<&str> = access.split('-').collect();
    assert_eq!(parts[0], "APP_USR");
    assert_eq!(parts[1], app_id);
    assert_eq!(parts[2].len(), 6);
    assert_eq!(parts[3].len(), 32);
    assert_eq!(parts[4], MLA_SELLER.to_string());
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 21600);
    assert_eq!(tokens["scope"], "offline_access read write");
    assert_eq!(tokens["user_id"], MLA_SELLER);
    assert!(tokens["refresh_token"].as_str().unwrap().starts_with("TG-"));
    assert_eq!(exchange(&sim, &code, VERIFIER).await.status(), 400);

    let (status, me) = get_json(&sim, Some(access), "/users/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["id"], MLA_SELLER);
    assert_eq!(me["nickname"], "TIENDA_PAMPA");
    // Legacy query-string token.
    let (status, _) = get_json(&sim, None, &format!("/users/me?access_token={access}")).await;
    assert_eq!(status, 200);

    // Refresh rotates; the old refresh token is dead; the new one works.
    let old_refresh = tokens["refresh_token"].as_str().unwrap();
    let resp = refresh(&sim, old_refresh).await;
    assert_eq!(resp.status(), 200);
    let rotated: Value = resp.json().await.unwrap();
    assert_ne!(rotated["refresh_token"], tokens["refresh_token"]);
    let resp = refresh(&sim, old_refresh).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"error_description": "Error validating grant. Your authorization code or refresh token may be expired or it was already used", "error": "invalid_grant", "status": 400, "cause": []})
    );
    let resp = refresh(&sim, rotated["refresh_token"].as_str().unwrap()).await;
    assert_eq!(resp.status(), 200);
    let latest: Value = resp.json().await.unwrap();
    let grants: Vec<(Option<String>, u16)> = sim
        .calls()
        .await
        .into_iter()
        .filter(|c| c.path == "/oauth/token")
        .map(|c| (c.grant_type, c.status))
        .collect();
    let grant = |g: &str, status| (Some(g.to_string()), status);
    assert_eq!(
        grants[grants.len() - 5..],
        [
            grant("authorization_code", 200),
            grant("authorization_code", 400),
            grant("refresh_token", 200),
            grant("refresh_token", 400),
            grant("refresh_token", 200),
        ],
        "the call log names each token call's grant"
    );

    // Expired access tokens → 401; refresh still works afterwards.
    sim.expire_access_tokens().await;
    let (status, body) = get_json(
        &sim,
        Some(latest["access_token"].as_str().unwrap()),
        "/users/me",
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"message": "invalid_token", "error": "not_found", "status": 401, "cause": []})
    );
    let (status, _) = get_json(&sim, None, "/users/me").await;
    assert_eq!(status, 401);
    let resp = refresh(&sim, latest["refresh_token"].as_str().unwrap()).await;
    assert_eq!(resp.status(), 200);
    let fresh: Value = resp.json().await.unwrap();
    assert_eq!(
        get_json(
            &sim,
            Some(fresh["access_token"].as_str().unwrap()),
            "/users/me"
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn token_endpoint_rejects_bad_requests() {
    let sim = start(config()).await;
    let app_id = SimConfig::default().app_id.to_string();
    let tokens = login(&sim, "MLA", MLA_SELLER).await;
    let rt = tokens["refresh_token"].as_str().unwrap();

    // JSON body → invalid_request.
    let resp = http()
        .post(format!("{}/oauth/token", sim.base_url()))
        .json(&json!({"grant_type": "refresh_token", "client_id": app_id, "client_secret": "sim-secret", "refresh_token": rt}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    // Query-string only → invalid_request.
    let resp = http()
        .post(format!("{}/oauth/token", sim.base_url()))
        .query(&[
            ("grant_type", "refresh_token"),
            ("client_id", &app_id),
            ("client_secret", "sim-secret"),
            ("refresh_token", rt),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );

    let (status, body) = token_post(
        &sim,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &app_id),
            ("client_secret", "wrong"),
            ("refresh_token", rt),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = token_post(
        &sim,
        &[
            ("grant_type", "password"),
            ("client_id", &app_id),
            ("client_secret", "sim-secret"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    // None of that consumed the refresh token.
    assert_eq!(refresh(&sim, rt).await.status(), 200);
}

#[tokio::test]
async fn one_answer_per_question_and_text_limits() {
    let rx = receiver(0).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let item = &sim.items_of(MLA_SELLER)[2];
    let qid = sim
        .ask_question(item, Some(BIG_BUYER), "¿Tenés talle M?")
        .await
        .unwrap();
    let q = sim.question_json(qid).await.unwrap();
    assert_eq!(q["status"], "UNANSWERED");
    assert_eq!(
        q["buyer_id"].as_i64(),
        Some(BIG_BUYER),
        "ids above 2^53 survive"
    );

    let post = |body: String| {
        let (sim, token) = (sim.clone(), token.clone());
        async move { post_json(&sim, &token, "/answers", &body).await }
    };
    // Body validation.
    let (status, body) = post(format!(
        r#"{{"question_id": {qid}, "text": "hola", "extra": 1}}"#
    ))
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_post_body"))
    );
    let (status, body) = post("not json".to_owned()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_post_body"))
    );
    let (status, body) = post(r#"{"question_id": "abc", "text": "hola"}"#.to_owned()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_question"))
    );
    let (status, body) = post(r#"{"question_id": 1.5, "text": "hola"}"#.to_owned()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_question"))
    );
    // Only a JSON integer: a numeric string is refused too.
    let (status, body) = post(format!(r#"{{"question_id": "{qid}", "text": "hola"}}"#)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_question"))
    );
    assert_eq!(
        sim.question_json(qid).await.unwrap()["status"],
        "UNANSWERED"
    );

    // 2,001 characters (multi-byte) refused; 2,000 accepted.
    let (status, body) =
        post(json!({"question_id": qid, "text": "ñ".repeat(2001)}).to_string()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        sim.question_json(qid).await.unwrap()["status"],
        "UNANSWERED"
    );
    let (status, body) =
        post(json!({"question_id": qid, "text": "ñ".repeat(2000)}).to_string()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], qid);
    assert_eq!(body["status"], "ANSWERED");
    assert_eq!(body["answer"]["status"], "ACTIVE");
    assert_eq!(
        body["answer"]["text"].as_str().unwrap().chars().count(),
        2000
    );

    // A second answer → not_unanswered_question.
    let (status, body) = post(json!({"question_id": qid, "text": "otra"}).to_string()).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": format!("Question {qid} is not unanswered"), "error": "not_unanswered_question", "status": 400, "cause": []})
    );

    // Another seller may not answer; unknown questions are 404.
    let other = token_of(&login(&sim, "MLB", MLB_SELLER).await);
    let qid2 = sim.ask_question(item, None, "¿Es original?").await.unwrap();
    let (status, _) = post_json(
        &sim,
        &other,
        "/answers",
        &json!({"question_id": qid2, "text": "sí"}).to_string(),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = post(json!({"question_id": 1, "text": "sí"}).to_string()).await;
    assert_eq!(status, 404);

    // Asking and answering each notified the seller: resources of both questions arrived.
    let bodies = rx.bodies.clone();
    let resource = format!("/questions/{qid}");
    assert!(
        eventually(Duration::from_secs(5), || async {
            bodies
                .lock()
                .await
                .iter()
                .filter(|b| b["resource"] == resource.as_str())
                .count()
                >= 2
        })
        .await,
        "expected a notification for the question and one for its answer"
    );
}

#[tokio::test]
async fn question_search_filters() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let items = sim.items_of(MLA_SELLER);
    let a = sim
        .ask_question(&items[4], Some(BIG_BUYER), "¿Tenés stock?")
        .await
        .unwrap();
    let b = sim
        .ask_question(&items[4], Some(4_412_983_377), "¿Hacen envíos?")
        .await
        .unwrap();
    let c = sim
        .ask_question(&items[5], Some(BIG_BUYER), "¿Garantía?")
        .await
        .unwrap();

    let search = |q: String| {
        let (sim, token) = (sim.clone(), token.clone());
        async move {
            get_json(
                &sim,
                Some(&token),
                &format!("/questions/search?api_version=4&{q}"),
            )
            .await
        }
    };
    let ids = |v: &Value| -> Vec<i64> {
        v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["id"].as_i64().unwrap())
            .collect()
    };

    // By seller: the 3 seeded (1 answered), the seeded question lead's (answered) + 3 new;
    // default newest first.
    let (status, all) = search(format!("seller_id={MLA_SELLER}")).await;
    assert_eq!(status, 200);
    assert_eq!(all["total"], 7);
    assert_eq!(all["limit"], 50);
    assert_eq!(ids(&all)[0], c);
    let (_, unanswered) = search(format!("seller_id={MLA_SELLER}&status=UNANSWERED")).await;
    assert_eq!(unanswered["total"], 5);
    let (_, answered) = search(format!("seller_id={MLA_SELLER}&status=ANSWERED")).await;
    assert_eq!(answered["total"], 2);
    assert!(answered["questions"][0]["answer"]["text"].is_string());

    let (_, by_item) = search(format!("item={}", items[4])).await;
    assert_eq!(by_item["total"], 2);
    assert_eq!(by_item["filters"]["item"], items[4].as_str());
    let (_, by_item_id) = search(format!("item_id={}", items[4])).await;
    assert_eq!(by_item_id["total"], 2);
    let (_, from) = search(format!("item={}&from={BIG_BUYER}", items[4])).await;
    assert_eq!(ids(&from), vec![a]);
    assert_eq!(from["questions"][0]["from"]["id"].as_i64(), Some(BIG_BUYER));

    // Sorting and paging.
    let (_, asc) = search(format!(
        "item={}&sort_fields=date_created&sort_types=ASC",
        items[4]
    ))
    .await;
    assert_eq!(ids(&asc), vec![a, b]);
    let (_, page) = search(format!("seller_id={MLA_SELLER}&limit=2&offset=1")).await;
    assert_eq!(page["total"], 7);
    assert_eq!(page["limit"], 2);
    assert_eq!(ids(&page).len(), 2);
    assert_eq!(ids(&page)[0], b);

    // Only the seller sees their questions; bad parameters are 400.
    let (status, body) = search(format!("seller_id={MLB_SELLER}")).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("forbidden")));
    let (status, _) = search(format!("item={}", sim.items_of(MLB_SELLER)[0])).await;
    assert_eq!(status, 403);
    assert_eq!(search("status=UNANSWERED".to_owned()).await.0, 400);
    assert_eq!(
        search(format!("seller_id={MLA_SELLER}&limit=abc")).await.0,
        400
    );
    assert_eq!(
        search(format!("seller_id={MLA_SELLER}&sort_fields=price"))
            .await
            .0,
        400
    );
    let (status, _) = get_json(
        &sim,
        None,
        &format!("/questions/search?seller_id={MLA_SELLER}"),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn items_and_multiget() {
    let sim = start(config()).await;
    let mla = sim.items_of(MLA_SELLER);
    let mlb = sim.items_of(MLB_SELLER);
    assert!(mla.len() + mlb.len() + sim.items_of(7_398_465_021).len() >= 20);

    let (status, item) = get_json(&sim, None, &format!("/items/{}", mla[0])).await;
    assert_eq!(status, 200);
    assert_eq!(item["currency_id"], "ARS");
    assert_eq!(
        item["price"].to_string(),
        "45999.99",
        "exact decimal on the wire"
    );
    assert!(item["permalink"].as_str().unwrap().starts_with(&format!(
        "https://articulo.mercadolibre.com.ar/MLA-{}-auriculares-inalambricos-sony",
        &mla[0][3..]
    )));
    assert!(item["permalink"].as_str().unwrap().ends_with("-_JM"));
    let (_, brl) = get_json(&sim, None, &format!("/items/{}", mlb[0])).await;
    assert_eq!(brl["price"].to_string(), "189.9");
    assert_eq!(brl["currency_id"], "BRL");

    // The picture is served by the simulator itself.
    let thumb = item["thumbnail"].as_str().unwrap();
    assert!(thumb.starts_with(&sim.base_url()));
    let resp = http().get(thumb).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/svg+xml");
    assert!(resp.text().await.unwrap().contains(">AI<"));

    // Field selection.
    let (_, slim) = get_json(
        &sim,
        None,
        &format!("/items/{}?attributes=id,price,title", mla[0]),
    )
    .await;
    assert_eq!(slim.as_object().unwrap().len(), 3);

    // Multiget: verbose per-id results, 404 bodies inline, at most 20 ids.
    let (status, multi) = get_json(
        &sim,
        None,
        &format!("/items?ids={},MLA1&attributes=id,price", mla[1]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(multi[0]["code"], 200);
    assert_eq!(multi[0]["body"]["id"], mla[1].as_str());
    assert_eq!(multi[0]["body"].as_object().unwrap().len(), 2);
    assert_eq!(multi[1]["code"], 404);
    assert_eq!(multi[1]["body"]["error"], "not_found");
    let twenty: Vec<String> = mla
        .iter()
        .chain(mlb.iter())
        .cycle()
        .take(20)
        .cloned()
        .collect();
    assert_eq!(
        get_json(&sim, None, &format!("/items?ids={}", twenty.join(",")))
            .await
            .0,
        200
    );
    let twenty_one: Vec<String> = mla
        .iter()
        .chain(mlb.iter())
        .cycle()
        .take(21)
        .cloned()
        .collect();
    let (status, body) =
        get_json(&sim, None, &format!("/items?ids={}", twenty_one.join(","))).await;
    assert_eq!((status, body["status"].as_i64()), (400, Some(400)));

    // A bad token is refused even on public routes; unknown routes are JSON 404s.
    assert_eq!(
        get_json(&sim, Some("bogus"), &format!("/items/{}", mla[0]))
            .await
            .0,
        401
    );
    assert_eq!(get_json(&sim, None, "/nope").await.0, 404);
}

#[tokio::test]
async fn users_public_and_private() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let (status, buyer) = get_json(&sim, Some(&token), &format!("/users/{BIG_BUYER}")).await;
    assert_eq!(status, 200);
    assert_eq!(buyer["id"].as_i64(), Some(BIG_BUYER));
    assert!(buyer.get("email").is_none());
    let (_, own) = get_json(&sim, Some(&token), &format!("/users/{MLA_SELLER}")).await;
    assert!(own["email"].is_string());
    assert_eq!(get_json(&sim, None, "/users/1").await.0, 404);
    assert!(sim.buyers().iter().any(|b| b.id == BIG_BUYER));
    assert!(sim.buyers().len() >= 8);
    assert!(!sample_questions(Lang::Pt).is_empty() && !sample_questions(Lang::Es).is_empty());
}

#[tokio::test]
async fn notification_retries_until_delivered() {
    let rx = receiver(2).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    let item = &sim.items_of(MLB_SELLER)[0];
    let qid = sim
        .ask_question(item, None, "Tem em estoque?")
        .await
        .unwrap();
    let resource = format!("/questions/{qid}");
    let s = sim.clone();
    let delivered = eventually(Duration::from_secs(5), || {
        let s = s.clone();
        async move { s.deliveries().await.iter().any(|d| d.status == Some(200)) }
    })
    .await;
    assert!(delivered);
    let log = sim.deliveries().await;
    let attempts: Vec<(u32, Option<u16>)> = log
        .iter()
        .filter(|d| d.resource == resource)
        .map(|d| (d.attempt, d.status))
        .collect();
    assert_eq!(
        attempts,
        vec![(1, Some(500)), (2, Some(500)), (3, Some(200))]
    );
    assert!(log[0].error.is_some() && log[2].error.is_none());
    let bodies = rx.bodies.lock().await.clone();
    let counts: Vec<i64> = bodies
        .iter()
        .map(|b| b["attempts"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![1, 2, 3]);
    assert!(
        bodies
            .iter()
            .all(|b| b["_id"] == bodies[0]["_id"] && b["received"] == bodies[0]["received"])
    );
    // Delivered, so not missed.
    let token = token_of(&login(&sim, "MLB", MLB_SELLER).await);
    let (_, feeds) = get_json(&sim, Some(&token), "/missed_feeds?app_id=2069392825111111").await;
    assert_eq!(feeds["messages"], json!([]));
}

#[tokio::test]
async fn notification_failing_eight_times_goes_to_missed_feeds() {
    let rx = receiver(u32::MAX).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let items = sim.items_of(MLA_SELLER);
    for (n, text) in sample_questions(Lang::Es).iter().take(3).enumerate() {
        sim.ask_question(&items[n], None, text).await.unwrap();
    }
    let path = "/missed_feeds?app_id=2069392825111111";
    let s = sim.clone();
    let t = token.clone();
    let all_missed = eventually(Duration::from_secs(15), || {
        let (s, t) = (s.clone(), t.clone());
        async move {
            get_json(&s, Some(&t), path).await.1["messages"]
                .as_array()
                .is_some_and(|m| m.len() == 3)
        }
    })
    .await;
    assert!(all_missed);
    assert_eq!(
        rx.hits.load(std::sync::atomic::Ordering::SeqCst),
        24,
        "8 attempts each"
    );
    let (_, feeds) = get_json(&sim, Some(&token), path).await;
    let first = &feeds["messages"][0];
    assert_eq!(first["attempts"], 8);
    assert_eq!(first["user_id"], MLA_SELLER);
    assert_eq!(first["response"]["http_code"], 500);
    assert_eq!(first["response"]["body"], "boom");
    let data: Value = serde_json::from_str(first["request"]["data"].as_str().unwrap()).unwrap();
    assert_eq!(data["attempts"], 8);
    assert_eq!(first["request"]["url"], rx.url.as_str());

    // Paging and topic filter; app_id is required and must be ours.
    let (_, page) = get_json(&sim, Some(&token), &format!("{path}&offset=1&limit=1")).await;
    assert_eq!(page["messages"].as_array().unwrap().len(), 1);
    assert_eq!(page["messages"][0]["_id"], feeds["messages"][1]["_id"]);
    let (_, other) = get_json(&sim, Some(&token), &format!("{path}&topic=orders_v2")).await;
    assert_eq!(other["messages"], json!([]));
    assert_eq!(get_json(&sim, Some(&token), "/missed_feeds").await.0, 400);
    assert_eq!(
        get_json(&sim, Some(&token), "/missed_feeds?app_id=1")
            .await
            .0,
        403
    );
    let per_notification = sim
        .deliveries()
        .await
        .iter()
        .filter(|d| d.attempt == 8)
        .count();
    assert_eq!(per_notification, 3);
}

#[tokio::test]
async fn fault_injection() {
    let rx = receiver(0).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let item = sim.items_of(MLA_SELLER)[0].clone();
    let path = format!("/items/{item}");

    sim.set_faults(Faults {
        rate_limit_429: 1.0,
        ..Faults::default()
    })
    .await;
    let (status, body) = get_json(&sim, Some(&token), &path).await;
    assert_eq!(status, 429);
    assert_eq!(
        body,
        json!({"message": "too many calls, temporarily rejected; retry in a few seconds", "error": "local_rate_limited", "status": 429, "cause": []})
    );
    let resp = http()
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("retry-after").is_none());
    sim.set_faults(Faults {
        rate_limit_429: 1.0,
        retry_after: Some(Duration::from_secs(3)),
        ..Faults::default()
    })
    .await;
    let resp = http()
        .get(format!("{}{path}", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "3");
    // The control API is never faulted.
    let (status, _) = get_json(&sim, None, "/_sim/sellers").await;
    assert_eq!(status, 200);

    sim.set_faults(Faults {
        fail_rate_5xx: 1.0,
        ..Faults::default()
    })
    .await;
    let (status, body) = get_json(&sim, Some(&token), &path).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (500, Some("internal_server_error"))
    );

    // Half the calls fail: both outcomes show up (the dice are seeded).
    sim.set_faults(Faults {
        fail_rate_5xx: 0.5,
        ..Faults::default()
    })
    .await;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        seen.insert(get_json(&sim, Some(&token), &path).await.0);
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![200, 500]);

    sim.set_faults(Faults {
        latency: Duration::from_millis(150),
        ..Faults::default()
    })
    .await;
    let began = std::time::Instant::now();
    assert_eq!(get_json(&sim, Some(&token), &path).await.0, 200);
    assert!(began.elapsed() >= Duration::from_millis(150));

    // Dropped notifications go straight to /missed_feeds, never POSTed.
    sim.set_faults(Faults {
        drop_notifications: 1.0,
        ..Faults::default()
    })
    .await;
    sim.ask_question(&item, None, "¿Hay stock?").await.unwrap();
    sim.set_faults(Faults::default()).await;
    let (_, feeds) = get_json(&sim, Some(&token), "/missed_feeds?app_id=2069392825111111").await;
    assert_eq!(feeds["messages"].as_array().unwrap().len(), 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rx.hits.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test]
async fn control_api() {
    let rx = receiver(0).await;
    let sim = start(config()).await;
    let client = http();
    let base = sim.base_url();
    let resp = client
        .put(format!("{base}/_sim/notification_url"))
        .json(&json!({"url": rx.url}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let sellers: Value = client
        .get(format!("{base}/_sim/sellers"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sellers.as_array().unwrap().len(), 3);
    let item = sellers[0]["items"][0].as_str().unwrap().to_owned();
    let resp = client
        .post(format!("{base}/_sim/questions"))
        .json(&json!({"item_id": item, "text": "¿Tenés stock?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let qid = resp.json::<Value>().await.unwrap()["question_id"]
        .as_i64()
        .unwrap();
    let q: Value = client
        .get(format!("{base}/_sim/questions/{qid}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(q["status"], "UNANSWERED");
    let hits = rx.hits.clone();
    assert!(
        eventually(Duration::from_secs(5), || async {
            hits.load(std::sync::atomic::Ordering::SeqCst) == 1
        })
        .await
    );
    let log: Value = client
        .get(format!("{base}/_sim/deliveries"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log[0]["status"], 200);
    let resp = client
        .put(format!("{base}/_sim/faults"))
        .json(&json!({"rate_limit_429": 1.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(get_json(&sim, None, &format!("/items/{item}")).await.0, 429);
    let calls: Value = client
        .get(format!("{base}/_sim/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = calls.as_array().unwrap().last().unwrap();
    assert_eq!(
        last,
        &json!({"method": "GET", "path": format!("/items/{item}"), "status": 429,
                "grant_type": null, "injected": true}),
        "the call log records injected answers"
    );
    let resp = client
        .put(format!("{base}/_sim/faults"))
        .json(&json!({"rate_limit_429": 2.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = client
        .post(format!("{base}/_sim/questions"))
        .json(&json!({"item_id": "MLA1", "text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let resp = client
        .post(format!("{base}/_sim/questions"))
        .json(&json!({"item_id": item, "text": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    sim.shutdown();
}

#[tokio::test]
async fn seed_is_deterministic() {
    let a = start(SimConfig {
        seed: 7,
        ..config()
    })
    .await;
    let b = start(SimConfig {
        seed: 7,
        ..config()
    })
    .await;
    let c = start(SimConfig {
        seed: 8,
        ..config()
    })
    .await;
    assert_eq!(a.items_of(MLA_SELLER), b.items_of(MLA_SELLER));
    assert_ne!(a.items_of(MLA_SELLER), c.items_of(MLA_SELLER));
    assert_eq!(a.sellers(), c.sellers());
    let sites: Vec<String> = a.sellers().iter().map(|s| s.site_id.clone()).collect();
    assert_eq!(sites, vec!["MLA", "MLB", "MLM"]);
}

#[tokio::test]
async fn slow_callback_counts_as_failure() {
    let rx = slow_receiver(Duration::from_millis(800)).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    sim.ask_question(&sim.items_of(MLA_SELLER)[0], None, "¿Tenés stock?")
        .await
        .unwrap();
    let s = sim.clone();
    let delivered = eventually(Duration::from_secs(5), || {
        let s = s.clone();
        async move { s.deliveries().await.iter().any(|d| d.error.is_none()) }
    })
    .await;
    assert!(delivered);
    let log = sim.deliveries().await;
    assert_eq!(log[0].attempt, 1);
    assert!(
        log[0].error.as_deref().unwrap().contains("500 ms"),
        "{log:?}"
    );
    assert_eq!((log[1].attempt, log[1].status), (2, Some(200)));
}

#[tokio::test]
async fn deleted_and_banned_questions_are_hidden_from_all_but_the_seller() {
    let sim = start(config()).await;
    let seller = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let other = token_of(&login(&sim, "MLB", MLB_SELLER).await);
    let item = sim.items_of(MLA_SELLER)[0].clone();
    for status in ["DELETED", "BANNED"] {
        let qid = sim.ask_question(&item, None, "¿Hay stock?").await.unwrap();
        let path = format!("/questions/{qid}?api_version=4");
        // Visible to anyone while it is an ordinary question.
        assert_eq!(get_json(&sim, None, &path).await.0, 200);
        assert!(sim.set_question_status(qid, status).await);
        let (code, body) = get_json(&sim, None, &path).await;
        assert_eq!(code, 404, "{status} without a token: {body}");
        assert_eq!(
            (body["error"].as_str(), body["message"].as_str()),
            (Some("not_found"), Some("question not found"))
        );
        let (code, _) = get_json(&sim, Some(&other), &path).await;
        assert_eq!(code, 404, "{status} with another seller's token");
        let (code, body) = get_json(&sim, Some(&seller), &path).await;
        assert_eq!((code, body["status"].as_str()), (200, Some(status)));
    }
    assert!(!sim.set_question_status(1, "DELETED").await);
}

// ---------------------------------------------------------------------------------------------
// Post-sale rules.

const MLM_SELLER: i64 = 7_398_465_021;
const MLB_BUYER: i64 = 5_561_234_987;

fn pack_path(pack: i64, seller: i64) -> String {
    format!("/messages/packs/{pack}/sellers/{seller}?tag=post_sale")
}

fn send_body(from: i64, to: i64, text: &str) -> String {
    json!({"from": {"user_id": from.to_string()}, "to": {"user_id": to.to_string()}, "text": text})
        .to_string()
}

/// A fresh MLB purchase (one listing, or a pack of two) and the seller's token.
async fn mlb_purchase(sim: &meli_sim::SimHandle, pack: bool) -> (String, meli_sim::Purchase) {
    let token = token_of(&login(sim, "MLB", MLB_SELLER).await);
    let items = sim.items_of(MLB_SELLER);
    let cart: Vec<&str> = if pack {
        vec![&items[3], &items[4]]
    } else {
        vec![&items[3]]
    };
    let purchase = sim.buy(&cart, Some(MLB_BUYER)).await.unwrap();
    (token, purchase)
}

#[tokio::test]
async fn orders_are_scoped_to_their_seller() {
    let sim = start(config()).await;
    let (token, single) = mlb_purchase(&sim, false).await;
    let pack = sim
        .buy(
            &[
                &sim.items_of(MLB_SELLER)[0],
                &sim.items_of(MLB_SELLER)[0],
                &sim.items_of(MLB_SELLER)[1],
            ],
            None,
        )
        .await
        .unwrap();
    let order = single.order_ids[0];

    // A one-listing purchase has no pack: its conversation is addressed by the order id.
    let (status, body) = get_json(&sim, Some(&token), &format!("/orders/{order}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["pack_id"], Value::Null);
    assert_eq!(single.conversation_id, order);
    assert_eq!(body["buyer"]["id"], MLB_BUYER);
    assert_eq!(body["shipping"]["id"], single.shipment_id);
    assert_eq!(
        get_json(&sim, Some(&token), &format!("/packs/{order}"))
            .await
            .0,
        404
    );
    // Several listings: one order each, one pack, one shipment; a repeated id is two units.
    assert_eq!(pack.order_ids.len(), 2);
    let first = sim.order_json(pack.order_ids[0]).await.unwrap();
    assert_eq!(first["pack_id"], pack.pack_id.unwrap());
    assert_eq!(first["order_items"][0]["quantity"], 2);
    let unit = first["order_items"][0]["unit_price"].as_f64().unwrap();
    assert_eq!(first["total_amount"].as_f64().unwrap(), unit * 2.0);
    assert!(
        first["tags"]
            .as_array()
            .unwrap()
            .contains(&json!("pack_order"))
    );
    let (status, body) = get_json(
        &sim,
        Some(&token),
        &format!("/packs/{}", pack.pack_id.unwrap()),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["shipment"]["id"], pack.shipment_id);

    // Another seller's token, no token, unknown ids.
    let other = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    for path in [
        format!("/orders/{order}"),
        format!("/orders/{order}/billing_info"),
        format!("/packs/{}", pack.pack_id.unwrap()),
    ] {
        let (status, body) = get_json(&sim, Some(&other), &path).await;
        assert_eq!(status, 403, "{path}");
        assert_eq!(body["message"], "The user has not access to the order");
    }
    let (status, _) = get_json(
        &sim,
        Some(&other),
        &format!("/shipments/{}", single.shipment_id),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        get_json(&sim, None, &format!("/orders/{order}")).await.0,
        401
    );
    assert_eq!(get_json(&sim, Some(&token), "/orders/1").await.0, 404);
    assert_eq!(get_json(&sim, Some(&token), "/shipments/1").await.0, 404);
}

#[tokio::test]
async fn order_search_filters_and_limits() {
    let sim = start(config()).await;
    let (token, purchase) = mlb_purchase(&sim, false).await;
    let search = |query: String| {
        let (sim, token) = (sim.clone(), token.clone());
        async move { get_json(&sim, Some(&token), &format!("/orders/search?{query}")).await }
    };
    let (status, all) = search(format!("seller={MLB_SELLER}")).await;
    assert_eq!(status, 200);
    let total = all["paging"]["total"].as_u64().unwrap();
    assert!(total >= 7, "seeded orders plus the new one: {total}");
    assert_eq!(all["paging"]["limit"], 50);
    assert_eq!(all["sort"]["id"], "date_asc");
    let dates: Vec<&str> = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["date_created"].as_str().unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "ascending by default"
    );
    let (_, desc) = search(format!("seller={MLB_SELLER}&sort=date_desc")).await;
    assert_eq!(desc["results"][0]["id"], purchase.order_ids[0]);

    // Incremental sync: only what changed since a moment.
    let since =
        (chrono::Utc::now() - chrono::TimeDelta::minutes(1)).format("%Y-%m-%dT%H:%M:%S.000-00:00");
    let (status, recent) = search(format!(
        "seller={MLB_SELLER}&order.date_last_updated.from={since}"
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(recent["paging"]["total"], 1);
    assert_eq!(recent["results"][0]["id"], purchase.order_ids[0]);
    let (_, none) = search(format!(
        "seller={MLB_SELLER}&order.date_created.to=2000-01-01T00:00:00.000-0300"
    ))
    .await;
    assert_eq!(none["paging"]["total"], 0);
    let (_, paid) = search(format!("seller={MLB_SELLER}&order.status=paid")).await;
    assert_eq!(paid["paging"]["total"].as_u64(), Some(total));
    let (_, cancelled) = search(format!("seller={MLB_SELLER}&order.status=cancelled")).await;
    assert_eq!(cancelled["paging"]["total"], 0);
    let (_, by_id) = search(format!("seller={MLB_SELLER}&q={}", purchase.order_ids[0])).await;
    assert_eq!(by_id["paging"]["total"], 1);

    // Paging: at most 51 per page, offset up to 10,000.
    let (_, page) = search(format!("seller={MLB_SELLER}&limit=2&offset=1")).await;
    assert_eq!(page["results"].as_array().unwrap().len(), 2);
    assert_eq!(page["paging"]["offset"], 1);
    assert_eq!(page["results"][0]["id"], all["results"][1]["id"]);
    assert_eq!(search(format!("seller={MLB_SELLER}&limit=51")).await.0, 200);
    assert_eq!(search(format!("seller={MLB_SELLER}&limit=52")).await.0, 400);
    assert_eq!(
        search(format!("seller={MLB_SELLER}&offset=10000")).await.0,
        200
    );
    assert_eq!(
        search(format!("seller={MLB_SELLER}&offset=10001")).await.0,
        400
    );
    assert_eq!(
        search(format!("seller={MLB_SELLER}&sort=price")).await.0,
        400
    );
    assert_eq!(
        search(format!(
            "seller={MLB_SELLER}&order.date_created.from=yesterday"
        ))
        .await
        .0,
        400
    );
    assert_eq!(search("limit=1".to_owned()).await.0, 400);
    assert_eq!(search(format!("seller={MLA_SELLER}")).await.0, 403);
}

#[tokio::test]
async fn pack_messages_mark_as_read_unless_told_not_to() {
    let sim = start(config()).await;
    let (token, purchase) = mlb_purchase(&sim, true).await;
    let pack = purchase.conversation_id;
    let path = pack_path(pack, MLB_SELLER);
    sim.buyer_message(pack, "Olá, quando enviam?")
        .await
        .unwrap();
    let unread = |sim: meli_sim::SimHandle, token: String| async move {
        let (_, body) = get_json(
            &sim,
            Some(&token),
            "/messages/unread?role=seller&tag=post_sale",
        )
        .await;
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == format!("/packs/{pack}/sellers/{MLB_SELLER}"))
            .map(|r| r["count"].as_u64().unwrap())
    };
    assert_eq!(unread(sim.clone(), token.clone()).await, Some(1));

    let (status, page) = get_json(&sim, Some(&token), &format!("{path}&mark_as_read=false")).await;
    assert_eq!(status, 200);
    assert_eq!(page["messages"][0]["message_date"]["read"], Value::Null);
    assert_eq!(page["conversation_status"]["status"], "active");
    assert_eq!(unread(sim.clone(), token.clone()).await, Some(1));
    // GET /messages/{id} never marks.
    let id = page["messages"][0]["id"].as_str().unwrap();
    assert_eq!(
        get_json(&sim, Some(&token), &format!("/messages/{id}?tag=post_sale"))
            .await
            .0,
        200
    );
    assert_eq!(unread(sim.clone(), token.clone()).await, Some(1));

    let (_, page) = get_json(&sim, Some(&token), &path).await;
    assert!(page["messages"][0]["message_date"]["read"].is_string());
    assert_eq!(unread(sim.clone(), token.clone()).await, None);

    // tag=post_sale is mandatory; only the pack's seller reads it.
    let no_tag = format!("/messages/packs/{pack}/sellers/{MLB_SELLER}");
    let (status, body) = get_json(&sim, Some(&token), &no_tag).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "bad_request");
    let (status, _) = get_json(&sim, Some(&token), "/messages/unread?tag=post_sale").await;
    assert_eq!(status, 400, "role is required");
    let other = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    assert_eq!(get_json(&sim, Some(&other), &path).await.0, 403);
    assert_eq!(
        get_json(&sim, Some(&other), &format!("/messages/{id}?tag=post_sale"))
            .await
            .0,
        403
    );
    assert_eq!(
        get_json(&sim, Some(&token), &pack_path(1, MLB_SELLER))
            .await
            .0,
        404
    );
    // Newest first, with paging.
    sim.buyer_message(pack, "Segunda mensagem").await.unwrap();
    let (_, page) = get_json(&sim, Some(&token), &format!("{path}&limit=1")).await;
    assert_eq!(page["paging"]["total"], 2);
    assert_eq!(page["messages"].as_array().unwrap().len(), 1);
    assert_eq!(page["messages"][0]["text"], "Segunda mensagem");
}

#[tokio::test]
async fn seller_text_rules() {
    let sim = start(config()).await;
    let (token, purchase) = mlb_purchase(&sim, false).await;
    let pack = purchase.conversation_id;
    sim.buyer_message(pack, "Olá!").await.unwrap();
    let path = pack_path(pack, MLB_SELLER);
    let send = |body: String| {
        let (sim, token, path) = (sim.clone(), token.clone(), path.clone());
        async move { post_json(&sim, &token, &path, &body).await }
    };
    let expect = |status: u16, message: &'static str| {
        move |(s, body): (u16, Value)| {
            assert_eq!(s, status, "{body}");
            assert_eq!(body["message"], message);
            assert_eq!(body["status_code"], status);
        }
    };
    expect(
        400,
        "The message content is too long, max characters allowed are 350",
    )(send(send_body(MLB_SELLER, MLB_BUYER, &"á".repeat(351))).await);
    expect(400, "The text has character/s that is/are not supported.")(
        send(send_body(MLB_SELLER, MLB_BUYER, "Custa 10 €")).await,
    );
    expect(400, "The text has character/s that is/are not supported.")(
        send(send_body(MLB_SELLER, MLB_BUYER, "Oi 🦄")).await,
    );
    expect(400, "A JSON body is required")(send("nope".to_owned()).await);
    expect(400, "The field 'from' is required")(
        send(json!({"to": {"user_id": MLB_BUYER}, "text": "x"}).to_string()).await,
    );
    expect(400, "The field 'to.user_id' is required")(
        send(json!({"from": {"user_id": MLB_SELLER}, "text": "x"}).to_string()).await,
    );
    expect(400, "Invalid 'to' user id")(
        send(
            json!({"from": {"user_id": MLB_SELLER}, "to": {"user_id": "abc"}, "text": "x"})
                .to_string(),
        )
        .await,
    );
    expect(400, "Sender and received must not be equals")(
        send(send_body(MLB_SELLER, MLB_SELLER, "x")).await,
    );
    expect(400, "The field 'text' is required")(send(send_body(MLB_SELLER, MLB_BUYER, " ")).await);
    let (status, body) = send(send_body(MLA_SELLER, MLB_BUYER, "x")).await;
    assert_eq!(status, 403);
    assert_eq!(
        body["message"],
        format!("Access denied for user {MLA_SELLER} to order {pack}")
    );
    let (status, body) = send(send_body(MLB_SELLER, BIG_BUYER, "x")).await;
    assert_eq!(status, 403);
    assert_eq!(
        body["message"],
        format!("Receiver does not belong to order {pack}")
    );
    let with_file = json!({"from": {"user_id": MLB_SELLER}, "to": {"user_id": MLB_BUYER}, "text": "x", "attachments": ["nope.pdf"]});
    expect(422, "Attachment key is invalid or not found")(send(with_file.to_string()).await);

    // Exactly 350 latin-1 characters with allowed emoji, and ids as numbers, are fine; so is
    // the site's 2026 messaging agent as receiver.
    let text = format!("{}👍❤️", "ç".repeat(347));
    assert_eq!(text.chars().count(), 350);
    let body = json!({"from": {"user_id": MLB_SELLER}, "to": {"user_id": MLB_BUYER}, "text": text});
    let (status, sent) = send(body.to_string()).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["status"], "available");
    assert_eq!(sent["from"]["user_id"], MLB_SELLER);
    let (status, _) = send(send_body(
        MLB_SELLER,
        3_037_675_074,
        "Olá, seu pedido foi enviado.",
    ))
    .await;
    assert_eq!(status, 201);
    let (_, page) = get_json(&sim, Some(&token), &path).await;
    assert_eq!(page["paging"]["total"], 3);
    assert_eq!(page["seller_max_message_length"], 350);
}

#[tokio::test]
async fn seller_starts_only_through_the_action_guide() {
    let rx = receiver(0).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    let (token, purchase) = mlb_purchase(&sim, true).await;
    let pack = purchase.conversation_id;
    let path = pack_path(pack, MLB_SELLER);

    // Nobody wrote yet: blocked for the seller, with the action-guide substatus.
    let (_, page) = get_json(&sim, Some(&token), &path).await;
    assert_eq!(page["conversation_status"]["status"], "blocked");
    assert_eq!(
        page["conversation_status"]["substatus"],
        "blocked_by_conversation_initiated_by_seller_limited"
    );
    let hello = send_body(MLB_SELLER, MLB_BUYER, "Olá!");
    let (status, body) = post_json(&sim, &token, &path, &hello).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"status_code": 403, "code": "forbidden", "message": "blocked_conversation_send_message_forbidden"})
    );

    let guide = format!("/messages/action_guide/packs/{pack}");
    let option = format!("{guide}/option?tag=post_sale");
    let cap_of = |sim: meli_sim::SimHandle, token: String, id: &'static str| {
        let guide = guide.clone();
        async move {
            let (_, caps) = get_json(
                &sim,
                Some(&token),
                &format!("{guide}/caps_available?tag=post_sale"),
            )
            .await;
            caps.as_array()
                .unwrap()
                .iter()
                .find(|c| c["option_id"] == id)
                .map(|c| c["cap_available"].as_u64().unwrap())
        }
    };
    assert_eq!(cap_of(sim.clone(), token.clone(), "OTHER").await, Some(1));
    let (status, body) = post_json(
        &sim,
        &token,
        &option,
        &json!({"option_id": "OTHER", "text": "á".repeat(351)}).to_string(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        (body["error"].as_str(), body["message"].as_str()),
        (Some("limit_exceeded"), Some("The text is invalid"))
    );
    let (status, body) = post_json(
        &sim,
        &token,
        &option,
        &json!({"option_id": "NOPE"}).to_string(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "The option selected is not valid");
    let (status, _) = post_json(
        &sim,
        &token,
        &option,
        &json!({"option_id": "REQUEST_BILLING_INFO", "template_id": "TEMPLATE___OTHER___1"})
            .to_string(),
    )
    .await;
    assert_eq!(status, 400);
    let (status, sent) = post_json(
        &sim,
        &token,
        &option,
        &json!({"option_id": "OTHER", "text": "Olá, precisamos confirmar o endereço de entrega."})
            .to_string(),
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["to"]["user_id"], MLB_BUYER);
    assert_eq!(
        cap_of(sim.clone(), token.clone(), "OTHER").await,
        Some(0),
        "posting consumes the cap"
    );
    let (status, body) = post_json(
        &sim,
        &token,
        &option,
        &json!({"option_id": "OTHER", "text": "De novo"}).to_string(),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body["message"],
        "You are not allowed to execute the option OTHER again"
    );
    // The seller's message notifies and shows; the conversation stays closed to normal sends.
    let n = notification(&rx, |b| b["topic"] == "messages").await;
    assert_eq!(n["resource"], sent["id"]);
    let (_, page) = get_json(&sim, Some(&token), &path).await;
    assert_eq!(page["messages"][0]["id"], sent["id"]);
    assert_eq!(page["messages"][0]["conversation_first_message"], true);
    assert_eq!(post_json(&sim, &token, &path, &hello).await.0, 403);

    // The buyer answers: normal sends work, the guide no longer does.
    sim.buyer_message(pack, "Rua Augusta 1200, apto 12.")
        .await
        .unwrap();
    assert_eq!(post_json(&sim, &token, &path, &hello).await.0, 201);
    let (status, body) = post_json(
        &sim,
        &token,
        &option,
        &json!({"option_id": "SEND_INVOICE_LINK", "text": "Nota fiscal"}).to_string(),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["cause"], "blocked_by_conversation_use_message_api");

    // DELIVERY_PROMISE exists only for Flex shipments and takes its hours as vars.
    let mut flex = None;
    for _ in 0..40 {
        let p = sim
            .buy(&[&sim.items_of(MLB_SELLER)[2]], None)
            .await
            .unwrap();
        if cap_of_pack(&sim, &token, p.conversation_id, "DELIVERY_PROMISE")
            .await
            .is_some()
        {
            flex = Some(p.conversation_id);
            break;
        }
    }
    let flex = flex.expect("a Flex shipment in 40 purchases");
    let option = format!("/messages/action_guide/packs/{flex}/option?tag=post_sale");
    let promise = |init: i64, limit: i64| {
        json!({"option_id": "DELIVERY_PROMISE", "template_id": "TEMPLATE___DELIVERY_PROMISE___1", "vars": [
            {"id": "TEMPLATE___DELIVERY_PROMISE___1___VAR___INIT", "value": init},
            {"id": "TEMPLATE___DELIVERY_PROMISE___1___VAR___LIMIT", "value": limit}]})
        .to_string()
    };
    assert_eq!(
        post_json(&sim, &token, &option, &promise(18, 12)).await.0,
        400
    );
    let (status, sent) = post_json(&sim, &token, &option, &promise(12, 18)).await;
    assert_eq!(status, 201);
    assert!(sent["text"].as_str().unwrap().contains("entre 12 e 18"));
}

async fn cap_of_pack(sim: &meli_sim::SimHandle, token: &str, pack: i64, id: &str) -> Option<u64> {
    let (_, caps) = get_json(
        sim,
        Some(token),
        &format!("/messages/action_guide/packs/{pack}/caps_available?tag=post_sale"),
    )
    .await;
    caps.as_array()?
        .iter()
        .find(|c| c["option_id"] == id)
        .map(|c| c["cap_available"].as_u64().unwrap())
}

#[tokio::test]
async fn blocked_conversations_refuse_sends() {
    let sim = start(config()).await;
    let (token, purchase) = mlb_purchase(&sim, false).await;
    let pack = purchase.conversation_id;
    let path = pack_path(pack, MLB_SELLER);
    sim.buyer_message(pack, "Olá!").await.unwrap();
    let hello = send_body(MLB_SELLER, MLB_BUYER, "Olá, tudo certo?");
    let blocked = json!({"status_code": 403, "code": "forbidden", "message": "blocked_conversation_send_message_forbidden"});
    for (substatus, message) in [
        (
            "blocked_by_time",
            "blocked_conversation_send_message_forbidden",
        ),
        (
            "blocked_by_cancelled_order",
            "blocked_conversation_send_message_forbidden",
        ),
        (
            "blocked_by_buyer",
            "blocked_conversation_send_message_forbidden",
        ),
        (
            "blocked_by_mediation",
            "You can not send the message because a mediation is in process",
        ),
        (
            "blocked_by_fulfillment",
            "You can not send the message because the order is Mercado Envíos Full and has not been yet delivered",
        ),
    ] {
        sim.block_conversation(pack, Some(substatus)).await.unwrap();
        let (_, page) = get_json(&sim, Some(&token), &path).await;
        assert_eq!(page["conversation_status"]["status"], "blocked");
        assert_eq!(page["conversation_status"]["substatus"], substatus);
        let (status, body) = post_json(&sim, &token, &path, &hello).await;
        assert_eq!(status, 403, "{substatus}");
        assert_eq!(body["message"], message, "{substatus}");
        if message == "blocked_conversation_send_message_forbidden" {
            assert_eq!(body, blocked);
        }
    }
    // The action guide refuses too, naming the block.
    let option = format!("/messages/action_guide/packs/{pack}/option?tag=post_sale");
    let (status, body) = post_json(
        &sim,
        &token,
        &option,
        &json!({"option_id": "OTHER", "text": "Olá"}).to_string(),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["cause"], "blocked_by_fulfillment");

    // blocked_by_time reopens when the buyer writes; other blocks do not.
    sim.block_conversation(pack, Some("blocked_by_time"))
        .await
        .unwrap();
    sim.buyer_message(pack, "Oi, ainda estou esperando")
        .await
        .unwrap();
    assert_eq!(post_json(&sim, &token, &path, &hello).await.0, 201);
    sim.block_conversation(pack, Some("blocked_by_cancelled_order"))
        .await
        .unwrap();
    sim.buyer_message(pack, "Por que cancelaram?")
        .await
        .unwrap();
    assert_eq!(post_json(&sim, &token, &path, &hello).await.0, 403);
    sim.block_conversation(pack, None).await.unwrap();
    assert_eq!(post_json(&sim, &token, &path, &hello).await.0, 201);
    assert_eq!(
        sim.block_conversation(pack, Some("blocked_by_whim")).await,
        Err(meli_sim::SimError::UnknownSubstatus(
            "blocked_by_whim".into()
        ))
    );

    // A dispute blocks the pack's conversation by mediation and links the claim.
    let claim = sim.open_claim(purchase.order_ids[0], None).await.unwrap();
    let (_, page) = get_json(&sim, Some(&token), &path).await;
    assert_eq!(page["conversation_status"]["claim_id"], claim);
    assert_eq!(page["conversation_status"]["status"], "active");
    sim.escalate_claim(claim).await.unwrap();
    let (_, page) = get_json(&sim, Some(&token), &path).await;
    assert_eq!(
        page["conversation_status"]["substatus"],
        "blocked_by_mediation"
    );
    assert_eq!(post_json(&sim, &token, &path, &hello).await.0, 403);
}

#[tokio::test]
async fn claim_messages_need_the_matching_action() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLM", MLM_SELLER).await);
    let item = sim.items_of(MLM_SELLER)[1].clone();
    let purchase = sim.buy(&[&item], None).await.unwrap();
    let claim = sim
        .open_claim_with(
            purchase.order_ids[0],
            Some("PNR9501"),
            Some("No me llegó"),
            false,
        )
        .await
        .unwrap();
    assert_eq!(
        sim.open_claim(purchase.order_ids[0], None).await,
        Err(meli_sim::SimError::ClaimAlreadyOpen(purchase.order_ids[0]))
    );
    let base = format!("/post-purchase/v1/claims/{claim}");
    let send = format!("{base}/actions/send-message");
    let message =
        |role: &str, text: &str| json!({"receiver_role": role, "message": text}).to_string();

    let (_, c) = get_json(&sim, Some(&token), &base).await;
    assert_eq!(
        (c["stage"].as_str(), c["status"].as_str()),
        (Some("claim"), Some("opened"))
    );
    assert_eq!(c["reason_id"], "PNR9501");
    let actions: Vec<&str> = c["players"][1]["available_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"send_message_to_complainant"));
    assert!(!actions.contains(&"send_message_to_mediator"));
    assert_eq!(c["players"].as_array().unwrap().len(), 2);

    assert_eq!(
        post_json(
            &sim,
            &token,
            &send,
            &message("complainant", "Hola, ¿nos pasás una foto?")
        )
        .await
        .0,
        201
    );
    assert_eq!(
        post_json(&sim, &token, &send, &message("mediator", "Hola"))
            .await
            .0,
        400
    );
    assert_eq!(
        post_json(&sim, &token, &send, &message("respondent", "Hola"))
            .await
            .0,
        400
    );
    assert_eq!(
        post_json(&sim, &token, &send, &message("complainant", " "))
            .await
            .0,
        400
    );
    assert_eq!(post_json(&sim, &token, &send, "{}").await.0, 400);
    let other = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    assert_eq!(
        post_json(&sim, &other, &send, &message("complainant", "Hola"))
            .await
            .0,
        403
    );
    sim.claim_message(claim, "Acá está la foto del paquete")
        .await
        .unwrap();

    // Dispute: the mediator joins, the actions change.
    sim.escalate_claim(claim).await.unwrap();
    assert_eq!(
        sim.escalate_claim(claim).await,
        Err(meli_sim::SimError::NotEscalable(claim))
    );
    let (_, c) = get_json(&sim, Some(&token), &base).await;
    assert_eq!(c["stage"], "dispute");
    assert_eq!(c["players"][2]["role"], "mediator");
    assert_eq!(
        c["players"][1]["available_actions"][0]["action"],
        "send_message_to_mediator"
    );
    let (_, detail) = get_json(&sim, Some(&token), &format!("{base}/detail")).await;
    assert_eq!(detail["action_responsible"], "mediator");
    assert_eq!(
        post_json(&sim, &token, &send, &message("complainant", "Hola"))
            .await
            .0,
        400
    );
    assert_eq!(
        post_json(
            &sim,
            &token,
            &send,
            &message("mediator", "Enviamos el paquete el lunes.")
        )
        .await
        .0,
        201
    );
    // The buyer now writes to the mediator: the seller does not see it.
    sim.claim_message(claim, "Sigo sin noticias").await.unwrap();
    let (_, messages) = get_json(&sim, Some(&token), &format!("{base}/messages")).await;
    let seen: Vec<(&str, &str)> = messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["sender_role"].as_str().unwrap(),
                m["receiver_role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("respondent", "mediator"),
            ("mediator", "respondent"),
            ("complainant", "respondent"),
            ("respondent", "complainant"),
            ("complainant", "respondent"),
        ],
        "newest first, only what involves the seller"
    );
    let hashes: std::collections::HashSet<&str> = messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["hash"].as_str().unwrap())
        .collect();
    assert_eq!(hashes.len(), 5, "hashes are unique");

    // Search by stage, by order; paging limits.
    let search = |q: String| {
        let (sim, token) = (sim.clone(), token.clone());
        async move {
            get_json(
                &sim,
                Some(&token),
                &format!("/post-purchase/v1/claims/search?{q}"),
            )
            .await
        }
    };
    let (_, found) = search(format!(
        "players.user_id={MLM_SELLER}&players.role=respondent&stage=dispute"
    ))
    .await;
    assert_eq!(found["paging"]["total"], 1);
    assert_eq!(found["data"][0]["id"], claim);
    let (_, found) = search(format!(
        "resource=order&resource_id={}",
        purchase.order_ids[0]
    ))
    .await;
    assert_eq!(found["data"][0]["id"], claim);
    let (_, found) = search("stage=claim".to_owned()).await;
    assert_eq!(found["paging"]["total"], 1, "the seeded claim");
    assert_eq!(search("status=opened&limit=101".to_owned()).await.0, 400);
    assert_eq!(search("status=opened&offset=10000".to_owned()).await.0, 400);
    assert_eq!(
        search(format!(
            "players.user_id={MLA_SELLER}&players.role=respondent"
        ))
        .await
        .0,
        403
    );
}

#[tokio::test]
async fn contact_data_is_moderated() {
    let rx = receiver(0).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    let (token, purchase) = mlb_purchase(&sim, false).await;
    let pack = purchase.conversation_id;
    let path = pack_path(pack, MLB_SELLER);

    // A buyer message with an e-mail is hidden from the seller, notifies nobody and does not
    // open the conversation.
    sim.buyer_message(pack, "Me escreve em joao@example.com")
        .await
        .unwrap();
    let (_, page) = get_json(&sim, Some(&token), &path).await;
    assert_eq!(page["paging"]["total"], 0);
    assert_eq!(page["conversation_status"]["status"], "blocked");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !rx.bodies
            .lock()
            .await
            .iter()
            .any(|b| b["topic"] == "messages")
    );

    sim.buyer_message(pack, "Olá, quando chega?").await.unwrap();
    for (text, reason) in [
        ("Me chama no (11) 98765-4321", "PERSONAL_DATA"),
        (
            "Segue a gente no instagram @lojapaulista",
            "SOCIAL_NETWORK_LINK",
        ),
        ("Rastreio: https://bit.ly/abc123", "LINK_SHORT_URL"),
    ] {
        let (status, sent) =
            post_json(&sim, &token, &path, &send_body(MLB_SELLER, MLB_BUYER, text)).await;
        assert_eq!(status, 201, "{text}");
        assert_eq!(sent["status"], "moderated", "{text}");
        assert_eq!(sent["message_moderation"]["status"], "rejected");
        assert_eq!(sent["message_moderation"]["reason"], reason, "{text}");
        assert_eq!(sent["message_date"]["available"], Value::Null);
    }
    let (status, sent) = post_json(
        &sim,
        &token,
        &path,
        &send_body(
            MLB_SELLER,
            MLB_BUYER,
            "Chega até sexta, pedido 2000009713473608.",
        ),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(sent["message_moderation"]["status"], "clean");
    // The seller's moderated messages stay visible to them.
    let (_, page) = get_json(&sim, Some(&token), &path).await;
    assert_eq!(page["paging"]["total"], 5);
    assert_eq!(page["messages"][1]["status"], "moderated");

    // Claims and question answers too.
    let claim = sim.open_claim(purchase.order_ids[0], None).await.unwrap();
    let (status, sent) = post_json(
        &sim,
        &token,
        &format!("/post-purchase/v1/claims/{claim}/actions/send-message"),
        &json!({"receiver_role": "complainant", "message": "Fala com a gente no wa.me/5511987654321"}).to_string(),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(sent["status"], "moderated");
    assert_eq!(sent["message_moderation"]["reason"], "SOCIAL_NETWORK_LINK");
    sim.claim_message(claim, "Meu telefone é 11 4444 3333")
        .await
        .unwrap();
    let (_, messages) = get_json(
        &sim,
        Some(&token),
        &format!("/post-purchase/v1/claims/{claim}/messages"),
    )
    .await;
    assert!(
        !messages
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["message"].as_str().unwrap().contains("4444")),
        "the buyer's moderated claim message is hidden"
    );

    let item = &sim.items_of(MLB_SELLER)[0];
    let qid = sim
        .ask_question(item, None, "Tem na cor azul?")
        .await
        .unwrap();
    let answer = json!({"question_id": qid, "text": "Temos! Chama no zap 11 98765-4321"});
    let (status, q) = post_json(&sim, &token, "/answers", &answer.to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(q["status"], "ANSWERED");
    assert_eq!(q["answer"]["status"], "BANNED");
    assert_eq!(q["answer"]["text"], "", "banned answers come back empty");
    let qid = sim.ask_question(item, None, "Tem garantia?").await.unwrap();
    let answer = json!({"question_id": qid, "text": "Sim, 12 meses de garantia de fábrica."});
    let (_, q) = post_json(&sim, &token, "/answers", &answer.to_string()).await;
    assert_eq!(q["answer"]["status"], "ACTIVE");
}

#[tokio::test]
async fn attachments_upload_and_download() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLB", MLB_SELLER).await);
    let upload = "/messages/attachments?tag=post_sale&site_id=MLB";
    let (status, body) = post_file(
        &sim,
        &token,
        upload,
        "foto.png",
        "image/png",
        b"\x89PNG sim",
    )
    .await;
    assert_eq!(status, 200);
    let id = body["id"].as_str().unwrap().to_owned();
    assert!(
        id.starts_with(&format!("{MLB_SELLER}_")) && id.ends_with(".png"),
        "{id}"
    );

    let resp = http()
        .get(format!(
            "{}/messages/attachments/{id}?tag=post_sale&site_id=MLB",
            sim.base_url()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"\x89PNG sim");
    let other = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let path = format!("/messages/attachments/{id}?tag=post_sale");
    assert_eq!(get_json(&sim, Some(&other), &path).await.0, 403);
    assert_eq!(
        get_json(
            &sim,
            Some(&token),
            "/messages/attachments/x.png?tag=post_sale"
        )
        .await
        .0,
        404
    );

    let (status, _) = post_file(
        &sim,
        &token,
        upload,
        "virus.exe",
        "application/octet-stream",
        b"MZ",
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post_file(
        &sim,
        &token,
        upload,
        &format!("{}.pdf", "a".repeat(200)),
        "application/pdf",
        b"%PDF",
    )
    .await;
    assert_eq!(status, 400, "names are limited to 200 characters");
    let (status, _) = post_file(
        &sim,
        &token,
        "/messages/attachments?site_id=MLB",
        "a.pdf",
        "application/pdf",
        b"%PDF",
    )
    .await;
    assert_eq!(status, 400, "tag=post_sale is required");
    let (status, _) = post_json(&sim, &token, upload, "{}").await;
    assert_eq!(status, 400, "multipart only");
}

#[tokio::test]
async fn buyer_control_api_notifies_like_mercado_libre() {
    let rx = receiver(0).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    let client = http();
    let base = sim.base_url();
    let post = |path: &str, body: Value| {
        let (client, url) = (client.clone(), format!("{base}/_sim{path}"));
        async move {
            let resp = client.post(url).json(&body).send().await.unwrap();
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let items = sim.items_of(MLA_SELLER);
    let (status, purchase) = post(
        "/orders",
        json!({"item_ids": [items[0], items[1]], "buyer_id": BIG_BUYER}),
    )
    .await;
    assert_eq!(status, 200, "{purchase}");
    assert_eq!(purchase["buyer_id"].as_i64(), Some(BIG_BUYER));
    let orders: Vec<i64> = purchase["order_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_i64().unwrap())
        .collect();
    for order in &orders {
        let n = notification(&rx, |b| {
            b["topic"] == "orders_v2" && b["resource"] == format!("/orders/{order}")
        })
        .await;
        assert_eq!(n["user_id"], MLA_SELLER);
    }
    let (status, random) = post("/orders", json!({"seller_id": MLA_SELLER})).await;
    assert_eq!(status, 200);
    assert_eq!(random["seller_id"], MLA_SELLER);
    assert_eq!(
        post(
            "/orders",
            json!({"item_ids": [items[0], sim.items_of(MLB_SELLER)[0]]})
        )
        .await
        .0,
        400
    );
    assert_eq!(post("/orders", json!({"item_ids": ["MLA1"]})).await.0, 404);
    assert_eq!(post("/orders", json!({})).await.0, 400);

    let (status, message) = post(
        "/messages",
        json!({"order_id": orders[1], "text": "Hola, ¿ya lo despacharon?"}),
    )
    .await;
    assert_eq!(status, 200);
    let id = message["message_id"].as_str().unwrap().to_owned();
    let n = notification(&rx, |b| b["topic"] == "messages").await;
    assert_eq!(n["resource"], id, "the bare message id");
    assert_eq!(n["actions"], json!(["created"]));
    assert_eq!(
        post("/messages", json!({"pack_id": 1, "text": "x"}))
            .await
            .0,
        404
    );

    let (status, claim) = post(
        "/claims",
        json!({"order_id": orders[0], "legacy_topic": true}),
    )
    .await;
    assert_eq!(status, 200);
    let claim = claim["claim_id"].as_i64().unwrap();
    let n = notification(&rx, |b| b["topic"] == "post_purchase").await;
    assert_eq!(n["resource"], format!("/post-purchase/v1/claims/{claim}"));
    assert_eq!(n["actions"], json!(["claims"]));
    let n = notification(&rx, |b| b["topic"] == "claims").await;
    assert_eq!(n["resource"], format!("/v1/claims/{claim}"));
    assert_eq!(
        post("/claims", json!({"order_id": orders[0]})).await.0,
        400,
        "one open claim per order"
    );
    assert_eq!(post("/claims", json!({"order_id": 1})).await.0, 404);
    let order: Value = client
        .get(format!("{base}/_sim/orders/{}", orders[0]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(order["mediations"][0]["id"], claim);

    let (status, _) = post(
        &format!("/claims/{claim}/messages"),
        json!({"text": "Llegó abierto"}),
    )
    .await;
    assert_eq!(status, 204);
    notification(&rx, |b| b["actions"] == json!(["claims_actions"])).await;
    let (status, _) = post(&format!("/claims/{claim}/dispute"), json!({})).await;
    assert_eq!(status, 204);
    let c: Value = client
        .get(format!("{base}/_sim/claims/{claim}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(c["stage"], "dispute");
    assert_eq!(
        post(&format!("/claims/{claim}/dispute"), json!({})).await.0,
        400
    );

    let resp = client
        .put(format!(
            "{base}/_sim/conversations/{}/block",
            purchase["conversation_id"]
        ))
        .json(&json!({"substatus": "blocked_by_time"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let resp = client
        .put(format!(
            "{base}/_sim/conversations/{}/block",
            purchase["conversation_id"]
        ))
        .json(&json!({"substatus": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);

    // The delivery machinery is the same: dropped notifications land in /missed_feeds.
    sim.set_faults(Faults {
        drop_notifications: 1.0,
        ..Faults::default()
    })
    .await;
    let lost = sim
        .buyer_message(purchase["conversation_id"].as_i64().unwrap(), "¿Hola?")
        .await
        .unwrap();
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let (_, feeds) = get_json(
        &sim,
        Some(&token),
        "/missed_feeds?app_id=2069392825111111&topic=messages",
    )
    .await;
    assert_eq!(feeds["messages"][0]["resource"], lost);
    assert_eq!(feeds["messages"][0]["actions"], json!(["created"]));
    let log = sim.deliveries().await;
    assert!(log.iter().any(|d| d.topic == "post_purchase"));
}

#[tokio::test]
async fn seed_shows_every_kind_of_interaction() {
    let sim = start(config()).await;
    for seller in sim.sellers() {
        let token = token_of(&login(&sim, &seller.site_id, seller.id).await);
        let (_, orders) = get_json(
            &sim,
            Some(&token),
            &format!("/orders/search?seller={}", seller.id),
        )
        .await;
        assert_eq!(orders["paging"]["total"], 6, "{}", seller.nickname);
        assert!(
            orders["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["pack_id"].is_null())
        );
        assert!(
            orders["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["pack_id"].is_i64())
        );
        let (_, unread) = get_json(
            &sim,
            Some(&token),
            "/messages/unread?role=seller&tag=post_sale",
        )
        .await;
        assert_eq!(
            unread["results"].as_array().unwrap().len(),
            2,
            "{}",
            seller.nickname
        );
        let (_, claims) = get_json(
            &sim,
            Some(&token),
            &format!("/post-purchase/v1/claims/search?players.user_id={}&players.role=respondent&status=opened", seller.id),
        )
        .await;
        assert_eq!(claims["paging"]["total"], 1);
        let claim = claims["data"][0]["id"].as_i64().unwrap();
        let (_, messages) = get_json(
            &sim,
            Some(&token),
            &format!("/post-purchase/v1/claims/{claim}/messages"),
        )
        .await;
        assert_eq!(messages[0]["sender_role"], "complainant");
        // The conversation with three messages: buyer, seller, buyer.
        let conversations = sim.conversations_of(seller.id);
        assert_eq!(conversations.len(), 4);
        let mut totals = Vec::new();
        for pack in conversations {
            let (_, page) = get_json(
                &sim,
                Some(&token),
                &format!("{}&mark_as_read=false", pack_path(pack, seller.id)),
            )
            .await;
            totals.push(page["paging"]["total"].as_u64().unwrap());
        }
        totals.sort_unstable();
        assert_eq!(totals, [0, 0, 1, 3], "{}", seller.nickname);
    }
}
