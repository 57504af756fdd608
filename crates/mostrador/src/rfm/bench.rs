//! `mostrador bench rfm`: how fast `domain::rfm` scores a large history, next to a plain pandas
//! implementation of the same rules (`scripts/rfm_pandas.py`) run on the same data in the same
//! run, and whether both write the same scores.
//!
//! Measured, best of 3 each:
//! - compute: the scoring alone, on the history already in memory (pandas: on its DataFrame);
//! - end to end: read the CSV, score, write the CSV (pandas: `read_csv` … `to_csv`).
//!
//! The outputs must agree row by row (amounts compared as numbers); otherwise the command fails.
//! That is a correctness check; no timing is ever a pass or a fail. Without pandas the Rust side
//! is still measured and the report says pandas was not run.

use super::{csv_io, synth};
use crate::cli::BenchRfmArgs;
use anyhow::{Context, bail};
use chrono::NaiveDate;
use domain::rfm::{self, Scores, Segment};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The pandas side, kept in the repository and carried in the binary so the benchmark runs from
/// any directory.
const PANDAS_SCRIPT: &str = include_str!("../../../../scripts/rfm_pandas.py");
const RUNS: usize = 3;

/// A fixed analysis date keeps the synthetic history, and so the numbers, the same every day.
fn as_of() -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, 6, 30).context("the benchmark's analysis date")
}

