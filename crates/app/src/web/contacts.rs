//! The contacts list, a contact's page (data, conversations, orders, leads) and the leads page.
//! Reads go through the same organization-scoped store calls as the JSON API.

use super::thread::money;
use super::{Page, Ui, render};
use crate::contacts_api::{ContactQuery, LeadQuery, contact_detail};
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::localtime::{format_local, site_zone};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use domain::*;
use store::{ContactRecord, LeadRecord};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list))
        .route("/contacts/{id}", get(page))
        .route("/leads", get(leads))
}

/// The site a store sells on, for local times and money (from its listing id when the store is
/// not known).
fn site_of(stores: &[store::Connection], seller: SellerId, item: Option<&ItemId>) -> String {
    stores
        .iter()
        .find(|c| c.seller_id == seller)
        .map(|c| c.site_id.clone())
        .or_else(|| item.map(|i| i.0.chars().take(3).collect()))
        .unwrap_or_default()
}

fn when(ui: &Ui, at: DateTime<Utc>, site: &str) -> String {
    format_local(at, site_zone(site), ui.lang)
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".to_string())
}

pub(super) struct ContactRow {
    id: i64,
    name: String,
    nickname: String,
    buyer_id: i64,
    store: String,
    document: String,
    phone: String,
    email: String,
    orders: i64,
    conversations: i64,
    leads: i64,
    last_order: String,
}

fn contact_row(ui: &Ui, c: &ContactRecord, site: &str) -> ContactRow {
    let k = &c.contact;
    ContactRow {
        id: c.id.0,
        name: k
            .name
            .clone()
            .or_else(|| k.nickname.clone())
            .unwrap_or_else(|| k.meli_user_id.to_string()),
        nickname: k.nickname.clone().unwrap_or_default(),
        buyer_id: k.meli_user_id.0,
        store: c
            .store_nickname
            .clone()
            .unwrap_or_else(|| k.seller_id.to_string()),
        document: match (&k.doc_type, &k.doc_number) {
            (Some(t), Some(n)) => format!("{t} {n}"),
            (None, Some(n)) => n.clone(),
            _ => "—".to_string(),
        },
        phone: or_dash(&k.phone),
        email: or_dash(&k.email),
        orders: c.orders,
        conversations: c.conversations,
        leads: c.leads,
        last_order: c
            .last_order_at
            .map(|t| when(ui, t, site))
            .unwrap_or_else(|| "—".to_string()),
    }
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    ui: Ui,
    person: Person,
    contacts: Vec<ContactRow>,
    search: String,
}

