//! `mostrador bench webhook`: how fast the webhook acknowledges, as ratios against a baseline
//! measured in the same run (machines are noisy; absolute numbers only mean something next to
//! each other).
//!
//! Setup, in process and as the demo does it: the simulator (sending nothing by itself), the app
//! on `127.0.0.1:0` without a worker, the demo admin, and one seeded seller connected through the
//! OAuth flow. So only the acknowledgement path is measured: parse, triage, record the
//! notification and enqueue its job in one transaction.
//!
//! Three series, each of N requests spread over C tasks sharing one HTTP client:
//! - `baseline`: `GET /healthz` — one round trip through the same server and one trivial query;
//! - `webhook`: `questions` notifications for the connected seller, each with its own `_id` and
//!   question, so each is recorded and enqueues a job;
//! - `duplicate`: the same bodies again — the dedup path.
//!
//! Afterwards the store must hold exactly N notifications of this run (each delivered twice) and
//! N more queued jobs; otherwise the command fails. That is a correctness check; no timing is
//! ever a pass or a fail.

pub mod child;
pub mod ingest;
pub mod load;
pub mod report;
pub mod servers;
pub mod soak;
pub mod visible;

use crate::cli::BenchWebhookArgs;
use crate::demo::{self, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD};
use crate::runtime::{self, Running};
use anyhow::Context;
use app::AppState;
use meli_sim::SimHandle;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use store::{NotificationState, Store};
use tokio::net::TcpListener;

/// Mercado Libre counts a notification as delivered when it is answered 200 within this.
const ACK_DEADLINE: Duration = Duration::from_millis(500);

pub async fn webhook(args: BenchWebhookArgs) -> anyhow::Result<ExitCode> {
    let db = BenchDb::open(args.database_url.as_deref()).await?;
    let outcome = run(&args, db.store.clone()).await;
    let database = db.label.clone();
    db.discard().await;
    let report = outcome?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json(&database))?
        );
    } else {
        print!("{}", report.table(&database));
    }
    if report.check.passed() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: store check failed: {}", report.check.describe());
        Ok(ExitCode::FAILURE)
    }
}

/// A database a benchmark can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// A fresh database of this kind: a temporary SQLite file, or a new schema on `pg_url`.
    pub(crate) async fn fresh(self, pg_url: &str) -> anyhow::Result<BenchDb> {
        match self {
            Backend::Sqlite => BenchDb::open(None).await,
            Backend::Postgres => BenchDb::open(Some(pg_url)).await,
        }
    }
}

/// The database under measurement, and what to clean up afterwards.
pub(crate) struct BenchDb {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) label: String,
    /// The URL another process opens the same database with (for PostgreSQL it names the
    /// schema).
    pub(crate) url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    /// The temporary directory of the default SQLite file.
    TempDir(tempfile::TempDir),
    /// A schema created for this run.
    Schema {
        url: String,
        store: store_postgres::PgStore,
    },
    /// A database the user named: left as it is.
    Keep,
}

impl BenchDb {
    pub(crate) async fn open(url: Option<&str>) -> anyhow::Result<BenchDb> {
        match url {
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("mostrador-bench-")
                    .tempdir()
                    .context("creating a temporary directory")?;
                let url = runtime::default_sqlite_url(dir.path())?;
                let store = app::open_store(&url)
                    .await
                    .with_context(|| format!("opening {url}"))?;
                Ok(BenchDb {
                    store,
                    label: "a fresh SQLite file in a temporary directory".into(),
                    url,
                    cleanup: Cleanup::TempDir(dir),
                })
            }
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let schema = format!("bench_{:016x}", rand::random::<u64>());
                let pg = store_postgres::PgStore::connect_with_schema(url, &schema)
                    .await
                    .with_context(|| {
                        format!("opening schema {schema} on {}", runtime::redact(url))
                    })?;
                // sqlx reads `options[name]=value` as a connection setting.
                let sep = if url.contains('?') { '&' } else { '?' };
                Ok(BenchDb {
                    store: Arc::new(pg.clone()),
                    label: format!("PostgreSQL {}, fresh schema {schema}", runtime::redact(url)),
                    url: format!("{url}{sep}options[search_path]={schema}"),
                    cleanup: Cleanup::Schema {
                        url: url.to_string(),
                        store: pg,
                    },
                })
            }
            Some(url) => Ok(BenchDb {
                url: url.to_string(),
                store: app::open_store(url)
                    .await
                    .with_context(|| format!("opening {}", runtime::redact(url)))?,
                label: runtime::redact(url),
                cleanup: Cleanup::Keep,
            }),
        }
    }

    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    /// The SQLite file, when this is one.
    pub(crate) fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        match &self.cleanup {
            Cleanup::TempDir(dir) => Some(dir.path().join("mostrador.db")),
            _ => None,
        }
    }

    pub(crate) async fn discard(self) {
        drop(self.store);
        match self.cleanup {
            Cleanup::TempDir(dir) => {
                if let Err(e) = dir.close() {
                    eprintln!("warning: could not remove the temporary directory: {e}");
                }
            }
            Cleanup::Schema { url, store } => {
                let Some(schema) = store.schema().map(str::to_string) else {
                    return;
                };
                store::sqlx_driver::SqlxPools::close(&store).await;
                if let Err(e) = drop_schema(&url, &schema).await {
                    eprintln!("warning: could not drop schema {schema}: {e:#}");
                }
            }
            Cleanup::Keep => {}
        }
    }
}

