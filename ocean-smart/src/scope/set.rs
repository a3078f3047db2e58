//! Sets of scopes (a `scope` parameter, `scopes_supported`, a grant): lenient parsing,
//! negotiating a grant, and how much of a resource type a set grants.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::clinical::Context;
use super::error::InvalidScope;
use super::token::Scope;
use crate::interaction::Interaction;

/// How much of one resource type a set of scopes lets the app read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// All of it.
    Full,
    /// Only what these v2 queries select.
    Restricted(Vec<String>),
    /// Nothing.
    None,
}

/// The result of [`ScopeSet::negotiate`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Negotiation {
    /// What to grant (and write in the token response `scope`).
    pub granted: ScopeSet,
    /// Requested tokens granted not at all (scopes carry no patient data).
    pub refused: Vec<String>,
}

/// A set of scopes, e.g. a `scope` parameter, `scopes_supported` or a grant. Keeps the order of
/// first appearance; a repeated scope is kept once.
///
/// Parsing, [`ScopeSet::insert`] and [`ScopeSet::contains`] take time linear in the number of
/// tokens (a hash set of the scopes seen), whatever their number.
#[derive(Clone, Default)]
pub struct ScopeSet {
    scopes: Vec<Scope>,
    invalid: Vec<InvalidScope>,
    /// The members of `scopes`, for constant-time membership.
    seen: HashSet<Scope>,
}

impl fmt::Debug for ScopeSet {
    /// As the derived `Debug` of the scopes and invalid tokens (the index is not shown).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopeSet")
            .field("scopes", &self.scopes)
            .field("invalid", &self.invalid)
            .finish()
    }
}

impl PartialEq for ScopeSet {
    /// The same scopes in the same order and the same invalid tokens.
    fn eq(&self, other: &Self) -> bool {
        self.scopes == other.scopes && self.invalid == other.invalid
    }
}

impl Eq for ScopeSet {}

/// The scopes Ocean's SMART client requests, as seen in OceanMD's integration test project
/// (`dougkavanagh/ocean-ts-integration`, `smart-client/src/launch-handler.ts`, which "behaves
/// similarly to Ocean's SMART client"). v1 syntax; note the non-standard `patient/$everything`
/// and the absence of `offline_access`. Confirm the production list with Ocean.
pub const OCEAN_REQUESTED_SCOPES: &str = "launch launch/patient online_access openid profile \
    fhirUser patient/Patient.read patient/Observation.read patient/$everything user/*.* \
    user/Practitioner.read";

impl ScopeSet {
    /// No scopes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a scope string leniently: tokens separated by whitespace; invalid tokens are
    /// kept aside in [`ScopeSet::invalid`]. Never fails.
    pub fn parse(text: &str) -> Self {
        let mut set = Self::new();
        for token in text.split_ascii_whitespace() {
            match token.parse::<Scope>() {
                Ok(scope) => {
                    set.insert(scope);
                }
                Err(error) => set.invalid.push(InvalidScope {
                    token: token.to_owned(),
                    error,
                }),
            }
        }
        set
    }

    /// [`OCEAN_REQUESTED_SCOPES`], parsed.
    pub fn ocean_requested() -> Self {
        Self::parse(OCEAN_REQUESTED_SCOPES)
    }

    /// Adds a scope; `false` if it was already there.
    pub fn insert(&mut self, scope: Scope) -> bool {
        if self.seen.contains(&scope) {
            return false;
        }
        self.seen.insert(scope.clone());
        self.scopes.push(scope);
        true
    }

    /// Whether this exact scope is in the set.
    pub fn contains(&self, scope: &Scope) -> bool {
        self.seen.contains(scope)
    }

