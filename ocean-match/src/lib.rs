//! Auto-match a received referral's patient to the POS's own patients.
//!
//! "Auto-Match Patient to Received eRequest" is strongly recommended for every receiving POS. A
//! wrong match attaches a referral to the wrong chart, a patient-safety failure, so the rules
//! below are conservative and every decision comes with its reasons.
//!
//! 1. Read the referral's patient: [`patient_from_message`] finds it in an Ocean message
//!    Bundle; [`Demographics::from`] reads a [`Patient`].
//! 2. Ask [`Matcher::search_hints`] what to query the POS database by (health number first,
//!    then birth date narrowed by family name), and turn each result into a [`Candidate`].
//! 3. [`Matcher::match_patient`] returns a [`MatchOutcome`]: one confident
//!    [`Match`](MatchOutcome::Match), [`Candidates`](MatchOutcome::Candidates) for a person to
//!    choose from, or [`NoMatch`](MatchOutcome::NoMatch) (creating a patient is the vendor's
//!    decision). Every candidate gets an [`Assessment`] with [`Reason`]s naming the fields that
//!    agreed or disagreed, never their values.
//!
//! ```
//! use ocean_match::{Candidate, Demographics, Gender, Matcher, MatchOutcome, Name};
//! use ocean_model::{HealthNumber, Province};
//!
//! let referral = Demographics::new()
//!     .with_name(Name::new("Tremblay-Roy", ["Émilie"]))
//!     .with_birth_date("1984-03-09")
//!     .with_gender(Gender::Female)
//!     .with_health_number(HealthNumber::new(Province::ON, "1234 567 890"));
//! let matcher = Matcher::default();
//! let hints = matcher.search_hints(&referral); // query the POS database by these
//! assert_eq!(hints.len(), 2);
//!
//! let chart = Demographics::new()
//!     .with_name(Name::new("TREMBLAY ROY", ["EMILIE"]))
//!     .with_birth_date("1984-03-09")
//!     .with_health_number(HealthNumber::new(Province::ON, "1234567890"));
//! let outcome = matcher.match_patient(&referral, &[Candidate::new("chart-17", chart)]);
//! assert!(matches!(&outcome, MatchOutcome::Match { matched, .. } if matched.id == "chart-17"));
//! assert_eq!(outcome.match_ids(), ["chart-17"]);
//! ```
//!
//! # Rules for one candidate
//!
//! | # | when | the candidate is |
//! |---|---|---|
//! | 1 | health numbers agree and birth dates agree | [`Confident`](Confidence::Confident) |
//! | 2 | health numbers agree, birth dates disagree | [`Possible`](Confidence::Possible), flagged [`HealthNumberBirthDateConflict`](Reason::HealthNumberBirthDateConflict): never confident, a data-quality alarm |
//! | 3 | health numbers agree, birth date missing, invalid or at another precision | `Possible` |
//! | 4 | health numbers disagree (same jurisdiction, different value) | [`Rejected`](Confidence::Rejected), whatever else agrees: two numbers of one province are two people |
//! | 5 | no comparable health numbers (missing on either side, or of different jurisdictions), and family names agree (fully or in part), given names agree (fully or in part), birth dates agree and genders do not disagree | `Possible`, never confident |
//! | 6 | as 5, but the names agree only crosswise (family ↔ given) | `Possible`, flagged [`NamesSwapped`](Reason::NamesSwapped) |
//! | 7 | anything else | `Rejected` |
//! | 8 | with [`MatchRules::require_family_name`] set, rule 1 also needs the family names to agree (fully or in part); otherwise rule 3 applies | |
//!
//! By default names and gender never prevent rule 1 (health number and birth date make a
//! confident match; a family name changes on marriage); they are reported in the reasons.
//!
//! # Rules for the outcome
//!
//! | candidates | outcome |
//! |---|---|
//! | exactly one confident | `Match`; the possible ones are listed as `possible_duplicates` (typically charts of the same person kept without a health number) |
//! | two or more confident (duplicate charts) | `Candidates`, each confident one flagged [`DuplicateConfident`](Reason::DuplicateConfident); never a `Match` |
//! | no confident, one or more possible | `Candidates` |
//! | none possible (or no candidates) | `NoMatch`, with every rejected candidate's reasons |
//!
//! Candidates are ordered strongest first: confident duplicates, then health-number agreements,
//! then the rest, ties in input order. A candidate id given more than once is assessed once
//! (the first occurrence wins; ids compared exactly), so running several [`SearchHint`]s and
//! concatenating the results is fine.
//!
//! # Rules for each field
//!
//! | field | rule |
//! |---|---|
//! | health number | Read by the [`HealthNumber`] rules (a `JHN` identifier, or a known provincial system; an identifier with a system but no value, like Ocean's test patients', is no health number). Values compared after removing spaces and hyphens, ignoring case; the version code is not compared. Two numbers are comparable only within one [`Jurisdiction`]: the province the system names (any spelling: `http`/`https`, `-patient-hcn`/`-patient-healthcare-id`), else the exact system, else (no system) [`MatchRules::default_province`] if set; a number without a jurisdiction compares with nothing. Agree: some comparable pair is equal. Disagree: comparable pairs exist and none is equal. Otherwise missing or not comparable. |
//! | birth date | FHIR `date` text (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), surrounding spaces ignored. Agree only with the same value at the same precision; different values at the precision both have disagree; `1984` against `1984-03-09` is imprecise (not agreement); text that is not a valid date is invalid (not agreement). |
//! | names | Each side's names are every name (any `use`: official, usual, maiden, old…) with a family or given name; `HumanName.text` is not used. Each is split into parts by [`name_parts`] (NFKD, accents removed, case folded, `ß` → `ss`, hyphens, apostrophes and spaces as separators): `Émilie` = `EMILIE`, `Tremblay-Roy` = `Tremblay Roy`. Two part lists agree when they hold the same parts in any order or the same letters once separators are removed (`O'Brien` = `OBrien`); they agree in part when one's parts are a subset of the other's (`Garcia` and `García Márquez`, `Mary` and `Mary Anne`). A name's given names are compared together. The family and given findings come from the best pair of names, one from each side. Nicknames and initials are out of scope (`Bob` ≠ `Robert`, `J` ≠ `John`). |
//! | gender | `male`, `female`, `other` compared for equality; missing, `unknown` or an unrecognised code is unknown, never a disagreement. |
//!
//! Every comparison is symmetric: assessing A against B gives the same reasons as B against A.
//!
//! # Patient data
//!
//! [`Reason`], [`Assessment`] and [`MatchOutcome`] hold candidate ids and reason codes only;
//! their `Display`, `Debug` and JSON never contain names, numbers or dates. `Debug` of
//! [`Demographics`], [`Name`], [`Candidate`] and [`SearchHint`] masks the values.

