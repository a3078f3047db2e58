//! Integration tests for ocean-keywords: per-rule tests, fixture snapshots, property tests,
//! patient-data sentinels, the JSON schema file, streaming and fuzz regressions.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fixtures;
mod proptests;
mod reader;
mod regressions;
mod rules;
mod schema;
mod sentinel;
mod skipping;
mod support;
