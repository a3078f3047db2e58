//! Profile checks: the Ontario eReferral v11 (v0.11.1) IG rules this toolkit knows, and the
//! FHIR R4 base rules the model does not enforce while parsing (required elements, value sets,
//! date formats). Parsing never fails on these; they are reported here as [`Issue`]s.
//!
//! Each issue has a stable rule id, a [`Severity`], a FHIR path
//! (`Bundle.entry[3].resource.subject`) and a message that names elements, resource types and
//! value sets only: never names, identifiers, dates or free text from the payload (nor the
//! offending code, which might be free text put in the wrong place).
//!
//! # Rules
//! | rule | severity | checked on | requirement |
//! |---|---|---|---|
//! | `bundle-type` | error | Bundle | `type` is present and in the value set |
//! | `message-header-first` | error | message Bundle | `entry[0].resource` is a MessageHeader (R4 bdl-12) |
//! | `document-composition-first` | error | document Bundle | `entry[0].resource` is a Composition (R4 bdl-11) |
//! | `bundle-total` | error | Bundle | `total` only in a `searchset` or `history` Bundle (R4 bdl-1) |
//! | `fullurl-unique` | error | Bundle (not `history`) | no two entries have the same `fullUrl` and `meta.versionId` (R4 bdl-7) |
//! | `fullurl-id` | warning | Bundle entry | a `fullUrl` ending in `Type/id` names the entry resource's type and id |
//! | `json-empty` | error | everything, checked from the root | no empty array, empty object or `null` member (FHIR JSON never has them; R4 ele-1); `null` items of primitive arrays are allowed |
//! | `message-timestamp` | error | message Bundle | `timestamp` is present |
//! | `entry-resource` | warning | Bundle entry | every entry has a `resource` |
//! | `reference-unresolved` | warning | message Bundle | every `urn:uuid:` or `Type/id` reference names an entry |
//! | `reference-ambiguous` | error | message Bundle | no such reference matches two entries (same `Type/id`, or same `fullUrl` in any spelling; see [`BundleIndex`]) |
//! | `profile-claimed` | warning | resource in a message Bundle | `meta.profile` claims the eReferral profile of its type (IG-profiled types only) |
//! | `msh-id` | error | MessageHeader | `id` is present (IG: 1..1) |
//! | `msh-event` | error | MessageHeader | `eventCoding` has system `https://ehealthontario.ca/fhir/CodeSystem/message-event-code` and a code |
//! | `msh-source-endpoint` | error | MessageHeader | `source.endpoint` is present |
//! | `msh-focus` | error | MessageHeader | `focus` is present and, in a Bundle, resolves to an entry |
//! | `patient-name-family` | error | Patient | some `name` has a `family` (IG) |
//! | `patient-gender` | error | Patient | `gender` is present (IG) |
//! | `patient-identifier-type-text` | warning | Patient | each identifier has `type.text` (IG) |
//! | `sr-status`, `sr-intent`, `sr-subject` | error | ServiceRequest | required elements |
//! | `task-status`, `task-intent` | error | Task | required elements |
//! | `task-code` | error | Task | `code` has `process-request` (or another IG Task code: `request-for-information-for-requester`, `process-request-consult`) |
//! | `task-based-on` | error | Task | `basedOn` is present and, in a Bundle, resolves to a ServiceRequest entry (IG: SHALL) |
//! | `appointment-status` | error | Appointment | required |
//! | `appointment-participant` | warning | Appointment | at least one participant (R4 1..*; Ocean's booking instructions have none) |
//! | `communication-status` | error | Communication | required |
//! | `docref-status`, `docref-content` | error | DocumentReference | status; content with an attachment |
//! | `qr-status` | error | QuestionnaireResponse | required |
//! | `observation-status`, `observation-code` | error | Observation | required |
//! | `condition-subject` | error | Condition | required |
//! | `allergy-patient` | error | AllergyIntolerance | required |
//! | `medstatement-required` | error | MedicationStatement | status, `medication[x]`, subject |
//! | `immunization-required` | error | Immunization | status, vaccineCode, patient, `occurrence[x]` |
//! | `annotation-text` | error | any Annotation checked here (ServiceRequest/Task/Communication notes) | `text` is present (R4 1..1; Ocean sometimes omits it) |
//! | `code-unrecognized` | error | every code enum field checked here | the code is in its required value set |
//! | `id-format` | error | every resource | `id` matches `[A-Za-z0-9\-\.]{1,64}` |
//! | `fhir-json` | error | every resource, its `contained`, every entry | no modelled element has the wrong JSON type (such an element is kept as read, see [`crate::json`]); the path names the element |
//! | `datetime-format` | error | `birthDate`, `authoredOn`, `timestamp`, `effectiveDateTime`, `issued`, `start`/`end`, ... | strict FHIR date/time grammar |

