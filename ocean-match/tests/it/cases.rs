//! The case table of the matching rules: one test per case.

use super::*;

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
