//! FHIR R4 complex datatypes used by the eReferral messages and `$everything`.
//!
//! Every type keeps members it does not model in `unknown` (see [`crate::UnknownElements`]).
//! `Quantity` also stands for the R4 profiles of it (`SimpleQuantity`, `Age`, `Duration`,
//! `Distance`, `Count`, `MoneyQuantity`), which share its JSON shape.

use crate::{
    AddressType, AddressUse, Base64Binary, Code, ContactPointSystem, ContactPointUse, Date,
    DateTime, Decimal, Id, IdentifierUse, Instant, NameUse, NarrativeStatus, QuantityComparator,
    Time, Uri,
};

fhir_object! {
    /// A primitive's sibling element (`_birthDate`, `_given[1]`): its id and extensions.
    /// Kept in the owner's `unknown`; read it with
    /// [`UnknownElements::parse`](crate::UnknownElements::parse).
    element Element ("Element") {}
}

fhir_object! {
    /// `Extension`: additional content, identified by `url`, with one `value[x]` or nested
    /// extensions.
    element Extension ("Extension") {
        /// Identifies the meaning of the extension (`Extension.url`).
        opt url: Uri = "url",
    }
    choices {
        /// The value (`Extension.value[x]`); types not listed in [`Value`] stay in `unknown`.
        value: Value = "value",
    }
}

impl Extension {
    /// An extension with a URL and a value.
    pub fn new(url: impl Into<Uri>, value: Value) -> Self {
        Self {
            url: Some(url.into()),
            value: Some(value),
            ..Self::default()
        }
    }

    /// The value as a string, for `valueString`, `valueCode`, `valueUri` and the other
    /// string-valued primitives.
    pub fn value_str(&self) -> Option<&str> {
        self.value.as_ref().and_then(Value::as_str)
    }
}

fhir_choice! {
    /// `value[x]` of an Extension, `Task.input/output` or other open choice: the R4 types an
    /// eReferral payload uses. Types not listed (e.g. `valueSampledData`) are kept in the
    /// owner's `unknown`.
    Value {
        /// valueBase64Binary
        Base64Binary(Base64Binary) = "Base64Binary",
        /// valueBoolean
        Boolean(bool) = "Boolean",
        /// valueCanonical
        Canonical(Uri) = "Canonical",
        /// valueCode
        Code(Code) = "Code",
        /// valueDate
        Date(Date) = "Date",
        /// valueDateTime
        DateTime(DateTime) = "DateTime",
        /// valueDecimal
        Decimal(Decimal) = "Decimal",
        /// valueId
        Id(Id) = "Id",
        /// valueInstant
        Instant(Instant) = "Instant",
        /// valueInteger
        Integer(i64) = "Integer",
        /// valueMarkdown
        Markdown(String) = "Markdown",
        /// valueOid
        Oid(Uri) = "Oid",
        /// valuePositiveInt
        PositiveInt(i64) = "PositiveInt",
        /// valueString
        String(String) = "String",
        /// valueTime
        Time(Time) = "Time",
        /// valueUnsignedInt
        UnsignedInt(i64) = "UnsignedInt",
        /// valueUri
        Uri(Uri) = "Uri",
        /// valueUrl
        Url(Uri) = "Url",
        /// valueUuid
        Uuid(Uri) = "Uuid",
        /// valueAddress
        Address(Box<Address>) = "Address",
        /// valueAge
        Age(Box<Quantity>) = "Age",
        /// valueAnnotation
        Annotation(Box<Annotation>) = "Annotation",
        /// valueAttachment
        Attachment(Box<Attachment>) = "Attachment",
        /// valueCodeableConcept
        CodeableConcept(Box<CodeableConcept>) = "CodeableConcept",
        /// valueCoding
        Coding(Box<Coding>) = "Coding",
        /// valueContactPoint
        ContactPoint(Box<ContactPoint>) = "ContactPoint",
        /// valueCount
        Count(Box<Quantity>) = "Count",
        /// valueDistance
        Distance(Box<Quantity>) = "Distance",
        /// valueDuration
        Duration(Box<Quantity>) = "Duration",
        /// valueHumanName
        HumanName(Box<HumanName>) = "HumanName",
        /// valueIdentifier
        Identifier(Box<Identifier>) = "Identifier",
        /// valuePeriod
        Period(Box<Period>) = "Period",
        /// valueQuantity
        Quantity(Box<Quantity>) = "Quantity",
        /// valueRange
        Range(Box<Range>) = "Range",
        /// valueRatio
        Ratio(Box<Ratio>) = "Ratio",
        /// valueReference
        Reference(Box<Reference>) = "Reference",
        /// valueTiming
        Timing(Box<Timing>) = "Timing",
        /// valueDosage
        Dosage(Box<Dosage>) = "Dosage",
    }
}

