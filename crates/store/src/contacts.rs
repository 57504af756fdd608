//! Contacts (the buyers each store has met, with what billing data and leads told us) and leads
//! (contacts on classified listings): the storage trait and the rows its reads return. The
//! contact itself is written through [`crate::CatalogStore::upsert_contact`]; this trait adds the
//! organization-scoped reads of the contacts and leads pages and API, and the worker's writes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::*;
use serde::Serialize;

use crate::StoreResult;

/// A contact with its id, its store's name and what its list shows beside it.
#[derive(Debug, Clone, Serialize)]
pub struct ContactRecord {
    pub id: ContactId,
    #[serde(flatten)]
    pub contact: Contact,
    pub store_nickname: Option<String>,
    /// Orders of this buyer at this store that we hold.
    pub orders: i64,
    pub conversations: i64,
    pub leads: i64,
    pub last_order_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which contacts a list shows. Newest change first.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    pub seller_id: Option<SellerId>,
    /// Part of the name, nickname, document, e-mail or phone (case-insensitive), or the user id.
    pub search: Option<String>,
    /// Defaults to 100; at most 500.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A lead with its id and the listing it was left on (when cached).
#[derive(Debug, Clone, Serialize)]
pub struct LeadRecord {
    pub id: LeadRowId,
    #[serde(flatten)]
    pub lead: Lead,
    pub item_title: Option<String>,
    pub item_permalink: Option<String>,
    pub store_nickname: Option<String>,
    /// The buyer's contact, when the lead has a buyer and the contact exists.
    pub contact_id: Option<ContactId>,
}

/// Which leads a list shows. Newest contact first.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub seller_id: Option<SellerId>,
    pub item_id: Option<ItemId>,
    /// Only the leads of this contact's buyer at its store.
    pub contact: Option<ContactId>,
    /// Defaults to 100; at most 500.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Clamps a page size: 100 by default, 1 to 500.
pub fn page_limit(limit: Option<i64>) -> i64 {
    limit.unwrap_or(100).clamp(1, 500)
}

#[async_trait]
pub trait ContactStore: Send + Sync + 'static {
    /// The organization's contacts, most recently changed first.
    async fn org_contacts(&self, org: OrgId, f: &ContactFilter) -> StoreResult<Vec<ContactRecord>>;
    /// `None` when it does not exist or belongs to another organization.
    async fn org_contact(&self, org: OrgId, id: ContactId) -> StoreResult<Option<ContactRecord>>;
    /// A store's buyer's contact (the conversation's context panel links to it).
    async fn org_contact_of(
        &self,
        org: OrgId,
        seller: SellerId,
        buyer: MeliUserId,
    ) -> StoreResult<Option<ContactRecord>>;
    /// The contact's orders, newest first (empty outside the organization).
    async fn org_contact_orders(
        &self,
        org: OrgId,
        id: ContactId,
        limit: i64,
    ) -> StoreResult<Vec<Order>>;
    /// Unscoped, for workers: the order whose billing data was last read into the contact.
    async fn contact_billing_order(
        &self,
        seller: SellerId,
        buyer: MeliUserId,
    ) -> StoreResult<Option<OrderId>>;
    /// Upserts the contact (as [`crate::CatalogStore::upsert_contact`]) and records that
    /// `order`'s billing data has been read into it, in one statement.
    async fn upsert_contact_from_billing(&self, c: &Contact, order: OrderId) -> StoreResult<()>;
    /// Inserts or updates by (seller, lead id); fields a later read lacks keep what is known.
    async fn upsert_lead(&self, lead: &Lead) -> StoreResult<LeadRowId>;
    /// The organization's leads, newest contact first.
    async fn org_leads(&self, org: OrgId, f: &LeadFilter) -> StoreResult<Vec<LeadRecord>>;
}
