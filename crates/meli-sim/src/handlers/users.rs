//! `GET /users/me` and `GET /users/{id}`: the public shape for anyone, plus private data
//! (name, email, identification, phone, buyer reputation, status details) for the owner.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::Caller;
use crate::errors::ApiError;
use crate::seed::{self, User};
use crate::state::AppState;

/// `GET /users/me`.
pub(crate) async fn me(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let id = caller.required()?;
    let user = state
        .user(id)
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    Ok(Json(private_json(user)))
}

/// `GET /users/{id}`.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id: i64 = raw
        .parse()
        .map_err(|_| ApiError::not_found(format!("User not found: {raw}")))?;
    let user = state
        .user(id)
        .ok_or_else(|| ApiError::not_found(format!("User not found: {id}")))?;
    if caller.0 == Some(id) {
        Ok(Json(private_json(user)))
    } else {
        Ok(Json(public_json(user)))
    }
}

fn permalink(user: &User) -> String {
    let host = seed::site(user.site_id).map_or("perfil.mercadolibre.com.ar", |s| s.profile_host);
    format!("http://{host}/{}", user.nickname)
}

/// The public view (shape of `users/user-by-id-public.json`).
pub(crate) fn public_json(user: &User) -> Value {
    let site = seed::site(user.site_id);
    json!({
        "id": user.id,
        "nickname": user.nickname,
        "country_id": site.map_or("AR", |s| s.country_id),
        "address": {
            "city": site.map_or("", |s| s.city),
            "state": site.map_or("", |s| s.state),
        },
        "user_type": "normal",
        "site_id": user.site_id,
        "permalink": permalink(user),
        "seller_reputation": {
            "level_id": if user.is_seller { json!("5_green") } else { Value::Null },
            "power_seller_status": if user.is_seller { json!("gold") } else { Value::Null },
            "transactions": {"period": "historic", "total": user.transactions},
        },
        "status": {"site_status": "active"},
    })
}

/// The owner's view (shape of `users/users-me.json`).
pub(crate) fn private_json(user: &User) -> Value {
    let site = seed::site(user.site_id);
    let completed = user.transactions.saturating_mul(97) / 100;
    let canceled = user.transactions - completed;
    let positive = completed.saturating_mul(95) / 100;
    let neutral = completed.saturating_mul(3) / 100;
    let negative = completed - positive - neutral;
    let restrictions = json!({
        "allow": true, "codes": [],
        "immediate_payment": {"required": false, "reasons": []},
    });
    let contact = seed::contact(user);
    let mut out = public_json(user);
    let extra = json!({
        "registration_date": user.registration_date,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": contact.email,
        "identification": {
            "type": contact.doc_type,
            "number": contact.doc_number,
        },
        "address": {
            "state": site.map_or("", |s| s.state),
            "city": site.map_or("", |s| s.city),
            "address": "Av. Siempre Viva 742",
            "zip_code": "1414",
        },
        "phone": {"area_code": contact.area_code, "number": contact.number, "extension": "", "verified": true},
        "alternative_phone": {"area_code": "", "number": "", "extension": ""},
        "tags": if user.is_seller { json!(["normal", "user_info_verified", "mshops"]) } else { json!(["normal", "user_info_verified"]) },
        "logo": null,
        "points": user.transactions.min(5000),
        "seller_experience": if user.is_seller { "ADVANCED" } else { "NEWBIE" },
        "seller_reputation": {
            "level_id": if user.is_seller { json!("5_green") } else { Value::Null },
            "power_seller_status": if user.is_seller { json!("gold") } else { Value::Null },
            "transactions": {
                "period": "historic",
                "total": user.transactions,
                "completed": completed,
                "canceled": canceled,
                "ratings": {"positive": positive, "negative": negative, "neutral": neutral},
            },
        },
        "buyer_reputation": {
            "canceled_transactions": 0,
            "transactions": {
                "period": "historic",
                "total": null,
                "completed": null,
                "canceled": {"total": null, "paid": null},
                "unrated": {"total": null, "paid": null},
                "not_yet_rated": {"total": null, "paid": null, "units": null},
            },
            "tags": [],
        },
        "status": {
            "site_status": "active",
            "list": restrictions.clone(),
            "buy": restrictions.clone(),
            "sell": restrictions,
            "billing": {"allow": true, "codes": []},
            "mercadopago_tc_accepted": true,
            "mercadopago_account_type": "personal",
            "mercadoenvios": "accepted",
            "immediate_payment": false,
            "confirmed_email": true,
            "user_type": "normal",
            "required_action": "",
        },
        "credit": {"consumed": 100, "credit_level_id": format!("{}1", user.site_id)},
    });
    if let (Some(out), Value::Object(extra)) = (out.as_object_mut(), extra) {
        out.extend(extra);
    }
    out
}

/// `GET /users/{id}/questions/response_time`: how fast the seller answers, in minutes, from the
/// questions answered on the simulator. The shape (a total and the weekday/weekend split) is
/// believed [B], not documented; without answered questions Mercado Libre's documented 404.
pub(crate) async fn questions_response_time(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.required()?;
    let id: i64 = raw
        .parse()
        .map_err(|_| ApiError::not_found(format!("Response time not found for user id: {raw}")))?;
    let minutes: Vec<i64> = state
        .lock()
        .questions
        .values()
        .filter(|q| q.seller_id == id)
        .filter_map(|q| {
            q.answer
                .as_ref()
                .map(|a| (a.date_created - q.date_created).num_minutes())
        })
        .filter(|m| *m >= 0)
        .collect();
    if minutes.is_empty() {
        return Err(ApiError::not_found(format!(
            "Response time not found for user id: {id}"
        )));
    }
    let mean = minutes.iter().sum::<i64>() / i64::try_from(minutes.len()).unwrap_or(1).max(1);
    Ok(Json(json!({
        "user_id": id,
        "total": { "response_time": mean },
        "weekdays_working_hours": { "response_time": mean, "sales_percent_increase": null },
        "weekdays_extra_hours": { "response_time": mean, "sales_percent_increase": null },
        "weekend": { "response_time": mean, "sales_percent_increase": null }
    })))
}
