//! What `bench ingest` prints: a table, or one JSON object (the first backend's headline figures
//! at the top level, every backend's under `backends.<name>`).

use super::Backend;
use super::child::Memory;
use super::ingest::{Plan, StoreCheck, at_rate};
use super::load::{Series, ms};
use super::visible::Visible;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::time::Duration;

/// The figures are taken at this offered rate.
const HEADLINE_RATE: f64 = 2000.0;

/// One offered rate.
pub struct Rate {
    pub offered: f64,
    pub planned: Duration,
    pub series: Series,
}

impl Rate {
    pub fn new(offered: f64, planned: Duration, series: Series) -> Rate {
        Rate {
            offered,
            planned,
            series,
        }
    }

    fn behind(&self) -> bool {
        self.series.generator_behind(self.planned)
    }

    fn to_json(&self) -> Value {
        let s = &self.series;
        json!({
            "offered_per_s": self.offered,
            "sent": s.sent,
            "errors": s.errors,
            "first_error": s.first_error,
            "throughput_per_s": s.throughput(),
            "ack_p50_ms": s.latency_ms(50.0),
            "ack_p90_ms": s.latency_ms(90.0),
            "ack_p99_ms": s.latency_ms(99.0),
            "ack_p999_ms": s.latency_ms(99.9),
            "ack_max_ms": s.latency_ms(100.0),
            "generator_lag_p99_ms": s.lag_ms(99.0),
            "generator_lag_max_ms": s.lag_ms(100.0),
            "generator_behind": self.behind(),
        })
    }
}

/// Closed-loop saturation: the maximum throughput.
pub struct Saturation {
    pub connections: usize,
    /// CPU cores the benchmark process (the generator) and the server used meanwhile.
    pub generator_cores: f64,
    pub server_cores: f64,
    pub series: Series,
}

impl Saturation {
    fn to_json(&self) -> Value {
        let s = &self.series;
        json!({
            "connections": self.connections,
            "requests": s.sent,
            "errors": s.errors,
            "first_error": s.first_error,
            "throughput_per_s": s.throughput(),
            "p50_ms": s.latency_ms(50.0),
            "p99_ms": s.latency_ms(99.0),
            "generator_cpu_cores": self.generator_cores,
            "server_cpu_cores": self.server_cores,
        })
    }
}

pub struct Baseline {
    pub rates: Vec<Rate>,
    pub saturation: Saturation,
    pub idle: Memory,
    pub peak: Memory,
}

pub struct BackendReport {
    pub backend: Backend,
    pub database: String,
    pub rates: Vec<Rate>,
    pub saturation: Saturation,
    /// The server without a worker, after connecting the seller.
    pub idle: Memory,
    /// The same after every load phase (`hwm_mb` is the peak).
    pub peak: Memory,
    pub check: StoreCheck,
    pub visible: Visible,
    /// The server with its worker, after the visible-latency run.
    pub visible_memory: Memory,
}

pub struct Report {
    quick: bool,
    baseline: Baseline,
    backends: Vec<BackendReport>,
    cpus: usize,
    load_average: Option<String>,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

impl Report {
    pub fn new(plan: &Plan, baseline: Baseline, backends: Vec<BackendReport>) -> Report {
        Report {
            quick: plan.quick,
            baseline,
            backends,
            cpus: std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(0),
            load_average: std::fs::read_to_string("/proc/loadavg")
                .ok()
                .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")),
        }
    }

