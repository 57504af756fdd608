//! A batch of notifications recorded in one transaction (group commit), with the outcome each
//! would have had if recorded one after another in the batch's order: a dedup key seen earlier
//! (in the batch or before it) is a duplicate delivery, counted; the first occurrence gets the
//! job, or is tied to the queued job that already does its work.
//!
//! SQLite runs in-process, so a statement costs no round trip: the batch runs the single-record
//! statements in turn (sqlx keeps them prepared on the writer connection), and the transaction
//! costs one commit. PostgreSQL pays a round trip per statement, so there the batch is set-based:
//! each step sends the whole batch as one JSONB parameter expanded by `jsonb_to_recordset` (the
//! `unnest` of a list of rows, without array types in the neutral [`super::Value`]), a handful of
//! round trips whatever the batch's size.

use super::intake::{enqueue_on, record_on};
use super::{Dialect, Driver, Exec, Tx};
use crate::{NewJob, NewNotification, RecordOutcome, StoreError, StoreResult, args};
use chrono::{DateTime, SecondsFormat, Utc};
use domain::JobId;
use serde_json::{Value as Json, json};
use std::collections::HashMap;

pub type Batch = [(NewNotification, Option<NewJob>)];

pub async fn record_batch<D: Driver>(d: &D, batch: &Batch) -> StoreResult<Vec<RecordOutcome>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = d.begin().await?;
    let outcomes = match d.dialect() {
        Dialect::Sqlite => {
            let mut outcomes = Vec::with_capacity(batch.len());
            for (n, job) in batch {
                outcomes.push(record_on(&mut tx, n, job.as_ref()).await?);
            }
            outcomes
        }
        Dialect::Postgres => set_based(&mut tx, batch).await?,
    };
    tx.commit().await?;
    Ok(outcomes)
}

/// Micro-second RFC 3339, what TIMESTAMPTZ keeps.
fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

const INSERT_NOTIFICATIONS: &str = "INSERT INTO notifications (org_id, dedup_key, topic, resource,
         user_id, application_id, raw, state, ignore_reason, deliveries, received_at,
         created_at, updated_at)
     SELECT t.org_id, t.dedup_key, t.topic, t.resource, t.user_id, t.application_id, t.raw,
         t.state, t.ignore_reason, t.deliveries, t.received_at, $2, $2
     FROM jsonb_to_recordset($1) AS t(org_id uuid, dedup_key text, topic text, resource text,
         user_id bigint, application_id bigint, raw jsonb, state text, ignore_reason text,
         deliveries bigint, received_at timestamptz)
     ORDER BY t.dedup_key
     ON CONFLICT (dedup_key) DO UPDATE SET
         deliveries = notifications.deliveries + excluded.deliveries,
         updated_at = excluded.updated_at
     RETURNING id, dedup_key, deliveries";

const INSERT_JOBS: &str = "INSERT INTO jobs (org_id, kind, payload, dedup_key, state, attempts,
         run_at, created_at, updated_at)
     SELECT t.org_id, t.kind, t.payload, t.dedup_key, 'queued', 0, t.run_at, $2, $2
     FROM jsonb_to_recordset($1) AS t(org_id uuid, kind text, payload jsonb, dedup_key text,
         run_at timestamptz)
     ORDER BY t.dedup_key
     ON CONFLICT DO NOTHING
     RETURNING id, dedup_key";

const QUEUED_TWINS: &str = "SELECT id, dedup_key FROM jobs
     WHERE state = 'queued' AND dedup_key IN (SELECT jsonb_array_elements_text($1))";

const LINK_JOBS: &str = "UPDATE notifications SET job_id = t.job_id
     FROM jsonb_to_recordset($1) AS t(id bigint, job_id bigint)
     WHERE notifications.id = t.id";

