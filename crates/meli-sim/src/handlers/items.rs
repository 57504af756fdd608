//! `GET /items/{id}` and the verbose multiget `GET /items?ids=…` (max 20 ids), both with the
//! optional `attributes=` field selection. Items are public; a token is optional (but must be
//! valid when present).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Uri;
use serde_json::{Map, Value, json};

use super::{Caller, query_map};
use crate::errors::ApiError;
use crate::seed::{self, Item, Lang};
use crate::state::AppState;

/// Multiget ceiling, as documented.
pub(crate) const MAX_IDS: usize = 20;

/// `GET /items/{id}`.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let query = query_map(uri.query());
    let item = state.item(&id).ok_or_else(|| item_not_found(&id))?;
    Ok(Json(select(item_json(item), query.get("attributes"))))
}

/// `GET /items?ids=A,B[&attributes=…]`.
pub(crate) async fn multiget(
    State(state): State<AppState>,
    _caller: Caller,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let query = query_map(uri.query());
    let ids: Vec<&str> = query
        .get("ids")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(ApiError::bad_request("Missing required parameter: ids"));
    }
    if ids.len() > MAX_IDS {
        return Err(ApiError::bad_request(format!(
            "The number of ids must be lower or equal to {MAX_IDS}"
        )));
    }
    let out: Vec<Value> = ids
        .iter()
        .map(|id| match state.item(id) {
            Some(item) => {
                json!({"code": 200, "body": select(item_json(item), query.get("attributes"))})
            }
            None => json!({"code": 404, "body": item_not_found(id).body()}),
        })
        .collect();
    Ok(Json(Value::Array(out)))
}

fn item_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Item with id {id} not found"))
}