#![forbid(unsafe_code)]

mod compare;
mod hint;
mod outcome;
mod reason;

use std::collections::HashSet;
use std::fmt;

use ocean_model::{
    AdministrativeGender, Bundle, Date, HealthNumber, MessageHeader, Patient, Province, Resource,
    ServiceRequest, Task,
};

pub use compare::{Jurisdiction, family_keys, name_parts};
pub use hint::SearchHint;
pub use outcome::{Assessment, Confidence, MatchOutcome};
pub use reason::{DateFinding, GenderFinding, NameFinding, NumberFinding, Reason};

use compare::{
    KeyedNumber, NameParts, compare_birth_dates, compare_genders, compare_names, compare_numbers,
    keyed_numbers, names_swapped,
};

/// An administrative gender that can agree or disagree. FHIR `unknown` (and a missing gender)
/// is `None` in [`Demographics::gender`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// `male`
    Male,
    /// `female`
    Female,
    /// `other`
    Other,
}

impl Gender {
    /// Reads a FHIR gender: `unknown` and unrecognised codes are `None`.
    pub fn from_fhir(gender: &AdministrativeGender) -> Option<Self> {
        match gender {
            AdministrativeGender::Male => Some(Self::Male),
            AdministrativeGender::Female => Some(Self::Female),
            AdministrativeGender::Other => Some(Self::Other),
            _ => None,
        }
    }
}