async fn list(
    State(state): State<AppState>,
    Page { person, ui }: Page,
    Query(q): Query<ContactQuery>,
) -> Response {
    let filter = match q.to_filter() {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let (found, stores) = match tokio::try_join!(
        state.store.org_contacts(person.org_id, &filter),
        state.store.org_connections(person.org_id)
    ) {
        Ok(both) => both,
        Err(e) => return AppError::from(e).into_response(),
    };
    let contacts = found
        .iter()
        .map(|c| contact_row(&ui, c, &site_of(&stores, c.contact.seller_id, None)))
        .collect();
    render(&ContactsPage {
        ui,
        person,
        contacts,
        search: q.q.unwrap_or_default(),
    })
}

pub(super) struct OrderRow {
    id: i64,
    date: String,
    status: String,
    total: String,
    items: String,
}

pub(super) struct ConversationRow {
    id: i64,
    category: String,
    status: String,
    title: String,
    last_text: String,
    date: String,
}

pub(super) struct LeadRow {
    lead_id: String,
    kind: String,
    listing: String,
    permalink: Option<String>,
    name: String,
    phone: String,
    email: String,
    date: String,
    contact_id: Option<i64>,
    store: String,
}

fn lead_row(ui: &Ui, l: &LeadRecord, site: &str) -> LeadRow {
    LeadRow {
        lead_id: l.lead.lead_id.clone(),
        kind: ui.word("lead-kind", &l.lead.contact_type),
        listing: l
            .item_title
            .clone()
            .or_else(|| l.lead.item_id.as_ref().map(|i| i.0.clone()))
            .unwrap_or_else(|| "—".to_string()),
        permalink: l.item_permalink.clone(),
        name: l.lead.name.clone().unwrap_or_else(|| ui.t("leads-guest")),
        phone: or_dash(&l.lead.phone),
        email: or_dash(&l.lead.email),
        date: when(ui, l.lead.contacted_at, site),
        contact_id: l.contact_id.map(|c| c.0),
        store: l
            .store_nickname
            .clone()
            .unwrap_or_else(|| l.lead.seller_id.to_string()),
    }
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    ui: Ui,
    person: Person,
    c: ContactRow,
    orders: Vec<OrderRow>,
    conversations: Vec<ConversationRow>,
    leads: Vec<LeadRow>,
    /// The buyer's RFM segment in the contact's store, worded.
    segment: String,
}

async fn page(
    State(state): State<AppState>,
    Page { person, ui }: Page,
    Path(id): Path<i64>,
) -> Response {
    let detail = match contact_detail(&state, person.org_id, ContactId(id)).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let stores = match state.store.org_connections(person.org_id).await {
        Ok(s) => s,
        Err(e) => return AppError::from(e).into_response(),
    };
    let site = site_of(&stores, detail.contact.contact.seller_id, None);
    let orders = detail
        .orders
        .iter()
        .map(|o| OrderRow {
            id: o.order_id.0,
            date: when(&ui, o.date_created, &site),
            status: ui.word("order-status", &o.status.to_ascii_lowercase()),
            total: money(o.total_amount, &o.currency_id),
            items: o
                .items
                .iter()
                .map(|i| format!("{} × {}", i.quantity, i.title))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let conversations = detail
        .conversations
        .iter()
        .map(|s| ConversationRow {
            id: s.conversation.id.0,
            category: ui.tc("category", s.conversation.category.as_str()),
            status: ui.tc("status", s.conversation.status.as_str()),
            title: s.item_title.clone().unwrap_or_default(),
            last_text: s.last_text.clone().unwrap_or_default(),
            date: when(&ui, s.conversation.last_inbound_at, &site),
        })
        .collect();
    let leads = detail
        .leads
        .iter()
        .map(|l| lead_row(&ui, l, &site))
        .collect();
    let who = &detail.contact.contact;
    let segment = match crate::figures::customer_segment(
        &state,
        person.org_id,
        who.seller_id,
        who.meli_user_id,
    )
    .await
    {
        Ok(s) => s.map_or_else(
            || ui.t("context-segment-none"),
            |s| ui.tc("rfm-segment", s.code()),
        ),
        Err(e) => return e.into_response(),
    };
    let c = contact_row(&ui, &detail.contact, &site);
    render(&ContactPage {
        c,
        orders,
        conversations,
        leads,
        segment,
        ui,
        person,
    })
}

#[derive(Template)]
#[template(path = "leads.html")]
struct LeadsPage {
    ui: Ui,
    person: Person,
    leads: Vec<LeadRow>,
}

async fn leads(
    State(state): State<AppState>,
    Page { person, ui }: Page,
    Query(q): Query<LeadQuery>,
) -> Response {
    let filter = match q.to_filter() {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let (found, stores) = match tokio::try_join!(
        state.store.org_leads(person.org_id, &filter),
        state.store.org_connections(person.org_id)
    ) {
        Ok(both) => both,
        Err(e) => return AppError::from(e).into_response(),
    };
    let leads = found
        .iter()
        .map(|l| {
            let site = site_of(&stores, l.lead.seller_id, l.lead.item_id.as_ref());
            lead_row(&ui, l, &site)
        })
        .collect();
    render(&LeadsPage { ui, person, leads })
}
