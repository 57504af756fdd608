use app::{AppConfig, AppState, Worker};
use meli_sim::{SimConfig, SimHandle};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use tokio::net::TcpListener;

pub const ADMIN_EMAIL: &str = "admin@test.mostrador";
pub const ADMIN_PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub url: String,
    pub sim: SimHandle,
    pub state: AppState,
    pub worker: Worker,
    pub http: reqwest::Client,
    /// API session token of the admin.
    pub token: String,
    /// The admin's organization, which every seeded store joins.
    pub org: domain::OrgId,
    db: TestDb,
}

/// Where a test's database lives, so a second process's handle can be opened on it.
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { url: String, schema: String },
}

impl TestDb {
    /// Another handle on the same database, with its own connections, as another `serve` or
    /// `worker` process would open.
    pub async fn reopen(&self) -> Arc<dyn Store> {
        match self {
            TestDb::Sqlite(dir) => app::open_store(dir.path().join("test.db").to_str().unwrap())
                .await
                .unwrap(),
            TestDb::Postgres { url, schema } => Arc::new(
                store_postgres::PgStore::connect_with_schema(url, schema)
                    .await
                    .unwrap(),
            ),
        }
    }
}

/// Picks the backend of the end-to-end tests: `sqlite` (the default) or `postgres`.
pub const TEST_DB_VAR: &str = "MOSTRADOR_TEST_DB";

/// A fresh, empty store of the backend under test ([`TEST_DB_VAR`]).
pub async fn test_store() -> (Arc<dyn Store>, TestDb) {
    use store_postgres::test_support::{PG_URL_VAR, SKIP_VAR};
    let backend = std::env::var(TEST_DB_VAR).unwrap_or_default();
    match backend.trim() {
        "postgres" => {
            // Asking for PostgreSQL and for skipping it at once is a mistake in the caller's
            // environment; running on SQLite instead would pass without testing what was asked.
            assert!(
                std::env::var(SKIP_VAR).map_or(true, |v| v.trim() != "1"),
                "{TEST_DB_VAR}=postgres contradicts {SKIP_VAR}=1: unset one of them"
            );
            let url = std::env::var(PG_URL_VAR)
                .ok()
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| {
                    panic!(
                        "{TEST_DB_VAR}=postgres needs {PG_URL_VAR} \
                         (e.g. postgres://postgres@127.0.0.1:5432/test)"
                    )
                });
            let store = store_postgres::test_support::fresh_test_store(&url).await;
            let schema = store.schema().unwrap().to_string();
            (Arc::new(store), TestDb::Postgres { url, schema })
        }
        "" | "sqlite" => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("test.db");
            let store = app::open_store(path.to_str().unwrap()).await.unwrap();
            (store, TestDb::Sqlite(dir))
        }
        other => panic!("{TEST_DB_VAR}={other:?}: expected sqlite (the default) or postgres"),
    }
}

impl TestApp {
    /// Server + simulator, admin created, every seeded seller connected through OAuth.
    pub async fn spawn() -> TestApp {
        let app = TestApp::spawn_unconnected().await;
        app.connect_all().await;
        app
    }

    /// Connects every seeded seller through OAuth and settles what connecting sweeps in.
    async fn connect_all(&self) {
        let app = self;
        for seller in app.sim.sellers() {
            app::scripted_connect::connect_through_oauth(
                &app.url,
                ADMIN_EMAIL,
                ADMIN_PASSWORD,
                &seller.site_id,
                seller.id,
            )
            .await
            .expect("connecting a seeded seller");
        }
        // Connecting sweeps in the questions asked before; settle them so each test starts from
        // a synced inbox.
        app.drain().await;
    }

    /// [`TestApp::spawn`] with a simulator that has no sales history, for tests that build an
    /// exact support desk of their own.
    pub async fn spawn_without_sales() -> TestApp {
        let app = TestApp::spawn_unconnected_with(false).await;
        app.connect_all().await;
        app
    }

    pub async fn spawn_unconnected() -> TestApp {
        TestApp::spawn_unconnected_with(true).await
    }

    /// [`TestApp::spawn`] with a simulator seeding `orders` orders of sales history per seller.
    pub async fn spawn_with_history(orders: usize) -> TestApp {
        let app = TestApp::spawn_custom(true, orders).await;
        app.connect_all().await;
        app
    }

    async fn spawn_unconnected_with(seed_sales: bool) -> TestApp {
        TestApp::spawn_custom(seed_sales, 0).await
    }

