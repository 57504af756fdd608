//! The worker: claims one job at a time from the durable queue, runs it, and records the outcome.
//! Jobs never hold a transaction across an API call; a crash mid-job just lets the lease expire
//! and another worker re-runs it (every job is idempotent). [`Worker::step`] runs exactly one job
//! so tests drain the queue without sleeping.

use crate::jobs::{self, JobError};
use crate::state::AppState;
use chrono::{Duration, Utc};
use std::future::Future;
use store::{Job, JobState, StoreError};

/// After this many attempts a job goes to the dead letter with its last error. With the backoff
/// below that is about four hours of 429s, 5xx or timeouts: an outage slows work down, and only
/// one that lasts longer than that parks it (kept, with its reason) in the dead letter.
pub const MAX_ATTEMPTS: i32 = 25;
/// No single wait is longer, whatever a `Retry-After` header asks for.
const MAX_DELAY_SECONDS: i64 = 3600;
const LEASE_SECONDS: i64 = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Nothing due.
    Idle,
    Done {
        kind: String,
    },
    Retrying {
        kind: String,
        error: String,
    },
    /// Blocked until a person acts (e.g. re-authorizes the store).
    Waiting {
        kind: String,
        reason: String,
    },
    Dead {
        kind: String,
        error: String,
    },
    /// The job ran past its lease and another worker reclaimed it before this one recorded the
    /// outcome: the outcome is discarded, and the newer run's stands.
    LeaseLost {
        kind: String,
    },
}

/// How often an idle worker looks for work nobody told it about. Where signals cross processes
/// (PostgreSQL) this is only a safety net; on SQLite it is how a `worker` process hears of jobs
/// a `serve` process enqueued.
pub const POLL_WITH_SIGNALS: std::time::Duration = std::time::Duration::from_secs(10);
pub const POLL_WITHOUT_SIGNALS: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Clone)]
pub struct Worker {
    state: AppState,
    poll: std::time::Duration,
}

impl Worker {
    pub fn new(state: AppState) -> Self {
        let poll = if state.store.signals_across_processes() {
            POLL_WITH_SIGNALS
        } else {
            POLL_WITHOUT_SIGNALS
        };
        Worker { state, poll }
    }

    /// The same worker with another safety-net poll interval.
    pub fn with_poll(mut self, poll: std::time::Duration) -> Self {
        self.poll = poll;
        self
    }

    /// Claims and runs one due job.
    pub async fn step(&self) -> Result<StepOutcome, StoreError> {
        let now = Utc::now();
        let Some(job) = self
            .state
            .store
            .claim_job(now, now + Duration::seconds(LEASE_SECONDS))
            .await?
        else {
            return Ok(StepOutcome::Idle);
        };
        let outcome = self.run_job(&job).await;
        if let Ok(outcome) = &outcome {
            self.report(&job, outcome);
        }
        outcome
    }

    /// Counts the outcome, and tells the job's organization's open pages when it is final.
    fn report(&self, job: &Job, outcome: &StepOutcome) {
        let label = match outcome {
            StepOutcome::Idle => return,
            StepOutcome::Done { .. } => "done",
            StepOutcome::Retrying { .. } => "retrying",
            StepOutcome::Waiting { .. } => "waiting",
            StepOutcome::Dead { .. } => "dead",
            StepOutcome::LeaseLost { .. } => "lease_lost",
        };
        crate::telemetry::job_outcome(&job.kind, label);
        if matches!(outcome, StepOutcome::Done { .. } | StepOutcome::Dead { .. })
            && let Some(org) = job.org_id
        {
            self.state.bus.changed(org);
        }
    }

    async fn run_job(&self, job: &Job) -> Result<StepOutcome, StoreError> {
        let kind = job.kind.clone();
        match jobs::run(&self.state, job).await {
            Ok(()) => {
                let done = self.state.store.complete_job(job).await;
                settle(job, done, StepOutcome::Done { kind })
            }
            Err(JobError::Fatal(error)) => self.bury(job, error).await,
            Err(JobError::Wait { reason, after }) => {
                tracing::warn!(job.id = %job.id, job.kind = %kind, reason = %reason, "job waits");
                let postponed = self
                    .state
                    .store
                    .postpone_job(job, &reason, Utc::now() + after)
                    .await;
                settle(job, postponed, StepOutcome::Waiting { kind, reason })
            }
            Err(JobError::Retry { error, after }) if job.attempts < MAX_ATTEMPTS => {
                let delay = after
                    .unwrap_or_else(|| backoff(job.attempts))
                    .clamp(Duration::zero(), Duration::seconds(MAX_DELAY_SECONDS));
                tracing::warn!(job.id = %job.id, job.kind = %kind, job.attempts = job.attempts, error = %error, "job failed; will retry");
                let retried = self
                    .state
                    .store
                    .retry_job(job, &error, Utc::now() + delay)
                    .await;
                settle(job, retried, StepOutcome::Retrying { kind, error })
            }
            Err(JobError::Retry { error, .. }) => {
                // Giving up has side effects (an undelivered answer reopens the reply box), so
                // skip them when the job is visibly no longer ours. Not airtight: the lease can
                // still run out during `on_give_up`, which is why `bury_job` checks it again.
                if !self.still_holds(job).await? {
                    return Ok(lease_lost(job, "found before giving up"));
                }
                jobs::on_give_up(&self.state, job, &error).await;
                self.bury(
                    job,
                    format!("gave up after {} attempts: {error}", job.attempts),
                )
                .await
            }
        }
    }

