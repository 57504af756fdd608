//! `GET /packs/{id}`: a cart's orders and shipment, for its seller only.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::Caller;
use crate::errors::ApiError;
use crate::market::Pack;
use crate::state::AppState;

/// Packs use `-0400` offsets (no colon), as the official sample does.
fn pack_time(t: chrono::DateTime<chrono::Utc>) -> String {
    match chrono::FixedOffset::west_opt(4 * 3600) {
        Some(offset) => t
            .with_timezone(&offset)
            .format("%Y-%m-%dT%H:%M:%S%.3f%z")
            .to_string(),
        None => crate::state::utc_time(t),
    }
}

/// A pack as `GET /packs/{id}` returns it (shape of the official sample).
pub(crate) fn pack_json(pack: &Pack) -> Value {
    json!({
        "id": pack.id,
        "status": pack.status,
        "status_detail": null,
        "buyer": {"id": pack.buyer_id},
        "shipment": {"id": pack.shipment_id},
        "orders": pack.order_ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
        "date_created": pack_time(pack.date_created),
        "last_updated": pack_time(pack.last_updated),
    })
}

/// `GET /packs/{id}`.
pub(crate) async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.required()?;
    let not_found = || ApiError::not_found(format!("Pack {raw} not found"));
    let id: i64 = raw.parse().map_err(|_| not_found())?;
    let inner = state.lock();
    let pack = inner.market.packs.get(&id).ok_or_else(not_found)?;
    if pack.seller_id != caller {
        return Err(ApiError::forbidden("The user has not access to the order"));
    }
    Ok(Json(pack_json(pack)))
}
