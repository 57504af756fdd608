//! Contacts and leads, filled by workers (SPEC §8).
//!
//! - A contact is a store's buyer. Every synced order makes sure its buyer has one, and reads the
//!   order's billing data (`/orders/{id}/billing_info`) into it: name and document, and the
//!   invoice e-mail where a site's invoice data holds one. A billing read that fails does not
//!   fail the order: the order is stored and a `meli.fill_contact` job reads it again later.
//! - A lead is a buyer's contact on a classified listing. `vis_leads` notifications fetch the
//!   lead (`/vis/leads/{id}`, with the name, phone and e-mail the buyer shared); a sweep reads
//!   the recent ones through the leads search, which also catches what notifications missed.
//!   A lead's buyer becomes (or enriches) a contact with that data.
//!
//! Phone and e-mail come only from these two places, which is where the buyer gave them.

use crate::jobs::{JobError, with_token};
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use domain::*;
use serde::{Deserialize, Serialize};
use store::NewJob;

pub const FILL_CONTACT: &str = "meli.fill_contact";
pub const FETCH_LEAD: &str = "meli.fetch_lead";
pub const SYNC_LEADS: &str = "meli.sync_leads";

/// How long a failed billing read waits before its own job tries again.
const BILLING_RETRY_SECS: i64 = 60;
/// The leads sweep's window: Mercado Libre's own default is the last 7 days, which a newly
/// connected store gets; later sweeps look back two days, so a missed sweep loses nothing.
pub const LEADS_BACKFILL_DAYS: i64 = 7;
pub const LEADS_SWEEP_DAYS: i64 = 2;
/// Buyer-and-listing entries per search page, and how many the sweep reads at most.
const LEADS_PAGE: u32 = 50;
const LEADS_MAX: u32 = 1000;

#[derive(Debug, Serialize, Deserialize)]
pub struct FillContact {
    pub seller_id: SellerId,
    pub order_id: OrderId,
    pub buyer_id: MeliUserId,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FetchLead {
    pub seller_id: SellerId,
    pub lead_id: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SyncLeads {
    pub seller_id: SellerId,
    pub days: i64,
}

pub fn fill_contact_job(org: OrgId, p: &FillContact, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        org_id: Some(org),
        kind: FILL_CONTACT.into(),
        payload: serde_json::json!(p),
        dedup_key: Some(format!("{FILL_CONTACT}:{}:{}", p.seller_id, p.order_id)),
        run_at,
    }
}

pub fn fetch_lead_job(org: OrgId, seller: SellerId, lead_id: &str) -> NewJob {
    NewJob {
        org_id: Some(org),
        kind: FETCH_LEAD.into(),
        payload: serde_json::json!({ "seller_id": seller, "lead_id": lead_id }),
        dedup_key: Some(format!("{FETCH_LEAD}:{seller}:{lead_id}")),
        run_at: Utc::now(),
    }
}

pub fn sync_leads_job(org: OrgId, seller: SellerId, days: i64, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        org_id: Some(org),
        kind: SYNC_LEADS.into(),
        payload: serde_json::json!({ "seller_id": seller, "days": days }),
        dedup_key: Some(format!("{SYNC_LEADS}:{seller}")),
        run_at,
    }
}

/// The job's work, by kind; `None` for kinds that are not ours.
pub async fn run(
    state: &AppState,
    kind: &str,
    payload: &serde_json::Value,
) -> Option<Result<(), JobError>> {
    fn parse<T: serde::de::DeserializeOwned>(
        kind: &str,
        v: &serde_json::Value,
    ) -> Result<T, JobError> {
        serde_json::from_value(v.clone())
            .map_err(|e| JobError::Fatal(format!("malformed {kind} payload: {e}")))
    }
    Some(match kind {
        FILL_CONTACT => match parse::<FillContact>(kind, payload) {
            Ok(p) => fill_contact(state, p).await,
            Err(e) => Err(e),
        },
        FETCH_LEAD => match parse::<FetchLead>(kind, payload) {
            Ok(p) => fetch_lead(state, p).await,
            Err(e) => Err(e),
        },
        SYNC_LEADS => match parse::<SyncLeads>(kind, payload) {
            Ok(p) => sync_leads(state, p).await,
            Err(e) => Err(e),
        },
        _ => return None,
    })
}

async fn org_of(state: &AppState, seller: SellerId) -> Result<OrgId, JobError> {
    match state.store.connection(seller).await? {
        Some(c) => Ok(c.org_id),
        None => Err(JobError::Fatal(format!("store {seller} is not connected"))),
    }
}

