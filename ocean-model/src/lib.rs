//! Typed, lossless FHIR R4 for the Ontario eReferral v11 (v0.11.1) IG, as exchanged with Ocean
//! eReferral, and for the `Patient/$everything` Bundles Ocean reads from a POS.
//!
//! # What this crate promises
//! - **Lenient parsing.** Every element is optional; a code outside its value set parses (as an
//!   `Unrecognized` variant); unknown or misspelled elements are kept; a modelled element of the
//!   wrong JSON type (a number where a string belongs, STU3's `"clinicalStatus": "resolved"`)
//!   is kept verbatim and reported by [`validate`] (rule `fhir-json`, see [`json`]). Parsing
//!   fails only on input that is not JSON, nests too deep, or is not a resource, and the error
//!   names the element path, never the input text.
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
//! | [`bundle_index`] | [`BundleIndex`]: many references resolved in linear time, ambiguity reported |
//! | [`identifiers`] | health numbers, Ocean NamingSystems and referral ids, profile canonicals |
//! | [`validate`], [`severity`] | profile checks; the one [`Severity`] scale of the workspace |
//! | [`json`] | reading and writing, with safe errors |
//! | [`percent`], [`oauth`] | percent- and form-encoding; OAuth client authentication (RFC 6749 §2.3.1) |
//! | [`text`] | plain text from HTML/XHTML (narratives, notes) |
//! | [`everything`] | the resource types Ocean reads from `Patient/$everything` |
//!
//! # Conventions
//! One shape for every type that stands for a code, here and in the crates built on this one:
//!
//! | | open enum | closed enum |
//! |---|---|---|
//! | what | a FHIR binding where a code outside the value set must survive a round trip ([`TaskStatus`], every enum of [`codes`]) | a fixed vocabulary the toolkit defines or accepts ([`Severity`], [`oauth::ClientAuth`], [`Province`], [`OceanNamingSystem`]) |
//! | read | `from_code(&str) -> Self`: never fails; an unknown code is kept (`Unrecognized(UnknownCode)`, as ruma's `_Custom`); `is_known()` tells | `from_code(&str) -> Option<Self>`: `None` for anything else (a caller that needs an error maps `None` to its own error type) |
//! | write | `as_str(&self) -> &str`: the code exactly as read | `as_str(self) -> &'static str` |
//! | also | `From<&str>`, `FromStr` (`Err = Infallible`), `Display` and serde as the code | `ALL` (every variant, in order), `Display` as the code |
//!
//! The accessor is `as_str` everywhere; older names (`code()`, `name()`) stay as aliases. A
//! text that is not a code of a set (a URL such as [`OceanBase`], a canonical such as
//! [`Profile`]) is read with `from_url`/`parse` instead.
//!
//! Other shared rules live with their module: [`text`] (HTML to plain text), [`percent`] and
//! [`oauth`] (encodings), [`everything`] (what Ocean reads), [`Instant::from_offset_date_time`]
//! (writing instants), [`is_resource_type_name`] and [`Id::is_valid_str`] (names and ids).
//!
//! # Performance
//! Types are hand-written with declarative macros (no proc-macro crate, so the model builds
//! fast): no `#[serde(flatten)]`, no internally tagged enums. [`Resource`] dispatches on `resourceType` while reading, so each object is read once.
//! serde_json keeps its default number handling (no `arbitrary_precision`); decimals keep their
//! text through serde_json's raw values. The string-valued primitives ([`Id`], [`Uri`],
//! [`Code`], the dates and times) and [`Decimal`] hold text of up to 30 bytes in place and a few
//! well-known code-system URIs as static strings, so most codes, dates, numbers and systems are
//! read without an allocation. Objects inside a resource are read in place (into their field,
//! array item or box), not built aside and moved. JSON text is read by a reader written for the
//! model, without serde's visitors; serde_json's reading takes over, with the same result, for
//! input outside the common case (see [`json`], "How input is read").

#![forbid(unsafe_code)]

#[macro_use]
mod macros;

pub mod bundle;
pub mod bundle_index;
pub mod codes;
mod compact;
pub mod datatypes;
pub mod datetime;
pub(crate) mod de;
mod direct;
mod error;
pub mod everything;
pub mod identifiers;
pub mod json;
mod lenient;
pub mod oauth;
pub mod percent;
pub mod primitives;
pub mod reference;
mod resource;
pub mod resources;
pub mod severity;
mod slot;
pub mod text;
pub mod validate;

pub use bundle::{
    Bundle, BundleEntry, BundleEntryRequest, BundleEntryResponse, BundleEntrySearch, BundleLink,
};
pub use bundle_index::{BundleIndex, Resolution};
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
