//! The CLI as a user runs it: the built binary, real files, real processes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mostrador"))
}

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/meli-fixtures/docs")
        .join(rel)
}

#[test]
fn meli_parse_prints_a_normalized_payload() {
    let out = bin()
        .args(["meli", "parse", "notification"])
        .arg(fixture("notifications/questions.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["resource"].as_str().unwrap().starts_with('/'),
        "resource normalized: {v}"
    );
    assert!(
        v["user_id"].is_i64(),
        "user_id as a number even when sent as a string: {v}"
    );

    let out = bin()
        .args(["meli", "parse", "question"])
        .arg(fixture("questions/by-id.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], 11751825075i64);
}

#[test]
fn meli_parse_names_what_is_wrong() {
    let out = bin()
        .args(["meli", "parse", "notification"])
        .arg(fixture("notifications/messages.json-broken"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a valid notification payload"), "{err}");

    let out = bin()
        .args(["meli", "parse", "question"])
        .arg(fixture("users/users-me.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a user is not a question");

    let out = bin()
        .args(["meli", "parse", "nonsense"])
        .arg(fixture("users/users-me.json"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("question"),
        "lists the kinds"
    );

    let out = bin()
        .args(["meli", "parse", "user", "/nonexistent/file.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn serve_help_documents_every_setting_and_bad_config_is_refused() {
    let out = bin().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in [
        "MELI_CLIENT_ID",
        "MELI_CLIENT_SECRET",
        "MOSTRADOR_PUBLIC_URL",
        "MOSTRADOR_DATABASE_URL",
        "MOSTRADOR_BIND",
        "MOSTRADOR_DATA_DIR",
        "MOSTRADOR_SECRET_KEY",
    ] {
        assert!(help.contains(setting), "--help lacks {setting}:\n{help}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args([
            "serve",
            "--meli-client-id",
            "1",
            "--meli-client-secret",
            "s",
            "--public-url",
            "not a url",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--public-url"));
    let out = bin()
        .args([
            "serve",
            "--meli-client-id",
            "1",
            "--meli-client-secret",
            "s",
            "--public-url",
            "https://x.example",
            "--secret-key",
            "short",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("64 hexadecimal"));
}

#[test]
fn admin_create_user_refuses_weak_passwords_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let create = |password: &str| {
        bin()
            .args([
                "admin",
                "create-user",
                "--email",
                "Ana@Example.com",
                "--name",
                "Ana",
                "--role",
                "admin",
                "--data-dir",
            ])
            .arg(dir.path())
            .env("MOSTRADOR_NEW_PASSWORD", password)
            .env_remove("MOSTRADOR_DATABASE_URL")
            .output()
            .unwrap()
    };
    let weak = create("short");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 8"));
    let ok = create("a good password");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("ana@example.com"));
    let again = create("a good password");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already"));
}

/// The README's demo command, end to end: it connects the demo stores, serves the inbox and the
/// simulated buyers' questions arrive in it.
#[tokio::test]
async fn demo_serves_an_inbox_that_fills_with_questions() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bin();
    cmd.args([
        "demo",
        "--bind",
        "127.0.0.1:0",
        "--question-every",
        "1",
        "--exit-after",
        "60",
        "--data-dir",
    ])
    .arg(dir.path());
    let (_child, url) = start_and_read_url(&mut cmd, "Mostrador demo running at ").await;

    let http = reqwest::Client::new();
    let health: serde_json::Value = http
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let login: serde_json::Value = http
        .post(format!("{url}/api/login"))
        .json(&serde_json::json!({"email": "admin@demo.mostrador", "password": "mostrador-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_string();
    let stores: serde_json::Value = http
        .get(format!("{url}/api/stores"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        stores.as_array().unwrap().len() >= 2,
        "demo stores connected: {stores}"
    );
    let mut conversations = 0;
    for _ in 0..150 {
        let list: serde_json::Value = http
            .get(format!("{url}/api/conversations"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        conversations = list.as_array().unwrap().len();
        if conversations >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        conversations >= 2,
        "simulated buyers' questions reached the inbox"
    );
}

/// Starts a command that prints `<prefix><url>` on stdout and returns the URL, draining the rest
/// of its output (closing the pipe would make the process's next print fail).
async fn start_and_read_url(cmd: &mut Command, prefix: &'static str) -> (KillOnDrop, String) {
    let mut child = KillOnDrop(
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (url_tx, url_rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut url_tx = Some(url_tx);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix(prefix)
                && let Some(tx) = url_tx.take()
            {
                let url = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let _ = tx.send(url);
            }
        }
    });
    let url = url_rx
        .await
        .expect("the process ended without printing its URL");
    (child, url)
}

#[tokio::test]
async fn serve_prints_its_url_and_answers_health_and_webhooks() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bin();
    cmd.args([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--public-url",
        "https://mostrador.example.com",
    ])
    .args([
        "--meli-client-id",
        "123",
        "--meli-client-secret",
        "secret",
        "--data-dir",
    ])
    .arg(dir.path())
    .env_remove("MOSTRADOR_DATABASE_URL");
    let (_child, url) = start_and_read_url(&mut cmd, "Mostrador serving at ").await;
    let http = reqwest::Client::new();
    let health: serde_json::Value = http
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        health,
        serde_json::json!({"status": "ok", "database": "sqlite"})
    );
    let ack: serde_json::Value = http
        .post(format!("{url}/webhooks/meli"))
        .body(r#"{"_id":"n1","resource":"/questions/1","user_id":42,"topic":"questions","application_id":123}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        ack,
        serde_json::json!({"status": "ok"}),
        "acknowledged, saying nothing of the unknown store"
    );
    assert!(
        dir.path().join("secret.key").exists(),
        "a secret key was generated in the data dir"
    );
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `bench webhook` runs its three series against a fresh SQLite file and checks what the store
/// holds afterwards. Only the shape and the counts are asserted; timings never are.
#[test]
fn bench_webhook_reports_three_series_and_checks_the_store() {
    let out = bin()
        .args([
            "bench",
            "webhook",
            "--requests",
            "60",
            "--concurrency",
            "4",
            "--json",
        ])
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(report["backend"], "sqlite", "{report}");
    assert_eq!(report["requests"], 60);
    assert_eq!(report["concurrency"], 4);
    for name in ["baseline", "webhook", "duplicate"] {
        let series = &report["series"][name];
        assert_eq!(series["count"], 60, "{name}: {series}");
        assert_eq!(series["errors"], 0, "{name}: {series}");
        assert!(series["throughput_rps"].is_number(), "{name}: {series}");
        for p in ["p50", "p95", "p99", "max"] {
            assert!(series["latency_ms"][p].is_number(), "{name} {p}: {series}");
        }
    }
    for ratios in ["webhook_over_baseline", "duplicate_over_baseline"] {
        for r in ["p50", "p99", "throughput"] {
            assert!(
                report["ratios"][ratios][r].is_number(),
                "{ratios}.{r}: {report}"
            );
        }
    }
    assert!(report["webhook_acks_under_500ms_share"].is_number());
    let check = &report["store_check"];
    assert_eq!(check["passed"], true, "{check}");
    assert_eq!(check["notifications"], 60, "{check}");
    assert_eq!(check["queued_jobs"], 60, "{check}");
    assert_eq!(check["deliveries"], 120, "each sent twice: {check}");
    assert!(
        !stderr.contains("notification received"),
        "a benchmark does not log every request: {stderr}"
    );
}
