//! Notification intake and the durable job queue.
//!
//! Claims need no row locks here: a claim is one `UPDATE … WHERE id = COALESCE((probe),
//! (probe))` statement, and SQLite runs each write statement under its database-wide write lock
//! (every write of this store goes through its single writer connection; another process waits
//! on the busy timeout), so picking and leasing a job is never interleaved with another claim.
//!
//! Each outcome write (complete, retry, postpone, bury) matches `state = 'running' AND claim_id`,
//! the token its claim returned, so a worker whose lease expired and was reclaimed changes
//! nothing and gets `LeaseLost`.

use crate::SqliteStore;
use crate::codec::{db_err, get, json, now, opt_time, time, to_json, ts, word};
use chrono::{DateTime, Utc};
use domain::JobId;
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;
use store::{
    Job, JobCounts, JobState, NewJob, NewNotification, NotificationRecord, NotificationState,
    RecordOutcome, StoreError, StoreResult,
};

const JOB_COLS: &str =
    "id, kind, payload, dedup_key, state, attempts, last_error, run_at, lease_until, claim_id";

fn job_from_row(row: &SqliteRow) -> StoreResult<Job> {
    Ok(Job {
        id: JobId(get(row, "id")?),
        kind: get(row, "kind")?,
        payload: json(row, "payload")?,
        dedup_key: get(row, "dedup_key")?,
        state: word(row, "state", JobState::parse)?,
        attempts: get(row, "attempts")?,
        last_error: get(row, "last_error")?,
        run_at: time(row, "run_at")?,
        lease_until: opt_time(row, "lease_until")?,
        claim_id: get(row, "claim_id")?,
    })
}

fn notification_from_row(row: &SqliteRow) -> StoreResult<NotificationRecord> {
    Ok(NotificationRecord {
        id: get(row, "id")?,
        dedup_key: get(row, "dedup_key")?,
        topic: get(row, "topic")?,
        resource: get(row, "resource")?,
        user_id: get(row, "user_id")?,
        application_id: get(row, "application_id")?,
        raw: json(row, "raw")?,
        state: word(row, "state", NotificationState::parse)?,
        ignore_reason: get(row, "ignore_reason")?,
        deliveries: get(row, "deliveries")?,
        received_at: time(row, "received_at")?,
    })
}

/// Inserts a job unless a queued one shares its dedup key (the partial unique index decides, so
/// there is no check-then-insert race). A *running* job with the key does not stop it: that job
/// may already have read what the new one is meant to see. Runs on whatever connection or
/// transaction it is given.
pub(crate) async fn enqueue_on(
    conn: &mut SqliteConnection,
    job: &NewJob,
) -> StoreResult<Option<JobId>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, dedup_key, state, attempts, run_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'queued', 0, ?4, ?5, ?5)
         ON CONFLICT DO NOTHING
         RETURNING id",
    )
    .bind(&job.kind)
    .bind(to_json(&job.payload))
    .bind(&job.dedup_key)
    .bind(ts(job.run_at))
    .bind(now())
    .fetch_optional(conn)
    .await
    .map_err(db_err)?;
    Ok(id.map(JobId))
}

pub(crate) async fn record_notification(
    s: &SqliteStore,
    n: NewNotification,
    job: Option<NewJob>,
) -> StoreResult<RecordOutcome> {
    let mut tx = s.begin().await?;
    // One statement decides new-or-duplicate: a fresh row starts at one delivery.
    let row = sqlx::query(
        "INSERT INTO notifications (dedup_key, topic, resource, user_id, application_id, raw,
             state, ignore_reason, deliveries, received_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?10)
         ON CONFLICT (dedup_key) DO UPDATE SET
             deliveries = notifications.deliveries + 1, updated_at = excluded.updated_at
         RETURNING id, deliveries",
    )
    .bind(&n.dedup_key)
    .bind(&n.topic)
    .bind(&n.resource)
    .bind(n.user_id)
    .bind(n.application_id)
    .bind(to_json(&n.raw))
    .bind(n.state.as_str())
    .bind(&n.ignore_reason)
    .bind(ts(n.received_at))
    .bind(now())
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
    s: &SqliteStore,
    limit: i64,
) -> StoreResult<Vec<NotificationRecord>> {
    sqlx::query(
        "SELECT id, dedup_key, topic, resource, user_id, application_id, raw, state,
             ignore_reason, deliveries, received_at
         FROM notifications ORDER BY received_at DESC, id DESC LIMIT ?1",
    )
    .bind(limit.max(0))
    .fetch_all(&s.reader)
    .await
    .map_err(db_err)?
    .iter()
    .map(notification_from_row)
    .collect()
}

