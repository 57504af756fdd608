//! Post-sale messaging calls: reads never mark messages read, sends carry
//! the documented bodies, and a blocked conversation is told apart.

use axum::{body::Body, http::Method, http::header, response::Response};
use meli::{
    ActionGuideMessage, ActionGuideOptionId, BlockReason, ForbiddenReason, MeliError,
    NewPackMessage,
};

use super::{TOKEN, client_for, reply, sample, serve};

const PACK: i64 = 2_000_000_089_077_943;
const SELLER: i64 = 415_458_330;

#[tokio::test]
async fn pack_messages_never_mark_as_read() {
    let server = serve(|_| reply(200, &sample("messages/pack-messages-2.json"))).await;
    let p = client_for(&server.base)
        .pack_messages(TOKEN, PACK, SELLER, 1, 2)
        .await
        .unwrap();
    let s = server.only_request();
    assert_eq!(
        (s.method.clone(), s.path.as_str()),
        (
            Method::GET,
            "/messages/packs/2000000089077943/sellers/415458330"
        )
    );
    assert_eq!(
        s.query.as_deref(),
        Some("tag=post_sale&mark_as_read=false&offset=1&limit=2")
    );
    assert_eq!(p.messages.len(), 2);
    assert_eq!(p.paging.total, 31);
}

#[tokio::test]
async fn a_blocked_conversation_reads_as_blocked() {
    let body = sample("messages/pack-messages-blocked.json-broken").replace("[...]", "[]");
    let server = serve(move |_| reply(200, &body)).await;
    let p = client_for(&server.base)
        .pack_messages(TOKEN, 22_175_467, 32_086_568_493, 0, 10)
        .await
        .unwrap();
    assert_eq!(p.blocked(), Some(Some(&BlockReason::ByBuyer)));
    assert_eq!(
        server.only_request().param("mark_as_read").as_deref(),
        Some("false")
    );
}

