//! Step 1 of the launch: what the POS knows when the user clicks "Launch Ocean", and the URL
//! that button opens.
//!
//! # Scenarios (seed: "Contextual Launch into Ocean", Required for sending and receiving POSs)
//! | [`Scenario`] | patient in context | what else the POS passes |
//! |---|---|---|
//! | [`Scenario::NewRequest`] | yes | the practitioner (`fhirUser`), optionally the encounter |
//! | [`Scenario::ExistingRequest`] | yes | the POS referral id ([`PosReferralId`]) as `fhirContext` `ServiceRequest/{id}` in the token response, and in a launch URL parameter if the site has one |
//! | [`Scenario::Dashboard`] | **no** | the practitioner only: the site's dashboards |
//!
//! # The launch URL
//! `{oceanLaunchUrl}?iss={FHIR base}&launch={launch id}&action={action}[&{referralParam}={id}]&siteNum={site}[&extra…]`,
//! every value percent-encoded ([`crate::query::encode`]).
//!
//! What is known and what is not (see `shared/research/smart-and-bc.md` §1):
//! - `iss` and `launch` are SMART's EHR-launch parameters (standard).
//! - `action` and `siteNum` are what OceanMD's integration test project sends
//!   (`smart-server/src/smart-launcher.ts`); Ocean's SMART overview says launch URLs "vary by
//!   Ocean site and `action` parameter". The names are configuration ([`LaunchConfig`]),
//!   defaulting to those.
//! - Action values Ocean's test client accepts: [`KNOWN_ACTIONS`]. Which one opens each
//!   scenario is **not documented publicly**: configure it per site with Ocean. Our reading
//!   (unconfirmed): the Healthmap for a new request is `viewMap` (the test project's default),
//!   a direct referral to a known listing `referDirect`, the no-patient dashboard/inbox `portal`.
//!   No action to open an existing referral is known.
//! - A `resource` parameter exists in the test project since November 2023 with undocumented
//!   meaning; [`LaunchConfig::referral_param`] lets a site that uses it (or another name) carry
//!   the POS referral id. Ocean's guidance has a section "Sharing the POS Referral ID With Ocean"
//!   whose text is not public; the standard SMART place is `fhirContext` in the token response,
//!   which this crate always fills for an existing request.
//! - The production launch URL is not public; the test project's default is
//!   `http://localhost:8080/sso/smart/auth`. Ask Ocean for the site's URL.
//!
//! # Rules
//! - Ids (patient, encounter, POS referral) follow the FHIR `id` rule (1–64 of
//!   `A-Z a-z 0-9 - .`), since they are sent as FHIR references.
//! - A dashboard launch has no patient and no encounter; an encounter needs a patient.
//! - A [`LaunchId`] is opaque, single-use and short-lived ([`LaunchSession`], default
//!   [`DEFAULT_LAUNCH_TTL`]): the POS stores the session under it and looks it up when Ocean's
//!   authorization request comes back with `launch=`.
//!
//! ```
//! use ocean_smart::launch::{FhirUser, LaunchConfig, LaunchContext, LaunchId, LaunchSession};
//! use time::macros::datetime;
//! let config = LaunchConfig::new("https://ocean.example/sso/smart/auth", "https://pos.example/fhir", "1234")
//!     .with_actions(Some("viewMap"), None, Some("portal"));
//! let user = FhirUser::parse("Practitioner/dr-7").unwrap();
//! let ctx = LaunchContext::new_request(user, "pt-42").unwrap();
//! let session = LaunchSession::new(LaunchId::new("abc123").unwrap(), ctx, datetime!(2025-01-01 12:00 UTC));
//! assert_eq!(
//!     config.launch_url(&session).unwrap(),
//!     "https://ocean.example/sso/smart/auth?iss=https%3A%2F%2Fpos.example%2Ffhir&launch=abc123&action=viewMap&siteNum=1234"
//! );
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::findings::{Finding, Findings};
use crate::query::{QueryBuilder, UrlKind, url_kind};
use crate::token::FhirContextItem;

