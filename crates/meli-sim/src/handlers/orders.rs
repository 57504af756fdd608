//! `GET /orders/{id}` and `GET /orders/search`.
//!
//! Only the order's seller sees it (403 "The user has not access to the order" for anyone
//! else). Search needs `seller` equal to the caller and supports `order.status`,
//! `order.date_created.from|to`, `order.date_last_updated.from|to`, `q` (order id, item id,
//! title words or buyer nickname), `tags`, `sort=date_asc|date_desc` (default `date_asc`, as
//! the official sample) and `offset`/`limit`: `limit` defaults to 50 and may not exceed 51,
//! `offset` may not exceed 10,000 (third-party code stops there; meli-api.md §7).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Uri;
use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{Value, json};

use super::{Caller, money, query_map};
use crate::errors::ApiError;
use crate::market::{Market, Order};
use crate::seed::Item;
use crate::state::{AppState, Shared, meli_time};

/// Largest `limit` of `/orders/search`.
pub(crate) const MAX_LIMIT: i64 = 51;
/// Largest `offset` of `/orders/search`.
pub(crate) const MAX_OFFSET: i64 = 10_000;

fn sku(item: Option<&Item>) -> Value {
    item.map_or(Value::Null, |i| {
        let model = i
            .attributes
            .iter()
            .find(|a| a.id == "MODEL")
            .map_or("", |a| a.value);
        json!(
            model
                .to_uppercase()
                .replace(' ', "-")
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
        )
    })
}

/// `payments[].status`, `status_detail` and `available_actions` of an order's one payment: a
/// partial refund keeps the payment `approved` with `partially_refunded` as its detail; a whole
/// refund makes it `refunded`; an order cancelled before paying leaves it `cancelled`.
fn payment_state(order: &Order) -> (&'static str, &'static str, Value) {
    if order.unpaid {
        ("cancelled", "expired", json!([]))
    } else if !order.refunded.is_zero() && order.refunded >= order.total() {
        ("refunded", "refunded", json!([]))
    } else if !order.refunded.is_zero() {
        ("approved", "partially_refunded", json!(["refund"]))
    } else {
        ("approved", "accredited", json!(["refund"]))
    }
}

fn payment_json(order: &Order, item: Option<&Item>) -> Value {
    let total = order.total();
    let fee = order.sale_fee(item) * rust_decimal::Decimal::from(order.quantity);
    let card = order.payment_id % 3 == 0;
    let (status, detail, actions) = payment_state(order);
    let paid = if order.unpaid {
        rust_decimal::Decimal::ZERO
    } else {
        total
    };
    json!({
        "id": order.payment_id,
        "order_id": order.id,
        "payer_id": order.buyer_id,
        "collector": {"id": order.seller_id},
        "card_id": null,
        "reason": item.map_or("", |i| i.title),
        "site_id": order.site_id,
        "payment_method_id": if card { "visa" } else { "account_money" },
        "currency_id": order.currency_id,
        "installments": if card { 3 } else { 1 },
        "issuer_id": if card { "310" } else { "2007" },
        "atm_transfer_reference": {"transaction_id": null, "company_id": null},
        "activation_uri": null,
        "operation_type": "regular_payment",
        "payment_type": if card { "credit_card" } else { "account_money" },
        "available_actions": actions,
        "status": status,
        "status_code": null,
        "status_detail": detail,
        "transaction_amount": money(total),
        "transaction_amount_refunded": money(order.refunded),
        "taxes_amount": 0,
        "shipping_cost": 0,
        "overpaid_amount": 0,
        "total_paid_amount": money(paid),
        "installment_amount": null,
        "deferred_period": null,
        "date_approved": order.date_closed.map(meli_time),
        "transaction_order_id": null,
        "date_created": meli_time(order.date_created),
        "date_last_modified": meli_time(order.last_updated),
        "marketplace_fee": money(fee),
        "reference_id": null,
        "authorization_code": null,
    })
}

/// `cancel_detail` of a cancelled order: who cancelled and why.
fn cancel_detail(order: &Order) -> Value {
    if order.status != "cancelled" {
        return Value::Null;
    }
    let (group, code, description, by) = if order.unpaid {
        (
            "payment",
            "payment_not_approved",
            "The payment was not made in time",
            "buyer",
        )
    } else {
        (
            "buyer",
            "buyer_cancel_purchase",
            "The buyer cancelled the purchase",
            "buyer",
        )
    };
    json!({
        "group": group,
        "code": code,
        "description": description,
        "requested_by": by,
        "date": meli_time(order.last_updated),
        "application_id": null,
    })
}

