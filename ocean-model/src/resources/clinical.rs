//! Clinical resources read from `Patient/$everything`: AllergyIntolerance, Condition,
//! MedicationStatement, Medication, Immunization, Observation.

use crate::{
    Annotation, Code, CodeableConcept, Date, DateTime, Dosage, Identifier, ImmunizationStatus,
    Instant, MedicationStatementStatus, ObservationStatus, Period, Quantity, Range, Ratio,
    Reference, Time, Timing,
};

fhir_choice! {
    /// `onset[x]` / `abatement[x]` of Condition and AllergyIntolerance.
    Onset {
        /// …DateTime
        DateTime(DateTime) = "DateTime",
        /// …Age
        Age(Box<Quantity>) = "Age",
        /// …Period
        Period(Period) = "Period",
        /// …Range
        Range(Box<Range>) = "Range",
        /// …String
        String(String) = "String",
    }
}

fhir_object! {
    /// `AllergyIntolerance.reaction`.
    backbone AllergyIntoleranceReaction ("AllergyIntolerance.reaction") {
        /// Specific substance or pharmaceutical product considered to be responsible.
        opt substance: CodeableConcept = "substance",
        /// Clinical symptoms/signs associated with the Event.
        vec manifestation: CodeableConcept = "manifestation",
        /// Description of the event as a whole.
        opt description: String = "description",
        /// Date(/time) when manifestations showed.
        opt onset: DateTime = "onset",
        /// mild | moderate | severe (of event as a whole)
        opt severity: Code = "severity",
        /// How the subject was exposed to the substance.
        opt exposure_route: CodeableConcept = "exposureRoute",
        /// Text about event not captured in other fields.
        vec note: Annotation = "note",
    }
}

fhir_object! {
    /// `AllergyIntolerance` (read for `@ptCpp.allg`).
    resource AllergyIntolerance ("AllergyIntolerance") {
        /// External ids for this item.
        vec identifier: Identifier = "identifier",
        /// active | inactive | resolved
        opt clinical_status: CodeableConcept = "clinicalStatus",
        /// unconfirmed | confirmed | refuted | entered-in-error
        opt verification_status: CodeableConcept = "verificationStatus",
        /// allergy | intolerance - Underlying mechanism (if known)
        opt type_: Code = "type",
        /// food | medication | environment | biologic
        pvec category: Code = "category",
        /// low | high | unable-to-assess
        opt criticality: Code = "criticality",
        /// Code that identifies the allergy or intolerance.
        opt code: CodeableConcept = "code",
        /// Who the sensitivity is for.
        opt patient: Reference = "patient",
        /// Encounter when the allergy or intolerance was asserted.
        boxed encounter: Reference = "encounter",
        /// Date first version of the resource instance was recorded.
        opt recorded_date: DateTime = "recordedDate",
        /// Who recorded the sensitivity.
        boxed recorder: Reference = "recorder",
        /// Source of the information about the allergy.
        boxed asserter: Reference = "asserter",
        /// Date(/time) of last known occurrence of a reaction.
        opt last_occurrence: DateTime = "lastOccurrence",
        /// Additional text not captured in other fields.
        vec note: Annotation = "note",
        /// Adverse Reaction Events linked to exposure to substance.
        vec reaction: AllergyIntoleranceReaction = "reaction",
    }
    choices {
        /// When allergy or intolerance was identified.
        onset: Onset = "onset",
    }
}