async fn drop_schema(url: &str, schema: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    // `schema` is `bench_` and hex digits, made above: nothing to quote.
    let drop = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
    sqlx::query(sqlx::AssertSqlSafe(drop))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// Starts the simulator and the server, measures, and stops both whatever happened.
async fn run(args: &BenchWebhookArgs, store: Arc<dyn Store>) -> anyhow::Result<Report> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding 127.0.0.1:0")?;
    let sim_bind = SocketAddr::from(([127, 0, 0, 1], 0));
    let key: [u8; 32] = rand::random();
    let (sim, state) =
        demo::simulated_marketplace(&listener, sim_bind, key, store, false, 0).await?;
    let outcome = async {
        demo::ensure_demo_admin(&state).await?;
        // No worker: the jobs the webhook enqueues stay queued, so the store check can count them.
        let running = Running::start(listener, state.clone(), None).await?;
        let measured = measure(args, &state, &sim, &running.url).await;
        running.stop().await;
        measured
    }
    .await;
    sim.shutdown();
    outcome
}

async fn measure(
    args: &BenchWebhookArgs,
    state: &AppState,
    sim: &SimHandle,
    url: &str,
) -> anyhow::Result<Report> {
    let seller = sim
        .sellers()
        .into_iter()
        .next()
        .context("the simulator seeded no seller")?;
    app::scripted_connect::connect_through_oauth(
        url,
        DEMO_ADMIN_EMAIL,
        DEMO_ADMIN_PASSWORD,
        &seller.site_id,
        seller.id,
    )
    .await
    .with_context(|| format!("connecting seeded seller {}", seller.nickname))?;

    let requests = args.requests as usize;
    let concurrency = args.concurrency as usize;
    let run_tag = format!("bench-{:016x}", rand::random::<u64>());
    // Question ids no real listing has, and no earlier run against the same database likely used
    // (a queued job for the same question would absorb ours).
    let first_question = rand::random_range(100_000_000_000..900_000_000_000_i64);
    let app_id = state.config.meli_app_id;
    let bodies: Arc<Vec<String>> = Arc::new(
        (0..requests)
            .map(|i| {
                let now = chrono::Utc::now()
                    .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                    .to_string();
                json!({
                    "_id": format!("{run_tag}-{i}"),
                    "resource": format!("/questions/{}", first_question + i as i64),
                    "user_id": seller.id.to_string(),
                    "topic": "questions",
                    "application_id": app_id,
                    "attempts": 1,
                    "sent": now,
                    "received": now,
                })
                .to_string()
            })
            .collect(),
    );

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let healthz = format!("{url}/healthz");
    let webhook = format!("{url}/webhooks/meli");
    let get_health = {
        let (http, healthz) = (http.clone(), healthz.clone());
        move |_| http.get(&healthz)
    };
    let post_notification = {
        let (http, webhook) = (http.clone(), webhook.clone());
        move |i: usize| {
            http.post(&webhook)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bodies[i].clone())
        }
    };

    let jobs_before = state.store.job_counts().await?.queued;
    // Opens the client's connections, so no series pays for them.
    run_series(concurrency * 4, concurrency, get_health.clone()).await?;
    let baseline = run_series(requests, concurrency, get_health).await?;
    let webhook = run_series(requests, concurrency, post_notification.clone()).await?;
    let duplicate = run_series(requests, concurrency, post_notification).await?;
    let check = StoreCheck::take(state.store.as_ref(), &run_tag, requests, jobs_before).await?;

    Ok(Report {
        backend: state.store.backend(),
        requests,
        concurrency,
        baseline,
        webhook,
        duplicate,
        check,
    })
}

/// One request's outcome.
struct Sample {
    latency: Duration,
    ok: bool,
}

