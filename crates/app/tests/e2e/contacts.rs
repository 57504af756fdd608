//! Contacts and leads end to end: a sale's billing data becomes the buyer's contact (and a failed
//! billing read is made up later), leads arrive by notification and by the search, the pages and
//! API show them, and another organization sees none of it.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

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

async fn contact_of(app: &TestApp, buyer: i64) -> Option<Value> {
    app.get_json(&format!("/api/contacts?q={buyer}"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["meli_user_id"].as_i64() == Some(buyer))
        .cloned()
}

/// The simulator's Argentine document for a buyer (its billing handler's rule).
fn mla_dni(buyer: i64) -> String {
    format!("{:08}", buyer.unsigned_abs() % 100_000_000)
}

/// Another organization with its own admin; returns the admin's API token.
async fn other_org_token(app: &TestApp) -> String {
    let org = app.state.store.create_org("Globex").await.unwrap().id;
    app::auth::create_person(
        &app.state,
        org,
        "admin@globex.test",
        "Bea",
        "another good password",
        domain::Role::Admin,
    )
    .await
    .unwrap();
    let out: Value = app
        .post_json(
            "/api/login",
            &json!({ "email": "admin@globex.test", "password": "another good password" }),
        )
        .await
        .json()
        .await
        .unwrap();
    out["token"].as_str().unwrap().to_string()
}

async fn get_as(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.http
        .get(format!("{}{path}", app.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sale_makes_a_contact_from_its_billing_data() {
    let app = TestApp::spawn_without_sales().await;
    let seller = app.seller("MLA");
    let items = app.sim.items_of(seller.id);
    let purchase = app.sim.buy(&[items[0].as_str()], None).await.unwrap();
    let buyer = purchase.buyer_id;
    let contact = until(&app, "the buyer's contact with a name", async || {
        contact_of(&app, buyer)
            .await
            .filter(|c| c["name"].is_string())
    })
    .await;
    assert_eq!(contact["doc_type"], "DNI");
    assert_eq!(contact["doc_number"], mla_dni(buyer));
    assert_eq!(contact["seller_id"], seller.id);
    // Mercado Libre gives no phone or e-mail for marketplace buyers, and we invent none.
    assert_eq!(contact["phone"], Value::Null);
    assert_eq!(contact["email"], Value::Null);
    assert_eq!(contact["orders"], 1);

    let id = contact["id"].as_i64().unwrap();
    let detail = app.get_json(&format!("/api/contacts/{id}")).await;
    let orders: Vec<i64> = detail["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["order_id"].as_i64().unwrap())
        .collect();
    assert_eq!(orders, purchase.order_ids);
    let conversations = detail["conversations"].as_array().unwrap();
    assert!(
        conversations
            .iter()
            .any(|c| c["meli_ref"].as_str() == Some(&purchase.conversation_id.to_string())),
        "the sale's conversation: {conversations:?}"
    );

    // The pages: the list, the contact, and the link from the conversation's context panel.
    let name = contact["name"].as_str().unwrap();
    let list = app.get("/contacts").await.text().await.unwrap();
    assert!(list.contains(name), "{list}");
    let page = app.get(&format!("/contacts/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains(&mla_dni(buyer)) && page.contains(&purchase.order_ids[0].to_string()));
    // The store's only customer, with one paid order just now: R 5, F 1, M 1, so "New".
    assert!(
        page.contains("<dd id=\"contact-segment\">Nuevos</dd>"),
        "the buyer's RFM segment: {page}"
    );
    let conv = conversations[0]["id"].as_i64().unwrap();
    let thread = app
        .get(&format!("/inbox/{conv}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        thread.contains(&format!("href=\"/contacts/{id}\"")),
        "the context panel links to the contact"
    );

    // Another organization: nothing listed, the contact not found in the API nor the page.
    let other = other_org_token(&app).await;
    let listed: Value = get_as(&app, &other, "/api/contacts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
    let searched: Value = get_as(&app, &other, &format!("/api/contacts?q={buyer}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(searched, json!([]));
    assert_eq!(
        get_as(&app, &other, &format!("/api/contacts/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_as(&app, &other, &format!("/contacts/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let their_list = get_as(&app, &other, "/contacts")
        .await
        .text()
        .await
        .unwrap();
    assert!(!their_list.contains(name));
}

#[tokio::test]
async fn a_failed_billing_read_keeps_the_order_and_fills_the_contact_later() {
    let app = TestApp::spawn_without_sales().await;
    let seller = app.seller("MLA");
    let items = app.sim.items_of(seller.id);
    app.sim.set_billing_down(true).await;
    let purchase = app.sim.buy(&[items[0].as_str()], None).await.unwrap();
    let order = domain::OrderId(purchase.order_ids[0]);
    until(&app, "the order stored", async || {
        app.state.store.order(order).await.unwrap()
    })
    .await;
    let contact = until(&app, "the buyer's contact", async || {
        contact_of(&app, purchase.buyer_id).await
    })
    .await;
    assert_eq!(contact["name"], Value::Null, "no billing data yet");
    let later = app::contacts::FillContact {
        seller_id: domain::SellerId(seller.id),
        order_id: order,
        buyer_id: domain::MeliUserId(purchase.buyer_id),
    };
    let twin = app::contacts::fill_contact_job(app.org, &later, chrono::Utc::now());
    assert_eq!(
        app.state.store.enqueue(twin).await.unwrap(),
        None,
        "a later billing read is already queued (the same job is not queued twice)"
    );

    // Mercado Libre answers again; the queued job (run here without waiting for its time).
    app.sim.set_billing_down(false).await;
    app::contacts::fill_contact(&app.state, later)
        .await
        .unwrap();
    let filled = contact_of(&app, purchase.buyer_id).await.unwrap();
    assert_eq!(filled["doc_number"], mla_dni(purchase.buyer_id));
    assert!(filled["name"].is_string());
    assert_eq!(filled["id"], contact["id"], "the same contact");
}

#[tokio::test]
async fn leads_arrive_by_notification_and_by_the_search() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLA");
    // Leads left before the store was connected were never notified: the search brought them.
    let seeded = app.sim.leads_of(seller.id);
    assert!(!seeded.is_empty(), "the simulator seeds leads");
    let listed = app.get_json("/api/leads?limit=500").await;
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["lead_id"].as_str())
        .collect();
    for id in &seeded {
        assert!(ids.contains(&id.as_str()), "seeded lead {id} in {ids:?}");
    }
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["buyer_id"].is_null() && l["name"].is_null()),
        "a guest's lead, without contact data"
    );

    let item = app.sim.classifieds_of(seller.id)[0].clone();
    let lead_id = app.sim.create_lead(&item, "call", None).await.unwrap();
    let lead = until(&app, "the notified lead", async || {
        app.get_json("/api/leads?limit=500")
            .await
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["lead_id"] == lead_id.as_str())
            .cloned()
    })
    .await;
    let shown = app.sim.lead_json(&lead_id).await.unwrap();
    assert_eq!(lead["contact_type"], "call");
    assert_eq!(lead["item_id"], item.as_str());
    assert_eq!(lead["name"], shown["name"]);
    assert_eq!(lead["phone"], shown["phone"]);
    assert_eq!(lead["email"], shown["email"]);
    assert!(lead["phone"].is_string(), "{shown}");
    assert!(
        lead["item_title"].is_string(),
        "the listing is cached: {lead}"
    );

    // The buyer's contact holds what they shared, and links back to the lead.
    let buyer = lead["buyer_id"].as_i64().unwrap();
    let contact = contact_of(&app, buyer).await.unwrap();
    assert_eq!(contact["phone"], shown["phone"]);
    assert_eq!(lead["contact_id"], contact["id"]);

    let page = app.get("/leads").await.text().await.unwrap();
    assert!(page.contains(shown["phone"].as_str().unwrap()), "{page}");
    assert!(page.contains(&format!("data-lead=\"{lead_id}\"")));

    let other = other_org_token(&app).await;
    let theirs: Value = get_as(&app, &other, "/api/leads")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, json!([]));
    let their_page = get_as(&app, &other, "/leads").await.text().await.unwrap();
    assert!(!their_page.contains(&format!("data-lead=\"{lead_id}\"")));
}
