//! Claim calls: search filters, the claim and its parts, messages
//! deduplicated, and writing to the buyer or the mediator.

use axum::http::Method;
use meli::{
    ClaimActionKind, ClaimRole, ClaimStatus, ClaimsQuery, MeliError, NewClaimMessage,
    ReputationImpact,
};

use super::{TOKEN, client_for, reply, sample, serve};

const CLAIM: i64 = 5_256_749_420;

#[tokio::test]
async fn search_claims_as_respondent() {
    let body: String = sample("claims/search.json-broken")
        .lines()
        .filter(|l| l.trim() != "…")
        .collect::<Vec<_>>()
        .join("\n");
    let server = serve(move |_| reply(200, &body)).await;
    let q = ClaimsQuery {
        status: Some(ClaimStatus::Opened),
        offset: Some(0),
        limit: Some(30),
        ..ClaimsQuery::as_respondent(1_295_357_671)
    };
    let client = client_for(&server.base);
    let res = client.search_claims(TOKEN, &q).await.unwrap();
    assert_eq!((res.paging.total, res.data.len()), (316, 2));
    assert!(res.data[0].seller_can(&ClaimActionKind::SendMessageToMediator));
    let s = server.only_request();
    assert_eq!(s.path, "/post-purchase/v1/claims/search");
    assert_eq!(
        s.query.as_deref(),
        Some("players.role=respondent&players.user_id=1295357671&status=opened&offset=0&limit=30")
    );

    let only_status = ClaimsQuery {
        status: Some(ClaimStatus::Opened),
        ..ClaimsQuery::default()
    };
    let unpaired = ClaimsQuery {
        player_role: Some(ClaimRole::Respondent),
        ..ClaimsQuery::default()
    };
    let half_resource = ClaimsQuery {
        resource: Some("order".into()),
        ..ClaimsQuery::as_respondent(1)
    };
    let big_page = ClaimsQuery {
        limit: Some(101),
        ..ClaimsQuery::as_respondent(1)
    };
    let deep = ClaimsQuery {
        offset: Some(10_000),
        ..ClaimsQuery::as_respondent(1)
    };
    for bad in [only_status, unpaired, half_resource, big_page, deep] {
        let err = client.search_claims(TOKEN, &bad).await.unwrap_err();
        assert!(
            matches!(err, MeliError::InvalidInput(_)),
            "{bad:?}: {err:?}"
        );
    }
    let by_order = ClaimsQuery {
        order_id: Some(2_000_007_819_609_432),
        ..ClaimsQuery::default()
    };
    client.search_claims(TOKEN, &by_order).await.unwrap();
    assert_eq!(
        server.requests()[1].query.as_deref(),
        Some("order_id=2000007819609432")
    );
}

#[tokio::test]
async fn claim_and_its_parts() {
    let server = serve(|s| match s.path.rsplit('/').next().unwrap_or_default() {
        "detail" => reply(200, &sample("claims/detail.json")),
        "affects-reputation" => reply(200, &sample("claims/affects-reputation.json")),
        _ => reply(200, &sample("claims/by-id.json")),
    })
    .await;
    let client = client_for(&server.base);
    let c = client.claim(TOKEN, CLAIM).await.unwrap();
    assert_eq!((c.id, c.order_id()), (CLAIM, Some(2_000_007_819_609_432)));
    let d = client.claim_detail(TOKEN, CLAIM).await.unwrap();
    assert_eq!(d.action_responsible.as_deref(), Some("mediator"));
    let r = client.claim_affects_reputation(TOKEN, CLAIM).await.unwrap();
    assert_eq!(r.affects_reputation, Some(ReputationImpact::NotApplies));
    let paths: Vec<String> = server.requests().into_iter().map(|s| s.path).collect();
    assert_eq!(
        paths,
        [
            "/post-purchase/v1/claims/5256749420",
            "/post-purchase/v1/claims/5256749420/detail",
            "/post-purchase/v1/claims/5256749420/affects-reputation",
        ]
    );
}

#[tokio::test]
async fn claim_messages_are_deduplicated_by_hash() {
    let one = sample("claims/messages-with-hash.json-broken");
    let element = one
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim()
        .trim_end_matches(',');
    let other = sample("claims/messages.json");
    let others = other.trim().trim_start_matches('[').trim_end_matches(']');
    let body = format!("[{element},{others},{element}]");
    let server = serve(move |_| reply(200, &body)).await;
    let msgs = client_for(&server.base)
        .claim_messages(TOKEN, CLAIM)
        .await
        .unwrap();
    assert_eq!(
        server.only_request().path,
        "/post-purchase/v1/claims/5256749420/messages"
    );
    assert_eq!(
        msgs.0.len(),
        3,
        "the repeated hash is kept once, hashless ones all kept"
    );
    assert_eq!(
        msgs.0[0].hash.as_deref(),
        Some("5313707006_0_c793a662-fa12-3cfb-a069-9770f016baac")
    );
}

#[tokio::test]
async fn send_claim_message_writes_the_documented_body() {
    let server = serve(|s| {
        if s.path.contains("/5204934310/") {
            reply(201, "")
        } else {
            reply(
                400,
                &sample("claims/error-400-send-message-to-complainant.json"),
            )
        }
    })
    .await;
    let client = client_for(&server.base);
    let msg = NewClaimMessage {
        receiver_role: ClaimRole::Complainant,
        message: "Este es un mensaje de test del respondent al complainant".into(),
        attachments: vec!["1330467461_7ed98ebb-03f7-4818-943b-8b4d12a3aaa7.jpg".into()],
    };
    let out = client
        .send_claim_message(TOKEN, 5_204_934_310, &msg)
        .await
        .unwrap();
    assert_eq!(out, serde_json::Value::Null, "201 without a body");
    let s = server.only_request();
    assert_eq!(
        (s.method.clone(), s.path.as_str(), s.query.as_deref()),
        (
            Method::POST,
            "/post-purchase/v1/claims/5204934310/actions/send-message",
            None
        )
    );
    let documented: serde_json::Value =
        serde_json::from_str(&sample("claims/send-message-request.json")).unwrap();
    assert_eq!(s.json(), documented);

    let err = client.send_claim_message(TOKEN, 1, &msg).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), Some("bad_request_error"));
    assert_eq!(
        err.message(),
        Some("Action send_message_to_complainant not available for player")
    );

    let blank = NewClaimMessage {
        message: " ".into(),
        ..msg
    };
    let err = client
        .send_claim_message(TOKEN, 1, &blank)
        .await
        .unwrap_err();
    assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    assert_eq!(server.requests().len(), 2);
}
