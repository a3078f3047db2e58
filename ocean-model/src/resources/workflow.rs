//! Referral workflow resources: ServiceRequest, Task, Appointment, Communication,
//! DocumentReference, Binary, QuestionnaireResponse, Consent.

use crate::{
    Annotation, AppointmentStatus, AsNeeded, Attachment, Base64Binary, Code, CodeableConcept,
    Coding, ConsentState, Date, DateTime, Decimal, DocumentReferenceStatus, EventStatus,
    Identifier, Instant, ParticipationStatus, Period, Quantity, QuestionnaireResponseStatus, Range,
    Ratio, Reference, RequestIntent, RequestPriority, RequestStatus, TaskIntent, TaskStatus, Time,
    Timing, Uri, Value,
};

fhir_choice! {
    /// `ServiceRequest.quantity[x]`.
    ServiceRequestQuantity {
        /// quantityQuantity
        Quantity(Quantity) = "Quantity",
        /// quantityRatio
        Ratio(Box<Ratio>) = "Ratio",
        /// quantityRange
        Range(Box<Range>) = "Range",
    }
}

fhir_choice! {
    /// `ServiceRequest.occurrence[x]`.
    ServiceRequestOccurrence {
        /// occurrenceDateTime
        DateTime(DateTime) = "DateTime",
        /// occurrencePeriod
        Period(Period) = "Period",
        /// occurrenceTiming
        Timing(Box<Timing>) = "Timing",
    }
}

fhir_object! {
    /// `ServiceRequest`: the referral itself (eReferral profile
    /// `ca-on-eReferral-profile-ServiceRequest`). Ocean puts its referral reference in
    /// `identifier` (system `{ocean}/svc/fhir/v1/NamingSystem/id-ereferral-reference`).
    resource ServiceRequest ("ServiceRequest") {
        /// Identifiers assigned to this order (Ocean referral reference).
        vec identifier: Identifier = "identifier",
        /// Instantiates FHIR protocol or definition.
        pvec instantiates_canonical: Uri = "instantiatesCanonical",
        /// Instantiates external protocol or definition.
        pvec instantiates_uri: Uri = "instantiatesUri",
        /// What request fulfills.
        vec based_on: Reference = "basedOn",
        /// What request replaces (Ocean: the referral this one was forwarded from).
        vec replaces: Reference = "replaces",
        /// Composite Request ID.
        opt requisition: Identifier = "requisition",
        /// draft | active | on-hold | revoked | completed | entered-in-error | unknown
        opt status: RequestStatus = "status",
        /// proposal | plan | directive | order | ...
        opt intent: RequestIntent = "intent",
        /// Classification of service (Ocean: SNOMED category).
        vec category: CodeableConcept = "category",
        /// routine | urgent | asap | stat
        opt priority: RequestPriority = "priority",
        /// True if service/procedure should not be performed.
        opt do_not_perform: bool = "doNotPerform",
        /// What is being requested/ordered.
        opt code: CodeableConcept = "code",
        /// Additional order information.
        vec order_detail: CodeableConcept = "orderDetail",
        /// Individual or Entity the service is ordered for.
        opt subject: Reference = "subject",
        /// Encounter in which the request was created.
        opt encounter: Reference = "encounter",
        /// Date request signed.
        opt authored_on: DateTime = "authoredOn",
        /// Who/what is requesting service.
        opt requester: Reference = "requester",
        /// Performer role.
        opt performer_type: CodeableConcept = "performerType",
        /// Requested performer (Ocean: the receiving listing's PractitionerRole).
        vec performer: Reference = "performer",
        /// Requested location.
        vec location_code: CodeableConcept = "locationCode",
        /// Requested location.
        vec location_reference: Reference = "locationReference",
        /// Explanation/Justification for procedure or service.
        vec reason_code: CodeableConcept = "reasonCode",
        /// Explanation/Justification for service or service.
        vec reason_reference: Reference = "reasonReference",
        /// Associated insurance coverage.
        vec insurance: Reference = "insurance",
        /// Additional clinical information (Ocean: referral letter DocumentReference, eForm
        /// QuestionnaireResponse).
        vec supporting_info: Reference = "supportingInfo",
        /// Procedure Samples.
        vec specimen: Reference = "specimen",
        /// Location on Body.
        vec body_site: CodeableConcept = "bodySite",
        /// Comments (Ocean: "Reason for Referral" as HTML).
        vec note: Annotation = "note",
        /// Patient or consumer-oriented instructions.
        opt patient_instruction: String = "patientInstruction",
        /// Request provenance.
        vec relevant_history: Reference = "relevantHistory",
    }
    choices {
        /// Service amount.
        quantity: ServiceRequestQuantity = "quantity",
        /// When service should occur.
        occurrence: ServiceRequestOccurrence = "occurrence",
        /// Preconditions for service.
        as_needed: AsNeeded = "asNeeded",
    }
}

