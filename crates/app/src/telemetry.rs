//! `GET /metrics` in the Prometheus text format, through the `metrics` facade and its Prometheus
//! exporter. Counters are recorded where things happen (the webhook's acknowledgement, the
//! worker's outcomes, the Mercado Libre client's single request point, token refreshes, the
//! reconciler); the queue's depth is read from the database at scrape time, so it is the same
//! whichever instance is scraped.
//!
//! No series carries organization data: labels are outcomes, job kinds, HTTP statuses and
//! Mercado Libre path templates (`/questions/{id}`), never ids, names or text. The endpoint is
//! open unless [`crate::AppConfig::metrics_token`] is set, in which case it wants
//! `Authorization: Bearer <token>`.
//!
//! The exporter's recorder is process-wide: [`install`] sets it up once, however many app
//! instances a process (a test) builds, and their figures add up.

use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

pub const WEBHOOK_ACKS: &str = "mostrador_webhook_acks_total";
pub const WEBHOOK_ACK_SECONDS: &str = "mostrador_webhook_ack_seconds";
pub const JOBS: &str = "mostrador_jobs";
pub const JOB_OUTCOMES: &str = "mostrador_job_outcomes_total";
pub const TOKEN_REFRESHES: &str = "mostrador_token_refreshes_total";
pub const RECONCILER_FOUND: &str = "mostrador_reconciler_found_total";
pub const MELI_PAUSES: &str = "mostrador_meli_pauses_total";

/// Acknowledgements take well under a millisecond to a few; Mercado Libre calls up to seconds.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Histograms buffer samples until upkeep folds them in; scrapes do it too, but a server nobody
/// scrapes must not grow.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder, once. `None` when another recorder was installed first
/// (the figures then go there, and `/metrics` says it has none).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
                .and_then(|b| b.install_recorder());
            match built {
                Ok(handle) => {
                    describe();
                    let upkept = handle.clone();
                    // A plain thread: it must outlive any one async runtime (tests make many).
                    let started = std::thread::Builder::new()
                        .name("metrics-upkeep".into())
                        .spawn(move || {
                            loop {
                                std::thread::sleep(UPKEEP_EVERY);
                                upkept.run_upkeep();
                            }
                        });
                    if let Err(e) = started {
                        tracing::warn!(error = %e, "metrics upkeep not started; scrapes do it");
                    }
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    describe_counter!(
        WEBHOOK_ACKS,
        "Mercado Libre notifications answered, by outcome (queued, duplicate, ignored, invalid, error)."
    );
    describe_histogram!(
        WEBHOOK_ACK_SECONDS,
        Unit::Seconds,
        "Time from a notification's arrival to its answer, by outcome."
    );
    describe_gauge!(
        JOBS,
        "Jobs in the queue by state (queued, running, done, dead), read when scraped."
    );
    describe_counter!(
        JOB_OUTCOMES,
        "Jobs run by this process, by kind and outcome."
    );
    describe_counter!(
        meli::metrics::REQUESTS,
        "Mercado Libre calls by endpoint (a path template) and HTTP status (or `error`)."
    );
    describe_histogram!(
        meli::metrics::REQUEST_SECONDS,
        Unit::Seconds,
        "Mercado Libre call latency by endpoint."
    );
    describe_counter!(
        TOKEN_REFRESHES,
        "Access-token refreshes by outcome (refreshed, invalid_grant, no_refresh_token, failed)."
    );
    describe_counter!(
        RECONCILER_FOUND,
        "Work the reconciler found that notifications had missed, by source."
    );
    describe_counter!(
        MELI_PAUSES,
        "Pauses started after Mercado Libre answered 429."
    );
}

/// A webhook answered: `outcome` is `queued`, `duplicate`, `ignored`, `invalid` or `error`.
pub fn webhook_ack(outcome: &'static str, elapsed: Duration) {
    counter!(WEBHOOK_ACKS, "outcome" => outcome).increment(1);
    histogram!(WEBHOOK_ACK_SECONDS, "outcome" => outcome).record(elapsed.as_secs_f64());
}

/// A webhook answer's outcome label: the notification's fate, `invalid` for a body that is not
/// a notification (400), `error` when it could not be stored.
pub fn ack_outcome(acked: &crate::error::AppResult<&'static str>) -> &'static str {
    match acked {
        Ok(status) => status,
        Err(crate::error::AppError::BadRequest { .. }) => "invalid",
        Err(_) => "error",
    }
}

/// A job run by this process ended so (`kind` is one of the job kinds the code defines).
pub fn job_outcome(kind: &str, outcome: &'static str) {
    counter!(JOB_OUTCOMES, "kind" => kind.to_owned(), "outcome" => outcome).increment(1);
}

pub fn token_refresh(outcome: &'static str) {
    counter!(TOKEN_REFRESHES, "outcome" => outcome).increment(1);
}

/// The reconciler enqueued `found` jobs for work that `source` showed and notifications missed.
pub fn reconciler_found(source: &'static str, found: u64) {
    counter!(RECONCILER_FOUND, "source" => source).increment(found);
}

pub fn meli_paused() {
    counter!(MELI_PAUSES).increment(1);
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(expected) = state.config.metrics_token.as_deref() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let matches = given.is_some_and(|given| token_matches(given, expected));
        if !matches {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "metrics need the configured bearer token\n",
            )
                .into_response();
        }
    }
    let Some(handle) = install() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics are recorded elsewhere in this process\n",
        )
            .into_response();
    };
    let counts = state.store.job_counts().await;
    // Setting the gauges and rendering them is one step, so two instances of one process
    // scraped at once each render their own database's depth.
    let text = {
        static SCRAPE: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one_at_a_time = SCRAPE.lock().unwrap_or_else(|p| p.into_inner());
        match &counts {
            Ok(counts) => {
                for (name, n) in [
                    ("queued", counts.queued),
                    ("running", counts.running),
                    ("done", counts.done),
                    ("dead", counts.dead),
                ] {
                    gauge!(JOBS, "state" => name).set(n as f64);
                }
            }
            // The rest of the figures are still worth having.
            Err(e) => tracing::warn!(error = %e, "metrics: queue depth unavailable"),
        }
        handle.run_upkeep();
        handle.render()
    };
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// Whether `given` is the token, in constant time: hashing first makes the lengths equal, so
/// timing reveals neither the length nor how much of a guess was right.
fn token_matches(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.as_slice().ct_eq(b.as_slice()).into()
}