/// Text that says something, trimmed; blanks are unknown.
fn known(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// What an order's billing data tells about its buyer. `None` when it names nobody (an empty
/// answer), so an unreadable billing record never blanks a contact.
pub fn contact_from_billing(
    org: OrgId,
    seller: SellerId,
    buyer: MeliUserId,
    b: &meli::BillingInfo,
) -> Option<Contact> {
    let name = match (known(b.name()), known(b.last_name())) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (first, last) => first.or(last),
    };
    let email = b
        .buyer
        .as_ref()
        .and_then(|p| p.billing_info.as_ref())
        .and_then(|d| d.attributes.as_ref())
        .and_then(|a| known(a.email.as_deref()));
    let contact = Contact {
        name,
        doc_type: known(b.doc_type()),
        doc_number: known(b.doc_number()),
        email,
        ..Contact::new(org, seller, buyer)
    };
    (contact.name.is_some() || contact.doc_number.is_some()).then_some(contact)
}

/// After a backfilled page is stored: every buyer on it has a contact, and a buyer whose billing
/// data was never read gets it read from their latest order on the page, inline as for a live
/// order (a failed read is queued for later). One read per buyer, not per order, keeps the calls
/// to Mercado Libre few; inline rather than queued keeps a history of thousands of orders from
/// crowding the job queue that live conversations go through.
pub async fn note_backfilled_buyers(
    state: &AppState,
    org: OrgId,
    seller: SellerId,
    orders: &[meli::Order],
) -> Result<(), JobError> {
    let mut latest: std::collections::BTreeMap<i64, &meli::Order> = Default::default();
    for order in orders {
        if let Some(buyer) = order.buyer_id().filter(|b| *b > 0) {
            latest.insert(buyer, order);
        }
    }
    for (buyer, order) in latest {
        if state
            .store
            .contact_billing_order(seller, MeliUserId(buyer))
            .await?
            .is_none()
        {
            note_order_buyer(state, org, seller, order).await?;
        }
    }
    Ok(())
}

/// After an order is stored: its buyer has a contact (with the order's nickname when it carries
/// one), and the order's billing data is read into it once. A billing read that fails leaves
/// the order stored and queues [`FILL_CONTACT`] to try again; only storage errors fail the call.
pub async fn note_order_buyer(
    state: &AppState,
    org: OrgId,
    seller: SellerId,
    order: &meli::Order,
) -> Result<(), JobError> {
    let Some(buyer) = order.buyer_id().filter(|b| *b > 0).map(MeliUserId) else {
        return Ok(());
    };
    let nickname = order
        .buyer
        .as_ref()
        .and_then(|b| known(b.nickname.as_deref()));
    state
        .store
        .upsert_contact(&Contact {
            nickname,
            ..Contact::new(org, seller, buyer)
        })
        .await?;
    let order_id = OrderId(order.id);
    if state.store.contact_billing_order(seller, buyer).await? == Some(order_id) {
        return Ok(());
    }
    let p = FillContact {
        seller_id: seller,
        order_id,
        buyer_id: buyer,
    };
    match read_billing(state, org, &p).await {
        Ok(()) => Ok(()),
        Err(JobError::Fatal(e)) => {
            tracing::info!(order.id = order.id, error = %e, "no billing data for this order");
            Ok(())
        }
        Err(later) => {
            tracing::warn!(order.id = order.id, error = ?later, "billing data not read; trying again later");
            let run_at = Utc::now() + Duration::seconds(BILLING_RETRY_SECS);
            state
                .store
                .enqueue(fill_contact_job(org, &p, run_at))
                .await?;
            Ok(())
        }
    }
}

async fn read_billing(state: &AppState, org: OrgId, p: &FillContact) -> Result<(), JobError> {
    let meli = &state.meli;
    let id = p.order_id.0;
    let billing = with_token(state, p.seller_id, |t| async move {
        meli.billing_info(&t, id).await
    })
    .await?;
    let contact = contact_from_billing(org, p.seller_id, p.buyer_id, &billing)
        .unwrap_or_else(|| Contact::new(org, p.seller_id, p.buyer_id));
    state
        .store
        .upsert_contact_from_billing(&contact, p.order_id)
        .await?;
    Ok(())
}

/// [`FILL_CONTACT`]: the billing read an order sync could not do.
pub async fn fill_contact(state: &AppState, p: FillContact) -> Result<(), JobError> {
    let org = org_of(state, p.seller_id).await?;
    if state
        .store
        .contact_billing_order(p.seller_id, p.buyer_id)
        .await?
        == Some(p.order_id)
    {
        return Ok(());
    }
    read_billing(state, org, &p).await
}

