//! Properties of the matcher: symmetry, order independence, no panics.

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
