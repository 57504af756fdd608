//! End-to-end tests: the real server, worker and store (SQLite, or PostgreSQL when
//! `MOSTRADOR_TEST_DB=postgres`) against the Mercado Libre simulator. One test binary, one
//! `TestApp` per test, each with its own database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser;
mod helpers;
mod inbox;
mod ingest;
mod languages;
mod reconcile;
mod slice;