use serde::Serialize;

mod bundle_rules;

use crate::codes::CodeEnum;
use crate::{
    Annotation, Bundle, BundleIndex, BundleType, Date, DateTime, Instant, MessageEvent,
    ParsedReference, Profile, Reference, Resource,
};

/// The event-code system of the eReferral message events (https, unlike the profile URLs).
pub const MESSAGE_EVENT_SYSTEM: &str =
    "https://ehealthontario.ca/fhir/CodeSystem/message-event-code";

/// How serious an issue is: the shared [`crate::Severity`], re-exported here so
/// `ocean_model::validate::Severity` keeps working.
pub use crate::severity::Severity;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Issue {
    /// How serious.
    pub severity: Severity,
    /// The rule id (see the module docs).
    pub rule: &'static str,
    /// Where: a FHIR path from the checked root (`Bundle.entry[3].resource.subject`).
    pub path: String,
    /// What is wrong, without patient data.
    pub message: String,
}

impl Issue {
    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Converts issues to an OperationOutcome (issue `code` `invariant`, `expression` the path,
/// `diagnostics` `rule: message`).
pub fn to_operation_outcome(issues: &[Issue]) -> crate::OperationOutcome {
    crate::OperationOutcome::new(
        issues
            .iter()
            .map(|i| {
                let sev = i.severity.issue_severity();
                let mut o = crate::OperationOutcomeIssue::new(sev, "invariant");
                o.diagnostics = Some(format!("{}: {}", i.rule, i.message));
                o.expression = vec![i.path.clone()];
                o
            })
            .collect(),
    )
}

struct Checker<'b> {
    issues: Vec<Issue>,
    /// The Bundle being checked, indexed once so every reference resolves in O(1).
    index: Option<&'b BundleIndex<'b>>,
}

impl Checker<'_> {
    fn push(
        &mut self,
        severity: Severity,
        rule: &'static str,
        path: String,
        message: impl Into<String>,
    ) {
        self.issues.push(Issue {
            severity,
            rule,
            path,
            message: message.into(),
        });
    }

    fn error(&mut self, rule: &'static str, path: String, message: impl Into<String>) {
        self.push(Severity::Error, rule, path, message);
    }

    fn warn(&mut self, rule: &'static str, path: String, message: impl Into<String>) {
        self.push(Severity::Warning, rule, path, message);
    }

    fn required<T>(&mut self, v: &Option<T>, rule: &'static str, base: &str, element: &str) {
        if v.is_none() {
            self.error(
                rule,
                format!("{base}.{element}"),
                format!("{element} is required"),
            );
        }
    }

    fn code<C: CodeEnum>(&mut self, v: &Option<C>, base: &str, element: &str) {
        if let Some(c) = v {
            if !c.is_known() {
                self.error(
                    "code-unrecognized",
                    format!("{base}.{element}"),
                    format!("code is not in the required value set {}", C::VALUE_SET),
                );
            }
        }
    }

    fn date(&mut self, v: &Option<Date>, base: &str, element: &str) {
        if v.as_ref().is_some_and(|d| d.parse().is_err()) {
            self.bad_date(base, element, "date");
        }
    }