/// Why a launch value could not be made. Never holds an id's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    /// An id does not follow the FHIR `id` rule (which id: `patient`, `encounter`, `referral`).
    #[error("{0} id must be 1-64 characters of A-Z a-z 0-9 - .")]
    InvalidId(&'static str),
    /// Not a `Type/id` or `{base}/Type/id` reference to a Practitioner, Patient, RelatedPerson or
    /// Person.
    #[error(
        "fhirUser must be `Practitioner/{{id}}` (or Patient, RelatedPerson, Person), relative or absolute"
    )]
    InvalidFhirUser,
    /// The launch id is empty, longer than 512 bytes, or not printable ASCII.
    #[error("launch id must be 1-512 printable ASCII characters without spaces")]
    InvalidLaunchId,
    /// An encounter without a patient (dashboard launch).
    #[error("a launch without a patient cannot have an encounter")]
    EncounterWithoutPatient,
    /// No `action` value is configured for this scenario.
    #[error("no Ocean action configured for the {0} scenario")]
    ActionNotConfigured(ScenarioKind),
    /// The configuration has errors (the first is named).
    #[error("launch configuration: {0}")]
    Config(String),
}

fn is_fhir_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// The POS's own id of a referral (its ServiceRequest id), for an existing eRequest.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PosReferralId(String);

impl PosReferralId {
    /// Checks the FHIR `id` rule.
    pub fn new(id: impl Into<String>) -> Result<Self, LaunchError> {
        let id = id.into();
        if is_fhir_id(&id) {
            Ok(Self(id))
        } else {
            Err(LaunchError::InvalidId("referral"))
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PosReferralId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PosReferralId({:?})", self.0)
    }
}

impl TryFrom<String> for PosReferralId {
    type Error = LaunchError;
    fn try_from(s: String) -> Result<Self, LaunchError> {
        Self::new(s)
    }
}

impl From<PosReferralId> for String {
    fn from(id: PosReferralId) -> String {
        id.0
    }
}

/// The scenario without its data, for configuration and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ScenarioKind {
    /// A new eRequest.
    NewRequest,
    /// An existing eRequest.
    ExistingRequest,
    /// No patient: the site's dashboards.
    Dashboard,
}

impl ScenarioKind {
    /// All three.
    pub const ALL: [ScenarioKind; 3] = [Self::NewRequest, Self::ExistingRequest, Self::Dashboard];

    /// `newRequest`, `existingRequest`, `dashboard`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewRequest => "newRequest",
            Self::ExistingRequest => "existingRequest",
            Self::Dashboard => "dashboard",
        }
    }
}

impl fmt::Display for ScenarioKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why Ocean is launched (seed: the three contextual launch scenarios).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scenario {
    /// Start a new eRequest for the patient in context.
    NewRequest,
    /// Open an existing eRequest of the patient in context.
    ExistingRequest {
        /// The POS's id of the referral.
        referral: PosReferralId,
    },
    /// No patient: review the site's dashboards.
    Dashboard,
}

impl Scenario {
    /// The kind.
    pub fn kind(&self) -> ScenarioKind {
        match self {
            Self::NewRequest => ScenarioKind::NewRequest,
            Self::ExistingRequest { .. } => ScenarioKind::ExistingRequest,
            Self::Dashboard => ScenarioKind::Dashboard,
        }
    }

    /// Whether a patient is in context.
    pub fn has_patient(&self) -> bool {
        !matches!(self, Self::Dashboard)
    }
}

/// The resource types a `fhirUser` may point to (SMART App Launch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserType {
    /// A practitioner: what Ocean expects for a clinician launch.
    Practitioner,
    /// A patient.
    Patient,
    /// A related person.
    RelatedPerson,
    /// A person.
    Person,
}