/// Keeps only the comma-separated top-level fields of `attributes=` (all when absent/empty).
fn select(item: Value, attributes: Option<&String>) -> Value {
    let wanted: Vec<&str> = attributes
        .map(|a| {
            a.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if wanted.is_empty() {
        return item;
    }
    match item {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| wanted.contains(&k.as_str()))
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

/// An exact decimal literal as a JSON number (`"399"` → 399, `"45999.99"` → 45999.99).
fn number(literal: &str) -> Value {
    serde_json::from_str::<serde_json::Number>(literal)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn attribute_json(id: &str, name: &str, value: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "value_id": null,
        "value_name": value,
        "values": [{"id": null, "name": value, "struct": null}],
        "value_type": "string",
    })
}

/// The full public item (shape of the official `GET /items/{id}` samples); a classified
/// listing has `buying_mode: classified`, no shipping, no warranty terms, no Mercado Pago.
pub(crate) fn item_json(item: &Item) -> Value {
    let site = seed::site(item.site_id);
    let lang = Lang::for_site(item.site_id);
    let digits = item.id.get(3..).unwrap_or("0");
    let picture_id = format!(
        "{}-{}{}_sim",
        digits.get(..6).unwrap_or(digits),
        item.site_id,
        digits
    );
    let factory = item.warranty.contains("fábrica");
    let (warranty_name, warranty_type) = match (lang, factory) {
        (Lang::Es, true) => ("Tipo de garantía", "Garantía de fábrica"),
        (Lang::Es, false) => ("Tipo de garantía", "Garantía del vendedor"),
        (Lang::Pt, true) => ("Tipo de garantia", "Garantia de fábrica"),
        (Lang::Pt, false) => ("Tipo de garantia", "Garantia do vendedor"),
    };
    let warranty_value_id = if factory { "2230280" } else { "2230279" };
    let classified = item.buying_mode == "classified";
    let sale_terms = if classified {
        // Nothing is sold through Mercado Libre: no warranty terms.
        json!([])
    } else {
        json!([{
            "id": "WARRANTY_TYPE",
            "name": warranty_name,
            "value_id": warranty_value_id,
            "value_name": warranty_type,
            "value_struct": null,
            "values": [{"id": warranty_value_id, "name": warranty_type, "struct": null}],
            "value_type": "list",
        }])
    };
    let shipping = if classified {
        json!({
            "mode": "not_specified",
            "methods": [],
            "tags": [],
            "dimensions": null,
            "local_pick_up": false,
            "free_shipping": false,
            "logistic_type": "not_specified",
            "store_pick_up": false,
        })
    } else {
        json!({
            "mode": "me2",
            "methods": [],
            "tags": if item.free_shipping { json!(["mandatory_free_shipping"]) } else { json!([]) },
            "dimensions": null,
            "local_pick_up": false,
            "free_shipping": item.free_shipping,
            "logistic_type": "cross_docking",
            "store_pick_up": false,
        })
    };
    let tags = if classified {
        json!(["good_quality_thumbnail"])
    } else {
        json!([
            "good_quality_thumbnail",
            "immediate_payment",
            "cart_eligible"
        ])
    };
    let attributes: Vec<Value> = item
        .attributes
        .iter()
        .map(|a| attribute_json(a.id, a.name, a.value))
        .collect();
    json!({
        "id": item.id,
        "site_id": item.site_id,
        "title": item.title,
        "family_name": item.title,
        "family_id": digits.parse::<i64>().map_or(0, |d| d.wrapping_mul(7) % 9_000_000_000_000_000),
        "seller_id": item.seller_id,
        "category_id": item.category_id,
        "user_product_id": format!("{}U{}", item.site_id, digits),
        "official_store_id": null,
        "price": number(item.price),
        "base_price": number(item.price),
        "original_price": item.original_price.map_or(Value::Null, number),
        "inventory_id": null,
        "currency_id": item.currency_id,
        "initial_quantity": item.available_quantity + item.sold_quantity,
        "available_quantity": item.available_quantity,
        "sold_quantity": item.sold_quantity,
        "sale_terms": sale_terms,
        "buying_mode": item.buying_mode,
        "listing_type_id": item.listing_type_id,
        "start_time": item.date_created,
        "stop_time": "2045-08-12T04:00:00.000Z",
        "end_time": "2045-08-12T04:00:00.000Z",
        "expiration_time": "2045-08-12T04:00:00.000Z",
        "condition": item.condition,
        "permalink": item.permalink,
        "thumbnail_id": picture_id,
        "thumbnail": item.picture_url,
        "secure_thumbnail": item.picture_url,
        "pictures": [{
            "id": picture_id,
            "url": item.picture_url,
            "secure_url": item.picture_url,
            "size": "500x500",
            "max_size": "500x500",
            "quality": "",
        }],
        "video_id": null,
        "descriptions": [],
        "accepts_mercadopago": !classified,
        "non_mercado_pago_payment_methods": [],
        "shipping": shipping,
        "international_delivery_mode": "none",
        "seller_address": {
            "address_line": "",
            "zip_code": "",
            "city": {"id": "", "name": site.map_or("", |s| s.city)},
            "state": {"id": site.map_or("", |s| s.state), "name": site.map_or("", |s| s.state_name)},
            "country": {"id": site.map_or("", |s| s.country_id), "name": country_name(item.site_id)},
            "search_location": {
                "neighborhood": {"id": "", "name": ""},
                "city": {"id": "", "name": site.map_or("", |s| s.city)},
                "state": {"id": "", "name": site.map_or("", |s| s.state_name)},
            },
            "latitude": 0.0,
            "longitude": 0.0,
            "id": item.seller_id,
        },
        "seller_contact": null,
        "location": {},
        "geolocation": {"latitude": 0.0, "longitude": 0.0},
        "coverage_areas": [],
        "attributes": attributes,
        "warnings": [],
        "listing_source": "",
        "variations": [],
        "status": "active",
        "sub_status": [],
        "tags": tags,
        "warranty": if classified { Value::Null } else { json!(item.warranty) },
        "catalog_product_id": null,
        "domain_id": item.domain_id,
        "seller_custom_field": null,
        "parent_item_id": null,
        "differential_pricing": null,
        "deal_ids": [],
        "automatic_relist": false,
        "date_created": item.date_created,
        "last_updated": item.date_created,
        "health": null,
        "catalog_listing": false,
        "item_relations": [],
        "channels": ["marketplace"],
    })
}

fn country_name(site_id: &str) -> &'static str {
    match site_id {
        "MLA" => "Argentina",
        "MLB" => "Brasil",
        "MLM" => "Mexico",
        _ => "",
    }
}
