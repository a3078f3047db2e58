//! Integration tests for ocean-smart.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod discovery_rules;
mod everything_fixtures;
mod query_props;
mod scenarios;
mod scope_props;
mod token_times;
