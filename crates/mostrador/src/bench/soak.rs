//! `mostrador bench soak`: does storage stay bounded? N notifications, each with its
//! fetch-question job, go through the store's intake (`IntakeStore::record_notifications`, in
//! batches of 512 as the webhook's group commit writes them, several at once); then 99% of the
//! jobs are marked finished (98% done, 1% dead) in one statement, standing in for the worker, which is not what is measured here; then `IntakeStore::purge`
//! runs with a zero retention. Table rows and bytes are read at each stage:
//! - SQLite: the pages of each table and its indexes (`dbstat`), and the file after a WAL
//!   checkpoint. Deleted rows' pages go to the free list, reused by later writes: the file only
//!   shrinks with `VACUUM`, which the purge does not run.
//! - PostgreSQL: `pg_total_relation_size` (table, indexes, TOAST). Deleted rows leave dead tuples
//!   until (auto)vacuum marks their space reusable; a plain `VACUUM` is run and measured too.
//!
//! The purge must leave exactly the unfinished work: otherwise the command fails.

use super::{Backend, BenchDb};
use crate::cli::BenchSoakArgs;
use anyhow::Context;
use chrono::Utc;
use serde_json::{Value, json};
use sqlx::Connection;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use store::{NewNotification, NotificationState, Store};

const TABLES: [&str; 2] = ["notifications", "jobs"];

