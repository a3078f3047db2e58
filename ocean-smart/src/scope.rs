//! SMART scopes, v1 (`patient/Observation.read`) and v2 (`patient/Observation.rs?category=…`),
//! plus the launch, identity and refresh scopes, and the questions a POS must answer with them.
//!
//! # Grammar (one scope token)
//! | token | meaning | type |
//! |---|---|---|
//! | `patient/T.p`, `user/T.p`, `system/T.p` | clinical data: `T` is a resource type or `*`; `p` is v1 `read`, `write`, `*` or a v2 subset of `cruds` in that order, optionally followed by `?param=value&…` (v2 only) | [`ClinicalScope`] |
//! | `patient/$op`, `user/$op` | non-standard operation scope; Ocean's client asks for `patient/$everything` | [`OperationScope`] |
//! | `launch` | EHR launch: bind this authorization to the `launch` parameter | [`Scope::Launch`] |
//! | `launch/patient`, `launch/encounter`, `launch/x` | ask for launch context of that kind | [`Scope::LaunchContext`] |
//! | `openid`, `fhirUser`, `profile` | identity: an `id_token` with the user's FHIR resource URL | [`Scope::OpenId`], [`Scope::FhirUser`], [`Scope::Profile`] |
//! | `online_access`, `offline_access` | a refresh token, usable while the user is online / beyond that | [`Scope::OnlineAccess`], [`Scope::OfflineAccess`] |
//! | anything else made of scope characters | kept verbatim (URIs, `__x` extensions, vendor scopes) | [`Scope::Other`] |
//!
//! Rules:
//! - A token is 1 or more of the RFC 6749 scope characters (printable ASCII except space, `"`
//!   and `\`). Tokens in a scope string are separated by spaces; [`ScopeSet::parse`] also
//!   accepts runs of spaces, tabs and newlines.
//! - A token starting with `patient/`, `user/` or `system/` must be a valid clinical or
//!   operation scope: a resource type starts with an upper-case ASCII letter and continues with
//!   ASCII letters and digits; v2 letters must be a non-empty, in-order, duplicate-free subset
//!   of `cruds` (`.sr` and `.rr` are errors, as the SMART spec allows a server to refuse them);
//!   a `?query` is only allowed after v2 letters and each `&`-separated piece is
//!   `name=value` with a non-empty name.
//! - v1 permissions mean, in v2 terms: `read` = `rs`, `write` = `cud`, `*` = `cruds` (SMART
//!   App Launch 2, "Scopes for requesting clinical data").
//! - [`Scope`]'s `Display` writes the token exactly as parsed: `parse(s).to_string() == s` for
//!   every valid token.
//! - Which scopes *grant* reading a type (see [`ScopeSet::grant`]): a clinical scope whose
//!   context is `user` or `system`, or `patient` when a patient is in context; whose resource
//!   is that type or `*`; whose permissions include the interaction. A scope with a `?query`
//!   grants only part of that type ([`Grant::Restricted`]).
//!
//! ```
//! use ocean_smart::scope::{Interaction, Scope, ScopeSet, Grant};
//! let s: Scope = "patient/Observation.rs?category=laboratory".parse().unwrap();
//! assert_eq!(s.to_string(), "patient/Observation.rs?category=laboratory");
//! let granted = ScopeSet::parse("launch openid fhirUser patient/*.read user/Practitioner.read");
//! assert_eq!(granted.grant("Condition", Interaction::Read, true), Grant::Full);
//! assert_eq!(granted.grant("Condition", Interaction::Read, false), Grant::None);
//! assert!(granted.ocean_coverage(true).is_complete());
//! assert!("patient/Observation.sr".parse::<Scope>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::everything::{OCEAN_READS, OceanRead};

