//! Notification intake and the durable job queue.
//!
//! Claims use `FOR UPDATE SKIP LOCKED`: any number of worker processes can claim at once, each
//! skipping rows another is leasing instead of queueing behind its lock.
//!
//! Each outcome write (complete, retry, postpone, bury) matches `state = 'running' AND claim_id`,
//! the token its claim returned, so a worker whose lease expired and was reclaimed changes
//! nothing and gets `LeaseLost`.

use crate::PgStore;
use crate::codec::{db_err, get, word};
use chrono::{DateTime, Utc};
use domain::JobId;
use sqlx::postgres::PgRow;
use sqlx::{Acquire, PgConnection};
use store::{
    Job, JobCounts, JobState, NewJob, NewNotification, NotificationRecord, NotificationState,
    RecordOutcome, StoreError, StoreResult,
};

const JOB_COLS: &str =
    "id, kind, payload, dedup_key, state, attempts, last_error, run_at, lease_until, claim_id";

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
        claim_id: get(row, "claim_id")?,
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

/// Inserts a job unless a queued one shares its dedup key (the partial unique index decides, so
/// there is no check-then-insert race: a concurrent twin waits for the first insert's commit
/// and then does nothing). A *running* job with the key does not stop it: that job may already
/// have read what the new one is meant to see. Runs on whatever connection or transaction it is
/// given.
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

/// The claim statement: two probes, each an ordered walk of one partial index that stops at its
/// first unlocked row — an expired lease first (a crashed worker's job has waited longest), else
/// the next due queued job, which is not even looked at when the first probe found one. Neither
/// sorts the due backlog. (`FOR UPDATE` is not allowed in a `UNION` branch, hence the CTEs.)
pub(crate) const CLAIM_SQL: &str = "WITH expired AS (
         SELECT id FROM jobs WHERE state = 'running' AND lease_until < $1
         ORDER BY lease_until, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED),
     queued AS (
         SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $1
             AND NOT EXISTS (SELECT 1 FROM expired)
         ORDER BY run_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED),
     next AS (SELECT id FROM expired UNION ALL SELECT id FROM queued)
     UPDATE jobs SET state = 'running', lease_until = $2, attempts = jobs.attempts + 1,
         claim_id = $3, updated_at = now()
     FROM next WHERE jobs.id = next.id";