    fn date_time(&mut self, v: &Option<DateTime>, base: &str, element: &str) {
        if v.as_ref().is_some_and(|d| d.parse().is_err()) {
            self.bad_date(base, element, "dateTime");
        }
    }

    fn instant(&mut self, v: &Option<Instant>, base: &str, element: &str) {
        if v.as_ref().is_some_and(|d| d.parse().is_err()) {
            self.bad_date(base, element, "instant");
        }
    }

    fn bad_date(&mut self, base: &str, element: &str, ty: &str) {
        self.error(
            "datetime-format",
            format!("{base}.{element}"),
            format!("not a valid FHIR {ty}"),
        );
    }

    fn notes(&mut self, notes: &[Annotation], base: &str) {
        for (i, n) in notes.iter().enumerate() {
            if n.text.as_deref().is_none_or(str::is_empty) {
                self.error(
                    "annotation-text",
                    format!("{base}.note[{i}].text"),
                    "Annotation.text is required",
                );
            }
        }
    }

    /// In a Bundle: the reference resolves to an entry (and, if `ty` is given, one of that type).
    fn resolves(&mut self, r: &Reference, path: String, rule: &'static str, ty: Option<&str>) {
        let (Some(index), Some(text)) = (self.index, r.reference.as_deref()) else {
            return;
        };
        match index
            .first_match(text)
            .and_then(|(_, e)| e.resource.as_ref())
        {
            None => self.error(
                rule,
                path,
                "reference does not resolve to an entry of the Bundle",
            ),
            Some(res) => {
                if let Some(ty) = ty {
                    if res.resource_type() != ty {
                        self.error(
                            rule,
                            path,
                            // An unknown resourceType is input text: never repeat it.
                            match res {
                                Resource::Other(_) => {
                                    format!(
                                        "reference resolves to another resource type, not a {ty}"
                                    )
                                }
                                known => format!(
                                    "reference resolves to a {}, not a {ty}",
                                    known.resource_type()
                                ),
                            },
                        );
                    }
                }
            }
        }
    }

    /// `fhir-json`: the wrong-typed elements kept while reading, here and in `contained`.
    fn wrong_types(&mut self, resource: &Resource, base: &str) {
        self.wrong_type_paths(resource.unknown(), base);
        for (i, c) in resource.contained().iter().enumerate() {
            self.wrong_types(c, &format!("{base}.contained[{i}]"));
        }
    }

    fn wrong_type_paths(&mut self, unknown: &crate::UnknownElements, base: &str) {
        for p in unknown.wrong_types() {
            self.error(
                "fhir-json",
                format!("{base}.{p}"),
                "element has the wrong JSON type for FHIR R4 (kept as read, not typed)",
            );
        }
    }