fn order_item_json(order: &Order, item: Option<&Item>) -> Value {
    json!({
        "item": {
            "id": order.item_id,
            "title": item.map_or("", |i| i.title),
            "category_id": item.map_or("", |i| i.category_id),
            "variation_id": null,
            "seller_custom_field": null,
            "variation_attributes": [],
            "warranty": item.map_or("", |i| i.warranty),
            "condition": item.map_or("new", |i| i.condition),
            "seller_sku": sku(item),
            "global_price": null,
            "net_weight": null,
            "user_product_id": format!("{}U{}", order.site_id, order.item_id.get(3..).unwrap_or("0")),
            "release_date": null,
        },
        "quantity": order.quantity,
        "requested_quantity": {"measure": "unit", "value": order.quantity},
        "picked_quantity": null,
        "unit_price": money(order.unit_price),
        "full_unit_price": money(order.full_unit_price),
        "currency_id": order.currency_id,
        "manufacturing_days": null,
        "sale_fee": money(order.sale_fee(item)),
        "listing_type_id": item.map_or("gold_special", |i| i.listing_type_id),
        "base_exchange_rate": null,
        "base_currency_id": null,
        "element_id": 1,
        "stock": [],
    })
}

fn tags(order: &Order, market: &Market) -> Vec<&'static str> {
    let mut tags = Vec::new();
    if order.pack_id.is_some() {
        tags.push("pack_order");
    }
    if order.full_unit_price > order.unit_price {
        tags.push("order_has_discount");
    }
    if matches!(order.status, "paid" | "partially_refunded") {
        tags.push("paid");
    }
    let delivered = market
        .shipments
        .get(&order.shipment_id)
        .is_some_and(|s| s.status == "delivered");
    tags.push(if delivered {
        "delivered"
    } else {
        "not_delivered"
    });
    if !order.claim_ids.is_empty() {
        tags.push("claim_opened");
    }
    tags
}

/// An order as `GET /orders/{id}` returns it (shape of the official 2024 pack-page sample, plus
/// `date_last_updated`, the name the search filter and older samples use).
pub(crate) fn order_json(state: &Shared, market: &Market, order: &Order) -> Value {
    let item = state.item(&order.item_id);
    let buyer = state.user(order.buyer_id);
    let total = money(order.total());
    let mut out = json!({
        "id": order.id,
        "date_created": meli_time(order.date_created),
        "last_updated": meli_time(order.last_updated),
        "date_last_updated": meli_time(order.last_updated),
        "date_closed": order.date_closed.map(meli_time),
        "pack_id": order.pack_id,
        "fulfilled": null,
        "buying_mode": "buy_equals_pay",
        "shipping_cost": 0,
        "mediations": order.claim_ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
        "total_amount": total,
        "paid_amount": if order.unpaid { json!(0) } else { total.clone() },
        "order_items": [order_item_json(order, item)],
        "currency_id": order.currency_id,
        "payments": [payment_json(order, item)],
        "shipping": {"id": order.shipment_id},
        "status": order.status,
        "status_detail": null,
        "tags": tags(order, market),
        "feedback": {"seller": null, "buyer": null},
        "context": {"channel": "marketplace", "site": order.site_id, "flows": []},
    });
    let parties = json!({
        "seller": {"id": order.seller_id, "user_type": null, "tags": [], "status": null, "buy_restrictions": []},
        "buyer": {
            "id": order.buyer_id,
            "nickname": buyer.map_or("", |b| b.nickname.as_str()),
            "user_type": null,
            "tags": [],
            "status": null,
            "buy_restrictions": [],
            "billing_info": {"id": order.billing_info_id},
        },
        "taxes": {"amount": null, "currency_id": null, "id": null},
        "cancel_detail": cancel_detail(order),
        "manufacturing_ending_date": null,
        "order_request": {"change": null, "return": null},
    });
    if let (Some(out), Value::Object(parties)) = (out.as_object_mut(), parties) {
        out.extend(parties);
    }
    out
}

/// The order `raw` if the caller is its seller.
pub(crate) fn visible_order(state: &Shared, caller: i64, raw: &str) -> Result<Order, ApiError> {
    let not_found = || ApiError::not_found("Order not found");
    let id: i64 = raw.parse().map_err(|_| not_found())?;
    let inner = state.lock();
    let order = inner.market.orders.get(&id).ok_or_else(not_found)?;
    if order.seller_id != caller {
        return Err(ApiError::forbidden("The user has not access to the order"));
    }
    Ok(order.clone())
}

/// `GET /orders/{id}`.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.required()?;
    let order = visible_order(&state, caller, &raw)?;
    let inner = state.lock();
    Ok(Json(order_json(&state, &inner.market, &order)))
}

/// Parses a search date (`2015-07-01T00:00:00.000-00:00`, also without the offset's colon).
fn parse_date(key: &str, raw: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| ApiError::bad_request(format!("Invalid value for parameter {key}: {raw}")))
}

fn int(query: &HashMap<String, String>, key: &str, default: i64) -> Result<i64, ApiError> {
    match query.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| ApiError::bad_request(format!("Invalid value for parameter {key}: {v}"))),
    }
}

