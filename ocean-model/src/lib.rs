//! Typed, lossless FHIR R4 for the Ontario eReferral v11 (v0.11.1) IG, as exchanged with Ocean
//! eReferral, and for the `Patient/$everything` Bundles Ocean reads from a POS.
//!
//! # What this crate promises
//! - **Lenient parsing.** Every element is optional; a code outside its value set parses (as an
//!   `Unrecognized` variant); unknown or misspelled elements are kept. Parsing fails only on
//!   input that is not JSON or where a modelled element has the wrong JSON type (a number where
//!   a string belongs), and the error names the element path, never the input text.
//! - **Lossless round trip.** Elements the model does not type, every `extension` and
//!   `modifierExtension`, `_field` primitive extensions, `contained` resources, resource types
//!   the model does not know ([`OtherResource`]), and the exact text of decimals survive
//!   parse → serialize (JSON-equal, number text included). See [`UnknownElements`].
//! - **Explicit validation.** Profile rules are checked by [`validate`], which reports issues
//!   with a rule id, a severity and a FHIR path (`Bundle.entry[3].resource.subject`).
//! - **No patient data in errors.** [`ParseError`] and [`validate::Issue`] name element paths,
//!   resource types and rule ids only.
//!
//! # Example
//! ```
//! use ocean_model::{json, Bundle, MessageHeader, ServiceRequest, validate};
//!
//! let text = include_str!("../../testdata/ocean/ereferral_back_pain.bundle.json");
//! let bundle: Bundle = json::from_str(text).unwrap();
//! let header = bundle.first_of::<MessageHeader>().unwrap();
//! assert_eq!(header.event_code(), Some("add-service-request"));
//! // Follow the focus reference to the ServiceRequest.
//! let sr: &ServiceRequest = bundle.resolve_as(&header.focus[0]).unwrap();
//! assert_eq!(sr.intent.as_ref().unwrap().as_str(), "proposal");
//! // Profile issues are a separate report; Ocean's own payload has a few.
//! let report = validate::validate_bundle(&bundle);
//! assert!(report.iter().all(|i| !i.message.contains("DKTest")));
//! ```
//!
//! # Model at a glance
//! | module | what |
//! |---|---|
//! | [`primitives`], [`datetime`] | FHIR primitives: exact [`Decimal`] text, partial [`DateTime`]s compared as instants |
//! | [`datatypes`] | Identifier, CodeableConcept, Coding, Reference, Quantity, HumanName, Address, ... |
//! | [`codes`] | open code enums for the bindings that drive behaviour ([`TaskStatus`], ...) |
//! | [`resources`] | the 22 resource types of the eReferral flows and `$everything` |
//! | [`Resource`], [`bundle`] | any resource; Bundle iteration and reference resolution |
//! | [`identifiers`] | health numbers, Ocean NamingSystems and referral ids, profile canonicals |
//! | [`validate`], [`severity`] | profile checks; the one [`Severity`] scale of the workspace |
//! | [`json`] | reading and writing, with safe errors |
//! | [`percent`], [`oauth`] | percent- and form-encoding; OAuth client authentication (RFC 6749 §2.3.1) |
//! | [`text`] | plain text from HTML/XHTML (narratives, notes) |
//! | [`everything`] | the resource types Ocean reads from `Patient/$everything` |
//!
//! # Performance
//! Types are hand-written with declarative macros (no proc-macro crate, so the model builds
//! fast): no `#[serde(flatten)]`, no internally tagged enums. [`Resource`] dispatches on `resourceType` while reading, so each object is read once.
//! serde_json keeps its default number handling (no `arbitrary_precision`); decimals keep their
//! text through `RawValue`.

#![forbid(unsafe_code)]

#[macro_use]
mod macros;

pub mod bundle;
pub mod codes;
pub mod datatypes;
pub mod datetime;
pub(crate) mod de;
mod error;
pub mod everything;
pub mod identifiers;
pub mod json;
pub mod oauth;
pub mod percent;
pub mod primitives;
pub mod reference;
mod resource;
pub mod resources;
pub mod severity;
pub mod text;
pub mod validate;

pub use bundle::{
    Bundle, BundleEntry, BundleEntryRequest, BundleEntryResponse, BundleEntrySearch, BundleLink,
};
pub use codes::*;
pub use datatypes::*;
pub use datetime::{
    Date, DateTime, DateTimeError, Instant, InstantForm, PartialDateTime, Precision, Time,
};
pub use de::UnknownElements;
pub use error::{ParseError, ParseErrorKind};
pub use identifiers::{HealthNumber, OceanBase, OceanNamingSystem, Profile, Province, ReferralId};
pub use json::FhirJson;
pub use primitives::{
    Base64Binary, Code, Decimal, Id, InvalidDecimal, UnknownCode, Uri, is_resource_type_name,
};
pub use reference::ParsedReference;
pub use resource::{OtherResource, Resource, ResourceType};
pub use resources::*;
pub use severity::Severity;
