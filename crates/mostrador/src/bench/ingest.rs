//! `mostrador bench ingest`: the webhook under open-loop load, next to a bare endpoint.
//!
//! Layout: the benchmark process runs the load generator and the Mercado Libre simulator; the
//! servers run as child processes of this same binary (see [`super::servers`]), one at a time:
//! 1. the bare baseline endpoint: each offered rate, then saturation;
//! 2. per backend, the app without a worker (as `serve --no-worker`, so the queue it fills
//!    competes with nothing): one seeded seller connected through the OAuth flow, idle memory,
//!    each offered rate, saturation, peak memory, then a check that every acknowledged
//!    notification was recorded and queued;
//! 3. per backend, on a fresh database, the app with its worker (as `serve`): the visible
//!    latency with the simulator delivering notifications and answering the worker.

use super::child::{self, Child, Memory};
use super::load::{self, MakeBody, Target};
use super::report::{BackendReport, Baseline, Rate, Report, Saturation};
use super::servers::IngestSetup;
use super::visible;
use super::{Backend, BenchDb};
use crate::cli::BenchIngestArgs;
use anyhow::{Context, bail};
use bytes::Bytes;
use meli_sim::{SimConfig, SimHandle};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;

const WEBHOOK_PATH: &str = "/webhooks/meli";

/// The run's durations, after `--quick`.
pub struct Plan {
    pub rates: Vec<f64>,
    pub seconds: f64,
    pub connections: usize,
    pub max_seconds: f64,
    pub max_connections: usize,
    pub visible_rate: f64,
    pub visible_seconds: f64,
    pub poll: Duration,
    /// Pause before reading idle memory.
    pub settle: Duration,
    pub quick: bool,
}

impl Plan {
    fn new(args: &BenchIngestArgs) -> anyhow::Result<Plan> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(v)
            } else {
                Err(anyhow::anyhow!(
                    "--{name} must be a positive number, got {v}"
                ))
            }
        };
        if args.rates.is_empty() {
            bail!("--rates needs at least one rate");
        }
        for r in &args.rates {
            positive("rates", *r)?;
        }
        let quick = |full: f64, short: f64| if args.quick { short } else { full };
        Ok(Plan {
            rates: args.rates.clone(),
            seconds: quick(positive("seconds", args.seconds)?, 0.4),
            connections: args.connections as usize,
            max_seconds: quick(positive("max-seconds", args.max_seconds)?, 0.5),
            max_connections: args.max_connections as usize,
            visible_rate: positive("visible-rate", args.visible_rate)?,
            visible_seconds: quick(positive("visible-seconds", args.visible_seconds)?, 0.5),
            poll: Duration::from_millis(args.poll_ms.max(1)),
            settle: Duration::from_millis(if args.quick { 200 } else { 2000 }),
            quick: args.quick,
        })
    }

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }
}

