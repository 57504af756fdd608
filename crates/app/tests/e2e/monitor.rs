//! The success monitor through the API and the pages: figures by the revenue rules per period
//! against the previous one, the orders list and its CSV, the store's RFM, the buyer's segment in
//! the context panel, nothing of another organization, and (in Chromium) changing the period
//! changes the figures.

use crate::browser::{browser_binaries, log_in, start_browser, text};
use crate::helpers::TestApp;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::*;
use fantoccini::Locator;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;

fn order(
    org: OrgId,
    seller: SellerId,
    id: i64,
    buyer: i64,
    status: &str,
    total: &str,
    at: DateTime<Utc>,
) -> Order {
    Order {
        order_id: OrderId(id),
        org_id: org,
        seller_id: seller,
        pack_id: None,
        status: status.into(),
        status_detail: None,
        date_created: at - Duration::minutes(3),
        date_closed: Some(at),
        last_updated: at,
        total_amount: Decimal::from_str(total).unwrap(),
        paid_amount: Decimal::from_str(total).unwrap(),
        refunded_amount: Decimal::ZERO,
        currency_id: "ARS".into(),
        buyer_id: MeliUserId(buyer),
        shipment_id: None,
        shipping_status: None,
        items: Vec::new(),
    }
}

/// Orders of the MLA store (Buenos Aires, UTC−3) in March 2021 and the ten days before.
async fn seed_2021(app: &TestApp) -> SellerId {
    let seller = SellerId(app.seller("MLA").id);
    // 2021-03-10 23:30 in Buenos Aires is 02:30 UTC on the 11th: still the 10th for the store.
    let local = |d: u32, h: u32, m: u32| {
        Utc.with_ymd_and_hms(2021, 3, d, h, m, 0).unwrap() + Duration::hours(3)
    };
    let mut refunded = order(
        app.org,
        seller,
        9_001,
        71,
        "partially_refunded",
        "100",
        local(10, 23, 30),
    );
    refunded.refunded_amount = Decimal::from(40);
    for o in [
        order(
            app.org,
            seller,
            9_000,
            70,
            "paid",
            "250.50",
            local(10, 9, 0),
        ),
        refunded,
        order(
            app.org,
            seller,
            9_002,
            72,
            "cancelled",
            "999",
            local(10, 12, 0),
        ),
        order(
            app.org,
            seller,
            9_003,
            70,
            "paid",
            "49.50",
            local(11, 0, 30),
        ),
        // The previous period of the two days the tests ask for: March 8–9.
        order(app.org, seller, 9_004, 73, "paid", "100", local(9, 15, 0)),
    ] {
        app.state.store.upsert_order(&o).await.unwrap();
    }
    seller
}

fn figure(monitor: &Value, key: &str) -> Value {
    monitor["currencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["currency_id"] == "ARS")
        .unwrap_or_else(|| panic!("no ARS figures: {monitor}"))[key]
        .clone()
}

#[tokio::test]
async fn the_monitor_applies_the_revenue_rules_per_period() {
    let app = TestApp::spawn_unconnected().await;
    app::scripted_connect::connect_through_oauth(
        &app.url,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
        "MLA",
        app.seller("MLA").id,
    )
    .await
    .unwrap();
    let seller = seed_2021(&app).await;
    let q = format!(
        "seller_id={}&period=custom&from=2021-03-10&to=2021-03-11",
        seller.0
    );
    let m = app.get_json(&format!("/api/monitor?{q}")).await;
    assert_eq!(m["time_zone"], "America/Argentina/Buenos_Aires");
    assert_eq!(
        figure(&m, "current"),
        json!({"revenue": "360", "orders": 3, "average_ticket": "120", "all_orders": 4}),
        "paid, net of the partial refund, cancelled left out, days of the store's zone"
    );
    assert_eq!(figure(&m, "previous")["revenue"], "100");
    assert_eq!(figure(&m, "change")["revenue"], "260");
    assert_eq!(figure(&m, "change")["orders"], "200");
    let series: Vec<(String, String)> = figure(&m, "series")
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().into(),
                d["revenue"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        series,
        vec![
            ("2021-03-10".to_string(), "310.5".to_string()),
            ("2021-03-11".to_string(), "49.5".to_string())
        ]
    );

    // The orders list (every status) and its CSV.
    let page = app.get_json(&format!("/api/monitor/orders?{q}")).await;
    assert_eq!(page["total"], 4);
    let ids: Vec<i64> = page["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["order_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![9_003, 9_001, 9_002, 9_000]);
    let csv = app.get(&format!("/api/monitor/orders.csv?{q}")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "order_id,date,status,currency_id,total_amount,refunded_amount,revenue,buyer_id"
    );
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(
        lines.contains(&"9001,2021-03-10T23:30:00-03:00,partially_refunded,ARS,100,40,60,71"),
        "{csv}"
    );
    assert!(
        lines.contains(&"9002,2021-03-10T12:00:00-03:00,cancelled,ARS,999,0,,72"),
        "{csv}"
    );

    // The store's RFM: four customers with sales; the cancelled-only buyer is none.
    let rfm = app
        .get_json(&format!("/api/monitor/rfm?seller_id={}", seller.0))
        .await;
    assert_eq!(rfm["groups"]["total"]["customers"], 3, "{rfm}");
    let cells: u64 = rfm["heat_map"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|c| c.as_u64().unwrap()))
        .sum();
    assert_eq!(cells, 3);
    let segment = app::figures::customer_segment(&app.state, app.org, seller, MeliUserId(70))
        .await
        .unwrap();
    let expected = rfm["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["customer_id"] == "70")
        .unwrap()["segment"]
        .clone();
    assert_eq!(segment.map(|s| json!(s)), Some(expected));
    assert_eq!(
        app::figures::customer_segment(&app.state, app.org, seller, MeliUserId(72))
            .await
            .unwrap(),
        None
    );

    // The pages, in the browser's language.
    let html = app
        .http
        .get(format!("{}/monitor?{q}", app.url))
        .bearer_auth(&app.token)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"fig-revenue-ARS\">$ 360,00<"), "{html}");
    assert!(html.contains("<svg class=\"chart\""));
    assert!(html.contains("id=\"rfm-heat-map\""));
    let orders = app
        .get(&format!("/monitor/orders?{q}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        orders.contains("<strong id=\"orders-total\">4</strong>"),
        "{orders}"
    );
    assert_eq!(
        app.get(&format!("/monitor/orders.csv?{q}")).await.status(),
        StatusCode::OK
    );

    // Bad periods are refused, clearly.
    for bad in [
        "period=year",
        "period=custom&from=2021-03-10",
        "period=custom&from=2021-03-12&to=2021-03-10",
        "period=custom&from=10/03/2021&to=2021-03-11",
    ] {
        let resp = app.get(&format!("/api/monitor?{bad}")).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_period");
    }
}

