//! Post-sale messaging samples: pack conversations, single messages, the
//! action guide, unread counters, attachments and the request bodies.

use meli::{
    ActionGuide, ActionGuideCap, ActionGuideMessage, ActionGuideOptionId, ApiErrorBody,
    AttachmentUpload, BlockReason, ConversationState, ForbiddenReason, MeliError, Message,
    MessageStatus, ModerationReason, ModerationStatus, PackMessages, TemplateValue, UnreadMessages,
    parse_payload,
};

use super::{read, typed, without_trailing_commas};

#[test]
fn pack_messages() {
    let p: PackMessages = typed("messages/pack-messages-2.json");
    assert_eq!(
        (p.paging.limit, p.paging.offset, p.paging.total),
        (2, 1, 31)
    );
    assert_eq!(p.paging.next_offset(), Some(3));
    let status = p.conversation_status.as_ref().unwrap();
    assert_eq!(
        (status.status.as_ref(), status.substatus.as_ref()),
        (Some(&ConversationState::Active), None)
    );
    assert_eq!(p.blocked(), None);
    assert_eq!(p.messages.len(), 2);
    let m = &p.messages[0];
    assert_eq!(m.id, "2c92808469fea23a0169febf14580001");
    assert_eq!(m.from_user_id(), Some(415_458_330), "user_id as a string");
    assert_eq!(
        m.from.as_ref().and_then(|f| f.name.as_deref()),
        Some("Juan Pablo Robledo")
    );
    assert_eq!(
        m.status,
        Some(MessageStatus::InModeration),
        "legacy uppercase status"
    );
    let moderation = m.message_moderation.as_ref().unwrap();
    assert_eq!(
        moderation.status,
        Some(ModerationStatus::NonModerated),
        "NON_MODERATED"
    );
    assert_eq!(moderation.reason, None, "\"none\"");
    let a = &m.message_attachments[0];
    assert_eq!(
        a.filename.as_deref(),
        Some("415460047_a96d8dea-38cd-4402-938e-80a1c134fc5d.pdf")
    );
    assert_eq!(
        (a.size, a.potential_security_threat),
        (Some(225_677), Some(false))
    );
    assert_eq!(
        (m.pack_id(), m.seller_id()),
        (Some(2_000_000_089_077_943), Some(415_458_330)),
        "`seller`"
    );
    assert!(m.message_date.read.is_some() && m.message_date.available.is_none());

    let text = without_trailing_commas(&read("messages/pack-messages.json-broken"));
    let p: PackMessages = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (p.seller_max_message_length, p.buyer_max_message_length),
        (Some(350), Some(3500))
    );
    let m = &p.messages[0];
    assert_eq!(m.from_user_id(), Some(123_456_789_000));
    assert_eq!(m.to.as_ref().and_then(|t| t.user_id), Some(2_332_423_234));
    assert_eq!(
        (m.pack_id(), m.seller_id()),
        (Some(11_122_344), Some(475_684_066))
    );
    assert_eq!(m.conversation_first_message, Some(false));
    assert!(!m.is_moderated());

    // `"messages": [...]` stands for the elided messages.
    let text = read("messages/pack-messages-blocked.json-broken").replace("[...]", "[]");
    let p: PackMessages = serde_json::from_str(&text).unwrap();
    assert_eq!(p.blocked(), Some(Some(&BlockReason::ByBuyer)));
    let status = p.conversation_status.unwrap();
    assert!(status.claim_ids.is_empty(), "claim_ids: null");
    assert_eq!(
        status.path.as_deref(),
        Some("/packs/22175467/sellers/32086568493")
    );
}

