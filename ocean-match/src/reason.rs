//! Why a candidate matched or not: one finding per compared field, plus flags. Every reason has
//! a stable code (`health_number.agree`) and a Display that names the field only.

use std::fmt;

use serde::{Serialize, Serializer};

/// How two sets of health numbers compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberFinding {
    /// A number of the same jurisdiction has the same normalised value on both sides.
    Agree,
    /// Both sides have a number of the same jurisdiction, and no such pair has the same value.
    Disagree,
    /// One side (or both) has no health number with a value.
    Missing,
    /// Both sides have numbers, but of different jurisdictions (or of an unknown one), so they
    /// cannot be compared.
    NotComparable,
}

/// How two birth dates compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateFinding {
    /// Same date at the same precision.
    Agree,
    /// Different dates (at the precision both have).
    Disagree,
    /// One side (or both) has no birth date.
    Missing,
    /// Different precisions that do not contradict each other (`1984` and `1984-03-09`).
    Imprecise,
    /// One side (or both) is not a valid FHIR `date`.
    Invalid,
}

/// How two family names, or two sets of given names, compare after normalisation (see the
/// module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameFinding {
    /// Same parts (in any order), or the same letters once separators are removed.
    Agree,
    /// The parts of one are a subset of the parts of the other (`Garcia` and `Garcia Marquez`).
    Partial,
    /// Neither.
    Disagree,
    /// One side (or both) has no such name.
    Missing,
}

impl NameFinding {
    /// Whether the names agree, fully or partly.
    pub fn agrees(self) -> bool {
        matches!(self, Self::Agree | Self::Partial)
    }
}

/// How two administrative genders compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GenderFinding {
    /// Both known and equal.
    Agree,
    /// Both known and different.
    Disagree,
    /// One side (or both) missing or `unknown`: never a disagreement.
    Unknown,
}

/// One reason in an [`Assessment`](crate::Assessment): a field finding or a flag.
///
/// [`Reason::code`] is stable (vendors may store it); `Display` is a short English phrase. Neither
/// ever contains patient data, only field names.
///
/// ```
/// use ocean_match::{NumberFinding, Reason};
/// let r = Reason::HealthNumber(NumberFinding::Agree);
/// assert_eq!(r.code(), "health_number.agree");
/// assert_eq!(r.to_string(), "health number agrees");
/// assert_eq!(Reason::from_code("health_number.agree"), Some(r));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The provincial health numbers.
    HealthNumber(NumberFinding),
    /// The birth dates.
    BirthDate(DateFinding),
    /// The family names (best pair of names, see the module docs).
    FamilyName(NameFinding),
    /// The given names (of the same pair of names).
    GivenName(NameFinding),
    /// The genders.
    Gender(GenderFinding),
    /// The family name of one agrees with the given names of the other and the other way round:
    /// a likely data-entry swap. Never counts as name agreement.
    NamesSwapped,
    /// The health number agrees and the birth date disagrees: one of the two records is wrong.
    /// Never a confident match; a data-quality alarm the vendor should surface.
    HealthNumberBirthDateConflict,
    /// Another candidate qualifies as a confident match too (duplicate charts), so no candidate is
    /// the match.
    DuplicateConfident,
}

impl Reason {
    /// Every reason, in code order (for documentation and tests).
    pub const ALL: [Reason; 23] = [
        Self::HealthNumber(NumberFinding::Agree),
        Self::HealthNumber(NumberFinding::Disagree),
        Self::HealthNumber(NumberFinding::Missing),
        Self::HealthNumber(NumberFinding::NotComparable),
        Self::BirthDate(DateFinding::Agree),
        Self::BirthDate(DateFinding::Disagree),
        Self::BirthDate(DateFinding::Missing),
        Self::BirthDate(DateFinding::Imprecise),
        Self::BirthDate(DateFinding::Invalid),
        Self::FamilyName(NameFinding::Agree),
        Self::FamilyName(NameFinding::Partial),
        Self::FamilyName(NameFinding::Disagree),
        Self::FamilyName(NameFinding::Missing),
        Self::GivenName(NameFinding::Agree),
        Self::GivenName(NameFinding::Partial),
        Self::GivenName(NameFinding::Disagree),
        Self::GivenName(NameFinding::Missing),
        Self::Gender(GenderFinding::Agree),
        Self::Gender(GenderFinding::Disagree),
        Self::Gender(GenderFinding::Unknown),
        Self::NamesSwapped,
        Self::HealthNumberBirthDateConflict,
        Self::DuplicateConfident,
    ];

