//! Order sync: the resumable backfill of a store's history (whole, interrupted, failing), its
//! API (scoped to the organization, admins only), and the reconciler's "orders by last update"
//! poll.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use app::backfill::{
    BackfillError, BackfillOptions, BackfillOutcome, BackfillProgress, backfill_orders,
};
use chrono::TimeDelta;
use domain::{OrderId, SellerId};
use meli_sim::Faults;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Mutex;
use std::time::Duration;
use store::OrderSync;

/// Small windows and quick retries, so a short history still needs many windows and splits.
fn opts() -> BackfillOptions {
    BackfillOptions {
        page: 50,
        max_window_orders: 120,
        first_window: TimeDelta::days(90),
        attempts: 3,
        retry_delay: Duration::from_millis(5),
        max_retry_delay: Duration::from_millis(20),
        page_budget: None,
    }
}

#[derive(Default)]
struct Recorder {
    pages: Mutex<Vec<OrderSync>>,
    retries: Mutex<Vec<String>>,
}

impl BackfillProgress for Recorder {
    fn page(&self, sync: &OrderSync) {
        self.pages.lock().unwrap().push(sync.clone());
    }
    fn retrying(&self, error: &str, _wait: Duration) {
        self.retries.lock().unwrap().push(error.to_string());
    }
}

/// How many of the simulator's orders of `seller` the store holds.
async fn stored(app: &TestApp, seller: i64) -> usize {
    let mut n = 0;
    for id in app.sim.orders_of(seller) {
        n += usize::from(app.store().order(OrderId(id)).await.unwrap().is_some());
    }
    n
}

