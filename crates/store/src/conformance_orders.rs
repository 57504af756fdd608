//! Conformance cases for order sync: a backfill page and its position are written together,
//! an older read never undoes a newer one, and the state stays in its organization. Run by both
//! backends through [`crate::order_sync_conformance_tests!`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::*;
use chrono::{Duration, TimeZone};
use rust_decimal::Decimal;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap() + Duration::seconds(secs)
}

fn org() -> OrgId {
    OrgId(uuid::Uuid::from_u128(0x0C))
}

fn other_org() -> OrgId {
    OrgId(uuid::Uuid::from_u128(0x0D))
}

const SELLER: SellerId = SellerId(2_876_543_210);

fn order(id: i64, status: &str, last_updated: i64) -> Order {
    Order {
        order_id: OrderId(id),
        org_id: org(),
        seller_id: SELLER,
        pack_id: None,
        status: status.to_string(),
        status_detail: None,
        date_created: t(0),
        date_closed: Some(t(1)),
        last_updated: t(last_updated),
        total_amount: Decimal::new(18_990, 2),
        paid_amount: Decimal::new(18_990, 2),
        refunded_amount: Decimal::ZERO,
        currency_id: "BRL".to_string(),
        buyer_id: MeliUserId(9_007_199_254_740_993),
        shipment_id: Some(44_000_000_001),
        shipping_status: None,
        items: Vec::new(),
    }
}

fn position(offset: i64, synced: i64) -> OrderSync {
    OrderSync {
        backfill_until: Some(t(1000)),
        window_from: Some(t(0)),
        window_to: Some(t(500)),
        window_offset: offset,
        synced,
        expected: Some(3),
        ..OrderSync::new(org(), SELLER)
    }
}

pub async fn backfill_pages_write_orders_and_position_together(store: &dyn Store) {
    assert_eq!(store.order_sync(SELLER).await.unwrap(), None);
    let page = [order(1, "paid", 5), order(2, "cancelled", 9)];
    store
        .save_backfill_page(&position(2, 2), &page)
        .await
        .unwrap();
    assert_eq!(
        store.order(OrderId(2)).await.unwrap(),
        Some(page[1].clone())
    );
    let saved = store.order_sync(SELLER).await.unwrap().unwrap();
    assert_eq!(saved, position(2, 2));
    assert!(saved.backfill_running());

    // The reconciler's mark and the backfill's position live side by side.
    store
        .set_orders_changed_since(org(), SELLER, t(700))
        .await
        .unwrap();
    let mut done = position(0, 3);
    done.window_from = Some(t(1000));
    done.backfill_done_at = Some(t(1001));
    store
        .save_backfill_page(&done, &[order(3, "paid", 7)])
        .await
        .unwrap();
    let saved = store.order_sync(SELLER).await.unwrap().unwrap();
    assert_eq!(saved.changed_since, Some(t(700)), "a page keeps the mark");
    assert_eq!((saved.synced, saved.window_offset), (3, 0));
    assert!(!saved.backfill_running());
    store
        .set_orders_changed_since(org(), SELLER, t(800))
        .await
        .unwrap();
    let saved = store.order_sync(SELLER).await.unwrap().unwrap();
    assert_eq!(
        (saved.changed_since, saved.backfill_done_at),
        (Some(t(800)), Some(t(1001))),
        "moving the mark keeps the position"
    );

    // Scoped reads.
    assert!(store.org_order_sync(org(), SELLER).await.unwrap().is_some());
    assert!(
        store
            .org_order_sync(other_org(), SELLER)
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn backfill_pages_never_undo_a_newer_read(store: &dyn Store) {
    let mut live = order(10, "cancelled", 100);
    live.shipping_status = Some("delivered".to_string());
    store.upsert_order(&live).await.unwrap();
    // A page read before the cancellation arrived: older, no shipping status.
    store
        .save_backfill_page(&position(1, 1), &[order(10, "paid", 50)])
        .await
        .unwrap();
    assert_eq!(store.order(OrderId(10)).await.unwrap(), Some(live.clone()));
    // A newer read replaces it but keeps the shipping status it does not know.
    let refunded = order(10, "partially_refunded", 150);
    store
        .save_backfill_page(&position(1, 1), &[refunded])
        .await
        .unwrap();
    let stored = store.order(OrderId(10)).await.unwrap().unwrap();
    assert_eq!(stored.status, "partially_refunded");
    assert_eq!(stored.shipping_status.as_deref(), Some("delivered"));
}

pub async fn a_page_with_a_foreign_order_writes_nothing(store: &dyn Store) {
    let mut foreign = order(21, "paid", 5);
    foreign.org_id = other_org();
    let err = store
        .save_backfill_page(&position(2, 2), &[order(20, "paid", 5), foreign])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.order(OrderId(20)).await.unwrap(), None);
    assert_eq!(store.order_sync(SELLER).await.unwrap(), None);
}

/// Runs every order-sync case against a backend, like [`crate::conformance_tests!`] (same two
/// forms).
#[macro_export]
macro_rules! order_sync_conformance_tests {
    (maybe: $make:expr, finish: $finish:expr $(,)?) => {
        $crate::__order_sync_test_fns!($make, $finish;
            backfill_pages_write_orders_and_position_together,
            backfill_pages_never_undo_a_newer_read,
            a_page_with_a_foreign_order_writes_nothing,
        );
    };
    ($make:expr $(,)?) => {
        $crate::order_sync_conformance_tests!(
            maybe: async { ::core::option::Option::Some($make.await) },
            finish: |_store| async {}
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __order_sync_test_fns {
    ($make:expr, $finish:expr; $($case:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $case() {
            let ::core::option::Option::Some(store) = $make.await else {
                return;
            };
            $crate::conformance_orders::$case(&store).await;
            ($finish)(store).await;
        }
    )*};
}
