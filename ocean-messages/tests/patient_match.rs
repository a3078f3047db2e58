//! Patient auto-match: the case table (one test per case), the sample files and real Ocean
//! messages, snapshots, patient-data sentinels and property tests.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ocean_messages::patient_match::{
    Assessment, Candidate, Confidence, DateFinding, Demographics, Gender, GenderFinding,
    Jurisdiction, MatchOutcome, MatchRules, Matcher, Name, NameFinding, NumberFinding, Reason,
    SearchHint, family_keys, name_parts, patient_from_message,
};
use ocean_model::identifiers::V2_0203;
use ocean_model::{
    Bundle, Code, CodeableConcept, Coding, HealthNumber, Identifier, Patient, Province, Resource,
    json,
};

const ON: Province = Province::ON;
const BC: Province = Province::BC;
const SAMPLE_REFERRAL: &str = include_str!("../../testdata/match/referral-patient.json");
const SAMPLE_CANDIDATES: &str = include_str!("../../testdata/match/candidates.json");
const OCEAN_BACK_PAIN: &str = include_str!("../../testdata/ocean/ereferral_back_pain.bundle.json");
const OCEAN_MISC: &str = include_str!("../../testdata/ocean/ereferral_miscellaneous.bundle.json");

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

// ---------------------------------------------------------------------------------------------
// The case table: one test per case.

#[test]
fn case_01_health_number_and_birth_date_agree_is_a_confident_match() {
    let chart =
        person("Tremblay-Roy", &["Emilie"], "1984-03-09").with_health_number(hn(ON, "1234567890"));
    let o = run(&emilie(), &[cand("a", chart)]);
    expect(&o, "match", &["a"]);
    expect_level(
        &o,
        "a",
        Confidence::Confident,
        &[Num(Hn::Agree), BirthDate(D::Agree)],
    );
}

#[test]
fn case_02_health_number_ignores_spaces_hyphens_and_case() {
    // Quebec numbers carry letters.
    let referral =
        person("Roy", &["Luc"], "1990-01-02").with_health_number(hn(Province::QC, "roy 9001 0212"));
    let chart =
        person("Roy", &["Luc"], "1990-01-02").with_health_number(hn(Province::QC, "ROY-90010212"));
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "match", &["a"]);
}

#[test]
fn case_03_version_code_need_not_agree() {
    let referral = emilie();
    let chart = person("Tremblay-Roy", &["Émilie"], "1984-03-09")
        .with_health_number(hn(ON, "1234567890").with_version_code("ZZ"));
    let mut referral_with_code = referral.clone();
    referral_with_code.health_numbers = vec![hn(ON, "1234567890").with_version_code("AB")];
    expect(
        &run(&referral_with_code, &[cand("a", chart)]),
        "match",
        &["a"],
    );
}

