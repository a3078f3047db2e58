//! The streaming reader: one pass over the JSON with serde visitors, no typed model and no
//! `serde_json::Value` for what is not read.
//!
//! * The Bundle is walked entry by entry; each entry's resource is dispatched on `resourceType`
//!   (read without allocation when it is the first member, as every FHIR server writes it; when it
//!   is not, the members are buffered as raw JSON and replayed).
//! * Resource types Ocean does not read are skipped by a scanner (`skip`): the same syntax check
//!   as serde_json's `IgnoredAny`, nothing kept, without a serde walk. `fast` finds the entries and
//!   their members with it and hands every other resource, as its own slice, to the visitors;
//!   when it gives up (malformed input), the serde walk over the whole page reports the error.
//! * Observations, the bulk of a long chart, are read field by field into
//!   [`crate::record::ObsRecord`], which borrows strings from the input when it can and keeps only
//!   the members the rules use. One seed reads a member for both walks: `fast` finds the members
//!   with the scanner (and skips the unread ones with it), the serde walk with `MapAccess`.
//! * The other types Ocean reads (Patient, AllergyIntolerance, Condition, Immunization,
//!   MedicationStatement, Medication, DocumentReference) are few; their members are captured as raw
//!   JSON and parsed with `ocean_model`, so an invalid one is reported and skipped without
//!   stopping the rest.
//!
//! The visitors are lenient: a member with an unexpected JSON type is treated as absent. Only
//! invalid JSON stops the pass.
//!
//! Each resource read becomes a [`crate::record::Parsed`] record handed to a
//! [`crate::sink::Sink`] (the engine; an Observation read by `fast` is lent to it instead, its
//! record built in place); the reader never calls into the rules.
//!
//! * `lenient`: the lenient building blocks (scalar/array/object fallbacks, strings, keys);
//! * `values`: FHIR datatypes read for their parts (Quantity, CodeableConcept, Coding, numbers);
//! * `observation`: an Observation's members into an `ObsRecord`;
//! * `resource`: one resource, dispatched on `resourceType`;
//! * `bundle`: the top-level value and `Bundle.entry` (the serde walk);
//! * `skip`: the scanner; `blocks`: the same check 64 bytes at a time, for whole resources;
//!   `fast`: the entries found with them; `members`: the fast path's own reads of
//!   `Observation.code`, `valueQuantity` and `component`; `tokens`: the building blocks both
//!   share.

#[macro_use]
mod lenient;
mod blocks;
mod bundle;
pub(crate) mod fast;
mod members;
mod observation;
mod resource;
pub(crate) mod skip;
mod tokens;
mod values;

pub(crate) use bundle::{EntriesSeed, EntrySeed, TopSeed};
pub(crate) use lenient::OptStr;
pub(crate) use resource::ResourceSeed;
