//! Canadian and Ocean identifiers as types: provincial health numbers, the Ocean referral
//! reference, Ocean's NamingSystems (relative to a configurable Ocean base URL) and the eReferral
//! profile canonicals.
//!
//! # Health numbers
//! An [`Identifier`] is a health number when it has a `value` and either
//! - its `type` has code `JHN` under either v2-0203 system spelling
//!   (`http://terminology.hl7.org/CodeSystem/v2-0203` or Ocean's older
//!   `http://hl7.org/fhir/v2/0203`), or
//! - its `system` is a known provincial one: BC's PHN
//!   `https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id`, Ontario's
//!   `https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn`, or any
//!   `…/NamingSystem/ca-XX-patient-hcn` / `ca-XX-patient-healthcare-id` (http or https).
//!
//! The province comes from the system. An identifier with a system but no value is not a health
//! number (Ocean's test patients have that). The version code is the `valueString` of the
//! extension `http://ehealthontario.ca/fhir/StructureDefinition/ext-id-health-card-version-code`
//! on the identifier.
//!
//! ```
//! use ocean_model::{HealthNumber, Identifier, Province};
//! let id = Identifier::new(
//!     "https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id",
//!     "9876 543 210",
//! );
//! let hn = HealthNumber::from_identifier(&id).unwrap();
//! assert_eq!(hn.province(), Some(Province::BC));
//! assert_eq!(hn.normalized_value(), "9876543210");
//! // Debug never shows the number.
//! assert!(!format!("{hn:?}").contains("9876"));
//! ```

use std::fmt;

use crate::{Code, Identifier, Uri};

/// `http://terminology.hl7.org/CodeSystem/v2-0203`: identifier types.
pub const V2_0203: &str = "http://terminology.hl7.org/CodeSystem/v2-0203";
/// The older spelling of v2-0203 seen in Ocean payloads.
pub const V2_0203_LEGACY: &str = "http://hl7.org/fhir/v2/0203";
/// BC Personal Health Number system (Canadian URI registry).
pub const BC_PHN_SYSTEM: &str =
    "https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id";
/// Ontario health card number system.
pub const ON_HCN_SYSTEM: &str = "https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn";
/// Extension holding a health card version code (`valueString`).
pub const EXT_HEALTH_CARD_VERSION_CODE: &str =
    "http://ehealthontario.ca/fhir/StructureDefinition/ext-id-health-card-version-code";

/// A Canadian province or territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(clippy::upper_case_acronyms)]
pub enum Province {
    /// Alberta
    AB,
    /// British Columbia
    BC,
    /// Manitoba
    MB,
    /// New Brunswick
    NB,
    /// Newfoundland and Labrador
    NL,
    /// Nova Scotia
    NS,
    /// Northwest Territories
    NT,
    /// Nunavut
    NU,
    /// Ontario
    ON,
    /// Prince Edward Island
    PE,
    /// Quebec
    QC,
    /// Saskatchewan
    SK,
    /// Yukon
    YT,
}

impl Province {
    /// Every province and territory.
    pub const ALL: [Province; 13] = [
        Self::AB,
        Self::BC,
        Self::MB,
        Self::NB,
        Self::NL,
        Self::NS,
        Self::NT,
        Self::NU,
        Self::ON,
        Self::PE,
        Self::QC,
        Self::SK,
        Self::YT,
    ];

    /// The two-letter code (`"BC"`); the accessor every code type has (see the crate docs,
    /// "Conventions").
    pub fn as_str(self) -> &'static str {
        self.code()
    }

    /// The two-letter code (`"BC"`), as [`Province::as_str`].
    pub fn code(self) -> &'static str {
        match self {
            Self::AB => "AB",
            Self::BC => "BC",
            Self::MB => "MB",
            Self::NB => "NB",
            Self::NL => "NL",
            Self::NS => "NS",
            Self::NT => "NT",
            Self::NU => "NU",
            Self::ON => "ON",
            Self::PE => "PE",
            Self::QC => "QC",
            Self::SK => "SK",
            Self::YT => "YT",
        }
    }

    /// Reads a two-letter code, any case.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.code().eq_ignore_ascii_case(code))
    }

    /// The health number system this toolkit emits for the province: BC's PHN system, or
    /// `https://fhir.infoway-inforoute.ca/NamingSystem/ca-xx-patient-hcn` for the others.
    pub fn health_number_system(self) -> String {
        match self {
            Self::BC => BC_PHN_SYSTEM.to_owned(),
            other => format!(
                "https://fhir.infoway-inforoute.ca/NamingSystem/ca-{}-patient-hcn",
                other.code().to_ascii_lowercase()
            ),
        }
    }

    /// The province a health number system names, if it is one of the recognised forms
    /// (`…/NamingSystem/ca-XX-patient-hcn` or `…/ca-XX-patient-healthcare-id`, http or https).
    pub fn from_health_number_system(system: &str) -> Option<Self> {
        let rest = system
            .strip_prefix("https://")
            .or_else(|| system.strip_prefix("http://"))?;
        let name = rest.rsplit('/').next()?;
        let code = name
            .strip_prefix("ca-")?
            .strip_suffix("-patient-hcn")
            .or_else(|| {
                name.strip_prefix("ca-")?
                    .strip_suffix("-patient-healthcare-id")
            })?;
        if !rest.contains("/NamingSystem/") {
            return None;
        }
        Self::from_code(code)
    }
}

