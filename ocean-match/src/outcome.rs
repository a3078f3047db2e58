//! What the matcher concluded: per-candidate assessments and the overall outcome.

use std::fmt;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::reason::{NumberFinding, Reason};

/// How strongly one candidate is the referral's patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Confidence {
    /// Not the patient (or not enough agreement to say so).
    Rejected,
    /// Possibly the patient: a person must choose.
    Possible,
    /// The patient, by health number and birth date.
    Confident,
}

impl Confidence {
    /// The stable code: `confident`, `possible` or `rejected`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Confident => "confident",
            Self::Possible => "possible",
            Self::Rejected => "rejected",
        }
    }

    /// The same as `code()`, under the accessor name every code type of the workspace has
    /// (`ocean_model`'s conventions).
    pub fn as_str(self) -> &'static str {
        self.code()
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Confidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The matcher's view of one candidate: its id, confidence and reasons.
///
/// `reasons` always starts with one finding per field, in the order health number, birth date,
/// family name, given name, gender; flags ([`Reason::NamesSwapped`],
/// [`Reason::HealthNumberBirthDateConflict`], [`Reason::DuplicateConfident`]) follow.
/// `Debug` and JSON (`{"id", "level", "codes"}`) show the candidate id (the vendor's own chart
/// id) and reason codes only.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Assessment {
    /// The candidate's id, as the vendor gave it.
    pub id: String,
    /// How strongly the candidate is the referral's patient.
    pub confidence: Confidence,
    /// Why.
    pub reasons: Vec<Reason>,
}

impl Assessment {
    pub(crate) fn new(id: String, confidence: Confidence, reasons: Vec<Reason>) -> Self {
        Self {
            id,
            confidence,
            reasons,
        }
    }

    /// Whether the reasons include `reason`.
    pub fn has(&self, reason: Reason) -> bool {
        self.reasons.contains(&reason)
    }

    /// The reason codes, in order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.reasons.iter().map(|r| r.code()).collect()
    }

    /// Whether the health numbers agree (orders candidates: these come first).
    pub(crate) fn number_agrees(&self) -> bool {
        self.has(Reason::HealthNumber(NumberFinding::Agree))
    }
}

impl Serialize for Assessment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Assessment", 3)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("level", &self.confidence)?;
        st.serialize_field("codes", &self.reasons)?;
        st.end()
    }
}

/// The result of matching a referral's patient against candidates. Every candidate (after
/// removing repeated ids) appears in exactly one place.
///
/// Serialises as `{"outcome": "match"|"candidates"|"none", "matches": [ids], "reasons":
/// [{"id", "level", "codes": [reason codes]}]}`: `matches` holds the confident match or the
/// candidates; `reasons` holds every assessment, in the order of [`MatchOutcome::assessments`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchOutcome {
    /// Exactly one candidate is a confident match.
    Match {
        /// The confident match.
        matched: Assessment,
        /// Other candidates that are possible matches: usually duplicate charts of the same
        /// person kept without a health number. The match stands (it agrees on health number
        /// and birth date), but the vendor may want to offer a chart merge.
        possible_duplicates: Vec<Assessment>,
        /// The rejected candidates.
        rejected: Vec<Assessment>,
    },
    /// No single confident match, but candidates a person should choose from (strongest first:
    /// confident duplicates, then health-number agreements, then demographic agreements; ties
    /// in input order).
    Candidates {
        /// The candidates (at least one).
        candidates: Vec<Assessment>,
        /// The rejected candidates.
        rejected: Vec<Assessment>,
    },
    /// Nothing matched: creating a new patient is the vendor's decision.
    NoMatch {
        /// Every candidate, rejected, with its reasons.
        rejected: Vec<Assessment>,
    },
}

impl MatchOutcome {
    /// `"match"`, `"candidates"` or `"none"`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Match { .. } => "match",
            Self::Candidates { .. } => "candidates",
            Self::NoMatch { .. } => "none",
        }
    }

    /// The same as `code()`, under the accessor name every code type of the workspace has
    /// (`ocean_model`'s conventions).
    pub fn as_str(&self) -> &'static str {
        self.code()
    }

    /// The confident match, if there is one.
    pub fn matched(&self) -> Option<&Assessment> {
        match self {
            Self::Match { matched, .. } => Some(matched),
            _ => None,
        }
    }

    /// The ids in `matches`: the confident match, or the candidates (empty for no match).
    pub fn match_ids(&self) -> Vec<&str> {
        match self {
            Self::Match { matched, .. } => vec![matched.id.as_str()],
            Self::Candidates { candidates, .. } => {
                candidates.iter().map(|a| a.id.as_str()).collect()
            }
            Self::NoMatch { .. } => Vec::new(),
        }
    }

    /// Every assessment: the match or candidates first, then possible duplicates, then the
    /// rejected ones.
    pub fn assessments(&self) -> impl Iterator<Item = &Assessment> {
        let (first, second, third): (&[Assessment], &[Assessment], &[Assessment]) = match self {
            Self::Match {
                matched,
                possible_duplicates,
                rejected,
            } => (std::slice::from_ref(matched), possible_duplicates, rejected),
            Self::Candidates {
                candidates,
                rejected,
            } => (candidates, &[], rejected),
            Self::NoMatch { rejected } => (&[], &[], rejected),
        };
        first.iter().chain(second).chain(third)
    }
}

impl fmt::Display for MatchOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Match {
                possible_duplicates,
                rejected,
                ..
            } => write!(
                f,
                "confident match ({} possible duplicate(s), {} rejected)",
                possible_duplicates.len(),
                rejected.len()
            ),
            Self::Candidates {
                candidates,
                rejected,
            } => write!(
                f,
                "{} candidate(s) to choose from ({} rejected)",
                candidates.len(),
                rejected.len()
            ),
            Self::NoMatch { rejected } => write!(f, "no match ({} rejected)", rejected.len()),
        }
    }
}

impl Serialize for MatchOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("outcome", self.code())?;
        map.serialize_entry("matches", &self.match_ids())?;
        map.serialize_entry("reasons", &self.assessments().collect::<Vec<_>>())?;
        map.end()
    }
}
