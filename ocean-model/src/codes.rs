//! Code enums for the required bindings whose values drive behaviour.
//!
//! Each enum lists the FHIR R4 value set's codes and has an `Unrecognized` arm holding any other
//! string, so a payload with an unexpected code still parses (the profile check in
//! [`crate::validate`] reports it, rule `code-unrecognized`). `as_str()` gives the code back exactly.
//! They are the model of an *open* code enum (crate docs, "Conventions").
//!
//! ```
//! use ocean_model::TaskStatus;
//! assert_eq!(TaskStatus::from_code("accepted"), TaskStatus::Accepted);
//! let odd = TaskStatus::from_code("booked");
//! assert!(!odd.is_known());
//! assert_eq!(odd.as_str(), "booked");
//! ```

/// What every code enum offers, for code that handles any of them (e.g. the profile checks).
pub trait CodeEnum {
    /// The value set the codes come from.
    const VALUE_SET: &'static str;
    /// The code as written in FHIR JSON.
    fn code(&self) -> &str;
    /// The code as written in FHIR JSON: [`CodeEnum::code`] under the accessor name every code
    /// type has (see the crate docs, "Conventions").
    fn as_str(&self) -> &str {
        self.code()
    }
    /// Whether the code is in the value set.
    fn is_known(&self) -> bool;
}

code_enum! {
    /// `Patient.gender`, `Practitioner.gender` (administrative-gender).
    AdministrativeGender = "http://hl7.org/fhir/ValueSet/administrative-gender" {
        /// male
        Male = "male",
        /// female
        Female = "female",
        /// other
        Other = "other",
        /// unknown
        Unknown = "unknown",
    }
}

code_enum! {
    /// `Bundle.type` (bundle-type).
    BundleType = "http://hl7.org/fhir/ValueSet/bundle-type" {
        /// document
        Document = "document",
        /// message: what Ocean exchanges
        Message = "message",
        /// transaction: Synthea output
        Transaction = "transaction",
        /// transaction-response
        TransactionResponse = "transaction-response",
        /// batch
        Batch = "batch",
        /// batch-response
        BatchResponse = "batch-response",
        /// history
        History = "history",
        /// searchset: what `Patient/$everything` usually returns
        Searchset = "searchset",
        /// collection
        Collection = "collection",
    }
}

code_enum! {
    /// `Task.status` (task-status). Which of these Ocean accepts and which folder each maps to
    /// is the business of `ocean-status`.
    TaskStatus = "http://hl7.org/fhir/ValueSet/task-status" {
        /// draft
        Draft = "draft",
        /// requested
        Requested = "requested",
        /// received
        Received = "received",
        /// accepted
        Accepted = "accepted",
        /// rejected
        Rejected = "rejected",
        /// ready
        Ready = "ready",
        /// cancelled
        Cancelled = "cancelled",
        /// in-progress
        InProgress = "in-progress",
        /// on-hold
        OnHold = "on-hold",
        /// failed
        Failed = "failed",
        /// completed
        Completed = "completed",
        /// entered-in-error
        EnteredInError = "entered-in-error",
    }
}

code_enum! {
    /// `Task.intent` (task-intent).
    TaskIntent = "http://hl7.org/fhir/ValueSet/task-intent" {
        /// unknown
        Unknown = "unknown",
        /// proposal
        Proposal = "proposal",
        /// plan
        Plan = "plan",
        /// order: what the eReferral Process Request Task uses
        Order = "order",
        /// original-order
        OriginalOrder = "original-order",
        /// reflex-order
        ReflexOrder = "reflex-order",
        /// filler-order
        FillerOrder = "filler-order",
        /// instance-order
        InstanceOrder = "instance-order",
        /// option
        Option = "option",
    }
}

code_enum! {
    /// `ServiceRequest.status` (request-status).
    RequestStatus = "http://hl7.org/fhir/ValueSet/request-status" {
        /// draft
        Draft = "draft",
        /// active
        Active = "active",
        /// on-hold
        OnHold = "on-hold",
        /// revoked
        Revoked = "revoked",
        /// completed
        Completed = "completed",
        /// entered-in-error
        EnteredInError = "entered-in-error",
        /// unknown
        Unknown = "unknown",
    }
}

code_enum! {
    /// `ServiceRequest.intent` (request-intent).
    RequestIntent = "http://hl7.org/fhir/ValueSet/request-intent" {
        /// proposal: what Ocean sends for referrals
        Proposal = "proposal",
        /// plan
        Plan = "plan",
        /// directive
        Directive = "directive",
        /// order
        Order = "order",
        /// original-order
        OriginalOrder = "original-order",
        /// reflex-order
        ReflexOrder = "reflex-order",
        /// filler-order
        FillerOrder = "filler-order",
        /// instance-order
        InstanceOrder = "instance-order",
        /// option
        Option = "option",
    }
}

