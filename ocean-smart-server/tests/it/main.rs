//! Integration tests over real HTTP on loopback: Ocean's SMART client against the server.
// Helpers outside #[test] functions unwrap too; these are tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

mod discovery;
mod everything;
mod flow;
mod logs;
mod refusals;