/// Why a scope token is not valid. Names the part that is wrong, not the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// The token is empty.
    #[error("empty scope")]
    Empty,
    /// A character that RFC 6749 does not allow in a scope (space, `"`, `\`, control or
    /// non-ASCII) at this byte offset.
    #[error("character not allowed in a scope at byte {offset}")]
    InvalidCharacter {
        /// Byte offset of the character.
        offset: usize,
    },
    /// A `patient/`, `user/` or `system/` scope without `.permissions`.
    #[error("clinical scope without `.permissions` (expected e.g. `patient/Observation.rs`)")]
    MissingPermissions,
    /// The resource part is neither `*` nor a resource type name.
    #[error("resource type must be `*` or a FHIR resource type name such as `Observation`")]
    InvalidResourceType,
    /// The permissions are neither v1 (`read`, `write`, `*`) nor an in-order subset of `cruds`.
    #[error("permissions must be `read`, `write`, `*` or an in-order subset of `cruds`")]
    InvalidPermissions,
    /// A `?query` after v1 permissions.
    #[error("a `?query` is only allowed with v2 permissions (e.g. `.rs?category=…`)")]
    QueryWithV1,
    /// The `?query` is empty or has a piece that is not `name=value`.
    #[error("scope query must be `name=value` pieces joined by `&`")]
    InvalidQuery,
    /// `patient/$` without a valid operation name.
    #[error("operation scope needs a name of letters, digits, `-` or `_` after `$`")]
    InvalidOperation,
    /// `launch/` with nothing after it.
    #[error("`launch/` needs a context name (e.g. `launch/patient`)")]
    EmptyLaunchContext,
}

/// Whose data a clinical scope is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// `patient/`: the patient in context.
    Patient,
    /// `user/`: whatever the signed-in user may see.
    User,
    /// `system/`: backend services.
    System,
}

impl Context {
    /// `patient`, `user` or `system`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::User => "user",
            Self::System => "system",
        }
    }
}

/// A FHIR REST interaction as SMART v2 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interaction {
    /// `c`: create.
    Create,
    /// `r`: read, vread, instance history.
    Read,
    /// `u`: update, patch.
    Update,
    /// `d`: delete.
    Delete,
    /// `s`: search, type and system history.
    Search,
}

impl Interaction {
    /// All five, in `cruds` order.
    pub const ALL: [Interaction; 5] = [
        Self::Create,
        Self::Read,
        Self::Update,
        Self::Delete,
        Self::Search,
    ];

    /// The v2 letter.
    pub fn letter(self) -> char {
        match self {
            Self::Create => 'c',
            Self::Read => 'r',
            Self::Update => 'u',
            Self::Delete => 'd',
            Self::Search => 's',
        }
    }

    fn bit(self) -> u8 {
        match self {
            Self::Create => 1,
            Self::Read => 2,
            Self::Update => 4,
            Self::Delete => 8,
            Self::Search => 16,
        }
    }

    /// The English name (`read`, `search`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Read => "read",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Search => "search",
        }
    }
}

impl fmt::Display for Interaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-empty set of interactions (the v2 `cruds` letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interactions(u8);

impl Interactions {
    /// `rs`: what v1 `read` means.
    pub const READ_SEARCH: Interactions = Interactions(2 | 16);
    /// `cud`: what v1 `write` means.
    pub const WRITE: Interactions = Interactions(1 | 4 | 8);
    /// `cruds`: what v1 `*` means.
    pub const ALL: Interactions = Interactions(31);

    /// The set of the given interactions; `None` if empty.
    pub fn of(interactions: &[Interaction]) -> Option<Self> {
        let bits = interactions.iter().fold(0, |acc, i| acc | i.bit());
        (bits != 0).then_some(Self(bits))
    }

    /// Parses v2 letters: a non-empty, in-order, duplicate-free subset of `cruds`.
    pub fn from_letters(letters: &str) -> Option<Self> {
        let mut bits = 0u8;
        let mut last = 0u8;
        for c in letters.chars() {
            let i = match c {
                'c' => Interaction::Create,
                'r' => Interaction::Read,
                'u' => Interaction::Update,
                'd' => Interaction::Delete,
                's' => Interaction::Search,
                _ => return None,
            };
            if i.bit() <= last {
                return None;
            }
            last = i.bit();
            bits |= i.bit();
        }
        (bits != 0).then_some(Self(bits))
    }

    /// Whether the set holds `interaction`.
    pub fn contains(self, interaction: Interaction) -> bool {
        self.0 & interaction.bit() != 0
    }

    /// Whether every interaction of `other` is in `self`.
    pub fn is_superset(self, other: Interactions) -> bool {
        self.0 & other.0 == other.0
    }

    /// The interactions in both sets, `None` if none.
    pub fn intersection(self, other: Interactions) -> Option<Interactions> {
        let bits = self.0 & other.0;
        (bits != 0).then_some(Self(bits))
    }

    /// The interactions, in `cruds` order.
    pub fn iter(self) -> impl Iterator<Item = Interaction> {
        Interaction::ALL
            .into_iter()
            .filter(move |i| self.contains(*i))
    }
}

impl fmt::Display for Interactions {
    /// The v2 letters in `cruds` order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in self.iter() {
            write!(f, "{}", i.letter())?;
        }
        Ok(())
    }
}