impl UserType {
    /// The resource type name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Practitioner => "Practitioner",
            Self::Patient => "Patient",
            Self::RelatedPerson => "RelatedPerson",
            Self::Person => "Person",
        }
    }

    fn from_name(s: &str) -> Option<Self> {
        match s {
            "Practitioner" => Some(Self::Practitioner),
            "Patient" => Some(Self::Patient),
            "RelatedPerson" => Some(Self::RelatedPerson),
            "Person" => Some(Self::Person),
            _ => None,
        }
    }
}

/// The signed-in user as a FHIR resource (`fhirUser` claim): `Practitioner/123`, relative to
/// the FHIR base, or absolute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FhirUser {
    user_type: UserType,
    id: String,
    base: Option<String>,
}

impl FhirUser {
    /// A practitioner by id.
    pub fn practitioner(id: &str) -> Result<Self, LaunchError> {
        if !is_fhir_id(id) {
            return Err(LaunchError::InvalidFhirUser);
        }
        Ok(Self {
            user_type: UserType::Practitioner,
            id: id.to_owned(),
            base: None,
        })
    }

    /// Reads `Type/id` or `{base}/Type/id` (no `_history`, query or fragment).
    pub fn parse(text: &str) -> Result<Self, LaunchError> {
        if text.contains(['?', '#']) || text.chars().any(char::is_whitespace) {
            return Err(LaunchError::InvalidFhirUser);
        }
        let mut parts = text.rsplitn(3, '/');
        let id = parts.next().ok_or(LaunchError::InvalidFhirUser)?;
        let type_name = parts.next().ok_or(LaunchError::InvalidFhirUser)?;
        let base = parts.next();
        let user_type = UserType::from_name(type_name).ok_or(LaunchError::InvalidFhirUser)?;
        if !is_fhir_id(id) {
            return Err(LaunchError::InvalidFhirUser);
        }
        let base = match base {
            None => None,
            Some(b) if url_kind(b) != UrlKind::NotAbsolute => Some(b.to_owned()),
            Some(_) => return Err(LaunchError::InvalidFhirUser),
        };
        Ok(Self {
            user_type,
            id: id.to_owned(),
            base,
        })
    }

    /// The resource type.
    pub fn user_type(&self) -> UserType {
        self.user_type
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `Type/id`.
    pub fn relative(&self) -> String {
        format!("{}/{}", self.user_type.as_str(), self.id)
    }

    /// The absolute URL: the parsed base if there was one, else `fhir_base`.
    pub fn absolute(&self, fhir_base: &str) -> String {
        let base = self
            .base
            .as_deref()
            .unwrap_or(fhir_base)
            .trim_end_matches('/');
        format!("{base}/{}", self.relative())
    }
}

impl fmt::Display for FhirUser {
    /// As parsed: absolute if it had a base, else `Type/id`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.base {
            Some(b) => write!(f, "{b}/{}", self.relative()),
            None => f.write_str(&self.relative()),
        }
    }
}

/// Everything the POS knows when the user clicks "Launch Ocean". Made through the scenario
/// constructors, so a dashboard launch cannot carry a patient.
#[derive(Clone, PartialEq, Eq)]
pub struct LaunchContext {
    scenario: Scenario,
    patient: Option<String>,
    encounter: Option<String>,
    user: FhirUser,
    need_patient_banner: Option<bool>,
    intent: Option<String>,
}

impl fmt::Debug for LaunchContext {
    /// Ids are shown only as present/absent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LaunchContext")
            .field("scenario", &self.scenario.kind())
            .field("patient", &self.patient.as_ref().map(|_| "…"))
            .field("encounter", &self.encounter.as_ref().map(|_| "…"))
            .field("user_type", &self.user.user_type)
            .finish_non_exhaustive()
    }
}

impl LaunchContext {
    fn with_patient(
        scenario: Scenario,
        user: FhirUser,
        patient_id: &str,
    ) -> Result<Self, LaunchError> {
        if !is_fhir_id(patient_id) {
            return Err(LaunchError::InvalidId("patient"));
        }
        Ok(Self {
            scenario,
            patient: Some(patient_id.to_owned()),
            encounter: None,
            user,
            need_patient_banner: None,
            intent: None,
        })
    }

