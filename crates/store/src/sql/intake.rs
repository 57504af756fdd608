//! Notification intake and the durable job queue.
//!
//! Each outcome write (complete, retry, postpone, bury) matches `state = 'running' AND claim_id`,
//! the token its claim returned, so a worker whose lease expired and was reclaimed changes
//! nothing and gets `LeaseLost`. The claim itself is the backend's ([`Driver::claim_sql`]): one
//! statement on SQLite (whose writes are serialised), `FOR UPDATE SKIP LOCKED` on PostgreSQL.

use super::{Driver, Exec, ReadAs, Row, Tx};
use crate::{
    IntakeStore, Job, JobCounts, JobState, NewJob, NewNotification, NotificationRecord,
    NotificationState, PurgeCounts, RecordOutcome, StoreError, StoreResult, args,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{JobId, OrgId};

pub const JOB_COLS: &str = "id, org_id, kind, payload, dedup_key, state, attempts, last_error, \
    run_at, lease_until, claim_id";

pub fn job(row: &Row) -> StoreResult<Job> {
    Ok(Job {
        id: JobId(row.i64("id")?),
        org_id: row.opt_org("org_id")?,
        kind: row.text("kind")?,
        payload: row.json("payload")?,
        dedup_key: row.opt_text("dedup_key")?,
        state: row.word("state", JobState::parse)?,
        attempts: i32::try_from(row.i64("attempts")?)
            .map_err(|e| StoreError::Corrupt(format!("attempts: {e}")))?,
        last_error: row.opt_text("last_error")?,
        run_at: row.time("run_at")?,
        lease_until: row.opt_time("lease_until")?,
        claim_id: row.opt_text("claim_id")?,
    })
}

fn notification(row: &Row) -> StoreResult<NotificationRecord> {
    let stored = row.word("state", NotificationState::parse)?;
    let job_state = row
        .opt_text("job_state")?
        .map(|s| crate::support::parse_word("job_state", &s, JobState::parse))
        .transpose()?;
    Ok(NotificationRecord {
        id: row.i64("id")?,
        org_id: row.opt_org("org_id")?,
        job_id: row.opt_i64("job_id")?.map(JobId),
        dedup_key: row.text("dedup_key")?,
        topic: row.text("topic")?,
        resource: row.text("resource")?,
        user_id: row.i64("user_id")?,
        application_id: row.opt_i64("application_id")?,
        raw: row.json("raw")?,
        state: NotificationState::following(stored, job_state),
        ignore_reason: row.opt_text("ignore_reason")?,
        deliveries: row.i64("deliveries")?,
        received_at: row.time("received_at")?,
    })
}

/// Inserts a job unless a queued one shares its dedup key (the partial unique index decides, so
/// there is no check-then-insert race). A *running* job with the key does not stop it: that job
/// may already have read what the new one is meant to see. Runs on whatever connection or
/// transaction it is given, so callers enqueue in the same transaction as the data that caused
/// the job.
pub async fn enqueue_on<E: Exec + ?Sized>(ex: &mut E, job: &NewJob) -> StoreResult<Option<JobId>> {
    let row = ex
        .fetch_optional(
            "INSERT INTO jobs (org_id, kind, payload, dedup_key, state, attempts, run_at,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6, $6)
             ON CONFLICT DO NOTHING
             RETURNING id",
            args![
                job.org_id,
                &job.kind,
                &job.payload,
                job.dedup_key.as_deref(),
                job.run_at,
                Utc::now()
            ],
        )
        .await?;
    row.map(|r| r.i64("id").map(JobId)).transpose()
}

/// Records one notification (and enqueues its job) on the transaction it is given; see
/// [`IntakeStore::record_notification`].
pub(crate) async fn record_on<E: Exec + ?Sized>(
    ex: &mut E,
    n: &NewNotification,
    job: Option<&NewJob>,
) -> StoreResult<RecordOutcome> {
    // One statement decides new-or-duplicate: a fresh row starts at one delivery.
    let row = ex
        .fetch_optional(
            "INSERT INTO notifications (org_id, dedup_key, topic, resource, user_id,
                 application_id, raw, state, ignore_reason, deliveries, received_at,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $11)
             ON CONFLICT (dedup_key) DO UPDATE SET
                 deliveries = notifications.deliveries + 1, updated_at = excluded.updated_at
             RETURNING id, deliveries",
            args![
                n.org_id,
                &n.dedup_key,
                &n.topic,
                &n.resource,
                n.user_id,
                n.application_id,
                &n.raw,
                n.state.as_str(),
                n.ignore_reason.as_deref(),
                n.received_at,
                Utc::now()
            ],
        )
        .await?
        .ok_or_else(|| StoreError::Backend("notification insert returned no row".into()))?;
    let notification_id = row.i64("id")?;
    if row.i64("deliveries")? > 1 {
        return Ok(RecordOutcome::Duplicate { notification_id });
    }
    let mut job_id = None;
    if let Some(job) = job {
        job_id = enqueue_on(ex, job).await?;
        // Deduplicated against a queued twin: that job does this notification's work.
        let handled_by = match (job_id, &job.dedup_key) {
            (Some(id), _) => Some(id),
            (None, Some(key)) => ex
                .fetch_optional(
                    "SELECT id FROM jobs WHERE dedup_key = $1 AND state = 'queued'",
                    args![key],
                )
                .await?
                .map(|r| r.i64("id").map(JobId))
                .transpose()?,
            (None, None) => None,
        };
        if let Some(handled_by) = handled_by {
            ex.execute(
                "UPDATE notifications SET job_id = $2 WHERE id = $1",
                args![notification_id, handled_by],
            )
            .await?;
        }
    }
    Ok(RecordOutcome::Recorded {
        notification_id,
        job_id,
    })
}

