//! Mercado Libre failing 20% of calls (10% 500, 10% 429) and answering in 200 ms.

use super::harness::*;
use meli_sim::Faults;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const QUESTIONS: usize = 16;
const ANSWER: &str = "¡Hola! Sí, tenemos stock y despachamos en el día. ¡Saludos!";

/// Questions arrive through the simulator's own notifications while every API call the worker
/// makes may fail; each must reach the inbox. Then every one is answered, and each answer must
/// reach Mercado Libre exactly once: the simulator's call log counts the `POST /answers` that
/// reached its route (injected failures never do).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flaky_slow_api_loses_no_interaction_and_sends_no_answer_twice() {
    let mut env = Env::new(Db::sqlite(), true).await;
    let port = env.port;
    let _server = env.serve(port, &[]).await;
    env.login().await;
    env.connect_all().await;
    env.settle(Duration::from_secs(60), Nothing).await;

    env.sim
        .set_faults(Faults {
            latency: Duration::from_millis(200),
            fail_rate_5xx: 0.10,
            rate_limit_429: 0.10,
            // Mercado Libre usually names no Retry-After (the app then pauses the store 10 s);
            // one second keeps the test short and still exercises the pause.
            retry_after: Some(Duration::from_secs(1)),
            drop_notifications: 0.0,
        })
        .await;
    let started = Instant::now();
    let asked = ask_many(&env.sim, QUESTIONS, "flaky").await;
    let ids: Vec<i64> = asked.iter().map(|(q, _)| *q).collect();
    let (_, ingested) = env.settle(Duration::from_secs(240), InInbox(&ids)).await;

    let inbox = env.conversations().await;
    let by_ref: HashMap<String, i64> = inbox
        .iter()
        .map(|c| {
            (
                c["meli_ref"].as_str().unwrap().to_string(),
                c["id"].as_i64().unwrap(),
            )
        })
        .collect();
    for q in &ids {
        env.answer(&env.base(), by_ref[&q.to_string()], ANSWER)
            .await;
    }
    let answered_in = env.wait(Duration::from_secs(240), Answered(&ids)).await;
    let (jobs, _) = env.settle(Duration::from_secs(60), Nothing).await;

    let calls = env.calls().await;
    let injected = calls.iter().filter(|c| c.injected).count();
    let sent = reached(&calls, "POST", "/answers");
    println!(
        "flaky API (20% 5xx/429, 200 ms): {QUESTIONS} questions ingested in {ingested:?}, \
         answered in {answered_in:?} more ({:?} in all); {} API calls, {injected} failed by \
         injection; POST /answers reaching Mercado Libre: {}; jobs {jobs}",
        started.elapsed(),
        calls.len(),
        sent.len()
    );
    assert!(injected > 0, "faults were injected");
    assert_eq!(sent.len(), QUESTIONS, "each answer sent exactly once");
    assert!(sent.iter().all(|c| c.status == 200), "{sent:?}");
    assert_eq!(jobs["dead"], 0, "{jobs}");
}

/// Every one of these questions has its conversation in the inbox.
pub struct InInbox<'a>(pub &'a [i64]);

impl AsyncCheck for InInbox<'_> {
    async fn check(&self, env: &Env) -> bool {
        let inbox = env.conversations().await;
        self.0.iter().all(|q| {
            let r = q.to_string();
            inbox.iter().any(|c| c["meli_ref"] == r.as_str())
        })
    }
}