pub fn run(args: BenchRfmArgs) -> anyhow::Result<ExitCode> {
    let as_of = as_of()?;
    let started = Instant::now();
    let orders = synth::history(
        args.orders as usize,
        args.customers as usize,
        args.seed,
        as_of,
    );
    let generated = started.elapsed();

    let (compute, scores) = best_of(|| Ok(rfm::score(&orders, as_of)?))?;

    let dir = tempfile::Builder::new()
        .prefix("mostrador-bench-rfm-")
        .tempdir()
        .context("creating a temporary directory")?;
    let input = dir.path().join("orders.csv");
    csv_io::write_orders(BufWriter::new(File::create(&input)?), &orders)?;
    drop(orders);
    let rust_out = dir.path().join("rust.csv");
    let (end_to_end, ()) = best_of(|| rust_end_to_end(&input, &rust_out, as_of))?;

    let pandas = Pandas::run(&args.python, dir.path(), &input, as_of)?;
    let agreement = match &pandas {
        Pandas::Ran { output, .. } => Some(compare(&rust_out, output)?),
        Pandas::Unavailable(_) => None,
    };
    let report = Report {
        args: &args,
        as_of,
        generated,
        scores: &scores,
        compute,
        end_to_end,
        pandas,
        agreement,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json()?)?);
    } else {
        print!("{}", report.table()?);
    }
    if let Err(close) = dir.close() {
        eprintln!("warning: could not remove the temporary directory: {close}");
    }
    match &report.agreement {
        Some(Err(mismatch)) => {
            eprintln!("error: Rust and pandas disagree: {mismatch}");
            Ok(ExitCode::FAILURE)
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The fastest of [`RUNS`] runs, and the last run's result.
fn best_of<T>(mut f: impl FnMut() -> anyhow::Result<T>) -> anyhow::Result<(Duration, T)> {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let value = f()?;
        best = best.min(started.elapsed());
        last = Some(value);
    }
    Ok((best, last.context("no run")?))
}

/// What `mostrador rfm` does, file to file.
fn rust_end_to_end(input: &Path, output: &Path, as_of: NaiveDate) -> anyhow::Result<()> {
    let orders = csv_io::read_orders(File::open(input)?)?;
    let scores = rfm::score(&orders, as_of)?;
    let mut out = BufWriter::new(File::create(output)?);
    csv_io::write_scores(&mut out, &scores.customers)?;
    out.flush()?;
    Ok(())
}

enum Pandas {
    /// Why pandas was not run.
    Unavailable(String),
    Ran {
        output: std::path::PathBuf,
        /// The script's best times and versions.
        timings: Value,
    },
}

impl Pandas {
    fn run(python: &str, dir: &Path, input: &Path, as_of: NaiveDate) -> anyhow::Result<Pandas> {
        let probe = Command::new(python).args(["-c", "import pandas"]).output();
        match probe {
            Err(e) => return Ok(Pandas::Unavailable(format!("{python} did not start: {e}"))),
            Ok(out) if !out.status.success() => {
                let said = String::from_utf8_lossy(&out.stderr);
                let last = said
                    .lines()
                    .last()
                    .unwrap_or("no message")
                    .trim()
                    .to_string();
                return Ok(Pandas::Unavailable(format!(
                    "`{python} -c 'import pandas'` failed: {last}"
                )));
            }
            Ok(_) => {}
        }
        let script = dir.join("rfm_pandas.py");
        std::fs::write(&script, PANDAS_SCRIPT)?;
        let output = dir.join("pandas.csv");
        let timings_file = dir.join("pandas-timings.json");
        let run = Command::new(python)
            .arg(&script)
            .arg(input)
            .arg(as_of.to_string())
            .arg("--out")
            .arg(&output)
            .arg("--timings")
            .arg(&timings_file)
            .args(["--repeat", &RUNS.to_string()])
            .output()
            .with_context(|| format!("running {python} {}", script.display()))?;
        if !run.status.success() {
            bail!(
                "the pandas script failed ({}): {}",
                run.status,
                String::from_utf8_lossy(&run.stderr).trim()
            );
        }
        let timings = serde_json::from_slice(&std::fs::read(&timings_file)?)
            .context("reading the pandas script's timings")?;
        Ok(Pandas::Ran { output, timings })
    }

    fn seconds(&self, step: &str) -> Option<f64> {
        match self {
            Pandas::Ran { timings, .. } => timings.get(step).and_then(Value::as_f64),
            Pandas::Unavailable(_) => None,
        }
    }
}

/// Row by row: the same customers in the same order with the same figures, labels and segment;
/// amounts compared as numbers (`15.5` is `15.50`). The number of rows, or the first difference.
fn compare(rust: &Path, pandas: &Path) -> anyhow::Result<Result<usize, String>> {
    let read = |path: &Path| -> anyhow::Result<Vec<csv::StringRecord>> {
        let mut reader = csv::Reader::from_reader(BufReader::new(File::open(path)?));
        let header = reader.headers()?.clone();
        if header.iter().ne(csv_io::OUTPUT_COLUMNS) {
            bail!("{}: header {header:?}", path.display());
        }
        Ok(reader.records().collect::<Result<_, _>>()?)
    };
    let (ours, theirs) = (read(rust)?, read(pandas)?);
    if ours.len() != theirs.len() {
        return Ok(Err(format!(
            "{} rows from Rust, {} from pandas",
            ours.len(),
            theirs.len()
        )));
    }
    let monetary = 3;
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        let same = a.len() == b.len()
            && a.iter().zip(b.iter()).enumerate().all(|(col, (x, y))| {
                x == y
                    || (col == monetary
                        && matches!((Decimal::from_str(x), Decimal::from_str(y)), (Ok(x), Ok(y)) if x == y))
            });
        if !same {
            return Ok(Err(format!(
                "row {}: Rust {:?}, pandas {:?}",
                i + 1,
                a.iter().collect::<Vec<_>>(),
                b.iter().collect::<Vec<_>>()
            )));
        }
    }
    Ok(Ok(ours.len()))
}

struct Report<'a> {
    args: &'a BenchRfmArgs,
    as_of: NaiveDate,
    generated: Duration,
    scores: &'a Scores,
    compute: Duration,
    end_to_end: Duration,
    pandas: Pandas,
    /// `None` when pandas was not run.
    agreement: Option<Result<usize, String>>,
}

/// The processor, as far as this machine says.
fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        });
    json!({
        "cpu": cpu,
        "cores": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
    })
}

