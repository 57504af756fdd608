//! `GET /shipments/{id}`: always in the `x-format-new` shape (the one the official schema
//! sample documents), for the shipment's seller only.

use axum::Json;
use axum::extract::{Path, State};
use chrono::TimeDelta;
use serde_json::{Value, json};

use super::{Caller, money};
use crate::errors::ApiError;
use crate::market::Shipment;
use crate::seed;
use crate::state::{AppState, Shared, meli_time};

fn country_name(country_id: &str) -> &'static str {
    match country_id {
        "BR" => "Brasil",
        "MX" => "México",
        _ => "Argentina",
    }
}

/// A street, number and zip code for a user, stable per user id.
fn street(site_id: &str, user_id: i64) -> (&'static str, String, &'static str) {
    let number = (user_id.unsigned_abs() % 4000 + 10).to_string();
    match site_id {
        "MLB" => ("Rua Augusta", number, "01305-100"),
        "MLM" => ("Avenida Constitución", number, "64000"),
        _ => ("Avenida Santa Fe", number, "C1425"),
    }
}

fn address_json(site_id: &str, user_id: i64, types: &[&str], sender: bool) -> Value {
    let site = seed::site(site_id);
    let (street_name, number, zip) = street(site_id, user_id);
    let country = site.map_or("AR", |s| s.country_id);
    json!({
        "country": {"id": country, "name": country_name(country)},
        "address_line": format!("{street_name} {number}"),
        "types": types,
        "scoring": 1.0,
        "agency": {"carrier_id": null, "phone": null, "agency_id": null, "description": null, "type": null, "open_hours": null},
        "city": {"id": format!("{}-{}", country, user_id.unsigned_abs() % 1000), "name": site.map_or("", |s| s.city)},
        "geolocation_type": "ROOFTOP",
        "latitude": -34.58,
        "address_id": user_id.unsigned_abs() % 1_000_000_000,
        "municipality": {"id": null, "name": null},
        "location_id": user_id.unsigned_abs() % 100_000,
        "street_name": street_name,
        "zip_code": zip,
        "geolocation_source": "google",
        "delivery_preference": if sender { Value::Null } else { json!("residential") },
        "node": if sender { json!({"node_id": format!("{}{}", country, user_id % 100_000)}) } else { Value::Null },
        "intersection": null,
        "street_number": number,
        "comment": if sender { json!("Depósito") } else { Value::Null },
        "state": {"id": site.map_or("", |s| s.state), "name": site.map_or("", |s| s.state_name)},
        "neighborhood": {"id": null, "name": site.map_or("", |s| s.city)},
        "geolocation_last_updated": "2024-01-10T10:00:00.000-04:00",
        "longitude": -58.42,
    })
}

/// A shipment as `GET /shipments/{id}` returns it.
pub(crate) fn shipment_json(state: &Shared, s: &Shipment) -> Value {
    let buyer = state.user(s.buyer_id);
    let receiver = buyer.map_or(String::new(), |b| {
        format!("{} {}", b.first_name, b.last_name)
    });
    let currency = seed::site(s.site_id).map_or("ARS", |x| x.currency_id);
    let delivery = meli_time(s.date_created + TimeDelta::days(5));
    let limit = meli_time(s.date_created + TimeDelta::days(7));
    let origin = json!({
        "node": format!("{}{}", s.site_id, s.seller_id % 100_000),
        "shipping_address": address_json(s.site_id, s.seller_id, &["billing", "default_selling_address", "shipping"], true),
        "type": "selling_address",
        "sender_id": s.seller_id,
        "snapshot": {"id": format!("{}-origin", s.id), "version": 1},
    });
    let head = json!({
        "id": s.id,
        "snapshot_packing": {"snapshot_id": format!("{}-packing", s.id), "pack_hash": format!("{:x}", s.id)},
        "last_updated": meli_time(s.last_updated),
        "items_types": ["new"],
        "status": s.status,
        "substatus": s.substatus,
        "date_created": meli_time(s.date_created),
        "origin": origin,
        "destination": {
            "comments": null,
            "receiver_id": s.buyer_id,
            "receiver_name": receiver,
            "shipping_address": address_json(s.site_id, s.buyer_id, &["default_buying_address"], false),
            "type": "buying_address",
            "receiver_phone": "XXXXXXXXXX",
            "snapshot": {"id": format!("{}-destination", s.id), "version": 1},
        },
        "source": {"site_id": s.site_id, "market_place": "MELI", "customer_id": null, "application_id": null},
        "tags": ["test_mode_off"],
        "declared_value": money(s.declared_value),
        "logistic": {"mode": "me2", "type": s.logistic_type, "direction": "forward"},
        "sibling": {"reason": null, "sibling_id": null, "description": null, "source": null, "date_created": null, "last_updated": null},
        "priority_class": {"id": "standard"},
    });
    let tail = json!({
        "lead_time": {
            "processing_time": null,
            "cost": 0,
            "estimated_schedule_limit": {"date": null},
            "cost_type": "free",
            "estimated_delivery_final": {"date": limit},
            "buffering": {"date": null},
            "pickup_promise": {"from": null, "to": null},
            "list_cost": 0,
            "estimated_delivery_limit": {"date": limit},
            "priority_class": {"id": "standard"},
            "delivery_promise": "estimated",
            "shipping_method": {"name": "Normal", "deliver_to": "address", "id": 511948, "type": "standard"},
            "delivery_type": "estimated",
            "service_id": 22,
            "estimated_delivery_time": {
                "date": delivery,
                "pay_before": meli_time(s.date_created),
                "schedule": null,
                "unit": "hour",
                "offset": {"date": delivery, "shipping": 120},
                "shipping": 120,
                "time_frame": {"from": null, "to": null},
                "handling": 24,
                "type": "known_frame",
            },
            "option_id": s.id % 1_000_000_000,
            "estimated_delivery_extended": {"date": limit},
            "currency_id": currency,
        },
        "external_reference": null,
        "tracking_number": s.tracking_number,
        "tracking_method": "MEL Distribution",
        "quotation": null,
        "dimensions": {"height": 12, "width": 20, "length": 30, "weight": 800},
    });
    let mut out = head;
    if let (Some(out), Value::Object(tail)) = (out.as_object_mut(), tail) {
        out.extend(tail);
    }
    out
}

/// `GET /shipments/{id}`.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.required()?;
    let not_found = || ApiError::not_found(format!("Shipment {raw} not found"));
    let id: i64 = raw.parse().map_err(|_| not_found())?;
    let inner = state.lock();
    let shipment = inner.market.shipments.get(&id).ok_or_else(not_found)?;
    if shipment.seller_id != caller {
        return Err(ApiError::forbidden(
            "The caller is not authorized to access this shipment",
        ));
    }
    Ok(Json(shipment_json(&state, shipment)))
}
