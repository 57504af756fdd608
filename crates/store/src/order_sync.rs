//! Order sync bookkeeping: where a store's order backfill stands and the reconciler's mark.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::*;
use serde::Serialize;

use crate::StoreResult;

/// Where a store's order backfill stands, and since when the reconciler looks for changed
/// orders. A backfill copies the orders created up to `backfill_until` (the moment it
/// started), oldest first, one date window at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderSync {
    pub seller_id: SellerId,
    pub org_id: OrgId,
    /// End of the running (or last) backfill; `None` before the first one.
    pub backfill_until: Option<DateTime<Utc>>,
    /// Every order created before `window_from` is stored…
    pub window_from: Option<DateTime<Utc>>,
    /// …and the first `window_offset` results (oldest first) of `[window_from, window_to]`.
    pub window_to: Option<DateTime<Utc>>,
    pub window_offset: i64,
    /// Orders this run stored so far, and how many it found to copy (for progress).
    pub synced: i64,
    pub expected: Option<i64>,
    /// When the run finished; `None` while one is under way (or none ever ran).
    pub backfill_done_at: Option<DateTime<Utc>>,
    /// The reconciler looks for orders changed at or after this.
    pub changed_since: Option<DateTime<Utc>>,
}

impl OrderSync {
    /// Nothing done yet for a store.
    pub fn new(org_id: OrgId, seller_id: SellerId) -> Self {
        Self {
            seller_id,
            org_id,
            backfill_until: None,
            window_from: None,
            window_to: None,
            window_offset: 0,
            synced: 0,
            expected: None,
            backfill_done_at: None,
            changed_since: None,
        }
    }

    /// A backfill started and not finished.
    pub fn backfill_running(&self) -> bool {
        self.backfill_until.is_some() && self.backfill_done_at.is_none()
    }
}

/// Order sync state, kept apart from the orders themselves.
#[async_trait]
pub trait OrderSyncStore: Send + Sync + 'static {
    /// Unscoped, for workers and the command line.
    async fn order_sync(&self, seller: SellerId) -> StoreResult<Option<OrderSync>>;
    /// The organization's store's state; `None` for another organization's store.
    async fn org_order_sync(&self, org: OrgId, seller: SellerId) -> StoreResult<Option<OrderSync>>;
    /// One page of a backfill, in one transaction: the orders (each kept unless the stored
    /// copy changed later, and a known shipping status is kept when the page has none) and the
    /// backfill's position (`changed_since` is left alone). Either both are written or neither.
    async fn save_backfill_page(&self, sync: &OrderSync, orders: &[Order]) -> StoreResult<()>;
    /// Moves the reconciler's mark, creating the store's row if needed.
    async fn set_orders_changed_since(
        &self,
        org: OrgId,
        seller: SellerId,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
}
