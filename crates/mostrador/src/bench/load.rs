//! The load generator of `bench ingest`: a pool of keep-alive HTTP/1.1 connections (hyper, one
//! request in flight per connection, as Mercado Libre's deliveries are), driven either open-loop
//! at a fixed rate or closed-loop to saturation.
//!
//! Open loop: a scheduler thread releases request `i` at its intended time `start + i / rate`
//! whether or not earlier requests were answered; a free connection takes it from the queue. Its
//! latency runs from the intended time to the end of the reply, so a slow server is charged for
//! the requests it made wait (no coordinated omission). The scheduler's own lateness is kept
//! apart, so a generator that falls behind shows as such and not as server latency.

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{Mutex, mpsc};

/// The body of request number `i` (unique per request across a whole run).
pub type MakeBody = Arc<dyn Fn(u64) -> Bytes + Send + Sync>;

/// Where requests go: `POST http://addr{path}`.
#[derive(Clone)]
pub struct Target {
    addr: SocketAddr,
    host: String,
    path: String,
}

impl Target {
    /// `base` is `http://ip:port` as the servers print it.
    pub fn new(base: &str, path: &str) -> anyhow::Result<Target> {
        let url = url::Url::parse(base).with_context(|| format!("{base:?} is not a URL"))?;
        let addrs = url.socket_addrs(|| None)?;
        let addr = *addrs.first().context("the URL names no address")?;
        Ok(Target {
            addr,
            host: addr.to_string(),
            path: path.to_string(),
        })
    }
}

type Sender = SendRequest<Full<Bytes>>;