impl fmt::Display for Province {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether a CodeableConcept-typed identifier type says `JHN` (either v2-0203 spelling).
fn is_jhn(id: &Identifier) -> bool {
    id.type_.as_ref().is_some_and(|t| {
        t.coding.iter().any(|c| {
            c.code.as_ref().is_some_and(|x| x == "JHN")
                && c.system.as_ref().is_some_and(|s| {
                    let s = s.as_str().trim_end_matches('/');
                    s == V2_0203 || s == V2_0203_LEGACY
                })
        })
    })
}

/// A provincial health number read from an [`Identifier`] (see the module docs for the rule).
///
/// `Debug` masks the number and version code; use the accessors to read them.
#[derive(Clone, PartialEq, Eq)]
pub struct HealthNumber {
    system: Option<String>,
    value: String,
    version_code: Option<String>,
    province: Option<Province>,
}

impl HealthNumber {
    /// A health number for a province, with the system this toolkit emits for it.
    pub fn new(province: Province, value: impl Into<String>) -> Self {
        Self {
            system: Some(province.health_number_system()),
            value: value.into(),
            version_code: None,
            province: Some(province),
        }
    }

    /// Sets the version code.
    pub fn with_version_code(mut self, code: impl Into<String>) -> Self {
        self.version_code = Some(code.into());
        self
    }

    /// Reads a health number from an identifier, if it is one.
    pub fn from_identifier(id: &Identifier) -> Option<Self> {
        let value = id.value.as_deref().filter(|v| !v.trim().is_empty())?;
        let system = id.system.as_ref().map(Uri::as_str);
        let province = system.and_then(Province::from_health_number_system);
        if province.is_none() && !is_jhn(id) {
            return None;
        }
        let version_code = id
            .extension
            .iter()
            .find(|e| {
                e.url
                    .as_ref()
                    .is_some_and(|u| u == EXT_HEALTH_CARD_VERSION_CODE)
            })
            .and_then(|e| e.value_str())
            .map(str::to_owned);
        Some(Self {
            system: system.map(str::to_owned),
            value: value.to_owned(),
            version_code,
            province,
        })
    }

    /// The first health number among identifiers (e.g. `Patient.identifier`).
    pub fn find(identifiers: &[Identifier]) -> Option<Self> {
        identifiers.iter().find_map(Self::from_identifier)
    }

    /// The number as written.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The number without spaces and dashes, upper-cased, for comparison.
    pub fn normalized_value(&self) -> String {
        self.value
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect()
    }

    /// The identifier system, if any.
    pub fn system(&self) -> Option<&str> {
        self.system.as_deref()
    }

    /// The version code, if any.
    pub fn version_code(&self) -> Option<&str> {
        self.version_code.as_deref()
    }

    /// The province, when the system names one.
    pub fn province(&self) -> Option<Province> {
        self.province
    }

    /// The FHIR identifier as Ocean expects it: `use` official, `type` v2-0203 `JHN`, system,
    /// value, and the version-code extension when there is one.
    pub fn to_identifier(&self) -> Identifier {
        let mut jhn = crate::Coding::new(V2_0203, Code::new("JHN"));
        jhn.display = Some("Jurisdictional health number (Canada)".to_owned());
        let mut id = Identifier {
            use_: Some(crate::IdentifierUse::Official),
            type_: Some(crate::CodeableConcept::from_coding(jhn)),
            system: self.system.as_deref().map(Uri::from),
            value: Some(self.value.clone()),
            ..Identifier::default()
        };
        if let Some(v) = &self.version_code {
            id.extension.push(crate::Extension::new(
                EXT_HEALTH_CARD_VERSION_CODE,
                crate::Value::String(v.clone()),
            ));
        }
        id
    }
}

impl fmt::Debug for HealthNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HealthNumber")
            .field("system", &self.system)
            .field("value", &"<redacted>")
            .field(
                "version_code",
                &self.version_code.as_ref().map(|_| "<redacted>"),
            )
            .field("province", &self.province)
            .finish()
    }
}