/// Why an outcome write matched no row: `NotFound` for an unknown id, else `LeaseLost` (the job
/// left `running` or carries another claim).
async fn unmatched<E: Exec + ?Sized>(ex: &mut E, job: &Job) -> StoreError {
    match ex
        .fetch_optional("SELECT id FROM jobs WHERE id = $1", args![job.id])
        .await
    {
        Ok(Some(_)) => StoreError::LeaseLost(format!(
            "job {} is no longer running under claim {}",
            job.id,
            job.claim_id.as_deref().unwrap_or("(none)")
        )),
        Ok(None) => StoreError::NotFound(format!("job {}", job.id)),
        Err(e) => e,
    }
}

/// How many times a requeue goes round when the queue keeps changing under it.
const REQUEUE_TRIES: usize = 3;

enum Requeued {
    Done,
    /// A twin was queued by someone else between our check and our write; go round again.
    Raced,
}

/// One attempt at putting a claimed job back (see [`requeue_job`]).
async fn requeue_once<D: Driver>(
    d: &D,
    job: &Job,
    error: &str,
    run_at: DateTime<Utc>,
    uncount: bool,
) -> StoreResult<Requeued> {
    let mut tx = d.begin().await?;
    let lock = format!(
        "SELECT dedup_key FROM jobs WHERE id = $1 AND state = 'running' AND claim_id = $2{}",
        d.dialect().for_update()
    );
    let Some(row) = tx
        .fetch_optional(&lock, args![job.id, job.claim_id.as_deref()])
        .await?
    else {
        return Err(unmatched(&mut tx, job).await);
    };
    let twin = match row.opt_text("dedup_key")? {
        Some(key) => tx
            .fetch_optional(
                "SELECT id FROM jobs WHERE dedup_key = $1 AND state = 'queued' AND id <> $2
                 ORDER BY id LIMIT 1",
                args![key, job.id],
            )
            .await?
            .map(|r| r.i64("id"))
            .transpose()?,
        None => None,
    };
    let attempts = if uncount {
        "CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END"
    } else {
        "attempts"
    };
    let (state, error, run_at) = match twin {
        Some(twin) => ("done", format!("merged into job {twin}"), None),
        None => ("queued", error.to_string(), Some(run_at)),
    };
    let sql = format!(
        "UPDATE jobs SET state = $2, last_error = $3, run_at = COALESCE($4, run_at),
             attempts = {attempts}, lease_until = NULL, claim_id = NULL, updated_at = $5
         WHERE id = $1"
    );
    match tx
        .execute(&sql, args![job.id, state, error, run_at, Utc::now()])
        .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(Requeued::Done)
        }
        // Only PostgreSQL gets here: a twin's insert committed after our check, and our write hit
        // the one-queued-job-per-key index. Rolling back and looking again finds it and merges.
        Err(StoreError::Conflict(_)) => Ok(Requeued::Raced),
        Err(e) => Err(e),
    }
}