    /// A new eRequest for this patient (FHIR Patient id).
    pub fn new_request(user: FhirUser, patient_id: &str) -> Result<Self, LaunchError> {
        Self::with_patient(Scenario::NewRequest, user, patient_id)
    }

    /// An existing eRequest of this patient.
    pub fn existing_request(
        user: FhirUser,
        patient_id: &str,
        referral: PosReferralId,
    ) -> Result<Self, LaunchError> {
        Self::with_patient(Scenario::ExistingRequest { referral }, user, patient_id)
    }

    /// No patient: the site's dashboards.
    pub fn dashboard(user: FhirUser) -> Self {
        Self {
            scenario: Scenario::Dashboard,
            patient: None,
            encounter: None,
            user,
            need_patient_banner: None,
            intent: None,
        }
    }

    /// Adds the encounter open in the POS.
    pub fn with_encounter(mut self, encounter_id: &str) -> Result<Self, LaunchError> {
        if self.patient.is_none() {
            return Err(LaunchError::EncounterWithoutPatient);
        }
        if !is_fhir_id(encounter_id) {
            return Err(LaunchError::InvalidId("encounter"));
        }
        self.encounter = Some(encounter_id.to_owned());
        Ok(self)
    }

    /// Sets SMART's `need_patient_banner` (whether the app should show its own patient banner).
    pub fn with_need_patient_banner(mut self, need: bool) -> Self {
        self.need_patient_banner = Some(need);
        self
    }

    /// Sets SMART's `intent` token parameter (Ocean's use of it is unknown; its test client
    /// ignores it).
    pub fn with_intent(mut self, intent: impl Into<String>) -> Self {
        self.intent = Some(intent.into());
        self
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The patient id, if a patient is in context.
    pub fn patient(&self) -> Option<&str> {
        self.patient.as_deref()
    }

    /// The encounter id.
    pub fn encounter(&self) -> Option<&str> {
        self.encounter.as_deref()
    }

    /// The user.
    pub fn user(&self) -> &FhirUser {
        &self.user
    }

    /// `need_patient_banner`.
    pub fn need_patient_banner(&self) -> Option<bool> {
        self.need_patient_banner
    }

    /// `intent`.
    pub fn intent(&self) -> Option<&str> {
        self.intent.as_deref()
    }

    /// The `fhirContext` entries for the token response: `ServiceRequest/{id}` for an existing
    /// request, nothing otherwise.
    pub fn fhir_context(&self) -> Vec<FhirContextItem> {
        match &self.scenario {
            Scenario::ExistingRequest { referral } => vec![FhirContextItem::reference(format!(
                "ServiceRequest/{}",
                referral.as_str()
            ))],
            _ => Vec::new(),
        }
    }
}

/// An opaque launch id: the `launch` parameter. The POS maps it to a [`LaunchSession`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LaunchId(String);

impl LaunchId {
    /// A random id (UUID v4, 122 random bits, hex without dashes).
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// An id the POS made itself: 1–512 printable ASCII characters without spaces.
    pub fn new(id: impl Into<String>) -> Result<Self, LaunchError> {
        let id = id.into();
        if (1..=512).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(Self(id))
        } else {
            Err(LaunchError::InvalidLaunchId)
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LaunchId {
    /// Redacted: a live launch id is a bearer credential until used.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LaunchId(…)")
    }
}

/// How long a launch id stays usable by default: 5 minutes. It is used once, when Ocean's
/// authorization request arrives (seconds after the click); OceanMD's sample server uses 60 s.
pub const DEFAULT_LAUNCH_TTL: Duration = Duration::minutes(5);

/// A launch the POS remembers between the click and Ocean's authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchSession {
    id: LaunchId,
    context: LaunchContext,
    created_at: OffsetDateTime,
    ttl: Duration,
}

impl LaunchSession {
    /// A session created at `now`, valid for [`DEFAULT_LAUNCH_TTL`].
    pub fn new(id: LaunchId, context: LaunchContext, now: OffsetDateTime) -> Self {
        Self {
            id,
            context,
            created_at: now,
            ttl: DEFAULT_LAUNCH_TTL,
        }
    }