#[tokio::test]
async fn another_organization_sees_none_of_the_monitor() {
    let app = TestApp::spawn_unconnected().await;
    app::scripted_connect::connect_through_oauth(
        &app.url,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
        "MLA",
        app.seller("MLA").id,
    )
    .await
    .unwrap();
    let seller = seed_2021(&app).await;
    let globex = app.state.store.create_org("Globex").await.unwrap().id;
    app::auth::create_person(
        &app.state,
        globex,
        "bea@globex.test",
        "Bea",
        "another good password",
        Role::Agent,
    )
    .await
    .unwrap();
    let login: Value = app
        .post_json(
            "/api/login",
            &json!({"email": "bea@globex.test", "password": "another good password"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let theirs = login["token"].as_str().unwrap().to_string();
    let q = format!(
        "seller_id={}&period=custom&from=2021-03-10&to=2021-03-11",
        seller.0
    );
    for path in [
        format!("/api/monitor?{q}"),
        format!("/api/monitor/orders?{q}"),
        format!("/api/monitor/orders.csv?{q}"),
        format!("/api/monitor/rfm?{q}"),
        format!("/monitor?{q}"),
        format!("/monitor/orders?{q}"),
        format!("/monitor/orders.csv?{q}"),
    ] {
        let resp = app
            .http
            .get(format!("{}{path}", app.url))
            .bearer_auth(&theirs)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        let body = resp.text().await.unwrap();
        assert!(!body.contains("360"), "{path}: {body}");
        // The owner sees it.
        assert_eq!(app.get(&path).await.status(), StatusCode::OK, "{path}");
    }
    // Without a store of their own, the page says so and the API finds nothing.
    let page = app
        .http
        .get(format!("{}/monitor", app.url))
        .bearer_auth(&theirs)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("id=\"monitor-no-store\"")
    );
    assert_eq!(
        app.http
            .get(format!("{}/api/monitor", app.url))
            .bearer_auth(&theirs)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        app::figures::customer_segment(&app.state, globex, seller, MeliUserId(70))
            .await
            .is_err(),
        "the segment of another organization's store is not found"
    );
}

#[tokio::test]
async fn changing_the_period_in_the_browser_changes_the_figures() {
    let Some((chromedriver, chromium)) = browser_binaries() else {
        return;
    };
    let app = TestApp::spawn().await;
    let seller = SellerId(app.seller("MLA").id);
    let now = Utc::now();
    for (i, days) in [0i64, 3, 20, 25].into_iter().enumerate() {
        let o = order(
            app.org,
            seller,
            8_000 + i as i64,
            60 + i as i64,
            "paid",
            "1000",
            now - Duration::days(days) - Duration::minutes(1),
        );
        app.state.store.upsert_order(&o).await.unwrap();
    }
    let (c, _session) = start_browser(chromedriver, chromium).await;
    log_in(&c, &app).await;
    c.find(Locator::Id("nav-monitor"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("monitor-period"))
        .await
        .unwrap();
    assert_eq!(text(&c, "h1").await, "Monitor de éxito");
    // The store picker lists every store; pick the MLA one.
    c.find(Locator::Css(&format!(
        "#monitor-store option[value=\"{}\"]",
        seller.0
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Id("monitor-apply"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("fig-revenue-ARS"))
        .await
        .unwrap();
    let month = text(&c, "#fig-revenue-ARS").await;
    let orders_month = text(&c, "#fig-orders-ARS").await;
    c.find(Locator::Css("#monitor-period option[value=\"today\"]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("monitor-apply"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(
            "#monitor-period option[value=\"today\"][selected]",
        ))
        .await
        .unwrap();
    let today = text(&c, "#fig-revenue-ARS").await;
    assert_ne!(month, today, "the figures follow the period");
    let orders_today: i64 = text(&c, "#fig-orders-ARS").await.parse().unwrap();
    assert!(orders_today >= 1 && orders_today < orders_month.parse::<i64>().unwrap());
    assert!(c.find(Locator::Css("svg.chart")).await.is_ok());
    assert!(c.find(Locator::Id("rfm-heat-map")).await.is_ok());
    c.find(Locator::Id("monitor-see-orders"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("monitor-orders"))
        .await
        .unwrap();
    assert!(text(&c, "#orders-total").await.parse::<i64>().unwrap() >= 1);
}
