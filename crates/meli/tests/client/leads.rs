//! Classifieds leads calls: the search's path and query, one lead, and every
//! documented error body as the client reports it.

use chrono::NaiveDate;
use meli::{ForbiddenReason, LeadContactType, LeadsQuery, MeliError};

use super::{TOKEN, client_for, reply, sample, serve};

const SELLER: i64 = 3_052_668_868;

#[tokio::test]
async fn search_leads_sends_every_filter() {
    let server = serve(|_| reply(200, &sample("leads/buyers-example.json"))).await;
    let client = client_for(&server.base);
    let q = LeadsQuery {
        offset: Some(0),
        limit: Some(10),
        date_from: NaiveDate::from_ymd_opt(2026, 1, 15),
        date_to: NaiveDate::from_ymd_opt(2026, 1, 22),
        contact_types: vec![LeadContactType::Question, LeadContactType::Whatsapp],
        item_id: Some("MLC3404674016".into()),
        buyer_ids: vec![2_522_572_034, 9_007_199_254_740_993],
        include_guest: true,
    };
    let res = client.search_leads(TOKEN, SELLER, &q).await.unwrap();
    assert_eq!((res.paging.total, res.results.len()), (2, 2));
    assert_eq!(
        res.results[0].leads[0].contact_type,
        LeadContactType::Whatsapp
    );
    assert_eq!(res.summary[0].guest, 1);
    let s = server.only_request();
    assert_eq!(s.path, "/vis/users/3052668868/leads/buyers");
    assert_eq!(
        s.query.as_deref(),
        Some(
            "offset=0&limit=10&date_from=2026-01-15&date_to=2026-01-22&contact_types=question%2Cwhatsapp&item_id=MLC3404674016&buyer_ids=2522572034%2C9007199254740993&include_guest=true"
        )
    );
    assert_eq!(
        s.param("contact_types").as_deref(),
        Some("question,whatsapp")
    );

    client
        .search_leads(TOKEN, SELLER, &LeadsQuery::default())
        .await
        .unwrap();
    assert_eq!(server.requests()[1].query, None, "Mercado Libre's defaults");
}

#[tokio::test]
async fn search_leads_refuses_what_mercado_libre_would() {
    let server = serve(|_| reply(200, "{}")).await;
    let client = client_for(&server.base);
    let backwards = LeadsQuery {
        date_from: NaiveDate::from_ymd_opt(2026, 1, 22),
        date_to: NaiveDate::from_ymd_opt(2026, 1, 15),
        ..LeadsQuery::default()
    };
    let bad_item = LeadsQuery {
        item_id: Some("MLA1/../x".into()),
        ..LeadsQuery::default()
    };
    let bad_buyer = LeadsQuery {
        buyer_ids: vec![0],
        ..LeadsQuery::default()
    };
    let bad_type = LeadsQuery {
        contact_types: vec![LeadContactType::Other("call,question".into())],
        ..LeadsQuery::default()
    };
    for q in [backwards, bad_item, bad_buyer, bad_type] {
        let err = client.search_leads(TOKEN, SELLER, &q).await.unwrap_err();
        assert!(matches!(err, MeliError::InvalidInput(_)), "{q:?}: {err:?}");
    }
    let err = client
        .search_leads(TOKEN, -1, &LeadsQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn one_lead_by_id() {
    let server = serve(|_| reply(200, &sample("leads/lead-by-id.json"))).await;
    let client = client_for(&server.base);
    let lead = client
        .lead(TOKEN, "14b52fd8-85dc-11eb-8436-2753cb1f9665")
        .await
        .unwrap();
    assert_eq!(lead.id, "44115522");
    assert_eq!(lead.buyer_id, Some(1_091_441_589));
    assert_eq!(lead.phone.as_deref(), Some("+55 01 1111-1111"));
    let s = server.only_request();
    assert_eq!(s.path, "/vis/leads/14b52fd8-85dc-11eb-8436-2753cb1f9665");
    assert_eq!(s.query, None);
    assert_eq!(
        s.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );

    for bad in ["", "../users/me", "a/b", "a b"] {
        let err = client.lead(TOKEN, bad).await.unwrap_err();
        assert!(
            matches!(err, MeliError::InvalidInput(_)),
            "{bad:?}: {err:?}"
        );
    }
}

/// Every documented error body, served with its status, as the client reports it.
#[tokio::test]
async fn lead_error_bodies_read_as_documented() {
    let cases: &[(&str, u16, &str, &str)] = &[
        ("error-lead-not-found", 404, "not_found", "lead not found"),
        (
            "error-missing-lead-id",
            400,
            "bad_request",
            "missing lead_id",
        ),
        (
            "error-forbidden-token-caller",
            403,
            "forbidden",
            "invalid token caller",
        ),
        (
            "error-forbidden-invalid-token",
            403,
            "forbidden",
            "invalid token",
        ),
        (
            "error-policy-agent-403",
            403,
            "PA_UNAUTHORIZED_RESULT_FROM_POLICIES",
            "At least one policy returned UNAUTHORIZED.",
        ),
        (
            "error-invalid-date-range",
            400,
            "bad_request",
            "invalid date range",
        ),
        (
            "error-invalid-start-date",
            400,
            "bad_request",
            "invalid start date",
        ),
        (
            "error-invalid-end-date",
            400,
            "bad_request",
            "invalid end date",
        ),
        (
            "error-invalid-lead-type",
            400,
            "bad_request",
            "invalid lead type",
        ),
        (
            "error-decoding-params",
            400,
            "bad_request",
            "error decoding search params",
        ),
        (
            "error-invalid-user-id",
            400,
            "bad_request",
            "invalid format USER_ID",
        ),
        (
            "error-invalid-caller-id",
            400,
            "bad_request",
            "invalid callerID",
        ),
        (
            "error-invalid-client-id",
            400,
            "bad_request",
            "invalid clientID",
        ),
        (
            "error-quota-exceeded",
            409,
            "too_many_requests",
            "quota exceeded",
        ),
    ];
    for (name, status, code, message) in cases {
        let body = sample(&format!("leads/{name}.json"));
        let status = *status;
        let server = serve(move |_| reply(status, &body)).await;
        let client = client_for(&server.base);
        let err = if name.contains("date") || name.contains("type") || name.contains("params") {
            client
                .search_leads(TOKEN, SELLER, &LeadsQuery::default())
                .await
                .unwrap_err()
        } else {
            client.lead(TOKEN, "b711e264").await.unwrap_err()
        };
        assert_eq!(err.status(), Some(status), "{name}");
        assert_eq!(
            (err.code(), err.message()),
            (Some(*code), Some(*message)),
            "{name}"
        );
        assert_eq!(err.is_retryable(), *code == "too_many_requests", "{name}");
        assert_eq!(
            err.is_quota_exceeded(),
            *code == "too_many_requests",
            "{name}"
        );
        if status == 403 {
            assert_eq!(
                err.forbidden().map(|f| f.reason),
                Some(ForbiddenReason::AccessDenied),
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn a_lead_that_is_not_a_lead_names_the_field() {
    let server = serve(|_| {
        reply(
            200,
            r#"{"id": "x", "contact_type": "call", "created_at": 5}"#,
        )
    })
    .await;
    let err = client_for(&server.base).lead(TOKEN, "x").await.unwrap_err();
    let MeliError::Decode { what, detail } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*what, "lead");
    assert!(detail.starts_with("field `created_at`"), "{detail}");
}
