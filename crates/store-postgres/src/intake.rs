//! Notification intake and the durable job queue.
//!
//! Claims use `FOR UPDATE SKIP LOCKED`: any number of worker processes can claim at once, each
//! skipping rows another is leasing instead of queueing behind its lock.

use crate::PgStore;
use crate::codec::{db_err, expect_row, get, word};
use chrono::{DateTime, Utc};
use domain::JobId;
use sqlx::PgConnection;
use sqlx::postgres::PgRow;
use store::{
    Job, JobCounts, JobState, NewJob, NewNotification, NotificationRecord, NotificationState,
    RecordOutcome, StoreResult,
};

const JOB_COLS: &str =
    "id, kind, payload, dedup_key, state, attempts, last_error, run_at, lease_until";

fn job_from_row(row: &PgRow) -> StoreResult<Job> {
    Ok(Job {
        id: JobId(get(row, "id")?),
        kind: get(row, "kind")?,
        payload: get(row, "payload")?,
        dedup_key: get(row, "dedup_key")?,
        state: word(row, "state", JobState::parse)?,
        attempts: get(row, "attempts")?,
        last_error: get(row, "last_error")?,
        run_at: get(row, "run_at")?,
        lease_until: get(row, "lease_until")?,
    })
}

fn notification_from_row(row: &PgRow) -> StoreResult<NotificationRecord> {
    Ok(NotificationRecord {
        id: get(row, "id")?,
        dedup_key: get(row, "dedup_key")?,
        topic: get(row, "topic")?,
        resource: get(row, "resource")?,
        user_id: get(row, "user_id")?,
        application_id: get(row, "application_id")?,
        raw: get(row, "raw")?,
        state: word(row, "state", NotificationState::parse)?,
        ignore_reason: get(row, "ignore_reason")?,
        deliveries: get(row, "deliveries")?,
        received_at: get(row, "received_at")?,
    })
}

/// Inserts a job unless a live one shares its dedup key (the partial unique index decides, so
/// there is no check-then-insert race: a concurrent twin waits for the first insert's commit
/// and then does nothing). Runs on whatever connection or transaction it is given.
pub(crate) async fn enqueue_on(
    conn: &mut PgConnection,
    job: &NewJob,
) -> StoreResult<Option<JobId>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, dedup_key, state, attempts, run_at)
         VALUES ($1, $2, $3, 'queued', 0, $4)
         ON CONFLICT DO NOTHING
         RETURNING id",
    )
    .bind(&job.kind)
    .bind(&job.payload)
    .bind(&job.dedup_key)
    .bind(job.run_at)
    .fetch_optional(conn)
    .await
    .map_err(db_err)?;
    Ok(id.map(JobId))
}

pub(crate) async fn record_notification(
    s: &PgStore,
    n: NewNotification,
    job: Option<NewJob>,
) -> StoreResult<RecordOutcome> {
    let mut tx = s.pool.begin().await.map_err(db_err)?;
    // One statement decides new-or-duplicate, even for two deliveries racing: a fresh row starts
    // at one delivery.
    let row = sqlx::query(
        "INSERT INTO notifications (dedup_key, topic, resource, user_id, application_id, raw,
             state, ignore_reason, deliveries, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)
         ON CONFLICT (dedup_key) DO UPDATE SET
             deliveries = notifications.deliveries + 1, updated_at = now()
         RETURNING id, deliveries",
    )
    .bind(&n.dedup_key)
    .bind(&n.topic)
    .bind(&n.resource)
    .bind(n.user_id)
    .bind(n.application_id)
    .bind(&n.raw)
    .bind(n.state.as_str())
    .bind(&n.ignore_reason)
    .bind(n.received_at)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let notification_id: i64 = get(&row, "id")?;
    let deliveries: i64 = get(&row, "deliveries")?;
    let outcome = if deliveries > 1 {
        RecordOutcome::Duplicate { notification_id }
    } else {
        let job_id = match &job {
            Some(job) => enqueue_on(&mut tx, job).await?,
            None => None,
        };
        RecordOutcome::Recorded {
            notification_id,
            job_id,
        }
    };
    tx.commit().await.map_err(db_err)?;
    Ok(outcome)
}

pub(crate) async fn recent_notifications(
    s: &PgStore,
    limit: i64,
) -> StoreResult<Vec<NotificationRecord>> {
    sqlx::query(
        "SELECT id, dedup_key, topic, resource, user_id, application_id, raw, state,
             ignore_reason, deliveries, received_at
         FROM notifications ORDER BY received_at DESC, id DESC LIMIT $1",
    )
    .bind(limit.max(0))
    .fetch_all(&s.pool)
    .await
    .map_err(db_err)?
    .iter()
    .map(notification_from_row)
    .collect()
}

pub(crate) async fn enqueue(s: &PgStore, job: NewJob) -> StoreResult<Option<JobId>> {
    let mut conn = s.pool.acquire().await.map_err(db_err)?;
    enqueue_on(&mut conn, &job).await
}

pub(crate) async fn claim_job(
    s: &PgStore,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> StoreResult<Option<Job>> {
    sqlx::query(
        "WITH next AS (
             SELECT id FROM jobs
             WHERE (state = 'queued' AND run_at <= $1)
                OR (state = 'running' AND lease_until < $1)
             ORDER BY run_at, id
             LIMIT 1
             FOR UPDATE SKIP LOCKED)
         UPDATE jobs SET state = 'running', lease_until = $2, attempts = jobs.attempts + 1,
             updated_at = now()
         FROM next WHERE jobs.id = next.id
         RETURNING jobs.id, jobs.kind, jobs.payload, jobs.dedup_key, jobs.state, jobs.attempts,
             jobs.last_error, jobs.run_at, jobs.lease_until",
    )
    .bind(now)
    .bind(lease_until)
    .fetch_optional(&s.pool)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(job_from_row)
    .transpose()
}

/// Moves a job out of `running`: done, dead, or back to the queue for `run_at`.
pub(crate) async fn finish_job(
    s: &PgStore,
    id: JobId,
    state: JobState,
    error: Option<&str>,
    run_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE jobs SET state = $2, last_error = COALESCE($3, last_error),
             run_at = COALESCE($4, run_at), lease_until = NULL, updated_at = now()
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(state.as_str())
    .bind(error)
    .bind(run_at)
    .execute(&s.pool)
    .await
    .map_err(db_err)?;
    expect_row(done.rows_affected(), || format!("job {id}"))
}

pub(crate) async fn job(s: &PgStore, id: JobId) -> StoreResult<Option<Job>> {
    let sql = format!("SELECT {JOB_COLS} FROM jobs WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&s.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(job_from_row)
        .transpose()
}

pub(crate) async fn job_counts(s: &PgStore) -> StoreResult<JobCounts> {
    let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
        .fetch_all(&s.pool)
        .await
        .map_err(db_err)?;
    let mut counts = JobCounts::default();
    for row in &rows {
        let n: i64 = get(row, "n")?;
        match word(row, "state", JobState::parse)? {
            JobState::Queued => counts.queued = n,
            JobState::Running => counts.running = n,
            JobState::Done => counts.done = n,
            JobState::Dead => counts.dead = n,
        }
    }
    Ok(counts)
}

pub(crate) async fn next_job_due(s: &PgStore) -> StoreResult<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT MIN(run_at) FROM jobs WHERE state = 'queued'")
        .fetch_one(&s.pool)
        .await
        .map_err(db_err)
}
