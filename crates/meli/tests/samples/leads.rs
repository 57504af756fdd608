//! The classifieds leads samples (`leads/`): every file is listed here, and
//! the searches, the lead and every error body are read with key fields
//! checked.

use chrono::NaiveDate;
use meli::{
    ApiErrorBody, ForbiddenReason, Lead, LeadContactType, LeadStatus, LeadsSearch, MeliError,
    parse_payload,
};

use super::Expect::{self, Kind};
use super::{read, typed};

pub const FILES: &[(&str, Expect)] = &[
    ("leads/buyers-example.json", Kind("leads-search")),
    ("leads/buyers-question.json", Kind("leads-search")),
    ("leads/buyers-template.json", Kind("leads-search")),
    ("leads/buyers-whatsapp.json", Kind("leads-search")),
    ("leads/lead-by-id.json", Kind("lead")),
    ("leads/error-decoding-params.json", Kind("error")),
    ("leads/error-forbidden-invalid-token.json", Kind("error")),
    ("leads/error-forbidden-token-caller.json", Kind("error")),
    ("leads/error-invalid-caller-id.json", Kind("error")),
    ("leads/error-invalid-client-id.json", Kind("error")),
    ("leads/error-invalid-date-range.json", Kind("error")),
    ("leads/error-invalid-end-date.json", Kind("error")),
    ("leads/error-invalid-lead-type.json", Kind("error")),
    ("leads/error-invalid-start-date.json", Kind("error")),
    ("leads/error-invalid-user-id.json", Kind("error")),
    ("leads/error-lead-not-found.json", Kind("error")),
    ("leads/error-missing-lead-id.json", Kind("error")),
    ("leads/error-policy-agent-403.json", Kind("error")),
    ("leads/error-quota-exceeded.json", Kind("error")),
];

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn search_with_guests_and_summary() {
    let s: LeadsSearch = typed("leads/buyers-example.json");
    assert_eq!((s.paging.total, s.paging.limit), (2, 10));
    assert_eq!(
        (s.date_from, s.date_to),
        (day(2026, 1, 15), day(2026, 1, 22))
    );
    let items: Vec<&str> = s.results.iter().map(|b| b.item_id.as_str()).collect();
    assert_eq!(
        items,
        ["MLC3404674016", "MLC3404028058"],
        "one buyer on two listings is two entries"
    );
    let b = &s.results[0];
    assert_eq!(b.id, 2_522_572_034);
    assert_eq!(b.name.as_deref(), Some("Test Test"));
    assert_eq!(
        b.email.as_deref(),
        Some("test_user_2030409702@testuser.com")
    );
    assert_eq!(b.phone.as_deref(), Some("+56 01 1111-1111"));
    assert_eq!(
        (
            b.identification_type.as_deref(),
            b.identification_number.as_deref()
        ),
        (Some("RUT"), Some("67602099-3"))
    );
    let whatsapp = &b.leads[0];
    assert_eq!(whatsapp.id, "b711e264-ec67-480e-90b2-444d8f47d5ed");
    assert_eq!(whatsapp.uuid.as_deref(), Some(whatsapp.id.as_str()));
    assert_eq!(whatsapp.contact_type, LeadContactType::Whatsapp);
    assert_eq!(whatsapp.channel, Some(LeadContactType::Whatsapp));
    assert_eq!(whatsapp.external_id, None, "\"\" reads as none");
    assert_eq!(whatsapp.status, Some(LeadStatus::Active));
    assert_eq!(
        whatsapp.created_at.to_rfc3339(),
        "2026-01-22T21:01:47+00:00"
    );
    let question = &s.results[1].leads[0];
    assert_eq!(question.question_id(), Some(13_510_887_742));
    assert_eq!(
        question.created_at.to_rfc3339(),
        "2026-01-22T20:44:05.300+00:00"
    );

    let guest = &s.guest[0];
    assert_eq!(guest.item_id, "MLC3404674016");
    let g = &guest.leads[0];
    assert_eq!(g.id, "56c71b07-f347-41e2-8f63-4f81dda74491");
    assert_eq!(
        (&g.contact_type, g.buyer_id, g.item_id.as_deref()),
        (&LeadContactType::Whatsapp, None, None)
    );
    let totals: Vec<(&str, u64, u64, u64)> = s
        .summary
        .iter()
        .map(|x| (x.item_id.as_str(), x.total, x.user, x.guest))
        .collect();
    assert_eq!(
        totals,
        [("MLC3404674016", 2, 1, 1), ("MLC3404028058", 1, 1, 0)]
    );
}

