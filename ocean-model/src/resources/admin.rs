//! Administrative resources: Patient, Practitioner, PractitionerRole, Organization, Location,
//! HealthcareService.

use crate::{
    Address, AdministrativeGender, Attachment, Code, CodeableConcept, ContactPoint, Date, DateTime,
    Decimal, HumanName, Identifier, Period, Reference,
};

fhir_choice! {
    /// `Patient.deceased[x]`.
    Deceased {
        /// deceasedBoolean
        Boolean(bool) = "Boolean",
        /// deceasedDateTime
        DateTime(DateTime) = "DateTime",
    }
}

fhir_choice! {
    /// `Patient.multipleBirth[x]`.
    MultipleBirth {
        /// multipleBirthBoolean
        Boolean(bool) = "Boolean",
        /// multipleBirthInteger
        Integer(i64) = "Integer",
    }
}

fhir_object! {
    /// `Patient.contact`: a contact party (guardian, partner, friend) for the patient.
    backbone PatientContact ("Patient.contact") {
        /// The kind of relationship.
        vec relationship: CodeableConcept = "relationship",
        /// A name associated with the contact person.
        opt name: HumanName = "name",
        /// A contact detail for the person.
        vec telecom: ContactPoint = "telecom",
        /// Address for the contact person.
        opt address: Address = "address",
        /// male | female | other | unknown
        opt gender: AdministrativeGender = "gender",
        /// Organization that is associated with the contact.
        opt organization: Reference = "organization",
        /// The period during which this contact person or organization is valid.
        opt period: Period = "period",
    }
}

fhir_object! {
    /// `Patient.communication`: a language which may be used to communicate with the patient.
    backbone PatientCommunication ("Patient.communication") {
        /// The language.
        opt language: CodeableConcept = "language",
        /// Language preference indicator.
        opt preferred: bool = "preferred",
    }
}

fhir_object! {
    /// `Patient.link`: link to another patient resource that concerns the same person.
    backbone PatientLink ("Patient.link") {
        /// The other patient or related person resource.
        opt other: Reference = "other",
        /// replaced-by | replaces | refer | seealso
        opt type_: Code = "type",
    }
}

fhir_object! {
    /// `Patient` (eReferral profile `ca-on-eReferral-profile-Patient`: `name.family` and
    /// `gender` required, health number as a `JHN` identifier; see [`crate::HealthNumber`]).
    resource Patient ("Patient") {
        /// An identifier for this patient (health number, MRN).
        vec identifier: Identifier = "identifier",
        /// Whether this patient's record is in active use.
        opt active: bool = "active",
        /// A name associated with the patient.
        vec name: HumanName = "name",
        /// A contact detail for the individual.
        vec telecom: ContactPoint = "telecom",
        /// male | female | other | unknown
        opt gender: AdministrativeGender = "gender",
        /// The date of birth for the individual.
        opt birth_date: Date = "birthDate",
        /// An address for the individual.
        vec address: Address = "address",
        /// Marital (civil) status of a patient.
        opt marital_status: CodeableConcept = "maritalStatus",
        /// Image of the patient.
        vec photo: Attachment = "photo",
        /// A contact party for the patient.
        vec contact: PatientContact = "contact",
        /// A language which may be used to communicate with the patient.
        vec communication: PatientCommunication = "communication",
        /// Patient's nominated primary care provider.
        vec general_practitioner: Reference = "generalPractitioner",
        /// Organization that is the custodian of the patient record.
        opt managing_organization: Reference = "managingOrganization",
        /// Link to another patient resource that concerns the same actual person.
        vec link: PatientLink = "link",
    }
    choices {
        /// Indicates if the individual is deceased or not.
        deceased: Deceased = "deceased",
        /// Whether patient is part of a multiple birth.
        multiple_birth: MultipleBirth = "multipleBirth",
    }
}

impl Patient {
    /// An empty Patient (every element is optional in base FHIR; the eReferral profile's
    /// requirements are checked by [`crate::validate`]).
    pub fn new() -> Self {
        Self::default()
    }
}

