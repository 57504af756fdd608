//! End-to-end tests: the real server, worker and store (SQLite, or PostgreSQL when
//! `MOSTRADOR_TEST_DB=postgres` with `MOSTRADOR_TEST_PG_URL`) against the Mercado Libre simulator.
//! One test binary, one `TestApp` per test, each with its own database. The browser test needs
//! chromium and chromedriver; it skips only with `MOSTRADOR_SKIP_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser;
mod browser_desk;
mod contacts;
mod desk;
mod helpers;
mod inbox;
mod ingest;
mod instances;
mod interactions;
mod isolation;
mod languages;
mod monitor;
mod orders;
mod reconcile;
mod slice;
mod telemetry;
mod wakeups;
