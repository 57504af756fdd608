//! The behaviour every backend must show. Each `pub async fn` is one case; backends run them all
//! through [`crate::conformance_tests!`] with a fresh, empty store per case.
//!
//! Cases pass times in explicitly (whole seconds from a fixed instant), so no case depends on
//! the wall clock or on sub-microsecond precision a database would round away.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::*;
use chrono::{Duration, TimeZone};
use domain::routing::{Module, Route, TeamKind};
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::HashSet;
use std::str::FromStr;

/// Above 2^53: a Mercado Libre id that a float (or a JSON number in JavaScript) would corrupt.
pub const BIG_ID: i64 = 9_007_199_254_740_993;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
}

fn at(secs: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(secs)
}

/// The organization the single-organization cases work in (stores, conversations, jobs and
/// notifications need no organization row; people do, see [`org_row`]).
fn org() -> OrgId {
    OrgId(uuid::Uuid::from_u128(0x0A))
}

/// Another organization, for the isolation cases.
fn other_org() -> OrgId {
    OrgId(uuid::Uuid::from_u128(0x0B))
}

/// The organization row people of the single-organization cases belong to (people must belong
/// to one that exists), created on first use.
async fn people_org(store: &dyn Store) -> OrgId {
    match store.org_by_name("Conformance").await.unwrap() {
        Some(found) => found.id,
        None => store.create_org("Conformance").await.unwrap().id,
    }
}

fn new_person(org: OrgId, email: &str) -> NewPerson {
    NewPerson {
        org_id: org,
        language: None,
        email: email.to_string(),
        name: "Ana".to_string(),
        role: Role::Agent,
        password_hash: "$argon2id$v=19$fake".to_string(),
    }
}

fn tokens(tag: &str, expires: DateTime<Utc>) -> SealedTokens {
    SealedTokens {
        access: format!("access-{tag}").into_bytes(),
        refresh: vec![0, 255, 1, 254, tag.len() as u8],
        access_expires_at: expires,
    }
}

fn new_connection(seller: i64, nickname: &str) -> NewConnection {
    NewConnection {
        org_id: org(),
        seller_id: SellerId(seller),
        site_id: "MLB".to_string(),
        nickname: nickname.to_string(),
        currency_id: "BRL".to_string(),
        tokens: tokens("one", at(3600)),
    }
}

fn job(kind: &str, dedup: Option<&str>, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        org_id: Some(org()),
        kind: kind.to_string(),
        payload: json!({ "kind": kind, "big": BIG_ID }),
        dedup_key: dedup.map(str::to_string),
        run_at,
    }
}

fn notification(dedup: &str) -> NewNotification {
    NewNotification {
        org_id: Some(org()),
        dedup_key: dedup.to_string(),
        topic: "questions".to_string(),
        resource: "/questions/123".to_string(),
        user_id: BIG_ID,
        application_id: Some(42),
        raw: json!({ "_id": dedup, "topic": "questions", "user_id": BIG_ID }),
        state: NotificationState::Queued,
        ignore_reason: None,
        received_at: t0(),
    }
}

fn upsert(seller: i64, meli_ref: &str, last_inbound: DateTime<Utc>) -> UpsertConversation {
    UpsertConversation {
        org_id: org(),
        seller_id: SellerId(seller),
        category: Category::PreSaleQuestion,
        meli_ref: meli_ref.to_string(),
        buyer_id: MeliUserId(BIG_ID),
        item_id: Some(ItemId("MLB123".to_string())),
        status: ConversationStatus::Open,
        meli_status: Some("UNANSWERED".to_string()),
        reply_locked: false,
        last_inbound_at: last_inbound,
        now: last_inbound,
        context: Default::default(),
    }
}

fn inbound(
    conversation: ConversationId,
    meli_ref: &str,
    text: &str,
    at: DateTime<Utc>,
) -> NewMessage {
    NewMessage {
        conversation_id: conversation,
        meli_ref: meli_ref.to_string(),
        direction: Direction::Inbound,
        author: Author::Buyer,
        author_person_id: None,
        text: text.to_string(),
        delivery: DeliveryStatus::Received,
        created_at: at,
        sent_at: None,
        extra: Default::default(),
    }
}

fn answer(conversation: ConversationId, meli_ref: &str, at: DateTime<Utc>) -> NewMessage {
    NewMessage {
        conversation_id: conversation,
        meli_ref: meli_ref.to_string(),
        direction: Direction::Outbound,
        author: Author::Agent,
        author_person_id: None,
        text: "Sí, tenemos stock.".to_string(),
        delivery: DeliveryStatus::Pending,
        created_at: at,
        sent_at: None,
        extra: Default::default(),
    }
}

fn is_conflict<T: std::fmt::Debug>(r: &StoreResult<T>) -> bool {
    matches!(r, Err(StoreError::Conflict(_)))
}

fn is_not_found<T: std::fmt::Debug>(r: &StoreResult<T>) -> bool {
    matches!(r, Err(StoreError::NotFound(_)))
}

fn is_lease_lost<T: std::fmt::Debug>(r: &StoreResult<T>) -> bool {
    matches!(r, Err(StoreError::LeaseLost(_)))
}

// ---- basics ----

pub async fn ping_and_backend_name(store: &dyn Store) {
    store.ping().await.unwrap();
    assert!(["sqlite", "postgres"].contains(&store.backend()));
}

// ---- people and sessions ----

