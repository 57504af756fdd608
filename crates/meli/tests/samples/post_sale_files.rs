//! The post-sale directories' files: parsed as a kind, or not modelled and why.

use super::Expect::{self, Kind, NotModelled};

const REQUEST: &str = "a request body the client builds; request_bodies_match_the_samples or tests/client.rs checks the client writes this shape";
const CLAIM_RESOLUTION: &str =
    "claim resolution flow (returns, refunds, expected resolutions), not part of the inbox yet";
const EVIDENCE: &str = "claim evidence flow, not part of the inbox yet";
const SHIPPING_DETAIL: &str = "shipment sub-resource; the inbox reads only GET /shipments/{id}";

pub const FILES: &[(&str, Expect)] = &[
    // orders: every sample is broken; orders_once_repaired reads them
    ("orders/by-id-billing-excerpt.json-broken", Kind("order")),
    ("orders/by-id-packs-page.json-broken", Kind("order")),
    ("orders/by-id.json-broken", Kind("order")),
    ("orders/search.json-broken", Kind("orders-search")),
    // packs
    ("packs/by-id.json", Kind("pack")),
    // shipments
    ("shipments/by-id-schema.json-broken", Kind("shipment")),
    ("shipments/carrier.json", NotModelled(SHIPPING_DETAIL)),
    ("shipments/costs.json", NotModelled(SHIPPING_DETAIL)),
    ("shipments/delays.json", NotModelled(SHIPPING_DETAIL)),
    ("shipments/history.json", NotModelled(SHIPPING_DETAIL)),
    ("shipments/items.json", NotModelled(SHIPPING_DETAIL)),
    (
        "shipments/lead-time.json-broken",
        NotModelled(SHIPPING_DETAIL),
    ),
    ("shipments/payments.json", NotModelled(SHIPPING_DETAIL)),
    ("shipments/sla.json-broken", NotModelled(SHIPPING_DETAIL)),
    (
        "shipments/process-ready-to-ship.json",
        NotModelled("a seller logistics action, not a customer-service call"),
    ),
    (
        "shipments/split-request.json-broken",
        NotModelled("a seller logistics action, not a customer-service call"),
    ),
    (
        "shipments/split-response.json",
        NotModelled("a seller logistics action, not a customer-service call"),
    ),
    (
        "shipments/shipment-statuses.json",
        NotModelled(
            "the status catalogue; every status in it is a ShipmentStatus variant (shipments())",
        ),
    ),
    // billing
    (
        "billing/billing-info-mco-persona-fisica.json",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mlm-persona-fisica.json",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mlu-persona-fisica.json",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mlu-persona-juridica.json",
        Kind("billing-info"),
    ),
    ("billing/billing-info-mpe-boleta.json", Kind("billing-info")),
    (
        "billing/billing-info-mpe-factura.json",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mco-persona-juridica.json-broken",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mec-persona-fisica.json-broken",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mec-persona-juridica.json-broken",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mla-persona-fisica.json-broken",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mla-persona-juridica.json-broken",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mlb-persona-fisica.json-broken",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mlb-persona-juridica.json-broken",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mlc-persona-fisica.json-broken",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mlc-persona-juridica.json-broken",
        Kind("billing-info"),
    ),
    (
        "billing/billing-info-mlm-persona-juridica.json-broken",
        Kind("billing-info"),
    ),
    // messages
    ("messages/pack-messages-2.json", Kind("pack-messages")),
    ("messages/pack-messages.json-broken", Kind("pack-messages")),
    (
        "messages/pack-messages-blocked.json-broken",
        Kind("pack-messages"),
    ),
    ("messages/message-by-id-new.json", Kind("message")),
    ("messages/message-by-id-legacy.json", Kind("message")),
    (
        "messages/action-guide-option-response-billing-info.json",
        Kind("message"),
    ),
    (
        "messages/action-guide-option-response-delivery-promise.json",
        Kind("message"),
    ),
    (
        "messages/action-guide-option-response-moderated.json",
        Kind("message"),
    ),
    (
        "messages/action-guide-option-response-other.json",
        Kind("message"),
    ),
    ("messages/unread-by-role.json", Kind("unread")),
    ("messages/unread-empty.json", Kind("unread")),
    ("messages/unread-pack.json", Kind("unread")),
    ("messages/attachment-upload.json", Kind("attachment-upload")),
    ("messages/action-guide.json-broken", Kind("action-guide")),
    ("messages/action-guide-caps.json", Kind("action-guide-caps")),
    ("messages/send-error-403-blocked.json", Kind("error")),
    (
        "messages/action-guide-error-excepted-case.json",
        Kind("error"),
    ),
    ("messages/action-guide-option-error-500.json", Kind("error")),
    ("messages/send-request.json", NotModelled(REQUEST)),
    (
        "messages/action-guide-option-request-billing-info.json",
        NotModelled(REQUEST),
    ),
    (
        "messages/action-guide-option-request-other.json",
        NotModelled(REQUEST),
    ),
    (
        "messages/action-guide-option-request-delivery-promise.json-broken",
        NotModelled(REQUEST),
    ),
    (
        "messages/action-guide-option-request-template.json-broken",
        NotModelled("a request template with unquoted placeholders, not a body"),
    ),
    // claims
    ("claims/by-id.json", Kind("claim")),
    ("claims/by-id-related-entities-change.json", Kind("claim")),
    // POST …/actions/open-dispute answers with the claim itself.
    ("claims/open-dispute.json", Kind("claim")),
    ("claims/by-id-fragments-replace.json-broken", Kind("claim")),
    ("claims/search.json-broken", Kind("claims-search")),
    (
        "claims/claims-list-partial-refund-section.json",
        Kind("claims-search"),
    ),
    ("claims/detail.json", Kind("claim-detail")),
    ("claims/affects-reputation.json", Kind("claim-reputation")),
    ("claims/messages.json", Kind("claim-messages")),
    (
        "claims/messages-with-hash.json-broken",
        Kind("claim-messages"),
    ),
    ("claims/error-400-allow-partial-refund.json", Kind("error")),
    ("claims/error-400-allow-return.json", Kind("error")),
    ("claims/error-400-attachment-not-found.json", Kind("error")),
    ("claims/error-400-open-dispute.json", Kind("error")),
    ("claims/error-400-refund.json", Kind("error")),
    (
        "claims/error-400-send-message-to-complainant.json",
        Kind("error"),
    ),
    (
        "claims/error-400-send-message-to-mediator.json",
        Kind("error"),
    ),
    ("claims/error-401-unauthorized.json", Kind("error")),
    ("claims/error-403-forbidden.json", Kind("error")),
    ("claims/error-404-not-found.json", Kind("error")),
    ("claims/error-429-too-many-requests.json", Kind("error")),
    ("claims/error-500-internal.json", Kind("error")),
    ("claims/error-502-bad-gateway.json", Kind("error")),
    ("claims/error-503-service-not-available.json", Kind("error")),
    ("claims/error-504-gateway-timeout.json", Kind("error")),
    (
        "claims/partial-refund-error-not-available.json",
        Kind("error"),
    ),
    ("claims/partial-refund-error-percentage.json", Kind("error")),
    ("claims/return-attachment-error-404.json", Kind("error")),
    (
        "claims/return-attachment-error-bad-request.json",
        Kind("error"),
    ),
    (
        "claims/return-attachment-error-invalid-key.json",
        Kind("error"),
    ),
    ("claims/return-reasons-error-400-flow.json", Kind("error")),
    ("claims/return-reasons-error-404.json", Kind("error")),
    ("claims/return-reviews-error-404.json", Kind("error")),
    ("claims/returns-error-400-file-name.json", Kind("error")),
    ("claims/returns-error-400-invalid-role.json", Kind("error")),
    (
        "claims/returns-error-400-malformed-token.json",
        Kind("error"),
    ),
    ("claims/returns-error-400-mime-type.json", Kind("error")),
    ("claims/returns-error-400-missing-body.json", Kind("error")),
    ("claims/returns-error-400-not-multipart.json", Kind("error")),
    (
        "claims/returns-error-400-review-not-allowed.json",
        Kind("error"),
    ),
    ("claims/returns-error-401-invalid-token.json", Kind("error")),
    ("claims/returns-error-401-no-token.json", Kind("error")),
    ("claims/returns-error-404-claim.json", Kind("error")),
    (
        "claims/search-error-invalid-params.json-broken",
        Kind("error"),
    ),
    (
        "claims/search-error-invalid-query.json-broken",
        Kind("error"),
    ),
    ("claims/send-message-request.json", NotModelled(REQUEST)),
    ("claims/send-message-request-2.json", NotModelled(REQUEST)),
    (
        "claims/send-message-request-template.json-broken",
        NotModelled("a request template with shell continuations, not a body"),
    ),
    (
        "claims/attachment-info.json",
        NotModelled(
            "claim attachment info endpoint, not called; its shape is ClaimAttachment's (claims())",
        ),
    ),
    (
        "claims/attachment-upload-request-example.json-broken",
        NotModelled("a multipart form written as JSON, not a body"),
    ),
    (
        "claims/attachment-upload-request-template.json-broken",
        NotModelled("a multipart form written as JSON, not a body"),
    ),
    (
        "claims/attachment-upload-response.json-broken",
        NotModelled("claim attachment upload, not called yet"),
    ),
    (
        "claims/actions-history.json",
        NotModelled("claim action history, not shown in the inbox yet"),
    ),
    (
        "claims/status-history.json",
        NotModelled("claim status history, not shown in the inbox yet"),
    ),
    (
        "claims/reason-by-id.json",
        NotModelled("reason catalogue entry; Claim keeps reason_id"),
    ),
    ("claims/changes.json", NotModelled(CLAIM_RESOLUTION)),
    (
        "claims/allow-replace-accepted.json-broken",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/allow-replace-response.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/allow-return-response.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/expected-resolutions.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/partial-refund-offers.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/partial-refund-offers-2.json-broken",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/partial-refund-request.json-broken",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/partial-refund-request-template.json-broken",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/partial-refund-response.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    ("claims/refund-response.json", NotModelled(CLAIM_RESOLUTION)),
    (
        "claims/return-attachment-upload.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    ("claims/return-cost.json", NotModelled(CLAIM_RESOLUTION)),
    ("claims/return-cost-usd.json", NotModelled(CLAIM_RESOLUTION)),
    ("claims/return-reasons.json", NotModelled(CLAIM_RESOLUTION)),
    (
        "claims/return-review-fail-request.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/return-review-fail-request-attachments.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/return-review-fail-request-srf7.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    (
        "claims/return-review-ok-request.json",
        NotModelled(CLAIM_RESOLUTION),
    ),
    ("claims/return-reviews.json", NotModelled(CLAIM_RESOLUTION)),
    ("claims/returns-v2.json", NotModelled(CLAIM_RESOLUTION)),
    ("claims/evidences.json", NotModelled(EVIDENCE)),
    (
        "claims/evidence-attachment-info.json",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-attachment-request-pseudo.json-broken",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-attachment-upload.json",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-email-request.json-broken",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-email-response.json-broken",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-entrusted-request.json",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-entrusted-request-2.json-broken",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-entrusted-response.json-broken",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-entrusted-response-2.json",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-handling-request.json",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-handling-response.json",
        NotModelled(EVIDENCE),
    ),
    ("claims/evidence-mail-request.json", NotModelled(EVIDENCE)),
    (
        "claims/evidence-mail-response.json-broken",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-personal-delivery-request.json-broken",
        NotModelled(EVIDENCE),
    ),
    (
        "claims/evidence-personal-delivery-response.json-broken",
        NotModelled(EVIDENCE),
    ),
];