pub async fn run(args: BenchIngestArgs) -> anyhow::Result<ExitCode> {
    let plan = Plan::new(&args)?;
    let bodies = Bodies::new();
    let baseline = measure_baseline(&plan, &bodies).await?;
    let mut backends = Vec::new();
    for backend in args.backend.list() {
        backends.push(measure_backend(backend, &args.pg_url, &plan, &bodies).await?);
    }
    let report = Report::new(&plan, baseline, backends);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json())?);
    } else {
        print!("{}", report.table());
    }
    match report.failures() {
        failures if failures.is_empty() => Ok(ExitCode::SUCCESS),
        failures => {
            for f in failures {
                eprintln!("error: {f}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Notification bodies: each request of the run gets its own `_id` and question, so none is a
/// duplicate and each enqueues a job (no real listing has these question ids).
#[derive(Clone)]
struct Bodies {
    tag: String,
    first_question: i64,
    next: Arc<AtomicU64>,
}

impl Bodies {
    fn new() -> Bodies {
        Bodies {
            tag: format!("bench-{:016x}", rand::random::<u64>()),
            first_question: rand::random_range(100_000_000_000..900_000_000_000_i64),
            next: Arc::default(),
        }
    }

    /// Bodies for `seller` under `app_id`; indices continue across the whole run.
    fn make(&self, seller: i64, app_id: i64) -> MakeBody {
        let (tag, first) = (self.tag.clone(), self.first_question);
        let sent = chrono::Utc::now()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string();
        Arc::new(move |i: u64| {
            Bytes::from(format!(
                r#"{{"_id":"{tag}-{i}","resource":"/questions/{q}","user_id":"{seller}","topic":"questions","application_id":{app_id},"attempts":1,"sent":"{sent}","received":"{sent}"}}"#,
                q = first + i as i64,
            ))
        })
    }

    /// Reserves `n` indices.
    fn take(&self, n: u64) -> u64 {
        self.next.fetch_add(n, Ordering::Relaxed)
    }
}

/// Each offered rate, then saturation, against `url`.
async fn rates_and_saturation(
    plan: &Plan,
    url: &str,
    body: MakeBody,
    bodies: &Bodies,
    server: &Child,
) -> anyhow::Result<(Vec<Rate>, Saturation, u64)> {
    let target = Target::new(url, WEBHOOK_PATH)?;
    // Warms the connections and the server (caches, pools, database pages); not reported.
    let warm = load::open_loop(
        &target,
        plan.rates[0].min(500.0),
        Plan::secs(plan.seconds.min(1.0)),
        plan.connections,
        body.clone(),
        bodies.take(0),
    )
    .await?;
    bodies.take(warm.sent);
    let mut rates = Vec::new();
    for &rate in &plan.rates {
        let first = bodies.take(0);
        let series = load::open_loop(
            &target,
            rate,
            Plan::secs(plan.seconds),
            plan.connections,
            body.clone(),
            first,
        )
        .await?;
        bodies.take(series.sent);
        rates.push(Rate::new(rate, Plan::secs(plan.seconds), series));
    }
    let generator_before = child::cpu_seconds("/proc/self/stat")?;
    let server_before = server.cpu_seconds()?;
    let series = load::closed_loop(
        &target,
        Plan::secs(plan.max_seconds),
        plan.max_connections,
        body,
        bodies.take(0),
    )
    .await?;
    bodies.take(series.sent);
    let wall = series.wall.as_secs_f64();
    let saturation = Saturation {
        connections: plan.max_connections,
        generator_cores: (child::cpu_seconds("/proc/self/stat")? - generator_before) / wall,
        server_cores: (server.cpu_seconds()? - server_before) / wall,
        series,
    };
    Ok((rates, saturation, warm.ok()))
}

async fn measure_baseline(plan: &Plan, bodies: &Bodies) -> anyhow::Result<Baseline> {
    let server = Child::spawn(&["baseline-server"]).await?;
    let outcome = async {
        tokio::time::sleep(plan.settle).await;
        let idle = server.memory()?;
        let body = bodies.make(1, 1);
        let (rates, saturation, _) =
            rates_and_saturation(plan, &server.url, body, bodies, &server).await?;
        Ok(Baseline {
            rates,
            saturation,
            idle,
            peak: server.memory()?,
        })
    }
    .await;
    server.stop().await;
    outcome
}

/// The simulator for one server, which must already be listening at `url` (its OAuth redirect
/// URI is registered with the simulator).
async fn simulator(url: &str, notify: bool) -> anyhow::Result<SimHandle> {
    let config = SimConfig {
        redirect_uris: vec![format!("{url}/oauth/callback")],
        notification_url: notify.then(|| format!("{url}{WEBHOOK_PATH}")),
        // Only what the benchmark asks: no seeded sales for the worker to sync on connect.
        seed_sales: false,
        ..SimConfig::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding the simulator")?;
    meli_sim::spawn(config, listener)
        .await
        .context("starting the Mercado Libre simulator")
}

/// An app server on `db` with its own simulator and one seeded seller connected through the
/// OAuth flow.
struct AppUnderTest {
    server: Child,
    sim: SimHandle,
    seller: meli_sim::SeededSeller,
    app_id: i64,
}

impl AppUnderTest {
    async fn start(db: &BenchDb, worker: bool) -> anyhow::Result<AppUnderTest> {
        let mut server = Child::spawn(&["ingest-server"]).await?;
        let sim = simulator(&server.url, worker).await?;
        let outcome = async {
            let config = SimConfig::default();
            let setup = IngestSetup {
                database_url: db.url.clone(),
                sim_base: sim.base_url(),
                auth_host_template: sim.auth_host_template(),
                app_id: config.app_id,
                client_secret: config.client_secret,
                worker,
            };
            server.send_line(&serde_json::to_string(&setup)?).await?;
            server.expect("ready").await?;
            let seller = sim
                .sellers()
                .into_iter()
                .next()
                .context("the simulator seeded no seller")?;
            app::scripted_connect::connect_through_oauth(
                &server.url,
                crate::demo::DEMO_ADMIN_EMAIL,
                crate::demo::DEMO_ADMIN_PASSWORD,
                &seller.site_id,
                seller.id,
            )
            .await
            .with_context(|| format!("connecting seeded seller {}", seller.nickname))?;
            Ok(seller)
        }
        .await;
        match outcome {
            Ok(seller) => Ok(AppUnderTest {
                server,
                sim,
                seller,
                app_id: SimConfig::default().app_id,
            }),
            Err(e) => {
                server.stop().await;
                sim.shutdown();
                Err(e)
            }
        }
    }

    async fn stop(self) {
        self.server.stop().await;
        self.sim.shutdown();
    }
}

async fn measure_backend(
    backend: Backend,
    pg_url: &str,
    plan: &Plan,
    bodies: &Bodies,
) -> anyhow::Result<BackendReport> {
    let db = backend.fresh(pg_url).await?;
    let database = db.label().to_string();
    let acks = measure_acks(&db, plan, bodies).await;
    db.discard().await;
    let (rates, saturation, idle, peak, check) = acks?;

    let db = backend.fresh(pg_url).await?;
    let visible = measure_visible(&db, plan).await;
    db.discard().await;
    let (visible, visible_memory) = visible?;

    Ok(BackendReport {
        backend,
        database,
        rates,
        saturation,
        idle,
        peak,
        check,
        visible,
        visible_memory,
    })
}

type Acks = (Vec<Rate>, Saturation, Memory, Memory, StoreCheck);

async fn measure_acks(db: &BenchDb, plan: &Plan, bodies: &Bodies) -> anyhow::Result<Acks> {
    let app = AppUnderTest::start(db, false).await?;
    let outcome = async {
        let queued_before = db.store.job_counts().await?.queued;
        tokio::time::sleep(plan.settle).await;
        let idle = app.server.memory()?;
        let first = bodies.take(0);
        let body = bodies.make(app.seller.id, app.app_id);
        let (rates, saturation, warm_ok) =
            rates_and_saturation(plan, &app.server.url, body, bodies, &app.server).await?;
        let peak = app.server.memory()?;
        let acked: u64 =
            rates.iter().map(|r| r.series.ok()).sum::<u64>() + saturation.series.ok() + warm_ok;
        let check = StoreCheck {
            sent: bodies.take(0) - first,
            queued_jobs: db.store.job_counts().await?.queued - queued_before,
            acked_at_least: acked,
        };
        Ok((rates, saturation, idle, peak, check))
    }
    .await;
    app.stop().await;
    outcome
}

async fn measure_visible(db: &BenchDb, plan: &Plan) -> anyhow::Result<(visible::Visible, Memory)> {
    let app = AppUnderTest::start(db, true).await?;
    let outcome = async {
        let visible = visible::measure(
            &app.server.url,
            &app.sim,
            &app.seller,
            plan.visible_rate,
            Plan::secs(plan.visible_seconds),
            plan.poll,
        )
        .await?;
        Ok((visible, app.server.memory()?))
    };
    let outcome = outcome.await;
    app.stop().await;
    outcome
}

/// Every acknowledged notification must be recorded with its job queued (none is a duplicate
/// and no worker runs). A request that failed on the client's side may still have been stored,
/// so the queue may hold more than the acknowledgements, never more than what was sent.
pub struct StoreCheck {
    pub sent: u64,
    pub acked_at_least: u64,
    pub queued_jobs: i64,
}

impl StoreCheck {
    pub fn passed(&self) -> bool {
        let queued = u64::try_from(self.queued_jobs).unwrap_or(0);
        queued >= self.acked_at_least && queued <= self.sent
    }
}

/// The row offered closest to `wanted` per second.
pub fn at_rate(rates: &[Rate], wanted: f64) -> Option<&Rate> {
    rates.iter().min_by(|a, b| {
        (a.offered - wanted)
            .abs()
            .total_cmp(&(b.offered - wanted).abs())
    })
}