pub(crate) async fn enqueue(s: &SqliteStore, job: NewJob) -> StoreResult<Option<JobId>> {
    let mut conn = s.writer.acquire().await.map_err(db_err)?;
    enqueue_on(&mut conn, &job).await
}

/// The claim statement: two probes, each an ordered walk of one partial index that stops at
/// its first row — an expired lease first (a crashed worker's job has waited longest), else the
/// next due queued job. Neither sorts the due backlog.
pub(crate) const CLAIM_SQL: &str = "UPDATE jobs SET state = 'running', lease_until = ?2,
         attempts = attempts + 1, claim_id = ?3, updated_at = ?4
     WHERE id = COALESCE(
         (SELECT id FROM jobs WHERE state = 'running' AND lease_until < ?1
          ORDER BY lease_until, id LIMIT 1),
         (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= ?1
          ORDER BY run_at, id LIMIT 1))";

pub(crate) async fn claim_job(
    s: &SqliteStore,
    now_at: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> StoreResult<Option<Job>> {
    let sql = format!("{CLAIM_SQL} RETURNING {JOB_COLS}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ts(now_at))
        .bind(ts(lease_until))
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(now())
        .fetch_optional(&s.writer)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(job_from_row)
        .transpose()
}

/// Why an outcome write matched no row: `NotFound` for an unknown id, else `LeaseLost` (the job
/// left `running` or carries another claim).
async fn unmatched(conn: &mut SqliteConnection, job: &Job) -> StoreError {
    let exists: Result<Option<i64>, _> = sqlx::query_scalar("SELECT 1 FROM jobs WHERE id = ?1")
        .bind(job.id.0)
        .fetch_optional(conn)
        .await;
    match exists {
        Ok(Some(_)) => StoreError::LeaseLost(format!(
            "job {} is no longer running under claim {}",
            job.id,
            job.claim_id.as_deref().unwrap_or("(none)")
        )),
        Ok(None) => StoreError::NotFound(format!("job {}", job.id)),
        Err(e) => db_err(e),
    }
}

/// Back to the queue for `run_at` (the retry and postpone paths); `uncount` takes back the
/// attempt its claim counted. When another queued job already has this one's dedup key, putting
/// it back would break the one-queued-job-per-key rule, and the queued one will do the same work
/// anyway: this one is marked done as "merged into job N" instead. The write transaction holds
/// the write lock from its first statement, so the lease check, the twin check and the update
/// see the same queue.
pub(crate) async fn requeue_job(
    s: &SqliteStore,
    job: &Job,
    error: &str,
    run_at: DateTime<Utc>,
    uncount: bool,
) -> StoreResult<()> {
    let id = job.id;
    let mut tx = s.begin().await?;
    let key: Option<Option<String>> = sqlx::query_scalar(
        "SELECT dedup_key FROM jobs WHERE id = ?1 AND state = 'running' AND claim_id = ?2",
    )
    .bind(id.0)
    .bind(&job.claim_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let Some(key) = key else {
        return Err(unmatched(&mut tx, job).await);
    };
    let twin: Option<i64> = match &key {
        Some(key) => sqlx::query_scalar(
            "SELECT id FROM jobs WHERE dedup_key = ?1 AND state = 'queued' AND id <> ?2
             ORDER BY id LIMIT 1",
        )
        .bind(key)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?,
        None => None,
    };
    let attempts = if uncount {
        "MAX(attempts - 1, 0)"
    } else {
        "attempts"
    };
    let (state, error, run_at) = match twin {
        Some(twin) => ("done", format!("merged into job {twin}"), None),
        None => ("queued", error.to_string(), Some(ts(run_at))),
    };
    let sql = format!(
        "UPDATE jobs SET state = ?2, last_error = ?3, run_at = COALESCE(?4, run_at),
             attempts = {attempts}, lease_until = NULL, claim_id = NULL, updated_at = ?5
         WHERE id = ?1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .bind(state)
        .bind(error)
        .bind(run_at)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)
}

/// Moves a job out of `running` for good: done or dead. One conditional statement, so the lease
/// check and the write cannot be split by a reclaim.
pub(crate) async fn finish_job(
    s: &SqliteStore,
    job: &Job,
    state: JobState,
    error: Option<&str>,
) -> StoreResult<()> {
    let mut conn = s.writer.acquire().await.map_err(db_err)?;
    let done = sqlx::query(
        "UPDATE jobs SET state = ?2, last_error = COALESCE(?3, last_error), lease_until = NULL,
             claim_id = NULL, updated_at = ?4
         WHERE id = ?1 AND state = 'running' AND claim_id = ?5",
    )
    .bind(job.id.0)
    .bind(state.as_str())
    .bind(error)
    .bind(now())
    .bind(&job.claim_id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(unmatched(&mut conn, job).await);
    }
    Ok(())
}

pub(crate) async fn job(s: &SqliteStore, id: JobId) -> StoreResult<Option<Job>> {
    let sql = format!("SELECT {JOB_COLS} FROM jobs WHERE id = ?1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&s.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(job_from_row)
        .transpose()
}

pub(crate) async fn job_counts(s: &SqliteStore) -> StoreResult<JobCounts> {
    let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
        .fetch_all(&s.reader)
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

pub(crate) async fn next_job_due(s: &SqliteStore) -> StoreResult<Option<DateTime<Utc>>> {
    let due: Option<String> =
        sqlx::query_scalar("SELECT MIN(run_at) FROM jobs WHERE state = 'queued'")
            .fetch_one(&s.reader)
            .await
            .map_err(db_err)?;
    due.as_deref().map(crate::codec::parse_ts).transpose()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// Each claim probe walks its partial index in order: no temp b-tree sorting the backlog.
    #[tokio::test]
    async fn the_claim_reads_its_indexes_in_order() {
        let s = SqliteStore::open_in_memory().await.unwrap();
        sqlx::query(
            "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 5000)
             INSERT INTO jobs (kind, payload, state, run_at, created_at, updated_at)
             SELECT 'k', '{}', CASE WHEN x % 2 = 0 THEN 'done' ELSE 'queued' END,
                 printf('2024-05-01T%02d:00:00.000000Z', x % 24), 'x', 'x' FROM g",
        )
        .execute(&s.writer)
        .await
        .unwrap();
        sqlx::query("ANALYZE").execute(&s.writer).await.unwrap();
        let plan = sqlx::query(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {CLAIM_SQL}"
        )))
        .bind("2024-05-01T12:00:00.000000Z")
        .bind("2024-05-01T12:02:00.000000Z")
        .bind("claim")
        .bind("2024-05-01T12:00:00.000000Z")
        .fetch_all(&s.writer)
        .await
        .unwrap()
        .iter()
        .map(|row| get::<String>(row, "detail"))
        .collect::<StoreResult<Vec<_>>>()
        .unwrap()
        .join("\n");
        println!("{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        assert!(plan.contains("jobs_lease_idx"), "{plan}");
        assert!(plan.contains("jobs_claim_idx"), "{plan}");
    }
}
