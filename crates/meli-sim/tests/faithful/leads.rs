//! Classifieds leads against `crates/meli/tests/fixtures/leads/` and the `vis_leads`
//! notification samples.

use serde_json::{Value, json};

use super::{MLA_SELLER, MLB_SELLER};
use crate::common::*;

/// The search as the MLA seller sees it, with guests.
async fn search(sim: &meli_sim::SimHandle, token: &str, query: &str) -> (u16, Value) {
    get_json(
        sim,
        Some(token),
        &format!("/vis/users/{MLA_SELLER}/leads/buyers?{query}"),
    )
    .await
}

#[tokio::test]
async fn leads_search_matches_samples() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let (status, body) = search(&sim, &token, "include_guest=true").await;
    assert_eq!(status, 200);
    assert_shape(
        "leads/buyers-example",
        &fixture("leads/buyers-example.json"),
        &body,
        &[],
    );
    assert_shape(
        "leads/buyers-template",
        &fixture("leads/buyers-template.json"),
        &body,
        &[],
    );
    let older = [
        (
            "$.results[0].leads[0].buyer_id",
            "the page's older (2024) examples put buyer_id and sub_status in each lead; its newer \
             ones (2025, 2026) have uuid and channel instead, which the simulator follows",
        ),
        ("$.results[0].leads[0].sub_status", "same reason"),
    ];
    let (_, questions) = search(&sim, &token, "contact_types=question").await;
    assert_eq!(
        questions["results"][0]["leads"][0]["contact_type"],
        "question"
    );
    for rel in ["leads/buyers-question.json", "leads/buyers-whatsapp.json"] {
        assert_shape(rel, &fixture(rel), &questions, &older);
    }
    assert!(
        questions.get("guest").is_none() && questions.get("summary").is_none(),
        "guest[] and summary[] only with include_guest=true: {questions:#}"
    );
}

#[tokio::test]
async fn lead_by_id_matches_sample() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let (_, body) = search(&sim, &token, "contact_types=whatsapp").await;
    let id = body["results"][0]["leads"][0]["id"].as_str().unwrap();
    let (status, lead) = get_json(&sim, Some(&token), &format!("/vis/leads/{id}")).await;
    assert_eq!(status, 200);
    assert_shape(
        "leads/lead-by-id",
        &fixture("leads/lead-by-id.json"),
        &lead,
        &[],
    );
    assert_eq!(lead["buyer_id"], body["results"][0]["id"]);
    assert_eq!(lead["email"], body["results"][0]["email"]);
    assert_eq!(sim.lead_json(id).await.unwrap(), lead);
}

#[tokio::test]
async fn lead_errors_match_samples() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let buyers = format!("/vis/users/{MLA_SELLER}/leads/buyers");
    let lead = sim.leads_of(MLA_SELLER)[0].clone();
    let exact = [
        (None, buyers.clone(), 403, "error-forbidden-invalid-token"),
        (
            None,
            format!("/vis/leads/{lead}"),
            403,
            "error-forbidden-invalid-token",
        ),
        (
            Some(&token),
            format!("/vis/users/{MLB_SELLER}/leads/buyers"),
            403,
            "error-forbidden-token-caller",
        ),
        (
            Some(&token),
            "/vis/users/USER_ID/leads/buyers".to_owned(),
            400,
            "error-invalid-user-id",
        ),
        (
            Some(&token),
            "/vis/leads/".to_owned(),
            400,
            "error-missing-lead-id",
        ),
        (
            Some(&token),
            "/vis/leads/00000000-0000-4000-a000-000000000000".to_owned(),
            404,
            "error-lead-not-found",
        ),
        (
            Some(&token),
            format!("{buyers}?date_from=2021-01-021"),
            400,
            "error-invalid-start-date",
        ),
        (
            Some(&token),
            format!("{buyers}?date_to=2024-01-022"),
            400,
            "error-invalid-end-date",
        ),
        (
            Some(&token),
            format!("{buyers}?date_from=2026-01-22&date_to=2026-01-15"),
            400,
            "error-invalid-date-range",
        ),
        (
            Some(&token),
            format!("{buyers}?contact_types=invalid"),
            400,
            "error-invalid-lead-type",
        ),
    ];
    for (token, path, status, sample) in &exact {
        let got = get_json(&sim, token.map(String::as_str), path).await;
        let want = fixture(&format!("leads/{sample}.json"));
        assert_eq!(got, (*status, want), "{path}: byte for byte as {sample}");
    }

    // The sample names a parameter that exists; any the schema does not know fails alike.
    let (status, body) = get_json(&sim, Some(&token), &format!("{buyers}?contact_type=call")).await;
    assert_eq!(status, 400);
    let sample = fixture("leads/error-decoding-params.json");
    assert_shape("leads/error-decoding-params", &sample, &body, &[]);
    assert_eq!(body["message"], sample["message"]);
    assert_eq!(
        body["cause"],
        json!(["schema: invalid path 'contact_type'"])
    );

    sim.set_leads_quota(Some(0)).await;
    let (status, body) = get_json(&sim, Some(&token), &buyers).await;
    assert_eq!(
        (status, body),
        (409, fixture("leads/error-quota-exceeded.json"))
    );
}

#[tokio::test]
async fn vis_leads_notification_matches_samples() {
    let rx = receiver(0).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    let vehicle = sim.classifieds_of(MLB_SELLER)[0].clone();
    let id = sim.create_lead(&vehicle, "call", None).await.unwrap();
    let body = notification(&rx, |b| b["topic"] == "vis_leads").await;
    assert_shape(
        "notifications/subtopic-example-vis-leads",
        &fixture("notifications/subtopic-example-vis-leads.json"),
        &body,
        &[(
            "$.id",
            "the general model (meli-api.md §3) and the other vis_leads sample use _id",
        )],
    );
    let documented = repaired_fixture(
        "notifications/vis-leads.json-broken",
        &[(
            r#"["whatsapp"], |  ["call"], | ["question"], | ["visit_request"], | ["contact_request"], |  ["reservation"], |  ["quotations"]"#,
            r#"["call"],"#,
        )],
    );
    assert_shape("notifications/vis-leads", &documented, &body, &[]);
    assert_eq!(body["resource"], format!("/vis/leads/{id}"));
    assert_eq!(body["actions"], json!(["call"]));
    assert_eq!(body["user_id"], MLB_SELLER);
}
