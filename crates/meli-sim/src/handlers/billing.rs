//! Buyer fiscal data: `GET /orders/{id}/billing_info` (legacy `{"billing_info": {doc_type,
//! doc_number, additional_info}}` shape; with the `x-version: 2` header, the current per-site
//! shape of the official `billing/` samples) and `GET /orders/billing-info/{site_id}/{id}`
//! (the current shape, looked up by the order's `buyer.billing_info.id`). Seller only.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::Caller;
use super::orders::visible_order;
use crate::errors::ApiError;
use crate::market::Order;
use crate::seed::{self, User};
use crate::state::{AppState, Shared};

/// The buyer's document as `(type, number)`, stable per buyer.
fn document(site_id: &str, buyer: &User) -> (&'static str, String) {
    let n = buyer.id.unsigned_abs();
    match site_id {
        "MLB" => ("CPF", format!("{:011}", n % 100_000_000_000)),
        "MLM" => {
            let initials: String = buyer
                .last_name
                .chars()
                .take(2)
                .chain(buyer.first_name.chars().take(2))
                .flat_map(char::to_uppercase)
                .collect();
            ("RFC", format!("{initials}{:06}AB1", n % 1_000_000))
        }
        _ => ("DNI", format!("{:08}", n % 100_000_000)),
    }
}

fn address(site_id: &str) -> (&'static str, &'static str, &'static str, &'static str) {
    // (street, number, zip, state code)
    match site_id {
        "MLB" => ("Rua Augusta", "1200", "01305100", "SP"),
        "MLM" => ("Avenida Constitución", "405", "64000", "NLE"),
        _ => ("Avenida Santa Fe", "3250", "1425", "01"),
    }
}

/// The current (`x-version: 2`) shape for the order's buyer.
fn v2_json(state: &Shared, order: &Order) -> Value {
    let Some(buyer) = state.user(order.buyer_id) else {
        return Value::Null;
    };
    let site = seed::site(order.site_id);
    let (doc_type, doc_number) = document(order.site_id, buyer);
    let (street, number, zip, state_code) = address(order.site_id);
    let country = site.map_or("AR", |s| s.country_id);
    let city = site.map_or("", |s| s.city);
    let state_name = site.map_or("", |s| s.state_name);
    let billing = match order.site_id {
        "MLB" => json!({
            "name": buyer.first_name,
            "last_name": buyer.last_name,
            "identification": {"type": doc_type, "number": doc_number},
            "address": {
                "street_name": street, "street_number": number, "city_name": city,
                "comment": "Apto 12", "neighborhood": "Consolação",
                "state": {"name": state_name}, "zip_code": zip, "country_id": country,
            },
            "attributes": {"is_normalized": true, "cust_type": "CO"},
        }),
        "MLM" => json!({
            "name": buyer.first_name,
            "last_name": buyer.last_name,
            "identification": {"type": doc_type, "number": doc_number},
            "taxes": {
                "contributor": "PERSONA FÍSICA",
                "taxpayer_type": {"id": "616", "description": "Sin obligaciones fiscales"},
                "cfdi": {"id": "S01", "description": "Sin efectos fiscales"},
            },
            "address": {
                "street_name": street, "street_number": number, "city_name": city,
                "state": {"code": state_code, "name": state_name}, "zip_code": zip, "country_id": country,
            },
            "attributes": {
                "vat_discriminated_billing": "false", "birth_date": "1990/04/12",
                "is_normalized": true, "customer_type": "CO",
            },
        }),
        _ => json!({
            "name": buyer.first_name,
            "last_name": buyer.last_name,
            "identification": {"type": doc_type, "number": doc_number},
            "taxes": {"taxpayer_type": {"id": "01", "description": "Consumidor Final"}},
            "address": {
                "street_name": street, "street_number": number, "city_name": city,
                "state": {"code": state_code, "name": state_name}, "zip_code": zip, "country_id": country,
            },
            "attributes": {
                "vat_discriminated_billing": "false", "doc_type_number": doc_number,
                "is_normalized": true, "cust_type": "CO",
            },
        }),
    };
    json!({
        "site_id": order.site_id,
        "buyer": {"cust_id": order.buyer_id, "billing_info": billing},
        "seller": {"cust_id": order.seller_id},
    })
}

/// The legacy shape (`additional_info` type/value pairs).
fn legacy_json(state: &Shared, order: &Order) -> Value {
    let Some(buyer) = state.user(order.buyer_id) else {
        return Value::Null;
    };
    let (doc_type, doc_number) = document(order.site_id, buyer);
    let (street, number, zip, _) = address(order.site_id);
    let site = seed::site(order.site_id);
    let pairs = [
        ("FIRST_NAME", buyer.first_name.to_owned()),
        ("LAST_NAME", buyer.last_name.to_owned()),
        ("DOC_TYPE", doc_type.to_owned()),
        ("DOC_NUMBER", doc_number.clone()),
        ("STREET_NAME", street.to_owned()),
        ("STREET_NUMBER", number.to_owned()),
        ("CITY_NAME", site.map_or("", |s| s.city).to_owned()),
        ("STATE_NAME", site.map_or("", |s| s.state_name).to_owned()),
        ("ZIP_CODE", zip.to_owned()),
        ("SITE_ID", order.site_id.to_owned()),
    ];
    json!({
        "billing_info": {
            "doc_type": doc_type,
            "doc_number": doc_number,
            "additional_info": pairs.iter().map(|(t, v)| json!({"type": t, "value": v})).collect::<Vec<_>>(),
        }
    })
}

/// `GET /orders/{id}/billing_info`.
pub(crate) async fn of_order(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.required()?;
    let order = visible_order(&state, caller, &raw)?;
    if state.lock().billing_down {
        return Err(ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            "billing info unavailable",
        ));
    }
    let v2 = headers
        .get("x-version")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "2");
    Ok(Json(if v2 {
        v2_json(&state, &order)
    } else {
        legacy_json(&state, &order)
    }))
}

/// `GET /orders/billing-info/{site_id}/{billing_info_id}`.
pub(crate) async fn by_billing_id(
    State(state): State<AppState>,
    caller: Caller,
    Path((site_id, billing_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.required()?;
    let order = {
        let inner = state.lock();
        inner
            .market
            .orders
            .values()
            .find(|o| o.billing_info_id == billing_id && o.site_id.eq_ignore_ascii_case(&site_id))
            .cloned()
    };
    let order = order.ok_or_else(|| ApiError::not_found("Billing info not found"))?;
    if order.seller_id != caller {
        return Err(ApiError::forbidden("The user has not access to the order"));
    }
    Ok(Json(v2_json(&state, &order)))
}