    /// The valid scopes, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Scope> {
        self.scopes.iter()
    }

    /// The number of valid scopes.
    pub fn len(&self) -> usize {
        self.scopes.len()
    }

    /// Whether there is no valid scope.
    pub fn is_empty(&self) -> bool {
        self.scopes.is_empty()
    }

    /// The tokens that did not parse.
    pub fn invalid(&self) -> &[InvalidScope] {
        &self.invalid
    }

    /// Whether the set asks for (or grants) a refresh token: `online_access` or `offline_access`.
    pub fn has_refresh(&self) -> bool {
        self.contains(&Scope::OnlineAccess) || self.contains(&Scope::OfflineAccess)
    }

    /// Whether some clinical or operation scope is `patient/…`.
    pub fn has_patient_scopes(&self) -> bool {
        self.scopes.iter().any(|s| match s {
            Scope::Clinical(c) => c.context() == Context::Patient,
            Scope::Operation(o) => o.context() == Context::Patient,
            _ => false,
        })
    }

    /// Whether the set gives at least what `requested` asks for: the same scope, or for a
    /// clinical scope one with the same context, the same type or `*`, at least the same
    /// interactions and no other query restriction.
    pub fn satisfies(&self, requested: &Scope) -> bool {
        match requested {
            Scope::Clinical(r) => self.scopes.iter().any(|s| match s {
                Scope::Clinical(c) => c.satisfies(r),
                _ => false,
            }),
            other => self.contains(other),
        }
    }

    /// What to grant when `self` is requested and `supported` is what the POS supports: each
    /// requested scope the POS satisfies is granted as asked; a clinical scope the POS only
    /// partly supports is narrowed (e.g. `user/*.*` against a read-only `user/*.rs` grants
    /// `user/*.read`); anything else is refused. SMART lets a server grant less than asked, and
    /// Ocean's client asks for a non-standard `patient/$everything`, so refusing is the normal
    /// way to handle a scope the POS does not know.
    ///
    /// Without a patient in context (a dashboard launch) `patient/` scopes and
    /// `launch/patient` are refused: SMART requires a patient in context whenever a `patient/`
    /// scope is granted, and Ocean asks for the same scopes in every launch.
    pub fn negotiate(&self, supported: &ScopeSet, patient_in_context: bool) -> Negotiation {
        let mut out = Negotiation::default();
        for requested in &self.scopes {
            let needs_patient = match requested {
                Scope::Clinical(c) => c.context() == Context::Patient,
                Scope::Operation(o) => o.context() == Context::Patient,
                Scope::LaunchContext(c) => c.as_str() == "patient",
                _ => false,
            };
            if needs_patient && !patient_in_context {
                out.refused.push(requested.to_string());
                continue;
            }
            if supported.satisfies(requested) {
                out.granted.insert(requested.clone());
                continue;
            }
            let mut any = false;
            if let Scope::Clinical(r) = requested {
                for s in supported.scopes.iter().filter_map(Scope::as_clinical) {
                    if let Some(narrow) = s.narrow(r) {
                        any |= out.granted.insert(Scope::Clinical(narrow));
                    }
                }
            }
            if !any {
                out.refused.push(requested.to_string());
            }
        }
        out.refused
            .extend(self.invalid.iter().map(|i| i.token.clone()));
        out
    }

    /// How much of `resource_type` the set lets the app use for `interaction`, with or
    /// without a patient in context (`patient/` scopes count only with one).
    pub fn grant(
        &self,
        resource_type: &str,
        interaction: Interaction,
        patient_in_context: bool,
    ) -> Grant {
        let mut restricted = Vec::new();
        for c in self.scopes.iter().filter_map(Scope::as_clinical) {
            let context_ok = match c.context() {
                Context::Patient => patient_in_context,
                Context::User | Context::System => true,
            };
            if context_ok && c.covers_type(resource_type) && c.permissions().allows(interaction) {
                match c.query() {
                    None => return Grant::Full,
                    Some(q) => restricted.push(q.to_owned()),
                }
            }
        }
        if restricted.is_empty() {
            Grant::None
        } else {
            Grant::Restricted(restricted)
        }
    }
}

impl FromStr for ScopeSet {
    type Err = InvalidScope;

    /// Parses strictly: the first invalid token is an error.
    fn from_str(text: &str) -> Result<Self, InvalidScope> {
        let set = Self::parse(text);
        match set.invalid.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(Self {
                scopes: set.scopes,
                invalid: Vec::new(),
                seen: set.seen,
            }),
        }
    }
}

impl fmt::Display for ScopeSet {
    /// The valid scopes separated by single spaces (invalid tokens are not written).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.scopes.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            s.fmt(f)?;
        }
        Ok(())
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        let mut set = Self::new();
        for s in iter {
            set.insert(s);
        }
        set
    }
}

impl<'a> IntoIterator for &'a ScopeSet {
    type Item = &'a Scope;
    type IntoIter = std::slice::Iter<'a, Scope>;
    fn into_iter(self) -> Self::IntoIter {
        self.scopes.iter()
    }
}

