//! The integration tests of `ocean-gateway`: one binary, one module per concern, over real HTTP
//! on loopback.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod attachments;
mod client;
mod fake_ocean;
mod retry;
