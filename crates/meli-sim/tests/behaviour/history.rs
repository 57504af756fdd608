//! The seeded sales history: what it holds (repeat buyers, carts, cancellations, refunds in
//! Mercado Libre's shapes) and how the orders search walks it (date windows, sort, paging, the
//! offset ceiling).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use meli_sim::SimConfig;
use serde_json::Value;

use super::MLB_SELLER;
use crate::common::*;

async fn history_sim(orders: usize) -> (meli_sim::SimHandle, String) {
    let sim = start(SimConfig {
        history_orders: orders,
        ..config()
    })
    .await;
    let token = token_of(&login(&sim, "MLB", MLB_SELLER).await);
    (sim, token)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f-00:00").to_string()
}

fn ids(page: &Value) -> Vec<i64> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn monthly_windows_walk_the_whole_history_once() {
    let (sim, token) = history_sim(1_500).await;
    let all = sim.orders_of(MLB_SELLER);
    assert!(all.len() >= 1_500, "history plus the seeded sales");
    let (_, probe) = get_json(
        &sim,
        Some(&token),
        &format!("/orders/search?seller={MLB_SELLER}&sort=date_asc&limit=1"),
    )
    .await;
    assert_eq!(probe["paging"]["total"].as_u64(), Some(all.len() as u64));
    let oldest: DateTime<Utc> = probe["results"][0]["date_created"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = Utc::now();
    assert!(now - oldest > TimeDelta::days(700), "two years: {oldest}");

    let mut seen = Vec::new();
    let mut from = oldest;
    while from <= now {
        let to = from + TimeDelta::days(30) - TimeDelta::milliseconds(1);
        let mut offset = 0;
        loop {
            let (status, page) = get_json(
                &sim,
                Some(&token),
                &format!(
                    "/orders/search?seller={MLB_SELLER}&order.date_created.from={}&order.date_created.to={}&sort=date_asc&offset={offset}&limit=50",
                    stamp(from),
                    stamp(to)
                ),
            )
            .await;
            assert_eq!(status, 200, "{page}");
            let got = ids(&page);
            for o in page["results"].as_array().unwrap() {
                let at: DateTime<Utc> = o["date_created"].as_str().unwrap().parse().unwrap();
                assert!(at >= from && at <= to, "{at} outside {from}..{to}");
            }
            offset += got.len();
            seen.extend(got);
            if offset as u64 >= page["paging"]["total"].as_u64().unwrap() {
                break;
            }
        }
        from = to + TimeDelta::milliseconds(1);
    }
    let unique: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no order twice");
    assert!(
        unique == all.iter().copied().collect::<HashSet<_>>(),
        "every order found"
    );
}

#[tokio::test]
async fn repeat_buyers_cancellations_and_refunds_look_like_mercado_libre() {
    let (sim, token) = history_sim(2_000).await;
    let mut by_status: HashMap<String, Vec<Value>> = HashMap::new();
    let mut per_buyer: HashMap<i64, usize> = HashMap::new();
    for id in sim.orders_of(MLB_SELLER) {
        let o = sim.order_json(id).await.unwrap();
        *per_buyer
            .entry(o["buyer"]["id"].as_i64().unwrap())
            .or_default() += 1;
        by_status
            .entry(o["status"].as_str().unwrap().to_owned())
            .or_default()
            .push(o);
    }
    let most = per_buyer.values().max().copied().unwrap();
    let once = per_buyer.values().filter(|n| **n == 1).count();
    assert!(most >= 30, "a loyal buyer: {most}");
    assert!(
        once * 4 >= per_buyer.len(),
        "many buy once: {once}/{}",
        per_buyer.len()
    );
    // The site's seeded buyers are among the customers, by name.
    let (status, user) = get_json(&sim, Some(&token), "/users/5561234987").await;
    assert_eq!(
        (status, user["nickname"].as_str()),
        (200, Some("JOAOSILVA_SP"))
    );
    assert!(per_buyer.contains_key(&5_561_234_987));

    let partial = &by_status["partially_refunded"];
    assert!(partial.len() > 30);
    for o in partial {
        let p = &o["payments"][0];
        assert_eq!(
            (p["status"].as_str(), p["status_detail"].as_str()),
            (Some("approved"), Some("partially_refunded"))
        );
        let refunded = p["transaction_amount_refunded"].as_f64().unwrap();
        assert!(refunded > 0.0 && refunded < p["transaction_amount"].as_f64().unwrap());
        assert_eq!(o["paid_amount"], o["total_amount"]);
        assert!(o["tags"].as_array().unwrap().iter().any(|t| t == "paid"));
    }
    let cancelled = &by_status["cancelled"];
    let refunded: Vec<&Value> = cancelled
        .iter()
        .filter(|o| o["payments"][0]["status"] == "refunded")
        .collect();
    let unpaid: Vec<&Value> = cancelled
        .iter()
        .filter(|o| o["payments"][0]["status"] == "cancelled")
        .collect();
    assert!(!refunded.is_empty() && !unpaid.is_empty());
    assert_eq!(refunded.len() + unpaid.len(), cancelled.len());
    for o in &refunded {
        let p = &o["payments"][0];
        assert_eq!(p["transaction_amount_refunded"], p["transaction_amount"]);
        assert_eq!(o["cancel_detail"]["requested_by"], "buyer");
    }
    for o in &unpaid {
        assert_eq!(o["paid_amount"].as_f64(), Some(0.0));
        assert!(o["date_closed"].is_null() && o["payments"][0]["date_approved"].is_null());
        assert_eq!(o["cancel_detail"]["group"], "payment");
    }
    let paid = &by_status["paid"];
    assert!(paid.len() > 1_500);
    assert!(paid.iter().all(|o| o["cancel_detail"].is_null()
        && o["payments"][0]["transaction_amount_refunded"].as_f64() == Some(0.0)));
    // Carts: two orders sharing a pack and a shipment, the pack listing both.
    let cart = paid.iter().find(|o| o["pack_id"].is_i64()).unwrap();
    let (status, pack) = get_json(&sim, Some(&token), &format!("/packs/{}", cart["pack_id"])).await;
    assert_eq!(status, 200);
    assert_eq!(pack["orders"].as_array().unwrap().len(), 2);
    let (status, filtered) = get_json(
        &sim,
        Some(&token),
        &format!("/orders/search?seller={MLB_SELLER}&order.status=partially_refunded&limit=1"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        filtered["paging"]["total"].as_u64(),
        Some(partial.len() as u64)
    );
}

#[tokio::test]
async fn the_same_seed_gives_the_same_history() {
    let (a, _) = history_sim(300).await;
    let (b, _) = history_sim(300).await;
    let other = start(SimConfig {
        history_orders: 300,
        seed: 43,
        ..config()
    })
    .await;
    assert_eq!(a.orders_of(MLB_SELLER), b.orders_of(MLB_SELLER));
    assert_ne!(a.orders_of(MLB_SELLER), other.orders_of(MLB_SELLER));
}

#[tokio::test]
async fn one_search_cannot_page_past_ten_thousand() {
    let (sim, token) = history_sim(10_200).await;
    let search = |query: String| {
        let (sim, token) = (sim.clone(), token.clone());
        async move {
            get_json(
                &sim,
                Some(&token),
                &format!("/orders/search?seller={MLB_SELLER}&{query}"),
            )
            .await
        }
    };
    let (status, last) = search("offset=10000&limit=50".into()).await;
    assert_eq!(status, 200);
    assert!(last["paging"]["total"].as_u64().unwrap() > 10_050);
    assert_eq!(ids(&last).len(), 50, "more lie beyond, out of reach");
    assert_eq!(search("offset=10050&limit=50".into()).await.0, 400);
}

#[tokio::test]
async fn a_silent_refund_shows_in_the_last_updated_filter() {
    let (sim, token) = history_sim(200).await;
    let before = Utc::now();
    let mut paid = 0;
    for id in sim.orders_of(MLB_SELLER) {
        if sim.order_json(id).await.unwrap()["status"] == "paid" {
            paid = id;
            break;
        }
    }
    let total = sim.order_json(paid).await.unwrap()["total_amount"]
        .as_f64()
        .unwrap();
    let too_much = rust_decimal::Decimal::try_from(total).unwrap() + rust_decimal::Decimal::ONE;
    assert!(!sim.refund_order(paid, too_much), "more than was paid");
    assert!(sim.refund_order(paid, rust_decimal::Decimal::new(100, 2)));
    let (_, changed) = get_json(
        &sim,
        Some(&token),
        &format!(
            "/orders/search?seller={MLB_SELLER}&order.date_last_updated.from={}",
            stamp(before)
        ),
    )
    .await;
    assert!(ids(&changed).contains(&paid));
    let o = sim.order_json(paid).await.unwrap();
    assert_eq!(
        o["status"],
        if total <= 1.0 {
            "cancelled"
        } else {
            "partially_refunded"
        }
    );
    assert_eq!(
        o["payments"][0]["transaction_amount_refunded"].as_f64(),
        Some(1.0)
    );
}
