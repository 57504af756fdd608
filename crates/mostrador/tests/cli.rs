//! The CLI as a user runs it: the built binary, real files, real processes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mostrador"))
}

/// An official Mercado Libre sample from the repository's copy (`crates/meli/tests/fixtures`).
fn fixture(rel: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../meli/tests/fixtures")
        .join(rel);
    assert!(path.is_file(), "fixture missing: {}", path.display());
    path
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
fn meli_parse_reads_post_sale_payloads() {
    let parse = |kind: &str, rel: &str| {
        let out = bin()
            .args(["meli", "parse", kind])
            .arg(fixture(rel))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{kind} {rel}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let v = parse("message", "messages/message-by-id-legacy.json");
    assert_eq!(
        v["id"], "0033b582a1474fa98c02d229abcec43c",
        "legacy shape normalized: {v}"
    );
    assert_eq!(v["text"], "Ejemplo de texto");
    let v = parse("pack-messages", "messages/pack-messages-2.json");
    assert_eq!(
        v["messages"][0]["from"]["user_id"], 415_458_330,
        "id as a number: {v}"
    );
    assert_eq!(
        v["messages"][0]["message_moderation"]["status"],
        "non_moderated"
    );
    let v = parse("claim", "claims/by-id.json");
    assert_eq!(v["players"][1]["role"], "respondent");
    assert_eq!(v["claim_version"], "2", "a decimal string: {v}");
    let v = parse(
        "billing-info",
        "billing/billing-info-mlu-persona-fisica.json",
    );
    assert_eq!(v["buyer"]["cust_id"], 1_921_961_891_i64);
    assert_eq!(
        v["buyer"]["billing_info"]["attributes"]["is_normalized"],
        false
    );
    let v = parse("error", "messages/send-error-403-blocked.json");
    assert_eq!(v["message"], "blocked_conversation_send_message_forbidden");

    let out = bin()
        .args(["meli", "parse", "order"])
        .arg(fixture("orders/by-id.json-broken"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid JSON at line"), "{err}");
}

#[test]
fn meli_parse_reads_leads() {
    let parse = |kind: &str, rel: &str| {
        let out = bin()
            .args(["meli", "parse", kind])
            .arg(fixture(rel))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{kind} {rel}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let v = parse("lead", "leads/lead-by-id.json");
    assert_eq!(v["id"], "44115522", "a lead id stays text: {v}");
    assert_eq!(v["buyer_id"], 1_091_441_589_i64);
    assert_eq!(v["phone"], "+55 01 1111-1111");
    let v = parse("leads-search", "leads/buyers-example.json");
    assert_eq!(v["results"][0]["id"], 2_522_572_034_i64);
    assert!(
        v["results"][0]["leads"][0].get("external_id").is_none(),
        "an empty external id is dropped: {v}"
    );
    assert_eq!(v["summary"][0]["guest"], 1);
    assert_eq!(v["date_from"], "2026-01-15");
    let v = parse("error", "leads/error-quota-exceeded.json");
    assert_eq!(v["code"], "too_many_requests");

    let out = bin()
        .args(["meli", "parse", "leads-search"])
        .arg(fixture("leads/lead-by-id.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a lead is not a search");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing field `results`"), "{err}");
    let out = bin()
        .args(["meli", "parse", "lead"])
        .arg(fixture("leads/buyers-example.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a search is not a lead");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing field `id`") && err.contains("line"),
        "{err}"
    );
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
        "MOSTRADOR_KEEP_JOBS_DAYS",
        "MOSTRADOR_KEEP_NOTIFICATIONS_DAYS",
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
fn admin_creates_organizations_and_their_people() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], password: &str| {
        bin()
            .args(["admin"])
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .env("MOSTRADOR_NEW_PASSWORD", password)
            .env_remove("MOSTRADOR_DATABASE_URL")
            .output()
            .unwrap()
    };
    let text = |out: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    fn user(org: &str) -> [&str; 9] {
        [
            "create-user",
            "--org",
            org,
            "--email",
            "Ana@Example.com",
            "--name",
            "Ana",
            "--role",
            "admin",
        ]
    }

    let orphan = run(&user("Acme"), "a good password");
    assert!(!orphan.status.success());
    assert!(text(&orphan).contains("create-org"), "{}", text(&orphan));

    let org = run(&["create-org", "--name", "Acme"], "");
    assert!(org.status.success(), "{}", text(&org));
    assert!(text(&org).contains("created organization Acme"));
    let twice = run(&["create-org", "--name", "ACME"], "");
    assert!(!twice.status.success());
    assert!(text(&twice).contains("already exists"), "{}", text(&twice));

    let weak = run(&user("Acme"), "short");
    assert!(!weak.status.success());
    assert!(text(&weak).contains("at least 8"));
    let ok = run(&user("acme"), "a good password");
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("ana@example.com"));
    assert!(text(&ok).contains("in Acme"));
    let again = run(&user("Acme"), "a good password");
    assert!(!again.status.success());
    assert!(text(&again).contains("already"));
}

/// How long the demo gets to deliver a question asked after it started.
const LIVE_DELIVERY_BOUND: Duration = Duration::from_secs(60);

/// The README's demo command, end to end: it connects the demo stores, serves the inbox, and
/// questions asked after it started arrive live: Mercado Libre (here the simulator) notifies the
/// webhook and a worker fetches the question. The sweep on connecting only finds questions asked
/// before, so the test lets it finish, then asks its own, uniquely worded question through the
/// simulator's control API and waits for that one; the simulator's delivery log and the app's
/// notification record show it came through the webhook (not a later sweep, nor `/missed_feeds`).
/// The simulated buyers (`--question-every 1`) must show up too.
#[tokio::test]
async fn demo_delivers_questions_asked_after_it_started_to_the_inbox() {
    let started = chrono::Utc::now();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bin();
    cmd.args([
        "demo",
        "--bind",
        "127.0.0.1:0",
        "--question-every",
        "1",
        "--exit-after",
        "180",
        "--data-dir",
    ])
    .arg(dir.path());
    let (_child, urls) = start_and_read_urls(
        &mut cmd,
        &[
            "Mostrador demo running at ",
            "  Mercado Libre simulator at ",
        ],
    )
    .await;
    let (url, sim) = (&urls[0], &urls[1]);

    let http = reqwest::Client::new();
    let get = |path: String, token: Option<String>| {
        let req = http.get(path);
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        async move {
            let resp = req.send().await.unwrap();
            assert!(resp.status().is_success(), "{}", resp.status());
            resp.json::<serde_json::Value>().await.unwrap()
        }
    };
    let health = get(format!("{url}/healthz"), None).await;
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
    let auth = || Some(token.clone());
    let stores = get(format!("{url}/api/stores"), auth()).await;
    assert!(
        stores.as_array().unwrap().len() >= 2,
        "demo stores connected: {stores}"
    );

    // Let the sweep of connecting finish first (nothing queued or running), so that it cannot be
    // what brings the question in.
    let idle_deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let jobs = get(format!("{url}/api/jobs"), auth()).await;
        if jobs["queued"] == 0
            && jobs["running"] == 0
            && jobs["done"].as_i64().is_some_and(|d| d > 0)
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < idle_deadline,
            "the demo's job queue never settled after connecting: {jobs}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A buyer asks on a demo store's listing, now, in words no seeded question uses.
    let sellers = get(format!("{sim}/_sim/sellers"), None).await;
    let item = sellers[0]["items"][0].as_str().unwrap().to_string();
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let text = format!("¿Llega a Ushuaia antes del viernes? (consulta {nonce})");
    let asked: serde_json::Value = http
        .post(format!("{sim}/_sim/questions"))
        .json(&serde_json::json!({"item_id": item, "text": text}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let qid = asked["question_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("the simulator refused the question: {asked}"));
    let (meli_ref, resource) = (qid.to_string(), format!("/questions/{qid}"));

    let deadline = tokio::time::Instant::now() + LIVE_DELIVERY_BOUND;
    let ours = loop {
        let list = get(format!("{url}/api/conversations?limit=500"), auth()).await;
        if let Some(c) = list
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["meli_ref"] == meli_ref.as_str())
        {
            break c.clone();
        }
        if tokio::time::Instant::now() >= deadline {
            let deliveries = get(format!("{sim}/_sim/deliveries"), None).await;
            let ours: Vec<_> = deliveries
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["resource"] == resource)
                .collect();
            panic!(
                "question {qid}, asked after the demo started, did not reach the inbox within \
                 {LIVE_DELIVERY_BOUND:?}: live delivery (simulator → webhook → worker → inbox) is \
                 broken. The simulator's delivery attempts for it: {ours:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(ours["last_text"], text.as_str(), "{ours}");
    assert_eq!(ours["status"], "open", "{ours}");
    let deliveries = get(format!("{sim}/_sim/deliveries"), None).await;
    let attempts: Vec<_> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["resource"] == resource)
        .collect();
    assert!(
        attempts
            .iter()
            .any(|d| d["status"] == 200 && d["error"].is_null()),
        "question {qid} reached the inbox, but the simulator never delivered its notification to \
         the webhook (so a sweep brought it in, not live delivery); attempts: {attempts:?}"
    );
    let notifications = get(format!("{url}/api/notifications"), auth()).await;
    assert!(
        notifications
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["resource"] == resource
                && ["queued", "processing", "processed"]
                    .contains(&n["state"].as_str().unwrap_or(""))),
        "the webhook recorded the notification of question {qid} and queued its job (its state \
         follows the job's): \
         {notifications}"
    );

    // The simulated buyers' questions arrive the same way.
    let since = started - chrono::TimeDelta::seconds(1);
    loop {
        let list = get(format!("{url}/api/conversations?limit=500"), auth()).await;
        let fresh = list.as_array().unwrap().iter().any(|c| {
            c["meli_ref"] != meli_ref.as_str()
                && c["last_inbound_at"]
                    .as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .is_some_and(|t| t >= since)
        });
        if fresh {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no simulated buyer's question reached the inbox within {LIVE_DELIVERY_BOUND:?} \
             (--question-every 1): {list}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Starts a command that prints one line per `prefixes` entry (`<prefix><url>`, in that order)
/// on stdout and returns the URLs, draining the rest of its output (closing the pipe would make
/// the process's next print fail). Fails if they do not come within a minute.
async fn start_and_read_urls(
    cmd: &mut Command,
    prefixes: &'static [&'static str],
) -> (KillOnDrop, Vec<String>) {
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
        let mut urls = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = prefixes
                .get(urls.len())
                .and_then(|prefix| line.strip_prefix(prefix))
            {
                urls.push(
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
                if urls.len() == prefixes.len()
                    && let Some(tx) = url_tx.take()
                {
                    let _ = tx.send(std::mem::take(&mut urls));
                }
            }
        }
    });
    let urls = tokio::time::timeout(Duration::from_secs(60), url_rx)
        .await
        .unwrap_or_else(|_| panic!("no {prefixes:?} lines within a minute"))
        .unwrap_or_else(|_| panic!("the process ended without printing {prefixes:?}"));
    (child, urls)
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
    let (_child, urls) = start_and_read_urls(&mut cmd, &["Mostrador serving at "]).await;
    let url = &urls[0];
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

/// `sync orders` documents its settings and names an unknown store clearly, changing nothing.
#[test]
fn sync_orders_refuses_an_unknown_store_clearly() {
    let out = bin().args(["sync", "orders", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in [
        "--store",
        "MOSTRADOR_DATABASE_URL",
        "MELI_CLIENT_ID",
        "MOSTRADOR_PUBLIC_URL",
        "resumes",
    ] {
        assert!(help.contains(setting), "--help lacks {setting}:\n{help}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args([
            "sync",
            "orders",
            "--store",
            "123456",
            "--meli-client-id",
            "1",
            "--meli-client-secret",
            "s",
            "--public-url",
            "https://x.example",
            "--meli-api-base",
            "http://127.0.0.1:9",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("MOSTRADOR_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("store 123456 is not connected"),
        "a clear error: {err}"
    );
}
