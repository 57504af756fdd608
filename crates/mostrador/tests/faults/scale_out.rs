//! Two `serve` and two `worker` processes on one PostgreSQL database.

use super::harness::*;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

const PER_PHASE: usize = 500;
const ANSWERS: usize = 100;
const ANSWER: &str = "¡Hola! Sí, lo tenemos. ¡Gracias por tu consulta!";

/// Phase one: one `serve --no-worker` and one `worker`; phase two: a second of each. In both,
/// 500 questions are notified through the webhook (in phase two each notification reaches
/// both servers, as a redelivery landing on the other instance would), and the time until all
/// are processed gives the throughput of one against two. Then 100 questions are answered,
/// half through each server. Nothing may be processed twice (each question fetched once) nor
/// sent twice (each answer reaches Mercado Libre once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_and_two_workers_process_and_send_nothing_twice() {
    let Some(db) = Db::postgres().await else {
        return;
    };
    let mut env = Env::new(db, false).await;
    let (port_a, port_b) = (env.port, free_port());
    let (base_a, base_b) = (env.base(), format!("http://127.0.0.1:{port_b}"));
    let _a = env.serve(port_a, &["--no-worker"]).await;
    let _w1 = env.worker(600);
    env.login().await;
    env.connect_all().await;
    env.settle(Duration::from_secs(60), Nothing).await;

    let one = phase(&env, vec![base_a.clone()], "one").await;
    let _b = env.serve(port_b, &["--no-worker"]).await;
    let _w2 = env.worker(600);
    let two = phase(&env, vec![base_a.clone(), base_b.clone()], "two").await;

    let inbox = env.conversations().await;
    let targets: Vec<(i64, String)> = inbox
        .iter()
        .take(ANSWERS)
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["meli_ref"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let before = env.calls().await.len();
    for (k, (id, _)) in targets.iter().enumerate() {
        let base = if k % 2 == 0 { &base_a } else { &base_b };
        env.answer(base, *id, ANSWER).await;
    }
    let questions: Vec<i64> = targets.iter().map(|(_, r)| r.parse().unwrap()).collect();
    let answered = env
        .wait(Duration::from_secs(120), Answered(&questions))
        .await;
    let (jobs, _) = env.settle(Duration::from_secs(60), Nothing).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    let calls = env.calls().await;
    let fetches = question_fetches(&calls);
    let twice = fetches.values().filter(|n| **n > 1).count();
    let sent = reached(&calls[before..], "POST", "/answers");
    println!(
        "scale-out on PostgreSQL: one serve + one worker {one:.0} notifications/s, two + two \
         {two:.0}/s (ratio {:.2}); {ANSWERS} answers through both servers delivered in \
         {answered:?}, POST /answers reaching Mercado Libre: {}; questions fetched twice: \
         {twice}; jobs {jobs}",
        two / one,
        sent.len()
    );
    assert_eq!(twice, 0, "no question processed twice");
    assert_eq!(sent.len(), ANSWERS, "each answer sent exactly once");
    assert_eq!(jobs["dead"], 0, "{jobs}");
    drop((_a, _b, _w1, _w2));
    env.db.discard().await;
}

/// Notifies `PER_PHASE` new questions through `bases` (each to every base) and returns the
/// processed notifications per second, from the first webhook to the last question fetched.
async fn phase(env: &Env, bases: Vec<String>, tag: &str) -> f64 {
    let asked = ask_many(&env.sim, PER_PHASE, tag).await;
    let ids: Vec<i64> = asked.iter().map(|(q, _)| *q).collect();
    let copies = bases.len();
    let bodies: Vec<String> = asked
        .iter()
        .flat_map(|(q, seller)| {
            let body = question_notification(&format!("{tag}-{q}"), *q, *seller);
            std::iter::repeat_n(body, copies)
        })
        .collect();
    let started = Instant::now();
    let acked = post_all(
        env.http.clone(),
        bases,
        bodies,
        32,
        Arc::new(AtomicUsize::new(0)),
    )
    .await;
    assert!(acked.iter().all(|a| *a), "every webhook acknowledged");
    let (_, _) = env.settle(Duration::from_secs(240), Fetched(&ids)).await;
    PER_PHASE as f64 / started.elapsed().as_secs_f64()
}