    /// Sets the lifetime (a negative one is read as zero: already expired).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::ZERO);
        self
    }

    /// The id.
    pub fn id(&self) -> &LaunchId {
        &self.id
    }

    /// The context.
    pub fn context(&self) -> &LaunchContext {
        &self.context
    }

    /// When it was created.
    pub fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }

    /// When it stops being usable (`created_at + ttl`, saturating).
    pub fn expires_at(&self) -> OffsetDateTime {
        self.created_at
            .checked_add(self.ttl)
            .unwrap_or(self.created_at)
    }

    /// Whether it can be used at `now`: `created_at <= now < expires_at`.
    pub fn is_usable_at(&self, now: OffsetDateTime) -> bool {
        self.created_at <= now && now < self.expires_at()
    }
}

/// The `action` values OceanMD's integration test client accepts (an unknown one is only a
/// warning there). Meanings are our reading of the names, unconfirmed by Ocean.
pub const KNOWN_ACTIONS: &[(&str, &str)] = &[
    (
        "viewMap",
        "the Ocean Healthmap (the test project's default)",
    ),
    ("viewHealthServices", "health services directory"),
    (
        "viewReferralFacourite",
        "favourite referral listings (spelled so in the client)",
    ),
    ("searchHealthMap", "Healthmap search"),
    ("referDirect", "refer directly to a listing"),
    (
        "portal",
        "the Ocean portal / site dashboards (no patient needed)",
    ),
    ("sendMessage", "send the patient a message"),
    ("addForm", "add an eForm"),
];

/// The `action` value for each scenario (`None`: the POS does not offer that launch).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioActions {
    /// For a new eRequest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_request: Option<String>,
    /// For an existing eRequest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_request: Option<String>,
    /// For the dashboards (no patient).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard: Option<String>,
}

impl ScenarioActions {
    /// The action for a scenario.
    pub fn get(&self, kind: ScenarioKind) -> Option<&str> {
        match kind {
            ScenarioKind::NewRequest => self.new_request.as_deref(),
            ScenarioKind::ExistingRequest => self.existing_request.as_deref(),
            ScenarioKind::Dashboard => self.dashboard.as_deref(),
        }
    }
}

fn default_action_param() -> String {
    "action".to_owned()
}

fn default_site_param() -> String {
    "siteNum".to_owned()
}

/// How one Ocean site is launched from this POS. A value (JSON, camelCase, unknown members
/// refused), one per Ocean site the POS connects to.
///
/// ```json
/// {
///   "oceanLaunchUrl": "https://ocean.example/sso/smart/auth",
///   "fhirBaseUrl": "https://pos.example/fhir",
///   "siteNum": "1234",
///   "actions": { "newRequest": "viewMap", "dashboard": "portal" },
///   "referralParam": "resource"
/// }
/// ```
/// `actionParam` (default `action`), `siteParam` (default `siteNum`) and `extraParams`
/// (name → value, added last) are optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LaunchConfig {
    /// Ocean's SMART launch endpoint for this site (from Ocean).
    pub ocean_launch_url: String,
    /// The POS FHIR base URL: sent as `iss`; Ocean allow-lists it.
    pub fhir_base_url: String,
    /// The Ocean site number.
    pub site_num: String,
    /// The name of the site parameter.
    #[serde(default = "default_site_param")]
    pub site_param: String,
    /// The name of the action parameter.
    #[serde(default = "default_action_param")]
    pub action_param: String,
    /// The action value per scenario.
    #[serde(default)]
    pub actions: ScenarioActions,
    /// The parameter that carries the POS referral id for an existing request, if the site
    /// uses one (unconfirmed; the id always travels in the token response's `fhirContext`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_param: Option<String>,
    /// Other fixed parameters, added last in name order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_params: BTreeMap<String, String>,
}

