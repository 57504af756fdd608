//! Simulator configuration and fault-injection knobs.

use std::time::Duration;

/// How the simulated Mercado Libre application is registered, and how the simulator behaves.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The application's APP ID; as a string it is also the OAuth `client_id`.
    pub app_id: i64,
    /// The application's client secret (`client_secret` on `/oauth/token`).
    pub client_secret: String,
    /// Registered redirect URIs; the authorization page accepts only exact matches.
    pub redirect_uris: Vec<String>,
    /// The application's notification callback URL (one per application, as in DevCenter).
    pub notification_url: Option<String>,
    /// Lifetime of issued access tokens (`expires_in`); Mercado Libre's is 6 hours.
    pub access_token_ttl: Duration,
    /// Multiplies the notification retry schedule: 1.0 is real time, tests use e.g. 0.001.
    pub time_scale: f64,
    /// Seed of every pseudo-random choice: item ids, question ids, tokens, fault dice.
    pub seed: u64,
    /// Seeds each seller's sales history (orders, packs, conversations, a claim). Tests that
    /// build an exact support desk of their own turn it off.
    pub seed_sales: bool,
    /// Orders of each seller's two-year sales history (`meli_sim::history`: repeat buyers,
    /// carts, cancellations, refunds). 0, the default, seeds none; the demo seeds thousands.
    pub history_orders: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            app_id: 2_069_392_825_111_111,
            client_secret: "sim-secret".to_owned(),
            redirect_uris: Vec::new(),
            notification_url: None,
            access_token_ttl: Duration::from_secs(21_600),
            time_scale: 1.0,
            seed: 42,
            seed_sales: true,
            history_orders: 0,
        }
    }
}

/// Fault injection applied to the Mercado Libre API routes (never to `/_sim` nor the
/// authorization pages). All probabilities are in `0.0..=1.0`; the default injects nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Extra latency added before every API response.
    pub latency: Duration,
    /// Probability that an API call answers 500 `internal_server_error`.
    pub fail_rate_5xx: f64,
    /// Probability that an API call answers 429 `local_rate_limited`.
    pub rate_limit_429: f64,
    /// `Retry-After` (whole seconds) sent with injected 429s; `None` sends no header, as
    /// Mercado Libre usually does.
    pub retry_after: Option<Duration>,
    /// Probability that a notification is never POSTed and goes straight to `/missed_feeds`.
    pub drop_notifications: f64,
}