/// Which Ocean environment a site lives on. Ocean's NamingSystem URIs are relative to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OceanBase {
    /// `https://ocean.cognisantmd.com`
    Production,
    /// `https://test.cognisantmd.com`
    Test,
    /// `https://staging.cognisantmd.com`
    Staging,
    /// Any other base URL (e.g. a development server), without trailing slash.
    Custom(String),
}

/// An Ocean NamingSystem (the last path segment of its URI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OceanNamingSystem {
    /// `id-ereferral-reference`: the referral reference (ServiceRequest, DocumentReference,
    /// MessageHeader extension).
    EReferralReference,
    /// `id-referral-target-reference`: a directory listing (PractitionerRole).
    ReferralTargetReference,
    /// `id-site-number`: an Ocean site.
    SiteNumber,
    /// `id-referral-target-external-service`: an integration's external service id.
    ReferralTargetExternalService,
    /// `id-external-patient-reference`: the POS's MRN.
    ExternalPatientReference,
    /// `id-practitioner-username`.
    PractitionerUsername,
    /// `id-form-reference`: an eForm (QuestionnaireResponse).
    FormReference,
    /// `id-attachment-reference`: an attachment (DocumentReference).
    AttachmentReference,
}

impl OceanNamingSystem {
    /// Every Ocean NamingSystem.
    pub const ALL: [OceanNamingSystem; 8] = [
        Self::EReferralReference,
        Self::ReferralTargetReference,
        Self::SiteNumber,
        Self::ReferralTargetExternalService,
        Self::ExternalPatientReference,
        Self::PractitionerUsername,
        Self::FormReference,
        Self::AttachmentReference,
    ];

    /// The last path segment (`"id-ereferral-reference"`); the accessor every code type has
    /// (see the crate docs, "Conventions").
    pub fn as_str(self) -> &'static str {
        self.name()
    }

    /// Reads a last path segment (exact); `None` if it names no Ocean NamingSystem.
    ///
    /// ```
    /// use ocean_model::OceanNamingSystem;
    /// let ns = OceanNamingSystem::from_code("id-site-number");
    /// assert_eq!(ns, Some(OceanNamingSystem::SiteNumber));
    /// assert_eq!(ns.map(OceanNamingSystem::as_str), Some("id-site-number"));
    /// ```
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.name() == code)
    }

    /// The last path segment (`"id-ereferral-reference"`), as [`OceanNamingSystem::as_str`].
    pub fn name(self) -> &'static str {
        match self {
            Self::EReferralReference => "id-ereferral-reference",
            Self::ReferralTargetReference => "id-referral-target-reference",
            Self::SiteNumber => "id-site-number",
            Self::ReferralTargetExternalService => "id-referral-target-external-service",
            Self::ExternalPatientReference => "id-external-patient-reference",
            Self::PractitionerUsername => "id-practitioner-username",
            Self::FormReference => "id-form-reference",
            Self::AttachmentReference => "id-attachment-reference",
        }
    }
}

/// The path between an Ocean base URL and a NamingSystem name.
const NAMING_SYSTEM_PATH: &str = "/svc/fhir/v1/NamingSystem/";

impl OceanBase {
    /// The base URL, without trailing slash.
    pub fn url(&self) -> &str {
        match self {
            Self::Production => "https://ocean.cognisantmd.com",
            Self::Test => "https://test.cognisantmd.com",
            Self::Staging => "https://staging.cognisantmd.com",
            Self::Custom(u) => u.trim_end_matches('/'),
        }
    }

    /// Reads a base URL, recognising the three public environments.
    pub fn from_url(url: &str) -> Self {
        let u = url.trim_end_matches('/');
        [Self::Production, Self::Test, Self::Staging]
            .into_iter()
            .find(|b| b.url() == u)
            .unwrap_or_else(|| Self::Custom(u.to_owned()))
    }

    /// The URI of a NamingSystem on this base
    /// (`https://ocean.cognisantmd.com/svc/fhir/v1/NamingSystem/id-ereferral-reference`).
    pub fn naming_system(&self, ns: OceanNamingSystem) -> String {
        format!("{}{NAMING_SYSTEM_PATH}{}", self.url(), ns.name())
    }

