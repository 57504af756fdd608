//! The success monitor's figures on every backend: the revenue rules applied by the rollups,
//! rollups that follow every change of an order, the orders list, the buyers' RFM inputs, bulk
//! loads rebuilt to the same figures, and nothing visible outside the organization. Backends run
//! these through [`crate::conformance_figures_tests!`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::*;
use chrono::{Duration, TimeZone};
use domain::sales::hour_of;
use rust_decimal::Decimal;
use std::str::FromStr;

fn org() -> OrgId {
    OrgId(uuid::Uuid::from_u128(0xF1))
}

fn other_org() -> OrgId {
    OrgId(uuid::Uuid::from_u128(0xF2))
}

const SELLER: SellerId = SellerId(501);

/// The start of an hour, so cases can place orders inside it.
fn h0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn sale(id: i64, buyer: i64, status: &str, total: &str, minutes: i64) -> Order {
    Order {
        order_id: OrderId(id),
        org_id: org(),
        seller_id: SELLER,
        pack_id: None,
        status: status.to_string(),
        status_detail: None,
        date_created: h0() + Duration::minutes(minutes) - Duration::hours(30),
        date_closed: Some(h0() + Duration::minutes(minutes)),
        last_updated: h0() + Duration::minutes(minutes),
        total_amount: d(total),
        paid_amount: d(total),
        refunded_amount: Decimal::ZERO,
        currency_id: "BRL".to_string(),
        buyer_id: MeliUserId(buyer),
        shipment_id: None,
        shipping_status: None,
        items: Vec::new(),
    }
}

fn hour(n: i64) -> i64 {
    hour_of(h0()) + n
}

async fn totals(store: &dyn Store, org: OrgId, from: i64, to: i64) -> Vec<CurrencyTotals> {
    store
        .sales_totals(org, SELLER, hour(from), hour(to))
        .await
        .unwrap()
}

fn brl(all_orders: i64, sales: i64, revenue: &str) -> CurrencyTotals {
    CurrencyTotals {
        currency_id: "BRL".into(),
        all_orders,
        sales,
        revenue: d(revenue),
    }
}

