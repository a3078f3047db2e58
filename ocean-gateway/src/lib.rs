//! `ocean-gateway`: the webhook service Ocean posts to and the outbound client a POS sends
//! with, around a durable inbox and outbox, so that no referral is ever lost.
//!
//! Work in progress (issue 13): the modules below are being filled in.

pub mod attachments;
pub mod client;
pub mod config;
pub mod gateway;
pub mod handoff;
pub mod inbound;
pub mod outbox;
pub mod retry;
pub mod secret;
pub mod site;
pub mod store;
pub mod worker;
