//! Command-line definitions. Every setting has a flag and an environment variable; `--help`
//! documents each one.

use crate::{bench, bench_monitor, demo, guard, rfm, runtime, sync};
use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mostrador",
    version,
    about = "Mercado Libre customer-service connector"
)]
pub struct Cli {
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, global = true, env = "MOSTRADOR_LOG_JSON")]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run everything on the embedded defaults: simulator, server, worker, SQLite, demo stores.
    Demo(DemoArgs),
    /// Run the server against the real Mercado Libre API.
    Serve(ServeArgs),
    /// Run only a worker (processes the job queue of a shared database).
    Worker(WorkerArgs),
    /// Apply database migrations and exit.
    Migrate(DbArgs),
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Copy data from Mercado Libre.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Mercado Libre support tools.
    #[command(subcommand)]
    Meli(MeliCommand),
    /// Benchmarks, reported as ratios against a baseline measured in the same run.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Check outgoing texts against the marketplace rules on contact data: reads JSON lines
    /// `{"text": "..."}` on standard input and writes one line per input line,
    /// `{"allowed": true|false, "reasons": ["phone_number", ...]}` (or `{"error": "..."}` for a
    /// malformed line).
    Guard,
    /// Score customers by recency, frequency and monetary value (RFM, rules in the README):
    /// reads an order history as CSV and writes one row per customer to standard output,
    /// `customer_id,recency_days,frequency,monetary,r,f,m,segment`, in customer-id order.
    Rfm(RfmArgs),
}

#[derive(Args)]
pub struct RfmArgs {
    /// The order history: CSV with a header row naming `customer_id`, `order_id`, `date`
    /// (`YYYY-MM-DD` or RFC 3339) and `amount` (a decimal with a dot, e.g. `189.90`); other
    /// columns are ignored. Lines sharing an order id are one order. `-` reads standard input.
    #[arg(long)]
    pub orders_csv: PathBuf,
    /// The analysis date (`YYYY-MM-DD`). Lines dated after it are left out (and counted on
    /// standard error).
    #[arg(long, value_parser = rfm::parse_as_of)]
    pub as_of: chrono::NaiveDate,
}

#[derive(Args, Clone)]
pub struct CommonArgs {
    /// Address to listen on.
    #[arg(long, env = "MOSTRADOR_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Directory for the SQLite database and the generated secret key.
    #[arg(long, env = "MOSTRADOR_DATA_DIR", default_value = "mostrador-data")]
    pub data_dir: PathBuf,
}

#[derive(Args, Clone)]
pub struct DbArgs {
    /// Database URL: `postgres://user@host/db` for PostgreSQL, or `sqlite://path` / a file path.
    /// Defaults to `<data-dir>/mostrador.db` (SQLite).
    #[arg(long, env = "MOSTRADOR_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory for the SQLite database and the generated secret key.
    #[arg(long, env = "MOSTRADOR_DATA_DIR", default_value = "mostrador-data")]
    pub data_dir: PathBuf,
}

impl DbArgs {
    pub fn url(&self) -> anyhow::Result<String> {
        match &self.database_url {
            Some(url) => Ok(url.clone()),
            None => runtime::default_sqlite_url(&self.data_dir),
        }
    }
}

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Address for the built-in Mercado Libre simulator (port 0 picks a free one).
    #[arg(long, env = "MOSTRADOR_SIM_BIND", default_value = "127.0.0.1:0")]
    pub sim_bind: SocketAddr,
    /// Seconds between the simulated buyers' actions: questions, purchases, post-sale messages,
    /// claims and disputes (0 turns them off).
    #[arg(long, default_value_t = 10)]
    pub question_every: u64,
    /// Exit after this many seconds (for scripted runs); runs until Ctrl-C when absent.
    #[arg(long)]
    pub exit_after: Option<u64>,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub meli: MeliArgs,
    /// Database URL (PostgreSQL in production). Defaults to SQLite in the data directory.
    #[arg(long, env = "MOSTRADOR_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The public https URL people and Mercado Libre reach this server at; the OAuth redirect URL
    /// is `<public-url>/oauth/callback` and the notification callback `<public-url>/webhooks/meli`.
    #[arg(long, env = "MOSTRADOR_PUBLIC_URL")]
    pub public_url: String,
    /// Do not run a worker in this process (run `mostrador worker` separately).
    #[arg(long, env = "MOSTRADOR_NO_WORKER")]
    pub no_worker: bool,
    /// Seconds between reconciliation sweeps (missed feeds, unanswered questions); minimum 10.
    #[arg(long, env = "MOSTRADOR_RECONCILE_EVERY", default_value_t = 600)]
    pub reconcile_every: u64,
    #[command(flatten)]
    pub retention: RetentionArgs,
    /// When set, `GET /metrics` wants `Authorization: Bearer <token>`; open otherwise (the
    /// figures carry no organization data).
    #[arg(long, env = "MOSTRADOR_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
}