code_enum! {
    /// `ServiceRequest.priority`, `Task.priority`, `Communication.priority` (request-priority).
    RequestPriority = "http://hl7.org/fhir/ValueSet/request-priority" {
        /// routine
        Routine = "routine",
        /// urgent
        Urgent = "urgent",
        /// asap
        Asap = "asap",
        /// stat
        Stat = "stat",
    }
}

code_enum! {
    /// `Appointment.status` (appointmentstatus).
    AppointmentStatus = "http://hl7.org/fhir/ValueSet/appointmentstatus" {
        /// proposed: Ocean's "booking instructions only"
        Proposed = "proposed",
        /// pending
        Pending = "pending",
        /// booked
        Booked = "booked",
        /// arrived
        Arrived = "arrived",
        /// fulfilled
        Fulfilled = "fulfilled",
        /// cancelled
        Cancelled = "cancelled",
        /// noshow
        Noshow = "noshow",
        /// entered-in-error
        EnteredInError = "entered-in-error",
        /// checked-in
        CheckedIn = "checked-in",
        /// waitlist
        Waitlist = "waitlist",
    }
}

code_enum! {
    /// `Appointment.participant.status` (participationstatus).
    ParticipationStatus = "http://hl7.org/fhir/ValueSet/participationstatus" {
        /// accepted
        Accepted = "accepted",
        /// declined
        Declined = "declined",
        /// tentative
        Tentative = "tentative",
        /// needs-action
        NeedsAction = "needs-action",
    }
}

code_enum! {
    /// `Observation.status` (observation-status).
    ObservationStatus = "http://hl7.org/fhir/ValueSet/observation-status" {
        /// registered
        Registered = "registered",
        /// preliminary
        Preliminary = "preliminary",
        /// final
        Final = "final",
        /// amended
        Amended = "amended",
        /// corrected
        Corrected = "corrected",
        /// cancelled
        Cancelled = "cancelled",
        /// entered-in-error
        EnteredInError = "entered-in-error",
        /// unknown
        Unknown = "unknown",
    }
}

code_enum! {
    /// `Communication.status` (event-status).
    EventStatus = "http://hl7.org/fhir/ValueSet/event-status" {
        /// preparation
        Preparation = "preparation",
        /// in-progress
        InProgress = "in-progress",
        /// not-done
        NotDone = "not-done",
        /// on-hold
        OnHold = "on-hold",
        /// stopped
        Stopped = "stopped",
        /// completed
        Completed = "completed",
        /// entered-in-error
        EnteredInError = "entered-in-error",
        /// unknown
        Unknown = "unknown",
    }
}

code_enum! {
    /// `DocumentReference.status` (document-reference-status).
    DocumentReferenceStatus = "http://hl7.org/fhir/ValueSet/document-reference-status" {
        /// current
        Current = "current",
        /// superseded
        Superseded = "superseded",
        /// entered-in-error
        EnteredInError = "entered-in-error",
    }
}

code_enum! {
    /// `QuestionnaireResponse.status` (questionnaire-answers-status).
    QuestionnaireResponseStatus = "http://hl7.org/fhir/ValueSet/questionnaire-answers-status" {
        /// in-progress
        InProgress = "in-progress",
        /// completed
        Completed = "completed",
        /// amended
        Amended = "amended",
        /// entered-in-error
        EnteredInError = "entered-in-error",
        /// stopped
        Stopped = "stopped",
    }
}

code_enum! {
    /// `Consent.status` (consent-state-codes).
    ConsentState = "http://hl7.org/fhir/ValueSet/consent-state-codes" {
        /// draft
        Draft = "draft",
        /// proposed
        Proposed = "proposed",
        /// active
        Active = "active",
        /// rejected
        Rejected = "rejected",
        /// inactive
        Inactive = "inactive",
        /// entered-in-error
        EnteredInError = "entered-in-error",
    }
}

code_enum! {
    /// `MedicationStatement.status` (medication-statement-status).
    MedicationStatementStatus = "http://hl7.org/fhir/ValueSet/medication-statement-status" {
        /// active
        Active = "active",
        /// completed
        Completed = "completed",
        /// entered-in-error
        EnteredInError = "entered-in-error",
        /// intended
        Intended = "intended",
        /// stopped
        Stopped = "stopped",
        /// on-hold
        OnHold = "on-hold",
        /// unknown
        Unknown = "unknown",
        /// not-taken
        NotTaken = "not-taken",
    }
}