#[test]
fn case_04_birth_date_typo_with_health_number_agreeing_is_an_alarm_never_a_match() {
    let chart =
        person("Tremblay-Roy", &["Émilie"], "1984-03-19").with_health_number(hn(ON, "1234567890"));
    let o = run(&emilie(), &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(
        &o,
        "a",
        Confidence::Possible,
        &[
            Num(Hn::Agree),
            BirthDate(D::Disagree),
            Reason::HealthNumberBirthDateConflict,
        ],
    );
}

#[test]
fn case_05_birth_date_missing_with_health_number_agreeing_is_a_candidate() {
    let chart = person("Tremblay-Roy", &["Émilie"], "").with_health_number(hn(ON, "1234567890"));
    let o = run(&emilie(), &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(&o, "a", Confidence::Possible, &[BirthDate(D::Missing)]);
    assert!(!assessment(&o, "a").has(Reason::HealthNumberBirthDateConflict));
}

#[test]
fn case_06_year_only_birth_date_is_imprecise_not_agreement() {
    let chart =
        person("Tremblay-Roy", &["Émilie"], "1984").with_health_number(hn(ON, "1234567890"));
    let o = run(&emilie(), &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(&o, "a", Confidence::Possible, &[BirthDate(D::Imprecise)]);
}

#[test]
fn case_07_health_number_disagreement_rejects_even_when_everything_else_agrees() {
    let chart = person("Tremblay-Roy", &["Émilie"], "1984-03-09")
        .with_gender(Gender::Female)
        .with_health_number(hn(ON, "1234567891"));
    let o = run(&emilie(), &[cand("a", chart)]);
    expect(&o, "none", &[]);
    expect_level(
        &o,
        "a",
        Confidence::Rejected,
        &[
            Num(Hn::Disagree),
            BirthDate(D::Agree),
            FamilyName(Nm::Agree),
            GivenName(Nm::Agree),
        ],
    );
}

#[test]
fn case_08_twins_sharing_a_birth_date_without_health_numbers() {
    let referral = person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_gender(Gender::Female);
    let twin = person("Tremblay-Roy", &["Juliette"], "1984-03-09").with_gender(Gender::Female);
    let right = person("Tremblay-Roy", &["Emilie"], "1984-03-09").with_gender(Gender::Female);
    let o = run(&referral, &[cand("twin", twin), cand("right", right)]);
    expect(&o, "candidates", &["right"]);
    expect_level(&o, "twin", Confidence::Rejected, &[GivenName(Nm::Disagree)]);
}

#[test]
fn case_09_twins_with_health_numbers_match_the_right_twin() {
    let twin = person("Tremblay-Roy", &["Juliette"], "1984-03-09")
        .with_health_number(hn(ON, "1234567898"));
    let right =
        person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_health_number(hn(ON, "1234567890"));
    let o = run(&emilie(), &[cand("twin", twin), cand("right", right)]);
    expect(&o, "match", &["right"]);
    expect_level(&o, "twin", Confidence::Rejected, &[Num(Hn::Disagree)]);
}

#[test]
fn case_10_same_number_in_another_province_is_not_comparable_and_never_a_match() {
    let chart =
        person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_health_number(hn(BC, "1234567890"));
    let o = run(&emilie(), &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(&o, "a", Confidence::Possible, &[Num(Hn::NotComparable)]);
}

#[test]
fn case_11_same_number_in_another_province_for_another_person_is_rejected() {
    let chart = person("Singh", &["Arjun"], "1971-06-30").with_health_number(hn(BC, "1234567890"));
    let o = run(&emilie(), &[cand("a", chart)]);
    expect(&o, "none", &[]);
    expect_level(&o, "a", Confidence::Rejected, &[Num(Hn::NotComparable)]);
}

#[test]
fn case_12_system_spellings_of_one_province_compare() {
    let referral = person("Lee", &["Ann"], "2001-12-31").with_health_number(jhn(
        Some("https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id"),
        "9876 543 210",
    ));
    let chart = person("Lee", &["Ann"], "2001-12-31").with_health_number(jhn(
        Some("http://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-hcn"),
        "9876543210",
    ));
    expect(&run(&referral, &[cand("a", chart)]), "match", &["a"]);
}

#[test]
fn case_13_number_without_system_compares_with_nothing_by_default() {
    let referral = person("Lee", &["Ann"], "2001-12-31").with_health_number(hn(BC, "9876543210"));
    let chart = person("Lee", &["Ann"], "2001-12-31").with_health_number(jhn(None, "9876543210"));
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(&o, "a", Confidence::Possible, &[Num(Hn::NotComparable)]);
}

#[test]
fn case_14_number_without_system_takes_the_configured_province() {
    let referral = person("Lee", &["Ann"], "2001-12-31").with_health_number(hn(BC, "9876543210"));
    let chart = person("Lee", &["Ann"], "2001-12-31").with_health_number(jhn(None, "9876 543 210"));
    let mut rules = MatchRules::default();
    rules.default_province = Some(BC);
    let o = Matcher::new(rules).match_patient(&referral, &[cand("a", chart)]);
    expect(&o, "match", &["a"]);
}

#[test]
fn case_15_full_demographic_agreement_without_health_number_is_only_a_candidate() {
    let referral = person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_gender(Gender::Female);
    let chart = person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_gender(Gender::Female);
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(
        &o,
        "a",
        Confidence::Possible,
        &[
            Num(Hn::Missing),
            BirthDate(D::Agree),
            FamilyName(Nm::Agree),
            GivenName(Nm::Agree),
            Gen(G::Agree),
        ],
    );
}

#[test]
fn case_16_missing_gender_is_unknown_not_a_disagreement() {
    let referral = person("Tremblay-Roy", &["Émilie"], "1984-03-09");
    let chart = person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_gender(Gender::Female);
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(&o, "a", Confidence::Possible, &[Gen(G::Unknown)]);
}

#[test]
fn case_17_fhir_gender_unknown_is_unknown() {
    let p: Patient = json::from_str(
        r#"{"resourceType":"Patient","id":"a","gender":"unknown","birthDate":"1984-03-09",
            "name":[{"family":"Tremblay-Roy","given":["Émilie"]}]}"#,
    )
    .unwrap();
    let referral = person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_gender(Gender::Male);
    let o = run(&referral, &[Candidate::from_patient(&p).unwrap()]);
    expect(&o, "candidates", &["a"]);
    expect_level(&o, "a", Confidence::Possible, &[Gen(G::Unknown)]);
}

#[test]
fn case_18_gender_disagreement_without_health_number_rejects() {
    let referral = person("Tremblay-Roy", &["Dominique"], "1984-03-09").with_gender(Gender::Female);
    let chart = person("Tremblay-Roy", &["Dominique"], "1984-03-09").with_gender(Gender::Male);
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "none", &[]);
    expect_level(&o, "a", Confidence::Rejected, &[Gen(G::Disagree)]);
}

#[test]
fn case_19_gender_disagreement_is_reported_but_health_number_and_birth_date_decide() {
    let chart = person("Tremblay-Roy", &["Émilie"], "1984-03-09")
        .with_gender(Gender::Other)
        .with_health_number(hn(ON, "1234567890"));
    let o = run(&emilie(), &[cand("a", chart)]);
    expect(&o, "match", &["a"]);
    expect_level(&o, "a", Confidence::Confident, &[Gen(G::Disagree)]);
}

#[test]
fn case_20_birth_date_typo_without_health_number_rejects() {
    let referral = person("Tremblay-Roy", &["Émilie"], "1984-03-09");
    let chart = person("Tremblay-Roy", &["Émilie"], "1984-08-09");
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "none", &[]);
    expect_level(&o, "a", Confidence::Rejected, &[BirthDate(D::Disagree)]);
}

#[test]
fn case_21_accents_and_case_do_not_matter() {
    let referral = person("Bélanger", &["Émilie"], "1984-03-09");
    let chart = person("BELANGER", &["emilie"], "1984-03-09");
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(
        &o,
        "a",
        Confidence::Possible,
        &[FamilyName(Nm::Agree), GivenName(Nm::Agree)],
    );
}

#[test]
fn case_22_hyphenated_family_name_agrees_with_spaced_or_reordered_parts() {
    let referral = person("Tremblay-Roy", &["Émilie"], "1984-03-09");
    for family in [
        "Tremblay Roy",
        "Roy-Tremblay",
        "TREMBLAY–ROY",
        "Tremblay  -  Roy",
    ] {
        let o = run(
            &referral,
            &[cand("a", person(family, &["Emilie"], "1984-03-09"))],
        );
        expect_level(&o, "a", Confidence::Possible, &[FamilyName(Nm::Agree)]);
    }
}

#[test]
fn case_23_multi_part_family_name_subset_agrees_in_part() {
    let referral = person("García Márquez", &["Gabriel"], "1957-03-06");
    let chart = person("Garcia", &["Gabriel"], "1957-03-06");
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(&o, "a", Confidence::Possible, &[FamilyName(Nm::Partial)]);
}

#[test]
fn case_24_apostrophes_are_separators_and_joined_letters_agree() {
    let referral = person("O’Brien", &["Siobhán"], "1979-11-23");
    let chart = person("OBRIEN", &["Siobhan"], "1979-11-23");
    let o = run(&referral, &[cand("a", chart)]);
    expect_level(
        &o,
        "a",
        Confidence::Possible,
        &[FamilyName(Nm::Agree), GivenName(Nm::Agree)],
    );
}

#[test]
fn case_25_letters_without_decomposition_are_folded() {
    let referral = person("Strauß", &["Bjørn"], "1965-05-05");
    let chart = person("STRAUSS", &["Bjorn"], "1965-05-05");
    let o = run(&referral, &[cand("a", chart)]);
    expect_level(
        &o,
        "a",
        Confidence::Possible,
        &[FamilyName(Nm::Agree), GivenName(Nm::Agree)],
    );
}

#[test]
fn case_26_middle_name_on_one_side_agrees_in_part() {
    let referral = person("Smith", &["Mary", "Anne"], "1950-07-01");
    let chart = person("Smith", &["Mary"], "1950-07-01");
    let o = run(&referral, &[cand("a", chart)]);
    expect_level(&o, "a", Confidence::Possible, &[GivenName(Nm::Partial)]);
}

#[test]
fn case_27_similar_given_names_and_nicknames_disagree() {
    let referral = person("Smith", &["Robert"], "1950-07-01");
    let bob = person("Smith", &["Bob"], "1950-07-01");
    let roberta = person("Smith", &["Roberta"], "1950-07-01");
    let o = run(&referral, &[cand("bob", bob), cand("roberta", roberta)]);
    expect(&o, "none", &[]);
    expect_level(&o, "bob", Confidence::Rejected, &[GivenName(Nm::Disagree)]);
    expect_level(
        &o,
        "roberta",
        Confidence::Rejected,
        &[GivenName(Nm::Disagree)],
    );
}

#[test]
fn case_28_swapped_given_and_family_is_a_candidate_never_a_match() {
    let referral = person("Tremblay-Roy", &["Émilie"], "1984-03-09");
    let chart = person("Emilie", &["Tremblay Roy"], "1984-03-09");
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(
        &o,
        "a",
        Confidence::Possible,
        &[
            FamilyName(Nm::Disagree),
            GivenName(Nm::Disagree),
            Reason::NamesSwapped,
        ],
    );
}

#[test]
fn case_29_swapped_names_with_agreeing_number_and_birth_date_are_reported() {
    let chart =
        person("Emilie", &["Tremblay-Roy"], "1984-03-09").with_health_number(hn(ON, "1234567890"));
    let o = run(&emilie(), &[cand("a", chart.clone())]);
    expect(&o, "match", &["a"]);
    expect_level(&o, "a", Confidence::Confident, &[Reason::NamesSwapped]);
    // A site that wants names to agree as well gets a candidate instead.
    let mut rules = MatchRules::default();
    rules.require_family_name = true;
    let strict = Matcher::new(rules).match_patient(&emilie(), &[cand("a", chart)]);
    expect(&strict, "candidates", &["a"]);
}

#[test]
fn case_30_maiden_name_among_a_patients_names_agrees() {
    let referral = person("Tremblay", &["Émilie"], "1984-03-09");
    let chart =
        person("Roy", &["Émilie"], "1984-03-09").with_name(Name::new("Tremblay", ["Emilie"]));
    let o = run(&referral, &[cand("a", chart)]);
    expect_level(
        &o,
        "a",
        Confidence::Possible,
        &[FamilyName(Nm::Agree), GivenName(Nm::Agree)],
    );
}

#[test]
fn case_31_ocean_test_patient_with_health_number_system_but_no_value() {
    for fixture in [OCEAN_BACK_PAIN, OCEAN_MISC] {
        let bundle: Bundle = json::from_str(fixture).unwrap();
        let patient = patient_from_message(&bundle).unwrap();
        // The identifier has the ON system and JHN type but no value: no health number.
        assert!(patient.identifier[0].system.is_some() && patient.identifier[0].value.is_none());
        let referral = Demographics::from(patient);
        assert!(referral.health_numbers.is_empty());
        assert!(Matcher::default().search_hints(&referral).is_empty());
        let chart =
            person("Someone", &["Else"], "1984-03-09").with_health_number(hn(ON, "1234567890"));
        let o = run(&referral, &[cand("a", chart)]);
        expect(&o, "none", &[]);
        expect_level(
            &o,
            "a",
            Confidence::Rejected,
            &[Num(Hn::Missing), BirthDate(D::Missing)],
        );
    }
}

#[test]
fn case_32_ocean_test_patient_against_a_chart_with_the_same_family_name_only() {
    let bundle: Bundle = json::from_str(OCEAN_MISC).unwrap();
    let referral = Demographics::from(patient_from_message(&bundle).unwrap());
    assert_eq!(referral.gender, None, "gender unknown");
    let chart = Demographics::new().with_name(Name::new("DKTEST", Vec::<String>::new()));
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "none", &[]);
    expect_level(
        &o,
        "a",
        Confidence::Rejected,
        &[FamilyName(Nm::Agree), GivenName(Nm::Missing)],
    );
}

