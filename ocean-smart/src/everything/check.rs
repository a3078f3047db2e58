//! The check of a `$everything` Bundle before the POS serves it to Ocean.

use std::collections::BTreeMap;

use ocean_model::{Bundle, BundleType};

use super::paging::next_link;
use crate::findings::{Finding, Findings};
use crate::reads::{OCEAN_EVERYTHING_TYPES, is_processed};

/// Rule ids of [`check_bundle`].
pub mod rules {
    /// The Bundle has no Patient entry (Ocean's client rejects it).
    pub const PATIENT_MISSING: &str = "everything.patient-missing";
    /// The Patient entry's id is not the launched patient.
    pub const PATIENT_MISMATCH: &str = "everything.patient-mismatch";
    /// More than one Patient entry.
    pub const PATIENT_REPEATED: &str = "everything.patient-repeated";
    /// `Bundle.type` is not `searchset`.
    pub const TYPE: &str = "everything.type";
    /// A `next` link: Ocean's paging support is unconfirmed.
    pub const PAGED: &str = "everything.paged";
    /// Entries without a resource.
    pub const EMPTY_ENTRY: &str = "everything.empty-entry";
    /// Resource types Ocean does not process (payload size).
    pub const UNUSED_TYPES: &str = "everything.unused-types";
    /// None of the types Ocean processes is present (nothing to prefill).
    pub const NOTHING_TO_PREFILL: &str = "everything.nothing-to-prefill";
}

/// Checks a `$everything` answer before serving it to Ocean for the launched patient
/// `patient_id`. Messages name resource types and counts, never data or ids.
///
/// | rule | severity | when |
/// |---|---|---|
/// | `everything.patient-missing` | error | no Patient entry |
/// | `everything.patient-mismatch` | error | the Patient entry's id is not `patient_id` |
/// | `everything.patient-repeated` | warning | more than one Patient entry |
/// | `everything.type` | error if not `searchset`/`collection`, warning for `collection` or absent |
/// | `everything.paged` | warning | a `next` link (Ocean's paging is unconfirmed: return one complete Bundle) |
/// | `everything.empty-entry` | warning | entries without a resource |
/// | `everything.unused-types` | warning | resource types Ocean does not process (counts per type) |
/// | `everything.nothing-to-prefill` | warning | none of the seed types is present |
pub fn check_bundle(bundle: &Bundle, patient_id: &str) -> Findings {
    let mut f = Findings::new();
    match &bundle.type_ {
        Some(BundleType::Searchset) => {}
        Some(BundleType::Collection) => f.push(Finding::warning(
            rules::TYPE,
            "Bundle.type",
            "is `collection`; `$everything` returns a `searchset`",
        )),
        None => f.push(Finding::warning(
            rules::TYPE,
            "Bundle.type",
            "absent; `$everything` returns a `searchset`",
        )),
        Some(other) => f.push(Finding::error(
            rules::TYPE,
            "Bundle.type",
            format!(
                "is `{}`; `$everything` returns a `searchset`",
                other.as_str()
            ),
        )),
    }
    let patients: Vec<_> = bundle
        .resources()
        .filter(|r| r.resource_type() == "Patient")
        .collect();
    match patients.as_slice() {
        [] => f.push(Finding::error(
            rules::PATIENT_MISSING,
            "Bundle.entry.resource",
            "no Patient entry; Ocean's client rejects a $everything Bundle without the Patient",
        )),
        list => {
            if !list.iter().any(|p| p.id() == Some(patient_id)) {
                f.push(Finding::error(
                    rules::PATIENT_MISMATCH,
                    "Bundle.entry.resource.id",
                    "no Patient entry has the launched patient's id",
                ));
            }
            if list.len() > 1 {
                f.push(Finding::warning(
                    rules::PATIENT_REPEATED,
                    "Bundle.entry.resource",
                    format!(
                        "{} Patient entries; return only the launched patient",
                        list.len()
                    ),
                ));
            }
        }
    }
    if next_link(bundle).is_some() {
        f.push(Finding::warning(
            rules::PAGED,
            "Bundle.link",
            "has a `next` link; whether Ocean follows paging links is unconfirmed, so return one complete Bundle",
        ));
    }
    let empty = bundle.entry.iter().filter(|e| e.resource.is_none()).count();
    if empty > 0 {
        f.push(Finding::warning(
            rules::EMPTY_ENTRY,
            "Bundle.entry",
            format!("{empty} entries without a resource"),
        ));
    }
    let mut unused: BTreeMap<&str, usize> = BTreeMap::new();
    let mut prefill = false;
    for r in bundle.resources() {
        let t = r.resource_type();
        if OCEAN_EVERYTHING_TYPES.contains(&t) {
            prefill = true;
        }
        if !is_processed(t) {
            *unused.entry(t).or_default() += 1;
        }
    }
    if !unused.is_empty() {
        let list: Vec<String> = unused.iter().map(|(t, n)| format!("{t} ×{n}")).collect();
        f.push(Finding::warning(
            rules::UNUSED_TYPES,
            "Bundle.entry.resource.resourceType",
            format!(
                "types Ocean does not process (payload only): {}",
                list.join(", ")
            ),
        ));
    }
    if !prefill {
        f.push(Finding::warning(
            rules::NOTHING_TO_PREFILL,
            "Bundle.entry.resource.resourceType",
            "none of the types Ocean prefills from (MedicationStatement, AllergyIntolerance, Condition, Appointment, Observation, DocumentReference, Immunization)",
        ));
    }
    f
}