/// Back to the queue for `run_at` (the retry and postpone paths); `uncount` takes back the
/// attempt its claim counted. When another queued job already has this one's dedup key, putting
/// it back would break the one-queued-job-per-key rule, and the queued one will do the same work
/// anyway: this one is marked done as "merged into job N" instead. The job's row stays locked
/// (PostgreSQL) or the write lock is held (SQLite) from the lease check to the write.
async fn requeue_job<D: Driver>(
    d: &D,
    job: &Job,
    error: &str,
    run_at: DateTime<Utc>,
    uncount: bool,
) -> StoreResult<()> {
    for _ in 0..REQUEUE_TRIES {
        if let Requeued::Done = requeue_once(d, job, error, run_at, uncount).await? {
            return Ok(());
        }
    }
    Err(StoreError::Conflict(format!(
        "job {} kept meeting a new twin; try again",
        job.id
    )))
}

/// Moves a job out of `running` for good: done or dead. One conditional statement, so the lease
/// check and the write cannot be split by a reclaim.
async fn finish_job<D: Driver>(
    d: &D,
    job: &Job,
    state: JobState,
    error: Option<&str>,
) -> StoreResult<()> {
    let mut tx = d.begin().await?;
    let done = tx
        .execute(
            "UPDATE jobs SET state = $2, last_error = COALESCE($3, last_error),
                 lease_until = NULL, claim_id = NULL, updated_at = $4
             WHERE id = $1 AND state = 'running' AND claim_id = $5",
            args![
                job.id,
                state.as_str(),
                error,
                Utc::now(),
                job.claim_id.as_deref()
            ],
        )
        .await?;
    if done == 0 {
        return Err(unmatched(&mut tx, job).await);
    }
    tx.commit().await
}

fn counts(rows: &[Row]) -> StoreResult<JobCounts> {
    let mut counts = JobCounts::default();
    for row in rows {
        let n = row.i64("n")?;
        match row.word("state", JobState::parse)? {
            JobState::Queued => counts.queued = n,
            JobState::Running => counts.running = n,
            JobState::Done => counts.done = n,
            JobState::Dead => counts.dead = n,
        }
    }
    Ok(counts)
}

