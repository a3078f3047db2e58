//! One scope token: the kinds of scope SMART defines, parsed strictly and written back
//! exactly as parsed.

use std::fmt;
use std::str::FromStr;

use ocean_model::is_resource_type_name;

use super::clinical::{ClinicalScope, Context, Permissions};
use super::error::{ScopeError, validate_chars};

/// `patient/$everything`: a non-standard scope naming an operation (Ocean's client asks for it;
/// SMART does not define it, so a server may grant or drop it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OperationScope {
    context: Context,
    operation: String,
}

impl OperationScope {
    /// `context/$operation`; `operation` without the `$`.
    pub fn new(context: Context, operation: &str) -> Result<Self, ScopeError> {
        if operation.is_empty()
            || !operation
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ScopeError::InvalidOperation);
        }
        Ok(Self {
            context,
            operation: operation.to_owned(),
        })
    }

    /// The context.
    pub fn context(&self) -> Context {
        self.context
    }

    /// The operation name without `$`.
    pub fn operation(&self) -> &str {
        &self.operation
    }
}

impl fmt::Display for OperationScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/${}", self.context.as_str(), self.operation)
    }
}

/// A scope token that is valid but not one SMART defines here (a URI, a `__x` extension, a
/// vendor scope). Kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OtherScope(String);