/// Our lead from Mercado Libre's; `buyer` fills what the lead itself lacks (search results carry
/// the contact data on the buyer entry, not on each lead).
fn lead_of(
    org: OrgId,
    seller: SellerId,
    l: &meli::Lead,
    buyer: Option<&meli::LeadBuyer>,
    item: Option<&str>,
) -> Lead {
    Lead {
        org_id: org,
        seller_id: seller,
        lead_id: l.id.clone(),
        item_id: known(l.item_id.as_deref().or(item)).map(ItemId),
        buyer_id: l.buyer_id.or(buyer.map(|b| b.id)).map(MeliUserId),
        contact_type: l.contact_type.as_str().to_string(),
        status: l.status.as_ref().map(|s| s.as_str().to_string()),
        external_id: l.external_id.clone(),
        name: known(l.name.as_deref()).or_else(|| known(buyer?.name.as_deref())),
        phone: known(l.phone.as_deref()).or_else(|| known(buyer?.phone.as_deref())),
        email: known(l.email.as_deref()).or_else(|| known(buyer?.email.as_deref())),
        doc_type: buyer.and_then(|b| known(b.identification_type.as_deref())),
        doc_number: buyer.and_then(|b| known(b.identification_number.as_deref())),
        contacted_at: l.created_at.with_timezone(&Utc),
    }
}

/// Stores a lead and, when it has a buyer, what the buyer shared into their contact.
async fn store_lead(state: &AppState, lead: &Lead) -> Result<(), JobError> {
    state.store.upsert_lead(lead).await?;
    if let Some(buyer) = lead.buyer_id {
        state
            .store
            .upsert_contact(&Contact {
                name: lead.name.clone(),
                phone: lead.phone.clone(),
                email: lead.email.clone(),
                doc_type: lead.doc_type.clone(),
                doc_number: lead.doc_number.clone(),
                ..Contact::new(lead.org_id, lead.seller_id, buyer)
            })
            .await?;
    }
    Ok(())
}

/// Caches the listing a lead was left on, for its title and link, unless already known. A
/// listing that cannot be read leaves the lead without its title.
async fn cache_listing(state: &AppState, seller: SellerId, item: &ItemId) -> Result<(), JobError> {
    if state.store.listing(item).await?.is_some() {
        return Ok(());
    }
    let meli = &state.meli;
    let id = item.0.clone();
    match with_token(state, seller, |t| {
        let id = id.clone();
        async move { meli.item(&t, &id).await }
    })
    .await
    {
        Ok(found) => Ok(state
            .store
            .upsert_listing(&crate::convert::listing(&found))
            .await?),
        Err(JobError::Fatal(e)) => {
            tracing::warn!(item.id = %item, error = %e, "listing not available");
            Ok(())
        }
        Err(retry) => Err(retry),
    }
}

/// [`FETCH_LEAD`], from a `vis_leads` notification.
pub async fn fetch_lead(state: &AppState, p: FetchLead) -> Result<(), JobError> {
    let org = org_of(state, p.seller_id).await?;
    let meli = &state.meli;
    let id = p.lead_id.clone();
    let found = with_token(state, p.seller_id, |t| {
        let id = id.clone();
        async move { meli.lead(&t, &id).await }
    })
    .await?;
    let lead = lead_of(org, p.seller_id, &found, None, None);
    if let Some(item) = &lead.item_id {
        cache_listing(state, p.seller_id, item).await?;
    }
    store_lead(state, &lead).await
}