    async fn spawn_custom(seed_sales: bool, history_orders: usize) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut config = AppConfig::new(0, &url, [7u8; 32]);
        let sim_config = SimConfig {
            redirect_uris: vec![config.oauth_redirect_uri()],
            notification_url: Some(format!("{url}/webhooks/meli")),
            time_scale: 0.001,
            seed_sales,
            history_orders,
            ..SimConfig::default()
        };
        config.meli_app_id = sim_config.app_id;
        let secret = sim_config.client_secret.clone();
        let sim = meli_sim::spawn(sim_config, TcpListener::bind("127.0.0.1:0").await.unwrap())
            .await
            .unwrap();
        let meli = meli::MeliClient::new(meli::MeliConfig {
            api_base: url::Url::parse(&sim.base_url()).unwrap(),
            auth_hosts: meli::AuthHosts::Custom(sim.auth_host_template()),
            client_id: config.meli_app_id.to_string(),
            client_secret: secret.into(),
            redirect_uri: config.oauth_redirect_uri(),
            timeout: Duration::from_secs(10),
        })
        .unwrap();
        let (store, db) = test_store().await;
        let state = AppState::new(store, meli, config);
        let org = state.store.create_org("Test Org").await.unwrap().id;
        app::auth::create_person(
            &state,
            org,
            ADMIN_EMAIL,
            "Test Admin",
            ADMIN_PASSWORD,
            domain::Role::Admin,
        )
        .await
        .unwrap();
        let server_state = state.clone();
        tokio::spawn(
            async move { app::serve(listener, server_state, std::future::pending()).await },
        );
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let login: Value = http
            .post(format!("{url}/api/login"))
            .json(&serde_json::json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["token"].as_str().expect("login token").to_string();
        let worker = Worker::new(state.clone());
        TestApp {
            url,
            sim,
            state,
            worker,
            http,
            token,
            org,
            db,
        }
    }

    /// A second handle on this app's database (see [`TestDb::reopen`]).
    pub async fn reopen_store(&self) -> Arc<dyn Store> {
        self.db.reopen().await
    }

    pub fn store(&self) -> &dyn Store {
        self.state.store.as_ref()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let resp = self.get(path).await;
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_webhook(&self, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.http
            .post(format!("{}/webhooks/meli", self.url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Waits (bounded) until the simulator's notifications reached us: `count` recorded in total.
    pub async fn wait_for_notifications(&self, count: usize) {
        for _ in 0..200 {
            if self
                .store()
                .recent_notifications(self.org, 1000)
                .await
                .unwrap()
                .len()
                >= count
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "expected {count} notifications; deliveries: {:?}",
            self.sim.deliveries().await
        );
    }

    /// The store's tokens as sealed in the database (the test key is `[7; 32]`).
    pub async fn sealed_tokens(&self, seller_id: i64) -> store::SealedTokens {
        let conn = self
            .store()
            .connection(domain::SellerId(seller_id))
            .await
            .unwrap()
            .expect("a connected store");
        conn.tokens.expect("the store has tokens")
    }

    /// The inbox entries (summaries) of one question.
    pub async fn conversations_for(&self, question_id: i64) -> Vec<Value> {
        let list = self.get_json("/api/conversations?limit=500").await;
        list.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["meli_ref"].as_str() == Some(question_id.to_string().as_str()))
            .cloned()
            .collect()
    }

    /// The one inbox entry of a question.
    pub async fn conversation_for(&self, question_id: i64) -> Value {
        let mut found = self.conversations_for(question_id).await;
        assert_eq!(
            found.len(),
            1,
            "question {question_id} in the inbox: {found:?}"
        );
        found.remove(0)
    }

    /// Runs every due job.
    pub async fn drain(&self) -> Vec<app::worker::StepOutcome> {
        self.worker.drain().await.unwrap()
    }

    pub fn seller(&self, site: &str) -> meli_sim::SeededSeller {
        self.sim
            .sellers()
            .into_iter()
            .find(|s| s.site_id == site)
            .expect("seeded seller for site")
    }

    /// A buyer asks on the first listing of the `site` seller; returns (question id, item id).
    pub async fn ask(&self, site: &str, text: &str) -> (i64, String) {
        let seller = self.seller(site);
        let item = self
            .sim
            .items_of(seller.id)
            .into_iter()
            .next()
            .expect("seeded listing");
        let qid = self.sim.ask_question(&item, None, text).await.unwrap();
        (qid, item)
    }
}
