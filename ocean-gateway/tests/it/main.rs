//! Integration tests of ocean-gateway: real HTTP on loopback, real SQLite files in temporary
//! directories, no mocks of the store.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod attachments;
mod client;
mod config;
mod crash;
mod fake_ocean;
mod handoff;
#[cfg(feature = "postgres")]
mod instances;
mod outbox;
mod retry;
mod sentinel;
mod support;
mod transport;
mod webhook;