#[test]
fn case_33_two_confident_charts_are_candidates_never_a_match() {
    let a =
        person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_health_number(hn(ON, "1234567890"));
    let b = person("Tremblay Roy", &["Emilie"], "1984-03-09")
        .with_health_number(hn(ON, "1234-567-890"));
    let o = run(&emilie(), &[cand("a", a), cand("b", b)]);
    expect(&o, "candidates", &["a", "b"]);
    expect_level(
        &o,
        "a",
        Confidence::Confident,
        &[Reason::DuplicateConfident],
    );
    expect_level(
        &o,
        "b",
        Confidence::Confident,
        &[Reason::DuplicateConfident],
    );
}

#[test]
fn case_34_a_confident_match_lists_possible_duplicate_charts() {
    let right =
        person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_health_number(hn(ON, "1234567890"));
    let no_number = person("Tremblay-Roy", &["Émilie"], "1984-03-09");
    let o = run(
        &emilie(),
        &[cand("no-number", no_number), cand("right", right)],
    );
    expect(&o, "match", &["right"]);
    let MatchOutcome::Match {
        possible_duplicates,
        ..
    } = &o
    else {
        unreachable!()
    };
    assert_eq!(possible_duplicates.len(), 1);
    assert_eq!(possible_duplicates[0].id, "no-number");
}