/// SMART v1 permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum V1Access {
    /// `.read` (= v2 `rs`).
    Read,
    /// `.write` (= v2 `cud`).
    Write,
    /// `.*` (= v2 `cruds`).
    All,
}

/// The permissions of a clinical scope, in the syntax they were written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permissions {
    /// SMART v1 `.read`, `.write`, `.*`.
    V1(V1Access),
    /// SMART v2 letters.
    V2(Interactions),
}

impl Permissions {
    /// The interactions granted, v1 mapped to v2.
    pub fn interactions(self) -> Interactions {
        match self {
            Self::V1(V1Access::Read) => Interactions::READ_SEARCH,
            Self::V1(V1Access::Write) => Interactions::WRITE,
            Self::V1(V1Access::All) => Interactions::ALL,
            Self::V2(i) => i,
        }
    }

    /// Whether `interaction` is granted.
    pub fn allows(self, interaction: Interaction) -> bool {
        self.interactions().contains(interaction)
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => Some(Self::V1(V1Access::Read)),
            "write" => Some(Self::V1(V1Access::Write)),
            "*" => Some(Self::V1(V1Access::All)),
            letters => Interactions::from_letters(letters).map(Self::V2),
        }
    }
}

impl fmt::Display for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V1(V1Access::Read) => f.write_str("read"),
            Self::V1(V1Access::Write) => f.write_str("write"),
            Self::V1(V1Access::All) => f.write_str("*"),
            Self::V2(i) => i.fmt(f),
        }
    }
}

/// `patient/Observation.rs?category=…`: access to clinical data of one resource type or all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClinicalScope {
    context: Context,
    resource: Option<String>,
    permissions: Permissions,
    query: Option<String>,
}

fn is_resource_type_name(s: &str) -> bool {
    let mut b = s.bytes();
    b.next().is_some_and(|c| c.is_ascii_uppercase()) && b.all(|c| c.is_ascii_alphanumeric())
}

fn is_valid_query(q: &str) -> bool {
    !q.is_empty()
        && q.split('&').all(|piece| {
            piece
                .split_once('=')
                .is_some_and(|(name, _)| !name.is_empty())
        })
}

impl ClinicalScope {
    /// A scope for one resource type (`Some("Observation")`) or all (`None`, written `*`).
    pub fn new(
        context: Context,
        resource_type: Option<&str>,
        permissions: Permissions,
    ) -> Result<Self, ScopeError> {
        if let Some(t) = resource_type {
            if !is_resource_type_name(t) {
                return Err(ScopeError::InvalidResourceType);
            }
        }
        Ok(Self {
            context,
            resource: resource_type.map(str::to_owned),
            permissions,
            query: None,
        })
    }

    /// Restricts the scope with a v2 query (`category=…`, without the `?`).
    pub fn with_query(mut self, query: &str) -> Result<Self, ScopeError> {
        if matches!(self.permissions, Permissions::V1(_)) {
            return Err(ScopeError::QueryWithV1);
        }
        if !is_valid_query(query) || validate_chars(query).is_err() {
            return Err(ScopeError::InvalidQuery);
        }
        self.query = Some(query.to_owned());
        Ok(self)
    }