#[tokio::test]
async fn a_backfill_copies_the_whole_history_once_with_what_each_order_holds() {
    let app = TestApp::spawn_with_history(700).await;
    let seller = app.seller("MLB").id;
    let all = app.sim.orders_of(seller);
    let progress = Recorder::default();
    let out = backfill_orders(&app.state, SellerId(seller), &opts(), &progress)
        .await
        .unwrap();
    let BackfillOutcome::Done(sync) = out else {
        panic!("finished: {out:?}")
    };
    assert_eq!(sync.expected, Some(all.len() as i64));
    assert_eq!(
        sync.synced,
        all.len() as i64,
        "each order read exactly once"
    );
    assert_eq!(stored(&app, seller).await, all.len());
    let pages = progress.pages.lock().unwrap().clone();
    assert!(
        pages.len() > all.len() / 50,
        "windows of at most 120 orders need more pages than one search: {}",
        pages.len()
    );
    assert!(
        pages.windows(2).all(|w| w[0].synced <= w[1].synced),
        "progress only moves forward"
    );

    // What each order holds: status, dates, money, buyer, items, pack and shipment.
    let mut checked = (false, false);
    for id in &all {
        let meli = app.sim.order_json(*id).await.unwrap();
        let ours = app.store().order(OrderId(*id)).await.unwrap().unwrap();
        assert_eq!(ours.status, meli["status"].as_str().unwrap());
        assert_eq!(ours.buyer_id.0, meli["buyer"]["id"].as_i64().unwrap());
        assert_eq!(ours.currency_id, "BRL");
        assert_eq!(ours.shipment_id, meli["shipping"]["id"].as_i64());
        assert_eq!(ours.pack_id.map(|p| p.0), meli["pack_id"].as_i64());
        assert_eq!(
            ours.total_amount.to_string(),
            meli["total_amount"].to_string()
        );
        assert_eq!(ours.items.len(), 1);
        assert_eq!(
            ours.items[0].item_id.as_ref().map(|i| i.0.as_str()),
            meli["order_items"][0]["item"]["id"].as_str()
        );
        if meli["status"] == "cancelled" && meli["paid_amount"] == 0 {
            assert!(ours.paid_amount.is_zero() && ours.date_closed.is_none());
            checked.0 = true;
        }
        if ours.pack_id.is_some() {
            checked.1 = true;
        }
    }
    assert!(
        checked.0 && checked.1,
        "the history has unpaid cancellations and carts"
    );

    // A second run carries on from the first one's end: only what is new.
    let item = app.sim.items_of(seller)[0].clone();
    let bought = app.sim.buy(&[item.as_str()], None).await.unwrap();
    let again = backfill_orders(&app.state, SellerId(seller), &opts(), &Recorder::default())
        .await
        .unwrap();
    assert_eq!((again.sync().expected, again.sync().synced), (Some(1), 1));
    assert!(
        app.store()
            .order(OrderId(bought.order_ids[0]))
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn an_interrupted_or_failing_backfill_resumes_and_ends_with_exactly_the_full_set() {
    let app = TestApp::spawn_with_history(600).await;
    let seller = app.seller("MLA").id;
    let all = app.sim.orders_of(seller);
    let before = stored(&app, seller).await as i64;

    // Stopped after three pages: exactly those orders are stored, and the position says so.
    let paused = backfill_orders(
        &app.state,
        SellerId(seller),
        &BackfillOptions {
            page_budget: Some(3),
            ..opts()
        },
        &Recorder::default(),
    )
    .await
    .unwrap();
    let BackfillOutcome::Paused(at) = paused else {
        panic!("paused: {paused:?}")
    };
    assert!(at.backfill_running());
    // Connecting already fetched the orders changed lately, so count what the pages added.
    let now_stored = stored(&app, seller).await as i64;
    assert!(
        now_stored >= at.synced && now_stored <= at.synced + before,
        "{now_stored} stored, {} by the backfill, {before} before",
        at.synced
    );
    assert!(at.synced > 0 && at.synced <= 150);

    // Mercado Libre then fails every call: the run retries, reports, gives up, writes nothing.
    app.sim
        .set_faults(Faults {
            fail_rate_5xx: 1.0,
            ..Faults::default()
        })
        .await;
    let progress = Recorder::default();
    let err = backfill_orders(&app.state, SellerId(seller), &opts(), &progress)
        .await
        .unwrap_err();
    assert!(matches!(err, BackfillError::Api(_)), "{err:?}");
    assert!(err.to_string().contains("resumes"), "{err}");
    assert_eq!(progress.retries.lock().unwrap().len(), 2, "3 attempts");
    let still = app
        .store()
        .order_sync(SellerId(seller))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still, at, "nothing half-written");
    assert_eq!(stored(&app, seller).await as i64, now_stored);

    // Flaky, not down: retries get through.
    app.sim
        .set_faults(Faults {
            fail_rate_5xx: 0.3,
            ..Faults::default()
        })
        .await;
    let flaky = Recorder::default();
    let done = backfill_orders(
        &app.state,
        SellerId(seller),
        &BackfillOptions {
            attempts: 12,
            ..opts()
        },
        &flaky,
    )
    .await
    .unwrap();
    assert!(
        !flaky.retries.lock().unwrap().is_empty(),
        "some calls failed"
    );
    let BackfillOutcome::Done(sync) = done else {
        panic!("done: {done:?}")
    };
    assert_eq!(
        sync.synced,
        all.len() as i64,
        "no order read twice across the three runs"
    );
    assert_eq!(stored(&app, seller).await, all.len());
}

#[tokio::test]
async fn unknown_and_disconnected_stores_are_refused_clearly() {
    let app = TestApp::spawn().await;
    let err = backfill_orders(&app.state, SellerId(1), &opts(), &Recorder::default())
        .await
        .unwrap_err();
    assert!(matches!(err, BackfillError::UnknownStore(_)), "{err:?}");
    assert!(err.to_string().contains("not connected"), "{err}");
    let mla = app.seller("MLA").id;
    app.store()
        .disconnect(app.org, SellerId(mla), "test")
        .await
        .unwrap();
    let err = backfill_orders(&app.state, SellerId(mla), &opts(), &Recorder::default())
        .await
        .unwrap_err();
    assert!(matches!(err, BackfillError::Disconnected(_)), "{err:?}");
    assert!(err.to_string().contains("reconnect"), "{err}");
}

async fn login(app: &TestApp, email: &str, password: &str) -> String {
    let out: Value = app
        .post_json(
            "/api/login",
            &json!({ "email": email, "password": password }),
        )
        .await
        .json()
        .await
        .unwrap();
    out["token"].as_str().unwrap().to_string()
}

async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    seller: i64,
) -> reqwest::Response {
    app.http
        .request(
            method,
            format!("{}/api/stores/{seller}/sync-orders", app.url),
        )
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_api_queues_a_backfill_for_admins_of_the_stores_organization_only() {
    let app = TestApp::spawn_with_history(150).await;
    let mlm = app.seller("MLM").id;
    let globex = app.store().create_org("Globex").await.unwrap().id;
    app::auth::create_person(
        &app.state,
        globex,
        "admin@globex.test",
        "Globex Admin",
        "another good password",
        domain::Role::Admin,
    )
    .await
    .unwrap();
    app::auth::create_person(
        &app.state,
        app.org,
        "agent@test.mostrador",
        "Agent",
        "another good password",
        domain::Role::Agent,
    )
    .await
    .unwrap();
    let other = login(&app, "admin@globex.test", "another good password").await;
    let agent = login(&app, "agent@test.mostrador", "another good password").await;
    let admin = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    use reqwest::Method;

    assert_eq!(
        call(&app, &other, Method::POST, mlm).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, &other, Method::GET, mlm).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, &agent, Method::POST, mlm).await.status(),
        StatusCode::FORBIDDEN
    );
    let before: Value = call(&app, &agent, Method::GET, mlm)
        .await
        .json()
        .await
        .unwrap();
    assert!(before["order_sync"].is_null() || before["order_sync"]["backfill_until"].is_null());
    assert_eq!(
        call(&app, &admin, Method::POST, 42).await.status(),
        StatusCode::NOT_FOUND
    );

    let queued = call(&app, &admin, Method::POST, mlm).await;
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let queued: Value = queued.json().await.unwrap();
    assert!(queued["job_id"].is_i64(), "{queued}");
    app.drain().await;
    let after: Value = call(&app, &agent, Method::GET, mlm)
        .await
        .json()
        .await
        .unwrap();
    let total = app.sim.orders_of(mlm).len();
    assert_eq!(after["order_sync"]["synced"], total, "{after}");
    assert!(after["order_sync"]["backfill_done_at"].is_string());
    assert_eq!(stored(&app, mlm).await, total);

    // A disconnected store cannot be synced.
    app.store()
        .disconnect(app.org, SellerId(mlm), "test")
        .await
        .unwrap();
    assert_eq!(
        call(&app, &admin, Method::POST, mlm).await.status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn the_reconciler_refreshes_orders_changed_since_its_last_sweep_and_only_those() {
    let app = TestApp::spawn_with_history(300).await;
    let seller = app.seller("MLB").id;
    backfill_orders(&app.state, SellerId(seller), &opts(), &Recorder::default())
        .await
        .unwrap();
    // One sweep sets the mark.
    app::reconcile::sync_post_sale(&app.state, SellerId(seller))
        .await
        .unwrap();
    app.drain().await;
    let mark = app
        .store()
        .order_sync(SellerId(seller))
        .await
        .unwrap()
        .unwrap()
        .changed_since
        .expect("the sweep left its mark");

    // An old order is partially refunded and the notification is lost.
    let mut target = None;
    for id in app.sim.orders_of(seller).into_iter().take(200) {
        if app.sim.order_json(id).await.unwrap()["status"] == "paid" {
            target = Some(id);
            break;
        }
    }
    let target = target.unwrap();
    assert_eq!(
        app.store()
            .order(OrderId(target))
            .await
            .unwrap()
            .unwrap()
            .status,
        "paid"
    );
    assert!(app.sim.refund_order(target, rust_decimal::Decimal::ONE));

    app::reconcile::sync_post_sale(&app.state, SellerId(seller))
        .await
        .unwrap();
    let queued: Vec<i64> = app
        .store()
        .org_jobs(app.org, 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.kind == app::sync::FETCH_ORDER && j.state == store::JobState::Queued)
        .filter_map(|j| j.payload["order_id"].as_i64())
        .collect();
    assert_eq!(queued, vec![target], "only the changed order");
    app.drain().await;
    let refreshed = app.store().order(OrderId(target)).await.unwrap().unwrap();
    assert_eq!(refreshed.status, "partially_refunded");
    let moved = app
        .store()
        .order_sync(SellerId(seller))
        .await
        .unwrap()
        .unwrap()
        .changed_since
        .unwrap();
    assert!(moved > mark, "the mark moves on");

    // Nothing changed since: nothing queued.
    app::reconcile::sync_post_sale(&app.state, SellerId(seller))
        .await
        .unwrap();
    let again = app
        .store()
        .org_jobs(app.org, 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.kind == app::sync::FETCH_ORDER && j.state == store::JobState::Queued)
        .count();
    assert_eq!(again, 0);
}
