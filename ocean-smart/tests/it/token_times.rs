//! Token expiry arithmetic at the boundaries: exactly at `exp`, one second before and after,
//! with and without leeway; `nbf`, `iat`, maximum age; access token lifetime; audience.

use ocean_smart::token::{
    Audience, ClaimError, IdTokenClaims, IdTokenValidation, NumericDate, Secret, TokenResponse,
};
use ocean_smart::{LaunchContext, ScopeSet};
use time::{Duration, OffsetDateTime};

use crate::common::*;

const T: i64 = 1_740_819_600; // 2025-03-01T09:00:00Z

fn at(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap()
}

fn claims() -> IdTokenClaims {
    let mut c = IdTokenClaims::issue(
        ISSUER,
        "user-1",
        CLIENT_ID,
        &user(),
        FHIR_BASE,
        at(T - 3600),
        Duration::hours(1),
    );
    assert_eq!(c.exp, NumericDate(T));
    c.extra.insert("name".into(), serde_json::json!("x"));
    c
}

fn validation(now: i64, leeway: i64) -> IdTokenValidation {
    IdTokenValidation::new(ISSUER, CLIENT_ID, at(now)).with_leeway(Duration::seconds(leeway))
}

fn result(c: &IdTokenClaims, v: &IdTokenValidation) -> Result<(), Vec<ClaimError>> {
    c.validate(v).map_err(|e| e.0)
}

#[test]
fn expiry_boundaries() {
    let c = claims();
    for (now, leeway, expired) in [
        (T - 1, 0, false),
        (T, 0, true),
        (T + 1, 0, true),
        (T - 1, 30, false),
        (T, 30, false),
        (T + 29, 30, false),
        (T + 30, 30, true),
        (T + 31, 30, true),
        (T + 10, -30, true), // negative leeway counts as zero
        (T - 1, -30, false),
    ] {
        let r = result(&c, &validation(now, leeway));
        assert_eq!(
            r.clone().is_err_and(|e| e == [ClaimError::Expired]),
            expired,
            "now = exp {:+}, leeway {leeway}: {r:?}",
            now - T
        );
        if !expired {
            assert_eq!(r, Ok(()));
        }
    }
}

#[test]
fn sub_second_now_is_truncated() {
    let c = claims();
    let v = IdTokenValidation::new(ISSUER, CLIENT_ID, at(T - 1) + Duration::milliseconds(999))
        .with_leeway(Duration::ZERO);
    assert_eq!(result(&c, &v), Ok(()));
    let v = IdTokenValidation::new(ISSUER, CLIENT_ID, at(T) + Duration::milliseconds(1))
        .with_leeway(Duration::ZERO);
    assert_eq!(result(&c, &v), Err(vec![ClaimError::Expired]));
}

#[test]
fn not_before_boundaries() {
    let mut c = claims();
    c.nbf = Some(NumericDate(T - 100));
    for (now, leeway, early) in [
        (T - 101, 0, true),
        (T - 100, 0, false),
        (T - 99, 0, false),
        (T - 130, 30, false),
        (T - 131, 30, true),
    ] {
        let r = result(&c, &validation(now, leeway));
        assert_eq!(
            r.is_err(),
            early,
            "now = nbf {:+}, leeway {leeway}: {r:?}",
            now - (T - 100)
        );
        if early {
            assert!(r.unwrap_err().contains(&ClaimError::NotYetValid));
        }
    }
}

#[test]
fn issued_at_boundaries() {
    let c = claims(); // iat = T - 3600
    let iat = T - 3600;
    for (now, leeway, future) in [
        (iat, 0, false),
        (iat - 1, 0, true),
        (iat - 60, 60, false),
        (iat - 61, 60, true),
    ] {
        let r = result(&c, &validation(now, leeway));
        assert_eq!(
            r.is_err(),
            future,
            "now = iat {:+}, leeway {leeway}: {r:?}",
            now - iat
        );
        if future {
            assert_eq!(r.unwrap_err(), [ClaimError::IssuedInFuture]);
        }
    }
    // Maximum age: too old when now > iat + max + leeway.
    let mut v = validation(iat + 600, 0);
    v.max_age = Some(Duration::seconds(600));
    assert_eq!(result(&c, &v), Ok(()));
    v.now = at(iat + 601);
    assert_eq!(result(&c, &v), Err(vec![ClaimError::TooOld]));
    v.leeway = Duration::seconds(1);
    assert_eq!(result(&c, &v), Ok(()));
}

#[test]
fn exp_must_follow_iat() {
    let mut c = claims();
    c.exp = c.iat;
    let r = result(&c, &validation(T - 3600, 0)).unwrap_err();
    assert!(r.contains(&ClaimError::ExpNotAfterIat) && r.contains(&ClaimError::Expired));
}

#[test]
fn extreme_times_do_not_overflow() {
    let mut c = claims();
    c.exp = NumericDate(i64::MAX);
    c.iat = NumericDate(i64::MIN);
    c.nbf = Some(NumericDate(i64::MIN));
    let mut v = validation(T, i64::MAX / 2);
    v.max_age = Some(Duration::MAX);
    assert_eq!(result(&c, &v), Ok(()));
    let c2 = IdTokenClaims::issue(
        ISSUER,
        "u",
        CLIENT_ID,
        &user(),
        FHIR_BASE,
        at(T),
        Duration::MAX,
    );
    assert_eq!(c2.exp, NumericDate(i64::MAX));
}

