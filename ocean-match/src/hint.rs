//! What a vendor should query its patient database by, so matching never scans every patient.

use std::collections::BTreeSet;
use std::fmt;

use ocean_model::Date;

use crate::compare::{Jurisdiction, compare_birth_dates, family_keys, keyed_numbers, name_parts};
use crate::reason::DateFinding;
use crate::{Demographics, MatchRules};

/// One database query that finds candidates for a referral (see
/// [`Matcher::search_hints`](crate::Matcher::search_hints)). Run every hint and pass the union
/// of the results to the matcher (repeated ids are fine: the matcher keeps the first).
///
/// `Debug` masks the values (they are patient data); read them from the fields.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SearchHint {
    /// Patients with a health number of this jurisdiction whose normalised value (spaces and
    /// hyphens removed, upper case: [`ocean_model::HealthNumber::normalized_value`]) is `value`.
    /// Finds every confident match.
    HealthNumber {
        /// The number's jurisdiction.
        jurisdiction: Jurisdiction,
        /// The normalised number.
        value: String,
    },
    /// Patients born on `birth_date` (same value at the same precision: `1984-03-09`, or
    /// `1984-03` for a month-precision date), optionally narrowed to patients any of whose
    /// [`family_keys`](crate::family_keys) is in `family_keys`. The narrowed query still finds
    /// every possible match, swapped names included; querying by birth date alone is also
    /// correct.
    BirthDate {
        /// The referral's birth date, as written (surrounding spaces removed).
        birth_date: Date,
        /// The [`family_keys`](crate::family_keys) of the referral's family names, plus the parts
        /// of its given names and those parts joined (to find swapped names). Sorted.
        family_keys: Vec<String>,
    },
}

impl SearchHint {
    /// Whether a patient answers this query, narrowed by family keys (the reference semantics
    /// of the query; useful for in-memory stores and tests).
    pub fn admits(&self, patient: &Demographics, rules: &MatchRules) -> bool {
        match self {
            Self::HealthNumber {
                jurisdiction,
                value,
            } => keyed_numbers(&patient.health_numbers, rules)
                .iter()
                .any(|(j, v)| j.as_ref() == Some(jurisdiction) && v == value),
            Self::BirthDate {
                birth_date,
                family_keys: keys,
            } => {
                compare_birth_dates(Some(birth_date), patient.birth_date.as_ref())
                    == DateFinding::Agree
                    && patient
                        .names
                        .iter()
                        .filter_map(|n| n.family.as_deref())
                        .flat_map(family_keys)
                        .any(|k| keys.binary_search(&k).is_ok())
            }
        }
    }
}

impl fmt::Debug for SearchHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HealthNumber { jurisdiction, .. } => f
                .debug_struct("HealthNumber")
                .field("jurisdiction", jurisdiction)
                .field("value", &"<redacted>")
                .finish(),
            Self::BirthDate { family_keys, .. } => f
                .debug_struct("BirthDate")
                .field("birth_date", &"<redacted>")
                .field("family_keys", &family_keys.len())
                .finish(),
        }
    }
}

/// The hints for a referral's patient: one per health number with a value and a jurisdiction
/// (in order, without repeats), then one by birth date when the birth date is a valid date and
/// the patient has a family or given name.
pub(crate) fn hints(referral: &Demographics, rules: &MatchRules) -> Vec<SearchHint> {
    let mut out = Vec::new();
    for (j, value) in keyed_numbers(&referral.health_numbers, rules) {
        let Some(jurisdiction) = j else { continue };
        let hint = SearchHint::HealthNumber {
            jurisdiction,
            value,
        };
        if !out.contains(&hint) {
            out.push(hint);
        }
    }
    if let Some(birth_date) = referral.birth_date.as_ref() {
        let birth_date = Date::new(birth_date.as_str().trim());
        let mut keys = BTreeSet::new();
        for name in &referral.names {
            keys.extend(name.family.as_deref().map(family_keys).unwrap_or_default());
            // The given names as a whole, for a family name typed into the given field.
            let given: Vec<String> = name.given.iter().flat_map(|g| name_parts(g)).collect();
            if !given.is_empty() {
                keys.insert(given.concat());
            }
            keys.extend(given);
        }
        if birth_date.parse().is_ok() && !keys.is_empty() {
            out.push(SearchHint::BirthDate {
                birth_date,
                family_keys: keys.into_iter().collect(),
            });
        }
    }
    out
}