    /// Whether `system` is the URI of `ns` on this base.
    pub fn is_naming_system(&self, system: &str, ns: OceanNamingSystem) -> bool {
        split_naming_system(system)
            .is_some_and(|(base, name)| base == self.url() && name == ns.name())
    }

    /// The Ocean referral reference of a resource's identifiers on this base.
    pub fn referral_id(&self, identifiers: &[Identifier]) -> Option<ReferralId> {
        identifiers
            .iter()
            .find(|i| {
                i.system.as_ref().is_some_and(|s| {
                    self.is_naming_system(s.as_str(), OceanNamingSystem::EReferralReference)
                })
            })
            .and_then(|i| i.value.as_deref())
            .filter(|v| !v.is_empty())
            .map(ReferralId::new)
    }

    /// The referral identifier for a referral id on this base.
    pub fn referral_identifier(&self, id: &ReferralId) -> Identifier {
        Identifier::new(
            self.naming_system(OceanNamingSystem::EReferralReference),
            id.as_str(),
        )
    }

    /// The Ocean base and NamingSystem a system URI names, whatever the base.
    pub fn parse_naming_system(system: &str) -> Option<(OceanBase, OceanNamingSystem)> {
        let (base, name) = split_naming_system(system)?;
        let ns = OceanNamingSystem::ALL
            .into_iter()
            .find(|n| n.name() == name)?;
        Some((OceanBase::from_url(base), ns))
    }
}

fn split_naming_system(system: &str) -> Option<(&str, &str)> {
    let i = system.find(NAMING_SYSTEM_PATH)?;
    let base = system.get(..i)?;
    let name = system.get(i + NAMING_SYSTEM_PATH.len()..)?;
    (!base.is_empty() && !name.is_empty() && !name.contains('/')).then_some((base, name))
}

/// An Ocean referral reference (the value of an `id-ereferral-reference` identifier; a UUID in
/// Ocean v0.11.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReferralId(String);

impl ReferralId {
    /// Wraps a referral reference.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReferralId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The prefix of every eReferral profile canonical.
pub const PROFILE_PREFIX: &str =
    "http://ehealthontario.ca/fhir/StructureDefinition/ca-on-eReferral-profile-";

/// An Ontario eReferral profile canonical with its version:
/// `http://ehealthontario.ca/fhir/StructureDefinition/ca-on-eReferral-profile-<Type>|<version>`.
///
/// ```
/// use ocean_model::Profile;
/// let p = Profile::parse("http://ehealthontario.ca/fhir/StructureDefinition/ca-on-eReferral-profile-Patient|1.0.1").unwrap();
/// assert_eq!((p.resource_type(), p.version()), ("Patient", Some("1.0.1")));
/// assert_eq!(Profile::ocean_v0_11_1("Task").unwrap().to_string(),
///            "http://ehealthontario.ca/fhir/StructureDefinition/ca-on-eReferral-profile-Task|1.0.0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Profile {
    resource_type: String,
    version: Option<String>,
}

impl Profile {
    /// A profile for a resource type and version.
    pub fn new(resource_type: impl Into<String>, version: Option<&str>) -> Self {
        Self {
            resource_type: resource_type.into(),
            version: version.map(str::to_owned),
        }
    }

    /// Reads a canonical (also URL-encoded `%7C` for `|`, seen in an Ocean v0.10 sample).
    pub fn parse(canonical: &str) -> Option<Self> {
        let rest = canonical.strip_prefix(PROFILE_PREFIX)?;
        let (ty, version) = match rest.split_once('|') {
            Some((t, v)) => (t, Some(v)),
            None => match rest.split_once("%7C").or_else(|| rest.split_once("%7c")) {
                Some((t, v)) => (t, Some(v)),
                None => (rest, None),
            },
        };
        if ty.is_empty() || !ty.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        Some(Self::new(ty, version.filter(|v| !v.is_empty())))
    }

    /// The profile Ocean's v0.11.1 API uses for a resource type (MessageHeader, Patient,
    /// ServiceRequest, Location `|1.0.1`; the others `|1.0.0`), or `None` for a type the IG
    /// does not profile.
    pub fn ocean_v0_11_1(resource_type: &str) -> Option<Self> {
        let version = match resource_type {
            "MessageHeader" | "Patient" | "ServiceRequest" | "Location" => "1.0.1",
            "PractitionerRole"
            | "Practitioner"
            | "DocumentReference"
            | "QuestionnaireResponse"
            | "Task"
            | "Appointment"
            | "Communication"
            | "Organization"
            | "HealthcareService"
            | "Bundle"
            | "Consent"
            | "OperationOutcome"
            | "AllergyIntolerance"
            | "Condition" => "1.0.0",
            _ => return None,
        };
        Some(Self::new(resource_type, Some(version)))
    }

