//! `ocean-keywords`: what Ocean will show from your `Patient/$everything` Bundle, offline.
//!
//! When a POS launches Ocean, Ocean calls the POS's `Patient/$everything` and pre-populates the
//! referral form: allergies, problems, past history, immunizations, medications, the latest of 18
//! lab and vital values, the demographic pane and the chart attachments. This crate applies the
//! same rules to a Bundle and tells you the values, and what to fix ([`Finding`]s), so you can see
//! the result without launching Ocean. It can also [`prune`] a Bundle to what Ocean uses.
//!
//! ```
//! let bundle = include_bytes!("../samples/everything.json");
//! let out = ocean_keywords::extract(bundle)?;
//! assert_eq!(out.latest("bp"), Some(("128/82 mm[Hg]", "2024-05-14")));
//! for f in &out.findings {
//!     println!("{f}"); // e.g. "warning [near-miss-code] Observation coded LOINC 2160-0 ..."
//! }
//! # Ok::<(), ocean_keywords::ExtractError>(())
//! ```
//!
//! # The rules
//!
//! Where the DRO integration guide ("Ocean Keywords" table) says something, it is followed to the
//! letter. Where Ocean publishes nothing, the rule below is this crate's choice and says so
//! (*our choice*). Ocean may differ there; the findings tell you when your data relies on one.
//!
//! | keyword | resource | rule |
//! |---|---|---|
//! | `@ptCpp.allg` | AllergyIntolerance | list; excluded: verificationStatus entered-in-error or refuted, clinicalStatus inactive or resolved |
//! | `@ptCpp.prob` | Condition | list; clinicalStatus **not** resolved, remission or inactive (active, recurrence, relapse, or none) |
//! | `@ptCpp.pmhx` | Condition | list; clinicalStatus resolved, remission or inactive |
//! | `@ptCpp.immu` | Immunization | list; excluded: status entered-in-error or not-done |
//! | `@ptCpp.rx` | MedicationStatement | list; only status active, intended, on-hold, unknown (no status: read as unknown, with a finding) |
//! | `@ptLatestVal.X`, `@ptLatestDate.X` | Observation | the latest usable Observation per LOINC code (below) |
//! | demographics (no keyword) | Patient | name, birth date, gender, health number, address, phones, email |
//! | attachments (no keyword) | DocumentReference | status current; Ocean's file types and size limits |
//!
//! The 18 `@ptLatestVal` rows (suffixes exactly as the seed spells them):
//!
//! | X | LOINC | row | LOINC long common name |
//! |---|---|---|---|
//! | `ht` | 8302-2 | Height | Body height |
//! | `wt` | 29463-7 | Weight | Body weight |
//! | `bp` | 35094-2 | Blood pressure | Blood pressure panel |
//! | `cr` | 38483-4 | Creatinine | Creatinine \[Mass/volume\] in Blood |
//! | `egfr` | 45066-8 | Estimated GFR | Creatinine and Glomerular filtration rate.predicted panel - Serum, Plasma or Blood |
//! | `a1c` | 59261-8 | A1C | Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol |
//! | `acr` | 32294-1 | Albumin to creatinine | Albumin/Creatinine \[Ratio\] in Urine |
//! | `fbs` | 76629-5 | Fasting blood sugar | Fasting glucose \[Moles/volume\] in Blood |
//! | `tg` | 12228-3 | Triglycerides | Triglyceride \[Mass/volume\] in Body fluid |
//! | `hdl` | 2085-9 | HDL | Cholesterol in HDL \[Mass/volume\] in Serum or Plasma |
//! | `lldl` | 2089-1 | LDL | Cholesterol in LDL \[Mass/volume\] in Serum or Plasma |
//! | `chol_hdl` | 96589-7 | Total cholesterol/HDL | Cholesterol.total/Cholesterol in HDL \[Mass Ratio\] in DBS |
//! | `gtt` | 72171-2 | Glucose tolerance test | Glucose tolerance 4 hours panel - Serum or Plasma |
//! | `s_ketones` | 33058-9 | Serum ketones | (not verified) |
//! | `u_ketones` | 22702-5 | Urine ketones | (not verified) |
//! | `na` | 2947-0 | Sodium | Sodium \[Moles/volume\] in Blood |
//! | `k` | 6298-4 | Potassium | Potassium \[Moles/volume\] in Blood |
//! | `co2` | 20565-8 | Carbon dioxide | Carbon dioxide, total \[Moles/volume\] in Blood |
//!
//! Read the long names: several seed codes are not what a Canadian lab feed usually sends
//! (whole-blood electrolytes, mass-unit lipids, the IFCC HbA1c, panel codes for eGFR and GTT).
//! Ocean reads only these codes, so a lab result coded 2951-2 (sodium in serum or plasma) never
//! reaches `@ptLatestVal.na`. Such codes are reported as `near-miss-code` findings (70 codes, see
//! [`Rules::near_misses`] and `ocean-keywords/LOINC.md` for sources). If your Ocean site does read
//! another code, add it with [`Rules::with_alias`].
//!
//! ## Input
//! * A FHIR R4 JSON Bundle of any `type`, one page or several ([`Extractor`]), or a single
//!   resource; from bytes ([`extract`]), a reader ([`extract_reader`], streaming) or a parsed
//!   [`ocean_model::Bundle`] ([`extract_bundle`]). A UTF-8 BOM is accepted.
//! * Resource types not listed above are skipped without being read. Unknown or misspelled
//!   elements are ignored. A member of the wrong JSON type in an Observation is treated as absent;
//!   any other resource Ocean reads that is not valid FHIR R4 JSON is skipped and reported
//!   (`resource-invalid`). Only input that is not UTF-8 JSON, or not an object, is an error
//!   ([`ExtractError`]).
//! * A top-level object with an `entry` member is read as a Bundle whatever its `resourceType`
//!   says and wherever `entry` appears; every `entry` member is read where it stands (a second
//!   one too), so member order never matters and slice and reader agree; any other object is a
//!   single resource.
//! * Resources are not filtered by subject; nested Bundles are not descended into.
//! * References resolve inside the Bundle as [`ocean_model::Bundle::resolve`] does: exact
//!   `fullUrl`, then `urn:uuid:X` ↔ bare UUID, then `Medication/id` (relative or the tail of an
//!   absolute URL); `#id` finds a `contained` resource. An unresolvable reference falls back to its
//!   `display`. A reference that more than one Medication could answer (the same `Type/id`, or
//!   the same `fullUrl` in another spelling, such as `urn:uuid` in another case) is reported
//!   (`duplicate-resource`, warning) and the rule above still picks one: the best step, then the
//!   first in Bundle order.
//! * `contained` is read only where a rule uses it: a MedicationStatement's contained
//!   Medication named by its `medicationReference`. Other contained resources are skipped
//!   unread (an invalid one no longer makes its container `resource-invalid`).
//!
//! ## List keywords (`@ptCpp.*`)
//! * One item per resource, joined with `"\n"`, in Bundle order. An item whose text equals an
//!   earlier item's (after whitespace is collapsed) is dropped (`item-duplicate`). Dedupe is per
//!   keyword. No item → the keyword is absent, never `""`.
//! * Status codes (`clinicalStatus`, `verificationStatus`) match on the `code` of any coding.
//! * **Concept text** = `CodeableConcept.text`, else the first coding with a non-empty `display`,
//!   else the first coding with a `code`. Empty and whitespace-only strings count as absent.
//! * AllergyIntolerance: if `text.div` has non-empty plain text, that text is the item (Ocean's
//!   documented rule, whatever `text.status` says): comments dropped, each tag replaced by one
//!   space, character references decoded (numeric ones, the XML five and common HTML names such as
//!   `&nbsp;` and `&eacute;`; an unknown name is kept as written), whitespace collapsed. Otherwise
//!   the concept text of `code`, followed by ` (` + the distinct manifestation texts of all
//!   reactions, in order (distinct after whitespace is collapsed), joined `, ` + `)` when there
//!   are any.
//! * Condition: concept text of `code`.
//! * MedicationStatement: concept text of `medicationCodeableConcept`, else of the referenced
//!   Medication's `code` (contained or in the Bundle), else the reference's `display`; then
//!   ` - ` + `dosage[0].text` if present. MedicationRequest is not read: a Bundle with
//!   MedicationRequests and no MedicationStatement gets `medication-request-only`.
//! * Immunization: concept text of `vaccineCode`, then ` (` + the date part of
//!   `occurrenceDateTime` as written (`2019-05-01`) + `)` if present (`occurrenceString` is not
//!   used).
//! * No base (concept) text → no item, even if a suffix exists (`item-no-text`).
//! * Every item has whitespace runs (newlines included) collapsed to one space and is trimmed.
//! * A list keeps at most [`Rules::max_list_items`] items ([`DEFAULT_MAX_LIST_ITEMS`], 200: see
//!   there why); later items, in Bundle order after deduplication, are dropped and reported
//!   (`list-truncated`, warning, with their count).
//!
//! ## Latest Observation per code (`@ptLatestVal.X`, `@ptLatestDate.X`)
//! * An Observation matches a row when some `code.coding` has one of the row's codes and system
//!   `http://loinc.org` or no system. The same code under another system is reported
//!   (`non-loinc-system`; e.g. the LOINC OID or `http://loinc.org/` with a slash).
//! * Status registered, cancelled or entered-in-error: ignored (`observation-status`). Any other
//!   status, or none, is accepted (*our choice* for none).
//! * Date: the first present of `effectiveDateTime`, `effectivePeriod.start`, `effectiveInstant`,
//!   `issued`. None → ignored (`observation-no-date`); the first present does not parse → ignored
//!   (`observation-bad-date`), without trying the next. Parsing is lenient: a time without seconds
//!   is accepted and a time without offset is UTC. Dates compare as instants: a partial date
//!   (`2019`, `2019-05`, `2019-05-01`) is the start of that period in UTC; an offset is converted.
//! * Value: `valueQuantity` → the number exactly as written in the JSON (`1.50` stays `1.50`),
//!   with the `comparator` glued in front (`<0.5`), then `" "` + `unit` (else `code`) if any;
//!   `valueString` as is; `valueCodeableConcept` → concept text; `valueInteger` → its digits.
//!   Other value types are not usable. If several `value[x]` are present (invalid FHIR), the first
//!   usable in the order Quantity, String, CodeableConcept, Integer wins.
//! * Blood pressure (`bp` row only): when components 8480-6 (systolic) and 8462-4 (diastolic),
//!   LOINC or no system, both carry a quantity with a value, the value is `sys/dia` + `" "` + the
//!   systolic unit (else code), e.g. `120/80 mm[Hg]`; component comparators are not printed.
//!   Otherwise the Observation's own value is used.
//! * No usable value → ignored (`observation-no-value`).
//! * Dated more than a day after [`Rules::now`] (the system clock by default) → ignored
//!   (`future-date`, warning): `9999-12-31` must not pin a value forever. A day of slack covers
//!   time zones and clock skew.
//! * A number that cannot be a measurement → ignored, so it is **not shown**
//!   (`implausible-number`, warning): more than 40 digits, or a magnitude beyond a 64-bit
//!   float's (`1e999999`, or a non-zero `1e-999999`). Checked on the number shown: the
//!   quantity, both blood-pressure components, `valueInteger`. An older plausible value wins
//!   instead.
//! * The latest instant wins; on an exact tie, the first in Bundle order wins.
//! * `@ptLatestDate.X` is the winning date's date part exactly as written
//!   (`2020-01-01T23:30:00-08:00` → `2020-01-01`, not converted; `2019-05` → `2019-05`).
//!
//! ## Demographics
//! * Name: the first `official` name, else the first `usual`, else the first; family, given,
//!   prefix, suffix (`text` is not used).
//! * Birth date and gender as written.
//! * Health number: [`ocean_model::identifiers::HealthNumber`]: an identifier whose `type` has code
//!   `JHN` (either v2-0203 system spelling) or whose system is a provincial health-number system;
//!   value, version code (extension `ext-id-health-card-version-code`), province from the system.
//!   An identifier with a system but no value is not a health number.
//! * Address: the first `home` address, else the first; one with no line, city, state, postal
//!   code or country counts as absent. Phones: the first `system=phone` per `use`
//!   (mobile, home, work; `rank` is not used; a phone without one of these uses is not placed and
//!   is reported as `phone-no-use`). Email: the first `system=email` with a value.
//! * The first Patient that is valid FHIR is used (`multiple-patients` when there are more). No
//!   Patient → no demographics (`null` in JSON).
//!
//! ## Attachments
//! * DocumentReference with status `current`; one attachment per `content[].attachment` that has
//!   inline `data` or a `url`. Title: `attachment.title`, else the DocumentReference's
//!   `description`. Size: `attachment.size`, else the decoded length of `data`.
//! * Type: `contentType` (parameters and case ignored; `image/jpg` and `image/pjpeg` read as
//!   `image/jpeg`, `image/tif` as `image/tiff`, `audio/mp3` as `audio/mpeg`), or, when absent, the
//!   file extension of the title or URL. Ocean accepts pdf, txt, jpg/jpeg, png,
//!   tif/tiff, mp3, mp4; anything else is refused (`attachment-type-refused`).
//! * Limits: 10 MB per file, 50 MB per referral, counted in Bundle order ([`AttachmentLimits`];
//!   *our choice*: MB = 10^6 bytes, the stricter reading). A URL without `size` cannot be checked
//!   (`attachment-size-unknown`) and is offered.
//!
//! ## Findings
//! Every [`Finding`] has a stable [`FindingCode`], a [`Severity`], the first resource concerned
//! (page, entry index, `fullUrl`, type) and a count; findings of one kind are aggregated so the list
//! stays short on a 100 MB Bundle. Messages never contain patient data: they name keywords, codes
//! from this crate's tables, element names and resource types.
//!
//! ## Streaming and memory
//! Extraction is one pass over the bytes ([`Extractor::add_slice`], [`Extractor::add_reader`]):
//! a scanner finds the entries and skips the resources Ocean does not read (it checks that every
//! byte is well-formed JSON, as serde_json's `IgnoredAny` does, without a serde walk); the others
//! are read by serde visitors from their own slice of the input. Malformed input is read again by
//! the serde walk alone, so an error has the kind, line and column a full serde parse gives. It
//! keeps only what can still win: the latest candidate per row, the
//! list items (at most [`Rules::max_list_items`] per keyword), the first Patient, per Medication
//! its concept text, `fullUrl` and `id` (a later MedicationStatement may name it), per
//! MedicationStatement its pending item, the accepted attachments' metadata and the aggregated
//! findings. Resource types Ocean does not read are never built into a model. From a reader,
//! memory does not grow with the Bundle beyond that: the top level is scanned, entries lying whole
//! in the reader's 1 MiB buffer are read there like slice input and the others are copied out one
//! at a time (measured: 7 MB peak RSS for a 110 MB Bundle);
//! a single top-level resource is buffered once and read the same way. One entry, the
//! top-level resource or another top-level member larger than [`Rules::max_entry_bytes`]
//! ([`DEFAULT_MAX_ENTRY_BYTES`], 64 MiB) stops extraction with [`ExtractErrorKind::TooLarge`]
//! naming the entry index, without allocating past the cap; peak memory is then bounded by
//! about four times the largest entry read plus what is kept (see `tests/memory.rs` for the
//! measured cases). Slice input takes 1.2x to 1.7x the time of a bare `serde_json::IgnoredAny`
//! pass, a reader 1.2x to 1.7x the slice, while `serde_json::Value` plus a walk takes 4 to 10
//! times as long as our extraction; see the workspace README for figures and the bench that
//! produces them.
//!
//! ## Complexity
//! With *n* the input's bytes, *e* its entries and *m* its Medications:
//! * [`extract`], [`extract_with`], [`extract_reader`], [`Extractor::add_slice`],
//!   [`Extractor::add_reader`]: O(*n*) time (each byte is read a bounded number of times; each
//!   medication reference is an expected O(1) hash lookup, confirmed with
//!   [`ocean_model::bundle::reference_matches`], into indexes built as Medications arrive). Memory:
//!   O(*n*) for a slice (the input itself); from a reader O(largest entry + *m* + *e*), the *e*
//!   term being only the MedicationStatements' pending items and, for [`prune`], the kept
//!   positions.
//! * [`extract_bundle`], [`Extractor::add_bundle`]: serialize the Bundle (O(*n*)), then as
//!   [`extract`].
//! * [`Extractor::finish`]: O(*e* log *e*) at most (the kept positions are a B-tree); list and
//!   finding work is linear.
//! * [`prune`], [`prune_pages`]: one extraction, then one pass copying the kept entries:
//!   O(*n* + *e* log *e*).

