//! Integration tests for ocean-messages' message events (one binary, modules per concern).
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod build;
mod common;
mod fixtures;
mod fuzz_regressions;
mod hostile;
mod malformed;
mod props;
mod receive_view;
mod referral_events;
mod views;