    /// What makes the command fail: lost acknowledgements or a visible-latency run that never
    /// saw its questions. Timings never do.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        for b in &self.backends {
            if !b.check.passed() {
                out.push(format!(
                    "{}: {} queued jobs after {} acknowledged of {} sent notifications",
                    b.backend.name(),
                    b.check.queued_jobs,
                    b.check.acked_at_least,
                    b.check.sent
                ));
            }
            if b.visible.seen < b.visible.asked {
                out.push(format!(
                    "{}: only {} of {} asked questions became visible",
                    b.backend.name(),
                    b.visible.seen,
                    b.visible.asked
                ));
            }
        }
        out
    }

    fn backend_json(&self, b: &BackendReport) -> Map<String, Value> {
        let base_max = self.baseline.saturation.series.throughput();
        let max = b.saturation.series.throughput();
        let headline = at_rate(&b.rates, HEADLINE_RATE);
        let base_headline = at_rate(&self.baseline.rates, HEADLINE_RATE);
        let rows: Vec<Value> = b
            .rates
            .iter()
            .map(|r| {
                let mut row = r.to_json();
                if let (Some(obj), Some(base)) = (
                    row.as_object_mut(),
                    at_rate(&self.baseline.rates, r.offered),
                ) {
                    obj.insert(
                        "baseline_ack_p50_ms".into(),
                        base.series.latency_ms(50.0).into(),
                    );
                    obj.insert(
                        "baseline_ack_p99_ms".into(),
                        base.series.latency_ms(99.0).into(),
                    );
                }
                row
            })
            .collect();
        let h = |f: &dyn Fn(&Series) -> f64| headline.map(|r| f(&r.series)).unwrap_or(0.0);
        let v = json!({
            "backend": b.backend.name(),
            "database": b.database,
            "offered_per_s": headline.map(|r| r.offered).unwrap_or(0.0),
            "ack_p50_ms": h(&|s| s.latency_ms(50.0)),
            "ack_p99_ms": h(&|s| s.latency_ms(99.0)),
            "ack_max_ms": h(&|s| s.latency_ms(100.0)),
            "throughput_per_s": h(&|s| s.throughput()),
            "baseline_ack_p50_ms": base_headline.map(|r| r.series.latency_ms(50.0)).unwrap_or(0.0),
            "baseline_ack_p99_ms": base_headline.map(|r| r.series.latency_ms(99.0)).unwrap_or(0.0),
            "max_throughput_per_s": max,
            "baseline_throughput_per_s": base_max,
            "throughput_ratio": ratio(max, base_max),
            "visible_p50_ms": b.visible.p(50.0),
            "visible_p99_ms": b.visible.p(99.0),
            "rss_idle_mb": b.idle.rss_mb,
            "rss_load_mb": b.peak.hwm_mb,
            "rss_after_load_mb": b.peak.rss_mb,
            "rss_with_worker_peak_mb": b.visible_memory.hwm_mb,
            "generator_behind": b.rates.iter().any(Rate::behind),
            "rates": rows,
            "saturation": b.saturation.to_json(),
            "visible": b.visible.to_json(),
            "store_check": {
                "sent": b.check.sent,
                "acknowledged": b.check.acked_at_least,
                "queued_jobs": b.check.queued_jobs,
                "passed": b.check.passed(),
            },
        });
        match v {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    pub fn to_json(&self) -> Value {
        let mut backends = Map::new();
        for b in &self.backends {
            backends.insert(b.backend.name().into(), Value::Object(self.backend_json(b)));
        }
        let mut top = self
            .backends
            .first()
            .map(|b| self.backend_json(b))
            .unwrap_or_default();
        top.insert("bench".into(), "ingest".into());
        top.insert("quick".into(), self.quick.into());
        top.insert(
            "baseline".into(),
            json!({
                "server": "bare axum POST /webhooks/meli, same reply, child process",
                "rates": self.baseline.rates.iter().map(Rate::to_json).collect::<Vec<_>>(),
                "saturation": self.baseline.saturation.to_json(),
                "rss_idle_mb": self.baseline.idle.rss_mb,
                "rss_load_mb": self.baseline.peak.hwm_mb,
            }),
        );
        top.insert("backends".into(), Value::Object(backends));
        top.insert(
            "machine".into(),
            json!({ "cpus": self.cpus, "load_average_at_end": self.load_average }),
        );
        Value::Object(top)
    }

    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "mostrador bench ingest: open loop, latency from each request's intended send time{}",
            if self.quick {
                " (--quick: figures not meaningful)"
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "{} CPUs, load average {} at the end; servers are child processes, the generator and simulator run here",
            self.cpus,
            self.load_average.as_deref().unwrap_or("?")
        );
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{:<9} {:>9} {:>7} {:>6} {:>8} {:>8} {:>8} {:>8} {:>10} {:>8}",
            "server",
            "offered/s",
            "sent",
            "errors",
            "p50 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "achieved/s",
            "lag p99"
        );
        let rows = std::iter::once(("baseline", &self.baseline.rates))
            .chain(self.backends.iter().map(|b| (b.backend.name(), &b.rates)));
        for (name, rates) in rows {
            for r in rates {
                let s = &r.series;
                let _ = writeln!(
                    out,
                    "{name:<9} {:>9.0} {:>7} {:>6} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>10.0} {:>8.2}{}",
                    r.offered,
                    s.sent,
                    s.errors,
                    s.latency_ms(50.0),
                    s.latency_ms(99.0),
                    s.latency_ms(99.9),
                    s.latency_ms(100.0),
                    s.throughput(),
                    s.lag_ms(99.0),
                    if r.behind() { "  generator behind" } else { "" }
                );
            }
        }
        let base = &self.baseline.saturation;
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "maximum (closed loop, {} connections):",
            base.connections
        );
        let sat_line = |out: &mut String, name: &str, s: &Saturation, ratio_text: String| {
            let _ = writeln!(
                out,
                "  {name:<9} {:>8.0}/s  p50 {:.2} ms  p99 {:.2} ms  errors {}  CPU cores: server {:.2}, generator {:.2}{ratio_text}",
                s.series.throughput(),
                s.series.latency_ms(50.0),
                s.series.latency_ms(99.0),
                s.series.errors,
                s.server_cores,
                s.generator_cores,
            );
        };
        sat_line(&mut out, "baseline", base, String::new());
        for b in &self.backends {
            let r = ratio(b.saturation.series.throughput(), base.series.throughput());
            sat_line(
                &mut out,
                b.backend.name(),
                &b.saturation,
                format!("  = {:.1}% of baseline", r * 100.0),
            );
        }
        let _ = writeln!(out);
        for b in &self.backends {
            let v = &b.visible;
            let _ = writeln!(
                out,
                "{:<9} visible at {:.0}/s: p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms  ({} of {} seen; polled every {:.0} ms)",
                b.backend.name(),
                v.rate,
                v.p(50.0),
                v.p(99.0),
                v.p(100.0),
                v.seen,
                v.asked,
                ms(v.poll)
            );
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{:<9} RSS idle {:.1} MB, peak {:.1} MB",
            "baseline", self.baseline.idle.rss_mb, self.baseline.peak.hwm_mb
        );
        for b in &self.backends {
            let _ = writeln!(
                out,
                "{:<9} RSS idle {:.1} MB, peak under load {:.1} MB ({:.1} MB after); with worker, peak {:.1} MB",
                b.backend.name(),
                b.idle.rss_mb,
                b.peak.hwm_mb,
                b.peak.rss_mb,
                b.visible_memory.hwm_mb
            );
        }
        for b in &self.backends {
            let _ = writeln!(
                out,
                "{:<9} store: {} queued jobs for {} acknowledged of {} sent: {}   ({})",
                b.backend.name(),
                b.check.queued_jobs,
                b.check.acked_at_least,
                b.check.sent,
                if b.check.passed() { "ok" } else { "FAILED" },
                b.database
            );
        }
        for (name, rates, sat) in
            std::iter::once(("baseline", &self.baseline.rates, &self.baseline.saturation)).chain(
                self.backends
                    .iter()
                    .map(|b| (b.backend.name(), &b.rates, &b.saturation)),
            )
        {
            let first = rates
                .iter()
                .map(|r| &r.series)
                .chain(std::iter::once(&sat.series))
                .find_map(|s| s.first_error.clone());
            if let Some(e) = first {
                let _ = writeln!(out, "first error on {name}: {e}");
            }
        }
        out
    }
}
