//! ocean-sim's integration tests: the simulator against stub POSes and a minimal SMART server,
//! all on loopback, each run bounded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod browser;
mod pos_stub;
mod report;
mod serve;
mod smart;
mod smart_server;
mod verdicts;
