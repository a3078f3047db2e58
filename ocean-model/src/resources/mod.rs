//! The FHIR resources used by the eReferral messages and by `Patient/$everything`.

mod admin;
mod clinical;
mod messaging;
mod workflow;

pub use admin::*;
pub use clinical::*;
pub use messaging::*;
pub use workflow::*;
