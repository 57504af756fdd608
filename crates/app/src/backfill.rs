//! A store's order history, copied from Mercado Libre (SPEC §8): `mostrador sync orders`, the
//! `meli.backfill_orders` job and the demo run it.
//!
//! `/orders/search` refuses offsets past about 10,000, so the backfill never pages one search
//! that far: it walks `order.date_created` in windows, oldest first, halving a window that
//! holds too many orders and widening the next after a sparse one. After each page the orders
//! and the position (window, offset, count) are written in one transaction, so a backfill
//! stopped at any point (killed, failed, out of budget) resumes at the next page and ends with
//! each order exactly once. A run copies what was created up to the moment it started; the next
//! run carries on from there, and live changes keep arriving through `orders_v2` and the
//! reconciler meanwhile (an older page never overwrites a newer read).

use crate::jobs::{JobError, with_token};
use crate::state::AppState;
use backon::{ExponentialBuilder, Retryable};
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use domain::*;
use meli::{MeliError, OrdersQuery, OrdersSearch, OrdersSort};
use std::future::Future;
use std::time::Duration;
use store::{ConnectionHealth, NewJob, OrderSync, StoreError};

pub const BACKFILL_ORDERS: &str = "meli.backfill_orders";

/// Pages one job runs before handing over to a fresh job, so no job outlives its lease.
const JOB_PAGES: u32 = 40;

/// The search's own offset ceiling (meli-api.md §7: third-party code stops at 10,000).
pub const SEARCH_OFFSET_CEILING: u64 = 10_000;

/// How a backfill pages, retries and stops.
#[derive(Debug, Clone)]
pub struct BackfillOptions {
    /// Orders per page (Mercado Libre's default, 50).
    pub page: u32,
    /// Most orders one window may hold: a window the search cannot page to its end is split.
    pub max_window_orders: u64,
    /// Width of the first window.
    pub first_window: TimeDelta,
    /// Attempts per Mercado Libre call on retryable failures (5xx, 429, network).
    pub attempts: usize,
    /// First wait between attempts; it doubles up to `max_retry_delay`.
    pub retry_delay: Duration,
    pub max_retry_delay: Duration,
    /// Stop (resumably) after this many pages.
    pub page_budget: Option<u32>,
}

impl Default for BackfillOptions {
    fn default() -> Self {
        Self {
            page: 50,
            max_window_orders: SEARCH_OFFSET_CEILING - 100,
            first_window: TimeDelta::days(30),
            attempts: 6,
            retry_delay: Duration::from_millis(500),
            max_retry_delay: Duration::from_secs(30),
            page_budget: None,
        }
    }
}

/// What a backfill tells whoever watches it (a progress bar, the log).
pub trait BackfillProgress: Send + Sync {
    /// The run's position when it (re)starts: `synced` of `expected` orders.
    fn started(&self, _sync: &OrderSync) {}
    /// A page was stored.
    fn page(&self, _sync: &OrderSync) {}
    /// A call failed and is tried again after `wait`.
    fn retrying(&self, _error: &str, _wait: Duration) {}
}

/// Logs a line per tenth of the way, for the worker and the demo.
pub struct LogProgress {
    pub store: String,
    last_tenth: std::sync::atomic::AtomicI64,
}

impl LogProgress {
    pub fn new(store: impl Into<String>) -> Self {
        Self {
            store: store.into(),
            last_tenth: std::sync::atomic::AtomicI64::new(-1),
        }
    }
}

impl BackfillProgress for LogProgress {
    fn started(&self, s: &OrderSync) {
        tracing::info!(store = %self.store, synced = s.synced, expected = ?s.expected, "order backfill started");
    }

    fn page(&self, s: &OrderSync) {
        let expected = s.expected.unwrap_or(0).max(1);
        let tenth = (s.synced * 10 / expected).min(10);
        let before = self
            .last_tenth
            .swap(tenth, std::sync::atomic::Ordering::Relaxed);
        if tenth != before || s.backfill_done_at.is_some() {
            tracing::info!(
                store = %self.store,
                "order backfill: {}/{} orders{}",
                s.synced,
                s.expected.unwrap_or(0),
                if s.backfill_done_at.is_some() { ", done" } else { "" }
            );
        }
    }

    fn retrying(&self, error: &str, wait: Duration) {
        tracing::warn!(store = %self.store, error, wait_ms = wait.as_millis() as u64, "order backfill retrying a Mercado Libre call");
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackfillError {
    #[error("store {0} is not connected to Mostrador (no store has that seller id)")]
    UnknownStore(SellerId),
    #[error("store {0} is disconnected: reconnect it on the Stores page first")]
    Disconnected(SellerId),
    #[error("store {0} must be authorized again on the Stores page: {1}")]
    NeedsReauth(SellerId, String),
    #[error(
        "Mercado Libre kept failing ({0}); everything up to the failure is saved and the next run resumes there"
    )]
    Api(String),
    #[error("Mercado Libre refused the orders search: {0}")]
    Refused(String),
    #[error(
        "more than {limit} orders were created around {at}: the orders search cannot page through them"
    )]
    TooDense { at: DateTime<Utc>, limit: u64 },
    #[error("database: {0}")]
    Store(#[from] StoreError),
}

