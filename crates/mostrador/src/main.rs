//! # mostrador — the command line
//!
//! - `demo`: the simulator, the server and a worker on SQLite, with the demo stores connected
//!   through the real OAuth flow and simulated buyers asking questions.
//! - `serve`: the server (and, unless told otherwise, a worker) against the real Mercado Libre.
//! - `worker`: only the worker, for extra processes sharing a PostgreSQL database.
//! - `admin create-user`: the first admin, or more agents.
//! - `meli parse KIND FILE`: parse a saved Mercado Libre payload with the client's own models.
//! - `migrate`: apply database migrations and exit.
//! - `sync orders --store SELLER_ID`: copy a store's order history (resumable, with a progress
//!   bar).
//! - `bench webhook`: the webhook's acknowledgement path against a `/healthz` baseline.
//! - `bench ingest`: the webhook under open-loop load next to a bare endpoint, both as child
//!   processes; visible latency and memory too.
//! - `bench soak`: table sizes before and after the purge of N notifications' finished work.
//! - `guard`: the outgoing-text guard over JSON lines on standard input.
//! - `rfm`: recency, frequency and monetary scores of an order history (CSV in, CSV out).
//! - `bench rfm`: that scoring on a synthetic history, next to pandas on the same data.
//! - `bench monitor`: the success monitor's figures over a million bulk-loaded orders.

mod bench;
mod bench_monitor;
mod cli;
mod demo;
mod guard;
mod rfm;
mod runtime;
mod sync;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    runtime::init_tracing(cli.log_json, cli.default_log_filter());
    match cli.run().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