/// Rule ids of [`LaunchConfig::check`].
pub mod rules {
    /// `oceanLaunchUrl` is not an absolute https URL.
    pub const OCEAN_URL: &str = "launch.ocean-url";
    /// `fhirBaseUrl` is not an absolute https URL, or has a query, fragment or trailing slash.
    pub const ISS: &str = "launch.iss";
    /// `siteNum` is empty.
    pub const SITE: &str = "launch.site";
    /// A scenario has no action.
    pub const ACTION_MISSING: &str = "launch.action-missing";
    /// An action is empty or not one Ocean's test client knows.
    pub const ACTION_UNKNOWN: &str = "launch.action-unknown";
    /// A parameter name is empty, repeated, or `iss`/`launch`.
    pub const PARAM_NAME: &str = "launch.param-name";
    /// Existing-request launches without a referral parameter.
    pub const REFERRAL_PARAM: &str = "launch.referral-param";
}

fn check_url(f: &mut Findings, rule: &'static str, field: &str, value: &str) {
    match url_kind(value) {
        UrlKind::Https => {}
        UrlKind::HttpLoopback => f.push(Finding::warning(
            rule,
            field,
            "http on a loopback host: development only, use https in production",
        )),
        UrlKind::Http => f.push(Finding::error(rule, field, "must use https")),
        UrlKind::NotAbsolute => {
            f.push(Finding::error(rule, field, "must be an absolute https URL"))
        }
    }
}

impl LaunchConfig {
    /// A configuration with the default parameter names and no actions.
    pub fn new(
        ocean_launch_url: impl Into<String>,
        fhir_base_url: impl Into<String>,
        site_num: impl Into<String>,
    ) -> Self {
        Self {
            ocean_launch_url: ocean_launch_url.into(),
            fhir_base_url: fhir_base_url.into(),
            site_num: site_num.into(),
            site_param: default_site_param(),
            action_param: default_action_param(),
            actions: ScenarioActions::default(),
            referral_param: None,
            extra_params: BTreeMap::new(),
        }
    }

    /// Sets the action values (new request, existing request, dashboard).
    pub fn with_actions(
        mut self,
        new_request: Option<&str>,
        existing_request: Option<&str>,
        dashboard: Option<&str>,
    ) -> Self {
        self.actions = ScenarioActions {
            new_request: new_request.map(str::to_owned),
            existing_request: existing_request.map(str::to_owned),
            dashboard: dashboard.map(str::to_owned),
        };
        self
    }

    /// Sets the referral parameter name.
    pub fn with_referral_param(mut self, name: impl Into<String>) -> Self {
        self.referral_param = Some(name.into());
        self
    }