    fn resource(&mut self, resource: &Resource, base: &str, in_message: bool) {
        self.wrong_types(resource, base);
        if let Some(id) = resource_id(resource) {
            if !crate::Id::is_valid_str(id) {
                self.error(
                    "id-format",
                    format!("{base}.id"),
                    "id does not match [A-Za-z0-9-.]{1,64}",
                );
            }
        }
        if in_message {
            if let Some(expected) = Profile::ocean_v0_11_1(resource.resource_type()) {
                let claims = resource.meta().is_some_and(|m| {
                    m.profile.iter().any(|p| {
                        Profile::parse(p.as_str())
                            .is_some_and(|p| p.resource_type() == expected.resource_type())
                    })
                });
                if !claims && resource.resource_type() != "Bundle" {
                    self.warn(
                        "profile-claimed",
                        format!("{base}.meta.profile"),
                        format!(
                            "does not claim the eReferral {} profile",
                            resource.resource_type()
                        ),
                    );
                }
            }
        }
        match resource {
            Resource::Bundle(b) => self.bundle_rules(b, base),
            Resource::MessageHeader(m) => {
                self.required(&m.id, "msh-id", base, "id");
                match &m.event {
                    Some(MessageEvent::Coding(c)) => {
                        if c.system.as_ref().is_none_or(|s| s != MESSAGE_EVENT_SYSTEM)
                            || c.code.is_none()
                        {
                            self.error(
                                "msh-event",
                                format!("{base}.eventCoding"),
                                format!(
                                    "eventCoding needs system {MESSAGE_EVENT_SYSTEM} and a code"
                                ),
                            );
                        }
                    }
                    _ => self.error(
                        "msh-event",
                        format!("{base}.eventCoding"),
                        "eventCoding is required",
                    ),
                }
                if m.source
                    .as_ref()
                    .and_then(|s| s.endpoint.as_ref())
                    .is_none()
                {
                    self.error(
                        "msh-source-endpoint",
                        format!("{base}.source.endpoint"),
                        "source.endpoint is required",
                    );
                }
                if m.focus.is_empty() {
                    self.error("msh-focus", format!("{base}.focus"), "focus is required");
                }
                for (i, f) in m.focus.iter().enumerate() {
                    self.resolves(f, format!("{base}.focus[{i}]"), "msh-focus", None);
                }
            }
            Resource::Patient(p) => {
                if !p
                    .name
                    .iter()
                    .any(|n| n.family.as_deref().is_some_and(|f| !f.is_empty()))
                {
                    self.error(
                        "patient-name-family",
                        format!("{base}.name"),
                        "a name with family is required",
                    );
                }
                self.required(&p.gender, "patient-gender", base, "gender");
                self.code(&p.gender, base, "gender");
                self.date(&p.birth_date, base, "birthDate");
                for (i, id) in p.identifier.iter().enumerate() {
                    if id.type_.as_ref().and_then(|t| t.text.as_ref()).is_none() {
                        self.warn(
                            "patient-identifier-type-text",
                            format!("{base}.identifier[{i}].type.text"),
                            "identifier.type.text is required by the eReferral Patient profile",
                        );
                    }
                }
            }
            Resource::ServiceRequest(sr) => {
                self.required(&sr.status, "sr-status", base, "status");
                self.required(&sr.intent, "sr-intent", base, "intent");
                self.required(&sr.subject, "sr-subject", base, "subject");
                self.code(&sr.status, base, "status");
                self.code(&sr.intent, base, "intent");
                self.code(&sr.priority, base, "priority");
                self.date_time(&sr.authored_on, base, "authoredOn");
                self.notes(&sr.note, base);
            }
            Resource::Task(t) => {
                self.required(&t.status, "task-status", base, "status");
                self.required(&t.intent, "task-intent", base, "intent");
                self.code(&t.status, base, "status");
                self.code(&t.intent, base, "intent");
                self.code(&t.priority, base, "priority");
                let code_ok = t.code.as_ref().is_some_and(|c| {
                    [
                        "process-request",
                        "request-for-information-for-requester",
                        "process-request-consult",
                    ]
                    .iter()
                    .any(|k| c.has_code(None, k))
                });
                if !code_ok {
                    self.error(
                        "task-code",
                        format!("{base}.code"),
                        "code must be process-request (or another eReferral Task code)",
                    );
                }
                if t.based_on.is_empty() {
                    self.error(
                        "task-based-on",
                        format!("{base}.basedOn"),
                        "basedOn (the ServiceRequest) is required",
                    );
                }
                for (i, r) in t.based_on.iter().enumerate() {
                    self.resolves(
                        r,
                        format!("{base}.basedOn[{i}]"),
                        "task-based-on",
                        Some("ServiceRequest"),
                    );
                }
                self.date_time(&t.authored_on, base, "authoredOn");
                self.date_time(&t.last_modified, base, "lastModified");
                self.notes(&t.note, base);
            }
            Resource::Appointment(a) => {
                self.required(&a.status, "appointment-status", base, "status");
                self.code(&a.status, base, "status");
                if a.participant.is_empty() {
                    self.warn(
                        "appointment-participant",
                        format!("{base}.participant"),
                        "FHIR R4 requires at least one participant",
                    );
                }
                self.instant(&a.start, base, "start");
                self.instant(&a.end, base, "end");
            }
            Resource::Communication(c) => {
                self.required(&c.status, "communication-status", base, "status");
                self.code(&c.status, base, "status");
                self.date_time(&c.sent, base, "sent");
                self.notes(&c.note, base);
            }
            Resource::DocumentReference(d) => {
                self.required(&d.status, "docref-status", base, "status");
                self.code(&d.status, base, "status");
                if d.content.is_empty() || d.content.iter().any(|c| c.attachment.is_none()) {
                    self.error(
                        "docref-content",
                        format!("{base}.content"),
                        "content with an attachment is required",
                    );
                }
                self.instant(&d.date, base, "date");
            }
            Resource::QuestionnaireResponse(q) => {
                self.required(&q.status, "qr-status", base, "status");
                self.code(&q.status, base, "status");
                self.date_time(&q.authored, base, "authored");
            }
            Resource::Observation(o) => {
                self.required(&o.status, "observation-status", base, "status");
                self.required(&o.code, "observation-code", base, "code");
                self.code(&o.status, base, "status");
                if let Some(crate::ObservationEffective::DateTime(d)) = &o.effective {
                    self.date_time(&Some(d.clone()), base, "effectiveDateTime");
                }
                self.instant(&o.issued, base, "issued");
            }
            Resource::Condition(c) => {
                self.required(&c.subject, "condition-subject", base, "subject");
                self.date_time(&c.recorded_date, base, "recordedDate");
            }
            Resource::AllergyIntolerance(a) => {
                self.required(&a.patient, "allergy-patient", base, "patient");
                self.date_time(&a.recorded_date, base, "recordedDate");
            }
            Resource::MedicationStatement(m) => {
                if m.status.is_none() || m.medication.is_none() || m.subject.is_none() {
                    self.error(
                        "medstatement-required",
                        base.to_owned(),
                        "status, medication[x] and subject are required",
                    );
                }
                self.code(&m.status, base, "status");
            }
            Resource::Immunization(m) => {
                if m.status.is_none()
                    || m.vaccine_code.is_none()
                    || m.patient.is_none()
                    || m.occurrence.is_none()
                {
                    self.error(
                        "immunization-required",
                        base.to_owned(),
                        "status, vaccineCode, patient and occurrence[x] are required",
                    );
                }
                self.code(&m.status, base, "status");
            }
            _ => {}
        }
    }

