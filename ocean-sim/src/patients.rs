//! The simulator's synthetic patients: the only patient data it ever sends, logs or reports.
//!
//! Names are made up and say so ("Simtest"); health numbers start with `9000`, which BC and
//! Ontario never issue to a real person; birth dates are fixed. Every run gives each referral
//! fresh ids, never fresh people.

/// A made-up patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticPatient {
    /// Family name.
    pub family: &'static str,
    /// Given name.
    pub given: &'static str,
    /// `male`, `female`, `other` or `unknown`.
    pub gender: &'static str,
    /// `YYYY-MM-DD`.
    pub birth_date: &'static str,
    /// A health number no province issues.
    pub health_number: &'static str,
    /// The sending EMR's record number.
    pub mrn: &'static str,
}

impl SyntheticPatient {
    /// "Family, Given", as the report shows a patient.
    pub fn display(&self) -> String {
        format!("{}, {}", self.family, self.given)
    }
}

/// The patients, cycled through by the scenarios.
pub const PATIENTS: [SyntheticPatient; 4] = [
    SyntheticPatient {
        family: "Simtest",
        given: "Alpha",
        gender: "female",
        birth_date: "1961-04-01",
        health_number: "9000000011",
        mrn: "SIM-0001",
    },
    SyntheticPatient {
        family: "Simtest",
        given: "Bravo",
        gender: "male",
        birth_date: "1975-09-12",
        health_number: "9000000029",
        mrn: "SIM-0002",
    },
    SyntheticPatient {
        family: "Simtest",
        given: "Charlie",
        gender: "other",
        birth_date: "1990-01-30",
        health_number: "9000000037",
        mrn: "SIM-0003",
    },
    SyntheticPatient {
        family: "Simtest",
        given: "Delta",
        gender: "female",
        birth_date: "2004-07-19",
        health_number: "9000000045",
        mrn: "SIM-0004",
    },
];

/// The patient for the `n`th referral of a run.
pub fn patient(n: usize) -> &'static SyntheticPatient {
    let i = n % PATIENTS.len();
    PATIENTS.get(i).unwrap_or(&PATIENTS[0])
}