/// [`SYNC_LEADS`]: the store's leads of the last `days` through the search, buyers' and
/// guests'. A store without classifieds is refused by Mercado Libre: nothing to do.
pub async fn sync_leads(state: &AppState, p: SyncLeads) -> Result<(), JobError> {
    let org = org_of(state, p.seller_id).await?;
    let meli = &state.meli;
    let today = Utc::now().date_naive();
    let from = today - Duration::days(p.days.clamp(0, 60));
    let seller = p.seller_id;
    let mut offset = 0;
    let mut items: Vec<ItemId> = Vec::new();
    let mut stored = 0usize;
    while offset < LEADS_MAX {
        let query = meli::LeadsQuery {
            offset: Some(offset),
            limit: Some(LEADS_PAGE),
            date_from: Some(from),
            date_to: Some(today),
            // Guests come on the first page only; they have no paging of their own.
            include_guest: offset == 0,
            ..Default::default()
        };
        let page = match with_token(state, seller, |t| {
            let q = query.clone();
            async move { meli.search_leads(&t, seller.0, &q).await }
        })
        .await
        {
            Ok(page) => page,
            Err(JobError::Fatal(e)) => {
                tracing::info!(seller.id = %seller, error = %e, "no leads search for this store");
                return Ok(());
            }
            Err(retry) => return Err(retry),
        };
        let mut leads = Vec::new();
        for buyer in &page.results {
            for l in &buyer.leads {
                leads.push(lead_of(org, seller, l, Some(buyer), Some(&buyer.item_id)));
            }
        }
        for group in &page.guest {
            for l in &group.leads {
                leads.push(lead_of(org, seller, l, None, Some(&group.item_id)));
            }
        }
        for lead in &leads {
            if let Some(item) = &lead.item_id
                && !items.contains(item)
            {
                items.push(item.clone());
            }
            store_lead(state, lead).await?;
            stored += 1;
        }
        let count = u32::try_from(page.results.len()).unwrap_or(LEADS_PAGE);
        offset += count;
        if count == 0 || u64::from(offset) >= page.paging.total {
            break;
        }
    }
    for item in &items {
        cache_listing(state, seller, item).await?;
    }
    if stored > 0 {
        tracing::info!(seller.id = %seller, stored, "leads read through the search");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn billing(json: &str) -> meli::BillingInfo {
        serde_json::from_str(json).unwrap()
    }

    fn ids() -> (OrgId, SellerId, MeliUserId) {
        (OrgId::new(), SellerId(1), MeliUserId(2))
    }

    #[test]
    fn current_billing_shape_gives_full_name_document_and_invoice_email() {
        let (org, seller, buyer) = ids();
        let b = billing(
            r#"{"site_id":"MEC","buyer":{"cust_id":2,"billing_info":{"name":"Ana","last_name":"Paz",
            "identification":{"type":"CI","number":"0912345678"},
            "attributes":{"email":" ana@example.ec "}}}}"#,
        );
        let c = contact_from_billing(org, seller, buyer, &b).unwrap();
        assert_eq!(c.name.as_deref(), Some("Ana Paz"));
        assert_eq!(c.doc_type.as_deref(), Some("CI"));
        assert_eq!(c.doc_number.as_deref(), Some("0912345678"));
        assert_eq!(c.email.as_deref(), Some("ana@example.ec"));
        assert_eq!(c.phone, None, "billing data never gives a phone");
    }

    #[test]
    fn legacy_billing_shape_and_business_names_are_read() {
        let (org, seller, buyer) = ids();
        let b = billing(
            r#"{"billing_info":{"doc_type":"CNPJ","doc_number":"12345678000190",
            "additional_info":[{"type":"BUSINESS_NAME","value":"Loja Azul Ltda"}]}}"#,
        );
        let c = contact_from_billing(org, seller, buyer, &b).unwrap();
        assert_eq!(c.name.as_deref(), Some("Loja Azul Ltda"));
        assert_eq!(c.doc_type.as_deref(), Some("CNPJ"));
        assert_eq!(c.email, None);
    }

    #[test]
    fn billing_that_names_nobody_changes_nothing() {
        let (org, seller, buyer) = ids();
        assert_eq!(
            contact_from_billing(org, seller, buyer, &billing("{}")),
            None
        );
        let blank = billing(r#"{"buyer":{"billing_info":{"name":"  "}}}"#);
        assert_eq!(contact_from_billing(org, seller, buyer, &blank), None);
    }

    #[test]
    fn a_search_lead_takes_its_buyers_contact_data() {
        let search: meli::LeadsSearch = serde_json::from_str(
            r#"{"results":[{"id":"1914813422","item_id":"MLA2919342112","name":"Test Test",
            "email":"t@example.com","phone":"+56 01 1111-1111","identification_number":"7894564123-7",
            "identification_type":"RUT","leads":[{"id":"214e7c51","contact_type":"question",
            "created_at":"2025-06-12T20:56:45.174Z","external_id":"13358605478"}]}],
            "paging":{"offset":0,"limit":10,"total":1}}"#,
        )
        .unwrap();
        let buyer = &search.results[0];
        let l = lead_of(
            OrgId::new(),
            SellerId(9),
            &buyer.leads[0],
            Some(buyer),
            Some(&buyer.item_id),
        );
        assert_eq!(l.buyer_id, Some(MeliUserId(1_914_813_422)));
        assert_eq!(l.item_id, Some(ItemId("MLA2919342112".into())));
        assert_eq!(l.contact_type, "question");
        assert_eq!(l.name.as_deref(), Some("Test Test"));
        assert_eq!(l.phone.as_deref(), Some("+56 01 1111-1111"));
        assert_eq!(l.doc_number.as_deref(), Some("7894564123-7"));
        assert_eq!(l.external_id.as_deref(), Some("13358605478"));
    }
}