fhir_object! {
    /// `Practitioner.qualification`.
    backbone PractitionerQualification ("Practitioner.qualification") {
        /// An identifier for this qualification for the practitioner.
        vec identifier: Identifier = "identifier",
        /// Coded representation of the qualification.
        opt code: CodeableConcept = "code",
        /// Period during which the qualification is valid.
        opt period: Period = "period",
        /// Organization that regulates and issues the qualification.
        opt issuer: Reference = "issuer",
    }
}

fhir_object! {
    /// `Practitioner`.
    resource Practitioner ("Practitioner") {
        /// An identifier for the person as this agent (licence number, billing number).
        vec identifier: Identifier = "identifier",
        /// Whether this practitioner's record is in active use.
        opt active: bool = "active",
        /// The name(s) associated with the practitioner.
        vec name: HumanName = "name",
        /// A contact detail for the practitioner.
        vec telecom: ContactPoint = "telecom",
        /// Address(es) of the practitioner.
        vec address: Address = "address",
        /// male | female | other | unknown
        opt gender: AdministrativeGender = "gender",
        /// The date on which the practitioner was born.
        opt birth_date: Date = "birthDate",
        /// Image of the person.
        vec photo: Attachment = "photo",
        /// Certification, licenses, or training pertaining to the provision of care.
        vec qualification: PractitionerQualification = "qualification",
        /// A language the practitioner can use in patient communication.
        vec communication: CodeableConcept = "communication",
    }
}

impl Practitioner {
    /// An empty Practitioner.
    pub fn new() -> Self {
        Self::default()
    }
}

fhir_object! {
    /// `PractitionerRole`: a practitioner at an organization/location; Ocean uses it for both
    /// the referrer and the receiving listing (identifier `id-referral-target-reference`).
    resource PractitionerRole ("PractitionerRole") {
        /// Business identifiers.
        vec identifier: Identifier = "identifier",
        /// Whether this practitioner role record is in active use.
        opt active: bool = "active",
        /// The period during which the practitioner is authorized to perform in these role(s).
        opt period: Period = "period",
        /// Practitioner that is able to provide the defined services.
        opt practitioner: Reference = "practitioner",
        /// Organization where the roles are available.
        opt organization: Reference = "organization",
        /// Roles which this practitioner may perform.
        vec code: CodeableConcept = "code",
        /// Specific specialty of the practitioner.
        vec specialty: CodeableConcept = "specialty",
        /// The location(s) at which this practitioner provides care.
        vec location: Reference = "location",
        /// The list of healthcare services that this worker provides.
        vec healthcare_service: Reference = "healthcareService",
        /// Contact details that are specific to the role/location/service.
        vec telecom: ContactPoint = "telecom",
        /// Description of availability exceptions.
        opt availability_exceptions: String = "availabilityExceptions",
        /// Technical endpoints providing access to services operated for the practitioner.
        vec endpoint: Reference = "endpoint",
    }
}

impl PractitionerRole {
    /// An empty PractitionerRole.
    pub fn new() -> Self {
        Self::default()
    }
}

fhir_object! {
    /// `Organization`.
    resource Organization ("Organization") {
        /// Identifies this organization across multiple systems.
        vec identifier: Identifier = "identifier",
        /// Whether the organization's record is still in active use.
        opt active: bool = "active",
        /// Kind of organization.
        vec type_: CodeableConcept = "type",
        /// Name used for the organization.
        opt name: String = "name",
        /// A list of alternate names that the organization is known as.
        pvec alias: String = "alias",
        /// A contact detail for the organization.
        vec telecom: ContactPoint = "telecom",
        /// An address for the organization.
        vec address: Address = "address",
        /// The organization of which this organization forms a part.
        opt part_of: Reference = "partOf",
        /// Technical endpoints providing access to services operated for the organization.
        vec endpoint: Reference = "endpoint",
    }
}

