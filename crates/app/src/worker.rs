//! The worker: claims one job at a time from the durable queue, runs it, and records the outcome.
//! Jobs never hold a transaction across an API call; a crash mid-job just lets the lease expire
//! and another worker re-runs it (every job is idempotent). [`Worker::step`] runs exactly one job
//! so tests drain the queue without sleeping.

use crate::jobs::{self, JobError};
use crate::state::AppState;
use chrono::{Duration, Utc};
use std::future::Future;
use store::{Job, StoreError};

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
}

#[derive(Clone)]
pub struct Worker {
    state: AppState,
}

impl Worker {
    pub fn new(state: AppState) -> Self {
        Worker { state }
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
        let kind = job.kind.clone();
        match jobs::run(&self.state, &job).await {
            Ok(()) => {
                self.state.store.complete_job(job.id).await?;
                Ok(StepOutcome::Done { kind })
            }
            Err(JobError::Fatal(error)) => self.bury(&job, error).await,
            Err(JobError::Wait { reason, after }) => {
                tracing::warn!(job.id = %job.id, job.kind = %kind, reason = %reason, "job waits");
                self.state
                    .store
                    .postpone_job(job.id, &reason, Utc::now() + after)
                    .await?;
                Ok(StepOutcome::Waiting { kind, reason })
            }
            Err(JobError::Retry { error, after }) if job.attempts < MAX_ATTEMPTS => {
                let delay = after
                    .unwrap_or_else(|| backoff(job.attempts))
                    .clamp(Duration::zero(), Duration::seconds(MAX_DELAY_SECONDS));
                tracing::warn!(job.id = %job.id, job.kind = %kind, job.attempts = job.attempts, error = %error, "job failed; will retry");
                self.state
                    .store
                    .retry_job(job.id, &error, Utc::now() + delay)
                    .await?;
                Ok(StepOutcome::Retrying { kind, error })
            }
            Err(JobError::Retry { error, .. }) => {
                jobs::on_give_up(&self.state, &job, &error).await;
                self.bury(
                    &job,
                    format!("gave up after {} attempts: {error}", job.attempts),
                )
                .await
            }
        }
    }

    async fn bury(&self, job: &Job, error: String) -> Result<StepOutcome, StoreError> {
        tracing::error!(job.id = %job.id, job.kind = %job.kind, error = %error, "job moved to the dead letter");
        self.state.store.bury_job(job.id, &error).await?;
        Ok(StepOutcome::Dead {
            kind: job.kind.clone(),
            error,
        })
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

    /// Runs until `shutdown` resolves, sleeping while idle until a job is enqueued in this process,
    /// the next queued job is due, or a poll interval passes (jobs enqueued by other processes).
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
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
        let poll = std::time::Duration::from_secs(1);
        match self.state.store.next_job_due().await {
            Ok(Some(due)) => (due - Utc::now()).to_std().unwrap_or_default().min(poll),
            _ => poll,
        }
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