/// The PostgreSQL batch. Rows go in sorted by key, so two batches racing on the same keys take
/// their locks in the same order instead of deadlocking.
async fn set_based<E: Exec + ?Sized>(tx: &mut E, batch: &Batch) -> StoreResult<Vec<RecordOutcome>> {
    let now = Utc::now();
    // Deliveries per dedup key, and where each key first occurs.
    let mut first_of: HashMap<&str, (usize, i64)> = HashMap::new();
    for (i, (n, _)) in batch.iter().enumerate() {
        first_of.entry(n.dedup_key.as_str()).or_insert((i, 0)).1 += 1;
    }
    let rows: Vec<Json> = first_of
        .values()
        .map(|&(i, deliveries)| {
            let n = &batch[i].0;
            json!({
                "org_id": n.org_id,
                "dedup_key": n.dedup_key,
                "topic": n.topic,
                "resource": n.resource,
                "user_id": n.user_id,
                "application_id": n.application_id,
                "raw": n.raw,
                "state": n.state.as_str(),
                "ignore_reason": n.ignore_reason,
                "deliveries": deliveries,
                "received_at": time(n.received_at),
            })
        })
        .collect();
    // Key → (id, whether this batch created it). A fresh row holds exactly the batch's
    // deliveries; one recorded before holds more.
    let mut stored: HashMap<String, (i64, bool)> = HashMap::new();
    for row in tx
        .fetch(INSERT_NOTIFICATIONS, args![Json::Array(rows), now])
        .await?
    {
        let key = row.text("dedup_key")?;
        let batch_deliveries = first_of.get(key.as_str()).map_or(0, |&(_, d)| d);
        let fresh = row.i64("deliveries")? == batch_deliveries;
        stored.insert(key, (row.i64("id")?, fresh));
    }
    let notification = |key: &str| {
        stored
            .get(key)
            .copied()
            .ok_or_else(|| StoreError::Backend(format!("notification {key:?} was not returned")))
    };

    // The jobs of the first occurrence of each fresh notification. Among those sharing a job key,
    // only the first in the batch's order is inserted; the rest are tied to it.
    let mut job_owner: HashMap<&str, usize> = HashMap::new();
    let mut keyless: Vec<usize> = Vec::new();
    let mut to_insert: Vec<Json> = Vec::new();
    for (i, (n, job)) in batch.iter().enumerate() {
        let Some(job) = job else { continue };
        if first_of.get(n.dedup_key.as_str()).map(|&(f, _)| f) != Some(i)
            || !notification(&n.dedup_key)?.1
        {
            continue;
        }
        let Some(key) = job.dedup_key.as_deref() else {
            keyless.push(i);
            continue;
        };
        if job_owner.contains_key(key) {
            continue;
        }
        job_owner.insert(key, i);
        to_insert.push(json!({
            "org_id": job.org_id,
            "kind": job.kind,
            "payload": job.payload,
            "dedup_key": key,
            "run_at": time(job.run_at),
        }));
    }
    // Job key → (job id, whether this batch inserted it).
    let mut jobs: HashMap<String, (JobId, bool)> = HashMap::new();
    if !to_insert.is_empty() {
        for row in tx
            .fetch(INSERT_JOBS, args![Json::Array(to_insert), now])
            .await?
        {
            jobs.insert(row.text("dedup_key")?, (JobId(row.i64("id")?), true));
        }
    }
    // A key that inserted nothing met a queued job already doing that work.
    let twins: Vec<Json> = job_owner
        .keys()
        .filter(|k| !jobs.contains_key(**k))
        .map(|k| Json::from(*k))
        .collect();
    if !twins.is_empty() {
        for row in tx.fetch(QUEUED_TWINS, args![Json::Array(twins)]).await? {
            jobs.insert(row.text("dedup_key")?, (JobId(row.i64("id")?), false));
        }
    }
    // Jobs without a key never conflict; rare, so one by one.
    let mut keyless_ids: HashMap<usize, Option<JobId>> = HashMap::new();
    for i in keyless {
        if let Some(job) = &batch[i].1 {
            keyless_ids.insert(i, enqueue_on(tx, job).await?);
        }
    }

    let mut outcomes = Vec::with_capacity(batch.len());
    let mut links: Vec<Json> = Vec::new();
    for (i, (n, job)) in batch.iter().enumerate() {
        let (notification_id, fresh) = notification(&n.dedup_key)?;
        let first = first_of.get(n.dedup_key.as_str()).map(|&(f, _)| f) == Some(i);
        if !(fresh && first) {
            outcomes.push(RecordOutcome::Duplicate { notification_id });
            continue;
        }
        let (job_id, handled_by) = match job.as_ref().map(|j| j.dedup_key.as_deref()) {
            None => (None, None),
            Some(None) => {
                let id = keyless_ids.get(&i).copied().flatten();
                (id, id)
            }
            Some(Some(key)) => match jobs.get(key) {
                Some(&(id, inserted)) => {
                    let owns = inserted && job_owner.get(key) == Some(&i);
                    (owns.then_some(id), Some(id))
                }
                None => (None, None),
            },
        };
        if let Some(handled_by) = handled_by {
            links.push(json!({ "id": notification_id, "job_id": handled_by.0 }));
        }
        outcomes.push(RecordOutcome::Recorded {
            notification_id,
            job_id,
        });
    }
    if !links.is_empty() {
        tx.execute(LINK_JOBS, args![Json::Array(links)]).await?;
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_keep_microseconds() {
        use chrono::TimeZone;
        let t = chrono::Utc
            .timestamp_opt(1_714_564_800, 123_456_789)
            .single()
            .unwrap_or_default();
        assert_eq!(super::time(t), "2024-05-01T12:00:00.123456Z");
    }
}
