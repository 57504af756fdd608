//! The two servers `bench ingest` starts as child processes (see [`super::child`]):
//! - `bench ingest-server`: the real app (router, store, optionally the worker), wired to a
//!   simulator the benchmark runs, exactly as `serve` runs it except for where Mercado Libre is;
//! - `bench baseline-server`: a bare axum endpoint that accepts the same POST and answers the
//!   same body without doing anything, in the same kind of process and runtime.

use crate::cli::{BaselineServerArgs, IngestServerArgs};
use crate::demo;
use crate::runtime::Running;
use anyhow::Context;
use app::{AppConfig, AppState};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::time::Duration;
use tokio::net::TcpListener;

/// What the benchmark tells the app server once it knows the server's address (the simulator
/// must know the redirect URI before the server can know the simulator).
#[derive(Serialize, Deserialize)]
pub struct IngestSetup {
    pub database_url: String,
    pub sim_base: String,
    pub auth_host_template: String,
    pub app_id: i64,
    pub client_secret: String,
    /// Run the worker (and the reconciliation schedule) in the server, as `serve` does by
    /// default; without, it is `serve --no-worker`.
    pub worker: bool,
}

fn announce(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// Standard input's lines, read on a thread of their own (blocking reads; the channel closes
/// at end of input).
fn input_lines() -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Resolves when standard input closes (lines after the setup are ignored).
async fn input_closed(mut lines: tokio::sync::mpsc::UnboundedReceiver<String>) {
    while lines.recv().await.is_some() {}
}

pub async fn baseline_server(args: BaselineServerArgs) -> anyhow::Result<()> {
    let listener = TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    let addr = listener.local_addr()?;
    // Reads the whole body, as the webhook does, and answers the webhook's reply.
    let app = axum::Router::new().route(
        "/webhooks/meli",
        axum::routing::post(|_body: bytes::Bytes| async {
            axum::Json(serde_json::json!({ "status": "ok" }))
        }),
    );
    announce(&format!("bound http://{addr}"))?;
    announce("ready")?;
    let lines = input_lines();
    axum::serve(listener, app)
        .with_graceful_shutdown(input_closed(lines))
        .await?;
    Ok(())
}

pub async fn ingest_server(args: IngestServerArgs) -> anyhow::Result<()> {
    let listener = TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    let public_url = format!("http://{}", listener.local_addr()?);
    announce(&format!("bound {public_url}"))?;
    let mut lines = input_lines();
    let setup: IngestSetup = match lines.recv().await {
        Some(line) => serde_json::from_str(&line).context("reading the setup line")?,
        None => return Ok(()),
    };

    let key: [u8; 32] = rand::random();
    let mut config = AppConfig::new(setup.app_id, &public_url, key);
    config.meli_app_id = setup.app_id;
    let meli = meli::MeliClient::new(meli::MeliConfig {
        api_base: url::Url::parse(&setup.sim_base)?,
        auth_hosts: meli::AuthHosts::Custom(setup.auth_host_template.clone()),
        client_id: setup.app_id.to_string(),
        client_secret: setup.client_secret.clone().into(),
        redirect_uri: config.oauth_redirect_uri(),
        timeout: Duration::from_secs(10),
    })?;
    let store = app::open_store(&setup.database_url)
        .await
        .context("opening the database")?;
    let state = AppState::new(store, meli, config);
    demo::ensure_demo_admin(&state).await?;
    let worker = setup.worker.then(|| Duration::from_secs(60));
    let running = Running::start(listener, state, worker).await?;
    announce("ready")?;
    input_closed(lines).await;
    running.stop().await;
    Ok(())
}