    async fn bury(&self, job: &Job, error: String) -> Result<StepOutcome, StoreError> {
        tracing::error!(job.id = %job.id, job.kind = %job.kind, error = %error, "job moved to the dead letter");
        let buried = self.state.store.bury_job(job, &error).await;
        settle(
            job,
            buried,
            StepOutcome::Dead {
                kind: job.kind.clone(),
                error,
            },
        )
    }

    /// Whether `job` is still running under the claim this worker got for it.
    async fn still_holds(&self, job: &Job) -> Result<bool, StoreError> {
        let current = self.state.store.job(job.id).await?;
        Ok(current.is_some_and(|c| c.state == JobState::Running && c.claim_id == job.claim_id))
    }

    /// Runs steps until nothing is due; returns what each step did.
    pub async fn drain(&self) -> Result<Vec<StepOutcome>, StoreError> {
        let mut outcomes = Vec::new();
        loop {
            match self.step().await? {
                StepOutcome::Idle => return Ok(outcomes),
                other => outcomes.push(other),
            }
        }
    }

    /// Runs until `shutdown` resolves, sleeping while idle until a job is enqueued (in this
    /// process or, on PostgreSQL, any other: see [`crate::bus`]), the next queued job is due, or
    /// the poll interval passes (the safety net, and how SQLite processes hear of each other).
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        self.state.bus.listen();
        tokio::pin!(shutdown);
        loop {
            let idle_for = match self.step().await {
                Ok(StepOutcome::Idle) => self.idle_wait().await,
                Ok(_) => {
                    // Busy: check for shutdown between jobs, then go straight on.
                    tokio::select! {
                        biased;
                        _ = &mut shutdown => return,
                        _ = async {} => continue,
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "worker could not reach the database; pausing");
                    std::time::Duration::from_secs(2)
                }
            };
            tokio::select! {
                _ = &mut shutdown => return,
                _ = self.state.jobs_waiting.notified() => {}
                _ = tokio::time::sleep(idle_for) => {}
            }
        }
    }

    async fn idle_wait(&self) -> std::time::Duration {
        let poll = self.poll;
        match self.state.store.next_job_due().await {
            Ok(Some(due)) => (due - Utc::now()).to_std().unwrap_or_default().min(poll),
            _ => poll,
        }
    }
}

/// The step's outcome once the store recorded it: `done` on success, `LeaseLost` (logged) when
/// another worker had reclaimed the job, the store error otherwise.
fn settle(
    job: &Job,
    recorded: Result<(), StoreError>,
    done: StepOutcome,
) -> Result<StepOutcome, StoreError> {
    match recorded {
        Ok(()) => Ok(done),
        Err(StoreError::LeaseLost(detail)) => Ok(lease_lost(job, &detail)),
        Err(e) => Err(e),
    }
}

fn lease_lost(job: &Job, detail: &str) -> StepOutcome {
    tracing::warn!(job.id = %job.id, job.kind = %job.kind, detail = %detail, "job lease expired and another worker took the job; discarding this run's outcome");
    StepOutcome::LeaseLost {
        kind: job.kind.clone(),
    }
}

/// Exponential backoff with jitter: ~2 s, 4 s, 8 s … capped at 15 minutes.
pub fn backoff(attempts: i32) -> Duration {
    let base = 2i64.saturating_pow(attempts.clamp(1, 20) as u32).min(900);
    let jitter = rand::random_range(0..=base / 4 + 1);
    Duration::seconds(base + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert!(backoff(1) >= Duration::seconds(2));
        assert!(backoff(5) >= Duration::seconds(32));
        assert!(backoff(30) <= Duration::seconds(900 + 226));
    }
}