/// One name of a person: a family name and given names (first, middle). `Debug` masks them.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Name {
    /// The family name, as written (multi-part and hyphenated names in one string are fine).
    pub family: Option<String>,
    /// The given names, as written.
    pub given: Vec<String>,
}

impl Name {
    /// A name with a family name and given names.
    pub fn new<G: Into<String>>(
        family: impl Into<String>,
        given: impl IntoIterator<Item = G>,
    ) -> Self {
        Self {
            family: Some(family.into()),
            given: given.into_iter().map(Into::into).collect(),
        }
    }

    /// A name with given names only.
    pub fn given_only<G: Into<String>>(given: impl IntoIterator<Item = G>) -> Self {
        Self {
            family: None,
            given: given.into_iter().map(Into::into).collect(),
        }
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Name")
            .field("family", &self.family.as_ref().map(|_| "<redacted>"))
            .field("given", &self.given.len())
            .finish()
    }
}

/// What the matcher compares about a person: the referral's patient, or a POS patient inside a
/// [`Candidate`]. Fill it from a FHIR [`Patient`] with `From`, or from a database row with the
/// `with_*` methods. `Debug` masks the values.
#[derive(Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Demographics {
    /// Every name of the person (official, usual, maiden, old…).
    pub names: Vec<Name>,
    /// The birth date as a FHIR `date` (`YYYY-MM-DD`, or less precise).
    pub birth_date: Option<Date>,
    /// The gender; `None` when missing or unknown.
    pub gender: Option<Gender>,
    /// Provincial health numbers (any number of jurisdictions).
    pub health_numbers: Vec<HealthNumber>,
}

impl Demographics {
    /// No data yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a name.
    pub fn with_name(mut self, name: Name) -> Self {
        self.names.push(name);
        self
    }

    /// Sets the birth date from FHIR `date` text (`1984-03-09`, `1984-03`, `1984`).
    pub fn with_birth_date(mut self, date: impl Into<Date>) -> Self {
        self.birth_date = Some(date.into());
        self
    }

    /// Sets the birth date from a calendar date.
    ///
    /// ```
    /// use ocean_match::Demographics;
    /// let d = Demographics::new().with_birth_date_ymd(time::macros::date!(1984 - 03 - 09));
    /// assert_eq!(d.birth_date.unwrap().as_str(), "1984-03-09");
    /// ```
    pub fn with_birth_date_ymd(self, date: time::Date) -> Self {
        let text = format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        );
        self.with_birth_date(text)
    }

    /// Sets the gender.
    pub fn with_gender(mut self, gender: Gender) -> Self {
        self.gender = Some(gender);
        self
    }

    /// Adds a health number (`HealthNumber::new(Province::BC, "9876 543 210")`, or
    /// `HealthNumber::from_identifier` for a stored FHIR identifier).
    pub fn with_health_number(mut self, number: HealthNumber) -> Self {
        self.health_numbers.push(number);
        self
    }
}

impl From<&Patient> for Demographics {
    /// Reads every name with a family or given name, the birth date, the gender (`unknown` is
    /// `None`) and every identifier that is a health number.
    fn from(p: &Patient) -> Self {
        Self {
            names: p
                .name
                .iter()
                .filter(|n| n.family.is_some() || !n.given.is_empty())
                .map(|n| Name {
                    family: n.family.clone(),
                    given: n.given.clone(),
                })
                .collect(),
            birth_date: p.birth_date.clone(),
            gender: p.gender.as_ref().and_then(Gender::from_fhir),
            health_numbers: p
                .identifier
                .iter()
                .filter_map(HealthNumber::from_identifier)
                .collect(),
        }
    }
}

impl fmt::Debug for Demographics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Demographics")
            .field("names", &self.names.len())
            .field(
                "birth_date",
                &self.birth_date.as_ref().map(|_| "<redacted>"),
            )
            .field("gender", &self.gender.map(|_| "<redacted>"))
            .field("health_numbers", &self.health_numbers.len())
            .finish()
    }
}