#[test]
fn search_of_questions() {
    let s: LeadsSearch = typed("leads/buyers-template.json");
    assert_eq!((s.results.len(), s.paging.total), (3, 3));
    assert!(s.guest.is_empty() && s.summary.is_empty());
    let ids: Vec<i64> = s.results.iter().map(|b| b.id).collect();
    assert_eq!(ids, [1_914_813_422, 1_554_225_116, 1_914_813_422]);
    let questions: Vec<Option<i64>> = s
        .results
        .iter()
        .flat_map(|b| &b.leads)
        .map(Lead::question_id)
        .collect();
    assert_eq!(
        questions,
        [
            Some(13_358_605_478),
            Some(13_345_640_067),
            Some(13_341_528_179)
        ]
    );

    // The page's "whatsapp" example repeats the question one verbatim.
    assert_eq!(
        read("leads/buyers-whatsapp.json").replace(char::is_whitespace, ""),
        read("leads/buyers-question.json").replace(char::is_whitespace, "")
    );
    for rel in ["leads/buyers-question.json", "leads/buyers-whatsapp.json"] {
        let s: LeadsSearch = typed(rel);
        let b = &s.results[0];
        assert_eq!(
            (b.id, b.identification_number.as_deref()),
            (2_678_328, None)
        );
        let l = &b.leads[0];
        assert_eq!(l.uuid, None, "{rel}: this shape has no uuid nor channel");
        assert_eq!(
            (l.buyer_id, l.sub_status.as_deref(), l.question_id()),
            (Some(2_678_328), Some("answered"), Some(12_776_297_658)),
            "{rel}"
        );
    }
}

#[test]
fn lead_by_id_carries_the_contact_data() {
    let l: Lead = typed("leads/lead-by-id.json");
    assert_eq!(l.id, "44115522", "not a UUID here, and kept as text");
    assert_eq!(l.item_id.as_deref(), Some("MLB4037459422"));
    assert_eq!(l.contact_type, LeadContactType::Whatsapp);
    assert_eq!(l.external_id.as_deref(), Some("13864821"));
    assert_eq!(l.question_id(), None, "only question leads name a question");
    assert_eq!(l.buyer_id, Some(1_091_441_589));
    assert_eq!(
        (l.name.as_deref(), l.email.as_deref(), l.phone.as_deref()),
        (
            Some("Test Test"),
            Some("john@example.com"),
            Some("+55 01 1111-1111")
        )
    );
    let v = parse_payload("lead", &read("leads/lead-by-id.json")).unwrap();
    assert_eq!(v["created_at"], "2024-02-14T00:00:00Z");
    assert_eq!(v["buyer_id"], 1_091_441_589);
}

/// Each error body: its machine code, its text, and how the client classifies it under the
/// status the documentation gives it (or the one its code names).
#[test]
fn every_error_body() {
    let cases: &[(&str, u16, &str, &str)] = &[
        (
            "error-decoding-params",
            400,
            "bad_request",
            "error decoding search params",
        ),
        (
            "error-forbidden-invalid-token",
            403,
            "forbidden",
            "invalid token",
        ),
        (
            "error-forbidden-token-caller",
            403,
            "forbidden",
            "invalid token caller",
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
            "error-invalid-date-range",
            400,
            "bad_request",
            "invalid date range",
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
            "error-invalid-start-date",
            400,
            "bad_request",
            "invalid start date",
        ),
        (
            "error-invalid-user-id",
            400,
            "bad_request",
            "invalid format USER_ID",
        ),
        ("error-lead-not-found", 404, "not_found", "lead not found"),
        (
            "error-missing-lead-id",
            400,
            "bad_request",
            "missing lead_id",
        ),
        (
            "error-policy-agent-403",
            403,
            "PA_UNAUTHORIZED_RESULT_FROM_POLICIES",
            "At least one policy returned UNAUTHORIZED.",
        ),
        (
            "error-quota-exceeded",
            409,
            "too_many_requests",
            "quota exceeded",
        ),
    ];
    let listed = FILES
        .iter()
        .filter(|(f, _)| f.starts_with("leads/error-"))
        .count();
    assert_eq!(cases.len(), listed, "a case for every error sample");
    for (name, status, code, message) in cases {
        let rel = format!("leads/{name}.json");
        let body = ApiErrorBody::from_bytes(read(&rel).as_bytes());
        assert_eq!(
            (body.code(), body.message()),
            (Some(*code), Some(*message)),
            "{rel}"
        );
        let err = MeliError::Api {
            status: *status,
            body: Box::new(body),
        };
        assert_eq!(
            err.is_quota_exceeded(),
            *code == "too_many_requests",
            "{rel}"
        );
        assert_eq!(err.is_retryable(), *code == "too_many_requests", "{rel}");
        if *status == 403 {
            assert_eq!(
                err.forbidden().map(|f| f.reason),
                Some(ForbiddenReason::AccessDenied),
                "{rel}"
            );
        }
        assert!(err.to_string().contains(message), "{rel}: {err}");
    }
    let range: ApiErrorBody = typed("leads/error-invalid-date-range.json");
    assert_eq!(range.status(), Some(400));
    assert_eq!(
        range.cause,
        Some(serde_json::json!(["start date is greater than end date"]))
    );
    let pa: ApiErrorBody = typed("leads/error-policy-agent-403.json");
    assert_eq!(
        (pa.blocked_by.as_deref(), pa.status()),
        (Some("PolicyAgent"), Some(403))
    );
}
