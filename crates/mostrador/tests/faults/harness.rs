//! What every fault test shares: a database (SQLite file or a fresh PostgreSQL schema), the
//! simulator in this process, and `mostrador serve` / `mostrador worker` as real child processes
//! driven only through their public surfaces (CLI, HTTP API, the simulator's control API).

use meli_sim::{CallRecord, SimConfig, SimHandle};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_EMAIL: &str = "admin@faults.mostrador";
pub const ADMIN_PASSWORD: &str = "fault tolerant horse";
/// Every process sharing a database must seal tokens with the same key.
const SECRET_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// A port nobody listens on right now. The server is restarted on the same port (the simulator's
/// callback URL and the OAuth redirect URI name it), so it cannot be `:0`.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

pub struct Db {
    pub url: String,
    /// Data directory (SQLite file, logs).
    pub dir: tempfile::TempDir,
    pg: Option<store_postgres::PgStore>,
}

impl Db {
    pub fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("mostrador.db").display());
        Db { url, dir, pg: None }
    }

    /// A fresh schema on the test PostgreSQL (the repository's convention), or `None` when
    /// `MOSTRADOR_SKIP_POSTGRES=1` says to skip.
    pub async fn postgres() -> Option<Db> {
        let base = store_postgres::test_support::pg_url_or_skip()?;
        let store = store_postgres::test_support::fresh_test_store(&base).await;
        let schema = store.schema().unwrap().to_string();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        Some(Db {
            url,
            dir: tempfile::tempdir().unwrap(),
            pg: Some(store),
        })
    }

    pub async fn discard(self) {
        if let Some(store) = self.pg {
            store_postgres::test_support::discard_test_store(store).await;
        }
    }
}

/// A child process killed (SIGKILL) when dropped; its stderr goes to a file, shown on failure.
pub struct Proc {
    pub child: Child,
    pub log: PathBuf,
    pub name: String,
}

impl Proc {
    /// `kill -9`.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill9();
    }
}

pub struct Env {
    pub db: Db,
    pub sim: SimHandle,
    /// The port of the first server, named by the simulator's callback URL and redirect URI.
    pub port: u16,
    pub public: String,
    pub http: reqwest::Client,
    token: String,
    spawned: usize,
}

