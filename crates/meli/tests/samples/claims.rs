//! Claim samples: claims, search results, summaries, messages, error bodies.

use meli::{
    ApiErrorBody, Claim, ClaimActionKind, ClaimAttachment, ClaimDetail, ClaimMessage,
    ClaimMessages, ClaimReputation, ClaimRole, ClaimStage, ClaimStatus, ClaimType, ClaimsSearch,
    ForbiddenReason, MeliError, MessageStatus, NewClaimMessage, ReputationImpact, parse_payload,
};

use super::{dec, read, typed, without_trailing_commas};

#[test]
fn claims() {
    let c: Claim = typed("claims/by-id.json");
    assert_eq!(c.id, 5_256_749_420);
    assert_eq!(
        (c.resource.as_deref(), c.order_id()),
        (Some("order"), Some(2_000_007_819_609_432))
    );
    assert_eq!(
        (c.status.as_ref(), c.kind.as_ref(), c.stage.as_ref()),
        (
            Some(&ClaimStatus::Closed),
            Some(&ClaimType::Mediations),
            Some(&ClaimStage::Claim)
        )
    );
    assert_eq!(c.reason_id.as_deref(), Some("PDD9549"));
    assert_eq!((c.fulfilled, c.claimed_quantity), (Some(true), Some(1)));
    assert_eq!(c.claim_version, Some(dec("2.0")));
    assert_eq!(c.respondent().and_then(|p| p.user_id), Some(1_330_467_461));
    assert_eq!(
        c.player(&ClaimRole::Complainant)
            .and_then(|p| p.kind.as_deref()),
        Some("buyer")
    );
    let r = c.resolution.as_ref().unwrap();
    assert_eq!(
        (r.reason.as_deref(), r.closed_by.as_deref()),
        (Some("payment_refunded"), Some("respondent"))
    );
    assert_eq!(
        (r.benefited.as_slice(), r.applied_coverage),
        (&["complainant".to_owned()][..], Some(false))
    );
    assert!(!c.seller_can(&ClaimActionKind::SendMessageToComplainant));

    let change: Claim = typed("claims/by-id-related-entities-change.json");
    assert_eq!(change.related_entities, ["return", "change"]);
    assert!(change.players.is_empty() && change.stage.is_none());

    let dispute: Claim = typed("claims/open-dispute.json");
    assert_eq!(dispute.stage, Some(ClaimStage::Dispute));
    assert!(dispute.seller_can(&ClaimActionKind::SendMessageToMediator));
    let mediator = dispute.player(&ClaimRole::Mediator).unwrap();
    assert_eq!(
        (mediator.kind.as_deref(), mediator.available_actions.len()),
        (Some("internal"), 0),
        "no available_actions"
    );
}

#[test]
fn claim_searches() {
    // A line holding only `…` stands for more results.
    let text: String = read("claims/search.json-broken")
        .lines()
        .filter(|l| l.trim() != "…")
        .collect::<Vec<_>>()
        .join("\n");
    let s: ClaimsSearch = serde_json::from_str(&text).unwrap();
    assert_eq!((s.paging.total, s.paging.limit), (316, 30));
    assert_eq!(s.data.len(), 2);
    assert_eq!(
        s.data[1].kind,
        Some(ClaimType::Returns),
        "`returns` spelling"
    );
    let action = &s.data[0].respondent().unwrap().available_actions[0];
    assert_eq!(
        (&action.action, action.mandatory, action.due_date),
        (&ClaimActionKind::SendMessageToMediator, false, None)
    );

    // A bare array of claims reads as one page.
    let list: ClaimsSearch = typed("claims/claims-list-partial-refund-section.json");
    assert_eq!((list.paging.total, list.data.len()), (1, 1));
    let c = &list.data[0];
    assert!(c.seller_can(&ClaimActionKind::AllowPartialRefund));
    let seller = c.respondent().unwrap();
    assert_eq!(
        seller.next_due().unwrap().to_rfc3339(),
        "2023-01-27T22:43:59-04:00",
        "the mandatory one"
    );
}

#[test]
fn claim_detail_and_reputation() {
    let d: ClaimDetail = typed("claims/detail.json");
    assert_eq!(
        d.title.as_deref(),
        Some("Devolución en mediación con Mercado Libre")
    );
    assert_eq!(d.action_responsible.as_deref(), Some("mediator"));
    assert_eq!(
        d.due_date.unwrap().to_rfc3339(),
        "2023-07-19T22:33:00-04:00"
    );
    assert!(d.problem.is_some() && d.description.is_some());

    let r: ClaimReputation = typed("claims/affects-reputation.json");
    assert_eq!(
        (r.affects_reputation, r.has_incentive, r.due_date),
        (Some(ReputationImpact::NotApplies), Some(false), None)
    );

    // The claim attachment info endpoint answers with a message attachment's shape.
    let a: ClaimAttachment = typed("claims/attachment-info.json");
    assert_eq!(
        (a.size, a.content_type.as_deref()),
        (Some(128_759), Some("image/jpeg"))
    );
    assert!(a.date_created.is_some(), "no offset: read as UTC");
}

