//! Fault tests (issue 7 §6): the built `mostrador` binary as real processes (`serve`, `worker`),
//! the Mercado Libre simulator in this process with its fault injection, and only public
//! surfaces in between (CLI, HTTP API, webhook, the simulator's control API and call log). Each
//! test prints its figures (`cargo test -- --nocapture` shows them) and is bounded in time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod crash;
mod dropped;
mod flaky;
mod harness;
mod refresh;
mod scale_out;
