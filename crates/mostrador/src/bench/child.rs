//! The servers under measurement run as child processes of the benchmark (this same binary,
//! hidden `bench … -server` subcommands), so their memory and CPU are their own and the load
//! generator does not share their runtime.
//!
//! The protocol on the child's standard streams: it prints `bound <url>` once listening, may
//! read one line of setup on standard input, prints `ready` when serving, and stops when its
//! standard input closes (so it also stops when the benchmark dies).

use anyhow::{Context, bail};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{ChildStdin, ChildStdout};

/// How long a child may take to print a line it owes (migrations on a cold database included).
const STARTUP: Duration = Duration::from_secs(60);

pub struct Child {
    process: tokio::process::Child,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
    pub pid: u32,
    /// `http://ip:port`, from the `bound` line.
    pub url: String,
}

impl Child {
    /// Starts `mostrador bench <args…>` and waits for its `bound` line.
    pub async fn spawn(args: &[&str]) -> anyhow::Result<Child> {
        let exe = std::env::current_exe().context("finding this program's path")?;
        let mut process = tokio::process::Command::new(exe)
            .arg("bench")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting `mostrador bench {}`", args.join(" ")))?;
        let pid = process.id().context("the child exited at once")?;
        let stdin = process.stdin.take();
        let stdout = BufReader::new(process.stdout.take().context("no child stdout")?).lines();
        let mut child = Child {
            process,
            stdin,
            stdout,
            pid,
            url: String::new(),
        };
        let bound = child.expect("bound ").await?;
        child.url = bound;
        Ok(child)
    }

    /// Reads lines until one starts with `prefix`; returns the rest of it.
    pub async fn expect(&mut self, prefix: &str) -> anyhow::Result<String> {
        let read = async {
            loop {
                match self.stdout.next_line().await? {
                    Some(line) => {
                        if let Some(rest) = line.strip_prefix(prefix) {
                            return Ok(rest.trim().to_string());
                        }
                    }
                    None => bail!("the server process exited before printing {prefix:?}"),
                }
            }
        };
        tokio::time::timeout(STARTUP, read)
            .await
            .with_context(|| format!("the server process did not print {prefix:?} in time"))?
    }

    pub async fn send_line(&mut self, line: &str) -> anyhow::Result<()> {
        let stdin = self.stdin.as_mut().context("the child's input is closed")?;
        stdin.write_all(line.as_bytes()).await?;
        stdin.write_all(b"\n").await?;
        stdin.flush().await?;
        Ok(())
    }

    pub fn memory(&self) -> anyhow::Result<Memory> {
        Memory::of(self.pid)
    }

    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        cpu_seconds(&format!("/proc/{}/stat", self.pid))
    }

    /// Closes its input (its signal to stop) and waits; kills it if it takes too long.
    pub async fn stop(mut self) {
        drop(self.stdin.take());
        match tokio::time::timeout(Duration::from_secs(20), self.process.wait()).await {
            Ok(Ok(status)) if !status.success() => {
                eprintln!("warning: the server process exited with {status}");
            }
            Ok(_) => {}
            Err(_) => {
                eprintln!("warning: the server process did not stop in time; killing it");
                let _ = self.process.kill().await;
            }
        }
    }
}

/// Resident memory of a process, from `/proc/PID/status`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    /// `VmRSS`: now.
    pub rss_mb: f64,
    /// `VmHWM`: the peak so far.
    pub hwm_mb: f64,
}

impl Memory {
    pub fn of(pid: u32) -> anyhow::Result<Memory> {
        let path = format!("/proc/{pid}/status");
        let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        let field = |name: &str| -> anyhow::Result<f64> {
            let line = status
                .lines()
                .find(|l| l.starts_with(name))
                .with_context(|| format!("{path} has no {name}"))?;
            let kb: f64 = line
                .trim_start_matches(name)
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .with_context(|| format!("reading {line:?}"))?;
            Ok(kb / 1024.0)
        };
        Ok(Memory {
            rss_mb: field("VmRSS:")?,
            hwm_mb: field("VmHWM:")?,
        })
    }
}

/// User plus system CPU time of a process so far, from a `/proc/…/stat` file. Linux counts it
/// in clock ticks of 1/100 s on every architecture it runs on (`USER_HZ`).
pub fn cpu_seconds(path: &str) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    // The command name (field 2) may hold spaces; the fields after its `)` are plain.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .with_context(|| format!("{path}: unexpected format"))?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after `)` (0-based 11, 12).
    let ticks = |i: usize| -> anyhow::Result<f64> {
        fields
            .get(i)
            .with_context(|| format!("{path}: field missing"))?
            .parse::<f64>()
            .with_context(|| format!("{path}: not a number"))
    };
    Ok((ticks(11)? + ticks(12)?) / 100.0)
}
