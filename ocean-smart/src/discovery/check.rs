//! The checkers of the discovery documents: what Ocean needs that a document lacks, each
//! finding naming its member.

use super::documents::{OpenIdConfiguration, SmartConfiguration};
use crate::findings::{Finding, Findings};
use crate::scope::{Scope, ScopeSet};
use crate::url::{UrlKind, url_kind};

/// Rule ids of the checkers.
pub mod rules {
    /// A known member has the wrong JSON type.
    pub const MALFORMED: &str = "discovery.malformed";
    /// An endpoint is not an absolute https URL.
    pub const URL: &str = "discovery.url";
    /// A required endpoint or member is absent.
    pub const REQUIRED: &str = "discovery.required";
    /// A capability Ocean needs is not listed.
    pub const CAPABILITY: &str = "smart.capability";
    /// `grant_types_supported` lacks `authorization_code`.
    pub const GRANT_TYPES: &str = "discovery.grant-types";
    /// PKCE: `S256` missing or `plain` listed.
    pub const PKCE: &str = "discovery.pkce";
    /// Client authentication Ocean uses is not listed.
    pub const AUTH_METHODS: &str = "discovery.auth-methods";
    /// A scope Ocean asks for is not listed.
    pub const SCOPES: &str = "discovery.scopes";
    /// `response_types_supported` lacks `code`.
    pub const RESPONSE_TYPES: &str = "discovery.response-types";
    /// Refresh tokens offered inconsistently, or not offered.
    pub const REFRESH: &str = "smart.refresh";
    /// Id token signing algorithms Ocean accepts (ES256, RS256) not listed, or `none`.
    pub const SIGNING: &str = "oidc.signing-alg";
    /// `issuer` has a query/fragment or is not the expected issuer.
    pub const ISSUER: &str = "oidc.issuer";
    /// `claims_supported` lacks `fhirUser`.
    pub const CLAIMS: &str = "oidc.claims";
    /// The two documents disagree.
    pub const CONSISTENCY: &str = "discovery.consistency";
}

fn check_url(f: &mut Findings, field: &str, value: Option<&String>) {
    let Some(v) = value else { return };
    match url_kind(v) {
        UrlKind::Https => {}
        UrlKind::HttpLoopback => f.push(Finding::warning(
            rules::URL,
            field,
            "http on a loopback host: development only, use https in production",
        )),
        UrlKind::Http => f.push(Finding::error(rules::URL, field, "must use https")),
        UrlKind::NotAbsolute => f.push(Finding::error(
            rules::URL,
            field,
            "must be an absolute https URL",
        )),
    }
}

fn require(f: &mut Findings, field: &str, present: bool, why: &str) {
    if !present {
        f.push(Finding::error(
            rules::REQUIRED,
            field,
            format!("missing: {why}"),
        ));
    }
}