impl Value {
    /// The text of a string-valued primitive (string, code, uri, id, markdown, date/time...).
    pub fn as_str(&self) -> Option<&str> {
        Some(match self {
            Value::Base64Binary(v) => v.as_str(),
            Value::Canonical(v)
            | Value::Oid(v)
            | Value::Uri(v)
            | Value::Url(v)
            | Value::Uuid(v) => v.as_str(),
            Value::Code(v) => v.as_str(),
            Value::Date(v) => v.as_str(),
            Value::DateTime(v) => v.as_str(),
            Value::Id(v) => v.as_str(),
            Value::Instant(v) => v.as_str(),
            Value::Markdown(v) | Value::String(v) => v.as_str(),
            Value::Time(v) => v.as_str(),
            _ => return None,
        })
    }
}

fhir_object! {
    /// `Coding`: a code from a code system.
    element Coding ("Coding") {
        /// Identity of the terminology system.
        opt system: Uri = "system",
        /// Version of the system.
        opt version: String = "version",
        /// The code.
        opt code: Code = "code",
        /// Representation defined by the system.
        opt display: String = "display",
        /// Whether the user chose this coding directly.
        opt user_selected: bool = "userSelected",
    }
}

impl Coding {
    /// A coding with a system and a code.
    pub fn new(system: impl Into<Uri>, code: impl Into<Code>) -> Self {
        Self {
            system: Some(system.into()),
            code: Some(code.into()),
            ..Self::default()
        }
    }

    /// Whether this coding has the given system and code.
    pub fn is(&self, system: &str, code: &str) -> bool {
        self.system.as_ref().is_some_and(|s| s == system)
            && self.code.as_ref().is_some_and(|c| c == code)
    }
}

fhir_object! {
    /// `CodeableConcept`: codings and/or text.
    element CodeableConcept ("CodeableConcept") {
        /// Codes from terminologies.
        vec coding: Coding = "coding",
        /// Plain text representation.
        opt text: String = "text",
    }
}

impl CodeableConcept {
    /// A concept with one coding.
    pub fn from_coding(coding: Coding) -> Self {
        Self {
            coding: vec![coding],
            ..Self::default()
        }
    }

    /// A concept with only text.
    pub fn from_text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    /// Whether any coding has this code (and this system, when `system` is `Some`).
    pub fn has_code(&self, system: Option<&str>, code: &str) -> bool {
        self.coding.iter().any(|c| {
            c.code.as_ref().is_some_and(|x| x == code)
                && system.is_none_or(|s| c.system.as_ref().is_some_and(|x| x == s))
        })
    }

    /// Display text: `text`, else the first coding's non-empty `display`, else the first
    /// non-empty `code` (empty strings count as absent).
    pub fn display_text(&self) -> Option<&str> {
        let non_empty = |s: &str| !s.trim().is_empty();
        self.text
            .as_deref()
            .filter(|s| non_empty(s))
            .or_else(|| {
                self.coding
                    .iter()
                    .find_map(|c| c.display.as_deref().filter(|s| non_empty(s)))
            })
            .or_else(|| {
                self.coding
                    .iter()
                    .find_map(|c| c.code.as_ref().map(Code::as_str).filter(|s| non_empty(s)))
            })
    }
}

fhir_object! {
    /// `Identifier`: a business identifier (health number, MRN, Ocean referral reference...).
    /// See [`crate::identifiers`] for the typed Canadian and Ocean identifiers.
    element Identifier ("Identifier") {
        /// usual | official | temp | secondary | old
        opt use_: IdentifierUse = "use",
        /// Description of identifier (e.g. v2-0203 `JHN`, `MR`).
        opt type_: CodeableConcept = "type",
        /// The namespace for the identifier value.
        opt system: Uri = "system",
        /// The value that is unique.
        opt value: String = "value",
        /// Time period when id is/was valid for use.
        opt period: Period = "period",
        /// Organization that issued id.
        boxed assigner: Reference = "assigner",
    }
}