    /// `patient`, `user` or `system`.
    pub fn context(&self) -> Context {
        self.context
    }

    /// The resource type, `None` for `*`.
    pub fn resource_type(&self) -> Option<&str> {
        self.resource.as_deref()
    }

    /// The permissions as written.
    pub fn permissions(&self) -> Permissions {
        self.permissions
    }

    /// The v2 query restriction (without `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// Whether this scope is about `resource_type` (its own type, or `*`).
    pub fn covers_type(&self, resource_type: &str) -> bool {
        self.resource.as_deref().is_none_or(|t| t == resource_type)
    }

    /// Whether this scope alone gives at least everything `requested` asks for.
    pub fn satisfies(&self, requested: &ClinicalScope) -> bool {
        self.context == requested.context
            && (self.resource.is_none() || self.resource == requested.resource)
            && self
                .permissions
                .interactions()
                .is_superset(requested.permissions.interactions())
            && (self.query.is_none() || self.query == requested.query)
    }

    /// The part of `requested` this (supported) scope can grant, written as a v1 scope when
    /// `requested` was v1 and the part is a whole v1 permission; `None` if nothing overlaps.
    fn narrow(&self, requested: &ClinicalScope) -> Option<ClinicalScope> {
        if self.context != requested.context {
            return None;
        }
        let resource = match (&self.resource, &requested.resource) {
            (None, r) => r.clone(),
            (Some(s), None) => Some(s.clone()),
            (Some(s), Some(r)) if s == r => Some(s.clone()),
            _ => return None,
        };
        let query = match (&self.query, &requested.query) {
            (None, q) | (q, None) => q.clone(),
            (Some(a), Some(b)) if a == b => Some(a.clone()),
            _ => return None,
        };
        let both = self
            .permissions
            .interactions()
            .intersection(requested.permissions.interactions())?;
        let permissions = match requested.permissions {
            Permissions::V1(_) if query.is_none() && both == Interactions::READ_SEARCH => {
                Permissions::V1(V1Access::Read)
            }
            Permissions::V1(_) if query.is_none() && both == Interactions::WRITE => {
                Permissions::V1(V1Access::Write)
            }
            Permissions::V1(_) if query.is_none() && both == Interactions::ALL => {
                Permissions::V1(V1Access::All)
            }
            _ => Permissions::V2(both),
        };
        Some(ClinicalScope {
            context: self.context,
            resource,
            permissions,
            query,
        })
    }
}

impl fmt::Display for ClinicalScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}.{}",
            self.context.as_str(),
            self.resource.as_deref().unwrap_or("*"),
            self.permissions
        )?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        Ok(())
    }
}

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

fn validate_chars(token: &str) -> Result<(), ScopeError> {
    match token
        .bytes()
        .position(|b| !(b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b)))
    {
        Some(offset) => Err(ScopeError::InvalidCharacter { offset }),
        None => Ok(()),
    }
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

    /// Parses one token strictly (see the module rules).
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

/// A token that did not parse, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid scope `{token}`: {error}")]
pub struct InvalidScope {
    /// The token as received (scopes carry no patient data).
    pub token: String,
    /// Why.
    pub error: ScopeError,
}

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

/// One resource type and interaction a set of scopes does not fully grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The resource type.
    pub resource_type: &'static str,
    /// The interaction.
    pub interaction: Interaction,
    /// Why Ocean needs it.
    pub why: &'static str,
}

/// What a grant lacks for the reads Ocean makes (see [`crate::everything::OCEAN_READS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Not granted at all.
    pub missing: Vec<Gap>,
    /// Granted only through a v2 query restriction (Ocean may get part of the data).
    pub restricted: Vec<Gap>,
}