code_enum! {
    /// `Immunization.status` (immunization-status).
    ImmunizationStatus = "http://hl7.org/fhir/ValueSet/immunization-status" {
        /// completed
        Completed = "completed",
        /// entered-in-error
        EnteredInError = "entered-in-error",
        /// not-done
        NotDone = "not-done",
    }
}

code_enum! {
    /// `Identifier.use` (identifier-use).
    IdentifierUse = "http://hl7.org/fhir/ValueSet/identifier-use" {
        /// usual
        Usual = "usual",
        /// official
        Official = "official",
        /// temp
        Temp = "temp",
        /// secondary
        Secondary = "secondary",
        /// old
        Old = "old",
    }
}

code_enum! {
    /// `HumanName.use` (name-use).
    NameUse = "http://hl7.org/fhir/ValueSet/name-use" {
        /// usual
        Usual = "usual",
        /// official
        Official = "official",
        /// temp
        Temp = "temp",
        /// nickname
        Nickname = "nickname",
        /// anonymous
        Anonymous = "anonymous",
        /// old
        Old = "old",
        /// maiden
        Maiden = "maiden",
    }
}

code_enum! {
    /// `Address.use` (address-use).
    AddressUse = "http://hl7.org/fhir/ValueSet/address-use" {
        /// home
        Home = "home",
        /// work
        Work = "work",
        /// temp
        Temp = "temp",
        /// old
        Old = "old",
        /// billing
        Billing = "billing",
    }
}

code_enum! {
    /// `Address.type` (address-type).
    AddressType = "http://hl7.org/fhir/ValueSet/address-type" {
        /// postal
        Postal = "postal",
        /// physical
        Physical = "physical",
        /// both
        Both = "both",
    }
}

code_enum! {
    /// `ContactPoint.system` (contact-point-system).
    ContactPointSystem = "http://hl7.org/fhir/ValueSet/contact-point-system" {
        /// phone
        Phone = "phone",
        /// fax
        Fax = "fax",
        /// email
        Email = "email",
        /// pager
        Pager = "pager",
        /// url
        Url = "url",
        /// sms
        Sms = "sms",
        /// other
        Other = "other",
    }
}

code_enum! {
    /// `ContactPoint.use` (contact-point-use).
    ContactPointUse = "http://hl7.org/fhir/ValueSet/contact-point-use" {
        /// home
        Home = "home",
        /// work
        Work = "work",
        /// temp
        Temp = "temp",
        /// old
        Old = "old",
        /// mobile
        Mobile = "mobile",
    }
}

code_enum! {
    /// `Quantity.comparator` (quantity-comparator).
    QuantityComparator = "http://hl7.org/fhir/ValueSet/quantity-comparator" {
        /// `<`
        Less = "<",
        /// `<=`
        LessOrEqual = "<=",
        /// `>=`
        GreaterOrEqual = ">=",
        /// `>`
        Greater = ">",
    }
}

code_enum! {
    /// `Narrative.status` (narrative-status).
    NarrativeStatus = "http://hl7.org/fhir/ValueSet/narrative-status" {
        /// generated
        Generated = "generated",
        /// extensions
        Extensions = "extensions",
        /// additional
        Additional = "additional",
        /// empty
        Empty = "empty",
    }
}

code_enum! {
    /// `Bundle.entry.request.method` (http-verb).
    HttpVerb = "http://hl7.org/fhir/ValueSet/http-verb" {
        /// GET
        Get = "GET",
        /// HEAD
        Head = "HEAD",
        /// POST
        Post = "POST",
        /// PUT
        Put = "PUT",
        /// DELETE
        Delete = "DELETE",
        /// PATCH
        Patch = "PATCH",
    }
}

code_enum! {
    /// `Bundle.entry.search.mode` (search-entry-mode).
    SearchEntryMode = "http://hl7.org/fhir/ValueSet/search-entry-mode" {
        /// match
        Match = "match",
        /// include
        Include = "include",
        /// outcome
        Outcome = "outcome",
    }
}

code_enum! {
    /// `OperationOutcome.issue.severity` (issue-severity).
    IssueSeverity = "http://hl7.org/fhir/ValueSet/issue-severity" {
        /// fatal
        Fatal = "fatal",
        /// error
        Error = "error",
        /// warning
        Warning = "warning",
        /// information
        Information = "information",
    }
}