fn malformed(f: &mut Findings, fields: &[&'static str]) {
    for field in fields {
        f.push(Finding::error(
            rules::MALFORMED,
            *field,
            "wrong JSON type (expected a string, or an array of strings for `*_supported` and `capabilities`)",
        ));
    }
}

fn lists(v: &Option<Vec<String>>, item: &str) -> bool {
    v.as_ref().is_some_and(|l| l.iter().any(|x| x == item))
}

/// The capabilities Ocean needs, and why (SMART "Clinician Access for EHR Launch" plus what
/// Ocean's SMART overview requires).
pub const OCEAN_CAPABILITIES: &[(&str, &str)] = &[
    ("launch-ehr", "Ocean is launched from the POS (EHR launch)"),
    (
        "client-confidential-symmetric",
        "Ocean authenticates to the token endpoint with a client secret",
    ),
    (
        "sso-openid-connect",
        "Ocean signs the user in with the OpenID Connect id token",
    ),
    (
        "context-ehr-patient",
        "Ocean needs the patient in context for new and existing requests",
    ),
    ("permission-patient", "Ocean asks for patient/ scopes"),
    (
        "permission-user",
        "Ocean asks for user/ scopes (and a dashboard launch has no patient)",
    ),
];

/// Checks a SMART configuration for what Ocean needs. Every finding names its member.
///
/// | rule | severity | when |
/// |---|---|---|
/// | `discovery.malformed` | error | a known member has the wrong JSON type |
/// | `discovery.required` | error | `authorization_endpoint`, `token_endpoint`, `capabilities`, `grant_types_supported`, `code_challenge_methods_supported` absent; `issuer`, `jwks_uri` absent (required with `sso-openid-connect`, which Ocean needs) |
/// | `discovery.url` | error (warning for http on loopback) | an endpoint is not an absolute https URL |
/// | `smart.capability` | error | a capability of [`OCEAN_CAPABILITIES`] is missing; warning: `permission-v1` missing (Ocean's client asks for v1 scopes) |
/// | `smart.refresh` | warning | neither `permission-online` nor `permission-offline` (the seed recommends refresh; Ocean asks for `online_access`); error: a refresh capability whose scope is not in a present `scopes_supported` |
/// | `discovery.grant-types` | error | no `authorization_code` |
/// | `discovery.pkce` | error | no `S256`, or `plain` listed |
/// | `discovery.auth-methods` | error: neither `client_secret_post` nor `client_secret_basic` listed; warning: absent, or no `client_secret_post` (what Ocean's test client sends) | |
/// | `discovery.scopes` | warning: `scopes_supported` absent, or a non-clinical scope Ocean asks for is missing; error: `launch`, `openid` or `fhirUser` missing, or no listed scope fully grants a read Ocean needs ([`crate::everything::OCEAN_READS`]) in a patient launch or in a dashboard launch (where only `user/` scopes count) | |
/// | `discovery.response-types` | error | present without `code` |
pub fn check_smart_configuration(doc: &SmartConfiguration) -> Findings {
    let mut f = Findings::new();
    malformed(&mut f, doc.malformed_fields());
    require(
        &mut f,
        "authorization_endpoint",
        doc.authorization_endpoint.is_some(),
        "required for an EHR launch",
    );
    check_url(
        &mut f,
        "authorization_endpoint",
        doc.authorization_endpoint.as_ref(),
    );
    require(
        &mut f,
        "token_endpoint",
        doc.token_endpoint.is_some(),
        "required",
    );
    check_url(&mut f, "token_endpoint", doc.token_endpoint.as_ref());
    require(
        &mut f,
        "issuer",
        doc.issuer.is_some(),
        "required with sso-openid-connect (Ocean's single sign-on)",
    );
    check_url(&mut f, "issuer", doc.issuer.as_ref());
    require(
        &mut f,
        "jwks_uri",
        doc.jwks_uri.is_some(),
        "required with sso-openid-connect (Ocean verifies id tokens with these keys)",
    );
    check_url(&mut f, "jwks_uri", doc.jwks_uri.as_ref());
    for (field, v) in [
        ("registration_endpoint", &doc.registration_endpoint),
        ("management_endpoint", &doc.management_endpoint),
        ("introspection_endpoint", &doc.introspection_endpoint),
        ("revocation_endpoint", &doc.revocation_endpoint),
    ] {
        check_url(&mut f, field, v.as_ref());
    }
    match &doc.capabilities {
        None => require(&mut f, "capabilities", false, "required"),
        Some(_) => {
            for (cap, why) in OCEAN_CAPABILITIES {
                if !doc.has_capability(cap) {
                    f.push(Finding::error(
                        rules::CAPABILITY,
                        "capabilities",
                        format!("missing `{cap}`: {why}"),
                    ));
                }
            }
            if !doc.has_capability("permission-v1") {
                f.push(Finding::warning(
                    rules::CAPABILITY,
                    "capabilities",
                    "missing `permission-v1`: Ocean's client asks for v1 scopes (`patient/Patient.read`); accept them",
                ));
            }
        }
    }
    let online = doc.has_capability("permission-online");
    let offline = doc.has_capability("permission-offline");
    if doc.capabilities.is_some() && !online && !offline {
        f.push(Finding::warning(
            rules::REFRESH,
            "capabilities",
            "no refresh tokens (`permission-online`/`permission-offline`): Ocean asks for `online_access`, and the seed recommends refresh so users are not asked to sign in again",
        ));
    }
    if doc.scopes_supported.is_some() {
        for (on, scope) in [(online, "online_access"), (offline, "offline_access")] {
            if on && !lists(&doc.scopes_supported, scope) {
                f.push(Finding::error(
                    rules::REFRESH,
                    "scopes_supported",
                    format!("refresh capability listed but `{scope}` is not in scopes_supported"),
                ));
            }
        }
    }
    match &doc.grant_types_supported {
        None => require(
            &mut f,
            "grant_types_supported",
            false,
            "required by SMART 2",
        ),
        Some(_) if !lists(&doc.grant_types_supported, "authorization_code") => {
            f.push(Finding::error(
                rules::GRANT_TYPES,
                "grant_types_supported",
                "missing `authorization_code` (the SMART launch flow)",
            ))
        }
        Some(_) => {}
    }
    check_pkce(&mut f, &doc.code_challenge_methods_supported, true);
    check_auth_methods(&mut f, &doc.token_endpoint_auth_methods_supported, false);
    check_scopes(&mut f, &doc.scopes_supported, true);
    if doc.response_types_supported.is_some() && !lists(&doc.response_types_supported, "code") {
        f.push(Finding::error(
            rules::RESPONSE_TYPES,
            "response_types_supported",
            "missing `code` (authorization code flow)",
        ));
    }
    f
}

fn check_pkce(f: &mut Findings, methods: &Option<Vec<String>>, required: bool) {
    match methods {
        None if required => require(
            f,
            "code_challenge_methods_supported",
            false,
            "required by SMART 2 (with `S256`)",
        ),
        None => {}
        Some(m) => {
            if !m.iter().any(|x| x == "S256") {
                f.push(Finding::error(
                    rules::PKCE,
                    "code_challenge_methods_supported",
                    "missing `S256`",
                ));
            }
            if m.iter().any(|x| x == "plain") {
                f.push(Finding::error(
                    rules::PKCE,
                    "code_challenge_methods_supported",
                    "lists `plain`, which SMART forbids",
                ));
            }
        }
    }
}

fn check_auth_methods(f: &mut Findings, methods: &Option<Vec<String>>, oidc_default: bool) {
    let field = "token_endpoint_auth_methods_supported";
    match methods {
        None => f.push(Finding::warning(
            rules::AUTH_METHODS,
            field,
            if oidc_default {
                "absent, which means `client_secret_basic` only; Ocean's test client sends its secret in the body: list `client_secret_post` and `client_secret_basic`"
            } else {
                "absent: list `client_secret_post` and `client_secret_basic` (Ocean is a confidential client with a secret)"
            },
        )),
        Some(m) => {
            let post = m.iter().any(|x| x == "client_secret_post");
            let basic = m.iter().any(|x| x == "client_secret_basic");
            if !post && !basic {
                f.push(Finding::error(
                    rules::AUTH_METHODS,
                    field,
                    "neither `client_secret_post` nor `client_secret_basic`: Ocean authenticates with a client secret",
                ));
            } else if !post {
                f.push(Finding::warning(
                    rules::AUTH_METHODS,
                    field,
                    "no `client_secret_post`: Ocean's test client sends its secret in the body; support both",
                ));
            }
        }
    }
}

fn check_scopes(f: &mut Findings, supported: &Option<Vec<String>>, clinical: bool) {
    let field = "scopes_supported";
    let Some(list) = supported else {
        f.push(Finding::warning(
            rules::SCOPES,
            field,
            "absent (recommended): list the scopes Ocean asks for",
        ));
        return;
    };
    let set = ScopeSet::parse(&list.join(" "));
    for scope in ScopeSet::ocean_requested().iter() {
        if matches!(scope, Scope::Clinical(_) | Scope::Operation(_)) {
            continue;
        }
        if !clinical && !matches!(scope, Scope::OpenId | Scope::FhirUser | Scope::Profile) {
            continue;
        }
        if set.contains(scope) {
            continue;
        }
        let essential = matches!(scope, Scope::Launch | Scope::OpenId | Scope::FhirUser);
        let msg = format!("missing `{scope}`, which Ocean asks for");
        f.push(
            if essential && (clinical || !matches!(scope, Scope::FhirUser)) {
                Finding::error(rules::SCOPES, field, msg)
            } else {
                Finding::warning(rules::SCOPES, field, msg)
            },
        );
    }
    if clinical {
        let mut seen = Vec::new();
        for (patient, launch) in [(true, "a patient launch"), (false, "a dashboard launch")] {
            let coverage = set.ocean_coverage(patient);
            for gap in coverage.missing.iter().chain(&coverage.restricted) {
                let key = (gap.resource_type, gap.interaction);
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                f.push(Finding::error(
                    rules::SCOPES,
                    field,
                    format!(
                        "no listed scope fully grants {} on {} in {launch} ({})",
                        gap.interaction, gap.resource_type, gap.why
                    ),
                ));
            }
        }
    }
}

/// Checks an OpenID configuration for what Ocean needs. `expected_issuer` is the `iss` the POS
/// puts in id tokens (the "Token Issuer URL" given to Ocean), if known.
///
/// | rule | severity | when |
/// |---|---|---|
/// | `discovery.malformed` | error | a known member has the wrong JSON type |
/// | `discovery.required` | error | `issuer`, `authorization_endpoint`, `token_endpoint`, `jwks_uri`, `response_types_supported`, `subject_types_supported`, `id_token_signing_alg_values_supported` absent |
/// | `discovery.url` | error (warning for http on loopback) | an endpoint or the issuer is not an absolute https URL |
/// | `oidc.issuer` | error | `issuer` has a query or fragment, or is not `expected_issuer` |
/// | `oidc.signing-alg` | error: neither `ES256` nor `RS256`, or `none` listed; warning: no `RS256` (SMART requires RS256 support) | |
/// | `discovery.response-types` | error | no `code` |
/// | `discovery.grant-types` | error | present without `authorization_code` |
/// | `discovery.auth-methods` | as for SMART; absent means `client_secret_basic` only | |
/// | `discovery.scopes` | warning: absent, or `profile`/`fhirUser` missing; error: `openid` missing | |
/// | `oidc.claims` | warning | `claims_supported` present without `fhirUser` |
/// | `discovery.pkce` | error | present without `S256`, or with `plain` |
pub fn check_openid_configuration(
    doc: &OpenIdConfiguration,
    expected_issuer: Option<&str>,
) -> Findings {
    let mut f = Findings::new();
    malformed(&mut f, doc.malformed_fields());
    require(
        &mut f,
        "issuer",
        doc.issuer.is_some(),
        "required (equals the id token `iss`)",
    );
    check_url(&mut f, "issuer", doc.issuer.as_ref());
    if let Some(iss) = &doc.issuer {
        if iss.contains(['?', '#']) {
            f.push(Finding::error(
                rules::ISSUER,
                "issuer",
                "an issuer has no query or fragment",
            ));
        }
        if let Some(want) = expected_issuer {
            if iss != want {
                f.push(Finding::error(
                    rules::ISSUER,
                    "issuer",
                    format!("is `{iss}` but id tokens are issued by `{want}`: they must be equal, character for character"),
                ));
            }
        }
    }
    require(
        &mut f,
        "authorization_endpoint",
        doc.authorization_endpoint.is_some(),
        "required",
    );
    check_url(
        &mut f,
        "authorization_endpoint",
        doc.authorization_endpoint.as_ref(),
    );
    require(
        &mut f,
        "token_endpoint",
        doc.token_endpoint.is_some(),
        "required for the authorization code flow",
    );
    check_url(&mut f, "token_endpoint", doc.token_endpoint.as_ref());
    require(
        &mut f,
        "jwks_uri",
        doc.jwks_uri.is_some(),
        "required: Ocean verifies the id token signature with these keys",
    );
    check_url(&mut f, "jwks_uri", doc.jwks_uri.as_ref());
    for (field, v) in [
        ("userinfo_endpoint", &doc.userinfo_endpoint),
        ("registration_endpoint", &doc.registration_endpoint),
    ] {
        check_url(&mut f, field, v.as_ref());
    }
    match &doc.response_types_supported {
        None => require(&mut f, "response_types_supported", false, "required"),
        Some(_) if !lists(&doc.response_types_supported, "code") => f.push(Finding::error(
            rules::RESPONSE_TYPES,
            "response_types_supported",
            "missing `code` (authorization code flow)",
        )),
        Some(_) => {}
    }
    require(
        &mut f,
        "subject_types_supported",
        doc.subject_types_supported.is_some(),
        "required (e.g. [\"public\"])",
    );
    let field = "id_token_signing_alg_values_supported";
    match &doc.id_token_signing_alg_values_supported {
        None => require(&mut f, field, false, "required (ES256 or RS256 for Ocean)"),
        Some(algs) => {
            let has = |a: &str| algs.iter().any(|x| x == a);
            if !has("ES256") && !has("RS256") {
                f.push(Finding::error(
                    rules::SIGNING,
                    field,
                    "Ocean verifies id tokens signed with ES256 or RS256; list one",
                ));
            } else if !has("RS256") {
                f.push(Finding::warning(
                    rules::SIGNING,
                    field,
                    "no `RS256`: SMART's sso-openid-connect requires RS256 support",
                ));
            }
            if has("none") {
                f.push(Finding::error(
                    rules::SIGNING,
                    field,
                    "lists `none`: id tokens must be signed",
                ));
            }
        }
    }
    if doc.grant_types_supported.is_some()
        && !lists(&doc.grant_types_supported, "authorization_code")
    {
        f.push(Finding::error(
            rules::GRANT_TYPES,
            "grant_types_supported",
            "missing `authorization_code`",
        ));
    }
    check_auth_methods(&mut f, &doc.token_endpoint_auth_methods_supported, true);
    check_scopes(&mut f, &doc.scopes_supported, false);
    if doc.claims_supported.is_some() && !lists(&doc.claims_supported, "fhirUser") {
        f.push(Finding::warning(
            rules::CLAIMS,
            "claims_supported",
            "missing `fhirUser`: Ocean reads the user's FHIR resource from it",
        ));
    }
    check_pkce(&mut f, &doc.code_challenge_methods_supported, false);
    f
}

/// Checks that the two documents agree on `issuer`, `jwks_uri`, `authorization_endpoint` and
/// `token_endpoint` (each an error naming the member).
pub fn check_consistency(smart: &SmartConfiguration, oidc: &OpenIdConfiguration) -> Findings {
    let mut f = Findings::new();
    for (field, a, b) in [
        ("issuer", &smart.issuer, &oidc.issuer),
        ("jwks_uri", &smart.jwks_uri, &oidc.jwks_uri),
        (
            "authorization_endpoint",
            &smart.authorization_endpoint,
            &oidc.authorization_endpoint,
        ),
        (
            "token_endpoint",
            &smart.token_endpoint,
            &oidc.token_endpoint,
        ),
    ] {
        if let (Some(a), Some(b)) = (a, b) {
            if a != b {
                f.push(Finding::error(
                    rules::CONSISTENCY,
                    field,
                    format!("smart-configuration has `{a}`, openid-configuration has `{b}`"),
                ));
            }
        }
    }
    f
}

/// [`check_smart_configuration`], [`check_openid_configuration`] and [`check_consistency`]
/// together; SMART fields are prefixed `smart-configuration.`, OpenID ones
/// `openid-configuration.`.
pub fn check_all(
    smart: &SmartConfiguration,
    oidc: &OpenIdConfiguration,
    expected_issuer: Option<&str>,
) -> Findings {
    let mut out = Findings::new();
    for (prefix, findings) in [
        ("smart-configuration", check_smart_configuration(smart)),
        (
            "openid-configuration",
            check_openid_configuration(oidc, expected_issuer),
        ),
        ("both", check_consistency(smart, oidc)),
    ] {
        for mut finding in findings {
            finding.field = format!("{prefix}.{}", finding.field);
            out.push(finding);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::PosServer;

    fn pos() -> PosServer {
        PosServer::new(
            "https://pos.example/fhir",
            "https://pos.example/auth",
            "https://pos.example/auth/authorize",
            "https://pos.example/auth/token",
            "https://pos.example/auth/jwks",
        )
    }

    #[test]
    fn generated_documents_pass() {
        let p = pos();
        let s = p.smart_configuration();
        let o = p.openid_configuration();
        let all = check_all(&s, &o, Some("https://pos.example/auth"));
        assert!(all.is_empty(), "{all}");
        let back = SmartConfiguration::from_json(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        let back = OpenIdConfiguration::from_json(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(back, o);
        assert_eq!(
            p.smart_configuration_url(),
            "https://pos.example/fhir/.well-known/smart-configuration"
        );
    }

    #[test]
    fn malformed_members_are_kept_and_reported() {
        let d = SmartConfiguration::from_json(
            r#"{"capabilities":"launch-ehr","token_endpoint":5,"x":1,"issuer":null}"#,
        )
        .unwrap();
        assert_eq!(d.malformed_fields(), ["token_endpoint", "capabilities"]);
        assert_eq!(d.capabilities, None);
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"capabilities":"launch-ehr","token_endpoint":5,"x":1,"issuer":null})
        );
        let f = check_smart_configuration(&d);
        assert!(
            f.iter()
                .any(|x| x.rule == rules::MALFORMED && x.field == "capabilities")
        );
        assert!(SmartConfiguration::from_json("[]").is_err());
    }

    #[test]
    fn issuer_mismatch_and_consistency() {
        let p = pos();
        let mut o = p.openid_configuration();
        o.issuer = Some("https://pos.example/auth/".into());
        let f = check_openid_configuration(&o, Some("https://pos.example/auth"));
        assert!(f.has_rule(rules::ISSUER), "{f}");
        let c = check_consistency(&p.smart_configuration(), &o);
        assert_eq!(c.len(), 1);
        assert_eq!(c.iter().next().unwrap().field, "issuer");
    }
}