pub(crate) async fn claim_job(
    s: &PgStore,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> StoreResult<Option<Job>> {
    let sql = format!(
        "{CLAIM_SQL}
         RETURNING jobs.id, jobs.kind, jobs.payload, jobs.dedup_key, jobs.state, jobs.attempts,
             jobs.last_error, jobs.run_at, jobs.lease_until, jobs.claim_id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(lease_until)
        .bind(uuid::Uuid::new_v4().to_string())
        .fetch_optional(&s.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(job_from_row)
        .transpose()
}

/// Why an outcome write matched no row: `NotFound` for an unknown id, else `LeaseLost` (the job
/// left `running` or carries another claim).
async fn unmatched(conn: &mut PgConnection, job: &Job) -> StoreError {
    let exists: Result<Option<i32>, _> = sqlx::query_scalar("SELECT 1 FROM jobs WHERE id = $1")
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

/// How many times `requeue_job` goes round when the queue keeps changing under it.
const REQUEUE_TRIES: usize = 3;

/// Back to the queue for `run_at` (the retry and postpone paths); `uncount` takes back the
/// attempt its claim counted. When another queued job already has this one's dedup key, putting
/// it back would break the one-queued-job-per-key rule, and the queued one will do the same work
/// anyway: this one is marked done as "merged into job N" instead.
///
/// One transaction, holding this job's row lock, taken only while the job is still running under
/// `job.claim_id` (a reclaim that commits first makes the lock find no matching row: `LeaseLost`;
/// one that comes later waits for this transaction and then finds the job requeued). A twin queued by someone else after the check
/// makes the requeue fail on the unique index (after the twin's insert commits); the requeue ran
/// in a savepoint, so the transaction goes round again, finds the twin, and merges.
pub(crate) async fn requeue_job(
    s: &PgStore,
    job: &Job,
    error: &str,
    run_at: DateTime<Utc>,
    uncount: bool,
) -> StoreResult<()> {
    let attempts = if uncount {
        "GREATEST(attempts - 1, 0)"
    } else {
        "attempts"
    };
    let id = job.id;
    let mut tx = s.pool.begin().await.map_err(db_err)?;
    let key: Option<Option<String>> = sqlx::query_scalar(
        "SELECT dedup_key FROM jobs WHERE id = $1 AND state = 'running' AND claim_id = $2
         FOR UPDATE",
    )
    .bind(id.0)
    .bind(&job.claim_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let Some(key) = key else {
        return Err(unmatched(&mut tx, job).await);
    };
    let mut tries = 0;
    loop {
        tries += 1;
        let twin: Option<i64> = match &key {
            Some(key) => sqlx::query_scalar(
                "SELECT id FROM jobs WHERE dedup_key = $1 AND state = 'queued' AND id <> $2
                 ORDER BY id LIMIT 1",
            )
            .bind(key)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?,
            None => None,
        };
        if let Some(twin) = twin {
            let sql = format!(
                "UPDATE jobs SET state = 'done', last_error = $2, attempts = {attempts},
                     lease_until = NULL, claim_id = NULL, updated_at = now()
                 WHERE id = $1"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .bind(format!("merged into job {twin}"))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            break;
        }
        let sql = format!(
            "UPDATE jobs SET state = 'queued', last_error = $2, run_at = $3,
                 attempts = {attempts}, lease_until = NULL, claim_id = NULL, updated_at = now()
             WHERE id = $1"
        );
        let mut savepoint = tx.begin().await.map_err(db_err)?;
        let requeued = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .bind(error)
            .bind(run_at)
            .execute(&mut *savepoint)
            .await;
        match requeued {
            Ok(_) => {
                savepoint.commit().await.map_err(db_err)?;
                break;
            }
            Err(sqlx::Error::Database(e))
                if e.kind() == sqlx::error::ErrorKind::UniqueViolation && tries < REQUEUE_TRIES =>
            {
                savepoint.rollback().await.map_err(db_err)?;
            }
            Err(e) => return Err(db_err(e)),
        }
    }
    tx.commit().await.map_err(db_err)
}

/// Moves a job out of `running` for good: done or dead. One conditional statement, so the lease
/// check and the write cannot be split by a reclaim (a concurrent reclaim's row lock makes this
/// wait and then re-check the claim on the new row version).
pub(crate) async fn finish_job(
    s: &PgStore,
    job: &Job,
    state: JobState,
    error: Option<&str>,
) -> StoreResult<()> {
    let mut conn = s.pool.acquire().await.map_err(db_err)?;
    let done = sqlx::query(
        "UPDATE jobs SET state = $2, last_error = COALESCE($3, last_error), lease_until = NULL,
             claim_id = NULL, updated_at = now()
         WHERE id = $1 AND state = 'running' AND claim_id = $4",
    )
    .bind(job.id.0)
    .bind(state.as_str())
    .bind(error)
    .bind(&job.claim_id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(unmatched(&mut conn, job).await);
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::test_support::{discard_test_store, fresh_test_store, pg_url_or_skip};
    use chrono::TimeZone;
    use std::time::Duration;
    use store::Store;

    fn fetch(run_at: DateTime<Utc>) -> NewJob {
        NewJob {
            kind: "meli.fetch_question".to_string(),
            payload: serde_json::json!({}),
            dedup_key: Some("q:1".to_string()),
            run_at,
        }
    }

    /// The race the savepoint is for: a twin is queued by a transaction that commits only after
    /// `retry_job` found no twin and started its update. The update waits on the unique index,
    /// fails once the twin commits, and the requeue falls back to merging.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requeue_racing_a_twins_insert_merges() {
        let Some(url) = pg_url_or_skip() else { return };
        let s = fresh_test_store(&url).await;
        let t0 = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
        let a = s.enqueue(fetch(t0)).await.unwrap().unwrap();
        let claimed = s.claim_job(t0, t0 + chrono::Duration::seconds(600));
        let claimed = claimed.await.unwrap().unwrap();
        assert_eq!(claimed.id, a);

        let mut other = s.pool.begin().await.unwrap();
        let b = enqueue_on(&mut other, &fetch(t0)).await.unwrap().unwrap();
        let retry = s.retry_job(&claimed, "HTTP 503", t0 + chrono::Duration::seconds(60));
        let commit_later = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            other.commit().await.unwrap();
        };
        let (retried, ()) = tokio::join!(retry, commit_later);
        retried.unwrap();

        let merged = s.job(a).await.unwrap().unwrap();
        assert_eq!(merged.state, JobState::Done);
        assert_eq!(
            merged.last_error.as_deref(),
            Some(format!("merged into job {b}").as_str())
        );
        assert_eq!(s.job(b).await.unwrap().unwrap().state, JobState::Queued);
        assert_eq!(s.job_counts().await.unwrap().queued, 1);
        discard_test_store(s).await;
    }

    /// Each claim probe walks its partial index in order: no Sort over the due backlog.
    #[tokio::test]
    async fn the_claim_reads_its_indexes_in_order() {
        let Some(url) = pg_url_or_skip() else { return };
        let s = fresh_test_store(&url).await;
        sqlx::query(
            "INSERT INTO jobs (kind, payload, state, run_at, lease_until)
             SELECT 'k', '{}', (ARRAY['queued', 'done', 'running'])[g % 3 + 1],
                 now() - g * interval '1 second', now() + interval '1 minute'
             FROM generate_series(1, 30000) g",
        )
        .execute(&s.pool)
        .await
        .unwrap();
        sqlx::query("ANALYZE jobs").execute(&s.pool).await.unwrap();
        let t0 = Utc::now();
        let plan: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "EXPLAIN (COSTS OFF) {CLAIM_SQL}"
        )))
        .bind(t0)
        .bind(t0 + chrono::Duration::seconds(120))
        .bind("claim")
        .fetch_all(&s.pool)
        .await
        .unwrap();
        let plan = plan.join("\n");
        println!("{plan}");
        assert!(!plan.contains("Sort"), "{plan}");
        assert!(plan.contains("Index Scan using jobs_lease_idx"), "{plan}");
        assert!(plan.contains("Index Scan using jobs_claim_idx"), "{plan}");
        discard_test_store(s).await;
    }
}
