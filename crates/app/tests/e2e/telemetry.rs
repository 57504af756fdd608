//! `GET /metrics`: the series exist with plausible values after real traffic, carry no ids or
//! organization data, and the optional bearer token guards them. The recorder is process-wide
//! and other tests run alongside, so values are checked as lower bounds.

use crate::helpers::*;
use serde_json::json;
use std::collections::HashMap;

/// Every sample of the scrape: `name{labels}` → value.
fn samples(body: &str) -> HashMap<String, f64> {
    body.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

fn at_least(samples: &HashMap<String, f64>, series: &str, min: f64) {
    let value = samples.get(series).copied();
    assert!(
        value.is_some_and(|v| v >= min),
        "{series} should be at least {min}, is {value:?}"
    );
}

async fn scrape(app: &TestApp) -> String {
    let resp = app
        .http
        .get(format!("{}/metrics", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    resp.text().await.unwrap()
}

#[tokio::test]
async fn metrics_cover_webhooks_jobs_mercado_libre_tokens_and_the_reconciler() {
    let app = TestApp::spawn().await;
    let seller = app.seller("MLA").id;
    // A bad body and a notification for a stranger are acknowledged (or refused) and counted too.
    assert_eq!(app.post_webhook("not json").await.status(), 400);
    let stranger =
        json!({"_id":"s1","resource":"/questions/1","user_id":424242,"topic":"questions"});
    assert_eq!(app.post_webhook(stranger.to_string()).await.status(), 200);
    // Tokens expire, so the question's job refreshes one.
    app.sim.expire_access_tokens().await;
    let (question, _) = app.ask("MLA", "¿Hacen envíos a Córdoba?").await;
    app.wait_for_notifications(1).await;
    app.drain().await;
    assert_eq!(app.conversations_for(question).await.len(), 1);

    let body = scrape(&app).await;
    let s = samples(&body);
    at_least(&s, r#"mostrador_webhook_acks_total{outcome="queued"}"#, 1.0);
    at_least(
        &s,
        r#"mostrador_webhook_acks_total{outcome="ignored"}"#,
        1.0,
    );
    at_least(
        &s,
        r#"mostrador_webhook_acks_total{outcome="invalid"}"#,
        1.0,
    );
    at_least(
        &s,
        r#"mostrador_webhook_ack_seconds_count{outcome="queued"}"#,
        1.0,
    );
    let sum = s[r#"mostrador_webhook_ack_seconds_sum{outcome="queued"}"#];
    let count = s[r#"mostrador_webhook_ack_seconds_count{outcome="queued"}"#];
    assert!(
        sum > 0.0 && sum / count < 5.0,
        "an acknowledgement takes a plausible time: {sum} s over {count}"
    );
    at_least(
        &s,
        r#"mostrador_webhook_ack_seconds_bucket{outcome="queued",le="+Inf"}"#,
        1.0,
    );
    for state in ["queued", "running", "done", "dead"] {
        at_least(&s, &format!(r#"mostrador_jobs{{state="{state}"}}"#), 0.0);
    }
    at_least(&s, r#"mostrador_jobs{state="done"}"#, 1.0);
    at_least(
        &s,
        r#"mostrador_job_outcomes_total{kind="meli.fetch_question",outcome="done"}"#,
        1.0,
    );
    at_least(
        &s,
        r#"mostrador_meli_requests_total{endpoint="/questions/{id}",status="200"}"#,
        1.0,
    );
    at_least(
        &s,
        r#"mostrador_meli_requests_total{endpoint="/oauth/token",status="200"}"#,
        1.0,
    );
    at_least(
        &s,
        r#"mostrador_meli_request_seconds_count{endpoint="/questions/{id}"}"#,
        1.0,
    );
    at_least(
        &s,
        r#"mostrador_token_refreshes_total{outcome="refreshed"}"#,
        1.0,
    );
    at_least(
        &s,
        r#"mostrador_reconciler_found_total{source="unanswered_questions"}"#,
        1.0,
    );

    // Bounded labels, no organization data: no raw id, name or address anywhere.
    let endpoint = regex::Regex::new(r#"endpoint="([^"]*)""#).unwrap();
    for found in endpoint.captures_iter(&body) {
        let template = &found[1];
        assert!(
            template.split('/').all(|seg| seg == "{id}"
                || !seg.chars().any(|c| c.is_ascii_digit())
                || seg == "v1"),
            "an id leaked into an endpoint label: {template}"
        );
    }
    for secret in [
        question.to_string(),
        seller.to_string(),
        app.org.0.to_string(),
        "Test Org".to_owned(),
        ADMIN_EMAIL.to_owned(),
    ] {
        assert!(!body.contains(&secret), "{secret} is in the metrics");
    }
}

#[tokio::test]
async fn a_metrics_token_guards_the_figures() {
    let app = TestApp::spawn_unconnected().await;
    let mut state = app.state.clone();
    let mut config = (*state.config).clone();
    config.metrics_token = Some("scrape-me".into());
    state.config = std::sync::Arc::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/metrics", listener.local_addr().unwrap());
    tokio::spawn(app::serve(listener, state, std::future::pending()));
    let get = |token: Option<&'static str>| {
        let mut req = app.http.get(&url);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(None).await, 401);
    assert_eq!(get(Some("scrape-mf")).await, 401);
    assert_eq!(get(Some("scrape-me")).await, 200);
    // Without the setting the figures are open (the instance the harness started).
    assert!(!scrape(&app).await.is_empty());
}