#[test]
fn single_messages_in_every_shape() {
    let new: Message = typed("messages/message-by-id-new.json");
    assert_eq!(new.id, "fd1d2e37ad004ede9e0bf25d1215002d");
    assert_eq!(
        (new.text.as_str(), new.status.as_ref()),
        ("Mensaje de prueba", Some(&MessageStatus::Available))
    );
    assert_eq!(
        (new.pack_id(), new.seller_id()),
        (Some(11_122_344), Some(475_684_066))
    );
    assert_eq!(new.client_id, Some(123_456_789));

    let legacy: Message = typed("messages/message-by-id-legacy.json");
    assert_eq!(legacy.id, "0033b582a1474fa98c02d229abcec43c", "message_id");
    assert_eq!(legacy.text, "Ejemplo de texto", "text.plain");
    assert_eq!(legacy.subject.as_deref(), Some("Test Item subject"));
    assert_eq!(
        legacy.order_id(),
        Some(1_234_567_871),
        "resource + resource_id"
    );
    let d = legacy.message_date;
    assert_eq!(
        d.read.unwrap().to_rfc3339(),
        "2016-09-01T21:31:19.606+00:00",
        "date_read"
    );
    assert!(
        d.received.is_some()
            && d.available.is_some()
            && d.notified.is_some()
            && d.created.is_some()
    );
    assert_eq!(
        legacy.message_moderation.and_then(|m| m.status),
        Some(ModerationStatus::Clean),
        "`moderation`"
    );
    assert!(
        legacy.message_attachments.is_empty(),
        "the `{{}}` placeholder is dropped"
    );

    // The action guide answers with a message.
    let ok: Message = typed("messages/action-guide-option-response-billing-info.json");
    assert_eq!(
        ok.to.as_ref().map(|t| (t.user_id, t.name.as_deref())),
        Some((Some(618_491_100), Some("Test Test")))
    );
    assert!(!ok.is_moderated());
    let other: Message = typed("messages/action-guide-option-response-other.json");
    assert_eq!(other.message_date.notified, None);
    let promise: Message = typed("messages/action-guide-option-response-delivery-promise.json");
    assert_eq!(
        promise.id, "374c945ce97446f5b4a73123adfasdd0e1ed17f",
        "ids are opaque, not always hex"
    );
    let moderated: Message = typed("messages/action-guide-option-response-moderated.json");
    assert!(moderated.is_moderated());
    assert_eq!(moderated.status, Some(MessageStatus::Moderated));
    let verdict = moderated.message_moderation.unwrap();
    assert_eq!(verdict.status, Some(ModerationStatus::Rejected));
    assert_eq!(
        verdict.reason,
        Some(ModerationReason::OutOfPlaceLanguage),
        "lowercase reason"
    );

    let out = parse_payload("message", &read("messages/message-by-id-new.json")).unwrap();
    assert_eq!(
        out["id"], "fd1d2e37ad004ede9e0bf25d1215002d",
        "the envelope is unwrapped"
    );
}

#[test]
fn action_guide_and_caps() {
    // One closing brace too many at the end.
    let text = read("messages/action-guide.json-broken");
    let text = text.trim_end().strip_suffix('}').unwrap();
    let g: ActionGuide = serde_json::from_str(text).unwrap();
    assert_eq!(g.options.len(), 5);
    assert!(
        g.options
            .iter()
            .all(|o| o.can_send() && o.cap_available == Some(1))
    );
    let billing = g.option(&ActionGuideOptionId::RequestBillingInfo).unwrap();
    assert_eq!(
        billing.templates[0].id,
        "TEMPLATE___REQUEST_BILLING_INFO___1"
    );
    assert!(billing.templates[0].vars.is_empty(), "vars: null");
    let promise = g.option(&ActionGuideOptionId::DeliveryPromise).unwrap();
    assert_eq!(promise.kind.as_deref(), Some("TEMPLATE"));
    assert_eq!(promise.templates[0].vars.len(), 2);
    assert!(promise.templates[0].texts.is_some());
    let other = g.option(&ActionGuideOptionId::FreeText).unwrap();
    assert!(other.is_free_text());
    assert_eq!(other.char_limit, Some(350));

    let caps: Vec<ActionGuideCap> = typed("messages/action-guide-caps.json");
    assert_eq!(caps.len(), 5);
    assert!(
        caps.iter()
            .all(|c| c.cap_available == 1 && !matches!(c.option_id, ActionGuideOptionId::Other(_)))
    );
}