impl Report<'_> {
    fn segments(&self) -> anyhow::Result<Vec<(Segment, u64)>> {
        let groups = rfm::groups(&self.scores.customers)?;
        Ok(groups
            .segments
            .iter()
            .map(|(s, sum)| (*s, sum.customers))
            .collect())
    }

    fn ratio(&self, step: &str, ours: Duration) -> Option<f64> {
        self.pandas
            .seconds(step)
            .map(|theirs| theirs / ours.as_secs_f64())
    }

    fn to_json(&self) -> anyhow::Result<Value> {
        let pandas = match &self.pandas {
            Pandas::Unavailable(why) => json!({ "available": false, "reason": why }),
            Pandas::Ran { timings, .. } => json!({ "available": true, "timings": timings }),
        };
        let agreement = match &self.agreement {
            None => json!(null),
            Some(Ok(rows)) => json!({ "identical": true, "rows": rows }),
            Some(Err(first)) => json!({ "identical": false, "first_difference": first }),
        };
        let segments: serde_json::Map<String, Value> = self
            .segments()?
            .into_iter()
            .map(|(s, n)| (s.code().to_string(), json!(n)))
            .collect();
        Ok(json!({
            "bench": "rfm",
            "orders": self.args.orders,
            "customers_requested": self.args.customers,
            "customers_scored": self.scores.customers.len(),
            "seed": self.args.seed,
            "as_of": self.as_of.to_string(),
            "runs": RUNS,
            "machine": machine(),
            "generate_s": self.generated.as_secs_f64(),
            "rust": {
                "compute_s": self.compute.as_secs_f64(),
                "end_to_end_s": self.end_to_end.as_secs_f64(),
            },
            "pandas": pandas,
            "pandas_over_rust": {
                "compute": self.ratio("compute_s", self.compute),
                "end_to_end": self.ratio("end_to_end_s", self.end_to_end),
            },
            "outputs": agreement,
            "segments": segments,
        }))
    }

    fn table(&self) -> anyhow::Result<String> {
        let mut out = String::new();
        let machine = machine();
        writeln!(
            out,
            "mostrador bench rfm: {} orders, {} customers scored (seed {}, as of {}), best of {RUNS}",
            self.args.orders,
            self.scores.customers.len(),
            self.args.seed,
            self.as_of
        )?;
        writeln!(
            out,
            "machine: {} ({} cores)",
            machine["cpu"].as_str().unwrap_or("unknown processor"),
            machine["cores"]
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "{:<26} {:>12} {:>12} {:>10}",
            "step", "Rust ms", "pandas ms", "pandas/Rust"
        )?;
        for (label, step, ours) in [
            ("compute (in memory)", "compute_s", self.compute),
            ("end to end (CSV to CSV)", "end_to_end_s", self.end_to_end),
        ] {
            let theirs = self
                .pandas
                .seconds(step)
                .map_or("-".to_string(), |s| format!("{:.1}", s * 1000.0));
            let ratio = self
                .ratio(step, ours)
                .map_or("-".to_string(), |r| format!("x{r:.1}"));
            writeln!(
                out,
                "{label:<26} {:>12.1} {theirs:>12} {ratio:>10}",
                ours.as_secs_f64() * 1000.0
            )?;
        }
        writeln!(out)?;
        match (&self.pandas, &self.agreement) {
            (Pandas::Unavailable(why), _) => writeln!(
                out,
                "pandas: not run ({why}); only Rust was measured. To compare: pip install pandas"
            )?,
            (Pandas::Ran { timings, .. }, agreement) => {
                writeln!(
                    out,
                    "pandas {} (numpy {})",
                    timings["pandas"].as_str().unwrap_or("?"),
                    timings["numpy"].as_str().unwrap_or("?")
                )?;
                match agreement {
                    Some(Ok(rows)) => writeln!(out, "outputs: identical ({rows} rows)")?,
                    Some(Err(first)) => writeln!(out, "outputs: DIFFER: {first}")?,
                    None => {}
                }
            }
        }
        let segments = self.segments()?;
        let listed: Vec<String> = segments
            .iter()
            .map(|(s, n)| format!("{} {n}", s.code()))
            .collect();
        writeln!(out, "segments: {}", listed.join(", "))?;
        writeln!(
            out,
            "(history generated in {:.0} ms)",
            self.generated.as_secs_f64() * 1000.0
        )?;
        Ok(out)
    }
}