pub async fn figures_follow_the_revenue_rules(store: &dyn Store) {
    let mut refunded = sale(2, 11, "partially_refunded", "100.00", 10);
    refunded.refunded_amount = d("30.25");
    let mut open = sale(6, 12, "paid", "7.5", 0);
    // No closing date: the creation date places it (two hours in).
    open.date_closed = None;
    open.date_created = h0() + Duration::minutes(130);
    let mut dollars = sale(7, 10, "paid", "5", 20);
    dollars.currency_id = "USD".into();
    for o in [
        sale(1, 10, "paid", "125.92", 0),
        refunded,
        sale(3, 10, "cancelled", "50", 30),
        sale(4, 12, "invalid", "20", 40),
        sale(5, 12, "payment_required", "10", 59),
        open,
        dollars,
        // Past the hour: the next one.
        sale(8, 10, "paid", "1", 60),
    ] {
        store.upsert_order(&o).await.unwrap();
    }
    let usd = CurrencyTotals {
        currency_id: "USD".into(),
        all_orders: 1,
        sales: 1,
        revenue: d("5"),
    };
    assert_eq!(
        totals(store, org(), 0, 1).await,
        vec![brl(5, 2, "195.67"), usd.clone()],
        "paid and net of the refund; cancelled, invalid and unpaid left out; per currency"
    );
    assert_eq!(
        totals(store, org(), 0, 3).await,
        vec![brl(7, 4, "204.17"), usd]
    );
    assert_eq!(totals(store, org(), -24, 0).await, vec![]);
    assert_eq!(totals(store, other_org(), 0, 3).await, vec![]);

    let buckets = store
        .revenue_buckets(org(), SELLER, hour(0), hour(3), 2)
        .await
        .unwrap();
    let brl_buckets: Vec<_> = buckets
        .iter()
        .filter(|b| b.currency_id == "BRL")
        .map(|b| (b.bucket, b.sales, b.revenue))
        .collect();
    assert_eq!(
        brl_buckets,
        vec![(0, 3, d("196.67")), (1, 1, d("7.5"))],
        "hours 0–1 in bucket 0, hour 2 in bucket 1"
    );
    assert!(
        store
            .revenue_buckets(other_org(), SELLER, hour(0), hour(3), 24)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn rollups_follow_every_change_of_an_order(store: &dyn Store) {
    let mut o = sale(1, 10, "paid", "100", 5);
    store.upsert_order(&o).await.unwrap();
    assert_eq!(totals(store, org(), 0, 1).await, vec![brl(1, 1, "100")]);

    o.status = "partially_refunded".into();
    o.refunded_amount = d("40");
    store.upsert_order(&o).await.unwrap();
    assert_eq!(totals(store, org(), 0, 1).await, vec![brl(1, 1, "60")]);

    // Closed a day later: the order moves, and its old hour empties.
    o.date_closed = Some(h0() + Duration::hours(24));
    store.upsert_order(&o).await.unwrap();
    assert_eq!(totals(store, org(), 0, 1).await, vec![]);
    assert_eq!(totals(store, org(), 24, 25).await, vec![brl(1, 1, "60")]);
    let buyers = store.buyer_totals(org(), SELLER, "BRL").await.unwrap();
    assert_eq!(buyers.len(), 1);
    assert_eq!(buyers[0].last_sale_at, h0() + Duration::hours(24));

    // A full refund cancels the order: still listed, no longer a sale, the buyer gone.
    o.status = "cancelled".into();
    o.refunded_amount = d("100");
    store.upsert_order(&o).await.unwrap();
    assert_eq!(totals(store, org(), 24, 25).await, vec![brl(1, 0, "0")]);
    assert!(
        store
            .buyer_totals(org(), SELLER, "BRL")
            .await
            .unwrap()
            .is_empty()
    );
    let back = store.order(OrderId(1)).await.unwrap().unwrap();
    assert_eq!(back.refunded_amount, d("100"));
}

pub async fn the_orders_list_pages_newest_first(store: &dyn Store) {
    for i in 0..7 {
        let status = if i == 3 { "cancelled" } else { "paid" };
        store
            .upsert_order(&sale(100 + i, 10, status, "10", i * 5))
            .await
            .unwrap();
    }
    // Outside the period.
    store
        .upsert_order(&sale(200, 10, "paid", "10", 24 * 60))
        .await
        .unwrap();
    let (from, to) = (h0(), h0() + Duration::hours(1));
    let page = store
        .period_orders(org(), SELLER, from, to, 3, 0)
        .await
        .unwrap();
    assert_eq!(page.total, 7, "every status counts in the list");
    let ids: Vec<i64> = page.orders.iter().map(|o| o.order_id.0).collect();
    assert_eq!(ids, vec![106, 105, 104]);
    let last = store
        .period_orders(org(), SELLER, from, to, 3, 6)
        .await
        .unwrap();
    assert_eq!(
        last.orders.iter().map(|o| o.order_id.0).collect::<Vec<_>>(),
        vec![100]
    );
    let cancelled = store
        .period_orders(org(), SELLER, from, to, 1, 3)
        .await
        .unwrap();
    assert_eq!(cancelled.orders[0].order_id, OrderId(103));
    assert_eq!(cancelled.orders[0].revenue(), None);
    assert_eq!(page.orders[0].revenue(), Some(d("10")));
    let none = store
        .period_orders(other_org(), SELLER, from, to, 10, 0)
        .await
        .unwrap();
    assert_eq!((none.orders.len(), none.total), (0, 0));
}

pub async fn buyers_carry_their_rfm_inputs(store: &dyn Store) {
    let mut refunded = sale(3, 10, "partially_refunded", "30", 120);
    refunded.refunded_amount = d("10");
    for o in [
        sale(1, 10, "paid", "5.5", 0),
        sale(2, 10, "paid", "4.5", 60),
        refunded,
        sale(4, 11, "paid", "7", 30),
        sale(5, 12, "cancelled", "99", 30),
    ] {
        store.upsert_order(&o).await.unwrap();
    }
    let mut buyers = store.buyer_totals(org(), SELLER, "BRL").await.unwrap();
    buyers.sort_by_key(|b| b.buyer_id);
    let seen: Vec<_> = buyers
        .iter()
        .map(|b| (b.buyer_id.0, b.last_sale_at, b.sales, b.revenue))
        .collect();
    assert_eq!(
        seen,
        vec![
            (10, h0() + Duration::minutes(120), 3, d("30")),
            (11, h0() + Duration::minutes(30), 1, d("7")),
        ],
        "a buyer with only a cancelled order is no customer"
    );
    assert_eq!(
        store.sale_currencies(org(), SELLER).await.unwrap(),
        vec!["BRL".to_string()]
    );
    assert!(
        store
            .buyer_totals(other_org(), SELLER, "BRL")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .sale_currencies(other_org(), SELLER)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn bulk_loads_rebuild_to_the_same_figures(store: &dyn Store) {
    let history: Vec<Order> = (0..1_200)
        .map(|i| {
            let status = ["paid", "paid", "cancelled", "partially_refunded"][i as usize % 4];
            let mut o = sale(10_000 + i, 1 + i % 97, status, "19.90", i * 7);
            if status == "partially_refunded" {
                o.refunded_amount = d("4.95");
            }
            o
        })
        .collect();
    let (bulk, one_by_one): (Vec<Order>, Vec<Order>) = history
        .iter()
        .cloned()
        .map(|mut o| {
            let mut copy = o.clone();
            copy.order_id = OrderId(o.order_id.0 + 1_000_000);
            copy.seller_id = SellerId(502);
            o.seller_id = SELLER;
            (o, copy)
        })
        .unzip();
    store.insert_new_orders(&bulk).await.unwrap();
    assert_eq!(
        totals(store, org(), 0, 1000).await,
        vec![],
        "a bulk load leaves the rollups alone"
    );
    store.rebuild_figures(org(), SELLER).await.unwrap();
    for o in &one_by_one {
        store.upsert_order(o).await.unwrap();
    }
    let span = (hour(-1), hour(1000));
    let rebuilt = store
        .sales_totals(org(), SELLER, span.0, span.1)
        .await
        .unwrap();
    let upserted = store
        .sales_totals(org(), SellerId(502), span.0, span.1)
        .await
        .unwrap();
    assert_eq!(rebuilt, upserted);
    assert_eq!(rebuilt, vec![brl(1_200, 900, "16425")]);
    let series = |seller| store.revenue_buckets(org(), seller, span.0, span.1, 24);
    assert_eq!(
        series(SELLER).await.unwrap(),
        series(SellerId(502)).await.unwrap()
    );
    let mut a = store.buyer_totals(org(), SELLER, "BRL").await.unwrap();
    let mut b = store
        .buyer_totals(org(), SellerId(502), "BRL")
        .await
        .unwrap();
    a.sort_by_key(|x| x.buyer_id);
    b.sort_by_key(|x| x.buyer_id);
    assert_eq!(a, b);
    assert_eq!(a.len(), 97);
    let again = store.order(OrderId(10_003)).await.unwrap().unwrap();
    assert_eq!(again, bulk[3]);
}

/// Generates one `#[tokio::test]` per figures case, like [`crate::conformance_tests!`].
#[macro_export]
macro_rules! conformance_figures_tests {
    (maybe: $make:expr, finish: $finish:expr $(,)?) => {
        $crate::__conformance_figures_fns!($make, $finish;
            figures_follow_the_revenue_rules,
            rollups_follow_every_change_of_an_order,
            the_orders_list_pages_newest_first,
            buyers_carry_their_rfm_inputs,
            bulk_loads_rebuild_to_the_same_figures,
        );
    };
    ($make:expr $(,)?) => {
        $crate::conformance_figures_tests!(
            maybe: async { ::core::option::Option::Some($make.await) },
            finish: |_store| async {}
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_figures_fns {
    ($make:expr, $finish:expr; $($case:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $case() {
            let ::core::option::Option::Some(store) = $make.await else {
                return;
            };
            $crate::conformance_figures::$case(&store).await;
            ($finish)(store).await;
        }
    )*};
}
