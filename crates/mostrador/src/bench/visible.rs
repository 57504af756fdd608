//! Visible latency: simulated buyers ask questions at a fixed rate; the simulator delivers each
//! notification to the server as Mercado Libre does, the server's worker fetches the question
//! from the simulator, and the conversation appears in `GET /api/conversations`. Measured from
//! the moment the question is asked to the first poll that lists it, so the poll interval is
//! the resolution.

use super::load::{Series, ms};
use anyhow::{Context, bail};
use meli_sim::SimHandle;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long after the last question the benchmark keeps waiting for stragglers.
const GRACE: Duration = Duration::from_secs(60);

pub struct Visible {
    pub asked: usize,
    pub seen: usize,
    /// Ascending.
    pub latency: Vec<Duration>,
    pub rate: f64,
    pub poll: Duration,
}

impl Visible {
    pub fn p(&self, p: f64) -> f64 {
        ms(Series::percentile(&self.latency, p))
    }

    pub fn to_json(&self) -> Value {
        json!({
            "rate_per_s": self.rate,
            "asked": self.asked,
            "seen": self.seen,
            "p50_ms": self.p(50.0),
            "p99_ms": self.p(99.0),
            "max_ms": self.p(100.0),
            "poll_ms": ms(self.poll),
        })
    }
}

pub async fn measure(
    url: &str,
    sim: &SimHandle,
    seller: &meli_sim::SeededSeller,
    rate: f64,
    duration: Duration,
    poll: Duration,
) -> anyhow::Result<Visible> {
    let http = reqwest::Client::new();
    let token = login(&http, url).await?;
    let items = sim.items_of(seller.id);
    if items.is_empty() {
        bail!("the simulator seeded no listing for seller {}", seller.id);
    }
    let texts = meli_sim::sample_questions(meli_sim::Lang::for_site(&seller.site_id));
    let count = ((rate * duration.as_secs_f64()).round() as usize).max(1);

    // Question id → when it was asked; filled by the asker, emptied by the poller.
    let pending: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let asking_done = Arc::new(tokio::sync::Notify::new());
    let poller = tokio::spawn(poll_until_seen(
        http.clone(),
        format!(
            "{url}/api/conversations?seller_id={}&category=pre_sale_question&limit=500",
            seller.id
        ),
        token,
        pending.clone(),
        asking_done.clone(),
        count,
        poll,
    ));

    let start = tokio::time::Instant::now();
    for k in 0..count {
        tokio::time::sleep_until(start + Duration::from_secs_f64(k as f64 / rate)).await;
        let item = &items[k % items.len()];
        let text = texts.get(k % texts.len().max(1)).copied().unwrap_or("Hola");
        let mut pending = pending.lock().await;
        let asked = Instant::now();
        let id = sim
            .ask_question(item, None, text)
            .await
            .map_err(|e| anyhow::anyhow!("the simulator could not ask a question: {e:?}"))?;
        pending.insert(id, asked);
    }
    asking_done.notify_one();
    let mut latency = poller.await.context("the poller failed")??;
    latency.sort_unstable();
    Ok(Visible {
        asked: count,
        seen: latency.len(),
        latency,
        rate,
        poll,
    })
}

async fn login(http: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    let resp = http
        .post(format!("{url}/api/login"))
        .json(&json!({
            "email": crate::demo::DEMO_ADMIN_EMAIL,
            "password": crate::demo::DEMO_ADMIN_PASSWORD,
        }))
        .send()
        .await?
        .error_for_status()
        .context("signing in to the API")?;
    let body: Value = resp.json().await?;
    body["token"]
        .as_str()
        .map(str::to_string)
        .context("the login answer has no token")
}

/// Polls until every asked question is listed, or [`GRACE`] after the asking ended. Returns the
/// latencies of those seen.
async fn poll_until_seen(
    http: reqwest::Client,
    list: String,
    token: String,
    pending: Arc<Mutex<HashMap<i64, Instant>>>,
    asking_done: Arc<tokio::sync::Notify>,
    count: usize,
    poll: Duration,
) -> anyhow::Result<Vec<Duration>> {
    let mut seen = Vec::with_capacity(count);
    let mut ticks = tokio::time::interval(poll);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut deadline: Option<Instant> = None;
    let done = asking_done.notified();
    tokio::pin!(done);
    loop {
        tokio::select! {
            _ = &mut done, if deadline.is_none() => {
                deadline = Some(Instant::now() + GRACE);
                continue;
            }
            _ = ticks.tick() => {}
        }
        let resp = http.get(&list).bearer_auth(&token).send().await?;
        let status = resp.status();
        let body: Value = resp.json().await.context("reading the conversations")?;
        let now = Instant::now();
        if !status.is_success() {
            bail!("GET /api/conversations answered {status}: {body}");
        }
        let mut pending = pending.lock().await;
        for conversation in body.as_array().map(Vec::as_slice).unwrap_or_default() {
            let id = conversation["meli_ref"]
                .as_str()
                .and_then(|r| r.parse::<i64>().ok());
            if let Some(asked) = id.and_then(|id| pending.remove(&id)) {
                seen.push(now.saturating_duration_since(asked));
            }
        }
        if seen.len() >= count || deadline.is_some_and(|d| now > d) {
            return Ok(seen);
        }
    }
}