impl OtherScope {
    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `launch/<name>`: asks for launch context of a kind (`patient`, `encounter`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LaunchContextScope(String);

impl LaunchContextScope {
    /// The name after `launch/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One SMART scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// `patient/…`, `user/…`, `system/…` clinical data scope.
    Clinical(ClinicalScope),
    /// `patient/$everything` and similar.
    Operation(OperationScope),
    /// `launch`.
    Launch,
    /// `launch/patient`, `launch/encounter`, …
    LaunchContext(LaunchContextScope),
    /// `openid`.
    OpenId,
    /// `fhirUser`.
    FhirUser,
    /// `profile` (SMART v1's way to ask for the user's resource URL).
    Profile,
    /// `online_access`.
    OnlineAccess,
    /// `offline_access`.
    OfflineAccess,
    /// Any other valid token.
    Other(OtherScope),
}

impl Scope {
    /// `launch/patient`.
    pub fn launch_patient() -> Self {
        Self::LaunchContext(LaunchContextScope("patient".to_owned()))
    }

    /// `launch/encounter`.
    pub fn launch_encounter() -> Self {
        Self::LaunchContext(LaunchContextScope("encounter".to_owned()))
    }

    /// The clinical scope, if this is one.
    pub fn as_clinical(&self) -> Option<&ClinicalScope> {
        match self {
            Self::Clinical(c) => Some(c),
            _ => None,
        }
    }

    fn parse_clinical(context: Context, rest: &str) -> Result<Self, ScopeError> {
        if let Some(op) = rest.strip_prefix('$') {
            return OperationScope::new(context, op).map(Self::Operation);
        }
        let (resource, perms) = rest.split_once('.').ok_or(ScopeError::MissingPermissions)?;
        let resource = match resource {
            "*" => None,
            t if is_resource_type_name(t) => Some(t),
            _ => return Err(ScopeError::InvalidResourceType),
        };
        let (perms, query) = match perms.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (perms, None),
        };
        let permissions = Permissions::parse(perms).ok_or(ScopeError::InvalidPermissions)?;
        let scope = ClinicalScope::new(context, resource, permissions)?;
        match query {
            Some(q) => scope.with_query(q).map(Self::Clinical),
            None => Ok(Self::Clinical(scope)),
        }
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    /// Parses one token strictly (see the [`crate::scope`] rules).
    fn from_str(token: &str) -> Result<Self, ScopeError> {
        if token.is_empty() {
            return Err(ScopeError::Empty);
        }
        validate_chars(token)?;
        Ok(match token {
            "launch" => Self::Launch,
            "openid" => Self::OpenId,
            "fhirUser" => Self::FhirUser,
            "profile" => Self::Profile,
            "online_access" => Self::OnlineAccess,
            "offline_access" => Self::OfflineAccess,
            _ => {
                if let Some(rest) = token.strip_prefix("patient/") {
                    return Self::parse_clinical(Context::Patient, rest);
                }
                if let Some(rest) = token.strip_prefix("user/") {
                    return Self::parse_clinical(Context::User, rest);
                }
                if let Some(rest) = token.strip_prefix("system/") {
                    return Self::parse_clinical(Context::System, rest);
                }
                if let Some(rest) = token.strip_prefix("launch/") {
                    if rest.is_empty() {
                        return Err(ScopeError::EmptyLaunchContext);
                    }
                    return Ok(Self::LaunchContext(LaunchContextScope(rest.to_owned())));
                }
                Self::Other(OtherScope(token.to_owned()))
            }
        })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Clinical(c) => c.fmt(f),
            Self::Operation(o) => o.fmt(f),
            Self::Launch => f.write_str("launch"),
            Self::LaunchContext(c) => write!(f, "launch/{}", c.0),
            Self::OpenId => f.write_str("openid"),
            Self::FhirUser => f.write_str("fhirUser"),
            Self::Profile => f.write_str("profile"),
            Self::OnlineAccess => f.write_str("online_access"),
            Self::OfflineAccess => f.write_str("offline_access"),
            Self::Other(o) => f.write_str(&o.0),
        }
    }
}

impl From<ClinicalScope> for Scope {
    fn from(c: ClinicalScope) -> Self {
        Self::Clinical(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::*;

    fn p(s: &str) -> Result<Scope, ScopeError> {
        s.parse()
    }

    #[test]
    fn parses_valid_tokens_and_round_trips() {
        for t in [
            "patient/Observation.read",
            "patient/*.read",
            "user/*.*",
            "user/*.write",
            "system/Patient.rs",
            "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
            "patient/Observation.rs?category=vital-signs&status=final",
            "user/Appointment.cruds",
            "patient/AllergyIntolerance.c",
            "patient/$everything",
            "launch",
            "launch/patient",
            "launch/encounter",
            "launch/diagnosticreport",
            "openid",
            "fhirUser",
            "profile",
            "online_access",
            "offline_access",
            "http://example.com/scope-name",
            "__vendor_x",
            "Patient/*.read",
        ] {
            assert_eq!(p(t).unwrap().to_string(), t, "{t}");
        }
    }

    #[test]
    fn classifies() {
        let c = p("patient/Observation.rs?category=laboratory").unwrap();
        let Scope::Clinical(c) = c else { panic!() };
        assert_eq!(c.context(), Context::Patient);
        assert_eq!(c.resource_type(), Some("Observation"));
        assert_eq!(c.permissions(), Permissions::V2(Interactions::READ_SEARCH));
        assert_eq!(c.query(), Some("category=laboratory"));
        assert_eq!(p("launch/patient").unwrap(), Scope::launch_patient());
        assert!(matches!(p("Patient/*.read").unwrap(), Scope::Other(_)));
        assert!(matches!(
            p("patient/$everything").unwrap(),
            Scope::Operation(_)
        ));
    }

    #[test]
    fn rejects_invalid_tokens() {
        for (t, e) in [
            ("", ScopeError::Empty),
            ("patient/Observation", ScopeError::MissingPermissions),
            ("patient/observation.read", ScopeError::InvalidResourceType),
            ("patient/.read", ScopeError::InvalidResourceType),
            ("patient/Obs-x.read", ScopeError::InvalidResourceType),
            ("patient/Observation.sr", ScopeError::InvalidPermissions),
            ("patient/Observation.rr", ScopeError::InvalidPermissions),
            ("patient/Observation.dus", ScopeError::InvalidPermissions),
            ("patient/Observation.", ScopeError::InvalidPermissions),
            ("patient/Observation.Read", ScopeError::InvalidPermissions),
            ("patient/Observation.x", ScopeError::InvalidPermissions),
            (
                "patient/Observation.read?category=x",
                ScopeError::QueryWithV1,
            ),
            ("patient/Observation.rs?", ScopeError::InvalidQuery),
            ("patient/Observation.rs?category", ScopeError::InvalidQuery),
            ("patient/Observation.rs?=x", ScopeError::InvalidQuery),
            ("patient/Observation.rs?a=1&&b=2", ScopeError::InvalidQuery),
            ("patient/$", ScopeError::InvalidOperation),
            ("patient/$every.thing", ScopeError::InvalidOperation),
            ("launch/", ScopeError::EmptyLaunchContext),
            ("a b", ScopeError::InvalidCharacter { offset: 1 }),
            ("a\"b", ScopeError::InvalidCharacter { offset: 1 }),
            ("a\\b", ScopeError::InvalidCharacter { offset: 1 }),
            ("é", ScopeError::InvalidCharacter { offset: 0 }),
        ] {
            assert_eq!(p(t), Err(e), "{t:?}");
        }
    }
}