pub async fn run(args: BenchSoakArgs) -> anyhow::Result<ExitCode> {
    let mut reports = Vec::new();
    for backend in args.backend.list() {
        let db = backend.fresh(&args.pg_url).await?;
        let outcome = soak(&db, backend, &args).await;
        db.discard().await;
        reports.push(outcome?);
    }
    let passed = reports.iter().all(|r| r.passed());
    if args.json {
        let mut backends = serde_json::Map::new();
        for r in &reports {
            backends.insert(r.backend.name().into(), r.to_json());
        }
        let mut top = match reports.first().map(SoakReport::to_json) {
            Some(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        top.insert("bench".into(), "soak".into());
        top.insert("backends".into(), Value::Object(backends));
        println!("{}", serde_json::to_string_pretty(&Value::Object(top))?);
    } else {
        for r in &reports {
            print!("{}", r.table());
        }
    }
    if passed {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: the purge did not leave exactly the unfinished work");
        Ok(ExitCode::FAILURE)
    }
}

/// Rows and bytes of the measured tables at one stage.
#[derive(Clone, Copy, Default)]
struct Size {
    notifications_rows: i64,
    notifications_bytes: i64,
    jobs_rows: i64,
    jobs_bytes: i64,
    /// SQLite: the database file after a checkpoint, and its free-list share.
    file_bytes: Option<i64>,
    free_bytes: Option<i64>,
}

impl Size {
    fn to_json(self) -> Value {
        json!({
            "notifications": { "rows": self.notifications_rows, "bytes": self.notifications_bytes },
            "jobs": { "rows": self.jobs_rows, "bytes": self.jobs_bytes },
            "file_bytes": self.file_bytes,
            "free_list_bytes": self.free_bytes,
        })
    }
}

struct SoakReport {
    backend: Backend,
    database: String,
    notifications: u64,
    insert_secs: f64,
    finish_secs: f64,
    purge_secs: f64,
    unfinished: i64,
    purged_jobs: u64,
    purged_notifications: u64,
    /// Stage name → sizes, in order.
    stages: Vec<(&'static str, Size)>,
}

impl SoakReport {
    fn passed(&self) -> bool {
        let Some((_, after)) = self.stages.iter().find(|(name, _)| *name == "purged") else {
            return false;
        };
        let finished = self.notifications as i64 - self.unfinished;
        after.notifications_rows == self.unfinished
            && after.jobs_rows == self.unfinished
            && self.purged_jobs as i64 == finished
            && self.purged_notifications as i64 == finished
    }

    fn to_json(&self) -> Value {
        let mut stages = serde_json::Map::new();
        for (name, size) in &self.stages {
            stages.insert((*name).into(), size.to_json());
        }
        json!({
            "backend": self.backend.name(),
            "database": self.database,
            "notifications": self.notifications,
            "insert_seconds": self.insert_secs,
            "insert_per_s": self.notifications as f64 / self.insert_secs.max(1e-9),
            "finish_seconds": self.finish_secs,
            "purge_seconds": self.purge_secs,
            "unfinished": self.unfinished,
            "purged": { "jobs": self.purged_jobs, "notifications": self.purged_notifications },
            "stages": stages,
            "passed": self.passed(),
        })
    }

    fn table(&self) -> String {
        let mut out = String::new();
        let mb = |b: i64| b as f64 / (1024.0 * 1024.0);
        let _ = writeln!(
            out,
            "mostrador bench soak: {} notifications on {} ({})",
            self.notifications,
            self.backend.name(),
            self.database
        );
        let _ = writeln!(
            out,
            "intake {:.1} s ({:.0}/s), marking finished {:.1} s, purge {:.1} s: {} jobs and {} notifications purged, {} unfinished kept",
            self.insert_secs,
            self.notifications as f64 / self.insert_secs.max(1e-9),
            self.finish_secs,
            self.purge_secs,
            self.purged_jobs,
            self.purged_notifications,
            self.unfinished
        );
        let _ = writeln!(
            out,
            "{:<10} {:>14} {:>12} {:>10} {:>10} {:>11} {:>9}",
            "stage", "notifications", "MB", "jobs", "MB", "file MB", "free MB"
        );
        for (name, s) in &self.stages {
            let opt = |v: Option<i64>| v.map(|b| format!("{:.1}", mb(b))).unwrap_or("-".into());
            let _ = writeln!(
                out,
                "{name:<10} {:>14} {:>12.1} {:>10} {:>10.1} {:>11} {:>9}",
                s.notifications_rows,
                mb(s.notifications_bytes),
                s.jobs_rows,
                mb(s.jobs_bytes),
                opt(s.file_bytes),
                opt(s.free_bytes)
            );
        }
        let _ = writeln!(
            out,
            "check: {}",
            if self.passed() {
                "ok (exactly the unfinished work is left)"
            } else {
                "FAILED"
            }
        );
        let _ = writeln!(out);
        out
    }
}

async fn soak(db: &BenchDb, backend: Backend, args: &BenchSoakArgs) -> anyhow::Result<SoakReport> {
    let store = db.store.clone();
    let org = store.create_org("Soak").await?;
    let mut stages = vec![("empty", sizes(db).await?)];

    let started = Instant::now();
    intake(store.clone(), org.id, args.notifications, args.concurrency).await?;
    let insert_secs = started.elapsed().as_secs_f64();
    stages.push(("loaded", sizes(db).await?));

    let started = Instant::now();
    finish_most(db).await?;
    let finish_secs = started.elapsed().as_secs_f64();
    let unfinished = store.job_counts().await?.queued;
    stages.push(("finished", sizes(db).await?));

    let started = Instant::now();
    // A retention of zero: everything finished by now goes.
    let cutoff = Utc::now() + chrono::Duration::minutes(1);
    let purged = store.purge(cutoff, cutoff, Utc::now()).await?;
    let purge_secs = started.elapsed().as_secs_f64();
    stages.push(("purged", sizes(db).await?));
    if backend == Backend::Postgres {
        execute(db, "VACUUM notifications, jobs").await?;
        stages.push(("vacuumed", sizes(db).await?));
    }

    Ok(SoakReport {
        backend,
        database: db.label().to_string(),
        notifications: args.notifications,
        insert_secs,
        finish_secs,
        purge_secs,
        unfinished,
        purged_jobs: purged.jobs,
        purged_notifications: purged.notifications,
        stages,
    })
}

/// `count` notifications for new questions of one seller, each with its fetch job, as the
/// webhook records them, from `concurrency` tasks at once.
async fn intake(
    store: Arc<dyn Store>,
    org: domain::OrgId,
    count: u64,
    concurrency: u32,
) -> anyhow::Result<()> {
    let next = Arc::new(AtomicU64::new(0));
    let progress = (count / 10).max(1);
    let loud = count >= 100_000;
    let seller = domain::SellerId(1_000_001);
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (store, next) = (store.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let first = next.fetch_add(BATCH, Ordering::Relaxed);
                    if first >= count {
                        return anyhow::Ok(());
                    }
                    let last = (first + BATCH).min(count);
                    let batch: Vec<_> = (first..last)
                        .map(|i| soak_notification(org, seller, i))
                        .collect();
                    store.record_notifications(&batch).await?;
                    if loud && first / progress != last / progress {
                        eprintln!("soak: {last} of {count} notifications recorded");
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.context("an intake task failed")??;
    }
    Ok(())
}

/// What the webhook's group commit takes at most per transaction: the soak records the way
/// intake does.
const BATCH: u64 = 512;

fn soak_notification(
    org: domain::OrgId,
    seller: domain::SellerId,
    i: u64,
) -> (NewNotification, Option<store::NewJob>) {
    let question = 5_000_000_000 + i as i64;
    let now = Utc::now();
    let raw = json!({
        "_id": format!("soak-{i:012}"),
        "resource": format!("/questions/{question}"),
        "user_id": seller.0,
        "topic": "questions",
        "application_id": 2_069_392_825_111_111_i64,
        "attempts": 1,
        "sent": now,
        "received": now,
    });
    let n = NewNotification {
        org_id: Some(org),
        dedup_key: format!("id:soak-{i:012}"),
        topic: "questions".into(),
        resource: format!("/questions/{question}"),
        user_id: seller.0,
        application_id: Some(2_069_392_825_111_111),
        raw,
        state: NotificationState::Queued,
        ignore_reason: None,
        received_at: now,
    };
    let job = app::jobs::fetch_question_job(org, seller, domain::QuestionId(question), now);
    (n, Some(job))
}

/// Stands in for the worker: every job but one in a hundred finishes (one in a hundred dead).
async fn finish_most(db: &BenchDb) -> anyhow::Result<()> {
    execute(
        db,
        "UPDATE jobs SET state = CASE WHEN id % 100 = 1 THEN 'dead' ELSE 'done' END
         WHERE id % 100 <> 0",
    )
    .await
}

async fn execute(db: &BenchDb, sql: &'static str) -> anyhow::Result<()> {
    match db.sqlite_path() {
        Some(path) => {
            let mut conn = sqlite(&path).await?;
            sqlx::query(sql).execute(&mut conn).await?;
            conn.close().await?;
        }
        None => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await?;
            sqlx::query(sql).execute(&mut conn).await?;
            conn.close().await?;
        }
    }
    Ok(())
}

async fn sqlite(path: &std::path::Path) -> anyhow::Result<sqlx::SqliteConnection> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(std::time::Duration::from_secs(60));
    Ok(sqlx::SqliteConnection::connect_with(&options).await?)
}

async fn sizes(db: &BenchDb) -> anyhow::Result<Size> {
    let mut size = Size::default();
    match db.sqlite_path() {
        Some(path) => {
            let mut conn = sqlite(&path).await?;
            for table in TABLES {
                let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM {table}"
                )))
                .fetch_one(&mut conn)
                .await?;
                // The table's pages and its indexes' (each index names its table in tbl_name).
                let bytes: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat
                     WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = ?1)",
                )
                .bind(table)
                .fetch_one(&mut conn)
                .await
                .context("reading dbstat")?;
                size.set(table, rows, bytes);
            }
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut conn)
                .await?;
            let page: i64 = sqlx::query_scalar("PRAGMA page_size")
                .fetch_one(&mut conn)
                .await?;
            let free: i64 = sqlx::query_scalar("PRAGMA freelist_count")
                .fetch_one(&mut conn)
                .await?;
            conn.close().await?;
            size.free_bytes = Some(free * page);
            size.file_bytes = Some(i64::try_from(std::fs::metadata(&path)?.len())?);
        }
        None => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await?;
            for table in TABLES {
                let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM {table}"
                )))
                .fetch_one(&mut conn)
                .await?;
                let bytes: i64 = sqlx::query_scalar("SELECT pg_total_relation_size($1::regclass)")
                    .bind(table)
                    .fetch_one(&mut conn)
                    .await?;
                size.set(table, rows, bytes);
            }
            conn.close().await?;
        }
    }
    Ok(size)
}

impl Size {
    fn set(&mut self, table: &str, rows: i64, bytes: i64) {
        if table == "jobs" {
            (self.jobs_rows, self.jobs_bytes) = (rows, bytes);
        } else {
            (self.notifications_rows, self.notifications_bytes) = (rows, bytes);
        }
    }
}