#[test]
fn case_35_a_repeated_id_is_assessed_once_first_occurrence_wins() {
    let right =
        person("Tremblay-Roy", &["Émilie"], "1984-03-09").with_health_number(hn(ON, "1234567890"));
    let stale = person("Other", &["Person"], "1900-01-01");
    let o = run(
        &emilie(),
        &[cand("a", right.clone()), cand("a", stale), cand("a", right)],
    );
    expect(&o, "match", &["a"]);
    assert_eq!(o.assessments().count(), 1);
}

#[test]
fn case_36_no_candidates_is_no_match() {
    let o = run(&emilie(), &[]);
    expect(&o, "none", &[]);
    assert_eq!(o.assessments().count(), 0);
}

#[test]
fn case_37_month_precision_birth_dates_agree_only_at_the_same_precision() {
    let referral = person("Nguyen", &["An"], "1984-03");
    let same = person("Nguyễn", &["An"], "1984-03");
    let precise = person("Nguyen", &["An"], "1984-03-09");
    let o = run(&referral, &[cand("same", same), cand("precise", precise)]);
    expect(&o, "candidates", &["same"]);
    expect_level(
        &o,
        "precise",
        Confidence::Rejected,
        &[BirthDate(D::Imprecise)],
    );
}

#[test]
fn case_38_invalid_birth_date_never_agrees() {
    let referral = person("Lee", &["Ann"], "2001-02-30");
    let chart = person("Lee", &["Ann"], "2001-02-30");
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "none", &[]);
    expect_level(&o, "a", Confidence::Rejected, &[BirthDate(D::Invalid)]);
}

#[test]
fn case_39_require_family_name_demotes_a_confident_match_after_a_name_change() {
    let chart =
        person("Gagnon", &["Émilie"], "1984-03-09").with_health_number(hn(ON, "1234567890"));
    expect(
        &run(&emilie(), &[cand("a", chart.clone())]),
        "match",
        &["a"],
    );
    let mut rules = MatchRules::default();
    rules.require_family_name = true;
    let o = Matcher::new(rules).match_patient(&emilie(), &[cand("a", chart)]);
    expect(&o, "candidates", &["a"]);
    expect_level(&o, "a", Confidence::Possible, &[FamilyName(Nm::Disagree)]);
}