impl Serialize for ScopeSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ScopeSet {
    /// Reads a scope string leniently ([`ScopeSet::parse`]).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(Self::parse(&text))
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
    fn set_parsing_is_lenient_and_strict_on_demand() {
        let set = ScopeSet::parse("  openid\tfhirUser  patient/Observation.sr openid\n");
        assert_eq!(set.to_string(), "openid fhirUser");
        assert_eq!(set.invalid().len(), 1);
        assert_eq!(set.invalid()[0].error, ScopeError::InvalidPermissions);
        let err = "openid patient/Observation.sr"
            .parse::<ScopeSet>()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid scope `patient/Observation.sr`: permissions must be `read`, `write`, `*` or an in-order subset of `cruds`"
        );
        assert!("".parse::<ScopeSet>().unwrap().is_empty());
    }

    #[test]
    fn grants() {
        let s = ScopeSet::parse(
            "patient/Observation.rs?category=laboratory user/Practitioner.read patient/Condition.r",
        );
        assert_eq!(
            s.grant("Observation", Interaction::Read, true),
            Grant::Restricted(vec!["category=laboratory".into()])
        );
        assert_eq!(
            s.grant("Practitioner", Interaction::Search, false),
            Grant::Full
        );
        assert_eq!(s.grant("Condition", Interaction::Read, true), Grant::Full);
        assert_eq!(s.grant("Condition", Interaction::Search, true), Grant::None);
        assert_eq!(s.grant("Condition", Interaction::Read, false), Grant::None);
        assert_eq!(s.grant("Patient", Interaction::Read, true), Grant::None);
    }

    #[test]
    fn satisfies_and_negotiates() {
        let supported = ScopeSet::parse(
            "launch launch/patient openid fhirUser profile online_access patient/*.rs user/*.rs",
        );
        assert!(supported.satisfies(&p("patient/Patient.read").unwrap()));
        assert!(supported.satisfies(&p("patient/Observation.rs?category=x").unwrap()));
        assert!(!supported.satisfies(&p("user/*.*").unwrap()));
        assert!(!supported.satisfies(&p("patient/$everything").unwrap()));
        let n = ScopeSet::ocean_requested().negotiate(&supported, true);
        assert_eq!(
            n.granted.to_string(),
            "launch launch/patient online_access openid profile fhirUser patient/Patient.read patient/Observation.read user/*.read user/Practitioner.read"
        );
        assert_eq!(n.refused, vec!["patient/$everything".to_owned()]);
        assert!(n.granted.ocean_coverage(true).is_complete());
        let n = ScopeSet::ocean_requested().negotiate(&supported, false);
        assert_eq!(
            n.granted.to_string(),
            "launch online_access openid profile fhirUser user/*.read user/Practitioner.read"
        );
        assert_eq!(
            n.refused,
            [
                "launch/patient",
                "patient/Patient.read",
                "patient/Observation.read",
                "patient/$everything"
            ]
        );
        assert!(n.granted.ocean_coverage(false).is_complete());
        // A write-only grant narrows to v2 letters when they are not a whole v1 permission.
        let n =
            ScopeSet::parse("user/Observation.*").negotiate(&ScopeSet::parse("user/*.cr"), true);
        assert_eq!(n.granted.to_string(), "user/Observation.cr");
        let n = ScopeSet::parse("user/*.rs").negotiate(
            &ScopeSet::parse("user/Patient.r user/Condition.rs?x=1"),
            true,
        );
        assert_eq!(
            n.granted.to_string(),
            "user/Patient.r user/Condition.rs?x=1"
        );
    }

    #[test]
    fn serde_as_string() {
        let s = ScopeSet::parse("openid fhirUser");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"openid fhirUser\"");
        let back: ScopeSet = serde_json::from_str("\"openid  patient/x.y fhirUser\"").unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back.invalid().len(), 1);
    }

    #[test]
    fn long_scope_strings_are_read_in_one_pass() {
        // 40,000 distinct scopes, then all of them again: each kept once, in order (issue 18).
        let tokens: Vec<String> = (0..40_000).map(|i| format!("user/T{i}.rs")).collect();
        let text = tokens.join(" ");
        let set = ScopeSet::parse(&format!("{text} {text}"));
        assert_eq!(set.len(), 40_000);
        assert_eq!(set.to_string(), text);
        assert!(set.contains(&p("user/T39999.rs").unwrap()));
        assert!(!set.contains(&p("user/T40000.rs").unwrap()));
    }

    #[test]
    fn equality_and_debug_ignore_the_index() {
        let a = ScopeSet::parse("openid fhirUser");
        let b: ScopeSet = [Scope::OpenId, Scope::FhirUser].into_iter().collect();
        assert_eq!(a, b);
        assert_ne!(a, ScopeSet::parse("fhirUser openid"));
        assert_eq!(
            format!("{a:?}"),
            "ScopeSet { scopes: [OpenId, FhirUser], invalid: [] }"
        );
    }
}