impl BackfillError {
    /// What the job queue does with a failed backfill job.
    pub fn into_job_error(self) -> JobError {
        match self {
            BackfillError::NeedsReauth(_, reason) => JobError::Wait {
                reason,
                after: TimeDelta::minutes(10),
            },
            e @ (BackfillError::Api(_) | BackfillError::Store(_)) => JobError::Retry {
                error: e.to_string(),
                after: None,
            },
            other => JobError::Fatal(other.to_string()),
        }
    }
}

/// Whether the run finished or stopped at its page budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackfillOutcome {
    Done(OrderSync),
    Paused(OrderSync),
}

impl BackfillOutcome {
    pub fn sync(&self) -> &OrderSync {
        match self {
            BackfillOutcome::Done(s) | BackfillOutcome::Paused(s) => s,
        }
    }
}

/// Runs (or resumes) the backfill of `seller`'s orders.
pub async fn backfill_orders(
    state: &AppState,
    seller: SellerId,
    opts: &BackfillOptions,
    progress: &dyn BackfillProgress,
) -> Result<BackfillOutcome, BackfillError> {
    let conn = state
        .store
        .connection(seller)
        .await?
        .ok_or(BackfillError::UnknownStore(seller))?;
    if conn.health == ConnectionHealth::Disconnected || conn.tokens.is_none() {
        return Err(BackfillError::Disconnected(seller));
    }
    let walker = Walker {
        state,
        seller,
        opts,
        progress,
    };
    let mut sync = state
        .store
        .order_sync(seller)
        .await?
        .unwrap_or_else(|| OrderSync::new(conn.org_id, seller));
    sync.org_id = conn.org_id;
    if !sync.backfill_running() {
        sync = walker.start_run(sync).await?;
    }
    progress.started(&sync);
    let mut width = opts.first_window;
    let mut pages = 0;
    while sync.backfill_done_at.is_none() {
        if opts.page_budget.is_some_and(|b| pages >= b) {
            return Ok(BackfillOutcome::Paused(sync));
        }
        sync = walker.next_page(sync, &mut width).await?;
        pages += 1;
        progress.page(&sync);
    }
    Ok(BackfillOutcome::Done(sync))
}

struct Walker<'a> {
    state: &'a AppState,
    seller: SellerId,
    opts: &'a BackfillOptions,
    progress: &'a dyn BackfillProgress,
}

const MS: TimeDelta = TimeDelta::milliseconds(1);
/// A window never narrows below this; denser than that, the search cannot help.
const MIN_WINDOW: TimeDelta = TimeDelta::seconds(1);
const MAX_WINDOW: TimeDelta = TimeDelta::days(3650);