impl ServiceRequest {
    /// A ServiceRequest with its required status, intent and subject.
    pub fn new(status: RequestStatus, intent: RequestIntent, subject: Reference) -> Self {
        Self {
            status: Some(status),
            intent: Some(intent),
            subject: Some(subject),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `Task.restriction`: constraints on fulfillment tasks.
    backbone TaskRestriction ("Task.restriction") {
        /// How many times to repeat.
        opt repetitions: i64 = "repetitions",
        /// When fulfillment sought.
        opt period: Period = "period",
        /// For whom is fulfillment sought?
        vec recipient: Reference = "recipient",
    }
}

fhir_object! {
    /// `Task.input` / `Task.output`: a typed parameter.
    backbone TaskParameter ("Task.input") {
        /// Label for the input or output.
        opt type_: CodeableConcept = "type",
    }
    choices {
        /// Content to use in performing the task.
        value: Value = "value",
    }
}

fhir_object! {
    /// `Task`: the receiver's Process Request (eReferral profile `ca-on-eReferral-profile-Task`:
    /// `code` `process-request`, `basedOn` the ServiceRequest, `intent` `order`). Its `status`
    /// moves the referral between Ocean folders (see `ocean-status`).
    resource Task ("Task") {
        /// Task Instance Identifier.
        vec identifier: Identifier = "identifier",
        /// Formal definition of task.
        opt instantiates_canonical: Uri = "instantiatesCanonical",
        /// Formal definition of task.
        opt instantiates_uri: Uri = "instantiatesUri",
        /// Request fulfilled by this task (the ServiceRequest).
        vec based_on: Reference = "basedOn",
        /// Requisition or grouper id.
        opt group_identifier: Identifier = "groupIdentifier",
        /// Composite task.
        vec part_of: Reference = "partOf",
        /// draft | requested | received | accepted | rejected | ready | cancelled | ...
        opt status: TaskStatus = "status",
        /// Reason for current status (decline reason as `text`).
        opt status_reason: CodeableConcept = "statusReason",
        /// E.g. "Specimen collected", "IV prepped".
        opt business_status: CodeableConcept = "businessStatus",
        /// unknown | proposal | plan | order | original-order | ...
        opt intent: TaskIntent = "intent",
        /// routine | urgent | asap | stat
        opt priority: RequestPriority = "priority",
        /// Task Type (`process-request`).
        opt code: CodeableConcept = "code",
        /// Human-readable explanation of task.
        opt description: String = "description",
        /// What task is acting on.
        opt focus: Reference = "focus",
        /// Beneficiary of the Task (`Task.for`).
        opt for_: Reference = "for",
        /// Healthcare event during which this task originated.
        opt encounter: Reference = "encounter",
        /// Start and end time of execution.
        opt execution_period: Period = "executionPeriod",
        /// Task Creation Date.
        opt authored_on: DateTime = "authoredOn",
        /// Task Last Modified Date.
        opt last_modified: DateTime = "lastModified",
        /// Who is asking for task to be done.
        opt requester: Reference = "requester",
        /// Requested performer.
        vec performer_type: CodeableConcept = "performerType",
        /// Responsible individual.
        opt owner: Reference = "owner",
        /// Where task occurs.
        opt location: Reference = "location",
        /// Why task is needed.
        opt reason_code: CodeableConcept = "reasonCode",
        /// Why task is needed.
        opt reason_reference: Reference = "reasonReference",
        /// Associated insurance coverage.
        vec insurance: Reference = "insurance",
        /// Comments made about the task.
        vec note: Annotation = "note",
        /// Key events in history of the Task.
        vec relevant_history: Reference = "relevantHistory",
        /// Constraints on fulfillment tasks.
        opt restriction: TaskRestriction = "restriction",
        /// Information used to perform task.
        vec input: TaskParameter = "input",
        /// Information produced as part of task.
        vec output: TaskParameter = "output",
    }
}

impl Task {
    /// A Task with its required status and intent.
    pub fn new(status: TaskStatus, intent: TaskIntent) -> Self {
        Self {
            status: Some(status),
            intent: Some(intent),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `Appointment.participant`.
    backbone AppointmentParticipant ("Appointment.participant") {
        /// Role of participant in the appointment.
        vec type_: CodeableConcept = "type",
        /// Person, Location/HealthcareService or Device.
        opt actor: Reference = "actor",
        /// required | optional | information-only
        opt required: Code = "required",
        /// accepted | declined | tentative | needs-action
        opt status: ParticipationStatus = "status",
        /// Participation period of the actor.
        opt period: Period = "period",
    }
}

fhir_object! {
    /// `Appointment`: a booking for the referral (`basedOn` the ServiceRequest);
    /// `patientInstruction` carries Ocean's "booking comments".
    resource Appointment ("Appointment") {
        /// External Ids for this item.
        vec identifier: Identifier = "identifier",
        /// proposed | pending | booked | arrived | fulfilled | cancelled | noshow | ...
        opt status: AppointmentStatus = "status",
        /// The coded reason for the appointment being cancelled.
        opt cancelation_reason: CodeableConcept = "cancelationReason",
        /// A broad categorization of the service that is to be performed.
        vec service_category: CodeableConcept = "serviceCategory",
        /// The specific service that is to be performed.
        vec service_type: CodeableConcept = "serviceType",
        /// The specialty of a practitioner that would be required.
        vec specialty: CodeableConcept = "specialty",
        /// The style of appointment or patient that has been booked in the slot.
        opt appointment_type: CodeableConcept = "appointmentType",
        /// Coded reason this appointment is scheduled.
        vec reason_code: CodeableConcept = "reasonCode",
        /// Reason the appointment is to take place (resource).
        vec reason_reference: Reference = "reasonReference",
        /// Used to make informed decisions if needing to re-prioritize.
        opt priority: i64 = "priority",
        /// Shown on a subject line in a meeting request, or appointment list.
        opt description: String = "description",
        /// Additional information to support the appointment.
        vec supporting_information: Reference = "supportingInformation",
        /// When appointment is to take place.
        opt start: Instant = "start",
        /// When appointment is to conclude.
        opt end: Instant = "end",
        /// Can be less than start/end (e.g. estimate).
        opt minutes_duration: i64 = "minutesDuration",
        /// The slots that this appointment is filling.
        vec slot: Reference = "slot",
        /// The date that this appointment was initially created.
        opt created: DateTime = "created",
        /// Additional comments.
        opt comment: String = "comment",
        /// Detailed information and instructions for the patient (Ocean booking comments).
        opt patient_instruction: String = "patientInstruction",
        /// The service request this appointment is allocated to assess.
        vec based_on: Reference = "basedOn",
        /// Participants involved in appointment.
        vec participant: AppointmentParticipant = "participant",
        /// Potential date/time interval(s) requested to allocate the appointment within.
        vec requested_period: Period = "requestedPeriod",
    }
}

impl Appointment {
    /// An Appointment with its required status.
    pub fn new(status: AppointmentStatus) -> Self {
        Self {
            status: Some(status),
            ..Self::default()
        }
    }
}

fhir_choice! {
    /// `Communication.payload.content[x]`.
    CommunicationContent {
        /// contentString
        String(String) = "String",
        /// contentAttachment
        Attachment(Attachment) = "Attachment",
        /// contentReference
        Reference(Reference) = "Reference",
    }
}

fhir_object! {
    /// `Communication.payload`.
    backbone CommunicationPayload ("Communication.payload") {}
    choices {
        /// Message part content.
        content: CommunicationContent = "content",
    }
}

fhir_object! {
    /// `Communication`: a message between referrer and receiver (`basedOn` the
    /// ServiceRequest).
    resource Communication ("Communication") {
        /// Unique identifier.
        vec identifier: Identifier = "identifier",
        /// Instantiates FHIR protocol or definition.
        pvec instantiates_canonical: Uri = "instantiatesCanonical",
        /// Request fulfilled by this communication.
        vec based_on: Reference = "basedOn",
        /// Part of this action.
        vec part_of: Reference = "partOf",
        /// Reply to.
        vec in_response_to: Reference = "inResponseTo",
        /// preparation | in-progress | not-done | on-hold | stopped | completed | ...
        opt status: EventStatus = "status",
        /// Reason for current status.
        opt status_reason: CodeableConcept = "statusReason",
        /// Message category.
        vec category: CodeableConcept = "category",
        /// routine | urgent | asap | stat
        opt priority: RequestPriority = "priority",
        /// A channel of communication.
        vec medium: CodeableConcept = "medium",
        /// Focus of message.
        opt subject: Reference = "subject",
        /// Description of the purpose/content.
        opt topic: CodeableConcept = "topic",
        /// Resources that pertain to this communication.
        vec about: Reference = "about",
        /// Encounter created as part of.
        opt encounter: Reference = "encounter",
        /// When sent.
        opt sent: DateTime = "sent",
        /// When received.
        opt received: DateTime = "received",
        /// Message recipient.
        vec recipient: Reference = "recipient",
        /// Message sender.
        opt sender: Reference = "sender",
        /// Indication for message.
        vec reason_code: CodeableConcept = "reasonCode",
        /// Why was communication done?
        vec reason_reference: Reference = "reasonReference",
        /// Message payload.
        vec payload: CommunicationPayload = "payload",
        /// Comments made about the communication.
        vec note: Annotation = "note",
    }
}

impl Communication {
    /// A Communication with its required status.
    pub fn new(status: EventStatus) -> Self {
        Self {
            status: Some(status),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `DocumentReference.content`.
    backbone DocumentReferenceContent ("DocumentReference.content") {
        /// Where to access the document.
        opt attachment: Attachment = "attachment",
        /// Format/content rules for the document.
        opt format: Coding = "format",
    }
}

fhir_object! {
    /// `DocumentReference.relatesTo`.
    backbone DocumentReferenceRelatesTo ("DocumentReference.relatesTo") {
        /// replaces | transforms | signs | appends
        opt code: Code = "code",
        /// Target of the relationship.
        opt target: Reference = "target",
    }
}

fhir_object! {
    /// `DocumentReference.context`.
    backbone DocumentReferenceContext ("DocumentReference.context") {
        /// Context of the document content.
        vec encounter: Reference = "encounter",
        /// Main clinical acts documented.
        vec event: CodeableConcept = "event",
        /// Time of service that is being documented.
        opt period: Period = "period",
        /// Kind of facility where patient was seen.
        opt facility_type: CodeableConcept = "facilityType",
        /// Additional details about where the content was created.
        opt practice_setting: CodeableConcept = "practiceSetting",
        /// Patient demographics from source.
        opt source_patient_info: Reference = "sourcePatientInfo",
        /// Related identifiers or resources.
        vec related: Reference = "related",
    }
}

fhir_object! {
    /// `DocumentReference`: a referral letter or attachment (Ocean: `content.attachment.url`
    /// ending in `/$letter` or `/$binary`).
    resource DocumentReference ("DocumentReference") {
        /// Master Version Specific Identifier.
        opt master_identifier: Identifier = "masterIdentifier",
        /// Other identifiers for the document.
        vec identifier: Identifier = "identifier",
        /// current | superseded | entered-in-error
        opt status: DocumentReferenceStatus = "status",
        /// preliminary | final | amended | entered-in-error
        opt doc_status: Code = "docStatus",
        /// Kind of document (LOINC if possible).
        opt type_: CodeableConcept = "type",
        /// Categorization of document.
        vec category: CodeableConcept = "category",
        /// Who/what is the subject of the document.
        opt subject: Reference = "subject",
        /// When this document reference was created.
        opt date: Instant = "date",
        /// Who and/or what authored the document.
        vec author: Reference = "author",
        /// Who/what authenticated the document.
        opt authenticator: Reference = "authenticator",
        /// Organization which maintains the document.
        opt custodian: Reference = "custodian",
        /// Relationships to other documents.
        vec relates_to: DocumentReferenceRelatesTo = "relatesTo",
        /// Human-readable description.
        opt description: String = "description",
        /// Document security-tags.
        vec security_label: CodeableConcept = "securityLabel",
        /// Document referenced.
        vec content: DocumentReferenceContent = "content",
        /// Clinical context of document.
        opt context: DocumentReferenceContext = "context",
    }
}

impl DocumentReference {
    /// A DocumentReference with its required status and one attachment.
    pub fn new(status: DocumentReferenceStatus, attachment: Attachment) -> Self {
        Self {
            status: Some(status),
            content: vec![DocumentReferenceContent {
                attachment: Some(attachment),
                ..DocumentReferenceContent::default()
            }],
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `Binary`: raw content.
    base_resource Binary ("Binary") {
        /// MimeType of the binary content.
        opt content_type: Code = "contentType",
        /// Identifies another resource to use as proxy when enforcing access control.
        opt security_context: Reference = "securityContext",
        /// The actual content, base64 encoded.
        opt data: Base64Binary = "data",
    }
}

impl Binary {
    /// A Binary with its required content type.
    pub fn new(content_type: impl Into<Code>) -> Self {
        Self {
            content_type: Some(content_type.into()),
            ..Self::default()
        }
    }
}

fhir_choice! {
    /// `QuestionnaireResponse.item.answer.value[x]`.
    AnswerValue {
        /// valueBoolean
        Boolean(bool) = "Boolean",
        /// valueDecimal
        Decimal(Decimal) = "Decimal",
        /// valueInteger
        Integer(i64) = "Integer",
        /// valueDate
        Date(Date) = "Date",
        /// valueDateTime
        DateTime(DateTime) = "DateTime",
        /// valueTime
        Time(Time) = "Time",
        /// valueString
        String(String) = "String",
        /// valueUri
        Uri(Uri) = "Uri",
        /// valueAttachment
        Attachment(Attachment) = "Attachment",
        /// valueCoding
        Coding(Coding) = "Coding",
        /// valueQuantity
        Quantity(Quantity) = "Quantity",
        /// valueReference
        Reference(Reference) = "Reference",
    }
}

fhir_object! {
    /// `QuestionnaireResponse.item.answer`.
    backbone QuestionnaireResponseAnswer ("QuestionnaireResponse.item.answer") {
        /// Nested groups and questions.
        vec item: QuestionnaireResponseItem = "item",
    }
    choices {
        /// Single-valued answer to the question.
        value: AnswerValue = "value",
    }
}

fhir_object! {
    /// `QuestionnaireResponse.item`: a question/group and its answers (Ocean marks hidden
    /// eForm items with the `ext-ocean-eform-item-visibility` extension).
    backbone QuestionnaireResponseItem ("QuestionnaireResponse.item") {
        /// Pointer to specific item from Questionnaire.
        opt link_id: String = "linkId",
        /// ElementDefinition - details for the item.
        opt definition: Uri = "definition",
        /// Name for group or question text.
        opt text: String = "text",
        /// The response(s) to the question.
        vec answer: QuestionnaireResponseAnswer = "answer",
        /// Nested questionnaire response items.
        vec item: QuestionnaireResponseItem = "item",
    }
}

fhir_object! {
    /// `QuestionnaireResponse`: the eForm answers of a referral.
    resource QuestionnaireResponse ("QuestionnaireResponse") {
        /// Unique id for this set of answers (Ocean: `id-form-reference`).
        opt identifier: Identifier = "identifier",
        /// Request fulfilled by this QuestionnaireResponse.
        vec based_on: Reference = "basedOn",
        /// Part of this action.
        vec part_of: Reference = "partOf",
        /// Form being answered.
        opt questionnaire: Uri = "questionnaire",
        /// in-progress | completed | amended | entered-in-error | stopped
        opt status: QuestionnaireResponseStatus = "status",
        /// The subject of the questions.
        opt subject: Reference = "subject",
        /// Encounter created as part of.
        opt encounter: Reference = "encounter",
        /// Date the answers were gathered.
        opt authored: DateTime = "authored",
        /// Person who received and recorded the answers.
        opt author: Reference = "author",
        /// The person who answered the questions.
        opt source: Reference = "source",
        /// Groups and questions.
        vec item: QuestionnaireResponseItem = "item",
    }
}

impl QuestionnaireResponse {
    /// A QuestionnaireResponse with its required status.
    pub fn new(status: QuestionnaireResponseStatus) -> Self {
        Self {
            status: Some(status),
            ..Self::default()
        }
    }
}

fhir_choice! {
    /// `Consent.source[x]`.
    ConsentSource {
        /// sourceAttachment
        Attachment(Attachment) = "Attachment",
        /// sourceReference
        Reference(Reference) = "Reference",
    }
}

fhir_object! {
    /// `Consent`. `policy`, `verification` and `provision` are kept in `unknown`.
    resource Consent ("Consent") {
        /// Identifier for this record (external references).
        vec identifier: Identifier = "identifier",
        /// draft | proposed | active | rejected | inactive | entered-in-error
        opt status: ConsentState = "status",
        /// Which of the four areas this resource covers.
        opt scope: CodeableConcept = "scope",
        /// Classification of the consent statement.
        vec category: CodeableConcept = "category",
        /// Who the consent applies to.
        opt patient: Reference = "patient",
        /// When this Consent was created or indexed.
        opt date_time: DateTime = "dateTime",
        /// Who is agreeing to the policy and rules.
        vec performer: Reference = "performer",
        /// Custodian of the consent.
        vec organization: Reference = "organization",
        /// Regulation that this consents to.
        opt policy_rule: CodeableConcept = "policyRule",
    }
    choices {
        /// Source from which this consent is taken.
        source: ConsentSource = "source",
    }
}

impl Consent {
    /// A Consent with its required status.
    pub fn new(status: ConsentState) -> Self {
        Self {
            status: Some(status),
            ..Self::default()
        }
    }
}
