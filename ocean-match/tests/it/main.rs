//! Patient auto-match: the case table (one test per case), the sample files and real Ocean
//! messages, snapshots, search hints, patient-data sentinels and property tests; shared helpers
//! here, one module per concern.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ocean_match::{
    Assessment, Candidate, Confidence, DateFinding, Demographics, Gender, GenderFinding,
    Jurisdiction, MatchOutcome, MatchRules, Matcher, Name, NameFinding, NumberFinding, Reason,
    SearchHint, family_keys, name_parts, patient_from_message,
};
use ocean_model::identifiers::V2_0203;
use ocean_model::{
    Bundle, Code, CodeableConcept, Coding, HealthNumber, Identifier, Patient, Province, Resource,
    json,
};

mod cases;
mod hints;
mod privacy;
mod props;
mod samples;

const ON: Province = Province::ON;
const BC: Province = Province::BC;
const SAMPLE_REFERRAL: &str = include_str!("../../../testdata/match/referral-patient.json");
const SAMPLE_CANDIDATES: &str = include_str!("../../../testdata/match/candidates.json");
const OCEAN_BACK_PAIN: &str =
    include_str!("../../../testdata/ocean/ereferral_back_pain.bundle.json");
const OCEAN_MISC: &str =
    include_str!("../../../testdata/ocean/ereferral_miscellaneous.bundle.json");

// ---------------------------------------------------------------------------------------------
// Helpers

fn person(family: &str, given: &[&str], birth_date: &str) -> Demographics {
    let mut d = Demographics::new().with_name(Name::new(family, given.iter().copied()));
    if !birth_date.is_empty() {
        d = d.with_birth_date(birth_date);
    }
    d
}

fn hn(p: Province, value: &str) -> HealthNumber {
    HealthNumber::new(p, value)
}

/// A `JHN` identifier with any system (or none).
fn jhn(system: Option<&str>, value: &str) -> HealthNumber {
    let mut id = Identifier::default();
    id.system = system.map(Into::into);
    id.value = Some(value.to_owned());
    id.type_ = Some(CodeableConcept::from_coding(Coding::new(
        V2_0203,
        Code::new("JHN"),
    )));
    HealthNumber::from_identifier(&id).unwrap()
}

/// The referral used by most cases: Émilie Tremblay-Roy, female, 1984-03-09, ON 1234 567 890.
fn emilie() -> Demographics {
    person("Tremblay-Roy", &["Émilie"], "1984-03-09")
        .with_gender(Gender::Female)
        .with_health_number(hn(ON, "1234 567 890"))
}

fn cand(id: &str, d: Demographics) -> Candidate {
    Candidate::new(id, d)
}

fn run(referral: &Demographics, candidates: &[Candidate]) -> MatchOutcome {
    Matcher::default().match_patient(referral, candidates)
}

fn assessment<'a>(o: &'a MatchOutcome, id: &str) -> &'a Assessment {
    o.assessments()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no assessment for {id} in {o:?}"))
}

#[track_caller]
fn expect(o: &MatchOutcome, outcome: &str, matches: &[&str]) {
    assert_eq!(o.code(), outcome, "{o:?}");
    assert_eq!(o.match_ids(), matches, "{o:?}");
}

#[track_caller]
fn expect_level(o: &MatchOutcome, id: &str, level: Confidence, reasons: &[Reason]) {
    let a = assessment(o, id);
    assert_eq!(a.confidence, level, "{id}: {a:?}");
    for r in reasons {
        assert!(a.has(*r), "{id}: expected {r:?} in {:?}", a.codes());
    }
}

use DateFinding as D;
use GenderFinding as G;
use NameFinding as Nm;
use NumberFinding as Hn;
use Reason::{BirthDate, FamilyName, Gender as Gen, GivenName, HealthNumber as Num};
