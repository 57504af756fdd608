//! `kill -9` of the server in the middle of a burst of 10,000 webhooks, then a restart.

use super::harness::*;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BURST: usize = 10_000;
/// The server is killed once this many notifications were acknowledged.
const KILL_AFTER_ACKS: usize = 4_000;
const CONCURRENCY: usize = 32;

/// The intake runs in `serve --no-worker` and is killed with SIGKILL mid-burst; a separate
/// `worker` process keeps running. After the restart, every notification that was not
/// acknowledged is sent again (Mercado Libre retries those), and so are 500 that were, as a
/// redelivery. Every acknowledged notification must then be processed (its question fetched
/// from Mercado Libre and its job done), and none twice: the simulator's call log counts each
/// question's fetches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_burst_loses_no_acknowledged_notification_and_repeats_none() {
    let mut env = Env::new(Db::sqlite(), false).await;
    let port = env.port;
    let mut server = env.serve(port, &["--no-worker"]).await;
    let _worker = env.worker(600);
    env.login().await;
    env.connect_all().await;
    env.settle(Duration::from_secs(60), Nothing).await;

    let asked = ask_many(&env.sim, BURST, "burst").await;
    let bodies: Vec<String> = asked
        .iter()
        .enumerate()
        .map(|(k, (q, seller))| question_notification(&format!("burst-{k}"), *q, *seller))
        .collect();
    let before = question_fetches(&env.calls().await);
    assert!(
        asked.iter().all(|(q, _)| !before.contains_key(q)),
        "fresh questions"
    );

    let progress = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let burst = tokio::spawn(post_all(
        env.http.clone(),
        vec![env.base()],
        bodies.clone(),
        CONCURRENCY,
        progress.clone(),
    ));
    while progress.load(Ordering::Relaxed) < KILL_AFTER_ACKS && !burst.is_finished() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.kill9();
    let killed_at = started.elapsed();
    let acked_at_kill = progress.load(Ordering::Relaxed);
    let acked = burst.await.unwrap();
    let acked_ids: Vec<i64> = asked
        .iter()
        .zip(&acked)
        .filter(|(_, a)| **a)
        .map(|((q, _), _)| *q)
        .collect();
    assert!(
        acked_ids.len() >= KILL_AFTER_ACKS && acked_ids.len() < BURST,
        "the kill landed mid-burst: {} acknowledged",
        acked_ids.len()
    );

    let _server = env.serve(port, &["--no-worker"]).await;
    let restarted_at = started.elapsed();
    let resend: Vec<String> = bodies
        .iter()
        .zip(&acked)
        .filter(|(_, a)| !**a)
        .map(|(b, _)| b.clone())
        .chain(
            bodies
                .iter()
                .zip(&acked)
                .filter(|(_, a)| **a)
                .take(500)
                .map(|(b, _)| b.clone()),
        )
        .collect();
    let resent = resend.len();
    let again = post_all(
        env.http.clone(),
        vec![env.base()],
        resend,
        CONCURRENCY,
        Arc::new(AtomicUsize::new(0)),
    )
    .await;
    assert!(
        again.iter().all(|a| *a),
        "the restarted server acknowledges every redelivery"
    );

    // Every webhook is acknowledged by now, and the intake commits the job before the 200: once
    // the queue is idle, everything is processed or lost. Until then, note when the last
    // acknowledged one was processed.
    let all: Vec<i64> = asked.iter().map(|(q, _)| *q).collect();
    let resumed = Instant::now();
    let mut acked_done = None;
    let jobs = loop {
        if acked_done.is_none() && Fetched(&acked_ids).check(&env).await {
            acked_done = Some(resumed.elapsed());
        }
        let jobs = env.get("/api/jobs").await;
        if jobs["queued"] == 0 && jobs["running"] == 0 {
            break jobs;
        }
        assert!(
            resumed.elapsed() < Duration::from_secs(600),
            "the queue never emptied: {jobs}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let total = started.elapsed();
    let fetches = question_fetches(&env.calls().await);
    let lost: Vec<&i64> = acked_ids
        .iter()
        .filter(|q| !fetches.contains_key(q))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged notifications never processed: {lost:?}",
        lost.len()
    );
    let missing = all.iter().filter(|q| !fetches.contains_key(q)).count();
    assert_eq!(
        missing, 0,
        "notifications acknowledged after the restart, never processed"
    );
    let twice: Vec<(i64, usize)> = all
        .iter()
        .filter_map(|q| fetches.get(q).filter(|n| **n > 1).map(|n| (*q, *n)))
        .collect();
    let inbox = env.conversations().await;
    let refs: Vec<&str> = inbox
        .iter()
        .filter_map(|c| c["meli_ref"].as_str())
        .collect();
    let unique: HashSet<&str> = refs.iter().copied().collect();

    println!(
        "kill -9 mid-burst: {BURST} webhooks at concurrency {CONCURRENCY}; killed after \
         {killed_at:?} with {acked_at_kill} acknowledged ({} in all before the kill); restarted \
         after {restarted_at:?}; {resent} sent again (unacknowledged + 500 redeliveries); every \
         acknowledged one processed {acked_done:?} after the redeliveries; all {BURST} \
         processed {total:?} after the burst began; questions fetched twice: {}; jobs {jobs}",
        acked_ids.len(),
        twice.len()
    );
    assert_eq!(jobs["dead"], 0, "no job failed: {jobs}");
    assert!(twice.is_empty(), "questions processed twice: {twice:?}");
    assert_eq!(
        refs.len(),
        unique.len(),
        "no conversation twice in the inbox"
    );
}