#[tokio::test]
async fn single_message_in_both_shapes() {
    let server = serve(|s| {
        if s.path.ends_with("0033b582a1474fa98c02d229abcec43c") {
            reply(200, &sample("messages/message-by-id-legacy.json"))
        } else {
            reply(200, &sample("messages/message-by-id-new.json"))
        }
    })
    .await;
    let client = client_for(&server.base);
    let new = client
        .message(TOKEN, "fd1d2e37ad004ede9e0bf25d1215002d")
        .await
        .unwrap();
    assert_eq!(
        (new.pack_id(), new.seller_id()),
        (Some(11_122_344), Some(475_684_066))
    );
    let old = client
        .message(TOKEN, "0033b582a1474fa98c02d229abcec43c")
        .await
        .unwrap();
    assert_eq!(
        (old.text.as_str(), old.order_id()),
        ("Ejemplo de texto", Some(1_234_567_871))
    );
    let seen = server.requests();
    assert_eq!(seen[0].path, "/messages/fd1d2e37ad004ede9e0bf25d1215002d");
    assert_eq!(
        seen[0].query.as_deref(),
        Some("tag=post_sale&mark_as_read=false")
    );

    for bad in ["", "../users/me", "a/b", "..", "id with spaces"] {
        let err = client.message(TOKEN, bad).await.unwrap_err();
        assert!(
            matches!(err, MeliError::InvalidInput(_)),
            "{bad:?}: {err:?}"
        );
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn unread_counters() {
    let server = serve(|s| {
        if s.path == "/messages/unread" {
            reply(200, &sample("messages/unread-by-role.json"))
        } else {
            reply(200, &sample("messages/unread-pack.json"))
        }
    })
    .await;
    let client = client_for(&server.base);
    let all = client.unread_messages(TOKEN).await.unwrap();
    assert_eq!(all.results[0].pack_id(), Some(1_977_056_109));
    let one = client
        .unread_pack_messages(TOKEN, 1234, 2345)
        .await
        .unwrap();
    assert_eq!(one.results[0].count, 1);
    let seen = server.requests();
    assert_eq!(seen[0].query.as_deref(), Some("role=seller&tag=post_sale"));
    assert_eq!(seen[1].path, "/messages/unread/packs/1234/sellers/2345");
    assert_eq!(seen[1].query.as_deref(), Some("tag=post_sale"));
}

#[tokio::test]
async fn send_pack_message_writes_the_documented_body() {
    let server = serve(|_| reply(200, &sample("messages/message-by-id-new.json"))).await;
    let client = client_for(&server.base);
    let msg = NewPackMessage {
        to_user_id: 3_037_675_074,
        text: "¡Hola! Tu paquete fue despachado.".into(),
        attachments: vec!["415460047_a96d8dea-38cd-4402-938e-80a1c134fc5d.pdf".into()],
    };
    let posted = client
        .send_pack_message(TOKEN, PACK, SELLER, &msg)
        .await
        .unwrap();
    assert_eq!(
        posted.message.map(|m| m.id).as_deref(),
        Some("fd1d2e37ad004ede9e0bf25d1215002d")
    );
    let s = server.only_request();
    assert_eq!(
        (s.method.clone(), s.path.as_str()),
        (
            Method::POST,
            "/messages/packs/2000000089077943/sellers/415458330"
        )
    );
    assert_eq!(s.query.as_deref(), Some("tag=post_sale"));
    assert_eq!(s.header("content-type"), Some("application/json"));
    let documented: serde_json::Value =
        serde_json::from_str(&sample("messages/send-request.json")).unwrap();
    assert_eq!(s.json(), documented);

    let bare = NewPackMessage {
        attachments: Vec::new(),
        ..msg.clone()
    };
    client
        .send_pack_message(TOKEN, PACK, SELLER, &bare)
        .await
        .unwrap();
    assert!(
        server.requests()[1].json().get("attachments").is_none(),
        "omitted when none"
    );

    for text in [String::new(), "  ".into(), "a".repeat(351)] {
        let long = NewPackMessage {
            text,
            ..bare.clone()
        };
        let err = client
            .send_pack_message(TOKEN, PACK, SELLER, &long)
            .await
            .unwrap_err();
        assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    }
    let at_limit = NewPackMessage {
        text: "ñ".repeat(350),
        ..bare
    };
    client
        .send_pack_message(TOKEN, PACK, SELLER, &at_limit)
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 3, "refused ones never sent");
}

#[tokio::test]
async fn sending_into_a_blocked_conversation_says_why() {
    let server = serve(|_| reply(403, &sample("messages/send-error-403-blocked.json"))).await;
    let msg = NewPackMessage {
        to_user_id: 1,
        text: "hola".into(),
        attachments: Vec::new(),
    };
    let err = client_for(&server.base)
        .send_pack_message(TOKEN, PACK, SELLER, &msg)
        .await
        .unwrap_err();
    let f = err.forbidden().expect("a 403");
    assert_eq!(f.reason, ForbiddenReason::ConversationBlocked);
    assert_eq!(f.code, Some("forbidden"));
    assert_eq!(
        f.message,
        Some("blocked_conversation_send_message_forbidden")
    );
    assert!(!err.is_retryable());
    assert_eq!(err.status(), Some(403));

    let server = serve(|_| {
        reply(403, r#"{"status_code":403,"code":"forbidden","message":"blocked_by_conversation_initiated_by_seller"}"#)
    })
    .await;
    let err = client_for(&server.base)
        .send_pack_message(TOKEN, PACK, SELLER, &msg)
        .await
        .unwrap_err();
    assert_eq!(
        err.forbidden().map(|f| f.reason),
        Some(ForbiddenReason::SellerCannotStart)
    );
}

#[tokio::test]
async fn attachments_upload_and_download() {
    let server = serve(|s| {
        if s.method == Method::POST {
            reply(200, &sample("messages/attachment-upload.json"))
        } else {
            Response::builder()
                .status(200)
                .header(header::CONTENT_TYPE, "image/jpeg")
                .body(Body::from("JPEGDATA"))
                .unwrap()
        }
    })
    .await;
    let client = client_for(&server.base);
    let up = client
        .upload_message_attachment(TOKEN, "MLB", "foto.jpg", "image/jpeg", b"JPEGDATA")
        .await
        .unwrap();
    assert_eq!(up.id, "210438685_59f0f034-db1b-4ea6-8c5e-1d34e2092482.jpg");
    let s = &server.requests()[0];
    assert_eq!(
        (s.path.as_str(), s.query.as_deref()),
        ("/messages/attachments", Some("tag=post_sale&site_id=MLB"))
    );
    let ct = s.header("content-type").unwrap();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=").expect(ct);
    assert_eq!(
        s.body,
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"foto.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEGDATA\r\n--{boundary}--\r\n"
        )
    );

    let file = client
        .message_attachment(TOKEN, "MLB", &up.id)
        .await
        .unwrap();
    assert_eq!(
        (file.content_type.as_deref(), file.bytes.as_slice()),
        (Some("image/jpeg"), &b"JPEGDATA"[..])
    );
    let s = &server.requests()[1];
    assert_eq!(
        s.path,
        "/messages/attachments/210438685_59f0f034-db1b-4ea6-8c5e-1d34e2092482.jpg"
    );
    assert_eq!(s.query.as_deref(), Some("tag=post_sale&site_id=MLB"));

    let too_big = vec![0_u8; meli::client::MAX_ATTACHMENT_BYTES + 1];
    for (site, name, bytes) in [
        ("MLB", "a.jpg", &too_big[..]),
        ("MLB", "a.jpg", &[][..]),
        ("br", "a.jpg", b"x"),
        ("MLB", " ", b"x"),
    ] {
        let err = client
            .upload_message_attachment(TOKEN, site, name, "image/jpeg", bytes)
            .await
            .unwrap_err();
        assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn action_guide_calls() {
    let server = serve(|s| match s.path.as_str() {
        p if p.ends_with("/caps_available") => {
            reply(200, &sample("messages/action-guide-caps.json"))
        }
        p if p.ends_with("/option") => reply(
            200,
            &sample("messages/action-guide-option-response-moderated.json"),
        ),
        _ => {
            let text = sample("messages/action-guide.json-broken");
            reply(200, text.trim_end().strip_suffix('}').unwrap())
        }
    })
    .await;
    let client = client_for(&server.base);
    let guide = client.action_guide(TOKEN, PACK).await.unwrap();
    assert!(
        guide
            .option(&ActionGuideOptionId::FreeText)
            .is_some_and(|o| o.can_send())
    );
    let caps = client.action_guide_caps(TOKEN, PACK).await.unwrap();
    assert_eq!(caps.len(), 5);
    let msg = ActionGuideMessage::text(
        ActionGuideOptionId::FreeText,
        "Cómo estás María, estaría necesitando de...",
    );
    let posted = client
        .send_action_guide_option(TOKEN, PACK, &msg)
        .await
        .unwrap();
    assert!(
        posted.message.unwrap().is_moderated(),
        "the agent sees the verdict"
    );

    let seen = server.requests();
    assert_eq!(
        seen[0].path,
        "/messages/action_guide/packs/2000000089077943"
    );
    assert_eq!(
        seen[1].path,
        "/messages/action_guide/packs/2000000089077943/caps_available"
    );
    assert_eq!(
        (seen[2].method.clone(), seen[2].path.as_str()),
        (
            Method::POST,
            "/messages/action_guide/packs/2000000089077943/option"
        )
    );
    for s in &seen {
        assert_eq!(s.query.as_deref(), Some("tag=post_sale"));
    }
    let documented: serde_json::Value =
        serde_json::from_str(&sample("messages/action-guide-option-request-other.json")).unwrap();
    assert_eq!(seen[2].json(), documented);

    let neither = ActionGuideMessage {
        text: None,
        ..msg.clone()
    };
    let both = ActionGuideMessage {
        template_id: Some("TEMPLATE___X___1".into()),
        ..msg.clone()
    };
    let long = ActionGuideMessage::text(ActionGuideOptionId::FreeText, "x".repeat(351));
    for bad in [neither, both, long] {
        let err = client
            .send_action_guide_option(TOKEN, PACK, &bad)
            .await
            .unwrap_err();
        assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_exhausted_option_is_told_apart() {
    let server = serve(|_| {
        reply(403, r#"{"message":"You are not allowed to execute the option OTHER again","error":"forbidden","status":403}"#)
    })
    .await;
    let msg = ActionGuideMessage::text(ActionGuideOptionId::FreeText, "hola");
    let err = client_for(&server.base)
        .send_action_guide_option(TOKEN, PACK, &msg)
        .await
        .unwrap_err();
    assert_eq!(
        err.forbidden().map(|f| f.reason),
        Some(ForbiddenReason::OptionCapReached)
    );
}
