//! Integration tests for ocean-model (one binary, modules per concern).
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bundle_rules;
mod common;
mod direct;
mod index;
mod lenient;
mod proptests;
mod roundtrip;
mod sentinel;
mod tools;
mod vocabulary;