impl Identifier {
    /// An identifier with a system and a value.
    pub fn new(system: impl Into<Uri>, value: impl Into<String>) -> Self {
        Self {
            system: Some(system.into()),
            value: Some(value.into()),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `Reference`: a reference to another resource. See [`crate::reference`] to parse the
    /// reference string and [`crate::Bundle::resolve`] to follow it inside a Bundle.
    element Reference ("Reference") {
        /// Literal reference, relative, internal (`#id`) or absolute URL (`urn:uuid:…`).
        opt reference: String = "reference",
        /// Type the reference refers to (e.g. `Patient`).
        opt type_: Uri = "type",
        /// Logical reference, when literal reference is not known (boxed: rare, and it would
        /// otherwise make every Reference four times larger).
        boxed identifier: Identifier = "identifier",
        /// Text alternative for the resource.
        opt display: String = "display",
    }
}

impl Reference {
    /// A literal reference (`urn:uuid:…`, `Type/id`, `#id`).
    pub fn to(reference: impl Into<String>) -> Self {
        Self {
            reference: Some(reference.into()),
            ..Self::default()
        }
    }

    /// The parsed view of `reference`, if present.
    pub fn parsed(&self) -> Option<crate::ParsedReference<'_>> {
        self.reference.as_deref().map(crate::ParsedReference::parse)
    }
}

fhir_object! {
    /// `Period`: a time range.
    element Period ("Period") {
        /// Starting time with inclusive boundary.
        opt start: DateTime = "start",
        /// End time with inclusive boundary, if not ongoing.
        opt end: DateTime = "end",
    }
}

fhir_object! {
    /// `Quantity` (and `SimpleQuantity`, `Age`, `Duration`, `Distance`, `Count`).
    element Quantity ("Quantity") {
        /// Numerical value, exact text kept.
        opt value: Decimal = "value",
        /// `<` | `<=` | `>=` | `>`
        opt comparator: QuantityComparator = "comparator",
        /// Unit representation.
        opt unit: String = "unit",
        /// System that defines coded unit form (UCUM).
        opt system: Uri = "system",
        /// Coded form of the unit.
        opt code: Code = "code",
    }
}

impl Quantity {
    /// A quantity with a value and a UCUM unit (used for both `unit` and `code`).
    pub fn ucum(value: Decimal, unit: &str) -> Self {
        Self {
            value: Some(value),
            unit: Some(unit.to_owned()),
            system: Some(Uri::new("http://unitsofmeasure.org")),
            code: Some(Code::new(unit)),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `Range`: a low and high quantity.
    element Range ("Range") {
        /// Low limit.
        opt low: Quantity = "low",
        /// High limit.
        opt high: Quantity = "high",
    }
}

fhir_object! {
    /// `Ratio`: a numerator over a denominator.
    element Ratio ("Ratio") {
        /// Numerator value.
        opt numerator: Quantity = "numerator",
        /// Denominator value.
        opt denominator: Quantity = "denominator",
    }
}

fhir_object! {
    /// `HumanName`.
    element HumanName ("HumanName") {
        /// usual | official | temp | nickname | anonymous | old | maiden
        opt use_: NameUse = "use",
        /// Text representation of the full name.
        opt text: String = "text",
        /// Family name (often called 'Surname').
        opt family: String = "family",
        /// Given names (not always 'first'). Includes middle names.
        pvec given: String = "given",
        /// Parts that come before the name.
        pvec prefix: String = "prefix",
        /// Parts that come after the name.
        pvec suffix: String = "suffix",
        /// Time period when name was/is in use.
        opt period: Period = "period",
    }
}

impl HumanName {
    /// The name a POS files and Ocean shows for a person with these names: the `official` one,
    /// else the `usual` one, else the first. The one rule for the whole workspace
    /// (`ocean-keywords` demographics, `ocean-messages` patient and participant names).
    ///
    /// ```
    /// use ocean_model::{json, HumanName, Patient};
    /// let p: Patient = json::from_str(r#"{"resourceType":"Patient",
    ///     "name":[{"use":"nickname","family":"A"},{"use":"usual","family":"B"}]}"#).unwrap();
    /// assert_eq!(HumanName::choose(&p.name).and_then(|n| n.family.as_deref()), Some("B"));
    /// ```
    pub fn choose(names: &[HumanName]) -> Option<&HumanName> {
        let by_use = |u: &str| {
            names
                .iter()
                .find(|n| n.use_.as_ref().is_some_and(|x| x.as_str() == u))
        };
        by_use("official")
            .or_else(|| by_use("usual"))
            .or_else(|| names.first())
    }
}

fhir_object! {
    /// `Address`.
    element Address ("Address") {
        /// home | work | temp | old | billing
        opt use_: AddressUse = "use",
        /// postal | physical | both
        opt type_: AddressType = "type",
        /// Text representation of the address.
        opt text: String = "text",
        /// Street name, number, direction & P.O. Box etc.
        pvec line: String = "line",
        /// Name of city, town etc.
        opt city: String = "city",
        /// District name (aka county).
        opt district: String = "district",
        /// Sub-unit of country (province: `BC`, `ON`).
        opt state: String = "state",
        /// Postal code for area.
        opt postal_code: String = "postalCode",
        /// Country.
        opt country: String = "country",
        /// Time period when address was/is in use.
        opt period: Period = "period",
    }
}

fhir_object! {
    /// `ContactPoint`: phone, email, fax...
    element ContactPoint ("ContactPoint") {
        /// phone | fax | email | pager | url | sms | other
        opt system: ContactPointSystem = "system",
        /// The actual contact point details.
        opt value: String = "value",
        /// home | work | temp | old | mobile
        opt use_: ContactPointUse = "use",
        /// Specify preferred order of use (1 = highest).
        opt rank: i64 = "rank",
        /// Time period when the contact point was/is in use.
        opt period: Period = "period",
    }
}

fhir_object! {
    /// `Attachment`: content by value (`data`) or by `url`.
    element Attachment ("Attachment") {
        /// Mime type of the content.
        opt content_type: Code = "contentType",
        /// Human language of the content.
        opt language: Code = "language",
        /// Data inline, base64ed.
        opt data: Base64Binary = "data",
        /// Uri where the data can be found (Ocean: `…/$letter`, `…/$binary`).
        opt url: Uri = "url",
        /// Number of bytes of content (if url provided).
        opt size: i64 = "size",
        /// Hash of the data (sha-1, base64ed).
        opt hash: Base64Binary = "hash",
        /// Label to display in place of the data.
        opt title: String = "title",
        /// Date attachment was first created.
        opt creation: DateTime = "creation",
    }
}

fhir_choice! {
    /// `Annotation.author[x]`.
    AnnotationAuthor {
        /// authorReference
        Reference(Reference) = "Reference",
        /// authorString
        String(String) = "String",
    }
}

fhir_object! {
    /// `Annotation`: a text note with author and time.
    element Annotation ("Annotation") {
        /// When the annotation was made.
        opt time: DateTime = "time",
        /// The annotation (markdown). Required by FHIR; Ocean sometimes omits it.
        opt text: String = "text",
    }
    choices {
        /// Individual responsible for the annotation.
        author: AnnotationAuthor = "author",
    }
}

fhir_object! {
    /// `Narrative`: human-readable XHTML summary.
    element Narrative ("Narrative") {
        /// generated | extensions | additional | empty
        opt status: NarrativeStatus = "status",
        /// Limited XHTML content.
        opt div: String = "div",
    }
}

fhir_object! {
    /// `Meta`: metadata about a resource.
    element Meta ("Meta") {
        /// Version specific identifier.
        opt version_id: Id = "versionId",
        /// When the resource version last changed.
        opt last_updated: Instant = "lastUpdated",
        /// Identifies where the resource comes from.
        opt source: Uri = "source",
        /// Profiles this resource claims to conform to (see [`crate::Profile`]).
        pvec profile: Uri = "profile",
        /// Security labels applied to this resource (Ocean test data: `HTEST`).
        vec security: Coding = "security",
        /// Tags applied to this resource.
        vec tag: Coding = "tag",
    }
}

fhir_choice! {
    /// `Dosage.asNeeded[x]`, `ServiceRequest.asNeeded[x]`.
    AsNeeded {
        /// asNeededBoolean
        Boolean(bool) = "Boolean",
        /// asNeededCodeableConcept
        CodeableConcept(CodeableConcept) = "CodeableConcept",
    }
}

fhir_choice! {
    /// `Dosage.doseAndRate.dose[x]`.
    Dose {
        /// doseRange
        Range(Box<Range>) = "Range",
        /// doseQuantity
        Quantity(Quantity) = "Quantity",
    }
}

fhir_choice! {
    /// `Dosage.doseAndRate.rate[x]`.
    Rate {
        /// rateRatio
        Ratio(Box<Ratio>) = "Ratio",
        /// rateRange
        Range(Box<Range>) = "Range",
        /// rateQuantity
        Quantity(Quantity) = "Quantity",
    }
}

fhir_object! {
    /// `Dosage.doseAndRate`.
    element DosageDoseAndRate ("Dosage.doseAndRate") {
        /// The kind of dose or rate specified.
        opt type_: CodeableConcept = "type",
    }
    choices {
        /// Amount of medication per dose.
        dose: Dose = "dose",
        /// Amount of medication per unit of time.
        rate: Rate = "rate",
    }
}

fhir_object! {
    /// `Dosage`: how a medication is/was taken.
    backbone Dosage ("Dosage") {
        /// The order of the dosage instructions.
        opt sequence: i64 = "sequence",
        /// Free text dosage instructions, e.g. "1 tablet twice daily".
        opt text: String = "text",
        /// Supplemental instruction or warnings to the patient.
        vec additional_instruction: CodeableConcept = "additionalInstruction",
        /// Patient or consumer oriented instructions.
        opt patient_instruction: String = "patientInstruction",
        /// When medication should be administered.
        opt timing: Timing = "timing",
        /// Body site to administer to.
        opt site: CodeableConcept = "site",
        /// How drug should enter body.
        opt route: CodeableConcept = "route",
        /// Technique for administering medication.
        opt method: CodeableConcept = "method",
        /// Amount of medication administered.
        vec dose_and_rate: DosageDoseAndRate = "doseAndRate",
        /// Upper limit on medication per unit of time.
        opt max_dose_per_period: Ratio = "maxDosePerPeriod",
        /// Upper limit on medication per administration.
        opt max_dose_per_administration: Quantity = "maxDosePerAdministration",
        /// Upper limit on medication per lifetime of the patient.
        opt max_dose_per_lifetime: Quantity = "maxDosePerLifetime",
    }
    choices {
        /// Take "as needed".
        as_needed: AsNeeded = "asNeeded",
    }
}

fhir_choice! {
    /// `Timing.repeat.bounds[x]`.
    TimingBounds {
        /// boundsDuration
        Duration(Quantity) = "Duration",
        /// boundsRange
        Range(Box<Range>) = "Range",
        /// boundsPeriod
        Period(Period) = "Period",
    }
}

fhir_object! {
    /// `Timing.repeat`: when the event is to occur.
    element TimingRepeat ("Timing.repeat") {
        /// Number of times to repeat.
        opt count: i64 = "count",
        /// Maximum number of times to repeat.
        opt count_max: i64 = "countMax",
        /// How long when it happens.
        opt duration: Decimal = "duration",
        /// How long when it happens (Max).
        opt duration_max: Decimal = "durationMax",
        /// s | min | h | d | wk | mo | a
        opt duration_unit: Code = "durationUnit",
        /// Event occurs frequency times per period.
        opt frequency: i64 = "frequency",
        /// Event occurs up to frequencyMax times per period.
        opt frequency_max: i64 = "frequencyMax",
        /// Event occurs frequency times per period.
        opt period: Decimal = "period",
        /// Upper limit of period (3-4 hours).
        opt period_max: Decimal = "periodMax",
        /// s | min | h | d | wk | mo | a
        opt period_unit: Code = "periodUnit",
        /// mon | tue | wed | thu | fri | sat | sun
        pvec day_of_week: Code = "dayOfWeek",
        /// Time of day for action.
        pvec time_of_day: Time = "timeOfDay",
        /// Code for time period of occurrence.
        pvec when: Code = "when",
        /// Minutes from event (before or after).
        opt offset: i64 = "offset",
    }
    choices {
        /// Length/Range of lengths, or (Start and/or end) limits.
        bounds: TimingBounds = "bounds",
    }
}

fhir_object! {
    /// `Timing`: a schedule.
    backbone Timing ("Timing") {
        /// When the event occurs.
        pvec event: DateTime = "event",
        /// When the event is to occur.
        opt repeat: TimingRepeat = "repeat",
        /// BID | TID | QID | AM | PM | QD | QOD | +
        opt code: CodeableConcept = "code",
    }
}
