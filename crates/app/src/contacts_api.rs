//! The JSON API of contacts and leads. Every read is scoped to the signed-in person's
//! organization in the store's SQL: another organization's contact is "not found".

use crate::auth::ApiPerson;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use domain::*;
use serde::{Deserialize, Serialize};
use store::{ContactFilter, ContactRecord, ConversationSummary, LeadFilter, LeadRecord};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/contacts", get(contacts))
        .route("/api/contacts/{id}", get(contact))
        .route("/api/leads", get(leads))
}

/// How many orders, conversations and leads a contact's page shows.
pub const CONTACT_PAGE_ROWS: i64 = 100;

#[derive(Deserialize, Default, Debug, Clone)]
pub struct ContactQuery {
    /// A store's seller id; empty means every store.
    pub seller_id: Option<String>,
    /// Part of the name, nickname, document, e-mail or phone, or the buyer's user id.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Deserialize, Default, Debug, Clone)]
pub struct LeadQuery {
    pub seller_id: Option<String>,
    pub item_id: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn seller_filter(raw: &Option<String>) -> AppResult<Option<SellerId>> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| {
            AppError::bad_request(
                "invalid_filter",
                format!("seller_id {raw:?} is not a Mercado Libre seller id"),
            )
        }),
    }
}

impl ContactQuery {
    pub fn to_filter(&self) -> AppResult<ContactFilter> {
        Ok(ContactFilter {
            seller_id: seller_filter(&self.seller_id)?,
            search: self.q.clone(),
            limit: self.limit,
            offset: self.offset,
        })
    }
}

impl LeadQuery {
    pub fn to_filter(&self) -> AppResult<LeadFilter> {
        Ok(LeadFilter {
            seller_id: seller_filter(&self.seller_id)?,
            item_id: self
                .item_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| ItemId(s.to_string())),
            contact: None,
            limit: self.limit,
            offset: self.offset,
        })
    }
}

/// A contact with everything its page shows.
#[derive(Debug, Serialize)]
pub struct ContactDetail {
    pub contact: ContactRecord,
    /// Newest first.
    pub orders: Vec<Order>,
    pub conversations: Vec<ConversationSummary>,
    pub leads: Vec<LeadRecord>,
}

/// The contact `id` of `org`, with its orders, conversations and leads.
pub async fn contact_detail(
    state: &AppState,
    org: OrgId,
    id: ContactId,
) -> AppResult<ContactDetail> {
    let contact = state
        .store
        .org_contact(org, id)
        .await?
        .ok_or(AppError::NotFound("contact"))?;
    let orders = state
        .store
        .org_contact_orders(org, id, CONTACT_PAGE_ROWS)
        .await?;
    let conversations = state
        .store
        .org_conversations(
            org,
            &store::ConversationFilter {
                seller_id: Some(contact.contact.seller_id),
                buyer_id: Some(contact.contact.meli_user_id),
                limit: Some(CONTACT_PAGE_ROWS),
                ..Default::default()
            },
        )
        .await?;
    let leads = state
        .store
        .org_leads(
            org,
            &LeadFilter {
                contact: Some(id),
                limit: Some(CONTACT_PAGE_ROWS),
                ..Default::default()
            },
        )
        .await?;
    Ok(ContactDetail {
        contact,
        orders,
        conversations,
        leads,
    })
}

#[utoipa::path(
    get,
    path = "/api/contacts",
    tag = "contacts",
    summary = "The organization's contacts (one per store and buyer), most recently changed first. Phone and e-mail appear only when the buyer gave them (a lead) or the invoice data holds them.",
    params(("seller_id" = Option<String>, Query, description = "A store's seller id"), ("q" = Option<String>, Query, description = "part of the name, nickname, document, e-mail or phone, or the buyer's user id"), ("limit" = Option<i64>, Query, description = "1 to 500, default 100"), ("offset" = Option<i64>, Query, description = "rows to skip")),
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn contacts(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Query(q): Query<ContactQuery>,
) -> AppResult<Json<Vec<ContactRecord>>> {
    Ok(Json(
        state
            .store
            .org_contacts(person.org_id, &q.to_filter()?)
            .await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/contacts/{id}",
    tag = "contacts",
    summary = "One contact with its orders, conversations and leads.",
    params(("id" = i64, Path, description = "contact id")),
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn contact(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Path(id): Path<i64>,
) -> AppResult<Json<ContactDetail>> {
    Ok(Json(
        contact_detail(&state, person.org_id, ContactId(id)).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/leads",
    tag = "contacts",
    summary = "The organization's leads on classified listings (vehicles, real estate, services), newest first, with the name, phone and e-mail the buyer shared.",
    params(("seller_id" = Option<String>, Query, description = "A store's seller id"), ("item_id" = Option<String>, Query, description = "A listing id"), ("limit" = Option<i64>, Query, description = "1 to 500, default 100"), ("offset" = Option<i64>, Query, description = "rows to skip")),
    responses((status = 200, description = "done", body = serde_json::Value), (status = "4XX", description = "the project's error shape: {\"error\": {\"code\", \"message\"}}", body = serde_json::Value))
)]
pub(crate) async fn leads(
    State(state): State<AppState>,
    ApiPerson(person): ApiPerson,
    Query(q): Query<LeadQuery>,
) -> AppResult<Json<Vec<LeadRecord>>> {
    Ok(Json(
        state
            .store
            .org_leads(person.org_id, &q.to_filter()?)
            .await?,
    ))
}