impl Coverage {
    /// Whether every read is fully granted.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.restricted.is_empty()
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_complete() {
            return f.write_str("complete");
        }
        let mut first = true;
        for (label, gaps) in [("missing", &self.missing), ("restricted", &self.restricted)] {
            for g in gaps {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{label} {} {}", g.resource_type, g.interaction)?;
            }
        }
        Ok(())
    }
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet {
    scopes: Vec<Scope>,
    invalid: Vec<InvalidScope>,
}

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
        if self.scopes.contains(&scope) {
            return false;
        }
        self.scopes.push(scope);
        true
    }

    /// Whether this exact scope is in the set.
    pub fn contains(&self, scope: &Scope) -> bool {
        self.scopes.contains(scope)
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
            Scope::Clinical(c) => c.context == Context::Patient,
            Scope::Operation(o) => o.context == Context::Patient,
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
                Scope::Clinical(c) => c.context == Context::Patient,
                Scope::Operation(o) => o.context == Context::Patient,
                Scope::LaunchContext(c) => c.0 == "patient",
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
            let context_ok = match c.context {
                Context::Patient => patient_in_context,
                Context::User | Context::System => true,
            };
            if context_ok && c.covers_type(resource_type) && c.permissions.allows(interaction) {
                match &c.query {
                    None => return Grant::Full,
                    Some(q) => restricted.push(q.clone()),
                }
            }
        }
        if restricted.is_empty() {
            Grant::None
        } else {
            Grant::Restricted(restricted)
        }
    }

    /// Which of `reads` the set does not fully grant.
    pub fn coverage(&self, reads: &[OceanRead], patient_in_context: bool) -> Coverage {
        let mut out = Coverage::default();
        for read in reads {
            if read.needs_patient && !patient_in_context {
                continue;
            }
            for &interaction in read.interactions {
                let gap = Gap {
                    resource_type: read.resource_type,
                    interaction,
                    why: read.why,
                };
                match self.grant(read.resource_type, interaction, patient_in_context) {
                    Grant::Full => {}
                    Grant::Restricted(_) => out.restricted.push(gap),
                    Grant::None => out.missing.push(gap),
                }
            }
        }
        out
    }

    /// "Does this grant let Ocean read everything `$everything` returns for the resource types
    /// Ocean reads?": [`ScopeSet::coverage`] over [`OCEAN_READS`].
    pub fn ocean_coverage(&self, patient_in_context: bool) -> Coverage {
        self.coverage(OCEAN_READS, patient_in_context)
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

    #[test]
    fn v1_maps_to_v2() {
        let read = Permissions::V1(V1Access::Read);
        assert!(read.allows(Interaction::Read) && read.allows(Interaction::Search));
        assert!(!read.allows(Interaction::Create));
        let write = Permissions::V1(V1Access::Write);
        assert!(write.allows(Interaction::Delete) && !write.allows(Interaction::Read));
        assert_eq!(
            Permissions::V1(V1Access::All).interactions(),
            Interactions::ALL
        );
        assert_eq!(Interactions::from_letters("cruds"), Some(Interactions::ALL));
        assert_eq!(Interactions::from_letters(""), None);
        assert_eq!(Interactions::ALL.to_string(), "cruds");
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
    fn ocean_coverage() {
        let c =
            ScopeSet::parse("patient/Patient.read patient/Observation.read").ocean_coverage(true);
        assert!(!c.is_complete());
        assert!(
            c.missing
                .iter()
                .any(|g| g.resource_type == "MedicationStatement")
        );
        assert!(!c.missing.iter().any(|g| g.resource_type == "Observation"));
        // Without a patient, only the reads that do not need one count.
        let c = ScopeSet::parse("user/Practitioner.read").ocean_coverage(false);
        assert!(c.is_complete(), "{c}");
        let c = ScopeSet::parse("patient/*.read").ocean_coverage(false);
        assert_eq!(c.to_string(), "missing Practitioner read");
    }

    #[test]
    fn serde_as_string() {
        let s = ScopeSet::parse("openid fhirUser");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"openid fhirUser\"");
        let back: ScopeSet = serde_json::from_str("\"openid  patient/x.y fhirUser\"").unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back.invalid().len(), 1);
    }
}