#![forbid(unsafe_code)]

// Inside, data flows one way: bytes → entries → records → engine → output.
// * `extract` (the entry points) hands bytes to `stream` (slices) or to `chunked` (readers, one
//   `entry` at a time, then `stream`). `stream` turns each resource into a `record::Parsed` and
//   hands it to a `sink::Sink`; the `engine` implements it, one submodule per section of the
//   docs above, and builds the `output` types.
// * The tables: `rules` (the rule set), `loinc` (seed codes and near-misses), `code_index` (code →
//   row, for the reader). `error`: why extraction stops. `prune` reruns extraction and keeps the
//   entries that contributed. `text` and `object_writer` are shared helpers.
mod chunked;
mod code_index;
mod engine;
mod error;
mod extract;
mod loinc;
mod object_writer;
mod output;
mod prune;
mod readbuf;
mod record;
mod rules;
mod sink;
mod stream;
mod text;

pub use error::{ExtractError, ExtractErrorKind};
#[doc(hidden)]
pub use extract::extract_reader_with_block;
pub use extract::{Extractor, extract, extract_bundle, extract_reader, extract_with};
pub use loinc::NearMiss;
pub use output::{
    AddressInfo, AttachmentInfo, Demographics, Extraction, Finding, FindingCode, HealthNumberInfo,
    Phones, ResourceLocation, Severity, Values, json_schema,
};
pub use prune::{Pruned, prune, prune_pages};
pub use rules::{
    ACCEPTED_ATTACHMENT_TYPES, AttachmentLimits, CppSection, DEFAULT_MAX_ENTRY_BYTES,
    DEFAULT_MAX_LIST_ITEMS, KW_ALLERGIES, KW_IMMUNIZATIONS, KW_MEDICATIONS, KW_PAST_HISTORY,
    KW_PROBLEMS, LOINC_SYSTEM, LatestRule, Rules, RulesError,
};

/// The resource types Ocean reads from `$everything`: [`ocean_model::everything::READ_TYPES`],
/// the list ocean-smart shares. Extraction reads all of them except Appointment (no keyword
/// comes from it); everything else is skipped unread. [`prune`] keeps every Appointment entry
/// (Ocean processes Appointments) and drops other types. MedicationRequest is only counted (for
/// the `medication-request-only` finding).
pub use ocean_model::everything::READ_TYPES;

/// The types of [`READ_TYPES`] no keyword is extracted from: read by Ocean, so [`prune`] keeps
/// every entry of them whole, but skipped by extraction.
pub(crate) const NOT_EXTRACTED: [&str; 1] = ["Appointment"];

/// A small, realistic sample `$everything` Bundle (a fictional BC patient), used by the
/// `keywords` example when no file is given.
pub const SAMPLE_BUNDLE: &str = include_str!("../samples/everything.json");
