#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

/// FHIR R4 model for the Ontario eReferral IG (`ocean-model`).
pub use ocean_model as model;

/// Message events to and from Ocean (`ocean-messages`).
pub use ocean_messages as messages;

/// Task status ↔ Ocean folders (`ocean-status`).
pub use ocean_status as status;

/// `$everything` → Ocean keywords (`ocean-keywords`).
pub use ocean_keywords as keywords;

/// SMART on FHIR contextual launch into Ocean (`ocean-smart`).
pub use ocean_smart as smart;

/// The SMART authorization server and `$everything` endpoint (`ocean-smart-server`, feature
/// `smart-server`).
#[cfg(feature = "smart-server")]
pub use ocean_smart_server as smart_server;