impl AllergyIntolerance {
    /// An AllergyIntolerance for a patient.
    pub fn new(patient: Reference) -> Self {
        Self {
            patient: Some(patient),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `Condition` (read for `@ptCpp.prob` and `@ptCpp.pmhx`).
    resource Condition ("Condition") {
        /// External Ids for this condition.
        vec identifier: Identifier = "identifier",
        /// active | recurrence | relapse | inactive | remission | resolved
        opt clinical_status: CodeableConcept = "clinicalStatus",
        /// unconfirmed | provisional | differential | confirmed | refuted | entered-in-error
        opt verification_status: CodeableConcept = "verificationStatus",
        /// problem-list-item | encounter-diagnosis
        vec category: CodeableConcept = "category",
        /// Subjective severity of condition.
        boxed severity: CodeableConcept = "severity",
        /// Identification of the condition, problem or diagnosis.
        opt code: CodeableConcept = "code",
        /// Anatomical location, if relevant.
        vec body_site: CodeableConcept = "bodySite",
        /// Who has the condition?
        opt subject: Reference = "subject",
        /// Encounter created as part of.
        boxed encounter: Reference = "encounter",
        /// Date record was first recorded.
        opt recorded_date: DateTime = "recordedDate",
        /// Who recorded the condition.
        boxed recorder: Reference = "recorder",
        /// Person who asserts this condition.
        boxed asserter: Reference = "asserter",
        /// Additional information about the Condition.
        vec note: Annotation = "note",
    }
    choices {
        /// Estimated or actual date, date-time, or age.
        onset: Onset = "onset",
        /// When in resolution/remission.
        abatement: Onset = "abatement",
    }
}

impl Condition {
    /// A Condition for a subject.
    pub fn new(subject: Reference) -> Self {
        Self {
            subject: Some(subject),
            ..Self::default()
        }
    }
}

fhir_choice! {
    /// `medication[x]` of MedicationStatement, `item[x]` of Medication.ingredient.
    MedicationChoice {
        /// …CodeableConcept
        CodeableConcept(CodeableConcept) = "CodeableConcept",
        /// …Reference (to a Medication)
        Reference(Reference) = "Reference",
    }
}

fhir_choice! {
    /// `MedicationStatement.effective[x]`.
    MedicationEffective {
        /// effectiveDateTime
        DateTime(DateTime) = "DateTime",
        /// effectivePeriod
        Period(Period) = "Period",
    }
}

fhir_object! {
    /// `MedicationStatement` (read for `@ptCpp.rx`).
    resource MedicationStatement ("MedicationStatement") {
        /// External identifier.
        vec identifier: Identifier = "identifier",
        /// Fulfils plan, proposal or order.
        vec based_on: Reference = "basedOn",
        /// Part of referenced event.
        vec part_of: Reference = "partOf",
        /// active | completed | entered-in-error | intended | stopped | on-hold | unknown | not-taken
        opt status: MedicationStatementStatus = "status",
        /// Reason for current status.
        vec status_reason: CodeableConcept = "statusReason",
        /// Type of medication usage.
        boxed category: CodeableConcept = "category",
        /// Who is/was taking the medication.
        opt subject: Reference = "subject",
        /// Encounter / Episode associated with MedicationStatement.
        boxed context: Reference = "context",
        /// When the statement was asserted.
        opt date_asserted: DateTime = "dateAsserted",
        /// Person or organization that provided the information about the taking of this medication.
        boxed information_source: Reference = "informationSource",
        /// Additional supporting information.
        vec derived_from: Reference = "derivedFrom",
        /// Reason for why the medication is being/was taken.
        vec reason_code: CodeableConcept = "reasonCode",
        /// Condition or observation that supports why the medication is being/was taken.
        vec reason_reference: Reference = "reasonReference",
        /// Further information about the statement.
        vec note: Annotation = "note",
        /// Details of how medication is/was taken or should be taken.
        vec dosage: Dosage = "dosage",
    }
    choices {
        /// What medication was taken.
        medication: MedicationChoice = "medication",
        /// The date/time or interval when the medication is/was/will be taken.
        effective: MedicationEffective = "effective",
    }
}

impl MedicationStatement {
    /// A MedicationStatement with its required status, medication and subject.
    pub fn new(
        status: MedicationStatementStatus,
        medication: MedicationChoice,
        subject: Reference,
    ) -> Self {
        Self {
            status: Some(status),
            medication: Some(medication),
            subject: Some(subject),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `Medication.ingredient`.
    backbone MedicationIngredient ("Medication.ingredient") {
        /// Active ingredient indicator.
        opt is_active: bool = "isActive",
        /// Quantity of ingredient present.
        opt strength: Ratio = "strength",
    }
    choices {
        /// The actual ingredient or content.
        item: MedicationChoice = "item",
    }
}

fhir_object! {
    /// `Medication` (followed from `MedicationStatement.medicationReference`).
    resource Medication ("Medication") {
        /// Business identifier for this medication.
        vec identifier: Identifier = "identifier",
        /// Codes that identify this medication.
        opt code: CodeableConcept = "code",
        /// active | inactive | entered-in-error
        opt status: Code = "status",
        /// Manufacturer of the item.
        opt manufacturer: Reference = "manufacturer",
        /// powder | tablets | capsule +
        opt form: CodeableConcept = "form",
        /// Amount of drug in package.
        opt amount: Ratio = "amount",
        /// Active or inactive ingredient.
        vec ingredient: MedicationIngredient = "ingredient",
    }
}

impl Medication {
    /// A Medication with a code.
    pub fn new(code: CodeableConcept) -> Self {
        Self {
            code: Some(code),
            ..Self::default()
        }
    }
}

fhir_choice! {
    /// `Immunization.occurrence[x]`.
    ImmunizationOccurrence {
        /// occurrenceDateTime
        DateTime(DateTime) = "DateTime",
        /// occurrenceString
        String(String) = "String",
    }
}

fhir_object! {
    /// `Immunization.performer`.
    backbone ImmunizationPerformer ("Immunization.performer") {
        /// What type of performance was done.
        opt function: CodeableConcept = "function",
        /// Individual or organization who was performing.
        opt actor: Reference = "actor",
    }
}

fhir_object! {
    /// `Immunization` (read for `@ptCpp.immu`).
    resource Immunization ("Immunization") {
        /// Business identifier.
        vec identifier: Identifier = "identifier",
        /// completed | entered-in-error | not-done
        opt status: ImmunizationStatus = "status",
        /// Reason not done.
        boxed status_reason: CodeableConcept = "statusReason",
        /// Vaccine product administered.
        opt vaccine_code: CodeableConcept = "vaccineCode",
        /// Who was immunized.
        opt patient: Reference = "patient",
        /// Encounter immunization was part of.
        boxed encounter: Reference = "encounter",
        /// When the immunization was first captured in the subject's record.
        opt recorded: DateTime = "recorded",
        /// Indicates context the data was recorded in.
        opt primary_source: bool = "primarySource",
        /// Indicates the source of a secondarily reported record.
        boxed report_origin: CodeableConcept = "reportOrigin",
        /// Where immunization occurred.
        boxed location: Reference = "location",
        /// Vaccine manufacturer.
        boxed manufacturer: Reference = "manufacturer",
        /// Vaccine lot number.
        opt lot_number: String = "lotNumber",
        /// Vaccine expiration date.
        opt expiration_date: Date = "expirationDate",
        /// Body site vaccine was administered.
        boxed site: CodeableConcept = "site",
        /// How vaccine entered body.
        boxed route: CodeableConcept = "route",
        /// Amount of vaccine administered.
        boxed dose_quantity: Quantity = "doseQuantity",
        /// Who performed event.
        vec performer: ImmunizationPerformer = "performer",
        /// Additional immunization notes.
        vec note: Annotation = "note",
        /// Why immunization occurred.
        vec reason_code: CodeableConcept = "reasonCode",
        /// Why immunization occurred.
        vec reason_reference: Reference = "reasonReference",
        /// Dose potency.
        opt is_subpotent: bool = "isSubpotent",
    }
    choices {
        /// Vaccine administration date.
        occurrence: ImmunizationOccurrence = "occurrence",
    }
}

impl Immunization {
    /// An Immunization with its required status, vaccine, patient and occurrence.
    pub fn new(
        status: ImmunizationStatus,
        vaccine_code: CodeableConcept,
        patient: Reference,
        occurrence: ImmunizationOccurrence,
    ) -> Self {
        Self {
            status: Some(status),
            vaccine_code: Some(vaccine_code),
            patient: Some(patient),
            occurrence: Some(occurrence),
            ..Self::default()
        }
    }
}

fhir_choice! {
    /// `Observation.effective[x]`.
    ObservationEffective {
        /// effectiveDateTime
        DateTime(DateTime) = "DateTime",
        /// effectivePeriod
        Period(Box<Period>) = "Period",
        /// effectiveTiming
        Timing(Box<Timing>) = "Timing",
        /// effectiveInstant
        Instant(Instant) = "Instant",
    }
}

fhir_choice! {
    /// `Observation.value[x]` and `Observation.component.value[x]`. `valueSampledData` is
    /// kept in `unknown`.
    ObservationValue {
        /// valueQuantity
        Quantity(Quantity) = "Quantity",
        /// valueCodeableConcept
        CodeableConcept(CodeableConcept) = "CodeableConcept",
        /// valueString
        String(String) = "String",
        /// valueBoolean
        Boolean(bool) = "Boolean",
        /// valueInteger
        Integer(i64) = "Integer",
        /// valueRange
        Range(Box<Range>) = "Range",
        /// valueRatio
        Ratio(Box<Ratio>) = "Ratio",
        /// valueTime
        Time(Time) = "Time",
        /// valueDateTime
        DateTime(DateTime) = "DateTime",
        /// valuePeriod
        Period(Period) = "Period",
    }
}

fhir_object! {
    /// `Observation.referenceRange`.
    backbone ObservationReferenceRange ("Observation.referenceRange") {
        /// Low Range, if relevant.
        opt low: Quantity = "low",
        /// High Range, if relevant.
        opt high: Quantity = "high",
        /// Reference range qualifier.
        opt type_: CodeableConcept = "type",
        /// Reference range population.
        vec applies_to: CodeableConcept = "appliesTo",
        /// Applicable age range, if relevant.
        opt age: Range = "age",
        /// Text based reference range in an observation.
        opt text: String = "text",
    }
}

fhir_object! {
    /// `Observation.component` (e.g. systolic 8480-6 and diastolic 8462-4 of a BP panel).
    backbone ObservationComponent ("Observation.component") {
        /// Type of component observation (code / type).
        opt code: CodeableConcept = "code",
        /// Why the component result is missing.
        opt data_absent_reason: CodeableConcept = "dataAbsentReason",
        /// High, low, normal, etc.
        vec interpretation: CodeableConcept = "interpretation",
        /// Provides guide for interpretation of component result.
        vec reference_range: ObservationReferenceRange = "referenceRange",
    }
    choices {
        /// Actual component result.
        value: ObservationValue = "value",
    }
}

fhir_object! {
    /// `Observation` (read for `@ptLatestVal.*` / `@ptLatestDate.*`).
    resource Observation ("Observation") {
        /// Business Identifier for observation.
        vec identifier: Identifier = "identifier",
        /// Fulfills plan, proposal or order.
        vec based_on: Reference = "basedOn",
        /// Part of referenced event.
        vec part_of: Reference = "partOf",
        /// registered | preliminary | final | amended | corrected | cancelled | ...
        opt status: ObservationStatus = "status",
        /// Classification of type of observation.
        vec category: CodeableConcept = "category",
        /// Type of observation (code / type), LOINC for the keyword table.
        opt code: CodeableConcept = "code",
        /// Who and/or what the observation is about.
        opt subject: Reference = "subject",
        /// What the observation is about, when it is not about the subject of record.
        vec focus: Reference = "focus",
        /// Healthcare event during which this observation is made.
        boxed encounter: Reference = "encounter",
        /// Date/Time this version was made available.
        opt issued: Instant = "issued",
        /// Who is responsible for the observation.
        vec performer: Reference = "performer",
        /// Why the result is missing.
        boxed data_absent_reason: CodeableConcept = "dataAbsentReason",
        /// High, low, normal, etc.
        vec interpretation: CodeableConcept = "interpretation",
        /// Comments about the observation.
        vec note: Annotation = "note",
        /// Observed body part.
        boxed body_site: CodeableConcept = "bodySite",
        /// How it was done.
        boxed method: CodeableConcept = "method",
        /// Specimen used for this observation.
        boxed specimen: Reference = "specimen",
        /// (Measurement) Device.
        boxed device: Reference = "device",
        /// Provides guide for interpretation.
        vec reference_range: ObservationReferenceRange = "referenceRange",
        /// Related resource that belongs to the Observation group.
        vec has_member: Reference = "hasMember",
        /// Related measurements the observation is made from.
        vec derived_from: Reference = "derivedFrom",
        /// Component results.
        vec component: ObservationComponent = "component",
    }
    choices {
        /// Clinically relevant time/time-period for observation.
        effective: ObservationEffective = "effective",
        /// Actual result.
        value: ObservationValue = "value",
    }
}

impl Observation {
    /// An Observation with its required status and code.
    pub fn new(status: ObservationStatus, code: CodeableConcept) -> Self {
        Self {
            status: Some(status),
            code: Some(code),
            ..Self::default()
        }
    }
}
