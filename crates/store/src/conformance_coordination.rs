//! Conformance of what instances share through the database: Mercado Libre's 429 pauses, and
//! signals where a backend carries them across processes. Backends run it through
//! [`crate::conformance_coordination_tests!`].

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::Store;
use chrono::{Duration, TimeZone, Utc};

/// A pause is per scope, only grows, and ends on time.
pub async fn meli_pauses_are_per_scope_and_only_grow(store: &dyn Store) {
    let t0 = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
    assert_eq!(store.meli_pause("seller:1", t0).await.unwrap(), None);
    let long = t0 + Duration::seconds(30);
    assert_eq!(store.pause_meli("seller:1", long, t0).await.unwrap(), long);
    let short = t0 + Duration::seconds(5);
    assert_eq!(
        store.pause_meli("seller:1", short, t0).await.unwrap(),
        long,
        "a shorter Retry-After seen later keeps the longer pause"
    );
    assert_eq!(store.meli_pause("seller:1", t0).await.unwrap(), Some(long));
    assert_eq!(
        store.meli_pause("seller:2", t0).await.unwrap(),
        None,
        "other scopes keep going"
    );
    assert_eq!(store.meli_pause("seller:1", long).await.unwrap(), None);
    let later = long + Duration::seconds(10);
    assert_eq!(
        store.pause_meli("seller:1", later, long).await.unwrap(),
        later
    );
}

/// Where signals cross processes, a listener hears what is signalled after it started, in
/// order; elsewhere there is no listener and signalling is a harmless no-op.
pub async fn signals_reach_listeners(store: &dyn Store) {
    let listener = store.listen().await.unwrap();
    assert_eq!(listener.is_some(), store.signals_across_processes());
    store.signal("first").await.unwrap();
    let Some(mut listener) = listener else { return };
    store.signal("second").await.unwrap();
    let mut heard = Vec::new();
    while heard.len() < 2 {
        let next = tokio::time::timeout(std::time::Duration::from_secs(10), listener.recv())
            .await
            .expect("a signal arrives")
            .unwrap();
        heard.extend(next);
    }
    assert_eq!(heard, ["first", "second"]);
}

#[macro_export]
macro_rules! conformance_coordination_tests {
    (maybe: $make:expr, finish: $finish:expr $(,)?) => {
        $crate::__conformance_coordination_fns!($make, $finish;
            meli_pauses_are_per_scope_and_only_grow,
            signals_reach_listeners,
        );
    };
    ($make:expr $(,)?) => {
        $crate::conformance_coordination_tests!(
            maybe: async { ::core::option::Option::Some($make.await) },
            finish: |_store| async {}
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_coordination_fns {
    ($make:expr, $finish:expr; $($case:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $case() {
            let ::core::option::Option::Some(store) = $make.await else {
                return;
            };
            $crate::conformance_coordination::$case(&store).await;
            ($finish)(store).await;
        }
    )*};
}