#[async_trait]
impl<D: Driver> IntakeStore for D {
    async fn record_notification(
        &self,
        n: NewNotification,
        job: Option<NewJob>,
    ) -> StoreResult<RecordOutcome> {
        let mut tx = self.begin().await?;
        let outcome = record_on(&mut tx, &n, job.as_ref()).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn record_notifications(
        &self,
        batch: &[(NewNotification, Option<NewJob>)],
    ) -> StoreResult<Vec<RecordOutcome>> {
        super::intake_batch::record_batch(self, batch).await
    }

    async fn recent_notifications(
        &self,
        org: OrgId,
        limit: i64,
    ) -> StoreResult<Vec<NotificationRecord>> {
        self.read_all_as(
            "SELECT n.id, n.org_id, n.job_id, n.dedup_key, n.topic, n.resource, n.user_id,
                 n.application_id, n.raw, n.state, n.ignore_reason, n.deliveries, n.received_at,
                 j.state AS job_state
             FROM notifications n LEFT JOIN jobs j ON j.id = n.job_id
             WHERE n.org_id = $1
             ORDER BY n.received_at DESC, n.id DESC LIMIT $2",
            args![org, limit.max(0)],
            notification,
        )
        .await
    }

    async fn enqueue(&self, job: NewJob) -> StoreResult<Option<JobId>> {
        let mut tx = self.begin().await?;
        let id = enqueue_on(&mut tx, &job).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn claim_job(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<Job>> {
        let claim = uuid::Uuid::new_v4().to_string();
        let sql = format!("{} RETURNING {JOB_COLS}", self.claim_sql());
        self.write(&sql, args![now, lease_until, claim, Utc::now()])
            .await?
            .first()
            .map(job)
            .transpose()
    }

    async fn complete_job(&self, j: &Job) -> StoreResult<()> {
        finish_job(self, j, JobState::Done, None).await
    }

    async fn retry_job(&self, j: &Job, error: &str, run_at: DateTime<Utc>) -> StoreResult<()> {
        requeue_job(self, j, error, run_at, false).await
    }

    async fn postpone_job(&self, j: &Job, reason: &str, run_at: DateTime<Utc>) -> StoreResult<()> {
        requeue_job(self, j, reason, run_at, true).await
    }

    async fn bury_job(&self, j: &Job, error: &str) -> StoreResult<()> {
        finish_job(self, j, JobState::Dead, Some(error)).await
    }

    async fn job(&self, id: JobId) -> StoreResult<Option<Job>> {
        let sql = format!("SELECT {JOB_COLS} FROM jobs WHERE id = $1");
        self.read_as(&sql, args![id], job).await
    }

    async fn job_counts(&self) -> StoreResult<JobCounts> {
        counts(
            &self
                .read(
                    "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state",
                    args![],
                )
                .await?,
        )
    }

    async fn org_job_counts(&self, org: OrgId) -> StoreResult<JobCounts> {
        counts(
            &self
                .read(
                    "SELECT state, COUNT(*) AS n FROM jobs WHERE org_id = $1 GROUP BY state",
                    args![org],
                )
                .await?,
        )
    }

    async fn org_jobs(&self, org: OrgId, limit: i64) -> StoreResult<Vec<Job>> {
        let sql =
            format!("SELECT {JOB_COLS} FROM jobs WHERE org_id = $1 ORDER BY id DESC LIMIT $2");
        self.read_all_as(&sql, args![org, limit.max(0)], job).await
    }

    async fn purge(
        &self,
        jobs_before: DateTime<Utc>,
        notifications_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<PurgeCounts> {
        let mut tx = self.begin().await?;
        // A notification reads its state through its job; write the final state on it before
        // the job goes.
        tx.execute(
            "UPDATE notifications SET
                 state = (SELECT CASE WHEN j.state = 'done' THEN 'processed' ELSE 'failed' END
                          FROM jobs j WHERE j.id = notifications.job_id),
                 job_id = NULL
             WHERE job_id IN (SELECT id FROM jobs
                              WHERE state IN ('done', 'dead') AND updated_at < $1)",
            args![jobs_before],
        )
        .await?;
        let jobs = tx
            .execute(
                "DELETE FROM jobs WHERE state IN ('done', 'dead') AND updated_at < $1",
                args![jobs_before],
            )
            .await?;
        let notifications = tx
            .execute(
                "DELETE FROM notifications WHERE received_at < $1
                   AND state IN ('processed', 'failed', 'ignored')",
                args![notifications_before],
            )
            .await?;
        let sessions = tx
            .execute("DELETE FROM sessions WHERE expires_at <= $1", args![now])
            .await?;
        let oauth_states = tx
            .execute(
                "DELETE FROM oauth_states WHERE expires_at <= $1",
                args![now],
            )
            .await?;
        tx.commit().await?;
        Ok(PurgeCounts {
            jobs,
            notifications,
            sessions,
            oauth_states,
        })
    }

    async fn next_job_due(&self) -> StoreResult<Option<DateTime<Utc>>> {
        self.read_optional(
            "SELECT MIN(run_at) AS due FROM jobs WHERE state = 'queued'",
            args![],
        )
        .await?
        .map_or(Ok(None), |row| row.opt_time("due"))
    }
}
