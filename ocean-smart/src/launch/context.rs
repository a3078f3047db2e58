//! The launch context: what the POS knows when the user clicks "Launch Ocean" (the scenario,
//! the patient, encounter and user, the POS referral id), how it travels to Ocean in the token
//! response's `fhirContext`, and the error a launch value reports.

use std::fmt;

use ocean_model::Id;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::url::{UrlKind, url_kind};

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

/// The POS's own id of a referral (its ServiceRequest id), for an existing eRequest.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PosReferralId(String);

impl PosReferralId {
    /// Checks the FHIR `id` rule.
    pub fn new(id: impl Into<String>) -> Result<Self, LaunchError> {
        let id = id.into();
        if Id::is_valid_str(&id) {
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
        if !Id::is_valid_str(id) {
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
        if !Id::is_valid_str(id) {
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
        if !Id::is_valid_str(patient_id) {
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
        if !Id::is_valid_str(encounter_id) {
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

/// One `fhirContext` entry of the token response. SMART 2.0 wrote a bare reference string;
/// SMART 2.1+ writes an object (`{"reference": "ServiceRequest/123"}`), which this crate
/// produces. Both are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FhirContextItem {
    /// SMART 2.0 form: `"ServiceRequest/123"`.
    Bare(String),
    /// SMART 2.1+ form.
    Object(FhirContextObject),
}

/// The SMART 2.1+ `fhirContext` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FhirContextObject {
    /// A relative reference (`ServiceRequest/123`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A canonical URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    /// A FHIR Identifier, kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Value>,
    /// The resource type, when not evident.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The role of the resource in the launch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Other members, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FhirContextItem {
    /// `{"reference": reference}`.
    pub fn reference(reference: impl Into<String>) -> Self {
        Self::Object(FhirContextObject {
            reference: Some(reference.into()),
            ..FhirContextObject::default()
        })
    }

    /// The reference, in either form.
    pub fn reference_str(&self) -> Option<&str> {
        match self {
            Self::Bare(s) => Some(s),
            Self::Object(o) => o.reference.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn fhir_context_reads_both_forms() {
        let v: Vec<FhirContextItem> = serde_json::from_str(
            r#"["ServiceRequest/1", {"reference":"ServiceRequest/2","role":"x"}]"#,
        )
        .unwrap();
        assert_eq!(v[0].reference_str(), Some("ServiceRequest/1"));
        assert_eq!(v[1].reference_str(), Some("ServiceRequest/2"));
        assert_eq!(
            serde_json::to_string(&FhirContextItem::reference("ServiceRequest/3")).unwrap(),
            r#"{"reference":"ServiceRequest/3"}"#
        );
    }
}