async fn connect(target: &Target) -> Result<Sender, String> {
    let stream = TcpStream::connect(target.addr)
        .await
        .map_err(|e| format!("connecting to {}: {e}", target.addr))?;
    // Small requests and replies: without this, Nagle's algorithm would add delays of its own.
    let _ = stream.set_nodelay(true);
    let (sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake: {e}"))?;
    tokio::spawn(async move {
        // Ends when the sender is dropped or the server closes; a failure shows on the next send.
        let _ = conn.await;
    });
    Ok(sender)
}

/// One keep-alive connection, reopened after a failure.
struct Conn {
    target: Target,
    sender: Option<Sender>,
}

impl Conn {
    async fn open(target: &Target) -> anyhow::Result<Conn> {
        let sender = connect(target).await.map_err(anyhow::Error::msg)?;
        Ok(Conn {
            target: target.clone(),
            sender: Some(sender),
        })
    }

    /// POSTs `body`; `Ok` only for a 200 with its whole body read.
    async fn post(&mut self, body: Bytes) -> Result<(), String> {
        let outcome = self.try_post(body).await;
        if outcome.is_err() {
            // The connection may be broken; a fresh one serves the next request.
            self.sender = None;
        }
        outcome
    }

    async fn try_post(&mut self, body: Bytes) -> Result<(), String> {
        let mut sender = match self.sender.take() {
            Some(s) => s,
            None => connect(&self.target).await?,
        };
        sender.ready().await.map_err(|e| e.to_string())?;
        let request = hyper::Request::post(self.target.path.as_str())
            .header(hyper::header::HOST, self.target.host.as_str())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(body))
            .map_err(|e| e.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("{status}, reading the body: {e}"))?
            .to_bytes();
        self.sender = Some(sender);
        if status == hyper::StatusCode::OK {
            Ok(())
        } else {
            Err(format!(
                "{status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            ))
        }
    }
}

async fn open_pool(target: &Target, connections: usize) -> anyhow::Result<Vec<Conn>> {
    let mut pool = Vec::with_capacity(connections);
    for _ in 0..connections {
        pool.push(Conn::open(target).await?);
    }
    Ok(pool)
}

/// What one series measured.
pub struct Series {
    /// Requests sent.
    pub sent: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    /// From the first intended send to the last reply.
    pub wall: Duration,
    /// Open loop: from the intended send to the end of the reply. Closed loop: from the send.
    /// Ascending; errors included.
    pub latency: Vec<Duration>,
    /// Open loop only: how late the scheduler released each request, ascending.
    pub lag: Vec<Duration>,
    /// Open loop only: the scheduler finished this long after the last intended send.
    pub overrun: Duration,
}

impl Series {
    fn new(
        mut samples: Vec<(Duration, Result<(), String>)>,
        wall: Duration,
        mut lag: Vec<Duration>,
        overrun: Duration,
    ) -> Series {
        let errors = samples.iter().filter(|(_, r)| r.is_err()).count() as u64;
        let first_error = samples.iter().find_map(|(_, r)| r.clone().err());
        let mut latency: Vec<Duration> = samples.drain(..).map(|(d, _)| d).collect();
        latency.sort_unstable();
        lag.sort_unstable();
        Series {
            sent: latency.len() as u64,
            errors,
            first_error,
            wall,
            latency,
            lag,
            overrun,
        }
    }

    /// Nearest rank: the smallest value at least `p` percent of requests did not exceed.
    pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    pub fn latency_ms(&self, p: f64) -> f64 {
        ms(Series::percentile(&self.latency, p))
    }

    pub fn lag_ms(&self, p: f64) -> f64 {
        ms(Series::percentile(&self.lag, p))
    }

    pub fn ok(&self) -> u64 {
        self.sent - self.errors
    }

    /// Successful replies per second.
    pub fn throughput(&self) -> f64 {
        let secs = self.wall.as_secs_f64();
        if secs > 0.0 {
            self.ok() as f64 / secs
        } else {
            0.0
        }
    }

    /// The generator, not the server, limited this series: the scheduler was late by more
    /// than a millisecond for 1% of requests or more, or overran the schedule by over 5%.
    pub fn generator_behind(&self, planned: Duration) -> bool {
        Series::percentile(&self.lag, 99.0) > Duration::from_millis(1)
            || self.overrun.as_secs_f64() > planned.as_secs_f64() * 0.05
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Requests at `rate` per second for `duration`, over `connections` connections opened first.
/// Request `k` gets body `body(first + k)`.
pub async fn open_loop(
    target: &Target,
    rate: f64,
    duration: Duration,
    connections: usize,
    body: MakeBody,
    first: u64,
) -> anyhow::Result<Series> {
    if !(rate.is_finite() && rate > 0.0) {
        bail!("the rate must be positive, got {rate}");
    }
    let count = ((rate * duration.as_secs_f64()).round() as u64).max(1);
    let pool = open_pool(target, connections).await?;
    let (tx, rx) = mpsc::unbounded_channel::<(u64, Instant)>();
    let rx = Arc::new(Mutex::new(rx));
    // Leaves the workers time to wait on the queue before the first request is due.
    let start = Instant::now() + Duration::from_millis(20);
    let workers: Vec<_> = pool
        .into_iter()
        .map(|mut conn| {
            let (rx, body) = (rx.clone(), body.clone());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let mut last = start;
                loop {
                    let next = { rx.lock().await.recv().await };
                    let Some((k, due)) = next else {
                        break (samples, last);
                    };
                    let outcome = conn.post(body(first + k)).await;
                    last = Instant::now();
                    samples.push((last.saturating_duration_since(due), outcome));
                }
            })
        })
        .collect();
    // A thread of its own: `thread::sleep` wakes within tens of microseconds, where the async
    // timer rounds to whole milliseconds, which would show as latency of the server.
    let scheduler = tokio::task::spawn_blocking(move || {
        let mut lag = Vec::with_capacity(count as usize);
        for k in 0..count {
            let due = start + Duration::from_secs_f64(k as f64 / rate);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            lag.push(Instant::now().saturating_duration_since(due));
            if tx.send((k, due)).is_err() {
                break;
            }
        }
        let last_due = start + Duration::from_secs_f64((count - 1) as f64 / rate);
        (lag, Instant::now().saturating_duration_since(last_due))
    });
    let (lag, overrun) = scheduler.await.context("the scheduler thread failed")?;
    let mut samples = Vec::with_capacity(count as usize);
    let mut end = start;
    for w in workers {
        let (s, last) = w.await.context("a connection task failed")?;
        samples.extend(s);
        end = end.max(last);
    }
    Ok(Series::new(
        samples,
        end.saturating_duration_since(start),
        lag,
        overrun,
    ))
}

/// Each of `connections` connections sends its next request as soon as the last is answered,
/// for `duration`: the most the server answers with that many clients. It uses bodies `first`
/// to `first + sent - 1`.
pub async fn closed_loop(
    target: &Target,
    duration: Duration,
    connections: usize,
    body: MakeBody,
    first: u64,
) -> anyhow::Result<Series> {
    let pool = open_pool(target, connections).await?;
    let next = Arc::new(AtomicU64::new(first));
    let start = Instant::now();
    let deadline = start + duration;
    let workers: Vec<_> = pool
        .into_iter()
        .map(|mut conn| {
            let (next, body) = (next.clone(), body.clone());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                while Instant::now() < deadline {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let sent = Instant::now();
                    let outcome = conn.post(body(k)).await;
                    samples.push((sent.elapsed(), outcome));
                }
                samples
            })
        })
        .collect();
    let mut samples = Vec::new();
    for w in workers {
        samples.extend(w.await.context("a connection task failed")?);
    }
    Ok(Series::new(
        samples,
        start.elapsed(),
        Vec::new(),
        Duration::ZERO,
    ))
}