/// How long finished work is kept; each sweep purges what is older.
#[derive(Args, Clone, Copy)]
pub struct RetentionArgs {
    /// Days a finished (done or dead) job is kept.
    #[arg(long, env = "MOSTRADOR_KEEP_JOBS_DAYS", default_value_t = app::config::DEFAULT_KEEP_DAYS)]
    pub keep_jobs_days: u32,
    /// Days a processed, failed or ignored notification is kept.
    #[arg(
        long,
        env = "MOSTRADOR_KEEP_NOTIFICATIONS_DAYS",
        default_value_t = app::config::DEFAULT_KEEP_DAYS
    )]
    pub keep_notifications_days: u32,
}

#[derive(Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub meli: MeliArgs,
    /// The public URL of the server (used for the OAuth redirect URL the tokens are bound to).
    #[arg(long, env = "MOSTRADOR_PUBLIC_URL")]
    pub public_url: String,
    /// Seconds between reconciliation sweeps (missed feeds, unanswered questions); minimum 10.
    #[arg(long, env = "MOSTRADOR_RECONCILE_EVERY", default_value_t = 600)]
    pub reconcile_every: u64,
    #[command(flatten)]
    pub retention: RetentionArgs,
}

#[derive(Args, Clone)]
pub struct MeliArgs {
    /// Mercado Libre application id (APP ID / client_id).
    #[arg(long, env = "MELI_CLIENT_ID")]
    pub meli_client_id: i64,
    /// Mercado Libre application secret.
    #[arg(long, env = "MELI_CLIENT_SECRET", hide_env_values = true)]
    pub meli_client_secret: String,
    /// Mercado Libre API base URL.
    #[arg(
        long,
        env = "MELI_API_BASE",
        default_value = "https://api.mercadolibre.com"
    )]
    pub meli_api_base: String,
    /// 64 hex characters sealing tokens at rest. Defaults to a key generated once in the data
    /// directory (`secret.key`); keep it safe, stored tokens are unreadable without it.
    #[arg(long, env = "MOSTRADOR_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an organization (a seller's team: its stores and people). Prints its id.
    CreateOrg(CreateOrgArgs),
    /// Create an agent or admin account in an organization.
    CreateUser(CreateUserArgs),
}

#[derive(Args)]
pub struct CreateOrgArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Unique, ignoring case.
    #[arg(long)]
    pub name: String,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Agent,
}

#[derive(Args)]
pub struct CreateUserArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The organization the person joins: its id, or its name (see `admin create-org`).
    #[arg(long)]
    pub org: String,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// At least 8 characters. Prefer the environment variable over the flag (shell history).
    #[arg(long, env = "MOSTRADOR_NEW_PASSWORD", hide_env_values = true)]
    pub password: String,
    #[arg(long, value_enum, default_value = "agent")]
    pub role: RoleArg,
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Copy a connected store's order history (status, dates, totals, paid amount, currency,
    /// buyer, items, pack and shipment) into the database, oldest first, with a progress bar.
    /// Interrupted, it resumes where it stopped when run again; once finished, running it again
    /// copies only the orders created since.
    Orders(SyncOrdersArgs),
}

#[derive(Args)]
pub struct SyncOrdersArgs {
    /// The store's Mercado Libre seller id (it must be connected).
    #[arg(long)]
    pub store: i64,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub meli: MeliArgs,
    /// The public URL of the server (used for the OAuth redirect URL the tokens are bound to).
    #[arg(long, env = "MOSTRADOR_PUBLIC_URL")]
    pub public_url: String,
}

