//! `Patient/{id}/$everything` for Ocean: which resource types Ocean processes, the parameters a
//! dedicated endpoint honours, paging links, and a check of the Bundle a POS returns.
//!
//! # What Ocean reads
//! The seed ("A Word on Data: Keyword Population") lists the resource types Ocean processes in
//! the `$everything` Bundle: MedicationStatement, AllergyIntolerance, Condition, Appointment,
//! Observation, DocumentReference (pre-selected chart attachments) and Immunization
//! ([`OCEAN_EVERYTHING_TYPES`], the list in [`ocean_model::everything`]). Ocean also reads the Patient (its keyword table fills the
//! demographics pane from it; Ocean's test client calls `GET Patient/{id}` and checks that the
//! Bundle has a Patient entry), the Practitioner the user is (`fhirUser`; its client asks for
//! `user/Practitioner.read`), and, by inference, the Medication resources that
//! `MedicationStatement.medicationReference` points to. [`OCEAN_READS`] lists all of them with
//! the interactions needed and the evidence; [`crate::scope::ScopeSet::ocean_coverage`] checks
//! a grant against it. Attachments served by URL (a `Binary` on the POS) also need read access
//! to `Binary`; inline `attachment.data` does not. The seed also names family history among
//! the data Ocean "can include", but FamilyMemberHistory is not in its list of processed
//! resources, so [`check_bundle`] counts it as unused payload.
//!
//! # Parameters ([`EverythingParams`])
//! | parameter | rule |
//! |---|---|
//! | `_since` | a FHIR `instant` (date, time with seconds, and offset); at most once; keeps resources whose `meta.lastUpdated` is at or after it (a resource without `meta.lastUpdated` is kept) |
//! | `_type` | comma-separated resource type names; may repeat (the lists add up); keeps only those types; **Patient is always kept**, because Ocean's client rejects a Bundle without it |
//! | `_count` | a positive integer page size; at most once |
//! | `start`, `end` | FHIR `date`s bounding the care period (R4 `Patient/$everything`); at most once each; `start` not in a period after `end` (`start=2020-06&end=2020` is fine) |
//! | anything else | kept in [`EverythingParams::other`], not interpreted (`_format`, server cursors) |
//!
//! # Paging
//! Whether Ocean follows `next` links is not documented (a gap in the research notes), so the
//! safe answer is one complete `searchset` Bundle without `next`; [`check_bundle`] warns when a
//! `next` link is present. [`page_links`] builds `self`/`first`/`previous`/`next` links for a
//! server that pages anyway, and [`next_link`] reads them.
//!
//! # Handing the Bundle to keyword pruning
//! `ocean-keywords` trims a `$everything` Bundle to what Ocean's keywords use
//! (`ocean_keywords::prune`); call it on the Bundle after [`check_bundle`] has no errors, and
//! before serving it, to cut payload size as the seed asks ("optimization for payload size and
//! performance is important").
//!
//! Pruning keeps every entry whose type Ocean reads ([`ocean_model::everything::READ_TYPES`],
//! the list [`is_processed`] checks and `ocean_keywords::READ_TYPES` re-exports), Appointment
//! included, so a pruned Bundle still carries everything the seed lists as processed.
//!
//! ```
//! use ocean_smart::everything::{EverythingParams, is_processed};
//! let p = EverythingParams::parse("_type=Condition,Observation&_since=2024-01-01T00:00:00Z&_count=50").unwrap();
//! assert!(p.includes_type("Condition") && p.includes_type("Patient") && !p.includes_type("Appointment"));
//! assert_eq!(p.count(), Some(50));
//! assert_eq!(p.to_query(), "_since=2024-01-01T00%3A00%3A00Z&_type=Condition%2CObservation&_count=50");
//! assert!(is_processed("Immunization") && !is_processed("Claim"));
//! ```

mod check;
mod paging;
mod params;

pub use crate::reads::{Evidence, OCEAN_EVERYTHING_TYPES, OCEAN_READS, OceanRead, is_processed};
pub use check::{check_bundle, rules};
pub use paging::{next_link, page_links};
pub use params::{EverythingError, EverythingParams, format_instant};