#[test]
fn claim_messages() {
    let all: ClaimMessages = typed("claims/messages.json");
    assert_eq!(all.0.len(), 2, "no hash: nothing to deduplicate");
    let first = &all.0[0];
    assert_eq!(
        (&first.sender_role, &first.receiver_role),
        (&ClaimRole::Respondent, &ClaimRole::Mediator)
    );
    assert_eq!(
        (first.stage.as_ref(), first.status.as_ref()),
        (Some(&ClaimStage::Dispute), Some(&MessageStatus::Available))
    );
    let a = &first.attachments[0];
    assert_eq!(
        (a.size, a.content_type.as_deref()),
        (Some(17_950), Some("image/jpeg"))
    );
    let second = &all.0[1];
    assert_eq!(
        second.date_read.unwrap().to_rfc3339(),
        "2023-07-17T16:48:53+00:00"
    );
    assert_eq!(
        second
            .message_moderation
            .as_ref()
            .and_then(|m| m.reason.clone()),
        None,
        "\"\" reason"
    );
    assert!(
        second
            .message_moderation
            .as_ref()
            .is_some_and(|m| m.moderation_date.is_some()),
        "date_moderated"
    );

    let text = without_trailing_commas(&read("claims/messages-with-hash.json-broken"));
    let one: Vec<ClaimMessage> = serde_json::from_str(&text).unwrap();
    let hash = one[0].hash.clone();
    assert_eq!(
        hash.as_deref(),
        Some("5313707006_0_c793a662-fa12-3cfb-a069-9770f016baac")
    );
    assert_eq!(one[0].repeated, Some(false));
    // The same message shown twice is kept once.
    let element = serde_json::to_string(&one[0]).unwrap();
    let twice: ClaimMessages = serde_json::from_str(&format!("[{element},{element}]")).unwrap();
    assert_eq!(twice.0.len(), 1);
    let out = parse_payload("claim-messages", &format!("[{element},{element}]")).unwrap();
    assert_eq!(out.as_array().map(Vec::len), Some(1));
}

#[test]
fn claim_request_bodies_match_the_samples() {
    for rel in [
        "claims/send-message-request.json",
        "claims/send-message-request-2.json",
    ] {
        let sample: serde_json::Value = typed(rel);
        let body: NewClaimMessage = typed(rel);
        assert_eq!(body.receiver_role, ClaimRole::Complainant, "{rel}");
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            sample,
            "{rel}: attachments sent even when empty"
        );
    }
}

#[test]
fn claim_error_bodies() {
    let api = |rel: &str, status| MeliError::Api {
        status,
        body: Box::new(ApiErrorBody::from_bytes(read(rel).as_bytes())),
    };
    let forbidden = api("claims/error-403-forbidden.json", 403);
    assert_eq!(
        forbidden.forbidden().map(|f| f.reason),
        Some(ForbiddenReason::AccessDenied)
    );
    assert_eq!(forbidden.code(), Some("forbidden_error"));
    let not_available = api("claims/error-400-send-message-to-complainant.json", 400);
    assert_eq!(not_available.code(), Some("bad_request_error"));
    assert_eq!(
        not_available.message(),
        Some("Action send_message_to_complainant not available for player")
    );
    let no_token = api("claims/returns-error-401-no-token.json", 401);
    assert_eq!(
        (no_token.code(), no_token.message()),
        (
            Some("unauthorized_request_error"),
            Some("Invalid caller.id")
        )
    );
    assert!(no_token.is_unauthorized());
    let nested = api("claims/returns-error-400-malformed-token.json", 400);
    assert_eq!(
        (nested.code(), nested.message()),
        (Some("bad_request"), Some("Malformed access_token: token")),
        "the body serialized inside `message`"
    );
    let out = parse_payload(
        "error",
        &read("claims/returns-error-400-malformed-token.json"),
    )
    .unwrap();
    assert_eq!(
        out["message"], "Malformed access_token: token",
        "the support tool reads it alike"
    );
    // Text that is not JSON (the broken search errors) is kept as the message.
    let e = api("claims/search-error-invalid-query.json-broken", 400);
    assert!(
        e.message().is_some_and(|m| m.contains("invalid_query")),
        "{e}"
    );
}