#[derive(Subcommand)]
pub enum MeliCommand {
    /// Parse a saved Mercado Libre payload and print it normalized as JSON.
    Parse {
        /// One of: token, notification, missed-feeds, question, questions-search, user,
        /// users-multiget, item, items-multiget, error, site, sites, order, orders-search, pack,
        /// shipment, billing-info, pack-messages, message, unread, attachment-upload,
        /// action-guide, action-guide-caps, claim, claims-search, claim-detail,
        /// claim-reputation, claim-messages, lead, leads-search.
        kind: String,
        /// The file holding the payload (`-` for standard input).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// The webhook's acknowledgement path (parse, triage, record + enqueue in one transaction),
    /// in process against the simulator and without a worker, next to a `GET /healthz` baseline
    /// and a series of duplicate deliveries. Mercado Libre wants a 200 within 500 ms.
    Webhook(BenchWebhookArgs),
    /// RFM scoring (`domain::rfm`) on a synthetic history, best of 3, next to a pandas
    /// implementation of the same rules (`scripts/rfm_pandas.py`) run on the same data when
    /// `python3 -c 'import pandas'` works; fails if the two write different scores.
    Rfm(BenchRfmArgs),
    /// The success monitor's figures (totals of a period and the one before, the daily
    /// series, the first page of orders) over a bulk-loaded synthetic history, for periods from
    /// today to two years, on SQLite and, given `--postgres-url`, PostgreSQL. Target ≤ 50 ms.
    Monitor(BenchMonitorArgs),
    /// Open-loop load on `POST /webhooks/meli` at fixed rates (500, 2,000, 5,000/s) and at
    /// saturation, next to a bare axum endpoint accepting the same POST; both servers run as
    /// child processes. Also the time from a buyer's question to its conversation in the API,
    /// and the server's memory. Latency runs from each request's intended send time.
    Ingest(BenchIngestArgs),
    /// Storage under a long run: N notifications (each with its job) through the store's intake,
    /// most marked finished, then the purge; table rows and bytes before and after.
    Soak(BenchSoakArgs),
    /// The app server `bench ingest` measures (a child process; not for direct use).
    #[command(hide = true)]
    IngestServer(IngestServerArgs),
    /// The bare endpoint `bench ingest` compares against (a child process; not for direct use).
    #[command(hide = true)]
    BaselineServer(BaselineServerArgs),
}

/// Which databases a benchmark measures.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    Sqlite,
    Postgres,
    Both,
}

impl BackendArg {
    /// SQLite first: the targets are SQLite's, so it leads the report.
    pub fn list(self) -> Vec<bench::Backend> {
        match self {
            BackendArg::Sqlite => vec![bench::Backend::Sqlite],
            BackendArg::Postgres => vec![bench::Backend::Postgres],
            BackendArg::Both => vec![bench::Backend::Sqlite, bench::Backend::Postgres],
        }
    }
}

#[derive(Args)]
pub struct BenchIngestArgs {
    /// sqlite (a fresh file in a temporary directory), postgres (a fresh schema, dropped
    /// afterwards) or both.
    #[arg(long, value_enum, default_value = "both")]
    pub backend: BackendArg,
    /// PostgreSQL server for `--backend postgres|both`.
    #[arg(
        long,
        env = "MOSTRADOR_TEST_PG_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pub pg_url: String,
    /// Offered rates, requests per second, each for `--seconds`.
    #[arg(long, value_delimiter = ',', default_values_t = [500.0, 2000.0, 5000.0])]
    pub rates: Vec<f64>,
    /// Seconds at each offered rate.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Connections the open-loop generator keeps open (one request in flight on each).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub connections: u32,
    /// Seconds of closed-loop saturation that measure the maximum throughput.
    #[arg(long, default_value_t = 4.0)]
    pub max_seconds: f64,
    /// Connections for the saturation run (each sends its next request on the last reply).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub max_connections: u32,
    /// Questions per second the simulated buyers ask while the visible latency is measured.
    #[arg(long, default_value_t = 200.0)]
    pub visible_rate: f64,
    /// Seconds of asking for the visible latency.
    #[arg(long, default_value_t = 5.0)]
    pub visible_seconds: f64,
    /// Milliseconds between polls of `GET /api/conversations`: the visible latency's resolution.
    #[arg(long, default_value_t = 10)]
    pub poll_ms: u64,
    /// A smoke run of a few seconds (CI): every phase, much shorter. Figures are not meaningful.
    #[arg(long)]
    pub quick: bool,
    /// Print one JSON object instead of the table: the first backend's figures at the top
    /// level (SQLite when measured), every backend's under `backends.<name>`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct BenchSoakArgs {
    /// Notifications pushed through the intake, each with its job.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub notifications: u64,
    /// sqlite (a fresh file in a temporary directory), postgres (a fresh schema, dropped
    /// afterwards) or both.
    #[arg(long, value_enum, default_value = "both")]
    pub backend: BackendArg,
    /// PostgreSQL server for `--backend postgres|both`.
    #[arg(
        long,
        env = "MOSTRADOR_TEST_PG_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pub pg_url: String,
    /// Concurrent intake calls (the store batches what its writer can).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct IngestServerArgs {
    #[arg(long, default_value = "127.0.0.1:0")]
    pub bind: SocketAddr,
}