impl Walker<'_> {
    /// One Mercado Libre call with the store's token, retried with exponential backoff while it
    /// fails in a way worth retrying (honouring a `Retry-After`).
    async fn call<T, F, Fut>(&self, f: F) -> Result<T, BackfillError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T, MeliError>>,
    {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.opts.retry_delay)
            .with_max_delay(self.opts.max_retry_delay)
            .with_max_times(self.opts.attempts.saturating_sub(1))
            .with_jitter();
        (|| with_token(self.state, self.seller, &f))
            .retry(backoff)
            .when(|e| matches!(e, JobError::Retry { .. }))
            .adjust(|e, wait| match e {
                JobError::Retry {
                    after: Some(after), ..
                } => Some(
                    after
                        .to_std()
                        .unwrap_or_default()
                        .max(wait.unwrap_or_default()),
                ),
                _ => wait,
            })
            .notify(|e, wait| self.progress.retrying(&describe(e), wait))
            .await
            .map_err(|e| match e {
                JobError::Retry { error, .. } => BackfillError::Api(error),
                JobError::Wait { reason, .. } => BackfillError::NeedsReauth(self.seller, reason),
                JobError::Fatal(error) => BackfillError::Refused(error),
            })
    }

    async fn search(&self, q: OrdersQuery) -> Result<OrdersSearch, BackfillError> {
        let meli = &self.state.meli;
        self.call(|t| {
            let q = q.clone();
            async move { meli.search_orders(&t, &q).await }
        })
        .await
    }

    fn window_query(&self, from: DateTime<Utc>, to: DateTime<Utc>, offset: u64) -> OrdersQuery {
        OrdersQuery {
            created_from: Some(from.fixed_offset()),
            created_to: Some(to.fixed_offset()),
            sort: Some(OrdersSort::DateAsc),
            offset: Some(u32::try_from(offset).unwrap_or(u32::MAX)),
            limit: Some(self.opts.page),
            ..OrdersQuery::for_seller(self.seller.0)
        }
    }

    /// A new run: from the end of the last finished one, else from the oldest order, up to now.
    async fn start_run(&self, mut sync: OrderSync) -> Result<OrderSync, BackfillError> {
        // Mercado Libre's times have milliseconds; so does the position, exactly as stored.
        let until = Utc::now().trunc_subsecs(3);
        let carry_on = sync
            .backfill_done_at
            .and(sync.backfill_until)
            .map(|last| last + MS);
        let probe = OrdersQuery {
            created_from: carry_on.map(|t| t.fixed_offset()),
            created_to: Some(until.fixed_offset()),
            sort: Some(OrdersSort::DateAsc),
            limit: Some(1),
            ..OrdersQuery::for_seller(self.seller.0)
        };
        let found = self.search(probe).await?;
        let oldest = found
            .results
            .first()
            .and_then(|o| o.date_created)
            .map(|t| t.with_timezone(&Utc));
        sync.backfill_until = Some(until);
        sync.window_from = Some(carry_on.or(oldest).unwrap_or(until));
        sync.window_to = None;
        sync.window_offset = 0;
        sync.synced = 0;
        sync.expected = Some(i64::try_from(found.paging.total).unwrap_or(i64::MAX));
        sync.backfill_done_at = None;
        if found.paging.total == 0 || found.results.is_empty() {
            sync.window_from = Some(until + MS);
            sync.backfill_done_at = Some(Utc::now().trunc_subsecs(3));
        }
        self.state.store.save_backfill_page(&sync, &[]).await?;
        Ok(sync)
    }

    /// Reads and stores the next page, moving to the next window when this one is done.
    async fn next_page(
        &self,
        mut sync: OrderSync,
        width: &mut TimeDelta,
    ) -> Result<OrderSync, BackfillError> {
        let until = sync.backfill_until.unwrap_or_else(Utc::now);
        let from = sync.window_from.unwrap_or(until);
        let offset = u64::try_from(sync.window_offset).unwrap_or(0);
        let (to, page) = match sync.window_to {
            Some(to) => (to, self.search(self.window_query(from, to, offset)).await?),
            None => self.open_window(from, until, width).await?,
        };
        let orders: Vec<Order> = page
            .results
            .iter()
            .map(|o| crate::sync::order_from_meli(sync.org_id, self.seller, o, None))
            .collect();
        let read = u64::try_from(orders.len()).unwrap_or(0);
        let window_done = read == 0 || offset + read >= page.paging.total;
        sync.synced += i64::try_from(read).unwrap_or(0);
        if window_done {
            if page.paging.total < self.opts.max_window_orders / 4 {
                *width = (*width * 2).min(MAX_WINDOW);
            }
            sync.window_from = Some(to + MS);
            sync.window_to = None;
            sync.window_offset = 0;
            if to >= until {
                sync.backfill_done_at = Some(Utc::now().trunc_subsecs(3));
            }
        } else {
            sync.window_to = Some(to);
            sync.window_offset = i64::try_from(offset + read).unwrap_or(i64::MAX);
        }
        self.state.store.save_backfill_page(&sync, &orders).await?;
        crate::contacts::note_backfilled_buyers(
            self.state,
            sync.org_id,
            self.seller,
            &page.results,
        )
        .await
        .map_err(|e| BackfillError::Api(describe(&e)))?;
        Ok(sync)
    }

    /// The widest window from `from` (at most `width`) whose orders the search can page
    /// through, with its first page.
    async fn open_window(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        width: &mut TimeDelta,
    ) -> Result<(DateTime<Utc>, OrdersSearch), BackfillError> {
        loop {
            let to = (from + *width - MS).min(until);
            let page = self.search(self.window_query(from, to, 0)).await?;
            if page.paging.total <= self.opts.max_window_orders {
                return Ok((to, page));
            }
            if *width <= MIN_WINDOW {
                return Err(BackfillError::TooDense {
                    at: from,
                    limit: self.opts.max_window_orders,
                });
            }
            *width = (*width / 2).max(MIN_WINDOW);
        }
    }
}

fn describe(e: &JobError) -> String {
    match e {
        JobError::Retry { error, .. } => error.clone(),
        JobError::Wait { reason, .. } => reason.clone(),
        JobError::Fatal(error) => error.clone(),
    }
}

/// The backfill as a job: a bounded number of pages per run, then a fresh job carries on.
pub fn backfill_job(org: OrgId, seller: SellerId) -> NewJob {
    NewJob {
        org_id: Some(org),
        kind: BACKFILL_ORDERS.into(),
        payload: serde_json::json!({ "seller_id": seller }),
        dedup_key: Some(format!("{BACKFILL_ORDERS}:{seller}")),
        run_at: Utc::now(),
    }
}

pub async fn run_job(state: &AppState, seller: SellerId) -> Result<(), JobError> {
    let opts = BackfillOptions {
        page_budget: Some(JOB_PAGES),
        // The queue retries the job itself; a job should not sleep long inside its lease.
        attempts: 3,
        max_retry_delay: Duration::from_secs(5),
        ..BackfillOptions::default()
    };
    let progress = LogProgress::new(seller.to_string());
    match backfill_orders(state, seller, &opts, &progress).await {
        Ok(BackfillOutcome::Done(_)) => Ok(()),
        Ok(BackfillOutcome::Paused(sync)) => {
            state
                .store
                .enqueue(backfill_job(sync.org_id, seller))
                .await?;
            state.jobs_waiting.notify_one();
            Ok(())
        }
        Err(e) => Err(e.into_job_error()),
    }
}
