//! Orders, packs, shipments and billing info calls.

use axum::http::Method;
use chrono::DateTime;
use meli::{MeliError, OrderStatus, OrdersQuery, OrdersSort, PackStatus, ShipmentStatus};

use super::{TOKEN, client_for, reply, sample, serve};

const ORDER: &str = r#"{"id": 2000009713473608, "status": "paid", "pack_id": "2000006556183755",
    "date_created": "2024-11-01T09:34:59.000-04:00", "last_updated": "2024-11-01T09:37:20.000-04:00",
    "total_amount": 125.92, "paid_amount": 125.92, "currency_id": "BRL",
    "order_items": [{"item": {"id": "MLB3737188005", "title": "Espaçador"}, "quantity": 2, "unit_price": 62.96}],
    "payments": [{"id": 91776699099, "status": "approved", "transaction_amount": 125.92}],
    "shipping": {"id": 44028792542}, "buyer": {"id": 6427433, "billing_info": {"id": "677487519924852462"}},
    "seller": {"id": "779432305"}, "tags": ["pack_order", "paid"], "mediations": [{"id": 5256749420}]}"#;

#[tokio::test]
async fn order_by_id() {
    let server = serve(|_| reply(200, ORDER)).await;
    let o = client_for(&server.base)
        .order(TOKEN, 2_000_009_713_473_608)
        .await
        .unwrap();
    let s = server.only_request();
    assert_eq!(
        (s.method, s.path.as_str(), s.query),
        (Method::GET, "/orders/2000009713473608", None)
    );
    assert_eq!(o.conversation_id(), 2_000_006_556_183_755);
    assert_eq!(o.total_amount.unwrap().to_string(), "125.92");
    assert_eq!(o.order_items[0].unit_price.unwrap().to_string(), "62.96");
    assert_eq!(
        (o.buyer_id(), o.seller_id(), o.shipment_id()),
        (Some(6_427_433), Some(779_432_305), Some(44_028_792_542))
    );
    assert_eq!(o.mediation_ids(), [5_256_749_420]);

    let err = client_for(&server.base).order(TOKEN, 0).await.unwrap_err();
    assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
}

