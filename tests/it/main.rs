//! Integration tests of the facade package: its examples, run as a vendor runs them.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod examples;