/// Sends `count` requests made by `request(i)` over `concurrency` tasks; a request counts as an
/// error unless answered 200 with a complete body. Its latency runs from sending to the end of
/// the body.
async fn run_series<F>(count: usize, concurrency: usize, request: F) -> anyhow::Result<Series>
where
    F: Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let request = Arc::new(request);
    let next = Arc::new(AtomicUsize::new(0));
    let first_error = Arc::new(std::sync::OnceLock::<String>::new());
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency.min(count))
        .map(|_| {
            let (request, next, first_error) = (request.clone(), next.clone(), first_error.clone());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break samples;
                    }
                    let req = request(i);
                    let sent = Instant::now();
                    let outcome = match req.send().await {
                        Ok(resp) => {
                            let status = resp.status();
                            match resp.bytes().await {
                                Ok(_) if status == reqwest::StatusCode::OK => Ok(()),
                                Ok(body) => Err(format!(
                                    "{status}: {}",
                                    String::from_utf8_lossy(&body[..body.len().min(200)])
                                )),
                                Err(e) => Err(format!("{status}, reading the body: {e}")),
                            }
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    let latency = sent.elapsed();
                    if let Err(e) = &outcome {
                        let _ = first_error.set(e.clone());
                    }
                    samples.push(Sample {
                        latency,
                        ok: outcome.is_ok(),
                    });
                }
            })
        })
        .collect();
    let mut samples = Vec::with_capacity(count);
    for task in tasks {
        samples.extend(task.await.context("a request task failed")?);
    }
    let wall = started.elapsed();
    Ok(Series::new(samples, wall, first_error.get().cloned()))
}

/// The outcome of one series.
struct Series {
    count: usize,
    errors: usize,
    /// Answered 200 within [`ACK_DEADLINE`].
    in_time: usize,
    wall: Duration,
    /// Every latency, errors included, ascending.
    sorted: Vec<Duration>,
    first_error: Option<String>,
}

impl Series {
    fn new(samples: Vec<Sample>, wall: Duration, first_error: Option<String>) -> Series {
        let errors = samples.iter().filter(|s| !s.ok).count();
        let in_time = samples
            .iter()
            .filter(|s| s.ok && s.latency < ACK_DEADLINE)
            .count();
        let mut sorted: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
        sorted.sort_unstable();
        Series {
            count: sorted.len(),
            errors,
            in_time,
            wall,
            sorted,
            first_error,
        }
    }