/// A POS patient to compare with the referral: the vendor's own id and the demographics.
/// `Debug` shows the id and masks the demographics.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Candidate {
    /// The vendor's id for this patient (chart number, database key); reported in the outcome.
    pub id: String,
    /// What is compared.
    pub demographics: Demographics,
}

impl Candidate {
    /// A candidate from an id and demographics.
    pub fn new(id: impl Into<String>, demographics: Demographics) -> Self {
        Self {
            id: id.into(),
            demographics,
        }
    }

    /// A candidate from a FHIR Patient with a non-blank `id` (`None` without one).
    pub fn from_patient(patient: &Patient) -> Option<Self> {
        let id = patient.id.as_ref()?.as_str().trim();
        if id.is_empty() {
            return None;
        }
        Some(Self::new(id, Demographics::from(patient)))
    }
}

/// The tunable rules. The defaults are the documented rules (see the module docs).
///
/// ```
/// use ocean_match::{MatchRules, Matcher};
/// use ocean_model::Province;
/// let mut rules = MatchRules::default();
/// rules.default_province = Some(Province::BC); // the POS stores bare BC PHNs
/// let matcher = Matcher::new(rules);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MatchRules {
    /// The province of a health number that has no system (a POS that stores bare numbers
    /// from one province). Default `None`: such numbers compare with nothing.
    pub default_province: Option<Province>,
    /// Whether a confident match also needs the family names to agree (fully or in part).
    /// Default `false`: health number and birth date suffice.
    pub require_family_name: bool,
}

/// Compares a referral's patient with candidates under [`MatchRules`].
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    rules: MatchRules,
}

impl Matcher {
    /// A matcher with the given rules.
    pub fn new(rules: MatchRules) -> Self {
        Self { rules }
    }

    /// The rules.
    pub fn rules(&self) -> &MatchRules {
        &self.rules
    }

    /// What to query the POS database by: [`SearchHint::HealthNumber`] for each of the
    /// referral's health numbers with a jurisdiction, then [`SearchHint::BirthDate`] when the
    /// birth date is valid and the referral has a name. Every candidate the matcher would find
    /// confident or possible answers at least one hint.
    pub fn search_hints(&self, referral: &Demographics) -> Vec<SearchHint> {
        hint::hints(referral, &self.rules)
    }

    /// Assesses one candidate (rules 1–8 of the module docs; never
    /// [`Reason::DuplicateConfident`], which needs the other candidates).
    pub fn assess(&self, referral: &Demographics, candidate: &Candidate) -> Assessment {
        let prepared = Prepared::new(referral, &self.rules);
        self.assess_prepared(&prepared, candidate)
    }

    fn assess_prepared(&self, referral: &Prepared<'_>, candidate: &Candidate) -> Assessment {
        let other = Prepared::new(&candidate.demographics, &self.rules);
        let number = compare_numbers(&referral.numbers, &other.numbers);
        let birth = compare_birth_dates(referral.birth_date, other.birth_date);
        let (family, given) = compare_names(&referral.names, &other.names);
        let gender = compare_genders(referral.gender, other.gender);
        let straight = family.agrees() && given.agrees();
        let swapped = !straight && names_swapped(&referral.names, &other.names);

        let mut reasons = vec![
            Reason::HealthNumber(number),
            Reason::BirthDate(birth),
            Reason::FamilyName(family),
            Reason::GivenName(given),
            Reason::Gender(gender),
        ];
        if swapped {
            reasons.push(Reason::NamesSwapped);
        }
        if number == NumberFinding::Agree && birth == DateFinding::Disagree {
            reasons.push(Reason::HealthNumberBirthDateConflict);
        }

        let confidence = match number {
            NumberFinding::Disagree => Confidence::Rejected,
            NumberFinding::Agree => {
                if birth == DateFinding::Agree
                    && (!self.rules.require_family_name || family.agrees())
                {
                    Confidence::Confident
                } else {
                    Confidence::Possible
                }
            }
            NumberFinding::Missing | NumberFinding::NotComparable => {
                if birth == DateFinding::Agree
                    && gender != GenderFinding::Disagree
                    && (straight || swapped)
                {
                    Confidence::Possible
                } else {
                    Confidence::Rejected
                }
            }
        };
        Assessment::new(candidate.id.clone(), confidence, reasons)
    }