impl Organization {
    /// An Organization with a name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `Location.position`: WGS84 coordinates.
    backbone LocationPosition ("Location.position") {
        /// Longitude with WGS84 datum.
        opt longitude: Decimal = "longitude",
        /// Latitude with WGS84 datum.
        opt latitude: Decimal = "latitude",
        /// Altitude with WGS84 datum.
        opt altitude: Decimal = "altitude",
    }
}

fhir_object! {
    /// `Location`.
    resource Location ("Location") {
        /// Unique code or number identifying the location to its users.
        vec identifier: Identifier = "identifier",
        /// active | suspended | inactive
        opt status: Code = "status",
        /// The operational status of the location (typically only for a bed/room).
        opt operational_status: crate::Coding = "operationalStatus",
        /// Name of the location as used by humans.
        opt name: String = "name",
        /// A list of alternate names that the location is known as.
        pvec alias: String = "alias",
        /// Additional details about the location.
        opt description: String = "description",
        /// instance | kind
        opt mode: Code = "mode",
        /// Type of function performed.
        vec type_: CodeableConcept = "type",
        /// Contact details of the location.
        vec telecom: ContactPoint = "telecom",
        /// Physical location.
        opt address: Address = "address",
        /// Physical form of the location.
        opt physical_type: CodeableConcept = "physicalType",
        /// The absolute geographic location.
        opt position: LocationPosition = "position",
        /// Organization responsible for provisioning and upkeep.
        opt managing_organization: Reference = "managingOrganization",
        /// Another Location this one is physically a part of.
        opt part_of: Reference = "partOf",
        /// Description of availability exceptions.
        opt availability_exceptions: String = "availabilityExceptions",
        /// Technical endpoints providing access to services operated for the location.
        vec endpoint: Reference = "endpoint",
    }
}

impl Location {
    /// An empty Location.
    pub fn new() -> Self {
        Self::default()
    }
}

fhir_object! {
    /// `HealthcareService`: a service offered at a location (a CA:eReC referral target).
    resource HealthcareService ("HealthcareService") {
        /// External identifiers for this item.
        vec identifier: Identifier = "identifier",
        /// Whether this HealthcareService record is in active use.
        opt active: bool = "active",
        /// Organization that provides this service.
        opt provided_by: Reference = "providedBy",
        /// Broad category of service being performed or delivered.
        vec category: CodeableConcept = "category",
        /// Type of service that may be delivered or performed.
        vec type_: CodeableConcept = "type",
        /// Specialties handled by the HealthcareService.
        vec specialty: CodeableConcept = "specialty",
        /// Location(s) where service may be provided.
        vec location: Reference = "location",
        /// Description of service as presented to a consumer while searching.
        opt name: String = "name",
        /// Additional description and/or any specific issues not covered elsewhere.
        opt comment: String = "comment",
        /// Extra details about the service that can't be placed in the other fields.
        opt extra_details: String = "extraDetails",
        /// Facilitates quick identification of the service.
        opt photo: Attachment = "photo",
        /// Contacts related to the healthcare service.
        vec telecom: ContactPoint = "telecom",
        /// Location(s) service is intended for/available to.
        vec coverage_area: Reference = "coverageArea",
        /// Conditions under which service is available/offered.
        vec service_provision_code: CodeableConcept = "serviceProvisionCode",
        /// Programs that this service is applicable to.
        vec program: CodeableConcept = "program",
        /// Collection of characteristics (attributes).
        vec characteristic: CodeableConcept = "characteristic",
        /// The language that this service is offered in.
        vec communication: CodeableConcept = "communication",
        /// Ways that the service accepts referrals.
        vec referral_method: CodeableConcept = "referralMethod",
        /// If an appointment is required for access to this service.
        opt appointment_required: bool = "appointmentRequired",
        /// Description of availability exceptions.
        opt availability_exceptions: String = "availabilityExceptions",
        /// Technical endpoints providing access to electronic services operated for the service.
        vec endpoint: Reference = "endpoint",
    }
}

impl HealthcareService {
    /// An empty HealthcareService.
    pub fn new() -> Self {
        Self::default()
    }
}
