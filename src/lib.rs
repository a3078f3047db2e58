#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

/// FHIR R4 model for the Ontario eReferral IG (`ocean-model`).
pub use ocean_model as model;

/// Message events to and from Ocean (`ocean-messages`).
pub use ocean_messages as messages;

/// Auto-match of a received referral's patient to the POS's charts (`ocean-match`).
pub use ocean_match as patient;

/// Task status ↔ Ocean folders (`ocean-status`).
pub use ocean_status as status;

/// `$everything` → Ocean keywords (`ocean-keywords`).
pub use ocean_keywords as keywords;

/// SMART on FHIR contextual launch into Ocean (`ocean-smart`).
pub use ocean_smart as smart;

/// The webhook service and outbound client around a durable inbox and outbox
/// (`ocean-gateway`, feature `gateway`).
#[cfg(feature = "gateway")]
pub use ocean_gateway as gateway;

/// The `time` crate the builders' signatures use (`time::OffsetDateTime` in bookings and
/// clocks), re-exported so a vendor names the same version.
pub use time;

/// The `serde_json` crate the views and reports use (`serde_json::Value`), re-exported so a
/// vendor names the same version.
pub use serde_json;
