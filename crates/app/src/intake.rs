//! Group commit for notifications: one writer task takes whatever notifications are waiting (up
//! to [`MAX_BATCH`]), records them in one transaction, commits once, and only then answers each
//! waiting request. Under load the batches grow by themselves (everything that arrived during
//! the previous commit goes in the next one), so the cost of a durable commit (an fsync on
//! SQLite, a round trip on PostgreSQL) is shared by the whole batch instead of paid per
//! notification; with one request at a time a batch is just that request.

use std::sync::{Arc, Mutex, OnceLock};
use store::{NewJob, NewNotification, RecordOutcome, Store, StoreError, StoreResult};
use tokio::sync::{mpsc, oneshot};

/// The most notifications one transaction records.
pub const MAX_BATCH: usize = 512;
/// Requests waiting for the writer beyond this wait to enter the queue (back pressure).
const QUEUE: usize = 8 * MAX_BATCH;

type Entry = (NewNotification, Option<NewJob>);

struct Waiting {
    entry: Entry,
    answer: oneshot::Sender<StoreResult<RecordOutcome>>,
}

pub struct Intake {
    queue: mpsc::Sender<Waiting>,
    /// Taken by the writer task when it starts.
    receiver: Mutex<Option<mpsc::Receiver<Waiting>>>,
    store: Arc<dyn Store>,
    started: OnceLock<()>,
}

impl Intake {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE);
        Intake {
            queue,
            receiver: Mutex::new(Some(receiver)),
            store,
            started: OnceLock::new(),
        }
    }

    /// Starts the writer task (idempotent; needs a Tokio runtime). It ends when this intake is
    /// dropped and the requests already queued are answered.
    pub fn start(&self) {
        self.started.get_or_init(|| {
            let receiver = self
                .receiver
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            if let Some(receiver) = receiver {
                tokio::spawn(write_batches(receiver, self.store.clone()));
            }
        });
    }

    /// Records a notification (and enqueues its job) durably: the answer comes once the batch
    /// it went in is committed.
    pub async fn record(
        &self,
        notification: NewNotification,
        job: Option<NewJob>,
    ) -> StoreResult<RecordOutcome> {
        self.start();
        let (answer, answered) = oneshot::channel();
        let waiting = Waiting {
            entry: (notification, job),
            answer,
        };
        let stopped = || StoreError::Backend("the intake writer stopped".into());
        self.queue.send(waiting).await.map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

async fn write_batches(mut receiver: mpsc::Receiver<Waiting>, store: Arc<dyn Store>) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        let (entries, answers): (Vec<Entry>, Vec<_>) =
            waiting.drain(..).map(|w| (w.entry, w.answer)).unzip();
        let started = std::time::Instant::now();
        let outcomes = record(store.as_ref(), &entries).await;
        tracing::debug!(
            batch = entries.len(),
            elapsed_us = started.elapsed().as_micros(),
            "notifications committed"
        );
        for (answer, outcome) in answers.into_iter().zip(outcomes) {
            // The request may have timed out and gone; its notification is recorded anyway and
            // Mercado Libre's retry will count as a duplicate.
            let _ = answer.send(outcome);
        }
    }
}

/// One outcome per entry. When the batch fails, it is retried one notification at a time, so a
/// notification the database refuses (e.g. a JSON string PostgreSQL cannot store) fails alone
/// instead of taking its neighbours with it; two failures in a row mean the database itself is
/// failing, and the rest of the batch gets that error without more attempts.
async fn record(store: &dyn Store, entries: &[Entry]) -> Vec<StoreResult<RecordOutcome>> {
    let error = match store.record_notifications(entries).await {
        Ok(outcomes) if outcomes.len() == entries.len() => {
            return outcomes.into_iter().map(Ok).collect();
        }
        Ok(outcomes) => StoreError::Backend(format!(
            "{} outcomes for {} notifications",
            outcomes.len(),
            entries.len()
        )),
        Err(e) => e,
    };
    if entries.len() == 1 {
        return vec![Err(error)];
    }
    tracing::warn!(error = %error, batch = entries.len(), "a notification batch failed; recording one by one");
    let mut results = Vec::with_capacity(entries.len());
    let mut failed_in_a_row = 0;
    for entry in entries {
        if failed_in_a_row >= 2 {
            results.push(Err(StoreError::Backend(format!(
                "not attempted, the database is failing: {error}"
            ))));
            continue;
        }
        let one = store
            .record_notifications(std::slice::from_ref(entry))
            .await;
        let result = match one {
            Ok(mut outcomes) if outcomes.len() == 1 => outcomes
                .pop()
                .ok_or_else(|| StoreError::Backend("no outcome".into())),
            Ok(_) => Err(StoreError::Backend("no outcome".into())),
            Err(e) => Err(e),
        };
        failed_in_a_row = if result.is_err() {
            failed_in_a_row + 1
        } else {
            0
        };
        results.push(result);
    }
    results
}