    fn bundle_rules(&mut self, b: &Bundle, base: &str) {
        self.required(&b.type_, "bundle-type", base, "type");
        self.code(&b.type_, base, "type");
        self.instant(&b.timestamp, base, "timestamp");
        let is_message = b.type_ == Some(BundleType::Message);
        if is_message {
            let first_is_header = matches!(
                b.entry.first().and_then(|e| e.resource.as_ref()),
                Some(Resource::MessageHeader(_))
            );
            if !first_is_header {
                self.error(
                    "message-header-first",
                    format!("{base}.entry[0].resource"),
                    "a message Bundle starts with a MessageHeader",
                );
            }
            if b.timestamp.is_none() {
                self.error(
                    "message-timestamp",
                    format!("{base}.timestamp"),
                    "a message Bundle needs a timestamp",
                );
            }
        }
        self.bdl_rules(b, base);
        let index = BundleIndex::new(b);
        let mut inner = Checker {
            issues: Vec::new(),
            index: Some(&index),
        };
        for (i, e) in b.entry.iter().enumerate() {
            let path = format!("{base}.entry[{i}].resource");
            if let Some(o) = e.response.as_ref().and_then(|r| r.outcome.as_deref()) {
                inner.wrong_types(o, &format!("{base}.entry[{i}].response.outcome"));
            }
            match &e.resource {
                Some(r) => {
                    inner.resource(r, &path, is_message);
                    if is_message {
                        inner.references(r, &path);
                    }
                }
                None => inner.warn(
                    "entry-resource",
                    format!("{base}.entry[{i}]"),
                    "entry has no resource",
                ),
            }
        }
        self.issues.append(&mut inner.issues);
    }