#[derive(Args)]
pub struct BaselineServerArgs {
    #[arg(long, default_value = "127.0.0.1:0")]
    pub bind: SocketAddr,
}

#[derive(Args)]
pub struct BenchRfmArgs {
    /// Order lines in the synthetic history (one order each, over two years).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(0..=50_000_000))]
    pub orders: u32,
    /// Customers; each buys once, and the remaining orders go mostly to a few repeat buyers.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u32).range(1..=50_000_000))]
    pub customers: u32,
    /// Seed of the synthetic history: the same seed gives the same history.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The Python interpreter that runs the pandas side.
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct BenchWebhookArgs {
    /// Requests per series.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..))]
    pub requests: u32,
    /// Requests in flight at once (tasks sharing one HTTP client).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
    /// Database to measure on. Default: a fresh SQLite file in a temporary directory. A
    /// `postgres://…` URL gets a new schema `bench_<random>`, dropped afterwards.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

impl Cli {
    /// What is logged when `RUST_LOG` is unset. A benchmark logs only warnings: a line per
    /// request written to a terminal would measure the terminal.
    pub fn default_log_filter(&self) -> &'static str {
        match self.command {
            Command::Bench(_) => "warn",
            _ => runtime::DEFAULT_LOG_FILTER,
        }
    }

    pub async fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            Command::Demo(args) => demo::run(args).await.map(|()| ExitCode::SUCCESS),
            Command::Serve(args) => runtime::serve(args).await.map(|()| ExitCode::SUCCESS),
            Command::Worker(args) => runtime::worker(args).await.map(|()| ExitCode::SUCCESS),
            Command::Migrate(db) => {
                let url = db.url()?;
                let store = app::open_store(&url)
                    .await
                    .with_context(|| format!("opening {}", runtime::redact(&url)))?;
                println!("migrations applied ({})", store.backend());
                Ok(ExitCode::SUCCESS)
            }
            Command::Admin(AdminCommand::CreateOrg(args)) => {
                runtime::create_org(args).await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Admin(AdminCommand::CreateUser(args)) => {
                runtime::create_user(args).await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Sync(SyncCommand::Orders(args)) => {
                sync::orders(args).await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Meli(MeliCommand::Parse { kind, file }) => Ok(parse(&kind, &file)),
            Command::Bench(BenchCommand::Webhook(args)) => bench::webhook(args).await,
            Command::Bench(BenchCommand::Rfm(args)) => rfm::bench::run(args),
            Command::Bench(BenchCommand::Monitor(args)) => bench_monitor::monitor(args).await,
            Command::Bench(BenchCommand::Ingest(args)) => bench::ingest::run(args).await,
            Command::Bench(BenchCommand::Soak(args)) => bench::soak::run(args).await,
            Command::Bench(BenchCommand::IngestServer(args)) => bench::servers::ingest_server(args)
                .await
                .map(|()| ExitCode::SUCCESS),
            Command::Bench(BenchCommand::BaselineServer(args)) => {
                bench::servers::baseline_server(args)
                    .await
                    .map(|()| ExitCode::SUCCESS)
            }
            Command::Guard => guard::run(),
            Command::Rfm(args) => rfm::run(args),
        }
    }
}

fn parse(kind: &str, file: &std::path::Path) -> ExitCode {
    let text = if file.as_os_str() == "-" {
        let mut s = String::new();
        match std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            Ok(_) => Ok(s),
            Err(e) => Err(e),
        }
    } else {
        std::fs::read_to_string(file)
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    match meli::parse::parse_payload(kind, &text) {
        Ok(value) => {
            match serde_json::to_string_pretty(&value) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "error: {} is not a valid {kind} payload: {e}",
                file.display()
            );
            ExitCode::FAILURE
        }
    }
}

pub fn ensure_public_url(url: &str) -> anyhow::Result<()> {
    let parsed =
        url::Url::parse(url).with_context(|| format!("--public-url {url:?} is not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        bail!("--public-url must be an http(s) URL, got {url:?}");
    }
    Ok(())
}

#[derive(Args)]
pub struct BenchMonitorArgs {
    /// Orders in the synthetic history (over two years up to now).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(1..=20_000_000))]
    pub orders: u32,
    /// Customers (as `bench rfm`'s history).
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u32).range(1..=20_000_000))]
    pub customers: u32,
    /// Seed of the synthetic history.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also measure on PostgreSQL (a fresh schema `bench_<random>`, dropped afterwards).
    #[arg(long)]
    pub postgres_url: Option<String>,
}
