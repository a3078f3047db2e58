//! The resource types Ocean reads during a launch: the seed's list of types Ocean processes
//! from `$everything`, and every read with the interactions it needs and the evidence for it.
//!
//! The list of types is [`ocean_model::everything`]'s, shared with ocean-keywords. The rules and
//! sources are written in [`crate::everything`] ("What Ocean reads"), which re-exports these
//! items; [`crate::scope::ScopeSet::ocean_coverage`] checks a grant against
//! [`OCEAN_READS`].

use serde::Serialize;

use crate::interaction::Interaction;

/// The resource types Ocean processes when they are in the `$everything` Bundle (seed list, in
/// seed order): [`ocean_model::everything::SEED_TYPES`], under the name this crate has used.
pub use ocean_model::everything::SEED_TYPES as OCEAN_EVERYTHING_TYPES;

/// Whether Ocean processes this resource type from a `$everything` Bundle (the seed list plus
/// Patient and Medication): [`ocean_model::everything::is_read_type`], under the name this
/// crate has used.
pub use ocean_model::everything::is_read_type as is_processed;

/// How sure we are that Ocean needs a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Stated in the seed (the DRO integration overview).
    Seed,
    /// Seen in Ocean's public documentation or OceanMD's integration test project.
    Research,
    /// Our inference; confirm with Ocean.
    Inferred,
}

/// One resource type Ocean reads during a launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OceanRead {
    /// The resource type.
    pub resource_type: &'static str,
    /// The interactions Ocean needs on it.
    pub interactions: &'static [Interaction],
    /// Whether it is patient data (only read when a patient is in context).
    pub needs_patient: bool,
    /// How sure we are.
    pub evidence: Evidence,
    /// What Ocean uses it for.
    pub why: &'static str,
}

const RS: &[Interaction] = &[Interaction::Read, Interaction::Search];
const R: &[Interaction] = &[Interaction::Read];

const fn everything_type(resource_type: &'static str, why: &'static str) -> OceanRead {
    OceanRead {
        resource_type,
        interactions: RS,
        needs_patient: true,
        evidence: Evidence::Seed,
        why,
    }
}

/// Every resource type Ocean reads during a launch, with the interactions it needs.
///
/// Types returned by `$everything` need read and search: Ocean asks for v1 `.read`, which SMART
/// maps to `rs`, and a server filtering `$everything` (a `searchset`) by scope may check
/// either.
pub const OCEAN_READS: &[OceanRead] = &[
    OceanRead {
        resource_type: "Patient",
        interactions: RS,
        needs_patient: true,
        evidence: Evidence::Research,
        why: "demographics pane; GET Patient/{id}, GET Patient?identifier= and the Patient entry of $everything",
    },
    everything_type("MedicationStatement", "@ptCpp.rx (medications)"),
    everything_type("AllergyIntolerance", "@ptCpp.allg (allergies)"),
    everything_type(
        "Condition",
        "@ptCpp.prob and @ptCpp.pmhx (problems, past history)",
    ),
    everything_type(
        "Appointment",
        "listed by the seed as processed from $everything",
    ),
    everything_type(
        "Observation",
        "@ptLatestVal.* and @ptLatestDate.* (vitals, labs)",
    ),
    everything_type("DocumentReference", "pre-selected chart attachments"),
    everything_type("Immunization", "@ptCpp.immu (immunizations)"),
    OceanRead {
        resource_type: "Medication",
        interactions: R,
        needs_patient: true,
        evidence: Evidence::Inferred,
        why: "targets of MedicationStatement.medicationReference",
    },
    OceanRead {
        resource_type: "Practitioner",
        interactions: R,
        needs_patient: false,
        evidence: Evidence::Research,
        why: "the launching user (fhirUser) and referrer information",
    },
];
