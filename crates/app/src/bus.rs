//! Wake-ups without polling. Two kinds of news travel here:
//! - **a job was enqueued**: an idle worker in this process wakes at once, and on PostgreSQL so
//!   do workers in other processes (`NOTIFY`, sent after the enqueue committed);
//! - **an organization's inbox changed** (a job finished, an answer was queued, a conversation
//!   moved): open pages of that organization refresh (see [`crate::live`]), here and, through the
//!   same channel, in other processes.
//!
//! Signals say only "look again": a job id or an organization id, never content, and each open
//! page filters by its own organization. Outgoing signals are coalesced: while one `NOTIFY` is
//! on its way, later news piles up and leaves together, so a burst of webhooks costs a handful
//! of statements, not one each. A lost listener connection (news may have been missed) wakes the
//! worker and every page once. Workers still poll slowly as a safety net.

use domain::OrgId;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;
use store::Store;
use tokio::sync::{Notify, broadcast, watch};
use tokio::task::AbortHandle;

/// News for open pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Something of this organization changed.
    Org(OrgId),
    /// News may have been missed (the listener re-connected): every page looks again.
    Everything,
}

/// Enough for a burst of changes between two reads of a slow page; a page that falls further
/// behind just refreshes once (see [`crate::live`]).
const CHANGES_CAPACITY: usize = 1024;
/// Organizations per `NOTIFY` payload: PostgreSQL takes up to 8,000 bytes, a uuid is 37.
const ORGS_PER_SIGNAL: usize = 100;
/// After the listener failed to connect, it tries again this much later.
const RELISTEN_AFTER: Duration = Duration::from_secs(2);
const JOBS_WORD: &str = "jobs";

#[derive(Default)]
struct Outgoing {
    jobs: bool,
    orgs: BTreeSet<OrgId>,
}

pub struct Bus {
    store: Arc<dyn Store>,
    /// Tells this process's signals from other processes' (its own come back on `LISTEN`).
    instance: String,
    across_processes: bool,
    jobs: Notify,
    changes: broadcast::Sender<Change>,
    outgoing: Mutex<Outgoing>,
    outgoing_ready: Arc<Notify>,
    sender: OnceLock<Option<AbortHandle>>,
    listener: OnceLock<Option<AbortHandle>>,
    listening: watch::Sender<bool>,
}

impl Bus {
    pub fn new(store: Arc<dyn Store>) -> Arc<Bus> {
        let across_processes = store.signals_across_processes();
        Arc::new(Bus {
            store,
            instance: uuid::Uuid::new_v4().simple().to_string(),
            across_processes,
            jobs: Notify::new(),
            changes: broadcast::channel(CHANGES_CAPACITY).0,
            outgoing: Mutex::new(Outgoing::default()),
            outgoing_ready: Arc::new(Notify::new()),
            sender: OnceLock::new(),
            listener: OnceLock::new(),
            listening: watch::Sender::new(false),
        })
    }

    /// A job was enqueued (and committed).
    pub fn job_enqueued(self: &Arc<Self>) {
        self.jobs.notify_one();
        self.send_later(|out| out.jobs = true);
    }

    /// Resolves when a job was enqueued here or, once [`Bus::listen`] runs, anywhere.
    pub async fn job_waiting(&self) {
        self.jobs.notified().await
    }

    /// Something of `org` changed (committed): its open pages refresh.
    pub fn changed(self: &Arc<Self>, org: OrgId) {
        // No open page in this process is not an error.
        let _ = self.changes.send(Change::Org(org));
        self.send_later(|out| {
            out.orgs.insert(org);
        });
    }

    /// News for open pages; starts listening to other processes.
    pub fn subscribe(self: &Arc<Self>) -> broadcast::Receiver<Change> {
        self.listen();
        self.changes.subscribe()
    }

    /// Starts hearing other processes' signals (once; a no-op where signals do not cross
    /// processes). Workers and open pages call it; a process that does neither never holds the
    /// listener's connection.
    pub fn listen(self: &Arc<Self>) {
        if !self.across_processes {
            return;
        }
        self.listener.get_or_init(|| {
            let handle = tokio::runtime::Handle::try_current().ok()?;
            let task = handle.spawn(listen_loop(Arc::downgrade(self), self.store.clone()));
            Some(task.abort_handle())
        });
    }

    /// Resolves once other processes' signals are heard (at once where signals do not cross
    /// processes), so a caller that must not miss one (a test) knows when to start.
    pub async fn until_listening(self: &Arc<Self>) {
        if !self.across_processes {
            return;
        }
        self.listen();
        let mut listening = self.listening.subscribe();
        // An error means the bus is gone, and there is nothing left to wait for.
        let _ = listening.wait_for(|l| *l).await;
    }

    fn send_later(self: &Arc<Self>, add: impl FnOnce(&mut Outgoing)) {
        if !self.across_processes {
            return;
        }
        add(&mut self.outgoing.lock().unwrap_or_else(|p| p.into_inner()));
        self.sender.get_or_init(|| {
            let handle = tokio::runtime::Handle::try_current().ok()?;
            let task = handle.spawn(send_loop(Arc::downgrade(self), self.outgoing_ready.clone()));
            Some(task.abort_handle())
        });
        self.outgoing_ready.notify_one();
    }