    /// Reads a JSON configuration.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Checks the configuration. Rules:
    ///
    /// | rule | severity | when |
    /// |---|---|---|
    /// | `launch.ocean-url` | error (warning for http on loopback) | `oceanLaunchUrl` is not an absolute https URL |
    /// | `launch.iss` | error; warning for a trailing `/` | `fhirBaseUrl` is not an absolute https URL, or has `?`/`#` |
    /// | `launch.site` | error | `siteNum` is empty |
    /// | `launch.action-missing` | warning | a scenario has no action (that launch is not offered; all three are Required "as applicable") |
    /// | `launch.action-unknown` | error if empty, warning if not in [`KNOWN_ACTIONS`] | |
    /// | `launch.param-name` | error | a parameter name is empty, repeated, or `iss`/`launch` |
    /// | `launch.referral-param` | warning | existing-request launches are offered without `referralParam` |
    pub fn check(&self) -> Findings {
        let mut f = Findings::new();
        check_url(
            &mut f,
            rules::OCEAN_URL,
            "oceanLaunchUrl",
            &self.ocean_launch_url,
        );
        check_url(&mut f, rules::ISS, "fhirBaseUrl", &self.fhir_base_url);
        if self.fhir_base_url.contains(['?', '#']) {
            f.push(Finding::error(
                rules::ISS,
                "fhirBaseUrl",
                "a FHIR base URL has no query or fragment",
            ));
        } else if self.fhir_base_url.ends_with('/') {
            f.push(Finding::warning(
                rules::ISS,
                "fhirBaseUrl",
                "ends with `/`: Ocean matches `iss` exactly against its allowlist and appends `/.well-known/…`; drop the slash",
            ));
        }
        if self.site_num.trim().is_empty() {
            f.push(Finding::error(
                rules::SITE,
                "siteNum",
                "the Ocean site number is empty",
            ));
        }
        for kind in ScenarioKind::ALL {
            let field = format!("actions.{}", kind.as_str());
            match self.actions.get(kind) {
                None => f.push(Finding::warning(
                    rules::ACTION_MISSING,
                    field,
                    format!("no action: the {kind} launch is not offered"),
                )),
                Some(a) if a.trim().is_empty() => {
                    f.push(Finding::error(rules::ACTION_UNKNOWN, field, "empty action"));
                }
                Some(a) if !KNOWN_ACTIONS.iter().any(|(k, _)| *k == a) => {
                    f.push(Finding::warning(
                        rules::ACTION_UNKNOWN,
                        field,
                        format!("`{a}` is not an action Ocean's test client knows; confirm it with Ocean"),
                    ));
                }
                Some(_) => {}
            }
        }
        let mut names: Vec<(&str, String)> = vec![
            ("siteParam", self.site_param.clone()),
            ("actionParam", self.action_param.clone()),
        ];
        if let Some(r) = &self.referral_param {
            names.push(("referralParam", r.clone()));
        }
        for k in self.extra_params.keys() {
            names.push(("extraParams", k.clone()));
        }
        let mut seen: Vec<&str> = vec!["iss", "launch"];
        for (field, name) in &names {
            if name.trim().is_empty() {
                f.push(Finding::error(
                    rules::PARAM_NAME,
                    *field,
                    "empty parameter name",
                ));
            } else if seen.contains(&name.as_str()) {
                f.push(Finding::error(
                    rules::PARAM_NAME,
                    *field,
                    format!("parameter `{name}` is already used"),
                ));
            } else {
                seen.push(name);
            }
        }
        if self.actions.existing_request.is_some() && self.referral_param.is_none() {
            f.push(Finding::warning(
                rules::REFERRAL_PARAM,
                "referralParam",
                "existing-request launches carry the POS referral id only in the token response `fhirContext`; how Ocean reads it is unconfirmed (ask Ocean about \"Sharing the POS Referral ID With Ocean\")",
            ));
        }
        f
    }

