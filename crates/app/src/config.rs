//! Settings the server needs beyond the Mercado Libre client's own.

/// Runtime configuration of the app (the CLI fills it from flags and environment).
#[derive(Clone)]
pub struct AppConfig {
    /// The Mercado Libre application id (`client_id`); webhooks for any other app are ignored.
    pub meli_app_id: i64,
    /// Where people reach this server, e.g. `https://mostrador.example.com` (no trailing slash).
    pub public_url: String,
    /// Key sealing tokens at rest.
    pub secret_key: [u8; 32],
    /// The Set-Cookie `Secure` flag: on whenever `public_url` is https.
    pub secure_cookies: bool,
    /// Finished jobs are purged this many days after they finished.
    pub keep_jobs_days: u32,
    /// Processed and ignored notifications are purged this many days after they arrived.
    pub keep_notifications_days: u32,
    /// When set, `GET /metrics` wants `Authorization: Bearer <token>`; open otherwise (the
    /// figures carry no organization data, see [`crate::telemetry`]).
    pub metrics_token: Option<String>,
}

/// How long finished work is kept by default: long enough to look into last month's problems.
pub const DEFAULT_KEEP_DAYS: u32 = 30;

impl AppConfig {
    pub fn new(meli_app_id: i64, public_url: &str, secret_key: [u8; 32]) -> Self {
        let public_url = public_url.trim_end_matches('/').to_string();
        let secure_cookies = public_url.starts_with("https://");
        AppConfig {
            meli_app_id,
            public_url,
            secret_key,
            secure_cookies,
            keep_jobs_days: DEFAULT_KEEP_DAYS,
            keep_notifications_days: DEFAULT_KEEP_DAYS,
            metrics_token: None,
        }
    }

    /// The OAuth redirect URI registered with Mercado Libre.
    pub fn oauth_redirect_uri(&self) -> String {
        format!("{}/oauth/callback", self.public_url)
    }
}
