//! Recovering what notifications missed (SPEC §2). Mercado Libre drops a notification after about
//! an hour of failed deliveries and keeps it in `/missed_feeds` for two days; a question asked
//! while we were down, or before the store was connected, may never be notified at all. So a
//! sweep reads `/missed_feeds` through the same intake as webhooks, and polls each store's
//! unanswered questions into the same fetch jobs. Sweeps are jobs too (deduplicated while queued),
//! so any number of processes may schedule them.

use crate::error::AppError;
use crate::jobs::{self, JobError, with_token};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use domain::*;
use std::future::Future;
use std::time::Duration;
use store::{ConnectionHealth, NewJob, StoreError};

pub const SYNC_QUESTIONS: &str = "meli.sync_questions";
pub const MISSED_FEEDS: &str = "meli.missed_feeds";
pub const SYNC_POST_SALE: &str = "meli.sync_post_sale";

/// How far back a store's first orders sweep looks (later ones start at the previous sweep).
const ORDERS_LOOKBACK_HOURS: i64 = 2;
/// Sweeps overlap by this much, for clocks that disagree and changes indexed late.
const ORDERS_OVERLAP_MINUTES: i64 = 5;

/// Mercado Libre's search pages hold at most this many; past 1,000 results it wants scan mode.
const PAGE: u32 = 50;
const MAX_OFFSET: u32 = 1000;

pub fn sync_questions_job(org: OrgId, seller: SellerId, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        org_id: Some(org),
        kind: SYNC_QUESTIONS.into(),
        payload: serde_json::json!({ "seller_id": seller }),
        dedup_key: Some(format!("{SYNC_QUESTIONS}:{seller}")),
        run_at,
    }
}

/// A store's post-sale sweep: unread message packs, open claims, orders changed lately, and
/// Mercado Libre's own answer-time figure.
pub fn sync_post_sale_job(org: OrgId, seller: SellerId, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        org_id: Some(org),
        kind: SYNC_POST_SALE.into(),
        payload: serde_json::json!({ "seller_id": seller }),
        dedup_key: Some(format!("{SYNC_POST_SALE}:{seller}")),
        run_at,
    }
}

/// The missed feeds are the application's, not one organization's.
pub fn missed_feeds_job(run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        org_id: None,
        kind: MISSED_FEEDS.into(),
        payload: serde_json::json!({}),
        dedup_key: Some(MISSED_FEEDS.into()),
        run_at,
    }
}

/// Enqueues one sweep of everything: each connected store's questions, and the missed feeds.
pub async fn schedule_sweep(state: &AppState) -> Result<usize, StoreError> {
    let now = Utc::now();
    let mut enqueued = 0;
    let stores = state.store.connections().await?;
    for c in stores
        .iter()
        .filter(|c| c.health == ConnectionHealth::Connected && c.tokens.is_some())
    {
        enqueued += usize::from(
            state
                .store
                .enqueue(sync_questions_job(c.org_id, c.seller_id, now))
                .await?
                .is_some(),
        );
        enqueued += usize::from(
            state
                .store
                .enqueue(sync_post_sale_job(c.org_id, c.seller_id, now))
                .await?
                .is_some(),
        );
        let leads = crate::contacts::sync_leads_job(
            c.org_id,
            c.seller_id,
            crate::contacts::LEADS_SWEEP_DAYS,
            now,
        );
        enqueued += usize::from(state.store.enqueue(leads).await?.is_some());
    }
    if stores
        .iter()
        .any(|c| c.health == ConnectionHealth::Connected)
    {
        enqueued += usize::from(state.store.enqueue(missed_feeds_job(now)).await?.is_some());
    }
    if enqueued > 0 {
        state.jobs_waiting.notify_one();
    }
    Ok(enqueued)
}

/// Schedules a sweep every `every` until `shutdown`.
pub async fn run_scheduler(state: AppState, every: Duration, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = ticks.tick() => {
                if let Err(e) = schedule_sweep(&state).await {
                    tracing::warn!(error = %e, "could not schedule the reconciliation sweep");
                }
                purge(&state).await;
            }
        }
    }
}

