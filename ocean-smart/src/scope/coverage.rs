//! "Can Ocean read what it needs?": what a set of scopes lacks for the reads Ocean makes.

use std::fmt;

use serde::Serialize;

use super::set::{Grant, ScopeSet};
use crate::interaction::Interaction;
use crate::reads::{OCEAN_READS, OceanRead};

/// One resource type and interaction a set of scopes does not fully grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The resource type.
    pub resource_type: &'static str,
    /// The interaction.
    pub interaction: Interaction,
    /// Why Ocean needs it.
    pub why: &'static str,
}

/// What a grant lacks for the reads Ocean makes (see [`crate::everything::OCEAN_READS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Not granted at all.
    pub missing: Vec<Gap>,
    /// Granted only through a v2 query restriction (Ocean may get part of the data).
    pub restricted: Vec<Gap>,
}

impl Coverage {
    /// Whether every read is fully granted.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.restricted.is_empty()
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_complete() {
            return f.write_str("complete");
        }
        let mut first = true;
        for (label, gaps) in [("missing", &self.missing), ("restricted", &self.restricted)] {
            for g in gaps {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{label} {} {}", g.resource_type, g.interaction)?;
            }
        }
        Ok(())
    }
}

impl ScopeSet {
    /// Which of `reads` the set does not fully grant.
    pub fn coverage(&self, reads: &[OceanRead], patient_in_context: bool) -> Coverage {
        let mut out = Coverage::default();
        for read in reads {
            if read.needs_patient && !patient_in_context {
                continue;
            }
            for &interaction in read.interactions {
                let gap = Gap {
                    resource_type: read.resource_type,
                    interaction,
                    why: read.why,
                };
                match self.grant(read.resource_type, interaction, patient_in_context) {
                    Grant::Full => {}
                    Grant::Restricted(_) => out.restricted.push(gap),
                    Grant::None => out.missing.push(gap),
                }
            }
        }
        out
    }

    /// "Does this grant let Ocean read everything `$everything` returns for the resource types
    /// Ocean reads?": [`ScopeSet::coverage`] over [`OCEAN_READS`].
    pub fn ocean_coverage(&self, patient_in_context: bool) -> Coverage {
        self.coverage(OCEAN_READS, patient_in_context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocean_coverage() {
        let c =
            ScopeSet::parse("patient/Patient.read patient/Observation.read").ocean_coverage(true);
        assert!(!c.is_complete());
        assert!(
            c.missing
                .iter()
                .any(|g| g.resource_type == "MedicationStatement")
        );
        assert!(!c.missing.iter().any(|g| g.resource_type == "Observation"));
        // Without a patient, only the reads that do not need one count.
        let c = ScopeSet::parse("user/Practitioner.read").ocean_coverage(false);
        assert!(c.is_complete(), "{c}");
        let c = ScopeSet::parse("patient/*.read").ocean_coverage(false);
        assert_eq!(c.to_string(), "missing Practitioner read");
    }
}
