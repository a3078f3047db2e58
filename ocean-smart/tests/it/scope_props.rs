//! Scope parsing: valid and invalid strings, and properties (parse never panics; display and
//! parse round-trip).

use ocean_smart::scope::{
    ClinicalScope, Context, Interaction, Interactions, Permissions, Scope, ScopeError, ScopeSet,
    V1Access,
};
use proptest::prelude::*;

fn context() -> impl Strategy<Value = Context> {
    prop_oneof![
        Just(Context::Patient),
        Just(Context::User),
        Just(Context::System)
    ]
}

fn permissions() -> impl Strategy<Value = Permissions> {
    prop_oneof![
        Just(Permissions::V1(V1Access::Read)),
        Just(Permissions::V1(V1Access::Write)),
        Just(Permissions::V1(V1Access::All)),
        proptest::sample::subsequence(Interaction::ALL.to_vec(), 1..=5)
            .prop_map(|v| Permissions::V2(Interactions::of(&v).unwrap())),
    ]
}

fn clinical() -> impl Strategy<Value = Scope> {
    (
        context(),
        proptest::option::of("[A-Z][A-Za-z0-9]{0,20}"),
        permissions(),
        proptest::option::of(proptest::collection::vec(
            ("[a-z_:.-]{1,8}", "[A-Za-z0-9|:/._-]{0,12}"),
            1..3,
        )),
    )
        .prop_map(|(c, t, p, q)| {
            let s = ClinicalScope::new(c, t.as_deref(), p).unwrap();
            let s = match (q, p) {
                (Some(pairs), Permissions::V2(_)) => {
                    let q: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
                    s.with_query(&q.join("&")).unwrap()
                }
                _ => s,
            };
            Scope::Clinical(s)
        })
}

fn any_scope() -> impl Strategy<Value = Scope> {
    prop_oneof![
        4 => clinical(),
        1 => Just(Scope::Launch),
        1 => Just(Scope::launch_patient()),
        1 => Just(Scope::launch_encounter()),
        1 => Just(Scope::OpenId),
        1 => Just(Scope::FhirUser),
        1 => Just(Scope::Profile),
        1 => Just(Scope::OnlineAccess),
        1 => Just(Scope::OfflineAccess),
        1 => "(patient|user)/\\$[a-z]{1,12}".prop_map(|s| s.parse().unwrap()),
        1 => "__[a-z]{1,10}".prop_map(|s| s.parse().unwrap()),
        1 => "https://example\\.com/[a-z]{1,10}".prop_map(|s| s.parse().unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics(s in "\\PC*") {
        let _ = s.parse::<Scope>();
        let set = ScopeSet::parse(&s);
        let _ = set.to_string();
        let _ = s.parse::<ScopeSet>();
        let _ = set.ocean_coverage(true);
    }

    #[test]
    fn parse_never_panics_on_scope_like_text(s in "(patient|user|system|launch)?/?[A-Za-z*$]{0,6}\\.?[cruds*a-z]{0,6}\\??[a-z=&|]{0,6}") {
        if let Ok(scope) = s.parse::<Scope>() {
            prop_assert_eq!(scope.to_string(), s);
        }
    }

    #[test]
    fn display_parse_round_trips(scope in any_scope()) {
        let text = scope.to_string();
        let back: Scope = text.parse().unwrap();
        prop_assert_eq!(&back, &scope);
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn sets_round_trip(scopes in proptest::collection::vec(any_scope(), 0..8)) {
        let set: ScopeSet = scopes.into_iter().collect();
        let text = set.to_string();
        let back: ScopeSet = text.parse().unwrap();
        prop_assert_eq!(back, set);
    }

    #[test]
    fn valid_token_text_round_trips(s in "[!#-\\[\\]-~]{1,30}") {
        // Any token of RFC 6749 scope characters either parses to itself or is rejected.
        match s.parse::<Scope>() {
            Ok(scope) => prop_assert_eq!(scope.to_string(), s),
            Err(e) => prop_assert!(s.starts_with("patient/") || s.starts_with("user/") || s.starts_with("system/") || s == "launch/", "{:?}", e),
        }
    }

    #[test]
    fn a_scope_satisfies_itself(scope in clinical()) {
        let set: ScopeSet = std::iter::once(scope.clone()).collect();
        prop_assert!(set.satisfies(&scope));
        let n = set.negotiate(&set, true);
        prop_assert_eq!(n.granted, set);
        prop_assert!(n.refused.is_empty());
    }
}

#[test]
fn valid_strings() {
    let set: ScopeSet = "launch launch/patient online_access openid profile fhirUser patient/Patient.read \
        patient/Observation.read patient/$everything user/*.* user/Practitioner.read \
        patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs \
        system/*.cruds offline_access"
        .parse()
        .unwrap();
    assert_eq!(set.len(), 14);
    assert!(set.contains(&Scope::OfflineAccess));
    assert!(set.has_refresh() && set.has_patient_scopes());
}

#[test]
fn invalid_strings() {
    for (text, error) in [
        ("patient/Observation.READ", ScopeError::InvalidPermissions),
        ("patient/Observation.rsc", ScopeError::InvalidPermissions),
        ("user/*.ss", ScopeError::InvalidPermissions),
        ("user/*", ScopeError::MissingPermissions),
        ("system/1Patient.r", ScopeError::InvalidResourceType),
        (
            "patient/Observation.write?category=x",
            ScopeError::QueryWithV1,
        ),
        (
            "patient/Observation.rs?category=a&",
            ScopeError::InvalidQuery,
        ),
        ("user/$", ScopeError::InvalidOperation),
    ] {
        let err = text.parse::<ScopeSet>().unwrap_err();
        assert_eq!(err.error, error, "{text}");
        assert_eq!(err.token, text);
        let lenient = ScopeSet::parse(&format!("openid {text} fhirUser"));
        assert_eq!(lenient.to_string(), "openid fhirUser");
        assert_eq!(lenient.invalid()[0].error, error);
    }
}