/// A date window filter: `(field name, from, to)`.
type Window = (&'static str, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

fn windows(query: &HashMap<String, String>) -> Result<Vec<Window>, ApiError> {
    let mut out = Vec::new();
    for field in ["date_created", "date_last_updated"] {
        let bound = |edge: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
            let key = format!("order.{field}.{edge}");
            query
                .get(&key)
                .map(|v| parse_date(&key, v.trim()))
                .transpose()
        };
        let (from, to) = (bound("from")?, bound("to")?);
        if from.is_some() || to.is_some() {
            out.push((field, from, to));
        }
    }
    Ok(out)
}

fn matches_q(state: &Shared, order: &Order, q: &str) -> bool {
    let q = q.to_lowercase();
    order.id.to_string() == q
        || order.item_id.to_lowercase() == q
        || state
            .item(&order.item_id)
            .is_some_and(|i| i.title.to_lowercase().contains(&q))
        || state
            .user(order.buyer_id)
            .is_some_and(|b| b.nickname.to_lowercase() == q)
}

/// `GET /orders/search?seller=…`.
pub(crate) async fn search(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.required()?;
    let query = query_map(uri.query());
    let seller = query
        .get("seller")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::bad_request("Missing required parameter: seller"))?;
    if seller.parse::<i64>().ok() != Some(caller) {
        return Err(ApiError::forbidden(
            "The User ID must match the consultant's",
        ));
    }
    let offset = int(&query, "offset", 0)?;
    let limit = int(&query, "limit", 50)?;
    if !(0..=MAX_OFFSET).contains(&offset) {
        return Err(ApiError::bad_request(format!(
            "The offset must be between 0 and {MAX_OFFSET}"
        )));
    }
    if !(0..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "The limit must be between 0 and {MAX_LIMIT}"
        )));
    }
    let descending = match query.get("sort").map(String::as_str) {
        None | Some("date_asc") => false,
        Some("date_desc") => true,
        Some(other) => return Err(ApiError::bad_request(format!("Invalid sort: {other}"))),
    };
    let windows = windows(&query)?;
    let status = query.get("order.status").filter(|s| !s.is_empty());
    let tag = query.get("tags").filter(|s| !s.is_empty());
    let q = query.get("q").filter(|s| !s.is_empty());

    let inner = state.lock();
    let market = &inner.market;
    let own: Vec<&Order> = market
        .orders
        .values()
        .filter(|o| o.seller_id == caller)
        .collect();
    let mut found: Vec<&Order> = own
        .iter()
        .copied()
        .filter(|o| status.is_none_or(|s| o.status == s))
        .filter(|o| tag.is_none_or(|t| tags(o, market).contains(&t.as_str())))
        .filter(|o| q.is_none_or(|q| matches_q(&state, o, q)))
        .filter(|o| {
            windows.iter().all(|(field, from, to)| {
                // Compared as shown: to the millisecond.
                let at = if *field == "date_created" {
                    o.date_created
                } else {
                    o.last_updated
                }
                .trunc_subsecs(3);
                from.is_none_or(|f| at >= f) && to.is_none_or(|t| at <= t)
            })
        })
        .collect();
    found.sort_by_key(|o| (o.date_created, o.id));
    if descending {
        found.reverse();
    }
    let total = found.len();
    let results: Vec<Value> = found
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|o| order_json(&state, market, o))
        .collect();
    let status_values: Vec<Value> = [
        ("paid", "Order Paid"),
        ("partially_refunded", "Partially Refunded"),
        ("confirmed", "Order Confirmed"),
        ("payment_in_process", "Payment in Process"),
        ("payment_required", "Payment Required"),
        ("cancelled", "Order Cancelled"),
        ("invalid", "Invalid"),
    ]
    .iter()
    .map(|(id, name)| {
        let n = own.iter().filter(|o| o.status == *id).count();
        json!({"id": id, "name": name, "results": n})
    })
    .collect();
    let mut filters = Vec::new();
    if let Some(s) = status {
        filters.push(json!({"id": "order.status", "name": "Order Status", "type": "text", "values": [{"id": s, "name": s}]}));
    }
    if let Some(t) = tag {
        filters.push(
            json!({"id": "tags", "name": "Tags", "type": "text", "values": [{"id": t, "name": t}]}),
        );
    }
    let sort = if descending {
        json!({"id": "date_desc", "name": "Date descending"})
    } else {
        json!({"id": "date_asc", "name": "Date ascending"})
    };
    let other_sort = if descending {
        json!({"id": "date_asc", "name": "Date ascending"})
    } else {
        json!({"id": "date_desc", "name": "Date descending"})
    };
    Ok(Json(json!({
        "query": q.map_or("", String::as_str),
        "display": "complete",
        "paging": {"total": total, "offset": offset, "limit": limit},
        "results": results,
        "sort": sort,
        "available_sorts": [other_sort],
        "filters": filters,
        "available_filters": [
            {"id": "order.status", "name": "Order Status", "type": "text", "values": status_values},
        ],
    })))
}