#[test]
fn case_40_candidates_with_an_agreeing_number_come_first() {
    let by_name = person("Tremblay-Roy", &["Émilie"], "1984-03-09");
    let by_number =
        person("Tremblay-Roy", &["Émilie"], "1984-03-10").with_health_number(hn(ON, "1234567890"));
    let o = run(
        &emilie(),
        &[cand("by-name", by_name), cand("by-number", by_number)],
    );
    expect(&o, "candidates", &["by-number", "by-name"]);
}

#[test]
fn case_41_referral_with_family_name_only_never_finds_anyone() {
    let referral = Demographics::new().with_name(Name::new("Tremblay-Roy", Vec::<String>::new()));
    let chart = person("Tremblay-Roy", &["Émilie"], "1984-03-09");
    let o = run(&referral, &[cand("a", chart)]);
    expect(&o, "none", &[]);
}

#[test]
fn case_42_empty_referral_is_no_match_with_reasons() {
    let o = run(&Demographics::new(), &[cand("a", emilie())]);
    expect(&o, "none", &[]);
    assert_eq!(
        assessment(&o, "a").codes(),
        [
            "health_number.missing",
            "birth_date.missing",
            "family_name.missing",
            "given_name.missing",
            "gender.unknown"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Sample files, real Ocean messages, snapshots

fn sample_candidates() -> Vec<Candidate> {
    let values: Vec<serde_json::Value> = serde_json::from_str(SAMPLE_CANDIDATES).unwrap();
    values
        .iter()
        .map(|v| {
            let p: Patient = json::from_str(&v.to_string()).unwrap();
            Candidate::from_patient(&p).unwrap()
        })
        .collect()
}

#[test]
fn sample_files_snapshot() {
    let referral: Patient = json::from_str(SAMPLE_REFERRAL).unwrap();
    let o = Matcher::default().match_patient(&Demographics::from(&referral), &sample_candidates());
    expect(&o, "match", &["pos-1001"]);
    insta::assert_json_snapshot!("sample_outcome", o);
}

#[test]
fn ocean_messages_against_the_sample_candidates_match_nobody() {
    for fixture in [OCEAN_BACK_PAIN, OCEAN_MISC] {
        let bundle: Bundle = json::from_str(fixture).unwrap();
        let referral = Demographics::from(patient_from_message(&bundle).unwrap());
        let o = Matcher::default().match_patient(&referral, &sample_candidates());
        expect(&o, "none", &[]);
        assert_eq!(o.assessments().count(), 7);
    }
}

/// The real Ocean message with the patient's demographics filled in (synthetic values) goes
/// through `patient_from_message` and matches the sample chart.
#[test]
fn ocean_message_with_filled_in_demographics_matches() {
    let mut bundle: Bundle = json::from_str(OCEAN_BACK_PAIN).unwrap();
    for entry in &mut bundle.entry {
        if let Some(Resource::Patient(p)) = entry.resource.as_mut() {
            p.identifier[0].value = Some("1234-567-890".to_owned());
            p.birth_date = Some("1984-03-09".into());
            p.name[0].family = Some("Tremblay-Roy".to_owned());
            p.name[0].given = vec!["Émilie".to_owned()];
            p.gender = Some(ocean_model::AdministrativeGender::Female);
        }
    }
    let referral = Demographics::from(patient_from_message(&bundle).unwrap());
    let o = Matcher::default().match_patient(&referral, &sample_candidates());
    expect(&o, "match", &["pos-1001"]);
    insta::assert_json_snapshot!("ocean_message_outcome", o);
}

#[test]
fn patient_from_message_follows_the_focus() {
    let bundle: Bundle = json::from_str(OCEAN_BACK_PAIN).unwrap();
    // A decoy Patient placed before the real one is not the ServiceRequest's subject.
    let mut with_decoy = bundle.clone();
    let decoy: Resource =
        json::from_str(r#"{"resourceType":"Patient","name":[{"family":"Decoy"}]}"#).unwrap();
    with_decoy.entry.insert(
        1,
        ocean_model::BundleEntry::new("urn:uuid:00000000-0000-4000-8000-000000000000", decoy),
    );
    let p = patient_from_message(&with_decoy).unwrap();
    assert_eq!(p.name[0].family.as_deref(), Some("DKTest"));
    // Without a MessageHeader: the first Patient.
    let mut headless = with_decoy.clone();
    headless.entry.remove(0);
    assert_eq!(
        patient_from_message(&headless).unwrap().name[0]
            .family
            .as_deref(),
        Some("Decoy")
    );
    // No Patient at all.
    let mut none = bundle;
    none.entry
        .retain(|e| !matches!(e.resource, Some(Resource::Patient(_))));
    assert!(patient_from_message(&none).is_none());
}

#[test]
fn candidate_from_patient_needs_an_id() {
    let p: Patient =
        json::from_str(r#"{"resourceType":"Patient","name":[{"family":"X"}]}"#).unwrap();
    assert!(Candidate::from_patient(&p).is_none());
    let p: Patient = json::from_str(r#"{"resourceType":"Patient","id":"7"}"#).unwrap();
    assert_eq!(Candidate::from_patient(&p).unwrap().id, "7");
}

#[test]
fn reason_catalogue() {
    let mut codes = std::collections::HashSet::new();
    let mut table = String::new();
    for r in Reason::ALL {
        assert!(codes.insert(r.code()), "repeated code {}", r.code());
        assert_eq!(Reason::from_code(r.code()), Some(r));
        assert_eq!(serde_json::to_value(r).unwrap(), r.code());
        table.push_str(&format!(
            "{} | {} | {}\n",
            r.code(),
            r,
            if r.is_against() { "against" } else { "-" }
        ));
    }
    assert_eq!(Reason::from_code("nope"), None);
    insta::assert_snapshot!("reason_catalogue", table);
}

// ---------------------------------------------------------------------------------------------
// Search hints

#[test]
fn hints_put_health_numbers_first_without_repeats() {
    let referral = emilie()
        .with_health_number(hn(ON, "1234-567-890"))
        .with_health_number(hn(BC, "9876543210"))
        .with_health_number(jhn(None, "555"));
    let hints = Matcher::default().search_hints(&referral);
    assert_eq!(hints.len(), 3, "{hints:?}");
    assert!(
        matches!(&hints[0], SearchHint::HealthNumber { jurisdiction: Jurisdiction::Province(Province::ON), value } if value == "1234567890")
    );
    assert!(matches!(
        &hints[1],
        SearchHint::HealthNumber {
            jurisdiction: Jurisdiction::Province(Province::BC),
            ..
        }
    ));
    let SearchHint::BirthDate {
        birth_date,
        family_keys,
    } = &hints[2]
    else {
        panic!("{hints:?}")
    };
    assert_eq!(birth_date.as_str(), "1984-03-09");
    assert_eq!(family_keys, &["emilie", "roy", "tremblay", "tremblayroy"]);
}

#[test]
fn hints_skip_an_invalid_birth_date() {
    let referral = person("Lee", &["Ann"], "2001-02-30");
    assert!(Matcher::default().search_hints(&referral).is_empty());
}

#[test]
fn hints_admit_the_sample_matches_and_candidates() {
    let referral: Patient = json::from_str(SAMPLE_REFERRAL).unwrap();
    let referral = Demographics::from(&referral);
    let matcher = Matcher::default();
    let hints = matcher.search_hints(&referral);
    let candidates = sample_candidates();
    let found: Vec<&str> = candidates
        .iter()
        .filter(|c| {
            hints
                .iter()
                .any(|h| h.admits(&c.demographics, matcher.rules()))
        })
        .map(|c| c.id.as_str())
        .collect();
    // Everything but the ON number of the other twin (pos-1003 shares the birth date and
    // family name, so the birth-date hint finds it) and the DKTest chart.
    assert_eq!(
        found,
        [
            "pos-1001", "pos-1002", "pos-1003", "pos-1005", "pos-1006", "pos-1007"
        ]
    );
}

#[test]
fn name_parts_and_family_keys() {
    assert_eq!(
        name_parts("Jean-Marc  D'Amours"),
        ["jean", "marc", "d", "amours"]
    );
    assert_eq!(family_keys("D'Amours"), ["amours", "d", "damours"]);
    assert!(family_keys("").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Patient data never appears in reasons, outcomes, errors or Debug

#[test]
fn no_patient_data_in_display_debug_or_json() {
    const SENTINELS: &[&str] = &[
        "zqxjkv", "wuvyqp", "7777", "666555", "1911", "11-11", "female",
    ];
    let referral = person("Zqxjkv-Plumb", &["Wuvyqp"], "1911-11-11")
        .with_gender(Gender::Female)
        .with_health_number(hn(ON, "7777 666 555").with_version_code("QQ"));
    let same = referral.clone();
    let swapped = person("Wuvyqp", &["Zqxjkv Plumb"], "1911-11-11");
    let typo =
        person("Zqxjkv-Plumb", &["Wuvyqp"], "1911-11-12").with_health_number(hn(ON, "7777666555"));
    let other =
        person("Zqxjkv", &["Wuvyqp"], "1911-11-11").with_health_number(hn(ON, "7777666554"));
    let sets: Vec<Vec<Candidate>> = vec![
        vec![
            cand("c1", same.clone()),
            cand("c2", swapped.clone()),
            cand("c3", other.clone()),
        ],
        vec![cand("c1", same.clone()), cand("c2", same.clone())],
        vec![cand("c1", typo.clone()), cand("c2", swapped.clone())],
        vec![cand("c3", other.clone())],
    ];
    let matcher = Matcher::default();
    let mut texts = Vec::new();
    for set in &sets {
        let o = matcher.match_patient(&referral, set);
        texts.push(o.to_string());
        texts.push(format!("{o:?}"));
        texts.push(format!("{o:#?}"));
        texts.push(serde_json::to_string(&o).unwrap());
        for a in o.assessments() {
            texts.push(format!("{a:?}"));
            for r in &a.reasons {
                texts.push(format!("{r} {r:?}"));
            }
        }
        for c in set {
            texts.push(format!("{c:?} {:?}", c.demographics.names));
        }
    }
    for h in matcher.search_hints(&referral) {
        texts.push(format!("{h:?}"));
    }
    texts.push(format!("{referral:?} {referral:#?}"));
    let codes: Vec<String> = Reason::ALL.iter().map(|r| format!("{r} {r:?}")).collect();
    texts.extend(codes);
    // The texts do carry the ids and reasons (the check below is not vacuous).
    assert!(texts.iter().any(|t| t.contains("c1")));
    assert!(texts.iter().any(|t| t.contains("health_number.agree")));
    for t in &texts {
        let lower = t.to_lowercase();
        for s in SENTINELS {
            assert!(!lower.contains(s), "patient data {s:?} in {t}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

mod props {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(vec![
                "Tremblay", "Tremblay-Roy", "Roy", "ÉMILIE", "Emilie", "émilie", "O'Brien",
                "OBrien", "García Márquez", "Garcia", "Mary Anne", "Mary", "", " - ", "Strauß",
                "Strauss",
            ])
            .prop_map(str::to_owned),
            1 => any::<String>(),
        ]
    }

    fn birth_date() -> impl Strategy<Value = Option<String>> {
        prop_oneof![
            4 => prop::sample::select(vec![
                "1984-03-09", "1984-03-19", "1984-03", "1984", "1985", "2001-02-30", "", "x",
            ])
            .prop_map(|s| Some(s.to_owned())),
            1 => Just(None),
            1 => any::<String>().prop_map(Some),
        ]
    }

    fn number() -> impl Strategy<Value = HealthNumber> {
        let value = prop_oneof![
            4 => prop::sample::select(vec!["1234567890", "1234 567 890", "1234567891", "--", "abc"])
                .prop_map(str::to_owned),
            1 => any::<String>(),
        ];
        let system = prop_oneof![
            Just(Some(ocean_model::identifiers::ON_HCN_SYSTEM.to_owned())),
            Just(Some(ocean_model::identifiers::BC_PHN_SYSTEM.to_owned())),
            Just(Some("urn:oid:1.2.3".to_owned())),
            Just(None),
            any::<String>().prop_map(Some),
        ];
        (system, value).prop_map(|(s, v)| {
            let v = if v.trim().is_empty() {
                "0".to_owned()
            } else {
                v
            };
            jhn(s.as_deref(), &v)
        })
    }

    fn gender() -> impl Strategy<Value = Option<Gender>> {
        prop::sample::select(vec![
            None,
            Some(Gender::Male),
            Some(Gender::Female),
            Some(Gender::Other),
        ])
    }

    prop_compose! {
        fn demographics()(
            names in prop::collection::vec(
                (prop::option::of(text()), prop::collection::vec(text(), 0..3)), 0..3),
            birth_date in birth_date(),
            gender in gender(),
            numbers in prop::collection::vec(number(), 0..3),
        ) -> Demographics {
            let mut d = Demographics::new();
            for (family, given) in names {
                let mut n = Name::given_only(given);
                n.family = family;
                d = d.with_name(n);
            }
            if let Some(b) = birth_date { d = d.with_birth_date(b); }
            if let Some(g) = gender { d = d.with_gender(g); }
            for n in numbers { d = d.with_health_number(n); }
            d
        }
    }

    fn rules() -> impl Strategy<Value = MatchRules> {
        (
            prop::option::of(prop::sample::select(Province::ALL.to_vec())),
            any::<bool>(),
        )
            .prop_map(|(p, f)| {
                let mut r = MatchRules::default();
                r.default_province = p;
                r.require_family_name = f;
                r
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Every field comparison is symmetric, so assessing A against B equals B against A.
        #[test]
        fn assessment_is_symmetric(a in demographics(), b in demographics(), rules in rules()) {
            let m = Matcher::new(rules);
            let ab = m.assess(&a, &Candidate::new("x", b.clone()));
            let ba = m.assess(&b, &Candidate::new("x", a.clone()));
            prop_assert_eq!(ab, ba);
        }

        /// Each distinct id appears exactly once in the outcome; `matches` has no repeats; the
        /// outcome follows the number of confident candidates.
        #[test]
        fn outcome_places_each_candidate_once(
            referral in demographics(),
            list in prop::collection::vec((0u8..6, demographics()), 0..8),
            rules in rules(),
        ) {
            let candidates: Vec<Candidate> =
                list.into_iter().map(|(i, d)| Candidate::new(format!("id{i}"), d)).collect();
            let o = Matcher::new(rules).match_patient(&referral, &candidates);
            let ids: Vec<&str> = o.assessments().map(|a| a.id.as_str()).collect();
            let distinct: std::collections::BTreeSet<&str> =
                candidates.iter().map(|c| c.id.as_str()).collect();
            prop_assert_eq!(ids.len(), distinct.len());
            prop_assert_eq!(ids.iter().copied().collect::<std::collections::BTreeSet<_>>(), distinct.clone());
            let matches = o.match_ids();
            let unique: std::collections::BTreeSet<&str> = matches.iter().copied().collect();
            prop_assert_eq!(unique.len(), matches.len());
            let confident = o.assessments().filter(|a| a.confidence == Confidence::Confident).count();
            let possible = o.assessments().filter(|a| a.confidence == Confidence::Possible).count();
            match &o {
                MatchOutcome::Match { matched, .. } => {
                    prop_assert_eq!(confident, 1);
                    prop_assert_eq!(matched.confidence, Confidence::Confident);
                }
                MatchOutcome::Candidates { candidates, rejected } => {
                    prop_assert!(confident != 1 && !candidates.is_empty());
                    prop_assert_eq!(candidates.len(), confident + possible);
                    prop_assert!(rejected.iter().all(|a| a.confidence == Confidence::Rejected));
                    let dup = candidates.iter().all(|a| {
                        a.has(Reason::DuplicateConfident) == (a.confidence == Confidence::Confident)
                    });
                    prop_assert!(dup);
                }
                MatchOutcome::NoMatch { rejected } => {
                    prop_assert_eq!(confident + possible, 0);
                    prop_assert_eq!(rejected.len(), distinct.len());
                }
                _ => prop_assert!(false, "unknown outcome"),
            }
            // Every assessment starts with one finding per field.
            for a in o.assessments() {
                prop_assert!(a.reasons.len() >= 5);
                prop_assert!(matches!(a.reasons[0], Reason::HealthNumber(_)));
                prop_assert!(matches!(a.reasons[4], Reason::Gender(_)));
            }
        }

        /// A confident match needs agreeing health numbers and birth dates; a disagreeing
        /// health number is always rejected.
        #[test]
        fn confidence_follows_the_rules(a in demographics(), b in demographics(), rules in rules()) {
            let x = Matcher::new(rules).assess(&a, &Candidate::new("x", b));
            if x.confidence == Confidence::Confident {
                prop_assert!(x.has(Reason::HealthNumber(NumberFinding::Agree)));
                prop_assert!(x.has(Reason::BirthDate(DateFinding::Agree)));
            }
            if x.has(Reason::HealthNumber(NumberFinding::Disagree)) {
                prop_assert_eq!(x.confidence, Confidence::Rejected);
            }
            if x.has(Reason::HealthNumberBirthDateConflict) {
                prop_assert_eq!(x.confidence, Confidence::Possible);
            }
        }

        /// The search hints find every candidate that can be confident or possible.
        #[test]
        fn hints_find_every_match(referral in demographics(), other in demographics(), rules in rules()) {
            let m = Matcher::new(rules);
            let a = m.assess(&referral, &Candidate::new("x", other.clone()));
            if a.confidence != Confidence::Rejected {
                let hints = m.search_hints(&referral);
                prop_assert!(hints.iter().any(|h| h.admits(&other, m.rules())), "{:?}", a.codes());
            }
        }

        /// Arbitrary text anywhere never panics.
        #[test]
        fn arbitrary_text_never_panics(
            family in any::<String>(), given in prop::collection::vec(any::<String>(), 0..3),
            date in any::<String>(), system in any::<String>(), value in any::<String>(),
            other_family in any::<String>(), other_date in any::<String>(),
        ) {
            let mut referral = Demographics::new().with_name(Name::new(family.clone(), given.clone())).with_birth_date(date);
            let mut id = Identifier::new(system.as_str(), value.as_str());
            id.type_ = Some(CodeableConcept::from_coding(Coding::new(V2_0203, Code::new("JHN"))));
            if let Some(n) = HealthNumber::from_identifier(&id) {
                referral = referral.with_health_number(n);
            }
            let other = Demographics::new().with_name(Name::new(other_family, given)).with_birth_date(other_date);
            let m = Matcher::default();
            let o = m.match_patient(&referral, &[Candidate::new("a", other.clone()), Candidate::new("b", referral.clone())]);
            let _ = serde_json::to_string(&o).unwrap();
            for h in m.search_hints(&referral) {
                let _ = h.admits(&other, m.rules());
            }
            let _ = family_keys(&family);
        }

        /// Arbitrary Patient JSON (valid or not) never panics.
        #[test]
        fn arbitrary_patient_json_never_panics(
            family in any::<String>(), given in any::<String>(), date in any::<String>(),
            gender in any::<String>(), system in any::<String>(), value in any::<String>(),
        ) {
            let v = serde_json::json!({
                "resourceType": "Patient", "id": "p",
                "name": [{"family": family, "given": [given]}],
                "birthDate": date, "gender": gender,
                "identifier": [{"system": system, "value": value}],
            });
            if let Ok(p) = json::from_str::<Patient>(&v.to_string()) {
                let d = Demographics::from(&p);
                let c = Candidate::from_patient(&p).unwrap();
                let _ = Matcher::default().match_patient(&d, &[c]);
            }
        }

        /// Normalising a normalised name changes nothing.
        #[test]
        fn name_parts_are_idempotent(s in any::<String>()) {
            let once = name_parts(&s);
            prop_assert_eq!(name_parts(&once.join(" ")), once);
        }
    }
}
