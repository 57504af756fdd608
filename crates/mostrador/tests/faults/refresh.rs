//! Fifty jobs at once on an access token Mercado Libre no longer accepts.

use super::harness::*;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

const JOBS: usize = 50;
const WORKERS: usize = 5;

/// Refresh tokens are single-use: two refreshes racing would spend the same one, and the loser
/// gets `invalid_grant` (the store then needs re-authorizing). With the access tokens expired in
/// the simulator, 50 question jobs of one store are queued at once and run by the server's
/// worker and five `worker` processes in parallel (each runs one job at a time). Exactly one
/// refresh may reach Mercado Libre, none may fail, and every job must be done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_jobs_on_an_expired_token_refresh_it_exactly_once() {
    let mut env = Env::new(Db::sqlite(), false).await;
    let port = env.port;
    let _server = env.serve(port, &[]).await;
    env.login().await;
    env.connect_all().await;
    let _workers: Vec<Proc> = (0..WORKERS).map(|_| env.worker(600)).collect();
    env.settle(Duration::from_secs(60), Nothing).await;

    let seller = env.sim.sellers()[0].id;
    let item = env.sim.items_of(seller)[0].clone();
    let mut ids = Vec::new();
    for k in 0..JOBS {
        let text = format!("¿Hacen factura A? ({k})");
        ids.push(env.sim.ask_question(&item, None, &text).await.unwrap());
    }
    let before = env.calls().await.len();
    env.sim.expire_access_tokens().await;
    let bodies: Vec<String> = ids
        .iter()
        .map(|q| question_notification(&format!("refresh-{q}"), *q, seller))
        .collect();
    let started = Instant::now();
    let acked = post_all(
        env.http.clone(),
        vec![env.base()],
        bodies,
        JOBS,
        Arc::new(AtomicUsize::new(0)),
    )
    .await;
    assert!(acked.iter().all(|a| *a));
    let (jobs, took) = env.settle(Duration::from_secs(120), Fetched(&ids)).await;

    let calls = env.calls().await[before..].to_vec();
    let tokens: Vec<_> = calls.iter().filter(|c| c.path == "/oauth/token").collect();
    let refreshes = tokens
        .iter()
        .filter(|c| c.grant_type.as_deref() == Some("refresh_token"))
        .count();
    let rejected = calls.iter().filter(|c| c.status == 401).count();
    let stores = env.get("/api/stores").await;
    println!(
        "expired token: {JOBS} jobs on {} workers done in {took:?} ({:?} from the first \
         webhook); 401s seen {rejected}; token calls {tokens:?}; jobs {jobs}",
        WORKERS + 1,
        started.elapsed()
    );
    assert!(rejected >= 1, "the expired token was used and refused");
    assert_eq!(refreshes, 1, "exactly one refresh: {tokens:?}");
    assert!(
        tokens.iter().all(|c| c.status == 200),
        "no invalid_grant: {tokens:?}"
    );
    assert!(
        stores
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["health"] == "connected"),
        "{stores}"
    );
    assert_eq!(jobs["dead"], 0, "{jobs}");
}
