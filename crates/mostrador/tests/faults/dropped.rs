//! Mercado Libre dropping 30% of the notifications.

use super::flaky::InInbox;
use super::harness::*;
use meli_sim::Faults;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const QUESTIONS: usize = 40;
const MESSAGES: usize = 10;

/// Dropped notifications go straight to `/missed_feeds` and are never POSTed. The reconciler
/// (every 10 s, the minimum) must bring every question and post-sale message in anyway.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reconciler_recovers_every_dropped_notification() {
    let mut env = Env::new(Db::sqlite(), true).await;
    let port = env.port;
    let _server = env.serve(port, &["--reconcile-every", "10"]).await;
    env.login().await;
    env.connect_all().await;
    env.settle(Duration::from_secs(60), Nothing).await;

    env.sim
        .set_faults(Faults {
            drop_notifications: 0.30,
            ..Faults::default()
        })
        .await;
    let calls_at_start = env.calls().await.len();
    let started = Instant::now();
    let asked = ask_many(&env.sim, QUESTIONS, "dropped").await;
    let mut refs: Vec<i64> = asked.iter().map(|(q, _)| *q).collect();
    let mut resources: Vec<String> = refs.iter().map(|q| format!("/questions/{q}")).collect();
    let sellers = env.sim.sellers();
    for k in 0..MESSAGES {
        let seller = &sellers[k % sellers.len()];
        let item = env.sim.items_of(seller.id)[k / sellers.len()].clone();
        let purchase = env.sim.buy(&[&item], None).await.unwrap();
        let message = env
            .sim
            .buyer_message(purchase.conversation_id, &format!("¿Cuándo llega? ({k})"))
            .await
            .unwrap();
        refs.push(purchase.conversation_id);
        resources.push(message);
    }
    let (jobs, recovered) = env.settle(Duration::from_secs(120), InInbox(&refs)).await;
    // What the simulator did POST; the rest was dropped.
    let delivered: HashSet<String> = env
        .sim
        .deliveries()
        .await
        .into_iter()
        .map(|d| d.resource)
        .collect();
    let dropped = resources.iter().filter(|r| !delivered.contains(*r)).count();
    assert!(dropped > 0, "some notifications were dropped");

    let feeds_read = reached(&env.calls().await[calls_at_start..], "GET", "/missed_feeds").len();
    println!(
        "30% dropped: {} interactions ({QUESTIONS} questions, {MESSAGES} post-sale messages), \
         {dropped} notifications of them dropped; all in the inbox {recovered:?} after the \
         last was created ({:?} after the first); the reconciler read /missed_feeds \
         {feeds_read} times; jobs {jobs}",
        resources.len(),
        started.elapsed()
    );
    assert!(feeds_read > 0, "the reconciler read the missed feeds");
    assert_eq!(jobs["dead"], 0, "{jobs}");
}
