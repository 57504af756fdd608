//! Wake-ups without polling, the shared 429 pause, and what instances sharing one database tell
//! each other. "Another instance" is a second [`AppState`] on the same database: its own bus,
//! its own listener connection and its own in-memory pause, so the only way news reaches it is
//! through the database, as between two processes.

use crate::helpers::*;
use app::worker::StepOutcome;
use app::{AppState, Worker};
use std::time::Duration;

/// Long enough that only a wake-up, never the safety-net poll, can explain a job run in time.
const NEVER_POLLS: Duration = Duration::from_secs(3600);
const BOUND: Duration = Duration::from_secs(30);

fn another_instance(app: &TestApp) -> AppState {
    AppState::new(
        app.state.store.clone(),
        app.state.meli.clone(),
        (*app.state.config).clone(),
    )
}

async fn question_in_inbox(app: &TestApp, question: i64) {
    tokio::time::timeout(BOUND, async {
        while app.conversations_for(question).await.is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the question reached the inbox: a worker was woken");
}

/// On PostgreSQL a job enqueued by one instance (its webhook) wakes the idle worker of another
/// at once; on SQLite, where signals do not cross processes, the worker of the same instance.
/// Either worker polls only once an hour, so the question reaching the inbox proves the wake-up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enqueued_job_wakes_an_idle_worker_of_another_instance() {
    let app = TestApp::spawn().await;
    let across = app.state.store.signals_across_processes();
    let worker_state = if across {
        another_instance(&app)
    } else {
        println!("SQLite: signals stay in one process; the same instance's worker is woken");
        app.state.clone()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(
        Worker::new(worker_state.clone())
            .with_poll(NEVER_POLLS)
            .run(async move {
                let _ = stopped.await;
            }),
    );
    worker_state.bus.until_listening().await;
    // Let the worker find the queue empty and go to sleep before the webhook arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let (question, _) = app.ask("MLA", "¿Llega a Rosario?").await;
    question_in_inbox(&app, question).await;
    let _ = stop.send(());
    worker.await.unwrap();
}

/// A change made by a worker instance reaches the open pages an API instance serves, for that
/// organization only: another organization's news never reaches the stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instances_change_reaches_only_its_organizations_pages() {
    let app = TestApp::spawn().await;
    let worker_instance = if app.state.store.signals_across_processes() {
        another_instance(&app)
    } else {
        app.state.clone()
    };
    let other_org = app.store().create_org("Other Org").await.unwrap().id;
    let mut stream = app.get("/events").await;
    assert!(stream.status().is_success());
    let first = tokio::time::timeout(BOUND, stream.chunk())
        .await
        .expect("the baseline comes at once")
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: inbox"));
    app.state.bus.until_listening().await;

    worker_instance.bus.changed(other_org);
    let quiet = tokio::time::timeout(Duration::from_secs(2), next_inbox_event(&mut stream)).await;
    assert!(
        quiet.is_err(),
        "another organization's change reached our stream"
    );

    worker_instance.bus.changed(app.org);
    let woke = tokio::time::timeout(BOUND, next_inbox_event(&mut stream)).await;
    let event = woke.expect("our organization's change reaches our stream");
    assert_ne!(
        event_data(&first),
        event_data(event.as_bytes()),
        "each event says something new, so the page refreshes"
    );
}

async fn next_inbox_event(stream: &mut reqwest::Response) -> String {
    loop {
        let chunk = stream.chunk().await.unwrap().unwrap();
        let text = String::from_utf8_lossy(&chunk).into_owned();
        if text.contains("event: inbox") {
            return text;
        }
    }
}

fn event_data(event: &[u8]) -> String {
    String::from_utf8_lossy(event)
        .lines()
        .find_map(|l| l.strip_prefix("data: ").or_else(|| l.strip_prefix("data:")))
        .unwrap_or_default()
        .to_owned()
}

/// A 429 one instance met pauses the store for every instance: the other one's job waits
/// without calling Mercado Libre.
#[tokio::test]
async fn a_429_met_by_one_instance_pauses_the_store_for_all() {
    let app = TestApp::spawn().await;
    let second = Worker::new(another_instance(&app));
    app.sim
        .set_faults(meli_sim::Faults {
            rate_limit_429: 1.0,
            retry_after: Some(Duration::from_secs(30)),
            ..Default::default()
        })
        .await;
    app.ask("MLA", "¿Tienen stock?").await;
    app.wait_for_notifications(1).await;
    assert!(
        matches!(
            app.worker.step().await.unwrap(),
            StepOutcome::Retrying { .. }
        ),
        "the first instance meets the 429"
    );
    let seller = domain::SellerId(app.seller("MLA").id);
    assert!(
        app.store()
            .meli_pause(&app::throttle::scope(seller), chrono::Utc::now())
            .await
            .unwrap()
            .is_some(),
        "the pause is in the database"
    );

    // Had the second instance called, the simulator's 429 would have made its job retry: a
    // wait that names the pause is the shared pause holding it back before any call.
    app.ask("MLA", "¿Hacen factura?").await;
    app.wait_for_notifications(2).await;
    let outcomes = second.drain().await.unwrap();
    assert!(
        !outcomes.is_empty()
            && outcomes.iter().all(
                |o| matches!(o, StepOutcome::Waiting { reason, .. } if reason.contains("429"))
            ),
        "the second instance waits out the pause without calling: {outcomes:?}"
    );
}