    /// What piled up since the last signal, as payloads: `<instance> [jobs] [org …]`.
    fn take_payloads(&self) -> Vec<String> {
        let out = std::mem::take(&mut *self.outgoing.lock().unwrap_or_else(|p| p.into_inner()));
        encode(
            &self.instance,
            out.jobs,
            &out.orgs.into_iter().collect::<Vec<_>>(),
        )
    }

    fn heard(&self, payload: &str) {
        let Some((jobs, orgs)) = decode(&self.instance, payload) else {
            return;
        };
        if jobs {
            self.jobs.notify_one();
        }
        for org in orgs {
            let _ = self.changes.send(Change::Org(org));
        }
    }

    fn resync(&self) {
        self.jobs.notify_one();
        let _ = self.changes.send(Change::Everything);
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        for task in [self.sender.get(), self.listener.get()]
            .into_iter()
            .flatten()
            .flatten()
        {
            task.abort();
        }
    }
}

fn encode(instance: &str, jobs: bool, orgs: &[OrgId]) -> Vec<String> {
    let mut payloads: Vec<String> = orgs
        .chunks(ORGS_PER_SIGNAL)
        .map(|chunk| {
            let mut payload = instance.to_owned();
            for org in chunk {
                payload.push(' ');
                payload.push_str(&org.0.to_string());
            }
            payload
        })
        .collect();
    if jobs {
        match payloads.first_mut() {
            Some(first) => {
                first.push(' ');
                first.push_str(JOBS_WORD);
            }
            None => payloads.push(format!("{instance} {JOBS_WORD}")),
        }
    }
    payloads
}

/// Another process's payload: whether it enqueued jobs, and whose inboxes changed. `None` for
/// this process's own signals (already acted on) and for words it does not know.
fn decode(instance: &str, payload: &str) -> Option<(bool, Vec<OrgId>)> {
    let mut words = payload.split(' ');
    if words.next()? == instance {
        return None;
    }
    let mut jobs = false;
    let mut orgs = Vec::new();
    for word in words {
        if word == JOBS_WORD {
            jobs = true;
        } else {
            orgs.push(OrgId(uuid::Uuid::parse_str(word).ok()?));
        }
    }
    Some((jobs, orgs))
}

async fn send_loop(bus: Weak<Bus>, ready: Arc<Notify>) {
    loop {
        ready.notified().await;
        let Some(bus) = bus.upgrade() else { return };
        for payload in bus.take_payloads() {
            if let Err(e) = bus.store.signal(&payload).await {
                // Other processes fall back on their poll; nothing is lost, only later.
                tracing::warn!(error = %e, "could not signal other processes");
            }
        }
    }
}

async fn listen_loop(bus: Weak<Bus>, store: Arc<dyn Store>) {
    let mut first = true;
    loop {
        match store.listen().await {
            Ok(Some(mut listener)) => {
                // After a lost connection, whatever happened meanwhile went unheard. (Before the
                // first one, callers were not relying on signals yet.)
                let Some(now) = bus.upgrade() else { return };
                if !std::mem::take(&mut first) {
                    now.resync();
                }
                now.listening.send_replace(true);
                drop(now);
                loop {
                    let heard = listener.recv().await;
                    let Some(bus) = bus.upgrade() else { return };
                    match heard {
                        Ok(Some(payload)) => bus.heard(&payload),
                        Ok(None) => bus.resync(),
                        Err(e) => {
                            tracing::warn!(error = %e, "lost the signal listener; retrying");
                            bus.listening.send_replace(false);
                            break;
                        }
                    }
                }
            }
            Ok(None) => return,
            Err(e) => tracing::warn!(error = %e, "cannot listen for signals; retrying"),
        }
        tokio::time::sleep(RELISTEN_AFTER).await;
    }
}

/// What callers of `state.jobs_waiting` see: a job was enqueued, or wait for one.
#[derive(Clone)]
pub struct JobsWaiting(pub Arc<Bus>);

impl JobsWaiting {
    /// A job was enqueued (and committed): wake a worker here and, on PostgreSQL, elsewhere.
    pub fn notify_one(&self) {
        self.0.job_enqueued();
    }

    pub async fn notified(&self) {
        self.0.job_waiting().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_skip_our_own() {
        let orgs: Vec<OrgId> = (0..150).map(|_| OrgId(uuid::Uuid::new_v4())).collect();
        let payloads = encode("me", true, &orgs);
        assert_eq!(
            payloads.len(),
            2,
            "{ORGS_PER_SIGNAL} organizations a payload"
        );
        assert!(payloads.iter().all(|p| p.len() < 8000));
        assert_eq!(decode("me", &payloads[0]), None, "our own signal");
        let mut heard = Vec::new();
        let mut woke = false;
        for p in &payloads {
            let (jobs, found) = decode("other", p).unwrap();
            woke |= jobs;
            heard.extend(found);
        }
        assert!(woke);
        assert_eq!(heard, orgs);
        assert_eq!(encode("me", true, &[]), ["me jobs"]);
        assert!(encode("me", false, &[]).is_empty());
        assert_eq!(decode("other", "me nonsense"), None);
    }
}
