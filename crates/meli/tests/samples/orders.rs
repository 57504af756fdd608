//! Orders, packs, shipments and billing info samples.

use meli::{
    BillingInfo, Order, OrderStatus, OrdersSearch, Pack, PackStatus, Shipment, ShipmentStatus,
    parse_payload,
};

use super::{dec, read, typed, without_trailing_commas};

fn order_from(text: &str) -> Order {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn orders_once_repaired() {
    // A stray quote wraps the whole search sample.
    let text = read("orders/search.json-broken");
    let repaired = text.trim().trim_matches('"');
    let s: OrdersSearch = serde_json::from_str(repaired).unwrap();
    assert_eq!(
        (s.paging.total, s.paging.offset, s.paging.limit),
        (1, 0, 50)
    );
    assert_eq!(s.query.as_deref(), Some(""));
    let o = &s.results[0];
    assert_eq!(o.id, 1_068_825_849);
    assert_eq!(o.status, Some(OrderStatus::Paid));
    assert!(
        o.status_detail.as_ref().is_some_and(|d| d.is_object()),
        "object form kept raw"
    );
    assert_eq!(
        o.last_change().unwrap().to_rfc3339(),
        "2016-02-25T15:55:44.973+00:00",
        "from date_last_updated"
    );
    assert_eq!(o.conversation_id(), o.id, "no pack: the order id");
    assert_eq!(
        o.buyer.as_ref().and_then(|b| b.nickname.as_deref()),
        Some("TETE5029382")
    );
    assert_eq!(o.shipment_id(), None, "to be agreed");
    assert_eq!(
        o.shipping.as_ref().and_then(|s| s.status.as_deref()),
        Some("to_be_agreed")
    );
    let item = &o.order_items[0];
    assert_eq!(
        (item.unit_price, item.sale_fee),
        (Some(dec("10")), Some(dec("1.05")))
    );
    let p = &o.payments[0];
    assert_eq!((p.id, p.installments), (1_833_868_697, Some(9)));
    assert_eq!(p.total_paid_amount, Some(dec("10")));
    assert!(parse_payload("orders-search", repaired).is_ok());

    // Trailing commas, and `flows: [000]`.
    let text = without_trailing_commas(&read("orders/by-id.json-broken")).replace("000]", "]");
    let o = order_from(&text);
    assert_eq!(o.id, 2_000_003_508_419_013);
    assert_eq!(
        (o.buyer_id(), o.seller_id()),
        (Some(123_456_789), Some(123_456_789)),
        "ids as strings"
    );
    assert_eq!(o.payments[0].id, 596_707_837);
    assert_eq!(o.total_amount, Some(dec("499")));
    assert_eq!(o.shipment_id(), Some(20_676_482_441));
    assert!(o.has_tag("no_shipping"));
    assert!(
        o.feedback
            .as_ref()
            .is_some_and(|f| f.get("purchase").is_some()),
        "older feedback names"
    );

    // `//` comments and a doubled value inside `stock`, then trailing commas.
    let text = read("orders/by-id-packs-page.json-broken");
    let start = text.find("\"stock\"").unwrap();
    let end = start + text[start..].find("],").unwrap() + 2;
    let text = without_trailing_commas(&format!("{}{}", &text[..start], &text[end..]));
    let o = order_from(&text);
    assert_eq!(o.id, 2_000_009_713_473_608);
    assert_eq!(o.conversation_id(), 2_000_006_556_183_755, "the pack");
    assert_eq!(
        (o.total_amount, o.paid_amount),
        (Some(dec("125.92")), Some(dec("125.92")))
    );
    assert_eq!(o.shipping_cost, Some(dec("0")));
    let item = &o.order_items[0];
    assert_eq!(item.item.id, "MLB3737188005");
    assert_eq!(
        (item.quantity, item.unit_price),
        (Some(2), Some(dec("62.96")))
    );
    assert_eq!(item.full_unit_price, Some(dec("72.37")));
    assert_eq!(
        o.payments[0]
            .date_approved
            .unwrap()
            .offset()
            .local_minus_utc(),
        -4 * 3600
    );
    assert_eq!(
        (o.buyer_id(), o.seller_id()),
        (Some(6_427_433), Some(779_432_305))
    );
    assert_eq!(o.shipment_id(), Some(44_028_792_542));
    assert_eq!(
        o.context.as_ref().map(|c| c.flows.clone()),
        Some(vec!["catalog".to_owned()])
    );
    assert!(o.has_tag("pack_order"));
    assert!(o.mediation_ids().is_empty());

    // `...` lines stand for the omitted members.
    let text: String = read("orders/by-id-billing-excerpt.json-broken")
        .lines()
        .filter(|l| l.trim() != "...")
        .collect::<Vec<_>>()
        .join("\n");
    let o = order_from(&text);
    let billing = o.buyer.and_then(|b| b.billing_info).and_then(|b| b.id);
    assert_eq!(
        billing.as_deref(),
        Some("677487519924852462"),
        "kept as text"
    );
}

#[test]
fn packs() {
    let p: Pack = typed("packs/by-id.json");
    assert_eq!(p.id, 2_000_006_181_551_917);
    assert_eq!(p.status, Some(PackStatus::Released));
    assert_eq!(
        p.order_ids(),
        [2_000_009_047_722_568, 2_000_009_047_707_726]
    );
    assert_eq!(p.shipment.and_then(|s| s.id), Some(43_729_529_445));
    assert_eq!(p.buyer.and_then(|b| b.id), Some(1_944_693_439));
    assert_eq!(
        p.date_created.unwrap().to_rfc3339(),
        "2024-08-15T17:38:30-04:00",
        "-0400 offset"
    );
}

#[test]
fn shipments() {
    // The schema sample has `//` comments and writes "string" for every
    // text; its dates are given real values to read the rest.
    let text: String = read("shipments/by-id-schema.json-broken")
        .lines()
        .map(|l| l.split(" //").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        parse_payload("shipment", &text)
            .unwrap_err()
            .to_string()
            .contains("last_updated")
    );
    let mut text = text;
    for key in ["last_updated", "date_created", "date"] {
        text = text.replace(
            &format!("\"{key}\": \"string\""),
            &format!("\"{key}\": \"2024-05-21T17:16:04.000-03:00\""),
        );
    }
    let s: Shipment = serde_json::from_str(&text).unwrap();
    assert_eq!(s.id, 0);
    assert_eq!(s.status, Some(ShipmentStatus::Other("string".into())));
    assert_eq!(s.tracking_number.as_deref(), Some("string"));
    let logistic = s.logistic.as_ref().unwrap();
    assert_eq!(
        (
            logistic.mode.as_deref(),
            logistic.kind.as_deref(),
            logistic.direction.as_deref()
        ),
        (Some("me2"), Some("drop_off"), Some("forward"))
    );
    assert_eq!(
        s.promised_delivery().unwrap().to_rfc3339(),
        "2024-05-21T17:16:04-03:00"
    );
    assert!(s.last_updated.is_some() && s.date_created.is_some());

    let statuses: Vec<serde_json::Value> = typed("shipments/shipment-statuses.json");
    assert_eq!(statuses.len(), 15);
    for s in statuses {
        let id = s["id"].as_str().unwrap();
        let status = ShipmentStatus::from(id);
        assert!(
            !matches!(status, ShipmentStatus::Other(_)),
            "{id} is a known status"
        );
        assert_eq!(status.as_str(), id);
    }
}

#[test]
fn billing_info_valid_samples() {
    let mco: BillingInfo = typed("billing/billing-info-mco-persona-fisica.json");
    assert_eq!(mco.site_id.as_deref(), Some("MCO"));
    assert_eq!(
        (mco.doc_type(), mco.doc_number()),
        (Some("CC"), Some("73160000"))
    );
    assert_eq!(
        (mco.name(), mco.last_name()),
        (Some("Adrian"), Some("Garces"))
    );
    assert_eq!(
        mco.buyer.as_ref().and_then(|b| b.cust_id),
        Some(234_343_545)
    );
    let address = mco
        .buyer
        .as_ref()
        .and_then(|b| b.billing_info.as_ref()?.address.clone())
        .unwrap();
    assert_eq!(address.state.and_then(|s| s.code).as_deref(), Some("CO-DC"));

    let mlm: BillingInfo = typed("billing/billing-info-mlm-persona-fisica.json");
    assert_eq!(
        (mlm.doc_type(), mlm.customer_type()),
        (Some("RFC"), Some("CO")),
        "customer_type"
    );
    let attrs = mlm
        .buyer
        .as_ref()
        .and_then(|b| b.billing_info.as_ref()?.attributes.clone())
        .unwrap();
    assert_eq!(
        attrs.vat_discriminated_billing,
        Some(true),
        "\"true\" as a string"
    );
    assert_eq!(attrs.is_normalized, Some(true));
    let taxes = mlm
        .buyer
        .as_ref()
        .and_then(|b| b.billing_info.as_ref()?.taxes.clone())
        .unwrap();
    assert_eq!(taxes["cfdi"]["id"], "G03");

    let mlu: BillingInfo = typed("billing/billing-info-mlu-persona-fisica.json");
    assert_eq!(mlu.site_id, None);
    assert_eq!(
        mlu.buyer.as_ref().and_then(|b| b.cust_id),
        Some(1_921_961_891),
        "id as a string"
    );
    assert_eq!(mlu.buyer_id, Some(1_921_961_891));
    let details = mlu
        .buyer
        .as_ref()
        .and_then(|b| b.billing_info.clone())
        .unwrap();
    let attrs = details.attributes.unwrap();
    assert_eq!(
        (attrs.is_normalized, attrs.vat_discriminated_billing),
        (Some(false), Some(false))
    );
    assert_eq!(
        details.address.and_then(|a| a.city_name).as_deref(),
        Some("City Name"),
        "`city`"
    );

    let company: BillingInfo = typed("billing/billing-info-mlu-persona-juridica.json");
    assert_eq!(
        (company.doc_type(), company.last_name()),
        (Some("RUT"), None)
    );

    let boleta: BillingInfo = typed("billing/billing-info-mpe-boleta.json");
    assert_eq!(
        (boleta.doc_type(), boleta.customer_type()),
        (Some("DNI || CE"), Some("CO"))
    );
    let factura: BillingInfo = typed("billing/billing-info-mpe-factura.json");
    assert_eq!(
        (factura.name(), factura.customer_type()),
        (Some("APPLE"), Some("BU"))
    );
}

#[test]
fn billing_info_broken_samples_once_repaired() {
    let broken = [
        ("mco-persona-juridica", "CC", Some("CO")),
        ("mec-persona-fisica", "RUC", Some("EC")),
        ("mec-persona-juridica", "RUC", Some("EC")),
        ("mla-persona-fisica", "DNI", Some("AR")),
        ("mla-persona-juridica", "CUIT", Some("AR")),
        ("mlb-persona-fisica", "CPF", Some("BR")),
        ("mlb-persona-juridica", "CNPJ", Some("BR")),
        ("mlc-persona-fisica", "RUT", Some("CL")),
        ("mlc-persona-juridica", "RUT", Some("CL")),
        ("mlm-persona-juridica", "RFC", Some("MX")),
    ];
    for (name, doc, country) in broken {
        let rel = format!("billing/billing-info-{name}.json-broken");
        // Trailing commas, and alternatives written as `"DNI" / "CUIL"` (the first is kept).
        let text = without_trailing_commas(&read(&rel))
            .replace("\"DNI\" / \"CUIL\"", "\"DNI\"")
            .replace("\"RUC\" / \"CI\"", "\"RUC\"");
        let b: BillingInfo = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(b.doc_type(), Some(doc), "{rel}");
        assert!(b.doc_number().is_some() && b.name().is_some(), "{rel}");
        let address = b
            .buyer
            .as_ref()
            .and_then(|x| x.billing_info.as_ref()?.address.as_ref());
        assert_eq!(
            address.and_then(|a| a.country_id.as_deref()),
            country,
            "{rel}"
        );
    }
    let mec: BillingInfo = serde_json::from_str(&without_trailing_commas(&read(
        "billing/billing-info-mec-persona-juridica.json-broken",
    )))
    .unwrap();
    let attrs = mec.buyer.and_then(|b| b.billing_info?.attributes).unwrap();
    assert_eq!(
        attrs.email.as_deref(),
        Some("test_user_937841642@testuser.com")
    );
}

#[test]
fn a_partial_refund_is_read_from_the_payments() {
    let o = order_from(
        r#"{"id": 2000001, "status": "partially_refunded", "currency_id": "ARS",
            "total_amount": 100.0, "paid_amount": 100.0,
            "payments": [
              {"id": 1, "status": "approved", "transaction_amount": 60.0,
               "transaction_amount_refunded": 25.5},
              {"id": "2", "status": "approved", "transaction_amount": 40,
               "transaction_amount_refunded": "0"},
              {"id": 3, "status": "approved", "transaction_amount_refunded": null}
            ]}"#,
    );
    assert_eq!(o.status, Some(OrderStatus::PartiallyRefunded));
    let refunded: Vec<_> = o
        .payments
        .iter()
        .map(|p| p.transaction_amount_refunded)
        .collect();
    assert_eq!(refunded, vec![Some(dec("25.5")), Some(dec("0")), None]);
}
