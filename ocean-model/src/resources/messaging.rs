//! Message envelope resources: MessageHeader and OperationOutcome. (Bundle is in
//! [`crate::bundle`].)

use crate::{Code, CodeableConcept, Coding, ContactPoint, Id, IssueSeverity, Reference, Uri};

fhir_choice! {
    /// `MessageHeader.event[x]`.
    MessageEvent {
        /// eventCoding: what Ocean sends (system
        /// `https://ehealthontario.ca/fhir/CodeSystem/message-event-code`).
        Coding(Coding) = "Coding",
        /// eventUri
        Uri(Uri) = "Uri",
    }
}

fhir_object! {
    /// `MessageHeader.destination`.
    backbone MessageHeaderDestination ("MessageHeader.destination") {
        /// Name of system.
        opt name: String = "name",
        /// Particular delivery destination within the destination.
        opt target: Reference = "target",
        /// Actual destination address or id.
        opt endpoint: Uri = "endpoint",
        /// Intended "real-world" recipient for the data.
        opt receiver: Reference = "receiver",
    }
}

fhir_object! {
    /// `MessageHeader.source`.
    backbone MessageHeaderSource ("MessageHeader.source") {
        /// Name of system.
        opt name: String = "name",
        /// Name of software running the system.
        opt software: String = "software",
        /// Version of software running.
        opt version: String = "version",
        /// Human contact for problems.
        opt contact: ContactPoint = "contact",
        /// Actual message source address or id.
        opt endpoint: Uri = "endpoint",
    }
}

fhir_object! {
    /// `MessageHeader.response`.
    backbone MessageHeaderResponse ("MessageHeader.response") {
        /// Id of original message.
        opt identifier: Id = "identifier",
        /// ok | transient-error | fatal-error
        opt code: Code = "code",
        /// Specific list of hints/warnings/errors.
        opt details: Reference = "details",
    }
}

fhir_object! {
    /// `MessageHeader`: the first entry of every message Bundle (eReferral profile
    /// `ca-on-eReferral-profile-MessageHeader`).
    resource MessageHeader ("MessageHeader") {
        /// Message destination application(s).
        vec destination: MessageHeaderDestination = "destination",
        /// Real world sender of the message.
        opt sender: Reference = "sender",
        /// The source of the data entry.
        opt enterer: Reference = "enterer",
        /// The source of the decision.
        opt author: Reference = "author",
        /// Message source application.
        opt source: MessageHeaderSource = "source",
        /// Final responsibility for event.
        opt responsible: Reference = "responsible",
        /// Cause of event (Ocean: `text` "Initial" on the first add-service-request).
        opt reason: CodeableConcept = "reason",
        /// If this is a reply to prior message.
        opt response: MessageHeaderResponse = "response",
        /// The actual content of the message.
        vec focus: Reference = "focus",
        /// Link to the definition for this message.
        opt definition: Uri = "definition",
    }
    choices {
        /// Code for the event this message represents.
        event: MessageEvent = "event",
    }
}

impl MessageHeader {
    /// A MessageHeader with its event coding and source endpoint.
    pub fn new(event: Coding, source_endpoint: impl Into<Uri>) -> Self {
        Self {
            event: Some(MessageEvent::Coding(event)),
            source: Some(MessageHeaderSource {
                endpoint: Some(source_endpoint.into()),
                ..MessageHeaderSource::default()
            }),
            ..Self::default()
        }
    }

    /// The event code (`eventCoding.code`, or `eventUri`).
    pub fn event_code(&self) -> Option<&str> {
        match self.event.as_ref()? {
            MessageEvent::Coding(c) => c.code.as_ref().map(Code::as_str),
            MessageEvent::Uri(u) => Some(u.as_str()),
        }
    }
}

fhir_object! {
    /// `OperationOutcome.issue`.
    backbone OperationOutcomeIssue ("OperationOutcome.issue") {
        /// fatal | error | warning | information
        opt severity: IssueSeverity = "severity",
        /// Error or warning code (issue-type).
        opt code: Code = "code",
        /// Additional details about the error.
        opt details: CodeableConcept = "details",
        /// Additional diagnostic information about the issue.
        opt diagnostics: String = "diagnostics",
        /// Deprecated: Path of element(s) related to issue.
        pvec location: String = "location",
        /// FHIRPath of element(s) related to issue.
        pvec expression: String = "expression",
    }
}

impl OperationOutcomeIssue {
    /// An issue with its required severity and code.
    pub fn new(severity: IssueSeverity, code: impl Into<Code>) -> Self {
        Self {
            severity: Some(severity),
            code: Some(code.into()),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `OperationOutcome`: errors and warnings of an operation.
    resource OperationOutcome ("OperationOutcome") {
        /// A single issue associated with the action.
        vec issue: OperationOutcomeIssue = "issue",
    }
}

impl OperationOutcome {
    /// An OperationOutcome with its issues.
    pub fn new(issue: Vec<OperationOutcomeIssue>) -> Self {
        Self {
            issue,
            ..Self::default()
        }
    }
}