    /// The stable code: `<field>.<finding>` for field findings (`birth_date.disagree`), a single
    /// word for flags (`names_swapped`, `health_number_birth_date_conflict`,
    /// `duplicate_confident`).
    pub fn code(self) -> &'static str {
        match self {
            Self::HealthNumber(f) => match f {
                NumberFinding::Agree => "health_number.agree",
                NumberFinding::Disagree => "health_number.disagree",
                NumberFinding::Missing => "health_number.missing",
                NumberFinding::NotComparable => "health_number.not_comparable",
            },
            Self::BirthDate(f) => match f {
                DateFinding::Agree => "birth_date.agree",
                DateFinding::Disagree => "birth_date.disagree",
                DateFinding::Missing => "birth_date.missing",
                DateFinding::Imprecise => "birth_date.imprecise",
                DateFinding::Invalid => "birth_date.invalid",
            },
            Self::FamilyName(f) => match f {
                NameFinding::Agree => "family_name.agree",
                NameFinding::Partial => "family_name.partial",
                NameFinding::Disagree => "family_name.disagree",
                NameFinding::Missing => "family_name.missing",
            },
            Self::GivenName(f) => match f {
                NameFinding::Agree => "given_name.agree",
                NameFinding::Partial => "given_name.partial",
                NameFinding::Disagree => "given_name.disagree",
                NameFinding::Missing => "given_name.missing",
            },
            Self::Gender(f) => match f {
                GenderFinding::Agree => "gender.agree",
                GenderFinding::Disagree => "gender.disagree",
                GenderFinding::Unknown => "gender.unknown",
            },
            Self::NamesSwapped => "names_swapped",
            Self::HealthNumberBirthDateConflict => "health_number_birth_date_conflict",
            Self::DuplicateConfident => "duplicate_confident",
        }
    }

    /// The same as `code()`, under the accessor name every code type of the workspace has
    /// (`ocean_model`'s conventions).
    pub fn as_str(self) -> &'static str {
        self.code()
    }

    /// Reads a code written by [`Reason::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether this reason speaks against the candidate being the referral's patient (a
    /// disagreement or a flag).
    pub fn is_against(self) -> bool {
        matches!(
            self,
            Self::HealthNumber(NumberFinding::Disagree)
                | Self::BirthDate(DateFinding::Disagree)
                | Self::FamilyName(NameFinding::Disagree)
                | Self::GivenName(NameFinding::Disagree)
                | Self::Gender(GenderFinding::Disagree)
                | Self::NamesSwapped
                | Self::HealthNumberBirthDateConflict
                | Self::DuplicateConfident
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |x: &NameFinding| match x {
            NameFinding::Agree => "agrees",
            NameFinding::Partial => "agrees in part",
            NameFinding::Disagree => "disagrees",
            NameFinding::Missing => "missing",
        };
        let (field, verb) = match self {
            Self::HealthNumber(x) => (
                "health number",
                match x {
                    NumberFinding::Agree => "agrees",
                    NumberFinding::Disagree => "disagrees",
                    NumberFinding::Missing => "missing",
                    NumberFinding::NotComparable => "not comparable (different jurisdictions)",
                },
            ),
            Self::BirthDate(x) => (
                "birth date",
                match x {
                    DateFinding::Agree => "agrees",
                    DateFinding::Disagree => "disagrees",
                    DateFinding::Missing => "missing",
                    DateFinding::Imprecise => "given at different precisions",
                    DateFinding::Invalid => "not a valid date",
                },
            ),
            Self::FamilyName(x) => ("family name", name(x)),
            Self::GivenName(x) => ("given name", name(x)),
            Self::Gender(x) => (
                "gender",
                match x {
                    GenderFinding::Agree => "agrees",
                    GenderFinding::Disagree => "disagrees",
                    GenderFinding::Unknown => "unknown",
                },
            ),
            Self::NamesSwapped => return f.write_str("family and given names swapped"),
            Self::HealthNumberBirthDateConflict => {
                return f.write_str("health number agrees but birth date disagrees");
            }
            Self::DuplicateConfident => {
                return f.write_str("another candidate is a confident match too");
            }
        };
        write!(f, "{field} {verb}")
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}