    /// `reference-unresolved`: every local-looking reference of a resource in a message Bundle.
    fn references(&mut self, r: &Resource, base: &str) {
        let Some(index) = self.index else { return };
        let value = match serde_json::to_value(r) {
            Ok(v) => v,
            Err(_) => return,
        };
        let mut found = Vec::new();
        collect_references(&value, base.to_owned(), &mut found);
        for (path, text) in found {
            let local = match ParsedReference::parse(&text) {
                ParsedReference::Uuid { .. } | ParsedReference::Relative { .. } => true,
                ParsedReference::Other(s) => crate::reference::looks_like_uuid(s),
                _ => false,
            };
            if local && index.resolve_str(&text).is_ambiguous() {
                self.error(
                    "reference-ambiguous",
                    path,
                    "two entries of the Bundle match this reference",
                );
            } else if local && index.first_match(&text).is_none() {
                self.warn(
                    "reference-unresolved",
                    path,
                    "reference does not resolve to an entry of the Bundle",
                );
            }
        }
    }
}

fn resource_id(r: &Resource) -> Option<&str> {
    match r {
        Resource::Other(_) => None,
        other => other.id(),
    }
}

/// Finds `reference` strings inside Reference-shaped objects, with their paths.
fn collect_references(v: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                if k == "reference" {
                    if let serde_json::Value::String(s) = child {
                        out.push((format!("{path}.reference"), s.clone()));
                    }
                } else if k != "contained" && !k.starts_with('_') {
                    collect_references(child, format!("{path}.{k}"), out);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_references(child, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Checks a resource (of any type) standing alone; paths start at its type
/// (`Patient.gender`).
pub fn validate(resource: &Resource) -> Vec<Issue> {
    let mut c = Checker {
        issues: Vec::new(),
        index: None,
    };
    let base = resource.resource_type().to_owned();
    c.resource(resource, &base, false);
    if let Ok(value) = serde_json::to_value(resource) {
        c.json_empty(&value, &mut base.clone(), false);
    }
    c.issues
}

/// Checks a Bundle and every entry; paths start at `Bundle`.
///
/// ```
/// use ocean_model::{json, validate, Bundle};
/// let b: Bundle = json::from_str(r#"{"resourceType":"Bundle","type":"message",
///     "entry":[{"resource":{"resourceType":"Patient","gender":"female"}}]}"#).unwrap();
/// let rules: Vec<_> = validate::validate_bundle(&b).into_iter().map(|i| (i.rule, i.path)).collect();
/// assert!(rules.contains(&("message-header-first", "Bundle.entry[0].resource".to_owned())));
/// assert!(rules.contains(&("patient-name-family", "Bundle.entry[0].resource.name".to_owned())));
/// ```
pub fn validate_bundle(bundle: &Bundle) -> Vec<Issue> {
    let mut c = Checker {
        issues: Vec::new(),
        index: None,
    };
    c.resource_bundle(bundle);
    if let Ok(value) = serde_json::to_value(bundle) {
        c.json_empty(&value, &mut "Bundle".to_owned(), false);
    }
    c.issues
}

impl Checker<'_> {
    fn resource_bundle(&mut self, b: &Bundle) {
        if let Some(id) = b.id.as_ref() {
            if !id.is_valid() {
                self.error(
                    "id-format",
                    "Bundle.id".to_owned(),
                    "id does not match [A-Za-z0-9-.]{1,64}",
                );
            }
        }
        self.wrong_type_paths(&b.unknown, "Bundle");
        self.bundle_rules(b, "Bundle");
    }
}