    /// Matches the referral's patient against candidates (see the module docs for every rule).
    pub fn match_patient<'a>(
        &self,
        referral: &Demographics,
        candidates: impl IntoIterator<Item = &'a Candidate>,
    ) -> MatchOutcome {
        let prepared = Prepared::new(referral, &self.rules);
        let mut seen = HashSet::new();
        let mut confident = Vec::new();
        let mut possible = Vec::new();
        let mut rejected = Vec::new();
        for candidate in candidates {
            if !seen.insert(candidate.id.as_str()) {
                continue;
            }
            let a = self.assess_prepared(&prepared, candidate);
            match a.confidence {
                Confidence::Confident => confident.push(a),
                Confidence::Possible => possible.push(a),
                Confidence::Rejected => rejected.push(a),
            }
        }
        // Health-number agreements first; the sort is stable, so ties keep input order.
        possible.sort_by_key(|a| !a.number_agrees());
        if confident.len() == 1 {
            if let Some(matched) = confident.pop() {
                return MatchOutcome::Match {
                    matched,
                    possible_duplicates: possible,
                    rejected,
                };
            }
        }
        for a in &mut confident {
            a.reasons.push(Reason::DuplicateConfident);
        }
        confident.append(&mut possible);
        if confident.is_empty() {
            MatchOutcome::NoMatch { rejected }
        } else {
            MatchOutcome::Candidates {
                candidates: confident,
                rejected,
            }
        }
    }
}

/// One side's data, normalised once.
struct Prepared<'a> {
    names: Vec<NameParts>,
    birth_date: Option<&'a Date>,
    gender: Option<Gender>,
    numbers: Vec<KeyedNumber>,
}

impl<'a> Prepared<'a> {
    fn new(d: &'a Demographics, rules: &MatchRules) -> Self {
        Self {
            names: NameParts::of(&d.names),
            birth_date: d.birth_date.as_ref(),
            gender: d.gender,
            numbers: keyed_numbers(&d.health_numbers, rules),
        }
    }
}

/// The patient of an Ocean message Bundle: the `subject` of the ServiceRequest (or the `for` of
/// the Task) that the MessageHeader's `focus` points to, or a Patient focus itself; failing
/// those, the first Patient in the Bundle. `None` when the Bundle has no Patient.
///
/// ```
/// use ocean_match::patient_from_message;
/// let json = include_str!("../../testdata/ocean/ereferral_back_pain.bundle.json");
/// let bundle: ocean_model::Bundle = ocean_model::json::from_str(json).unwrap();
/// let patient = patient_from_message(&bundle).unwrap();
/// assert_eq!(patient.name[0].family.as_deref(), Some("DKTest"));
/// ```
pub fn patient_from_message(bundle: &Bundle) -> Option<&Patient> {
    let focus = bundle
        .first_of::<MessageHeader>()
        .map(|h| h.focus.as_slice())
        .unwrap_or_default();
    for reference in focus {
        let Some(text) = reference.reference.as_deref() else {
            continue;
        };
        let subject = match bundle.resolve(text) {
            Some(Resource::Patient(p)) => return Some(p),
            Some(r) => {
                if let Some(sr) = r.as_type::<ServiceRequest>() {
                    sr.subject.as_ref()
                } else if let Some(task) = r.as_type::<Task>() {
                    task.for_.as_ref()
                } else {
                    None
                }
            }
            None => None,
        };
        if let Some(p) = subject.and_then(|s| bundle.resolve_as::<Patient>(s)) {
            return Some(p);
        }
    }
    bundle.first_of::<Patient>()
}