pub async fn people_email_is_unique_case_insensitively(store: &dyn Store) {
    assert_eq!(store.count_people().await.unwrap(), 0);
    let ana = store
        .create_person(new_person(people_org(store).await, "Ana.Ñandú@Example.com"))
        .await
        .unwrap();
    assert_eq!(
        ana.email, "Ana.Ñandú@Example.com",
        "the e-mail is kept as typed"
    );
    assert_eq!(ana.role, Role::Agent);

    let again = store
        .create_person(new_person(people_org(store).await, "ana.ñANDÚ@example.COM"))
        .await;
    assert!(
        is_conflict(&again),
        "same e-mail in other case must conflict: {again:?}"
    );

    let found = store
        .person_by_email("ANA.ñandú@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, ana);
    assert_eq!(store.person(ana.id).await.unwrap().unwrap(), ana);
    assert!(
        store
            .person_by_email("bob@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .person(PersonId(ana.id.0 + 1000))
            .await
            .unwrap()
            .is_none()
    );

    let mut admin = new_person(people_org(store).await, "bob@example.com");
    admin.role = Role::Admin;
    let bob = store.create_person(admin).await.unwrap();
    assert_ne!(bob.id, ana.id);
    assert_eq!(bob.role, Role::Admin);
    assert_eq!(store.count_people().await.unwrap(), 2);
}

pub async fn sessions_expire_and_can_be_deleted(store: &dyn Store) {
    let ana = store
        .create_person(new_person(people_org(store).await, "ana@example.com"))
        .await
        .unwrap();
    store
        .create_session("hash-1", ana.id, at(60))
        .await
        .unwrap();
    store
        .create_session("hash-2", ana.id, at(60))
        .await
        .unwrap();

    assert_eq!(
        store.session_person("hash-1", at(0)).await.unwrap(),
        Some(ana.clone())
    );
    assert_eq!(
        store.session_person("hash-1", at(59)).await.unwrap(),
        Some(ana.clone())
    );
    assert_eq!(
        store.session_person("hash-1", at(60)).await.unwrap(),
        None,
        "expired at its instant"
    );
    assert_eq!(store.session_person("nope", at(0)).await.unwrap(), None);

    store.delete_session("hash-2").await.unwrap();
    assert_eq!(store.session_person("hash-2", at(0)).await.unwrap(), None);
    store.delete_session("hash-2").await.unwrap(); // idempotent

    let orphan = store
        .create_session("hash-3", PersonId(ana.id.0 + 1000), at(60))
        .await;
    assert!(orphan.is_err(), "a session needs an existing person");
}

// ---- connections ----

pub async fn connection_upsert_tokens_and_health(store: &dyn Store) {
    let seller = BIG_ID;
    let created = store
        .upsert_connection(new_connection(seller, "LOJA_UM"))
        .await
        .unwrap();
    assert_eq!(created.seller_id, SellerId(seller));
    assert_eq!(created.nickname, "LOJA_UM");
    assert_eq!(created.health, ConnectionHealth::Connected);
    assert_eq!(created.tokens, Some(tokens("one", at(3600))));

    store
        .set_connection_health(
            SellerId(seller),
            ConnectionHealth::NeedsReauth,
            Some("invalid_grant"),
        )
        .await
        .unwrap();
    let sick = store.connection(SellerId(seller)).await.unwrap().unwrap();
    assert_eq!(sick.health, ConnectionHealth::NeedsReauth);
    assert_eq!(sick.health_detail.as_deref(), Some("invalid_grant"));
    assert!(
        sick.tokens.is_some(),
        "needing re-authorization keeps what we have"
    );

    store
        .save_tokens(SellerId(seller), &tokens("two", at(7200)))
        .await
        .unwrap();
    let refreshed = store.connection(SellerId(seller)).await.unwrap().unwrap();
    assert_eq!(refreshed.tokens, Some(tokens("two", at(7200))));

    // Connecting again replaces tokens and heals the connection; one row per seller.
    let mut again = new_connection(seller, "LOJA_UM_NOVO");
    again.tokens = tokens("three", at(9000));
    let healed = store.upsert_connection(again).await.unwrap();
    assert_eq!(healed.health, ConnectionHealth::Connected);
    assert_eq!(healed.health_detail, None);
    assert_eq!(healed.nickname, "LOJA_UM_NOVO");
    assert_eq!(healed.tokens, Some(tokens("three", at(9000))));
    assert_eq!(healed.created_at, created.created_at);

    store
        .upsert_connection(new_connection(7, "OTRA"))
        .await
        .unwrap();
    let all = store.connections().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().any(|c| c.seller_id == SellerId(7)));

    // Disconnecting deletes the tokens (SPEC §1) but keeps the store.
    store
        .set_connection_health(SellerId(7), ConnectionHealth::Disconnected, None)
        .await
        .unwrap();
    let gone = store.connection(SellerId(7)).await.unwrap().unwrap();
    assert_eq!(gone.health, ConnectionHealth::Disconnected);
    assert_eq!(gone.tokens, None);

    assert!(store.connection(SellerId(8)).await.unwrap().is_none());
    assert!(is_not_found(
        &store.save_tokens(SellerId(8), &tokens("x", at(1))).await
    ));
    assert!(is_not_found(
        &store
            .set_connection_health(SellerId(8), ConnectionHealth::Connected, None)
            .await
    ));
}

pub async fn refresh_lock_is_exclusive_and_expires(store: &dyn Store) {
    let seller = SellerId(BIG_ID);
    store
        .upsert_connection(new_connection(BIG_ID, "LOJA"))
        .await
        .unwrap();

    assert!(
        store
            .try_lock_refresh(seller, "worker-a", at(30), at(0))
            .await
            .unwrap()
    );
    assert!(
        !store
            .try_lock_refresh(seller, "worker-b", at(40), at(10))
            .await
            .unwrap()
    );
    assert!(
        store
            .try_lock_refresh(seller, "worker-a", at(50), at(10))
            .await
            .unwrap(),
        "the holder may extend its own lock"
    );
    // Unlocking by someone else is a no-op.
    store.unlock_refresh(seller, "worker-b").await.unwrap();
    assert!(
        !store
            .try_lock_refresh(seller, "worker-b", at(60), at(20))
            .await
            .unwrap()
    );

    // Expired at `now`: free for anyone.
    assert!(
        store
            .try_lock_refresh(seller, "worker-b", at(120), at(50))
            .await
            .unwrap()
    );
    assert!(
        !store
            .try_lock_refresh(seller, "worker-a", at(130), at(60))
            .await
            .unwrap()
    );

    store.unlock_refresh(seller, "worker-b").await.unwrap();
    assert!(
        store
            .try_lock_refresh(seller, "worker-a", at(130), at(61))
            .await
            .unwrap()
    );

    // Locks are per store.
    store
        .upsert_connection(new_connection(7, "OTRA"))
        .await
        .unwrap();
    assert!(
        store
            .try_lock_refresh(SellerId(7), "worker-b", at(130), at(61))
            .await
            .unwrap()
    );
    assert!(is_not_found(
        &store.try_lock_refresh(SellerId(8), "w", at(1), at(0)).await
    ));
}

pub async fn refresh_lock_concurrent_takers_get_one_winner(store: &dyn Store) {
    let seller = SellerId(BIG_ID);
    store
        .upsert_connection(new_connection(BIG_ID, "LOJA"))
        .await
        .unwrap();
    let holders: Vec<String> = (0..8).map(|i| format!("worker-{i}")).collect();
    let results = futures_util::future::join_all(
        holders
            .iter()
            .map(|h| store.try_lock_refresh(seller, h, at(30), at(0))),
    )
    .await;
    let winners = results.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(winners, 1);
}

// ---- OAuth ----

pub async fn oauth_state_is_single_use_and_expires(store: &dyn Store) {
    let ana = store
        .create_person(new_person(people_org(store).await, "ana@example.com"))
        .await
        .unwrap();
    let state = OAuthState {
        org_id: ana.org_id,
        state: "st-1".to_string(),
        pkce_verifier: "verifier".to_string(),
        site_id: "MLA".to_string(),
        created_by: Some(ana.id),
        expires_at: at(600),
    };
    store.put_oauth_state(&state).await.unwrap();
    assert!(is_conflict(&store.put_oauth_state(&state).await));

    assert_eq!(
        store.take_oauth_state("st-1", at(10)).await.unwrap(),
        Some(state.clone())
    );
    assert_eq!(
        store.take_oauth_state("st-1", at(11)).await.unwrap(),
        None,
        "single use"
    );
    assert_eq!(
        store.take_oauth_state("unknown", at(0)).await.unwrap(),
        None
    );

    let stale = OAuthState {
        state: "st-2".to_string(),
        created_by: None,
        ..state
    };
    store.put_oauth_state(&stale).await.unwrap();
    assert_eq!(
        store.take_oauth_state("st-2", at(600)).await.unwrap(),
        None,
        "expired"
    );
    // An expired state is spent too: it cannot be put back into play.
    assert_eq!(store.take_oauth_state("st-2", at(0)).await.unwrap(), None);
}

// ---- notifications ----

pub async fn notification_dedup_counts_deliveries_and_enqueues_once(store: &dyn Store) {
    let first = store
        .record_notification(
            notification("n-1"),
            Some(job("meli.fetch_question", Some("q:123"), t0())),
        )
        .await
        .unwrap();
    let RecordOutcome::Recorded {
        notification_id,
        job_id: Some(job_id),
    } = first
    else {
        panic!("first delivery must be recorded with its job: {first:?}");
    };
    let stored_job = store.job(job_id).await.unwrap().unwrap();
    assert_eq!(stored_job.kind, "meli.fetch_question");
    assert_eq!(stored_job.state, JobState::Queued);
    assert_eq!(stored_job.payload["big"].as_i64(), Some(BIG_ID));

    for _ in 0..2 {
        let again = store
            .record_notification(
                notification("n-1"),
                Some(job("meli.fetch_question", Some("q:123-other"), t0())),
            )
            .await
            .unwrap();
        assert_eq!(again, RecordOutcome::Duplicate { notification_id });
    }
    assert_eq!(
        store.job_counts().await.unwrap().queued,
        1,
        "duplicates never enqueue"
    );

    let recent = store.recent_notifications(org(), 10).await.unwrap();
    assert_eq!(recent.len(), 1);
    let n = &recent[0];
    assert_eq!(n.id, notification_id);
    assert_eq!(n.deliveries, 3);
    assert_eq!(n.user_id, BIG_ID);
    assert_eq!(n.application_id, Some(42));
    assert_eq!(n.raw["user_id"].as_i64(), Some(BIG_ID));
    assert_eq!(n.state, NotificationState::Queued);
    assert_eq!(n.received_at, t0());
}

pub async fn notification_for_a_running_jobs_key_enqueues_a_new_job(store: &dyn Store) {
    let running = store
        .enqueue(job("meli.fetch_question", Some("q:123"), t0()))
        .await
        .unwrap()
        .unwrap();
    let claimed = store.claim_job(at(0), at(30)).await.unwrap().unwrap();
    assert_eq!(claimed.id, running);

    // The running fetch may already have read the question: the news needs a fresh job.
    let outcome = store
        .record_notification(
            notification("n-2"),
            Some(job("meli.fetch_question", Some("q:123"), t0())),
        )
        .await
        .unwrap();
    let RecordOutcome::Recorded {
        job_id: Some(fresh),
        ..
    } = outcome
    else {
        panic!("a running job must not swallow the notification's job: {outcome:?}");
    };
    assert_ne!(fresh, running);
    let fresh_job = store.job(fresh).await.unwrap().unwrap();
    assert_eq!(fresh_job.state, JobState::Queued);
    assert_eq!(fresh_job.attempts, 0);
    assert_eq!(fresh_job.dedup_key.as_deref(), Some("q:123"));
    assert_eq!(
        store.job_counts().await.unwrap(),
        JobCounts {
            queued: 1,
            running: 1,
            done: 0,
            dead: 0
        }
    );
}

pub async fn notification_for_a_queued_jobs_key_still_enqueues_nothing(store: &dyn Store) {
    let queued = store
        .enqueue(job("meli.fetch_question", Some("q:123"), t0()))
        .await
        .unwrap();
    assert!(queued.is_some());
    let outcome = store
        .record_notification(
            notification("n-2"),
            Some(job("meli.fetch_question", Some("q:123"), t0())),
        )
        .await
        .unwrap();
    assert!(
        matches!(outcome, RecordOutcome::Recorded { job_id: None, .. }),
        "recorded, but its job is already queued: {outcome:?}"
    );
    assert_eq!(store.job_counts().await.unwrap().queued, 1);

    // Still so while another job with the key is running: the queued one has not read yet.
    store.claim_job(at(0), at(30)).await.unwrap().unwrap();
    let second = store
        .record_notification(
            notification("n-3"),
            Some(job("meli.fetch_question", Some("q:123"), t0())),
        )
        .await
        .unwrap();
    assert!(
        matches!(
            second,
            RecordOutcome::Recorded {
                job_id: Some(_),
                ..
            }
        ),
        "{second:?}"
    );
    let third = store
        .record_notification(
            notification("n-4"),
            Some(job("meli.fetch_question", Some("q:123"), t0())),
        )
        .await
        .unwrap();
    assert!(
        matches!(third, RecordOutcome::Recorded { job_id: None, .. }),
        "a queued job with the key exists again: {third:?}"
    );
    assert_eq!(
        store.job_counts().await.unwrap(),
        JobCounts {
            queued: 1,
            running: 1,
            done: 0,
            dead: 0
        }
    );
    assert_eq!(
        store.recent_notifications(org(), 10).await.unwrap().len(),
        3
    );
}

pub async fn ignored_notifications_are_kept_newest_first(store: &dyn Store) {
    let mut ignored = notification("n-old");
    ignored.state = NotificationState::Ignored;
    ignored.ignore_reason = Some("unknown_seller".to_string());
    ignored.application_id = None;
    let outcome = store.record_notification(ignored, None).await.unwrap();
    assert!(matches!(
        outcome,
        RecordOutcome::Recorded { job_id: None, .. }
    ));

    let mut newer = notification("n-new");
    newer.received_at = at(5);
    store.record_notification(newer, None).await.unwrap();

    let recent = store.recent_notifications(org(), 10).await.unwrap();
    let keys: Vec<&str> = recent.iter().map(|n| n.dedup_key.as_str()).collect();
    assert_eq!(keys, ["n-new", "n-old"]);
    assert_eq!(recent[1].state, NotificationState::Ignored);
    assert_eq!(recent[1].ignore_reason.as_deref(), Some("unknown_seller"));
    assert_eq!(recent[1].application_id, None);
    assert_eq!(store.recent_notifications(org(), 1).await.unwrap().len(), 1);
    assert_eq!(store.job_counts().await.unwrap(), JobCounts::default());
}

// ---- job queue ----

pub async fn job_dedup_only_while_queued(store: &dyn Store) {
    let first = store
        .enqueue(job("k", Some("dedup"), t0()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.enqueue(job("k", Some("dedup"), t0())).await.unwrap(),
        None,
        "queued blocks a twin"
    );

    let claimed_first = store.claim_job(at(0), at(30)).await.unwrap().unwrap();
    assert_eq!(claimed_first.id, first);
    let second = store
        .enqueue(job("k", Some("dedup"), t0()))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(second, first, "running does not block a new job");
    assert_eq!(
        store.enqueue(job("k", Some("dedup"), t0())).await.unwrap(),
        None,
        "but the new queued one does"
    );

    store.complete_job(&claimed_first).await.unwrap();
    assert_eq!(
        store.enqueue(job("k", Some("dedup"), t0())).await.unwrap(),
        None,
        "still queued after the first is done"
    );
    let claimed = store.claim_job(at(0), at(30)).await.unwrap().unwrap();
    assert_eq!(claimed.id, second);
    store.bury_job(&claimed, "gave up").await.unwrap();
    assert!(
        store
            .enqueue(job("k", Some("dedup"), t0()))
            .await
            .unwrap()
            .is_some(),
        "allowed once nothing with the key is queued (one done, one dead)"
    );

    // Jobs without a key never collide.
    assert!(store.enqueue(job("k", None, t0())).await.unwrap().is_some());
    assert!(store.enqueue(job("k", None, t0())).await.unwrap().is_some());
}

pub async fn claim_takes_due_jobs_oldest_first_with_a_lease(store: &dyn Store) {
    assert!(
        store.claim_job(at(0), at(30)).await.unwrap().is_none(),
        "empty queue"
    );
    assert_eq!(store.next_job_due().await.unwrap(), None);

    let later = store
        .enqueue(job("later", None, at(100)))
        .await
        .unwrap()
        .unwrap();
    let older = store
        .enqueue(job("older", None, at(-10)))
        .await
        .unwrap()
        .unwrap();
    let now_job = store
        .enqueue(job("now", None, at(0)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.next_job_due().await.unwrap(), Some(at(-10)));

    let a = store.claim_job(at(0), at(300)).await.unwrap().unwrap();
    assert_eq!(a.id, older);
    assert_eq!(a.state, JobState::Running);
    assert_eq!(a.attempts, 1);
    assert_eq!(a.lease_until, Some(at(300)));
    assert_eq!(a.payload, json!({ "kind": "older", "big": BIG_ID }));

    let b = store.claim_job(at(0), at(300)).await.unwrap().unwrap();
    assert_eq!(b.id, now_job);
    assert!(
        store.claim_job(at(0), at(300)).await.unwrap().is_none(),
        "`later` is not due"
    );
    assert_eq!(store.next_job_due().await.unwrap(), Some(at(100)));

    let c = store.claim_job(at(100), at(130)).await.unwrap().unwrap();
    assert_eq!(c.id, later);
    assert_eq!(store.next_job_due().await.unwrap(), None, "nothing queued");

    let stored = store.job(a.id).await.unwrap().unwrap();
    assert_eq!(stored.state, JobState::Running);
    assert_eq!(stored.lease_until, Some(at(300)));
    assert!(store.job(JobId(a.id.0 + 1000)).await.unwrap().is_none());
}

pub async fn expired_lease_is_reclaimed_with_another_attempt(store: &dyn Store) {
    let id = store
        .enqueue(job("k", Some("d"), at(0)))
        .await
        .unwrap()
        .unwrap();
    let first = store.claim_job(at(0), at(30)).await.unwrap().unwrap();
    assert_eq!((first.id, first.attempts), (id, 1));
    // A queued twin (allowed while the first runs) does not stand in the reclaim's way.
    let twin = store
        .enqueue(job("k", Some("d"), at(100)))
        .await
        .unwrap()
        .unwrap();

    assert!(
        store.claim_job(at(29), at(60)).await.unwrap().is_none(),
        "lease still held"
    );
    let second = store.claim_job(at(31), at(61)).await.unwrap().unwrap();
    assert_eq!(second.id, id);
    assert_eq!(second.attempts, 2);
    assert_eq!(second.lease_until, Some(at(61)));
    assert_eq!(store.job_counts().await.unwrap().running, 1);
    assert_eq!(
        store.job(twin).await.unwrap().unwrap().state,
        JobState::Queued
    );
}

pub async fn retry_bury_and_counts(store: &dyn Store) {
    let a = store.enqueue(job("a", None, at(0))).await.unwrap().unwrap();
    let b = store.enqueue(job("b", None, at(0))).await.unwrap().unwrap();
    let c = store.enqueue(job("c", None, at(0))).await.unwrap().unwrap();
    let _d = store
        .enqueue(job("d", None, at(500)))
        .await
        .unwrap()
        .unwrap();
    let mut claims = Vec::new();
    for _ in 0..3 {
        claims.push(store.claim_job(at(0), at(1000)).await.unwrap().unwrap());
    }
    let [ja, jb, jc] = &claims[..] else {
        unreachable!()
    };
    assert_eq!((ja.id, jb.id, jc.id), (a, b, c));
    assert_eq!(
        store.job_counts().await.unwrap(),
        JobCounts {
            queued: 1,
            running: 3,
            done: 0,
            dead: 0
        }
    );

    store.retry_job(ja, "HTTP 503", at(60)).await.unwrap();
    let retried = store.job(a).await.unwrap().unwrap();
    assert_eq!(retried.state, JobState::Queued);
    assert_eq!(retried.last_error.as_deref(), Some("HTTP 503"));
    assert_eq!(retried.run_at, at(60));
    assert_eq!(retried.lease_until, None);
    assert_eq!(retried.attempts, 1);
    assert_eq!(retried.claim_id, None, "no claim while queued");
    assert_eq!(store.next_job_due().await.unwrap(), Some(at(60)));
    assert!(
        store.claim_job(at(59), at(90)).await.unwrap().is_none(),
        "backoff respected"
    );
    let again = store.claim_job(at(60), at(90)).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (a, 2));
    assert!(again.claim_id.is_some());
    assert_ne!(
        again.claim_id, ja.claim_id,
        "every claim gets a fresh token"
    );

    store
        .bury_job(jb, "HTTP 404: question deleted")
        .await
        .unwrap();
    let dead = store.job(b).await.unwrap().unwrap();
    assert_eq!(dead.state, JobState::Dead);
    assert_eq!(
        dead.last_error.as_deref(),
        Some("HTTP 404: question deleted")
    );

    store.complete_job(jc).await.unwrap();
    store.complete_job(&again).await.unwrap();
    assert_eq!(store.job(c).await.unwrap().unwrap().state, JobState::Done);
    assert_eq!(
        store.job_counts().await.unwrap(),
        JobCounts {
            queued: 1,
            running: 0,
            done: 2,
            dead: 1
        }
    );
    // Finished jobs are never claimed again, even long after.
    let last = store
        .claim_job(at(10_000), at(10_030))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.kind, "d");
    assert!(
        store
            .claim_job(at(10_000), at(10_030))
            .await
            .unwrap()
            .is_none()
    );

    let missing = Job {
        id: JobId(a.0 + 1000),
        ..again.clone()
    };
    assert!(is_not_found(&store.complete_job(&missing).await));
    assert!(is_not_found(&store.retry_job(&missing, "x", at(0)).await));
    assert!(is_not_found(&store.bury_job(&missing, "x").await));
}

pub async fn retry_job_merges_into_a_queued_duplicate(store: &dyn Store) {
    let a = store
        .enqueue(job("k", Some("q:1"), at(0)))
        .await
        .unwrap()
        .unwrap();
    let claimed_a = store.claim_job(at(0), at(1000)).await.unwrap().unwrap();
    assert_eq!(claimed_a.id, a);
    let b = store
        .enqueue(job("k", Some("q:1"), at(5)))
        .await
        .unwrap()
        .unwrap();

    // `b` will do the same work, so `a` does not go back to the queue: it is merged into `b`.
    store
        .retry_job(&claimed_a, "HTTP 503", at(60))
        .await
        .unwrap();
    let merged = store.job(a).await.unwrap().unwrap();
    assert_eq!(merged.state, JobState::Done);
    assert_eq!(
        merged.last_error.as_deref(),
        Some(format!("merged into job {b}").as_str())
    );
    assert_eq!(merged.lease_until, None);
    assert_eq!(merged.attempts, 1);
    let twin = store.job(b).await.unwrap().unwrap();
    assert_eq!(twin.state, JobState::Queued);
    assert_eq!((twin.attempts, twin.run_at), (0, at(5)));
    assert_eq!(twin.last_error, None);
    assert_eq!(
        store.job_counts().await.unwrap(),
        JobCounts {
            queued: 1,
            running: 0,
            done: 1,
            dead: 0
        }
    );
    assert_eq!(store.next_job_due().await.unwrap(), Some(at(5)));

    // A *running* twin is no reason to merge: with `b` and `c` both running, retrying `b` puts it
    // back in the queue, and then retrying `c` merges `c` into `b`.
    let claimed_b = store.claim_job(at(5), at(1000)).await.unwrap().unwrap();
    assert_eq!(claimed_b.id, b);
    let c = store
        .enqueue(job("k", Some("q:1"), at(6)))
        .await
        .unwrap()
        .unwrap();
    let claimed_c = store.claim_job(at(6), at(1000)).await.unwrap().unwrap();
    assert_eq!(claimed_c.id, c);
    store
        .retry_job(&claimed_b, "HTTP 500", at(90))
        .await
        .unwrap();
    let requeued = store.job(b).await.unwrap().unwrap();
    assert_eq!(requeued.state, JobState::Queued);
    assert_eq!(requeued.last_error.as_deref(), Some("HTTP 500"));
    assert_eq!((requeued.attempts, requeued.run_at), (1, at(90)));
    store
        .retry_job(&claimed_c, "HTTP 500", at(95))
        .await
        .unwrap();
    let merged = store.job(c).await.unwrap().unwrap();
    assert_eq!(merged.state, JobState::Done);
    assert_eq!(
        merged.last_error.as_deref(),
        Some(format!("merged into job {b}").as_str())
    );
    assert_eq!(
        store.job_counts().await.unwrap(),
        JobCounts {
            queued: 1,
            running: 0,
            done: 2,
            dead: 0
        }
    );
    assert!(store.claim_job(at(89), at(1000)).await.unwrap().is_none());
    assert_eq!(
        store.claim_job(at(90), at(1000)).await.unwrap().unwrap().id,
        b
    );
}

pub async fn postpone_job_never_counts_the_attempt(store: &dyn Store) {
    let id = store
        .enqueue(job("k", Some("q:1"), at(0)))
        .await
        .unwrap()
        .unwrap();
    let mut run_at = at(0);
    for round in 1..=3 {
        let claimed = store
            .claim_job(run_at, run_at + Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((claimed.id, claimed.attempts), (id, 1), "round {round}");
        run_at += Duration::seconds(600);
        store
            .postpone_job(&claimed, "store awaiting re-authorization", run_at)
            .await
            .unwrap();
        let waiting = store.job(id).await.unwrap().unwrap();
        assert_eq!(waiting.state, JobState::Queued);
        assert_eq!(waiting.attempts, 0, "round {round}");
        assert_eq!(
            waiting.last_error.as_deref(),
            Some("store awaiting re-authorization")
        );
        assert_eq!(waiting.run_at, run_at);
        assert_eq!(waiting.lease_until, None);
        assert_eq!(store.next_job_due().await.unwrap(), Some(run_at));
        assert!(
            store
                .claim_job(run_at - Duration::seconds(1), run_at)
                .await
                .unwrap()
                .is_none(),
            "not before run_at"
        );
    }
    // Claimable again at run_at, as on the first attempt.
    let again = store
        .claim_job(run_at, run_at + Duration::seconds(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (id, 1));

    // Counted retries stay counted; only the postponed attempt is taken back.
    store.retry_job(&again, "HTTP 503", run_at).await.unwrap();
    let claimed = store.claim_job(run_at, run_at).await.unwrap().unwrap();
    assert_eq!(claimed.attempts, 2);
    store
        .postpone_job(&claimed, "waiting", run_at)
        .await
        .unwrap();
    assert_eq!(store.job(id).await.unwrap().unwrap().attempts, 1);

    // A job that was never claimed has no lease to act on.
    let fresh = store.enqueue(job("k", None, at(0))).await.unwrap().unwrap();
    let unclaimed = store.job(fresh).await.unwrap().unwrap();
    assert_eq!(unclaimed.claim_id, None);
    assert!(is_lease_lost(
        &store.postpone_job(&unclaimed, "waiting", at(10)).await
    ));
    let fresh = store.job(fresh).await.unwrap().unwrap();
    assert_eq!((fresh.state, fresh.attempts), (JobState::Queued, 0));
    assert_eq!(fresh.run_at, at(0));

    let missing = Job {
        id: JobId(id.0 + 1000),
        ..claimed
    };
    assert!(is_not_found(
        &store.postpone_job(&missing, "x", at(0)).await
    ));
}

pub async fn postpone_job_merges_into_a_queued_duplicate(store: &dyn Store) {
    let a = store
        .enqueue(job("k", Some("q:1"), at(0)))
        .await
        .unwrap()
        .unwrap();
    let claimed_a = store.claim_job(at(0), at(1000)).await.unwrap().unwrap();
    assert_eq!(claimed_a.id, a);
    let b = store
        .enqueue(job("k", Some("q:1"), at(5)))
        .await
        .unwrap()
        .unwrap();

    store
        .postpone_job(&claimed_a, "store awaiting re-authorization", at(600))
        .await
        .unwrap();
    let merged = store.job(a).await.unwrap().unwrap();
    assert_eq!(merged.state, JobState::Done);
    assert_eq!(
        merged.last_error.as_deref(),
        Some(format!("merged into job {b}").as_str())
    );
    assert_eq!(merged.lease_until, None);
    assert_eq!(merged.attempts, 0, "the postponed attempt is not counted");
    let twin = store.job(b).await.unwrap().unwrap();
    assert_eq!(twin.state, JobState::Queued);
    assert_eq!((twin.attempts, twin.run_at), (0, at(5)));
    assert_eq!(
        store.job_counts().await.unwrap(),
        JobCounts {
            queued: 1,
            running: 0,
            done: 1,
            dead: 0
        }
    );
    assert_eq!(
        store.claim_job(at(5), at(1000)).await.unwrap().unwrap().id,
        b
    );
    assert!(
        store.claim_job(at(600), at(630)).await.unwrap().is_none(),
        "nothing left over at the postponed time"
    );
}

pub async fn claim_prefers_expired_leases_then_oldest_due(store: &dyn Store) {
    let a = store.enqueue(job("a", None, at(0))).await.unwrap().unwrap();
    assert_eq!(store.claim_job(at(0), at(10)).await.unwrap().unwrap().id, a);
    let b = store
        .enqueue(job("b", None, at(-100)))
        .await
        .unwrap()
        .unwrap();
    let c = store.enqueue(job("c", None, at(5))).await.unwrap().unwrap();

    // `a`'s lease expired: it goes first, even though `b` has been due longer.
    let claim = |now: i64, lease: i64| store.claim_job(at(now), at(lease));
    let reclaimed = claim(20, 50).await.unwrap().unwrap();
    assert_eq!((reclaimed.id, reclaimed.attempts), (a, 2));
    assert_eq!(claim(20, 45).await.unwrap().unwrap().id, b);
    assert_eq!(claim(20, 40).await.unwrap().unwrap().id, c);
    assert!(claim(20, 60).await.unwrap().is_none());

    // Several expired leases: the one that expired first goes first.
    let order: Vec<JobId> = [
        claim(60, 90).await.unwrap().unwrap().id,
        claim(60, 90).await.unwrap().unwrap().id,
        claim(60, 90).await.unwrap().unwrap().id,
    ]
    .to_vec();
    assert_eq!(order, vec![c, b, a]);
    assert!(claim(60, 90).await.unwrap().is_none());
}

pub async fn stale_claims_lose_the_lease(store: &dyn Store) {
    let id = store
        .enqueue(job("meli.post_answer", Some("answer:1"), at(0)))
        .await
        .unwrap()
        .unwrap();
    let first = store.claim_job(at(0), at(30)).await.unwrap().unwrap();
    assert!(first.claim_id.is_some());
    assert_eq!(
        store.job(id).await.unwrap().unwrap().claim_id,
        first.claim_id
    );

    // Worker A's lease runs out mid-job; worker B reclaims the job.
    let second = store.claim_job(at(31), at(61)).await.unwrap().unwrap();
    assert_eq!((second.id, second.attempts), (id, 2));
    assert_ne!(second.claim_id, first.claim_id);
    // A queued twin, so a stale retry or postpone would merge if it acted at all.
    let twin = store
        .enqueue(job("meli.post_answer", Some("answer:1"), at(100)))
        .await
        .unwrap()
        .unwrap();

    // A's late outcomes are all refused and change nothing.
    assert!(is_lease_lost(&store.complete_job(&first).await));
    assert!(is_lease_lost(&store.retry_job(&first, "late", at(5)).await));
    assert!(is_lease_lost(
        &store.postpone_job(&first, "late", at(5)).await
    ));
    assert!(is_lease_lost(&store.bury_job(&first, "late").await));
    let current = store.job(id).await.unwrap().unwrap();
    assert_eq!(current.state, JobState::Running);
    assert_eq!(current.attempts, 2);
    assert_eq!(current.lease_until, Some(at(61)));
    assert_eq!(current.last_error, None);
    assert_eq!(current.claim_id, second.claim_id);
    assert_eq!(
        store.job_counts().await.unwrap(),
        JobCounts {
            queued: 1,
            running: 1,
            done: 0,
            dead: 0
        }
    );

    // B's claim is the live one.
    store.complete_job(&second).await.unwrap();
    let done = store.job(id).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!((done.lease_until, done.claim_id), (None, None));
    // Once the job left `running`, even the claim that finished it is spent.
    assert!(is_lease_lost(&store.complete_job(&second).await));
    assert!(is_lease_lost(&store.bury_job(&second, "again").await));
    assert!(is_lease_lost(
        &store.retry_job(&second, "again", at(5)).await
    ));
    assert_eq!(store.job(id).await.unwrap().unwrap().state, JobState::Done);
    assert_eq!(
        store.job(twin).await.unwrap().unwrap().state,
        JobState::Queued
    );
}

pub async fn a_stale_outcome_racing_a_reclaim_never_both_win(store: &dyn Store) {
    for round in 0..8 {
        let id = store
            .enqueue(job(&format!("k{round}"), None, at(0)))
            .await
            .unwrap()
            .unwrap();
        let first = store.claim_job(at(0), at(30)).await.unwrap().unwrap();
        assert_eq!(first.id, id);
        let (retried, reclaimed) = futures_util::future::join(
            store.retry_job(&first, "late", at(1000)),
            store.claim_job(at(31), at(61)),
        )
        .await;
        let current = store.job(id).await.unwrap().unwrap();
        match (retried, reclaimed.unwrap()) {
            // The late retry came first: the job waits for its retry time, nobody runs it now.
            (Ok(()), None) => {
                assert_eq!(
                    (current.state, current.run_at),
                    (JobState::Queued, at(1000))
                );
            }
            // The reclaim came first: the late retry is refused and the new run stands.
            (Err(StoreError::LeaseLost(_)), Some(second)) => {
                assert_eq!(second.id, id);
                assert_eq!(current.state, JobState::Running);
                assert_eq!(current.claim_id, second.claim_id);
                store.complete_job(&second).await.unwrap();
            }
            other => panic!("round {round}: {other:?}"),
        }
        // Clear the queue for the next round.
        if let Some(left) = store.claim_job(at(1000), at(1030)).await.unwrap() {
            store.complete_job(&left).await.unwrap();
        }
    }
}

pub async fn concurrent_claimers_never_share_a_job(store: &dyn Store) {
    const N: usize = 24;
    for i in 0..N {
        store
            .enqueue(job(&format!("k{i}"), Some(&format!("d{i}")), at(0)))
            .await
            .unwrap();
    }
    let claims =
        futures_util::future::join_all((0..2 * N).map(|_| store.claim_job(at(1), at(60)))).await;
    let ids: Vec<JobId> = claims
        .into_iter()
        .filter_map(|c| c.unwrap())
        .map(|j| j.id)
        .collect();
    let unique: HashSet<JobId> = ids.iter().copied().collect();
    assert_eq!(ids.len(), N, "every job claimed exactly once");
    assert_eq!(unique.len(), N, "no job handed to two claimers");
    assert_eq!(store.job_counts().await.unwrap().running, N as i64);
}

// ---- listings and contacts ----

pub async fn listing_decimals_and_big_ids_round_trip_exactly(store: &dyn Store) {
    for (item, price) in [
        ("MLB1", "12345678.90"),
        ("MLB2", "0.1"),
        ("MLB3", "0.30"),
        ("MLB4", "7"),
    ] {
        let listing = Listing {
            item_id: ItemId(item.to_string()),
            seller_id: SellerId(BIG_ID),
            site_id: "MLB".to_string(),
            title: "Cadeira gamer".to_string(),
            price: Decimal::from_str(price).unwrap(),
            currency_id: "BRL".to_string(),
            thumbnail: Some("https://http2.mlstatic.com/x.jpg".to_string()),
            permalink: None,
            status: Some("active".to_string()),
        };
        store.upsert_listing(&listing).await.unwrap();
        let back = store.listing(&listing.item_id).await.unwrap().unwrap();
        assert_eq!(back, listing);
        assert_eq!(back.price.to_string(), price, "scale kept exactly");
        assert_eq!(back.seller_id.0, BIG_ID);
    }
    let sum = store
        .listing(&ItemId("MLB2".into()))
        .await
        .unwrap()
        .unwrap()
        .price
        + store
            .listing(&ItemId("MLB3".into()))
            .await
            .unwrap()
            .unwrap()
            .price;
    assert_eq!(sum.to_string(), "0.40", "decimal, not float, arithmetic");

    let mut changed = store
        .listing(&ItemId("MLB1".into()))
        .await
        .unwrap()
        .unwrap();
    changed.title = "Cadeira gamer PRO".to_string();
    changed.price = Decimal::from_str("99.99").unwrap();
    changed.thumbnail = None;
    store.upsert_listing(&changed).await.unwrap();
    assert_eq!(
        store
            .listing(&ItemId("MLB1".into()))
            .await
            .unwrap()
            .unwrap(),
        changed
    );
    assert!(
        store
            .listing(&ItemId("MLB999".into()))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn contact_upsert_keeps_known_nickname(store: &dyn Store) {
    let contact = Contact {
        nickname: Some("COMPRADOR_1".to_string()),
        ..Contact::new(org(), SellerId(BIG_ID), MeliUserId(BIG_ID - 1))
    };
    store.upsert_contact(&contact).await.unwrap();
    assert_eq!(
        store
            .contact(contact.seller_id, contact.meli_user_id)
            .await
            .unwrap(),
        Some(contact.clone())
    );

    let anonymous = Contact {
        nickname: None,
        ..contact.clone()
    };
    store.upsert_contact(&anonymous).await.unwrap();
    assert_eq!(
        store
            .contact(contact.seller_id, contact.meli_user_id)
            .await
            .unwrap(),
        Some(contact.clone()),
        "a sighting without a nickname keeps the known one"
    );

    let renamed = Contact {
        nickname: Some("COMPRADOR_2".to_string()),
        ..contact.clone()
    };
    store.upsert_contact(&renamed).await.unwrap();
    assert_eq!(
        store
            .contact(contact.seller_id, contact.meli_user_id)
            .await
            .unwrap(),
        Some(renamed)
    );

    assert!(
        store
            .contact(SellerId(1), contact.meli_user_id)
            .await
            .unwrap()
            .is_none(),
        "per store"
    );
}

// ---- conversations ----

pub async fn conversation_upsert_is_idempotent_and_lock_monotonic(store: &dyn Store) {
    let first = store
        .upsert_conversation(upsert(BIG_ID, "q-1", at(0)))
        .await
        .unwrap();
    assert_eq!(first.seller_id, SellerId(BIG_ID));
    assert_eq!(first.buyer_id, MeliUserId(BIG_ID));
    assert_eq!(first.category, Category::PreSaleQuestion);
    assert_eq!(first.status, ConversationStatus::Open);
    assert_eq!(first.meli_status.as_deref(), Some("UNANSWERED"));
    assert!(!first.reply_locked);
    assert_eq!(first.last_inbound_at, at(0));
    assert_eq!(first.created_at, at(0));

    let same = store
        .upsert_conversation(upsert(BIG_ID, "q-1", at(0)))
        .await
        .unwrap();
    assert_eq!(same.id, first.id, "same key, same conversation");

    let mut locked = upsert(BIG_ID, "q-1", at(10));
    locked.reply_locked = true;
    locked.status = ConversationStatus::Waiting;
    locked.meli_status = Some("ANSWERED".to_string());
    locked.now = at(10);
    let locked = store.upsert_conversation(locked).await.unwrap();
    assert_eq!(locked.id, first.id);
    assert!(locked.reply_locked);
    assert_eq!(locked.status, ConversationStatus::Waiting);
    assert_eq!(locked.meli_status.as_deref(), Some("ANSWERED"));
    assert_eq!(locked.last_inbound_at, at(10));
    assert_eq!(locked.created_at, at(0));
    assert_eq!(locked.updated_at, at(10));

    // A stale re-fetch (unlocked, older inbound time) never unlocks nor rewinds.
    let mut stale = upsert(BIG_ID, "q-1", at(5));
    stale.now = at(20);
    stale.item_id = None;
    stale.meli_status = None;
    let stale = store.upsert_conversation(stale).await.unwrap();
    assert!(stale.reply_locked, "reply_locked only goes false → true");
    assert_eq!(
        stale.last_inbound_at,
        at(10),
        "last_inbound_at keeps the later value"
    );
    assert_eq!(
        stale.item_id,
        Some(ItemId("MLB123".to_string())),
        "known item kept"
    );
    assert_eq!(
        stale.meli_status.as_deref(),
        Some("ANSWERED"),
        "known status word kept"
    );
    assert_eq!(
        stale.status,
        ConversationStatus::Open,
        "status follows the latest sighting"
    );

    let fetched = store.conversation(first.id).await.unwrap().unwrap();
    assert_eq!(fetched, stale);
    let by_ref = store
        .conversation_by_ref(SellerId(BIG_ID), Category::PreSaleQuestion, "q-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_ref, stale);

    // The key is (seller, category, meli_ref): other categories or stores are other threads.
    let mut help = upsert(BIG_ID, "q-1", at(0));
    help.category = Category::PostSaleHelp;
    let help = store.upsert_conversation(help).await.unwrap();
    assert_ne!(help.id, first.id);
    let other_store = store
        .upsert_conversation(upsert(7, "q-1", at(0)))
        .await
        .unwrap();
    assert_ne!(other_store.id, first.id);
    assert!(
        store
            .conversation_by_ref(SellerId(BIG_ID), Category::Claim, "q-1")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .conversation(ConversationId(first.id.0 + 1000))
            .await
            .unwrap()
            .is_none()
    );

    store
        .set_conversation_status(first.id, ConversationStatus::Resolved, None)
        .await
        .unwrap();
    let resolved = store.conversation(first.id).await.unwrap().unwrap();
    assert_eq!(resolved.status, ConversationStatus::Resolved);
    assert_eq!(
        resolved.meli_status.as_deref(),
        Some("ANSWERED"),
        "None keeps the word"
    );
    store
        .set_conversation_status(
            first.id,
            ConversationStatus::Resolved,
            Some("CLOSED_UNANSWERED"),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .conversation(first.id)
            .await
            .unwrap()
            .unwrap()
            .meli_status
            .as_deref(),
        Some("CLOSED_UNANSWERED")
    );
    assert!(is_not_found(
        &store
            .set_conversation_status(
                ConversationId(first.id.0 + 1000),
                ConversationStatus::Open,
                None
            )
            .await
    ));
}

pub async fn add_message_dedups_by_meli_ref(store: &dyn Store) {
    let conv = store
        .upsert_conversation(upsert(BIG_ID, "q-1", at(0)))
        .await
        .unwrap();
    let (m1, inserted) = store
        .add_message(inbound(conv.id, "question:1", "¿Tiene stock?", at(0)))
        .await
        .unwrap();
    assert!(inserted);
    assert_eq!(m1.conversation_id, conv.id);
    assert_eq!(m1.text, "¿Tiene stock?");
    assert_eq!(m1.direction, Direction::Inbound);
    assert_eq!(m1.author, Author::Buyer);
    assert_eq!(m1.delivery, DeliveryStatus::Received);
    assert_eq!(m1.created_at, at(0));

    let (again, inserted) = store
        .add_message(inbound(
            conv.id,
            "question:1",
            "different text, same ref",
            at(5),
        ))
        .await
        .unwrap();
    assert!(!inserted);
    assert_eq!(again, m1, "the stored message comes back unchanged");

    let (m0, _) = store
        .add_message(inbound(conv.id, "question:0", "earlier", at(-5)))
        .await
        .unwrap();
    let mut sent = answer(conv.id, "answer:1", at(3));
    sent.delivery = DeliveryStatus::Sent;
    sent.sent_at = Some(at(4));
    sent.author = Author::Seller;
    let (m2, _) = store.add_message(sent).await.unwrap();
    assert_eq!(m2.sent_at, Some(at(4)));
    assert_eq!(m2.author, Author::Seller);

    let thread: Vec<MessageId> = store
        .messages(conv.id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(thread, [m0.id, m1.id, m2.id], "oldest first");
    assert_eq!(store.message(m2.id).await.unwrap().unwrap(), m2);
    assert!(
        store
            .message(MessageId(m2.id.0 + 1000))
            .await
            .unwrap()
            .is_none()
    );

    // Another conversation may reuse the same ref.
    let other = store
        .upsert_conversation(upsert(BIG_ID, "q-2", at(0)))
        .await
        .unwrap();
    let (_, inserted) = store
        .add_message(inbound(other.id, "question:1", "x", at(0)))
        .await
        .unwrap();
    assert!(inserted);

    let orphan = store
        .add_message(inbound(
            ConversationId(other.id.0 + 1000),
            "question:1",
            "x",
            at(0),
        ))
        .await;
    assert!(orphan.is_err(), "a message needs its conversation");
}

pub async fn queue_locked_reply_locks_once(store: &dyn Store) {
    let conv = store
        .upsert_conversation(upsert(BIG_ID, "q-1", at(0)))
        .await
        .unwrap();
    let ana = store
        .create_person(new_person(people_org(store).await, "ana@example.com"))
        .await
        .unwrap();
    let mut reply = answer(conv.id, "answer:q-1", at(1));
    reply.author_person_id = Some(ana.id);
    let outbox = NewJob {
        org_id: Some(org()),
        kind: "meli.post_answer".to_string(),
        payload: json!({ "question_id": BIG_ID }),
        dedup_key: Some("answer:q-1".to_string()),
        run_at: at(1),
    };

    let (message, job_id) = store
        .queue_locked_reply(org(), conv.id, reply.clone(), outbox.clone())
        .await
        .unwrap();
    assert_eq!(message.delivery, DeliveryStatus::Pending);
    assert_eq!(message.direction, Direction::Outbound);
    assert_eq!(message.author_person_id, Some(ana.id));
    assert!(
        store
            .conversation(conv.id)
            .await
            .unwrap()
            .unwrap()
            .reply_locked
    );

    let queued = store.job(job_id).await.unwrap().unwrap();
    assert_eq!(queued.kind, "meli.post_answer");
    assert_eq!(queued.payload["message_id"].as_i64(), Some(message.id.0));
    assert_eq!(
        queued.payload["question_id"].as_i64(),
        Some(BIG_ID),
        "payload kept"
    );

    let mut second = answer(conv.id, "answer:q-1:b", at(2));
    second.text = "second try".to_string();
    let again = store
        .queue_locked_reply(
            org(),
            conv.id,
            second,
            NewJob {
                dedup_key: None,
                ..outbox.clone()
            },
        )
        .await;
    match again {
        Err(StoreError::Conflict(code)) => assert_eq!(code, "already_answered"),
        other => panic!("second reply must conflict, got {other:?}"),
    }
    // The failed attempt left nothing behind.
    assert_eq!(store.messages(conv.id).await.unwrap().len(), 1);
    assert_eq!(store.job_counts().await.unwrap().queued, 1);

    let missing = store
        .queue_locked_reply(org(), ConversationId(conv.id.0 + 1000), reply, outbox)
        .await;
    assert!(is_not_found(&missing), "unknown conversation: {missing:?}");
}

pub async fn concurrent_locked_replies_have_one_winner(store: &dyn Store) {
    let conv = store
        .upsert_conversation(upsert(BIG_ID, "q-1", at(0)))
        .await
        .unwrap();
    let attempts = futures_util::future::join_all((0..6).map(|i| {
        store.queue_locked_reply(
            org(),
            conv.id,
            answer(conv.id, &format!("answer:{i}"), at(1)),
            NewJob {
                org_id: Some(org()),
                kind: "meli.post_answer".to_string(),
                payload: json!({}),
                dedup_key: Some(format!("answer:{i}")),
                run_at: at(1),
            },
        )
    }))
    .await;
    let wins = attempts.iter().filter(|r| r.is_ok()).count();
    let conflicts = attempts.iter().filter(|r| is_conflict(r)).count();
    assert_eq!((wins, conflicts), (1, 5), "{attempts:?}");
    assert_eq!(store.messages(conv.id).await.unwrap().len(), 1);
}

pub async fn mark_sent_and_failed_with_unlock(store: &dyn Store) {
    let conv = store
        .upsert_conversation(upsert(BIG_ID, "q-1", at(0)))
        .await
        .unwrap();
    let outbox = |key: &str| NewJob {
        org_id: Some(org()),
        kind: "meli.post_answer".to_string(),
        payload: json!({}),
        dedup_key: Some(key.to_string()),
        run_at: at(1),
    };
    let (m1, _) = store
        .queue_locked_reply(
            org(),
            conv.id,
            answer(conv.id, "answer:1", at(1)),
            outbox("a1"),
        )
        .await
        .unwrap();

    // A failure that keeps the lock (e.g. Mercado Libre says it's already answered).
    store
        .mark_message_failed(m1.id, "already answered on Mercado Libre", false)
        .await
        .unwrap();
    let failed = store.message(m1.id).await.unwrap().unwrap();
    assert_eq!(failed.delivery, DeliveryStatus::Failed);
    assert_eq!(
        failed.error.as_deref(),
        Some("already answered on Mercado Libre")
    );
    assert!(
        store
            .conversation(conv.id)
            .await
            .unwrap()
            .unwrap()
            .reply_locked
    );

    // A failure that never reached Mercado Libre reopens the reply box.
    store
        .mark_message_failed(m1.id, "question deleted", true)
        .await
        .unwrap();
    assert!(
        !store
            .conversation(conv.id)
            .await
            .unwrap()
            .unwrap()
            .reply_locked
    );

    let (m2, _) = store
        .queue_locked_reply(
            org(),
            conv.id,
            answer(conv.id, "answer:2", at(2)),
            outbox("a2"),
        )
        .await
        .unwrap();
    store.mark_message_sent(m2.id, at(3)).await.unwrap();
    let sent = store.message(m2.id).await.unwrap().unwrap();
    assert_eq!(sent.delivery, DeliveryStatus::Sent);
    assert_eq!(sent.sent_at, Some(at(3)));
    assert_eq!(sent.error, None);
    assert!(
        store
            .conversation(conv.id)
            .await
            .unwrap()
            .unwrap()
            .reply_locked
    );

    let missing = MessageId(m2.id.0 + 1000);
    assert!(is_not_found(&store.mark_message_sent(missing, at(3)).await));
    assert!(is_not_found(
        &store.mark_message_failed(missing, "x", true).await
    ));
}

pub async fn summaries_join_context_filter_and_order(store: &dyn Store) {
    store
        .upsert_connection(new_connection(BIG_ID, "LOJA_BIG"))
        .await
        .unwrap();
    store
        .upsert_contact(&Contact {
            nickname: Some("COMPRADOR".to_string()),
            ..Contact::new(org(), SellerId(BIG_ID), MeliUserId(BIG_ID))
        })
        .await
        .unwrap();
    store
        .upsert_listing(&Listing {
            item_id: ItemId("MLB123".to_string()),
            seller_id: SellerId(BIG_ID),
            site_id: "MLB".to_string(),
            title: "Cadeira gamer".to_string(),
            price: Decimal::from_str("199.90").unwrap(),
            currency_id: "BRL".to_string(),
            thumbnail: Some("https://example.com/t.jpg".to_string()),
            permalink: None,
            status: None,
        })
        .await
        .unwrap();

    let older = store
        .upsert_conversation(upsert(BIG_ID, "q-1", at(0)))
        .await
        .unwrap();
    let newer = store
        .upsert_conversation(upsert(BIG_ID, "q-2", at(50)))
        .await
        .unwrap();
    let mut bare = upsert(7, "q-3", at(25));
    bare.item_id = None;
    bare.category = Category::Claim;
    bare.status = ConversationStatus::Waiting;
    let bare = store.upsert_conversation(bare).await.unwrap();

    store
        .add_message(inbound(older.id, "m-1", "primera", at(0)))
        .await
        .unwrap();
    store
        .add_message(inbound(older.id, "m-2", "última", at(9)))
        .await
        .unwrap();
    store
        .add_message(inbound(older.id, "m-0", "antigua", at(-9)))
        .await
        .unwrap();

    let all = store
        .org_conversations(org(), &ConversationFilter::default())
        .await
        .unwrap();
    let order: Vec<ConversationId> = all.iter().map(|s| s.conversation.id).collect();
    assert_eq!(order, [newer.id, bare.id, older.id], "newest inbound first");

    let o = all.iter().find(|s| s.conversation.id == older.id).unwrap();
    assert_eq!(
        o.conversation,
        store.conversation(older.id).await.unwrap().unwrap()
    );
    assert_eq!(o.store_nickname.as_deref(), Some("LOJA_BIG"));
    assert_eq!(o.buyer_nickname.as_deref(), Some("COMPRADOR"));
    assert_eq!(o.item_title.as_deref(), Some("Cadeira gamer"));
    assert_eq!(
        o.item_thumbnail.as_deref(),
        Some("https://example.com/t.jpg")
    );
    assert_eq!(
        o.last_text.as_deref(),
        Some("última"),
        "the newest message's text"
    );

    let b = all.iter().find(|s| s.conversation.id == bare.id).unwrap();
    assert_eq!(
        (
            &b.store_nickname,
            &b.buyer_nickname,
            &b.item_title,
            &b.item_thumbnail,
            &b.last_text
        ),
        (&None, &None, &None, &None, &None),
        "unknown context is absent, not an error"
    );

    let ids =
        |v: Vec<ConversationSummary>| v.into_iter().map(|s| s.conversation.id).collect::<Vec<_>>();
    let by_seller = ConversationFilter {
        seller_id: Some(SellerId(BIG_ID)),
        ..Default::default()
    };
    assert_eq!(
        ids(store.org_conversations(org(), &by_seller).await.unwrap()),
        [newer.id, older.id]
    );
    let by_category = ConversationFilter {
        category: Some(Category::Claim),
        ..Default::default()
    };
    assert_eq!(
        ids(store.org_conversations(org(), &by_category).await.unwrap()),
        [bare.id]
    );
    let by_status = ConversationFilter {
        status: Some(ConversationStatus::Open),
        ..Default::default()
    };
    assert_eq!(
        ids(store.org_conversations(org(), &by_status).await.unwrap()),
        [newer.id, older.id]
    );
    let limited = ConversationFilter {
        limit: Some(1),
        ..Default::default()
    };
    assert_eq!(
        ids(store.org_conversations(org(), &limited).await.unwrap()),
        [newer.id]
    );
    let nothing = ConversationFilter {
        seller_id: Some(SellerId(7)),
        category: Some(Category::PreSaleQuestion),
        ..Default::default()
    };
    assert!(
        store
            .org_conversations(org(), &nothing)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn summaries_default_limit_is_100(store: &dyn Store) {
    for i in 0..105 {
        store
            .upsert_conversation(upsert(1, &format!("q-{i}"), at(i)))
            .await
            .unwrap();
    }
    let page = store
        .org_conversations(org(), &ConversationFilter::default())
        .await
        .unwrap();
    assert_eq!(page.len(), 100);
    assert_eq!(page[0].conversation.meli_ref, "q-104");
}

// ---- organizations ----

pub async fn organizations_have_unique_names_and_people_need_one(store: &dyn Store) {
    let acme = store.create_org(" Acme ").await.unwrap();
    assert_eq!(acme.name, "Acme");
    assert!(
        is_conflict(&store.create_org("ACME").await),
        "names ignore case"
    );
    assert_eq!(store.org(acme.id).await.unwrap(), Some(acme.clone()));
    assert_eq!(store.org_by_name("acme").await.unwrap(), Some(acme.clone()));
    assert!(store.org(other_org()).await.unwrap().is_none());

    let orphan = store
        .create_person(new_person(other_org(), "x@example.com"))
        .await;
    assert!(is_not_found(&orphan), "an unknown organization: {orphan:?}");

    let ana = store
        .create_person(new_person(acme.id, "ana@example.com"))
        .await
        .unwrap();
    assert_eq!(ana.org_id, acme.id);
    assert_eq!(ana.language, None);
    let globex = store.create_org("Globex").await.unwrap();
    store
        .create_person(new_person(globex.id, "bob@example.com"))
        .await
        .unwrap();
    let people = store.org_people(acme.id).await.unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].id, ana.id);

    store
        .set_person_language(acme.id, ana.id, Some("pt"))
        .await
        .unwrap();
    assert_eq!(
        store
            .person(ana.id)
            .await
            .unwrap()
            .unwrap()
            .language
            .as_deref(),
        Some("pt")
    );
    let foreign = store
        .set_person_language(globex.id, ana.id, Some("en"))
        .await;
    assert!(
        is_not_found(&foreign),
        "another organization's person: {foreign:?}"
    );
}

pub async fn nothing_of_one_organization_is_visible_to_another(store: &dyn Store) {
    store
        .upsert_connection(new_connection(1, "LOJA_A"))
        .await
        .unwrap();
    let mut theirs = new_connection(2, "TIENDA_B");
    theirs.org_id = other_org();
    store.upsert_connection(theirs).await.unwrap();

    // A store belongs to one organization for good.
    let mut steal = new_connection(1, "LOJA_A");
    steal.org_id = other_org();
    let stolen = store.upsert_connection(steal).await;
    assert!(
        matches!(&stolen, Err(StoreError::Conflict(c)) if c == "store_in_other_org"),
        "{stolen:?}"
    );
    assert_eq!(
        store.connection(SellerId(1)).await.unwrap().unwrap().org_id,
        org()
    );

    let mine: Vec<_> = store.org_connections(org()).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].seller_id, SellerId(1));
    assert!(
        store
            .org_connection(org(), SellerId(2))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .org_connection(other_org(), SellerId(2))
            .await
            .unwrap()
            .is_some()
    );
    assert!(is_not_found(
        &store.disconnect(org(), SellerId(2), "by Ana").await
    ));
    assert_eq!(
        store.connection(SellerId(2)).await.unwrap().unwrap().health,
        ConnectionHealth::Connected,
        "a refused disconnect changes nothing"
    );

    let a = store
        .upsert_conversation(upsert(1, "q-a", at(0)))
        .await
        .unwrap();
    let mut other = upsert(2, "q-b", at(1));
    other.org_id = other_org();
    let b = store.upsert_conversation(other).await.unwrap();
    let listed = store
        .org_conversations(org(), &ConversationFilter::default())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "a non-empty list that holds only our own");
    assert_eq!(listed[0].conversation.id, a.id);
    let filtered = store
        .org_conversations(
            org(),
            &ConversationFilter {
                seller_id: Some(SellerId(2)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        filtered.is_empty(),
        "filtering by their store finds nothing"
    );
    assert!(store.org_conversation(org(), b.id).await.unwrap().is_none());
    assert_eq!(
        store
            .org_conversation(other_org(), b.id)
            .await
            .unwrap()
            .map(|c| c.id),
        Some(b.id)
    );

    let reply = store
        .queue_locked_reply(
            org(),
            b.id,
            answer(b.id, "answer:b", at(2)),
            job("meli.post_answer", Some("answer:b"), at(2)),
        )
        .await;
    assert!(is_not_found(&reply), "answering theirs: {reply:?}");
    assert!(
        !store
            .conversation(b.id)
            .await
            .unwrap()
            .unwrap()
            .reply_locked,
        "their reply box stays open"
    );
    assert!(store.messages(b.id).await.unwrap().is_empty());

    let mut theirs = notification("n-b");
    theirs.org_id = Some(other_org());
    let mut their_job = job("k", Some("b"), at(0));
    their_job.org_id = Some(other_org());
    store
        .record_notification(theirs, Some(their_job))
        .await
        .unwrap();
    store
        .record_notification(notification("n-a"), Some(job("k", Some("a"), at(0))))
        .await
        .unwrap();
    let mut unknown = notification("n-unknown");
    unknown.org_id = None;
    store.record_notification(unknown, None).await.unwrap();
    let ours = store.recent_notifications(org(), 10).await.unwrap();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].dedup_key, "n-a");
    assert_eq!(store.org_job_counts(org()).await.unwrap().queued, 1);
    assert_eq!(store.org_jobs(org(), 10).await.unwrap().len(), 1);
    assert_eq!(store.org_jobs(other_org(), 10).await.unwrap().len(), 1);
    assert_eq!(store.job_counts().await.unwrap().queued, 2);
}

pub async fn a_notifications_state_follows_its_job(store: &dyn Store) {
    let outcome = store
        .record_notification(notification("n-1"), Some(job("k", Some("q:1"), at(0))))
        .await
        .unwrap();
    let RecordOutcome::Recorded {
        job_id: Some(job_id),
        ..
    } = outcome
    else {
        panic!("expected a job: {outcome:?}");
    };
    // A second notification about the same thing is tied to the queued twin.
    store
        .record_notification(notification("n-2"), Some(job("k", Some("q:1"), at(0))))
        .await
        .unwrap();
    let state_of = |key: &'static str| async move {
        store
            .recent_notifications(org(), 10)
            .await
            .unwrap()
            .into_iter()
            .find(|n| n.dedup_key == key)
            .unwrap()
    };
    let first = state_of("n-1").await;
    assert_eq!(first.state, NotificationState::Queued);
    assert_eq!(first.job_id, Some(job_id));
    assert_eq!(state_of("n-2").await.job_id, Some(job_id));

    let claimed = store.claim_job(at(1), at(60)).await.unwrap().unwrap();
    assert_eq!(claimed.id, job_id);
    assert_eq!(state_of("n-1").await.state, NotificationState::Processing);
    store.complete_job(&claimed).await.unwrap();
    assert_eq!(state_of("n-1").await.state, NotificationState::Processed);
    assert_eq!(state_of("n-2").await.state, NotificationState::Processed);

    store
        .record_notification(notification("n-3"), Some(job("k", Some("q:3"), at(0))))
        .await
        .unwrap();
    let doomed = store.claim_job(at(2), at(60)).await.unwrap().unwrap();
    store
        .bury_job(&doomed, "404 from Mercado Libre")
        .await
        .unwrap();
    assert_eq!(state_of("n-3").await.state, NotificationState::Failed);

    let mut ignored = notification("n-4");
    ignored.state = NotificationState::Ignored;
    ignored.ignore_reason = Some("unknown seller".into());
    store.record_notification(ignored, None).await.unwrap();
    let ignored = state_of("n-4").await;
    assert_eq!(ignored.state, NotificationState::Ignored);
    assert_eq!(ignored.ignore_reason.as_deref(), Some("unknown seller"));
}

// ---- every interaction kind ----

fn order(id: i64, pack: Option<i64>) -> Order {
    Order {
        order_id: OrderId(id),
        org_id: org(),
        seller_id: SellerId(1),
        pack_id: pack.map(PackId),
        status: "paid".to_string(),
        status_detail: None,
        date_created: at(0),
        date_closed: Some(at(5)),
        last_updated: at(5),
        total_amount: Decimal::from_str("12345678.90").unwrap(),
        paid_amount: Decimal::from_str("12345678.90").unwrap(),
        refunded_amount: Decimal::ZERO,
        currency_id: "ARS".to_string(),
        buyer_id: MeliUserId(BIG_ID),
        shipment_id: Some(BIG_ID),
        shipping_status: Some("shipped".to_string()),
        items: vec![OrderItem {
            item_id: Some(ItemId("MLA1".to_string())),
            title: "Zapatilla".to_string(),
            quantity: 2,
            unit_price: Decimal::from_str("6172839.45").unwrap(),
            currency_id: "ARS".to_string(),
        }],
    }
}

pub async fn orders_and_claims_round_trip_within_their_organization(store: &dyn Store) {
    let first = order(BIG_ID, Some(77));
    store.upsert_order(&first).await.unwrap();
    store
        .upsert_order(&order(BIG_ID - 1, Some(77)))
        .await
        .unwrap();
    assert_eq!(
        store.order(OrderId(BIG_ID)).await.unwrap(),
        Some(first.clone())
    );
    let mut cancelled = first.clone();
    cancelled.status = "cancelled".to_string();
    store.upsert_order(&cancelled).await.unwrap();
    assert_eq!(
        store
            .org_order(org(), OrderId(BIG_ID))
            .await
            .unwrap()
            .unwrap()
            .status,
        "cancelled"
    );
    assert!(
        store
            .org_order(other_org(), OrderId(BIG_ID))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.pack_orders(org(), PackId(77)).await.unwrap().len(), 2);
    assert!(
        store
            .pack_orders(other_org(), PackId(77))
            .await
            .unwrap()
            .is_empty()
    );

    let claim = Claim {
        claim_id: ClaimId(BIG_ID),
        org_id: org(),
        seller_id: SellerId(1),
        order_id: Some(OrderId(BIG_ID)),
        reason_id: Some("PNR3430".to_string()),
        claim_type: Some("mediations".to_string()),
        stage: "claim".to_string(),
        status: "opened".to_string(),
        affects_reputation: None,
        available_actions: vec![ClaimAction {
            action: "send_message_to_complainant".to_string(),
            due_date: Some(at(86_400)),
            mandatory: false,
        }],
        date_created: at(0),
        last_updated: at(1),
    };
    store.upsert_claim(&claim).await.unwrap();
    assert_eq!(
        store.claim(ClaimId(BIG_ID)).await.unwrap(),
        Some(claim.clone())
    );
    let mut dispute = claim.clone();
    dispute.stage = "dispute".to_string();
    dispute.affects_reputation = Some(true);
    store.upsert_claim(&dispute).await.unwrap();
    let mut later = dispute.clone();
    later.affects_reputation = None;
    store.upsert_claim(&later).await.unwrap();
    let stored = store
        .org_claim(org(), ClaimId(BIG_ID))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.stage, "dispute");
    assert_eq!(
        stored.affects_reputation,
        Some(true),
        "a known verdict is kept"
    );
    assert!(
        store
            .org_claim(other_org(), ClaimId(BIG_ID))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn teams_members_and_routes_stay_in_their_organization(store: &dyn Store) {
    let acme = store.create_org("Acme").await.unwrap().id;
    let globex = store.create_org("Globex").await.unwrap().id;
    let ana = store
        .create_person(new_person(acme, "ana@acme.test"))
        .await
        .unwrap();
    let bob = store
        .create_person(new_person(globex, "bob@globex.test"))
        .await
        .unwrap();
    let sales = store
        .create_team(acme, TeamKind::Group, "Ventas")
        .await
        .unwrap();
    let desk = store
        .create_team(acme, TeamKind::Department, "Soporte")
        .await
        .unwrap();
    assert!(is_conflict(
        &store.create_team(acme, TeamKind::Group, " ventas ").await
    ));
    store
        .create_team(globex, TeamKind::Group, "Ventas")
        .await
        .unwrap();

    let with_ana = store
        .set_team_members(acme, sales.id, &[ana.id, ana.id])
        .await
        .unwrap();
    assert_eq!(with_ana.members, vec![ana.id]);
    assert!(is_not_found(
        &store.set_team_members(acme, sales.id, &[bob.id]).await
    ));
    let sales_now = store.org_teams(acme).await.unwrap();
    let sales_now = sales_now.iter().find(|t| t.id == sales.id).unwrap();
    assert_eq!(
        sales_now.members,
        vec![ana.id],
        "a refused change changes nothing"
    );
    assert!(is_not_found(
        &store.set_team_members(globex, sales.id, &[bob.id]).await
    ));
    let teams = store.org_teams(acme).await.unwrap();
    assert_eq!(teams.len(), 2);
    assert!(
        store
            .org_teams(globex)
            .await
            .unwrap()
            .iter()
            .all(|t| t.id != sales.id)
    );

    let mut shop = new_connection(1, "TIENDA");
    shop.org_id = acme;
    store.upsert_connection(shop).await.unwrap();
    let group = Route::CommercialGroup { team_id: sales.id };
    store
        .set_route(acme, SellerId(1), Category::PreSaleQuestion, group)
        .await
        .unwrap();
    let wrong = store
        .set_route(
            acme,
            SellerId(1),
            Category::Claim,
            Route::SupportDepartment { team_id: sales.id },
        )
        .await;
    assert!(
        matches!(&wrong, Err(StoreError::Conflict(c)) if c == "wrong_team_kind"),
        "{wrong:?}"
    );
    assert!(is_not_found(
        &store
            .set_route(globex, SellerId(1), Category::Claim, Route::FlowBot)
            .await
    ));
    assert!(is_not_found(
        &store
            .set_route(
                acme,
                SellerId(1),
                Category::Claim,
                Route::CommercialAgent { person_id: bob.id },
            )
            .await
    ));
    store
        .set_route(
            acme,
            SellerId(1),
            Category::PostSaleHelp,
            Route::SupportDepartment { team_id: desk.id },
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .route(SellerId(1), Category::PreSaleQuestion)
            .await
            .unwrap(),
        Some(group)
    );
    assert_eq!(
        store.route(SellerId(1), Category::Claim).await.unwrap(),
        None
    );
    assert_eq!(store.org_routes(acme).await.unwrap().len(), 2);
    assert!(store.org_routes(globex).await.unwrap().is_empty());

    assert!(is_not_found(&store.delete_team(globex, desk.id).await));
    store.delete_team(acme, desk.id).await.unwrap();
    assert_eq!(
        store
            .route(SellerId(1), Category::PostSaleHelp)
            .await
            .unwrap(),
        Some(Route::Support),
        "a deleted department's route falls back to the unassigned desk"
    );
}

pub async fn conversations_carry_their_context_route_and_answer_times(store: &dyn Store) {
    let acme = store.create_org("Acme").await.unwrap().id;
    let ana = store
        .create_person(new_person(acme, "ana@acme.test"))
        .await
        .unwrap();
    let sales = store
        .create_team(acme, TeamKind::Group, "Ventas")
        .await
        .unwrap();
    let mut help = upsert(1, "pack-9", at(0));
    help.org_id = acme;
    help.category = Category::PostSaleHelp;
    help.item_id = None;
    help.context = ThreadContext {
        route: Some(Route::CommercialGroup { team_id: sales.id }),
        order_id: Some(OrderId(BIG_ID)),
        pack_id: Some(PackId(9)),
        claim_id: None,
        buyer_started: true,
        blocked_reason: None,
    };
    let conv = store.upsert_conversation(help.clone()).await.unwrap();
    assert_eq!(conv.module, Module::Commercial);
    assert_eq!(conv.assigned_team_id, Some(sales.id));
    assert_eq!(conv.pack_id, Some(PackId(9)));
    assert!(conv.buyer_started);
    assert_eq!(conv.first_inbound_at, Some(at(0)));

    // People move it; a later sighting never undoes that, nor the buyer's start.
    let moved = store
        .assign(acme, conv.id, Module::Support, None, Some(ana.id))
        .await
        .unwrap();
    assert_eq!(
        (moved.module, moved.assigned_person_id),
        (Module::Support, Some(ana.id))
    );
    assert!(is_not_found(
        &store
            .assign(other_org(), conv.id, Module::Bot, None, None)
            .await
    ));
    let mut later = help.clone();
    later.last_inbound_at = at(60);
    later.context = ThreadContext {
        route: Some(Route::FlowBot),
        blocked_reason: Some("blocked_by_time".to_string()),
        ..ThreadContext::default()
    };
    let seen = store.upsert_conversation(later).await.unwrap();
    assert_eq!(seen.module, Module::Support);
    assert_eq!(seen.assigned_person_id, Some(ana.id));
    assert!(seen.buyer_started);
    assert_eq!(seen.pack_id, Some(PackId(9)), "known context survives");
    assert_eq!(seen.blocked_reason.as_deref(), Some("blocked_by_time"));
    assert_eq!(seen.first_inbound_at, Some(at(0)));

    let filter = |module, assignee, waiting| ConversationFilter {
        module,
        assignee,
        waiting_since_before: waiting,
        ..Default::default()
    };
    let count = |f: ConversationFilter| async move {
        store.org_conversations(acme, &f).await.unwrap().len()
    };
    assert_eq!(count(filter(Some(Module::Support), None, None)).await, 1);
    assert_eq!(count(filter(Some(Module::Commercial), None, None)).await, 0);
    assert_eq!(
        count(filter(None, Some(Assignee::Person(ana.id)), None)).await,
        1
    );
    assert_eq!(count(filter(None, Some(Assignee::Nobody), None)).await, 0);
    assert_eq!(count(filter(None, None, Some(at(60)))).await, 1);
    assert_eq!(count(filter(None, None, Some(at(59)))).await, 0);

    store
        .set_org_conversation_status(acme, conv.id, ConversationStatus::Waiting)
        .await
        .unwrap();
    assert!(is_not_found(
        &store
            .set_org_conversation_status(other_org(), conv.id, ConversationStatus::Resolved)
            .await
    ));
    assert_eq!(
        store.conversation(conv.id).await.unwrap().unwrap().status,
        ConversationStatus::Waiting
    );

    // A reply that does not lock; its first delivery is the first response.
    let mut reply = answer(conv.id, "reply:1", at(90));
    reply.author_person_id = Some(ana.id);
    reply.extra.receiver_role = Some("buyer".to_string());
    let (queued, _) = store
        .queue_reply(
            acme,
            conv.id,
            reply.clone(),
            job("meli.send_message", None, at(90)),
        )
        .await
        .unwrap();
    assert!(is_not_found(
        &store
            .queue_reply(
                other_org(),
                conv.id,
                answer(conv.id, "x", at(91)),
                job("k", None, at(91))
            )
            .await
    ));
    assert!(
        !store
            .conversation(conv.id)
            .await
            .unwrap()
            .unwrap()
            .reply_locked
    );
    assert!(store.answer_samples(acme).await.unwrap().is_empty());
    store.mark_message_sent(queued.id, at(120)).await.unwrap();
    store
        .set_message_moderation(queued.id, Some("rejected"), Some("PERSONAL_DATA"))
        .await
        .unwrap();
    let sent = store.message(queued.id).await.unwrap().unwrap();
    assert_eq!(sent.moderation_reason.as_deref(), Some("PERSONAL_DATA"));
    assert_eq!(sent.receiver_role.as_deref(), Some("buyer"));
    let samples = store.answer_samples(acme).await.unwrap();
    assert_eq!(samples.len(), 1);
    assert_eq!((samples[0].secs, samples[0].responder), (120, Some(ana.id)));
    // A second answer does not move the first response.
    let (second, _) = store
        .queue_reply(
            acme,
            conv.id,
            answer(conv.id, "reply:2", at(200)),
            job("k", None, at(200)),
        )
        .await
        .unwrap();
    store.mark_message_sent(second.id, at(300)).await.unwrap();
    assert_eq!(store.answer_samples(acme).await.unwrap()[0].secs, 120);
    assert!(store.answer_samples(other_org()).await.unwrap().is_empty());
}

pub async fn purging_keeps_live_work_and_final_states(store: &dyn Store) {
    // Done: notification n-1 with its job, completed.
    store
        .record_notification(notification("n-1"), Some(job("k", Some("q:1"), at(0))))
        .await
        .unwrap();
    let done = store.claim_job(at(1), at(60)).await.unwrap().unwrap();
    store.complete_job(&done).await.unwrap();
    // Still queued: n-2 and its job; running: another job.
    store
        .record_notification(notification("n-2"), Some(job("k", Some("q:2"), at(0))))
        .await
        .unwrap();
    store.enqueue(job("k", Some("q:3"), at(0))).await.unwrap();
    let running = store.claim_job(at(1), at(60)).await.unwrap().unwrap();
    assert_ne!(running.id, done.id);

    let ana = store
        .create_person(new_person(people_org(store).await, "ana@example.com"))
        .await
        .unwrap();
    store.create_session("old", ana.id, at(10)).await.unwrap();
    store
        .create_session("live", ana.id, at(1000))
        .await
        .unwrap();
    let state = |name: &str, expires| OAuthState {
        org_id: ana.org_id,
        state: name.to_string(),
        pkce_verifier: "v".to_string(),
        site_id: "MLA".to_string(),
        created_by: Some(ana.id),
        expires_at: expires,
    };
    store.put_oauth_state(&state("old", at(10))).await.unwrap();
    store
        .put_oauth_state(&state("live", at(1000)))
        .await
        .unwrap();

    // Jobs finished before tomorrow go; notifications are kept (received after the cutoff).
    let tomorrow = Utc::now() + Duration::days(1);
    let first = store.purge(tomorrow, at(-1), at(100)).await.unwrap();
    assert_eq!(
        (
            first.jobs,
            first.notifications,
            first.sessions,
            first.oauth_states
        ),
        (1, 0, 1, 1)
    );
    assert!(store.job(done.id).await.unwrap().is_none());
    assert_eq!(
        store.job(running.id).await.unwrap().unwrap().state,
        JobState::Running
    );
    assert_eq!(
        store.job_counts().await.unwrap().queued,
        1,
        "queued work stays"
    );
    let states: Vec<_> = store
        .recent_notifications(org(), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.dedup_key, n.state))
        .collect();
    assert!(
        states.contains(&("n-1".to_string(), NotificationState::Processed)),
        "the final state survives its job: {states:?}"
    );
    assert!(
        store
            .session_person("live", at(100))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .take_oauth_state("live", at(100))
            .await
            .unwrap()
            .is_some()
    );

    // Now old notifications go too, but never one whose work is still queued.
    let second = store.purge(tomorrow, at(1), at(100)).await.unwrap();
    assert_eq!(second.notifications, 1);
    let left: Vec<_> = store
        .recent_notifications(org(), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.dedup_key)
        .collect();
    assert_eq!(left, vec!["n-2".to_string()]);
}

/// Generates one `#[tokio::test]` per conformance case.
///
/// - `conformance_tests!(make)`: `make` is a future yielding a fresh store, awaited per test.
/// - `conformance_tests!(maybe: make, finish: f)`: `make` yields `Option<store>`; `None` ends the
///   test early (the caller decided to skip, and said so). After a passing case the store is
///   handed to the async closure or fn `f` (e.g. to drop a per-test schema).
///
/// The calling crate needs `tokio` (with `macros` and `rt-multi-thread`) as a dev-dependency.
#[macro_export]
macro_rules! conformance_tests {
    (maybe: $make:expr, finish: $finish:expr $(,)?) => {
        // Every case; a case missing here is a case no backend runs.
        $crate::__conformance_test_fns!($make, $finish;
            ping_and_backend_name,
            people_email_is_unique_case_insensitively,
            sessions_expire_and_can_be_deleted,
            connection_upsert_tokens_and_health,
            refresh_lock_is_exclusive_and_expires,
            refresh_lock_concurrent_takers_get_one_winner,
            oauth_state_is_single_use_and_expires,
            notification_dedup_counts_deliveries_and_enqueues_once,
            notification_for_a_running_jobs_key_enqueues_a_new_job,
            notification_for_a_queued_jobs_key_still_enqueues_nothing,
            ignored_notifications_are_kept_newest_first,
            job_dedup_only_while_queued,
            claim_takes_due_jobs_oldest_first_with_a_lease,
            expired_lease_is_reclaimed_with_another_attempt,
            retry_bury_and_counts,
            retry_job_merges_into_a_queued_duplicate,
            postpone_job_never_counts_the_attempt,
            postpone_job_merges_into_a_queued_duplicate,
            claim_prefers_expired_leases_then_oldest_due,
            stale_claims_lose_the_lease,
            a_stale_outcome_racing_a_reclaim_never_both_win,
            concurrent_claimers_never_share_a_job,
            listing_decimals_and_big_ids_round_trip_exactly,
            contact_upsert_keeps_known_nickname,
            conversation_upsert_is_idempotent_and_lock_monotonic,
            add_message_dedups_by_meli_ref,
            queue_locked_reply_locks_once,
            concurrent_locked_replies_have_one_winner,
            mark_sent_and_failed_with_unlock,
            summaries_join_context_filter_and_order,
            summaries_default_limit_is_100,
            organizations_have_unique_names_and_people_need_one,
            nothing_of_one_organization_is_visible_to_another,
            a_notifications_state_follows_its_job,
            orders_and_claims_round_trip_within_their_organization,
            teams_members_and_routes_stay_in_their_organization,
            conversations_carry_their_context_route_and_answer_times,
            purging_keeps_live_work_and_final_states,
        );
    };
    ($make:expr $(,)?) => {
        $crate::conformance_tests!(
            maybe: async { ::core::option::Option::Some($make.await) },
            finish: |_store| async {}
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_test_fns {
    ($make:expr, $finish:expr; $($case:ident),* $(,)?) => {$(
        // Multi-threaded so the concurrency cases really overlap on backends with a pool.
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $case() {
            let ::core::option::Option::Some(store) = $make.await else {
                return;
            };
            $crate::conformance::$case(&store).await;
            ($finish)(store).await;
        }
    )*};
}