    /// Nearest-rank percentile: the smallest latency at least `p` percent of requests did not
    /// exceed.
    fn percentile(&self, p: f64) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = (p / 100.0 * self.sorted.len() as f64).ceil() as usize;
        self.sorted[rank.clamp(1, self.sorted.len()) - 1]
    }

    fn max(&self) -> Duration {
        self.sorted.last().copied().unwrap_or_default()
    }

    fn throughput(&self) -> f64 {
        self.count as f64 / self.wall.as_secs_f64()
    }

    fn in_time_share(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        self.in_time as f64 / self.count as f64
    }

    /// (p50, p99, throughput) of this series over `base`'s.
    fn ratios(&self, base: &Series) -> (f64, f64, f64) {
        let over = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        (
            over(self.percentile(50.0), base.percentile(50.0)),
            over(self.percentile(99.0), base.percentile(99.0)),
            self.throughput() / base.throughput(),
        )
    }

    fn to_json(&self, name: &str, request: &str) -> Value {
        json!({
            "name": name,
            "request": request,
            "count": self.count,
            "errors": self.errors,
            "first_error": self.first_error,
            "seconds": self.wall.as_secs_f64(),
            "throughput_rps": self.throughput(),
            "latency_ms": {
                "p50": ms(self.percentile(50.0)),
                "p95": ms(self.percentile(95.0)),
                "p99": ms(self.percentile(99.0)),
                "max": ms(self.max()),
            },
            "under_500ms": self.in_time,
            "under_500ms_share": self.in_time_share(),
        })
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// What the store holds after the run.
struct StoreCheck {
    expected: usize,
    /// Notifications recorded with this run's `_id`s.
    notifications: usize,
    /// Of those, the ones recorded as queued (not ignored).
    queued_notifications: usize,
    /// Deliveries counted on them: each was sent twice.
    deliveries: i64,
    /// Queued jobs added during the run.
    queued_jobs: i64,
}

impl StoreCheck {
    async fn take(
        store: &dyn Store,
        run_tag: &str,
        expected: usize,
        jobs_before: i64,
    ) -> anyhow::Result<StoreCheck> {
        let prefix = format!("id:{run_tag}-");
        // The run's notifications are the newest; twice as many are read so that duplicates
        // recorded as new would show.
        let limit = i64::try_from(expected.saturating_mul(2).saturating_add(1))?;
        // The seller was connected by the demo admin, so its notifications are the demo's.
        let org = store
            .org_by_name(demo::DEMO_ORG)
            .await?
            .context("the demo organization is missing")?;
        let ours: Vec<_> = store
            .recent_notifications(org.id, limit)
            .await?
            .into_iter()
            .filter(|n| n.dedup_key.starts_with(&prefix))
            .collect();
        Ok(StoreCheck {
            expected,
            notifications: ours.len(),
            queued_notifications: ours
                .iter()
                .filter(|n| n.state == NotificationState::Queued)
                .count(),
            deliveries: ours.iter().map(|n| n.deliveries).sum(),
            queued_jobs: store.job_counts().await?.queued - jobs_before,
        })
    }

    fn passed(&self) -> bool {
        let n = self.expected;
        self.notifications == n
            && self.queued_notifications == n
            && self.queued_jobs == n as i64
            && self.deliveries == 2 * n as i64
    }

    fn describe(&self) -> String {
        format!(
            "{} notifications ({} queued, {} deliveries) and {} new queued jobs; expected {n} notifications (all queued, {} deliveries) and {n} jobs",
            self.notifications,
            self.queued_notifications,
            self.deliveries,
            self.queued_jobs,
            2 * self.expected,
            n = self.expected,
        )
    }

    fn to_json(&self) -> Value {
        json!({
            "expected": self.expected,
            "notifications": self.notifications,
            "queued_notifications": self.queued_notifications,
            "deliveries": self.deliveries,
            "queued_jobs": self.queued_jobs,
            "passed": self.passed(),
        })
    }
}

struct Report {
    backend: &'static str,
    requests: usize,
    concurrency: usize,
    baseline: Series,
    webhook: Series,
    duplicate: Series,
    check: StoreCheck,
}

const BASELINE: (&str, &str) = ("baseline", "GET /healthz");
const WEBHOOK: (&str, &str) = ("webhook", "POST /webhooks/meli, new notifications");
const DUPLICATE: (&str, &str) = ("duplicate", "POST /webhooks/meli, the same again");

impl Report {
    fn series(&self) -> [((&str, &str), &Series); 3] {
        [
            (BASELINE, &self.baseline),
            (WEBHOOK, &self.webhook),
            (DUPLICATE, &self.duplicate),
        ]
    }

    fn to_json(&self, database: &str) -> Value {
        let ratios = |s: &Series| {
            let (p50, p99, throughput) = s.ratios(&self.baseline);
            json!({ "p50": p50, "p99": p99, "throughput": throughput })
        };
        let mut series = serde_json::Map::new();
        for ((name, request), s) in self.series() {
            series.insert(name.to_string(), s.to_json(name, request));
        }
        json!({
            "bench": "webhook",
            "backend": self.backend,
            "database": database,
            "requests": self.requests,
            "concurrency": self.concurrency,
            "series": series,
            "ratios": {
                "webhook_over_baseline": ratios(&self.webhook),
                "duplicate_over_baseline": ratios(&self.duplicate),
            },
            "webhook_acks_under_500ms_share": self.webhook.in_time_share(),
            "store_check": self.check.to_json(),
        })
    }

    fn table(&self, database: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "mostrador bench webhook: {} requests per series, concurrency {}, {} ({database})",
            self.requests, self.concurrency, self.backend
        );
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{:<10} {:<40} {:>6} {:>6} {:>9} {:>8} {:>8} {:>8} {:>8}",
            "series", "request", "count", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"
        );
        for ((name, request), s) in self.series() {
            let _ = writeln!(
                out,
                "{name:<10} {request:<40} {:>6} {:>6} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
                s.count,
                s.errors,
                s.throughput(),
                ms(s.percentile(50.0)),
                ms(s.percentile(95.0)),
                ms(s.percentile(99.0)),
                ms(s.max()),
            );
        }
        let _ = writeln!(out);
        for (name, s) in [("webhook", &self.webhook), ("duplicate", &self.duplicate)] {
            let (p50, p99, throughput) = s.ratios(&self.baseline);
            let _ = writeln!(
                out,
                "{name:<9} / baseline: p50 x{p50:.2}  p99 x{p99:.2}  throughput x{throughput:.2}"
            );
        }
        let _ = writeln!(
            out,
            "webhook acks under 500 ms: {:.2}% ({} of {})",
            self.webhook.in_time_share() * 100.0,
            self.webhook.in_time,
            self.webhook.count
        );
        for ((name, _), s) in self.series() {
            if let Some(e) = &s.first_error {
                let _ = writeln!(out, "first error in {name}: {e}");
            }
        }
        let _ = writeln!(
            out,
            "store: {} notifications of this run ({} queued, {} deliveries), {} new queued jobs; expected {}: {}",
            self.check.notifications,
            self.check.queued_notifications,
            self.check.deliveries,
            self.check.queued_jobs,
            self.check.expected,
            if self.check.passed() { "ok" } else { "FAILED" }
        );
        out
    }
}