/// Keeps storage bounded: finished jobs, old notifications, expired sessions and OAuth states go
/// (ages from the configuration). A failure is logged and tried again at the next sweep.
pub async fn purge(state: &AppState) {
    let now = Utc::now();
    let days = |d: u32| chrono::Duration::days(i64::from(d));
    match state
        .store
        .purge(
            now - days(state.config.keep_jobs_days),
            now - days(state.config.keep_notifications_days),
            now,
        )
        .await
    {
        Ok(counts) if counts != store::PurgeCounts::default() => {
            tracing::info!(
                jobs = counts.jobs,
                notifications = counts.notifications,
                sessions = counts.sessions,
                oauth_states = counts.oauth_states,
                "purged finished work"
            )
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not purge finished work"),
    }
}

/// Pages through the store's unanswered questions and enqueues a fetch for each one not in the
/// inbox yet (the fetch brings its listing and asker, exactly as for a webhook).
pub async fn sync_questions(state: &AppState, seller: SellerId) -> Result<(), JobError> {
    let meli = &state.meli;
    let Some(connection) = state.store.connection(seller).await? else {
        return Err(JobError::Fatal(format!("store {seller} is not connected")));
    };
    let mut offset = 0;
    let mut found = 0;
    while offset < MAX_OFFSET {
        let query = meli::QuestionsQuery {
            seller_id: Some(seller.0),
            status: Some(meli::QuestionStatus::Unanswered),
            offset: Some(offset),
            limit: Some(PAGE),
            ..Default::default()
        };
        let page = with_token(state, seller, |t| {
            let query = query.clone();
            async move { meli.search_questions(&t, &query).await }
        })
        .await?;
        let count = u32::try_from(page.questions.len()).unwrap_or(PAGE);
        for q in &page.questions {
            let known = state
                .store
                .conversation_by_ref(seller, Category::PreSaleQuestion, &q.id.to_string())
                .await?;
            if known.is_none() {
                found += 1;
                state
                    .store
                    .enqueue(jobs::fetch_question_job(
                        connection.org_id,
                        seller,
                        QuestionId(q.id),
                        Utc::now(),
                    ))
                    .await?;
            }
        }
        offset += count;
        if count == 0 || u64::from(offset) >= page.total {
            break;
        }
    }
    if found > 0 {
        tracing::info!(seller.id = %seller, found, "sweep found unanswered questions not in the inbox");
        crate::telemetry::reconciler_found("unanswered_questions", found as u64);
        state.jobs_waiting.notify_one();
    }
    Ok(())
}

/// Reads `/missed_feeds` (with any connected store's token: the list is per application) and
/// feeds each record to the webhook intake, where duplicates of what did arrive are dropped.
pub async fn missed_feeds(state: &AppState) -> Result<(), JobError> {
    let stores = state.store.connections().await?;
    let Some(seller) = stores
        .iter()
        .find(|c| c.health == ConnectionHealth::Connected && c.tokens.is_some())
        .map(|c| c.seller_id)
    else {
        return Ok(());
    };
    let meli = &state.meli;
    let app_id = state.config.meli_app_id;
    let mut offset = 0;
    let mut recovered = 0;
    while offset < MAX_OFFSET {
        let page = with_token(state, seller, |t| async move {
            meli.missed_feeds(&t, app_id, None, offset, PAGE).await
        })
        .await?;
        let count = u32::try_from(page.messages.len()).unwrap_or(PAGE);
        for feed in page.messages {
            let raw = serde_json::to_value(&feed.notification).unwrap_or_default();
            let accepted = crate::ingest::accept(state, &feed.notification, raw)
                .await
                .map_err(|e| match e {
                    AppError::Internal(cause) => JobError::Retry {
                        error: format!("{cause:#}"),
                        after: None,
                    },
                    other => JobError::Fatal(other.to_string()),
                })?;
            recovered += usize::from(accepted.status == "queued");
        }
        if count < PAGE {
            break;
        }
        offset += count;
    }
    if recovered > 0 {
        tracing::info!(recovered, "missed notifications recovered");
        crate::telemetry::reconciler_found("missed_feeds", recovered as u64);
    }
    Ok(())
}

/// Enqueues what a store's notifications may have missed: each pack with unread messages, each
/// open claim, each order changed lately; and reads Mercado Libre's answer-time figure.
pub async fn sync_post_sale(state: &AppState, seller: SellerId) -> Result<(), JobError> {
    let meli = &state.meli;
    let Some(connection) = state.store.connection(seller).await? else {
        return Err(JobError::Fatal(format!("store {seller} is not connected")));
    };
    let org = connection.org_id;
    let mut jobs = Vec::new();
    let unread = with_token(
        state,
        seller,
        |t| async move { meli.unread_messages(&t).await },
    )
    .await?;
    for pack in unread.results.iter().filter_map(|r| r.pack_id()) {
        jobs.push(crate::sync::sync_pack_job(org, seller, pack));
    }
    let claims_query = meli::ClaimsQuery {
        player_role: Some(meli::ClaimRole::from("respondent")),
        player_user_id: Some(seller.0),
        status: Some(meli::ClaimStatus::from("opened")),
        ..Default::default()
    };
    let claims = with_token(state, seller, |t| {
        let q = claims_query.clone();
        async move { meli.search_claims(&t, &q).await }
    })
    .await?;
    for claim in &claims.data {
        jobs.push(crate::sync::fetch_claim_job(org, seller, ClaimId(claim.id)));
    }
    let orders_mark = Utc::now();
    jobs.extend(changed_orders(state, org, seller).await?);
    let found = jobs.len();
    let mut new = 0u64;
    for job in jobs {
        new += u64::from(state.store.enqueue(job).await?.is_some());
    }
    // Only what was not already queued counts as found.
    crate::telemetry::reconciler_found("post_sale", new);
    // Only once every changed order is queued: a sweep that fails before looks again.
    state
        .store
        .set_orders_changed_since(org, seller, orders_mark)
        .await?;
    match with_token(state, seller, |t| async move {
        meli.questions_response_time(&t, seller.0).await
    })
    .await
    {
        Ok(figure) => state.store.set_meli_response_time(seller, &figure).await?,
        Err(JobError::Fatal(e)) => {
            tracing::info!(seller.id = %seller, error = %e, "no response time figure")
        }
        Err(retry) => return Err(retry),
    }
    if found > 0 {
        state.jobs_waiting.notify_one();
        tracing::info!(seller.id = %seller, found, "post-sale sweep enqueued work");
    }
    Ok(())
}

/// "Orders by last update": a fetch job for each order changed since the last sweep's mark
/// (minus an overlap) that we do not hold in that version yet. Unchanged orders cost nothing.
async fn changed_orders(
    state: &AppState,
    org: OrgId,
    seller: SellerId,
) -> Result<Vec<NewJob>, JobError> {
    let meli = &state.meli;
    let mark = state
        .store
        .order_sync(seller)
        .await?
        .and_then(|s| s.changed_since)
        .unwrap_or_else(|| Utc::now() - chrono::Duration::hours(ORDERS_LOOKBACK_HOURS));
    let since = (mark - chrono::Duration::minutes(ORDERS_OVERLAP_MINUTES)).fixed_offset();
    let mut jobs = Vec::new();
    let mut offset = 0_u32;
    loop {
        let query = meli::OrdersQuery {
            last_updated_from: Some(since),
            sort: Some(meli::OrdersSort::DateAsc),
            offset: Some(offset),
            limit: Some(PAGE),
            ..meli::OrdersQuery::for_seller(seller.0)
        };
        let page = with_token(state, seller, |t| {
            let q = query.clone();
            async move { meli.search_orders(&t, &q).await }
        })
        .await?;
        for order in &page.results {
            let known = state.store.order(OrderId(order.id)).await?;
            let changed = match (&known, order.last_change()) {
                (Some(k), Some(at)) => at.with_timezone(&Utc) > k.last_updated,
                _ => true,
            };
            if changed {
                jobs.push(crate::sync::fetch_order_job(org, seller, OrderId(order.id)));
            }
        }
        let count = u32::try_from(page.results.len()).unwrap_or(PAGE);
        offset += count;
        if count == 0 || u64::from(offset) >= page.paging.total {
            break;
        }
        if u64::from(offset) >= crate::backfill::SEARCH_OFFSET_CEILING {
            // Not split into windows as the backfill does: 10,000 changes between two sweeps is
            // beyond any store this serves. Said loudly rather than looped on forever.
            tracing::warn!(seller.id = %seller, total = page.paging.total, "more changed orders than one search pages through; the rest waits for their notifications");
            break;
        }
    }
    Ok(jobs)
}
