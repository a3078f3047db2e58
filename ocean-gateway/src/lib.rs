//! `ocean-gateway`: the webhook service Ocean posts to and the outbound client a POS sends
//! with, around a durable inbox and outbox, so that no referral is ever lost.
//!
//! Work in progress (issue 13): the modules below are being filled in.

pub mod attachments;
pub mod client;
pub mod retry;
pub mod store;
