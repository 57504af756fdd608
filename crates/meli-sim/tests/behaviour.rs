//! Behaviour: the marketplace rules the simulator enforces.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

mod common;

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

    // By seller: the 3 seeded (1 answered) + 3 new; default newest first.
    let (status, all) = search(format!("seller_id={MLA_SELLER}")).await;
    assert_eq!(status, 200);
    assert_eq!(all["total"], 6);
    assert_eq!(all["limit"], 50);
    assert_eq!(ids(&all)[0], c);
    let (_, unanswered) = search(format!("seller_id={MLA_SELLER}&status=UNANSWERED")).await;
    assert_eq!(unanswered["total"], 5);
    let (_, answered) = search(format!("seller_id={MLA_SELLER}&status=ANSWERED")).await;
    assert_eq!(answered["total"], 1);
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
    assert_eq!(page["total"], 6);
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
