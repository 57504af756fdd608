//! What every handler and worker shares.

use crate::config::AppConfig;
use crate::crypto::Sealer;
use crate::tokens::TokenManager;
use meli::MeliClient;
use std::sync::Arc;
use store::Store;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub meli: MeliClient,
    pub config: Arc<AppConfig>,
    pub tokens: TokenManager,
    /// Poked when a job is enqueued, so a worker starts at once instead of polling: one in this
    /// process, and on PostgreSQL those of other processes too (through [`AppState::bus`]).
    pub jobs_waiting: crate::bus::JobsWaiting,
    /// Wake-ups and inbox changes, in this process and across processes ([`crate::bus`]).
    pub bus: Arc<crate::bus::Bus>,
    /// Stores paused after Mercado Libre answered 429.
    pub throttle: Arc<crate::throttle::Throttle>,
    /// Login attempts per account, in this process.
    pub login_limiter: Arc<crate::auth::LoginLimiter>,
    /// Login attempts per client address, in this process.
    pub login_client_limiter: Arc<crate::auth::ClientLimiter>,
    /// Records notifications in batches, one commit per batch (group commit).
    pub intake: Arc<crate::intake::Intake>,
    /// The connected stores, kept in memory for the webhook.
    pub sellers: Arc<crate::sellers::Sellers>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, meli: MeliClient, config: AppConfig) -> Self {
        let sealer = Sealer::new(&config.secret_key);
        let tokens = TokenManager::new(store.clone(), meli.clone(), sealer);
        let intake = Arc::new(crate::intake::Intake::new(store.clone()));
        let sellers = Arc::new(crate::sellers::Sellers::default());
        // Load the connected stores and start the writer now, when there is a runtime to run
        // them on; otherwise the first notification starts them.
        if tokio::runtime::Handle::try_current().is_ok() {
            intake.start();
            sellers.watch(&store);
        }
        let bus = crate::bus::Bus::new(store.clone());
        crate::telemetry::install();
        AppState {
            store,
            meli,
            config: Arc::new(config),
            tokens,
            jobs_waiting: crate::bus::JobsWaiting(bus.clone()),
            bus,
            login_limiter: Arc::new(crate::auth::login_limiter()),
            login_client_limiter: Arc::new(crate::auth::client_limiter()),
            throttle: Arc::new(crate::throttle::Throttle::default()),
            intake,
            sellers,
        }
    }
}