#[test]
fn unread_and_attachments() {
    let u: UnreadMessages = typed("messages/unread-by-role.json");
    assert_eq!(u.user_id, Some(378_136_913));
    assert_eq!(
        (u.results[0].pack_id(), u.results[0].count),
        (Some(1_977_056_109), 1)
    );
    let empty: UnreadMessages = typed("messages/unread-empty.json");
    assert_eq!(
        (empty.user_id, empty.results.len()),
        (Some(1_234_512_314), 0),
        "user_id as a string"
    );
    let pack: UnreadMessages = typed("messages/unread-pack.json");
    assert_eq!(
        (pack.results[0].pack_id(), pack.results[0].seller_id()),
        (Some(1234), Some(2345))
    );

    let up: AttachmentUpload = typed("messages/attachment-upload.json");
    assert_eq!(up.id, "210438685_59f0f034-db1b-4ea6-8c5e-1d34e2092482.jpg");
}

#[test]
fn messaging_error_bodies() {
    let api = |rel: &str, status| MeliError::Api {
        status,
        body: Box::new(ApiErrorBody::from_bytes(read(rel).as_bytes())),
    };
    let blocked = api("messages/send-error-403-blocked.json", 403);
    let f = blocked.forbidden().unwrap();
    assert_eq!(f.reason, ForbiddenReason::ConversationBlocked);
    assert_eq!(
        (f.code, f.message),
        (
            Some("forbidden"),
            Some("blocked_conversation_send_message_forbidden")
        )
    );
    assert_eq!(
        blocked.body().and_then(ApiErrorBody::status),
        Some(403),
        "status_code"
    );

    let excepted = api("messages/action-guide-error-excepted-case.json", 400);
    assert_eq!(excepted.code(), Some("bad_request"));
    assert_eq!(
        excepted.body().and_then(|b| b.cause.clone()),
        Some("blocked_by_excepted_case".into())
    );
    assert!(excepted.forbidden().is_none());

    let late = api("messages/action-guide-option-error-500.json", 500);
    assert_eq!(late.message(), Some("delivery date is before than today"));
    assert!(late.is_retryable());
}

#[test]
fn request_bodies_match_the_samples() {
    let sample = |rel: &str| -> serde_json::Value { typed(rel) };
    let billing = ActionGuideMessage::template(
        ActionGuideOptionId::RequestBillingInfo,
        "TEMPLATE___REQUEST_BILLING_INFO___1",
        Vec::new(),
    );
    assert_eq!(
        serde_json::to_value(&billing).unwrap(),
        sample("messages/action-guide-option-request-billing-info.json")
    );
    let other = ActionGuideMessage::text(
        ActionGuideOptionId::FreeText,
        "Cómo estás María, estaría necesitando de...",
    );
    assert_eq!(
        serde_json::to_value(&other).unwrap(),
        sample("messages/action-guide-option-request-other.json")
    );
    // Indented with non-breaking spaces; as JSON whitespace it reads.
    let text = read("messages/action-guide-option-request-delivery-promise.json-broken")
        .replace('\u{a0}', " ");
    let promise = ActionGuideMessage::template(
        ActionGuideOptionId::DeliveryPromise,
        "TEMPLATE___DELIVERY_PROMISE___1",
        vec![
            TemplateValue {
                id: "TEMPLATE___DELIVERY_PROMISE___1___VAR___INIT".into(),
                value: 12.into(),
            },
            TemplateValue {
                id: "TEMPLATE___DELIVERY_PROMISE___1___VAR___LIMIT".into(),
                value: 23.into(),
            },
        ],
    );
    let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&promise).unwrap(), expected);
    let read_back: ActionGuideMessage = serde_json::from_str(&text).unwrap();
    assert_eq!(read_back, promise);
}