#[tokio::test]
async fn search_orders_query() {
    let body = sample("orders/search.json-broken");
    let body = body.trim().trim_matches('"').to_owned();
    let server = serve(move |_| reply(200, &body)).await;
    let q = OrdersQuery {
        status: Some(OrderStatus::Paid),
        last_updated_from: DateTime::parse_from_rfc3339("2024-01-01T00:00:00-03:00").ok(),
        last_updated_to: DateTime::parse_from_rfc3339("2024-01-02T12:30:00.5-03:00").ok(),
        sort: Some(OrdersSort::DateDesc),
        offset: Some(50),
        limit: Some(50),
        ..OrdersQuery::for_seller(207_035_636)
    };
    let res = client_for(&server.base)
        .search_orders(TOKEN, &q)
        .await
        .unwrap();
    assert_eq!((res.paging.total, res.results[0].id), (1, 1_068_825_849));
    let s = server.only_request();
    assert_eq!(s.path, "/orders/search");
    assert_eq!(
        s.query_pairs(),
        [
            ("seller", "207035636"),
            ("order.status", "paid"),
            (
                "order.date_last_updated.from",
                "2024-01-01T00:00:00.000-03:00"
            ),
            (
                "order.date_last_updated.to",
                "2024-01-02T12:30:00.500-03:00"
            ),
            ("sort", "date_desc"),
            ("offset", "50"),
            ("limit", "50"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );

    let client = client_for(&server.base);
    let err = client
        .search_orders(TOKEN, &OrdersQuery::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, MeliError::InvalidInput(_)),
        "a seller is required: {err:?}"
    );
    let backwards = OrdersQuery {
        last_updated_from: q.last_updated_to,
        last_updated_to: q.last_updated_from,
        ..OrdersQuery::for_seller(1)
    };
    let err = client.search_orders(TOKEN, &backwards).await.unwrap_err();
    assert!(matches!(err, MeliError::InvalidInput(_)), "{err:?}");
    let backwards = OrdersQuery {
        created_from: q.last_updated_to,
        created_to: q.last_updated_from,
        ..OrdersQuery::for_seller(1)
    };
    let err = client.search_orders(TOKEN, &backwards).await.unwrap_err();
    assert!(
        matches!(&err, MeliError::InvalidInput(m) if m.contains("date_created")),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "refused before sending");
}

/// A backfill window: bought between two instants, oldest first.
#[tokio::test]
async fn search_orders_by_creation_window() {
    let server = serve(|_| reply(200, r#"{"results": [], "paging": {"total": 0}}"#)).await;
    let q = OrdersQuery {
        created_from: DateTime::parse_from_rfc3339("2024-03-01T00:00:00Z").ok(),
        created_to: DateTime::parse_from_rfc3339("2024-03-31T23:59:59.999-04:00").ok(),
        sort: Some(OrdersSort::DateAsc),
        limit: Some(50),
        ..OrdersQuery::for_seller(207_035_636)
    };
    client_for(&server.base)
        .search_orders(TOKEN, &q)
        .await
        .unwrap();
    assert_eq!(
        server.only_request().query_pairs(),
        [
            ("seller", "207035636"),
            ("order.date_created.from", "2024-03-01T00:00:00.000+00:00"),
            ("order.date_created.to", "2024-03-31T23:59:59.999-04:00"),
            ("sort", "date_asc"),
            ("limit", "50"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[tokio::test]
async fn pack_by_id() {
    let server = serve(|_| reply(200, &sample("packs/by-id.json"))).await;
    let p = client_for(&server.base)
        .pack(TOKEN, 2_000_006_181_551_917)
        .await
        .unwrap();
    assert_eq!(server.only_request().path, "/packs/2000006181551917");
    assert_eq!(p.status, Some(PackStatus::Released));
    assert_eq!(p.order_ids().len(), 2);
}

#[tokio::test]
async fn shipment_in_the_new_format() {
    let server = serve(|_| {
        reply(
            200,
            r#"{"id": 43729529445, "status": "shipped", "substatus": "out_for_delivery",
                "date_created": "2024-08-15T17:40:00.000-04:00", "last_updated": "2024-08-16T09:00:00.000-04:00",
                "tracking_number": 40532897451, "tracking_method": "MEL Distribution",
                "logistic": {"mode": "me2", "type": "cross_docking", "direction": "forward"},
                "lead_time": {"estimated_delivery_time": {"date": "2024-08-19T00:00:00.000-03:00"},
                              "estimated_delivery_final": {"date": "2024-08-20T00:00:00.000-03:00"}}}"#,
        )
    })
    .await;
    let sh = client_for(&server.base)
        .shipment(TOKEN, 43_729_529_445)
        .await
        .unwrap();
    let s = server.only_request();
    assert_eq!(s.path, "/shipments/43729529445");
    assert_eq!(s.header("x-format-new"), Some("true"));
    assert_eq!(
        (sh.status.clone(), sh.substatus.as_deref()),
        (Some(ShipmentStatus::Shipped), Some("out_for_delivery"))
    );
    assert_eq!(
        sh.tracking_number.as_deref(),
        Some("40532897451"),
        "a number kept as text"
    );
    assert_eq!(sh.tracking_method.as_deref(), Some("MEL Distribution"));
    assert_eq!(
        sh.promised_delivery().unwrap().to_rfc3339(),
        "2024-08-20T00:00:00-03:00"
    );
}

#[tokio::test]
async fn billing_info_in_both_shapes() {
    let server = serve(|s| {
        if s.path.ends_with("/billing_info") && s.path.contains("/1/") {
            reply(200, &sample("billing/billing-info-mlm-persona-fisica.json"))
        } else {
            reply(
                200,
                r#"{"billing_info": {"doc_type": "CPF", "doc_number": 15635614680, "additional_info": [
                    {"type": "LAST_NAME", "value": "Test"}, {"type": "FIRST_NAME", "value": "María"},
                    {"type": "DOC_TYPE", "value": "CPF"}]}}"#,
            )
        }
    })
    .await;
    let client = client_for(&server.base);
    let new = client.billing_info(TOKEN, 1).await.unwrap();
    assert_eq!(
        (new.doc_type(), new.doc_number()),
        (Some("RFC"), Some("CUPU800825569"))
    );
    let old = client.billing_info(TOKEN, 2).await.unwrap();
    assert_eq!(
        (old.doc_type(), old.doc_number()),
        (Some("CPF"), Some("15635614680"))
    );
    assert_eq!((old.name(), old.last_name()), (Some("María"), Some("Test")));
    let by_id = client
        .billing_info_by_id(TOKEN, "MLA", "677487519924852462")
        .await
        .unwrap();
    assert_eq!(by_id.doc_type(), Some("CPF"));

    let seen = server.requests();
    assert_eq!(seen[0].path, "/orders/1/billing_info");
    assert_eq!(
        seen[0].header("x-version"),
        Some("2"),
        "asks for the current shape"
    );
    assert_eq!(seen[2].path, "/orders/billing-info/MLA/677487519924852462");

    for (site, id) in [("mla", "1"), ("MLA", "../x"), ("MLA", "")] {
        let err = client
            .billing_info_by_id(TOKEN, site, id)
            .await
            .unwrap_err();
        assert!(
            matches!(err, MeliError::InvalidInput(_)),
            "{site} {id}: {err:?}"
        );
    }
    assert_eq!(server.requests().len(), 3);
}