    /// The URL the "Launch Ocean" button opens for this session. Fails when the configuration
    /// has an error ([`LaunchConfig::check`]) or the scenario has no action.
    pub fn launch_url(&self, session: &LaunchSession) -> Result<String, LaunchError> {
        if let Some(e) = self.check().errors().next() {
            return Err(LaunchError::Config(format!("{}: {}", e.field, e.message)));
        }
        let scenario = session.context().scenario();
        let action = self
            .actions
            .get(scenario.kind())
            .ok_or(LaunchError::ActionNotConfigured(scenario.kind()))?;
        let referral = match (scenario, &self.referral_param) {
            (Scenario::ExistingRequest { referral }, Some(name)) => {
                Some((name.as_str(), referral.as_str()))
            }
            _ => None,
        };
        let mut b = QueryBuilder::new(&self.ocean_launch_url)
            .param("iss", &self.fhir_base_url)
            .param("launch", session.id().as_str())
            .param(&self.action_param, action);
        if let Some((name, id)) = referral {
            b = b.param(name, id);
        }
        b = b.param(&self.site_param, &self.site_num);
        for (k, v) in &self.extra_params {
            b = b.param(k, v);
        }
        Ok(b.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn user() -> FhirUser {
        FhirUser::parse("Practitioner/p1").unwrap()
    }

    #[test]
    fn fhir_user() {
        let u = FhirUser::parse("https://pos.example/fhir/Practitioner/123").unwrap();
        assert_eq!(u.user_type(), UserType::Practitioner);
        assert_eq!(u.relative(), "Practitioner/123");
        assert_eq!(
            u.absolute("https://other"),
            "https://pos.example/fhir/Practitioner/123"
        );
        assert_eq!(u.to_string(), "https://pos.example/fhir/Practitioner/123");
        let r = FhirUser::parse("Practitioner/123").unwrap();
        assert_eq!(
            r.absolute("https://pos.example/fhir/"),
            "https://pos.example/fhir/Practitioner/123"
        );
        for bad in [
            "",
            "123",
            "Practitioner/",
            "Organization/1",
            "practitioner/1",
            "Practitioner/1?x",
            "Practitioner/1/_history/2",
            "ftp://x/Practitioner/1",
            "Practitioner/a b",
        ] {
            assert_eq!(
                FhirUser::parse(bad),
                Err(LaunchError::InvalidFhirUser),
                "{bad}"
            );
        }
        assert!(FhirUser::practitioner("bad id").is_err());
    }

    #[test]
    fn contexts() {
        let c = LaunchContext::new_request(user(), "pt1")
            .unwrap()
            .with_encounter("e1")
            .unwrap();
        assert_eq!((c.patient(), c.encounter()), (Some("pt1"), Some("e1")));
        assert!(c.fhir_context().is_empty());
        let c = LaunchContext::existing_request(user(), "pt1", PosReferralId::new("sr-9").unwrap())
            .unwrap();
        assert_eq!(
            c.fhir_context(),
            vec![FhirContextItem::reference("ServiceRequest/sr-9")]
        );
        let d = LaunchContext::dashboard(user());
        assert_eq!(d.patient(), None);
        assert_eq!(
            d.clone().with_encounter("e1"),
            Err(LaunchError::EncounterWithoutPatient)
        );
        assert_eq!(
            LaunchContext::new_request(user(), ""),
            Err(LaunchError::InvalidId("patient"))
        );
        assert_eq!(
            LaunchContext::new_request(user(), "a/b")
                .unwrap_err()
                .to_string(),
            "patient id must be 1-64 characters of A-Z a-z 0-9 - ."
        );
        assert!(PosReferralId::new("x".repeat(65)).is_err());
        let dbg = format!(
            "{:?}",
            LaunchContext::new_request(user(), "secret-id").unwrap()
        );
        assert!(!dbg.contains("secret-id"), "{dbg}");
    }

    #[test]
    fn launch_ids_and_sessions() {
        let a = LaunchId::random();
        assert_eq!(a.as_str().len(), 32);
        assert_ne!(a, LaunchId::random());
        assert_eq!(format!("{a:?}"), "LaunchId(…)");
        assert!(
            LaunchId::new("").is_err()
                && LaunchId::new("a b").is_err()
                && LaunchId::new("x".repeat(513)).is_err()
        );
        let t0 = datetime!(2025-01-01 12:00 UTC);
        let s = LaunchSession::new(a, LaunchContext::dashboard(user()), t0)
            .with_ttl(Duration::seconds(60));
        assert!(!s.is_usable_at(t0 - Duration::seconds(1)));
        assert!(s.is_usable_at(t0));
        assert!(s.is_usable_at(t0 + Duration::seconds(59)));
        assert!(!s.is_usable_at(t0 + Duration::seconds(60)));
        let s = s.with_ttl(Duration::seconds(-5));
        assert!(!s.is_usable_at(t0));
    }

    #[test]
    fn config_json() {
        let c = LaunchConfig::from_json(r#"{"oceanLaunchUrl":"https://o/x","fhirBaseUrl":"https://p/fhir","siteNum":"1","actions":{"dashboard":"portal"}}"#).unwrap();
        assert_eq!(c.action_param, "action");
        assert_eq!(c.site_param, "siteNum");
        assert!(LaunchConfig::from_json(r#"{"oceanLaunchUrl":"https://o/x","fhirBaseUrl":"https://p/fhir","siteNum":"1","sitenum":"2"}"#).is_err());
        let back: LaunchConfig = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