impl Env {
    /// Simulator started (no sales history, time compressed), admin created through the CLI.
    /// `notify`: whether the simulator POSTs notifications itself (tests that drive the webhook
    /// directly turn it off).
    pub async fn new(db: Db, notify: bool) -> Env {
        let port = free_port();
        let public = format!("http://127.0.0.1:{port}");
        let cfg = SimConfig {
            redirect_uris: vec![format!("{public}/oauth/callback")],
            notification_url: notify.then(|| format!("{public}/webhooks/meli")),
            time_scale: 0.001,
            seed_sales: false,
            ..SimConfig::default()
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sim = meli_sim::spawn(cfg, listener).await.unwrap();
        let env = Env {
            db,
            sim,
            port,
            public,
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(64)
                .build()
                .unwrap(),
            token: String::new(),
            spawned: 0,
        };
        env.cli(&["admin", "create-org", "--name", "Faults"]);
        env.cli(&[
            "admin",
            "create-user",
            "--org",
            "Faults",
            "--email",
            ADMIN_EMAIL,
            "--name",
            "Admin",
            "--role",
            "admin",
        ]);
        env
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mostrador"));
        cmd.args(args)
            .env("MOSTRADOR_DATABASE_URL", &self.db.url)
            .env("MOSTRADOR_DATA_DIR", self.db.dir.path())
            .env("MOSTRADOR_SECRET_KEY", SECRET_KEY)
            .env("MOSTRADOR_PUBLIC_URL", &self.public)
            .env("MOSTRADOR_NEW_PASSWORD", ADMIN_PASSWORD)
            .env("MELI_CLIENT_ID", SimConfig::default().app_id.to_string())
            .env("MELI_CLIENT_SECRET", SimConfig::default().client_secret)
            .env("MELI_API_BASE", self.sim.base_url())
            .env("RUST_LOG", "warn")
            .env_remove("MOSTRADOR_LOG_JSON")
            .env_remove("MOSTRADOR_NO_WORKER")
            .env_remove("MOSTRADOR_RECONCILE_EVERY");
        cmd
    }

    fn cli(&self, args: &[&str]) {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "mostrador {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn spawn(&mut self, name: &str, args: &[&str]) -> Proc {
        self.spawned += 1;
        let log = self
            .db
            .dir
            .path()
            .join(format!("{}-{name}.log", self.spawned));
        let child = self
            .command(args)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Proc {
            child,
            log,
            name: name.to_string(),
        }
    }

    /// `mostrador serve` on `port`, once its health check answers.
    pub async fn serve(&mut self, port: u16, extra: &[&str]) -> Proc {
        let bind = format!("127.0.0.1:{port}");
        let mut args = vec!["serve", "--bind", bind.as_str()];
        args.extend_from_slice(extra);
        let mut proc = self.spawn(&format!("serve-{port}"), &args);
        let url = format!("http://127.0.0.1:{port}/healthz");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = self.http.get(&url).send().await
                && r.status().is_success()
            {
                return proc;
            }
            if let Ok(Some(status)) = proc.child.try_wait() {
                panic!("{} exited ({status}): {}", proc.name, proc.log_tail());
            }
            assert!(
                Instant::now() < deadline,
                "{} not healthy within a minute: {}",
                proc.name,
                proc.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `mostrador worker` (its first sweep runs at start; later ones every `reconcile_every`).
    pub fn worker(&mut self, reconcile_every: u64) -> Proc {
        let every = reconcile_every.to_string();
        self.spawn("worker", &["worker", "--reconcile-every", every.as_str()])
    }

    pub fn base(&self) -> String {
        self.public.clone()
    }

    /// Signs in through the API.
    pub async fn login(&mut self) {
        let login: Value = self
            .http
            .post(format!("{}/api/login", self.public))
            .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        self.token = login["token"].as_str().expect("login token").to_string();
    }

    pub async fn get(&self, path: &str) -> Value {
        self.get_from(&self.public, path).await
    }

    pub async fn get_from(&self, base: &str, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{base}{path}"))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// Answers a conversation through `base`'s API.
    pub async fn answer(&self, base: &str, conversation: i64, text: &str) {
        let resp = self
            .http
            .post(format!("{base}/api/conversations/{conversation}/answer"))
            .bearer_auth(&self.token)
            .json(&json!({"text": text}))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        assert!(
            status.is_success(),
            "answering {conversation}: {status} {}",
            resp.text().await.unwrap_or_default()
        );
    }

    /// Connects every seeded seller through the OAuth flow, as a browser would, with the
    /// authorization page (Mercado Libre's host in production) served by the simulator.
    pub async fn connect_all(&self) {
        for seller in self.sim.sellers() {
            self.connect(&seller.site_id, seller.id).await;
        }
    }

    async fn connect(&self, site: &str, seller_id: i64) {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let login = http
            .post(format!("{}/login", self.public))
            .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert!(login.status().is_redirection(), "login: {}", login.status());
        let connect = http
            .post(format!("{}/stores/connect", self.public))
            .form(&[("site", site)])
            .send()
            .await
            .unwrap();
        let to = location(&connect);
        let query = to.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let page = format!("{}/auth/{site}/authorization", self.sim.base_url());
        let shown = http.get(format!("{page}?{query}")).send().await.unwrap();
        assert!(shown.status().is_success(), "authorization page: {shown:?}");
        let mut form: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        form.push(("seller_id".into(), seller_id.to_string()));
        let approved = http.post(&page).form(&form).send().await.unwrap();
        let callback = location(&approved);
        let done = http.get(&callback).send().await.unwrap();
        let landed = location(&done);
        assert!(!landed.contains("error="), "connecting {site}: {landed}");
    }

    /// Waits until no job is queued or running (and `also` holds), up to `bound`; returns the
    /// job counts and the time it took.
    pub async fn settle(&self, bound: Duration, also: impl AsyncCheck) -> (Value, Duration) {
        let start = Instant::now();
        loop {
            let jobs = self.get("/api/jobs").await;
            if jobs["queued"] == 0 && jobs["running"] == 0 && also.check(self).await {
                return (jobs, start.elapsed());
            }
            assert!(
                start.elapsed() < bound,
                "not settled within {bound:?}: jobs {jobs}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `check` holds, up to `bound`; returns the time it took.
    pub async fn wait(&self, bound: Duration, check: impl AsyncCheck) -> Duration {
        let start = Instant::now();
        while !check.check(self).await {
            assert!(start.elapsed() < bound, "not done within {bound:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        start.elapsed()
    }

    /// The simulator's API call log.
    pub async fn calls(&self) -> Vec<CallRecord> {
        self.sim.calls().await
    }

    /// The conversations of the inbox by Mercado Libre reference (the newest 500).
    pub async fn conversations(&self) -> Vec<Value> {
        self.get("/api/conversations?limit=500")
            .await
            .as_array()
            .unwrap()
            .clone()
    }
}

/// An extra condition for [`Env::settle`].
pub trait AsyncCheck {
    fn check(&self, env: &Env) -> impl std::future::Future<Output = bool>;
}

/// No extra condition.
pub struct Nothing;

impl AsyncCheck for Nothing {
    async fn check(&self, _: &Env) -> bool {
        true
    }
}

/// Every one of these questions was fetched from Mercado Libre (the worker processed it).
pub struct Fetched<'a>(pub &'a [i64]);

impl AsyncCheck for Fetched<'_> {
    async fn check(&self, env: &Env) -> bool {
        let counts = question_fetches(&env.calls().await);
        self.0.iter().all(|q| counts.contains_key(q))
    }
}

/// Every one of these questions shows as answered in the simulator.
pub struct Answered<'a>(pub &'a [i64]);

impl AsyncCheck for Answered<'_> {
    async fn check(&self, env: &Env) -> bool {
        for q in self.0 {
            let j = env.sim.question_json(*q).await.unwrap();
            if j["status"] != "ANSWERED" {
                return false;
            }
        }
        true
    }
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("expected a redirect from {}: {}", resp.url(), resp.status()))
        .to_string()
}

/// Successful `GET /questions/{id}` per question: how often the app fetched each one.
pub fn question_fetches(calls: &[CallRecord]) -> HashMap<i64, usize> {
    let mut out = HashMap::new();
    for c in calls {
        if c.method == "GET"
            && c.status == 200
            && let Some(id) = c.path.strip_prefix("/questions/")
            && let Ok(id) = id.parse::<i64>()
        {
            *out.entry(id).or_default() += 1;
        }
    }
    out
}

/// Calls that reached the route (the fault injection did not answer for it) by method and path
/// prefix.
pub fn reached(calls: &[CallRecord], method: &str, prefix: &str) -> Vec<CallRecord> {
    calls
        .iter()
        .filter(|c| c.method == method && c.path.starts_with(prefix) && !c.injected)
        .cloned()
        .collect()
}

/// A `questions` notification exactly as Mercado Libre sends it (`user_id` as a string).
pub fn question_notification(id: &str, question: i64, seller: i64) -> String {
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    json!({
        "_id": id,
        "resource": format!("/questions/{question}"),
        "user_id": seller.to_string(),
        "topic": "questions",
        "application_id": SimConfig::default().app_id,
        "attempts": 1,
        "sent": now,
        "received": now,
    })
    .to_string()
}

/// Asks `n` questions in the simulator, spread over every seller's listings (the simulator
/// notifies them only when its callback URL is set). Returns `(question id, seller id)`.
pub async fn ask_many(sim: &SimHandle, n: usize, tag: &str) -> Vec<(i64, i64)> {
    let items: Vec<(String, i64)> = sim
        .sellers()
        .iter()
        .flat_map(|s| sim.items_of(s.id).into_iter().map(move |i| (i, s.id)))
        .collect();
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let (item, seller) = &items[k % items.len()];
        let text = format!("¿Tenés stock? ({tag} {k})");
        let q = sim.ask_question(item, None, &text).await.unwrap();
        out.push((q, *seller));
    }
    out
}

/// Posts `bodies` to the webhooks of `bases` (round robin) from `concurrency` tasks; returns
/// which were acknowledged (HTTP 200), counting acknowledgements in `progress` as they come.
pub async fn post_all(
    http: reqwest::Client,
    bases: Vec<String>,
    bodies: Vec<String>,
    concurrency: usize,
    progress: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> Vec<bool> {
    let bodies = std::sync::Arc::new(bodies);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let acked = std::sync::Arc::new(std::sync::Mutex::new(vec![false; bodies.len()]));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (bodies, next, acked, http, progress) = (
            bodies.clone(),
            next.clone(),
            acked.clone(),
            http.clone(),
            progress.clone(),
        );
        let bases = bases.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { return };
                let base = &bases[i % bases.len()];
                let ok = http
                    .post(format!("{base}/webhooks/meli"))
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 200);
                if ok {
                    progress.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                acked.lock().unwrap()[i] = ok;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    acked.lock().unwrap().clone()
}