#[test]
fn audience_issuer_azp_nonce_subject() {
    let base = claims();
    let ok = validation(T - 10, 0);
    type Change = Box<dyn Fn(&mut IdTokenClaims)>;
    let cases: Vec<(&str, Change, Vec<ClaimError>)> = vec![
        (
            "other issuer",
            Box::new(|c| c.iss = format!("{ISSUER}/")),
            vec![ClaimError::IssuerMismatch],
        ),
        (
            "other audience",
            Box::new(|c| c.aud = Audience::One("someone".into())),
            vec![ClaimError::AudienceMismatch],
        ),
        (
            "array with client and azp",
            Box::new(|c| {
                c.aud = Audience::Many(vec!["x".into(), CLIENT_ID.into()]);
                c.azp = Some(CLIENT_ID.into());
            }),
            vec![],
        ),
        (
            "array without azp",
            Box::new(|c| c.aud = Audience::Many(vec!["x".into(), CLIENT_ID.into()])),
            vec![ClaimError::AzpMissing],
        ),
        (
            "single-element array",
            Box::new(|c| c.aud = Audience::Many(vec![CLIENT_ID.into()])),
            vec![],
        ),
        (
            "empty array",
            Box::new(|c| c.aud = Audience::Many(vec![])),
            vec![ClaimError::AudienceMismatch],
        ),
        (
            "other azp",
            Box::new(|c| c.azp = Some("x".into())),
            vec![ClaimError::AzpMismatch],
        ),
        (
            "empty sub",
            Box::new(|c| c.sub = String::new()),
            vec![ClaimError::InvalidSubject],
        ),
        (
            "long sub",
            Box::new(|c| c.sub = "s".repeat(256)),
            vec![ClaimError::InvalidSubject],
        ),
        ("255 sub", Box::new(|c| c.sub = "s".repeat(255)), vec![]),
        (
            "non-ASCII sub",
            Box::new(|c| c.sub = "é".into()),
            vec![ClaimError::InvalidSubject],
        ),
        (
            "no fhirUser",
            Box::new(|c| c.fhir_user = None),
            vec![ClaimError::FhirUserMissing],
        ),
        (
            "bad fhirUser",
            Box::new(|c| c.fhir_user = Some("Organization/1".into())),
            vec![ClaimError::FhirUserInvalid],
        ),
    ];
    for (name, change, want) in cases {
        let mut c = base.clone();
        change(&mut c);
        assert_eq!(result(&c, &ok).err().unwrap_or_default(), want, "{name}");
    }
    let mut v = ok.clone();
    v.nonce = Some("n-1".into());
    assert_eq!(result(&base, &v), Err(vec![ClaimError::NonceMismatch]));
    assert_eq!(result(&base.clone().with_nonce("n-1"), &v), Ok(()));
    assert_eq!(
        result(&base.clone().with_nonce("n-2"), &v),
        Err(vec![ClaimError::NonceMismatch])
    );
    let mut lax = ok;
    lax.require_fhir_user = false;
    let mut c = base;
    c.fhir_user = None;
    assert_eq!(result(&c, &lax), Ok(()));
}

#[test]
fn claims_json() {
    let c = claims();
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["aud"], CLIENT_ID);
    assert_eq!(json["fhirUser"], format!("{FHIR_BASE}/Practitioner/dr-7"));
    assert_eq!(json["exp"], T);
    let back: IdTokenClaims = serde_json::from_value(json).unwrap();
    assert_eq!(back, c);
    let arr: IdTokenClaims = serde_json::from_str(&format!(
        r#"{{"iss":"{ISSUER}","sub":"u","aud":["{CLIENT_ID}","y"],"azp":"{CLIENT_ID}","exp":{T}.5,"iat":{},"fhirUser":"Practitioner/1"}}"#,
        T - 60
    ))
    .unwrap();
    assert_eq!(arr.exp, NumericDate(T));
    assert!(arr.validate(&validation(T - 1, 0)).is_ok());
}

#[test]
fn access_token_lifetime_boundaries() {
    let ctx = LaunchContext::dashboard(user());
    let t = TokenResponse::for_launch(
        &ctx,
        Secret::new("a"),
        &ScopeSet::parse("launch"),
        Duration::seconds(3600),
    );
    let issued = at(T);
    assert_eq!(t.access_token_expires_at(issued), Some(at(T + 3600)));
    for (now, leeway, expired) in [
        (T + 3599, 0, false),
        (T + 3600, 0, true),
        (T + 3601, 0, true),
        (T + 3600, 5, false),
        (T + 3604, 5, false),
        (T + 3605, 5, true),
    ] {
        assert_eq!(
            t.access_token_expired(issued, at(now), Duration::seconds(leeway)),
            expired,
            "now = issued {:+}, leeway {leeway}",
            now - T
        );
    }
    let mut no_life = t.clone();
    no_life.expires_in = None;
    assert_eq!(no_life.access_token_expires_at(issued), None);
    assert!(!no_life.access_token_expired(issued, at(T + 1_000_000), Duration::ZERO));
    let mut huge = t;
    huge.expires_in = Some(i64::MAX);
    assert!(!huge.access_token_expired(issued, at(T), Duration::ZERO));
    assert_eq!(huge.access_token_expires_at(issued), None);
}