    /// The profiled resource type.
    pub fn resource_type(&self) -> &str {
        &self.resource_type
    }

    /// The version, if the canonical has one.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The canonical as a [`Uri`].
    pub fn to_uri(&self) -> Uri {
        Uri::new(self.to_string())
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PROFILE_PREFIX}{}", self.resource_type)?;
        if let Some(v) = &self.version {
            write!(f, "|{v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_enums_follow_the_convention() {
        for p in Province::ALL {
            assert_eq!(Province::from_code(p.as_str()), Some(p));
            assert_eq!(p.as_str(), p.code());
        }
        for n in OceanNamingSystem::ALL {
            assert_eq!(OceanNamingSystem::from_code(n.as_str()), Some(n));
            assert_eq!(n.as_str(), n.name());
        }
        assert_eq!(OceanNamingSystem::from_code("id-nothing"), None);
        fn generic<C: crate::codes::CodeEnum>(c: &C) -> &str {
            c.as_str()
        }
        assert_eq!(generic(&crate::TaskStatus::from_code("odd")), "odd");
    }

    #[test]
    fn provinces_from_systems() {
        assert_eq!(
            Province::from_health_number_system(BC_PHN_SYSTEM),
            Some(Province::BC)
        );
        assert_eq!(
            Province::from_health_number_system(ON_HCN_SYSTEM),
            Some(Province::ON)
        );
        assert_eq!(
            Province::from_health_number_system(
                "http://fhir.infoway-inforoute.ca/NamingSystem/ca-ab-patient-healthcare-id"
            ),
            Some(Province::AB)
        );
        assert_eq!(
            Province::from_health_number_system("https://x/NamingSystem/ca-zz-patient-hcn"),
            None
        );
        assert_eq!(Province::from_health_number_system("urn:oid:1.2"), None);
        for p in Province::ALL {
            assert_eq!(
                Province::from_health_number_system(&p.health_number_system()),
                Some(p)
            );
        }
    }

    #[test]
    fn jhn_either_spelling_and_no_value() {
        let mut id = Identifier::new("urn:x", "123");
        id.type_ = Some(crate::CodeableConcept::from_coding(crate::Coding::new(
            "http://hl7.org/fhir/v2/0203/",
            Code::new("JHN"),
        )));
        let hn = HealthNumber::from_identifier(&id).unwrap();
        assert_eq!(hn.province(), None);
        id.value = None;
        assert!(HealthNumber::from_identifier(&id).is_none());
        let mr = Identifier::new("urn:x", "123");
        assert!(HealthNumber::from_identifier(&mr).is_none());
    }

    #[test]
    fn round_trip_identifier() {
        let hn = HealthNumber::new(Province::ON, "1234567890").with_version_code("AB");
        let back = HealthNumber::from_identifier(&hn.to_identifier()).unwrap();
        assert_eq!(back, hn);
        assert_eq!(back.version_code(), Some("AB"));
    }

    #[test]
    fn ocean_naming_systems() {
        let base = OceanBase::Custom("http://localhost:8081/".into());
        let sys = base.naming_system(OceanNamingSystem::EReferralReference);
        assert_eq!(
            sys,
            "http://localhost:8081/svc/fhir/v1/NamingSystem/id-ereferral-reference"
        );
        assert!(base.is_naming_system(&sys, OceanNamingSystem::EReferralReference));
        assert!(
            !OceanBase::Production.is_naming_system(&sys, OceanNamingSystem::EReferralReference)
        );
        assert_eq!(
            OceanBase::parse_naming_system(
                "https://test.cognisantmd.com/svc/fhir/v1/NamingSystem/id-site-number"
            ),
            Some((OceanBase::Test, OceanNamingSystem::SiteNumber))
        );
        let ids = vec![Identifier::new(sys, "abc")];
        assert_eq!(base.referral_id(&ids), Some(ReferralId::new("abc")));
    }

    #[test]
    fn profiles() {
        assert!(Profile::parse("http://ehealthontario.ca/fhir/StructureDefinition/ca-on-eReferral-profile-Patient%7C1.0.0").is_some());
        assert!(Profile::parse("http://example.org/Patient").is_none());
        let p = Profile::parse(&format!("{PROFILE_PREFIX}Task")).unwrap();
        assert_eq!(p.version(), None);
    }
}
