//! What Ocean reads from a `Patient/$everything` Bundle: the one list of resource types that
//! ocean-keywords (extraction and pruning) and ocean-smart (scopes, `_type`, Bundle checks)
//! share.
//!
//! # The list
//! The seed ("A Word on Data: Keyword Population") says Ocean "will process the following FHIR
//! resources when they are included in the `$everything` bundle": MedicationStatement,
//! AllergyIntolerance, Condition, Appointment, Observation, DocumentReference, Immunization
//! ([`SEED_TYPES`], seed order). Ocean also reads the Patient (the demographics pane of its
//! keyword table; Ocean's test client rejects a Bundle without one), and the Medication
//! resources that `MedicationStatement.medicationReference` points to (inferred: a
//! MedicationStatement that names its drug by reference has no text without them).
//! [`READ_TYPES`] is all nine: Patient, the seed list, Medication.
//!
//! # Appointment
//! Appointment is in the seed list, so it **is** one of the types Ocean reads: no published
//! keyword is filled from it (the keyword table has none), but the seed does not say what else
//! Ocean does with it (Ocean's integration overview also lists Appointment GET/POST/PUT as
//! mandatory for eReferral integrations). So:
//! - keyword extraction may read nothing from an Appointment (no keyword comes from it), and
//!   reports it neither as unused nor as an error;
//! - pruning a Bundle "to what Ocean reads" (`ocean_keywords::prune`) **keeps every entry whose
//!   type is in [`READ_TYPES`]**, Appointment included, and drops the others (MedicationRequest,
//!   Encounter, Claim, ...), so a Bundle served after pruning still carries everything Ocean
//!   processes;
//! - a Bundle checker counts Appointment as processed, not as unused payload.
//!
//! ```
//! use ocean_model::everything::{is_read_type, READ_TYPES, SEED_TYPES};
//! assert!(is_read_type("Appointment") && is_read_type("Patient") && is_read_type("Medication"));
//! assert!(!is_read_type("MedicationRequest") && !is_read_type("Encounter"));
//! assert_eq!(READ_TYPES.len(), SEED_TYPES.len() + 2);
//! ```

/// The resource types the seed lists as processed by Ocean when they are in the `$everything`
/// Bundle, in seed order.
pub const SEED_TYPES: [&str; 7] = [
    "MedicationStatement",
    "AllergyIntolerance",
    "Condition",
    "Appointment",
    "Observation",
    "DocumentReference",
    "Immunization",
];

/// Every resource type Ocean reads from a `$everything` Bundle: Patient, then [`SEED_TYPES`]
/// in seed order, then Medication (see the module docs). What pruning keeps.
pub const READ_TYPES: [&str; 9] = [
    "Patient",
    "MedicationStatement",
    "AllergyIntolerance",
    "Condition",
    "Appointment",
    "Observation",
    "DocumentReference",
    "Immunization",
    "Medication",
];

/// Whether Ocean reads resources of this type from a `$everything` Bundle ([`READ_TYPES`];
/// exact, case-sensitive names).
pub fn is_read_type(resource_type: &str) -> bool {
    READ_TYPES.contains(&resource_type)
}

/// Whether the type is in the seed's list ([`SEED_TYPES`]): the types Ocean prefills forms
/// from or processes, as opposed to the Patient and the Medications it reads alongside them.
pub fn is_seed_type(resource_type: &str) -> bool {
    SEED_TYPES.contains(&resource_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_types_are_patient_seed_medication() {
        let mut expected = vec!["Patient"];
        expected.extend(SEED_TYPES);
        expected.push("Medication");
        assert_eq!(READ_TYPES.to_vec(), expected);
        for t in READ_TYPES {
            assert!(crate::is_resource_type_name(t), "{t}");
            assert!(is_read_type(t));
        }
        assert!(is_seed_type("Appointment") && !is_seed_type("Patient"));
        assert!(!is_read_type("appointment") && !is_read_type(""));
    }
}
