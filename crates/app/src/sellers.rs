//! The connected stores, in memory, so the webhook decides what a notification is for without
//! reading the database.
//!
//! Loaded when the state is built and reloaded when it may be stale:
//! - at once, by this process, after it connects, re-authorizes or disconnects a store
//!   ([`Sellers::reload`], called by [`crate::connect`]);
//! - within [`CHECK_EVERY`] for changes made by other processes on the same database: a
//!   background task compares the store's connections version (bumped by triggers in the same
//!   transaction as any such change) and reloads when it moved. That check is one single-row
//!   read per process per interval, never on a request.

use domain::{OrgId, SellerId};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock, Weak};
use std::time::Duration;
use store::{Store, StoreResult};

/// How stale another process's connect or disconnect may be here, at most (plus one reload).
pub const CHECK_EVERY: Duration = Duration::from_secs(1);

/// What the webhook needs to know about a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seller {
    pub org_id: OrgId,
    /// False once disconnected (its tokens deleted): its notifications are set aside.
    pub has_tokens: bool,
}

#[derive(Debug, Default)]
struct Snapshot {
    version: i64,
    sellers: HashMap<SellerId, Seller>,
}

#[derive(Debug, Default)]
pub struct Sellers {
    /// `None` until the first load.
    known: RwLock<Option<Arc<Snapshot>>>,
    /// One reload at a time, so an older read never replaces a newer one.
    reloading: tokio::sync::Mutex<()>,
    watching: OnceLock<()>,
}

impl Sellers {
    fn snapshot(&self) -> Option<Arc<Snapshot>> {
        // A poisoned lock only means a panic elsewhere mid-swap of an Arc: the value is whole.
        self.known
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The store behind `seller`, if it was ever connected here. Reads the database only when
    /// nothing has been loaded yet (the first request after start, if it beat the loader).
    pub async fn get(&self, store: &dyn Store, seller: SellerId) -> StoreResult<Option<Seller>> {
        let snapshot = match self.snapshot() {
            Some(snapshot) => snapshot,
            None => self.load_once(store).await?,
        };
        Ok(snapshot.sellers.get(&seller).copied())
    }

    async fn load_once(&self, store: &dyn Store) -> StoreResult<Arc<Snapshot>> {
        let _one = self.reloading.lock().await;
        match self.snapshot() {
            Some(snapshot) => Ok(snapshot),
            None => self.load(store).await,
        }
    }

    /// Reads every connection now. Call after changing one, so this process sees its own change
    /// before it answers.
    pub async fn reload(&self, store: &dyn Store) -> StoreResult<()> {
        let _one = self.reloading.lock().await;
        self.load(store).await.map(drop)
    }

    /// Reloads when another process changed the connections since the last load.
    async fn reload_if_changed(&self, store: &dyn Store) -> StoreResult<()> {
        let version = store.connections_version().await?;
        if self.snapshot().is_some_and(|s| s.version == version) {
            return Ok(());
        }
        self.reload(store).await
    }

    /// With the reload lock held. The version is read first: a change landing between the two
    /// reads is then seen in the list and, at worst, reloaded once more.
    async fn load(&self, store: &dyn Store) -> StoreResult<Arc<Snapshot>> {
        let version = store.connections_version().await?;
        let sellers = store
            .connections()
            .await?
            .into_iter()
            .map(|c| {
                let seller = Seller {
                    org_id: c.org_id,
                    has_tokens: c.tokens.is_some(),
                };
                (c.seller_id, seller)
            })
            .collect();
        let snapshot = Arc::new(Snapshot { version, sellers });
        *self
            .known
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// Loads now and keeps checking every [`CHECK_EVERY`], in a task that ends when the state
    /// (and with it this cache or the store) is dropped. Idempotent; needs a Tokio runtime.
    pub fn watch(self: &Arc<Self>, store: &Arc<dyn Store>) {
        if self.watching.set(()).is_err() {
            return;
        }
        let (sellers, store) = (Arc::downgrade(self), Arc::downgrade(store));
        tokio::spawn(check_for_changes(sellers, store));
    }
}

async fn check_for_changes(sellers: Weak<Sellers>, store: Weak<dyn Store>) {
    let mut failing = false;
    loop {
        let (Some(sellers), Some(store)) = (sellers.upgrade(), store.upgrade()) else {
            return;
        };
        match sellers.reload_if_changed(store.as_ref()).await {
            Ok(()) => failing = false,
            // Once per outage, not every second; the cache keeps its last good contents.
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "cannot check the connected stores for changes");
            }
            Err(_) => {}
        }
        drop((sellers, store));
        tokio::time::sleep(CHECK_EVERY).await;
    }
}
