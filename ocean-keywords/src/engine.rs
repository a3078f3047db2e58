//! The rule engine: receives resources one at a time (from the streaming reader) and keeps only
//! what can still win: the latest candidate per row, list items, the first Patient, Medications
//! (for references), and aggregated findings.

use crate::output::{
    AddressInfo, AttachmentInfo, Demographics, Extraction, Finding, FindingCode, HealthNumberInfo,
    Phones, ResourceLocation, Severity,
};
use crate::rules::{ACCEPTED_ATTACHMENT_TYPES, CppSection, NearMiss, Rules};
use crate::stream::{Ctx, ObsRecord, Parsed, Qty};
use crate::text::{collapse_ws, concept_text, narrative_plain_text};
use fnv::FnvHashMap;
use indexmap::IndexMap;
use ocean_model::identifiers::HealthNumber;
use ocean_model::{
    AllergyIntolerance, CodeableConcept, Condition, DocumentReference, Immunization,
    MedicationChoice, MedicationStatement, ParsedReference, Patient, Resource,
};
use std::collections::{BTreeSet, HashSet};
use time::OffsetDateTime;

/// What a tracked code feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A `@ptLatestVal` row (index into [`Rules::latest_rules`]).
    Latest(usize),
    /// A near-miss code.
    NearMiss(&'static NearMiss),
}

/// Code → target, built once per extraction from the rules.
#[derive(Debug, Default)]
pub(crate) struct CodeIndex {
    /// FNV-1a (`fnv`): codes are a few ASCII bytes, and SipHash's DoS resistance buys nothing
    /// for a table built from our own rules.
    map: FnvHashMap<String, Target>,
}

impl CodeIndex {
    fn new(rules: &Rules) -> Self {
        let mut map = FnvHashMap::default();
        for (i, r) in rules.latest_rules().iter().enumerate() {
            for c in r.codes() {
                map.insert(c.clone(), Target::Latest(i));
            }
        }
        for n in rules.near_misses() {
            map.entry(n.code.to_owned()).or_insert(Target::NearMiss(n));
        }
        Self { map }
    }

    pub(crate) fn get(&self, code: &str) -> Option<Target> {
        self.map.get(code).copied()
    }
}

/// Where a resource is, borrowed while it is being processed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocRef<'a> {
    page: usize,
    entry: Option<usize>,
    full_url: Option<&'a str>,
    resource_type: &'a str,
}

impl LocRef<'_> {
    fn owned(self) -> ResourceLocation {
        ResourceLocation {
            page: self.page,
            entry: self.entry,
            full_url: self.full_url.map(str::to_owned),
            resource_type: self.resource_type.to_owned(),
        }
    }
    fn key(self) -> Option<(usize, usize)> {
        self.entry.map(|e| (self.page, e))
    }
}

struct Candidate {
    instant: OffsetDateTime,
    value: String,
    date: String,
    key: Option<(usize, usize)>,
}

#[derive(Default)]
struct ListState {
    seen: HashSet<String>,
    items: Vec<String>,
}

/// A MedicationStatement item whose text may need a Medication from elsewhere in the Bundle.
struct PendingRx {
    /// Text already known (from `medicationCodeableConcept` or a contained Medication).
    base: Option<String>,
    /// A reference to resolve at the end, with its display as the fallback.
    reference: Option<String>,
    display: Option<String>,
    dosage: Option<String>,
    loc: ResourceLocation,
    /// The CodeableConcept had no text (reported if nothing else gives one).
    key: Option<(usize, usize)>,
}

struct MedEntry {
    key: Option<(usize, usize)>,
    full_url: Option<String>,
    id: Option<String>,
    text: Option<String>,
}

struct Acc {
    severity: Severity,
    message: String,
    first: Option<ResourceLocation>,
    count: usize,
    /// For near-misses: the row whose emptiness decides the severity.
    row: Option<usize>,
}

type FindingKey = (FindingCode, &'static str, usize);

/// The accumulating state of one extraction (over one or more pages).
pub(crate) struct Engine<'r> {
    rules: &'r Rules,
    index: CodeIndex,
    borrow: bool,
    page: usize,
    next_entry: usize,
    latest: Vec<Option<Candidate>>,
    lists: [ListState; 4],
    list_keys: [Vec<(usize, usize)>; 4],
    rx: Vec<PendingRx>,
    meds: Vec<MedEntry>,
    patient: Option<(Demographics, Option<(usize, usize)>)>,
    patients: usize,
    patient_first: Option<ResourceLocation>,
    attachments: Vec<AttachmentInfo>,
    attachment_total: u64,
    attachment_keys: BTreeSet<(usize, usize)>,
    med_requests: usize,
    med_request_first: Option<ResourceLocation>,
    med_statements: usize,
    findings: IndexMap<FindingKey, Acc>,
}

fn list_slot(section: CppSection) -> Option<usize> {
    match section {
        CppSection::Allergies => Some(0),
        CppSection::Problems => Some(1),
        CppSection::PastHistory => Some(2),
        CppSection::Immunizations => Some(3),
        CppSection::Medications => None,
    }
}

/// Whether any coding of a concept has one of the codes; returns the matching code.
fn status_code(cc: Option<&CodeableConcept>, codes: &[&'static str]) -> Option<&'static str> {
    let cc = cc?;
    cc.coding.iter().find_map(|c| {
        let code = c.code.as_ref()?.as_str().trim();
        codes.iter().copied().find(|&k| k == code)
    })
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.trim().is_empty())
}

impl<'r> Engine<'r> {
    pub(crate) fn new(rules: &'r Rules) -> Self {
        Self {
            rules,
            index: CodeIndex::new(rules),
            borrow: false,
            page: 0,
            next_entry: 0,
            latest: rules.latest_rules().iter().map(|_| None).collect(),
            lists: Default::default(),
            list_keys: Default::default(),
            rx: Vec::new(),
            meds: Vec::new(),
            patient: None,
            patients: 0,
            patient_first: None,
            attachments: Vec::new(),
            attachment_total: 0,
            attachment_keys: BTreeSet::new(),
            med_requests: 0,
            med_request_first: None,
            med_statements: 0,
            findings: IndexMap::new(),
        }
    }

    /// Starts the next page (entry indexes restart at 0). `borrow`: the page is read from a
    /// slice, so raw numbers may borrow from it.
    pub(crate) fn start_page(&mut self, page: usize, borrow: bool) {
        self.page = page;
        self.next_entry = 0;
        self.borrow = borrow;
    }

    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            index: &self.index,
            borrow: self.borrow,
        }
    }

    pub(crate) fn next_entry_index(&self) -> usize {
        self.next_entry
    }

    pub(crate) fn set_next_entry_index(&mut self, i: usize) {
        self.next_entry = i;
    }

    fn note(
        &mut self,
        key: FindingKey,
        severity: Severity,
        loc: Option<LocRef<'_>>,
        message: impl FnOnce() -> String,
    ) {
        if let Some(acc) = self.findings.get_mut(&key) {
            acc.count += 1;
            return;
        }
        self.findings.insert(
            key,
            Acc {
                severity,
                message: message(),
                first: loc.map(LocRef::owned),
                count: 1,
                row: None,
            },
        );
    }

    pub(crate) fn shape(&mut self, what: &'static str) {
        self.note(
            (FindingCode::BundleShape, what, self.page),
            Severity::Warning,
            None,
            || format!("{what}; it was skipped."),
        );
    }

    pub(crate) fn shape_at(&mut self, entry: usize, what: &'static str) {
        let loc = LocRef {
            page: self.page,
            entry: Some(entry),
            full_url: None,
            resource_type: "Bundle.entry",
        };
        self.note(
            (FindingCode::BundleShape, what, 0),
            Severity::Warning,
            Some(loc),
            || format!("{what}; it was skipped."),
        );
    }

    /// Takes one resource.
    pub(crate) fn accept(
        &mut self,
        parsed: Parsed<'_>,
        entry: Option<usize>,
        full_url: Option<&str>,
    ) {
        let loc = |resource_type| LocRef {
            page: self.page,
            entry,
            full_url,
            resource_type,
        };
        match parsed {
            Parsed::Observation(rec) => {
                if !rec.hits.is_empty() {
                    self.observation(&rec, loc("Observation"));
                }
            }
            Parsed::Typed(r) => self.typed(r, entry, full_url),
            Parsed::Invalid {
                resource_type,
                error,
            } => {
                let l = loc(resource_type);
                self.note(
                    (FindingCode::ResourceInvalid, resource_type, 0),
                    Severity::Error,
                    Some(l),
                    || {
                        let at = error
                            .path
                            .as_deref()
                            .map(|p| format!(" at {p}"))
                            .unwrap_or_default();
                        format!(
                            "{resource_type} is not valid FHIR R4 JSON ({}{at}); Ocean cannot read it, so it was skipped.",
                            error.kind
                        )
                    },
                );
            }
            Parsed::MedicationRequest => {
                self.med_requests += 1;
                if self.med_request_first.is_none() {
                    self.med_request_first = Some(loc("MedicationRequest").owned());
                }
            }
            Parsed::NestedBundle => {
                let l = loc("Bundle");
                self.note(
                    (FindingCode::NestedBundle, "", 0),
                    Severity::Info,
                    Some(l),
                    || "A Bundle inside the Bundle is not read (Ocean does not descend into nested Bundles).".to_owned(),
                );
            }
            Parsed::Skipped => {}
            Parsed::NotObject => match entry {
                Some(e) => self.shape_at(e, "Bundle.entry.resource is not an object"),
                None => self.shape("the resource is not an object"),
            },
            Parsed::NoType => match entry {
                Some(e) => self.shape_at(e, "Bundle.entry.resource has no resourceType"),
                None => self.shape("the resource has no resourceType"),
            },
        }
    }

    // -----------------------------------------------------------------------------------------
    // Observations

    fn observation(&mut self, rec: &ObsRecord<'_>, loc: LocRef<'_>) {
        let mut matched_rows: Vec<usize> = Vec::new();
        for hit in rec.hits.iter() {
            let Target::Latest(i) = hit.target else {
                continue;
            };
            if matched_rows.contains(&i) {
                continue;
            }
            let good = rec
                .hits
                .iter()
                .any(|h| h.target == Target::Latest(i) && h.system.matches());
            if !good {
                let Some(rule) = self.rule(i) else {
                    continue;
                };
                let (code, kw) = (rule.seed_code().to_owned(), rule.value_keyword());
                self.note(
                    (FindingCode::NonLoincSystem, "", i),
                    Severity::Warning,
                    Some(loc),
                    || format!(
                        "An Observation carries a code that feeds {kw} (seed code {code}) under a system other than http://loinc.org; Ocean matches it only with system http://loinc.org or no system."
                    ),
                );
                continue;
            }
            matched_rows.push(i);
            self.consider(i, rec, loc);
        }
        for hit in rec.hits.iter() {
            let Target::NearMiss(n) = hit.target else {
                continue;
            };
            // Same system rule as for the seed codes (2028-9 is also a CDC race code).
            if !hit.system.matches() {
                continue;
            }
            let Some(row) = self
                .rules
                .latest_rules()
                .iter()
                .position(|r| r.suffix() == n.suffix)
            else {
                continue;
            };
            if matched_rows.contains(&row) {
                continue;
            }
            let Some(rule) = self.rule(row) else {
                continue;
            };
            let (kw, seed) = (rule.value_keyword(), rule.seed_code().to_owned());
            let key = (FindingCode::NearMissCode, n.code, 0);
            self.note(key, Severity::Warning, Some(loc), || {
                format!(
                    "Observation coded LOINC {} ({}): {}. Ocean fills {kw} only from {seed}; send {seed} as well, or add {} as an alias if your Ocean site reads it.",
                    n.code, n.name, n.why, n.code
                )
            });
            if let Some(acc) = self.findings.get_mut(&key) {
                acc.row = Some(row);
            }
        }
    }

    fn rule(&self, i: usize) -> Option<&'r crate::rules::LatestRule> {
        let rules: &'r Rules = self.rules;
        rules.latest_rules().get(i)
    }

    fn consider(&mut self, i: usize, rec: &ObsRecord<'_>, loc: LocRef<'_>) {
        let Some(rule) = self.rule(i) else {
            return;
        };
        let kw = rule.value_keyword();
        if let Some(status) = rec.status.as_deref().map(str::trim) {
            let ignored = ["registered", "cancelled", "entered-in-error"]
                .into_iter()
                .find(|&s| s == status);
            if let Some(s) = ignored {
                self.note(
                    (FindingCode::ObservationStatus, s, i),
                    Severity::Info,
                    Some(loc),
                    || format!("An Observation for {kw} is ignored: status {s}."),
                );
                return;
            }
        }
        let date = [
            ("effectiveDateTime", &rec.effective_date_time),
            ("effectivePeriod.start", &rec.effective_period_start),
            ("effectiveInstant", &rec.effective_instant),
            ("issued", &rec.issued),
        ]
        .into_iter()
        .find_map(|(field, v)| v.as_deref().map(|t| (field, t)));
        let Some((field, text)) = date else {
            self.note(
                (FindingCode::ObservationNoDate, "", i),
                Severity::Warning,
                Some(loc),
                || format!("An Observation for {kw} is ignored: it has no effectiveDateTime, effectivePeriod.start, effectiveInstant or issued."),
            );
            return;
        };
        let text = text.trim();
        let Some(instant) = ocean_model::DateTime::instant_of(text) else {
            self.note(
                (FindingCode::ObservationBadDate, field, i),
                Severity::Warning,
                Some(loc),
                || format!("An Observation for {kw} is ignored: its {field} is not a FHIR date or dateTime (later date elements are not tried)."),
            );
            return;
        };
        let value = match value_source(rule.is_blood_pressure(), rec) {
            Ok(v) => v,
            Err(why) => {
                let severity = if why == NO_VALUE_ABSENT {
                    Severity::Info
                } else {
                    Severity::Warning
                };
                self.note(
                    (FindingCode::ObservationNoValue, why, i),
                    severity,
                    Some(loc),
                    || format!("An Observation for {kw} is ignored: {why}."),
                );
                return;
            }
        };
        if let Some(slot) = self.latest.get_mut(i) {
            // Later instant wins; on an exact tie the first in Bundle order stays.
            if slot.as_ref().is_none_or(|c| instant > c.instant) {
                *slot = Some(Candidate {
                    instant,
                    value: value.text(),
                    date: ocean_model::DateTime::date_part_of(text).to_owned(),
                    key: loc.key(),
                });
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Typed resources

    fn typed(&mut self, r: Resource, entry: Option<usize>, full_url: Option<&str>) {
        let page = self.page;
        let loc = |resource_type| LocRef {
            page,
            entry,
            full_url,
            resource_type,
        };
        match r {
            Resource::Patient(p) => self.patient(&p, loc("Patient")),
            Resource::AllergyIntolerance(a) => self.allergy(&a, loc("AllergyIntolerance")),
            Resource::Condition(c) => self.condition(&c, loc("Condition")),
            Resource::Immunization(im) => self.immunization(&im, loc("Immunization")),
            Resource::MedicationStatement(m) => self.med_statement(&m, loc("MedicationStatement")),
            Resource::Medication(m) if entry.is_some() => {
                self.meds.push(MedEntry {
                    key: loc("Medication").key(),
                    full_url: full_url.map(str::to_owned),
                    id: m.id.as_ref().map(|i| i.as_str().to_owned()),
                    text: m.code.as_ref().and_then(concept_text).map(str::to_owned),
                });
            }
            Resource::DocumentReference(d) => self.document(&d, loc("DocumentReference")),
            _ => {}
        }
    }

    fn excluded(&mut self, section: CppSection, why: &'static str, loc: LocRef<'_>) {
        let ty = section.resource_type();
        let kw = section.keyword();
        self.note(
            (FindingCode::ItemExcluded, why, section.index()),
            Severity::Info,
            Some(loc),
            || format!("{ty} excluded from {kw}: {why}."),
        );
    }

    fn no_text(&mut self, section: CppSection, what: &'static str, loc: LocRef<'_>) {
        let ty = section.resource_type();
        let kw = section.keyword();
        self.note(
            (FindingCode::ItemNoText, what, section.index()),
            Severity::Warning,
            Some(loc),
            || format!("{ty} has no text for {kw} ({what}); it is not shown."),
        );
    }

    /// Adds an item to one of the four eagerly deduplicated lists.
    fn push_item(&mut self, section: CppSection, text: &str, loc: LocRef<'_>) {
        let item = collapse_ws(text);
        let Some(slot) = list_slot(section) else {
            return;
        };
        if item.is_empty() {
            self.no_text(section, "only whitespace", loc);
            return;
        }
        let (Some(list), Some(keys)) = (self.lists.get_mut(slot), self.list_keys.get_mut(slot))
        else {
            return;
        };
        if list.seen.contains(&item) {
            let kw = section.keyword();
            self.note(
                (FindingCode::ItemDuplicate, "", section.index()),
                Severity::Info,
                Some(loc),
                || format!("{kw}: an item repeats an earlier item's text and was dropped."),
            );
            return;
        }
        list.seen.insert(item.clone());
        list.items.push(item);
        if let Some(k) = loc.key() {
            keys.push(k);
        }
    }

    fn allergy(&mut self, a: &AllergyIntolerance, loc: LocRef<'_>) {
        let section = CppSection::Allergies;
        if let Some(s) = status_code(
            a.verification_status.as_ref(),
            &["entered-in-error", "refuted"],
        ) {
            return self.excluded(section, verification_reason(s), loc);
        }
        if let Some(s) = status_code(a.clinical_status.as_ref(), &["inactive", "resolved"]) {
            let why = if s == "inactive" {
                "clinicalStatus inactive"
            } else {
                "clinicalStatus resolved"
            };
            return self.excluded(section, why, loc);
        }
        let narrative = a
            .text
            .as_ref()
            .and_then(|t| t.div.as_deref())
            .map(narrative_plain_text)
            .filter(|t| !t.is_empty());
        if let Some(text) = narrative {
            return self.push_item(section, &text, loc);
        }
        let Some(base) = a.code.as_ref().and_then(concept_text) else {
            return self.no_text(
                section,
                "no narrative and no code text, display or code",
                loc,
            );
        };
        // Distinct as shown: compared after whitespace is collapsed.
        let mut manifestations: Vec<String> = Vec::new();
        for m in a.reaction.iter().flat_map(|r| r.manifestation.iter()) {
            if let Some(t) = concept_text(m).map(collapse_ws) {
                if !manifestations.contains(&t) {
                    manifestations.push(t);
                }
            }
        }
        let text = if manifestations.is_empty() {
            base.to_owned()
        } else {
            format!("{base} ({})", manifestations.join(", "))
        };
        self.push_item(section, &text, loc);
    }

    fn condition(&mut self, c: &Condition, loc: LocRef<'_>) {
        let past = status_code(
            c.clinical_status.as_ref(),
            &["resolved", "remission", "inactive"],
        )
        .is_some();
        let section = if past {
            CppSection::PastHistory
        } else {
            CppSection::Problems
        };
        if let Some(s) = status_code(
            c.verification_status.as_ref(),
            &["entered-in-error", "refuted"],
        ) {
            return self.excluded(section, verification_reason(s), loc);
        }
        match c.code.as_ref().and_then(concept_text) {
            Some(text) => self.push_item(section, text, loc),
            None => self.no_text(section, "no code text, display or code", loc),
        }
    }

    fn immunization(&mut self, im: &Immunization, loc: LocRef<'_>) {
        let section = CppSection::Immunizations;
        match im.status.as_ref().map(|s| s.as_str().trim()) {
            Some("entered-in-error") => {
                return self.excluded(section, "status entered-in-error", loc);
            }
            Some("not-done") => return self.excluded(section, "status not-done", loc),
            _ => {}
        }
        let Some(base) = im.vaccine_code.as_ref().and_then(concept_text) else {
            return self.no_text(section, "no vaccineCode text, display or code", loc);
        };
        let date = match &im.occurrence {
            Some(ocean_model::ImmunizationOccurrence::DateTime(d)) => non_empty(Some(d.as_str()))
                .map(|s| ocean_model::DateTime::new(s.trim()).date_part().to_owned()),
            _ => None,
        };
        let text = match date {
            Some(d) => format!("{base} ({d})"),
            None => base.to_owned(),
        };
        self.push_item(section, &text, loc);
    }

    fn med_statement(&mut self, m: &MedicationStatement, loc: LocRef<'_>) {
        let section = CppSection::Medications;
        self.med_statements += 1;
        match m.status.as_ref().map(|s| s.as_str().trim()) {
            Some("entered-in-error") => return self.excluded(section, "status entered-in-error", loc),
            Some("completed") => return self.excluded(section, "status completed (not current)", loc),
            Some("stopped") => return self.excluded(section, "status stopped (not current)", loc),
            Some("not-taken") => return self.excluded(section, "status not-taken (not current)", loc),
            Some("active" | "intended" | "on-hold" | "unknown") => {}
            Some(_) => return self.excluded(section, "status not in active, intended, on-hold, unknown", loc),
            None => self.note(
                (FindingCode::MedicationNoStatus, "", 0),
                Severity::Warning,
                Some(loc),
                || "MedicationStatement has no status (required); it is read as unknown and shown in @ptCpp.rx.".to_owned(),
            ),
        }
        let dosage = m
            .dosage
            .first()
            .and_then(|d| non_empty(d.text.as_deref()))
            .map(str::to_owned);
        let mut pending = PendingRx {
            base: None,
            reference: None,
            display: None,
            dosage,
            loc: loc.owned(),
            key: loc.key(),
        };
        match &m.medication {
            Some(MedicationChoice::CodeableConcept(cc)) => {
                pending.base = concept_text(cc).map(str::to_owned);
            }
            Some(MedicationChoice::Reference(r)) => {
                pending.display = non_empty(r.display.as_deref()).map(str::to_owned);
                let text = r.reference.as_deref().map(str::trim).unwrap_or("");
                if let ParsedReference::Contained { id } = ParsedReference::parse(text) {
                    pending.base = m
                        .contained
                        .iter()
                        .find_map(|c| match c {
                            Resource::Medication(med)
                                if med.id.as_ref().is_some_and(|i| i.as_str() == id) =>
                            {
                                Some(med.code.as_ref().and_then(concept_text))
                            }
                            _ => None,
                        })
                        .flatten()
                        .map(str::to_owned);
                } else if !text.is_empty() {
                    pending.reference = Some(text.to_owned());
                }
            }
            None => {}
        }
        self.rx.push(pending);
    }

    fn patient(&mut self, p: &Patient, loc: LocRef<'_>) {
        self.patients += 1;
        if self.patient.is_some() {
            return;
        }
        let name = p
            .name
            .iter()
            .find(|n| n.use_.as_ref().is_some_and(|u| u.as_str() == "official"))
            .or_else(|| {
                p.name
                    .iter()
                    .find(|n| n.use_.as_ref().is_some_and(|u| u.as_str() == "usual"))
            })
            .or_else(|| p.name.first());
        let strings = |v: &[String]| -> Vec<String> {
            v.iter().filter(|s| !s.trim().is_empty()).cloned().collect()
        };
        let mut d = Demographics {
            family: name
                .and_then(|n| non_empty(n.family.as_deref()))
                .map(str::to_owned),
            given: name.map(|n| strings(&n.given)).unwrap_or_default(),
            prefix: name.map(|n| strings(&n.prefix)).unwrap_or_default(),
            suffix: name.map(|n| strings(&n.suffix)).unwrap_or_default(),
            birth_date: p
                .birth_date
                .as_ref()
                .and_then(|b| non_empty(Some(b.as_str())))
                .map(str::to_owned),
            gender: p
                .gender
                .as_ref()
                .and_then(|g| non_empty(Some(g.as_str())))
                .map(str::to_owned),
            health_number: HealthNumber::find(&p.identifier).map(|h| HealthNumberInfo {
                value: h.value().to_owned(),
                version_code: non_empty(h.version_code()).map(str::to_owned),
                province: h.province().map(|p| p.code().to_owned()),
                system: h.system().map(str::to_owned),
            }),
            address: p
                .address
                .iter()
                .find(|a| a.use_.as_ref().is_some_and(|u| u.as_str() == "home"))
                .or_else(|| p.address.first())
                .map(|a| AddressInfo {
                    line: strings(&a.line),
                    city: non_empty(a.city.as_deref()).map(str::to_owned),
                    state: non_empty(a.state.as_deref()).map(str::to_owned),
                    postal_code: non_empty(a.postal_code.as_deref()).map(str::to_owned),
                    country: non_empty(a.country.as_deref()).map(str::to_owned),
                })
                // An address with nothing to show (only `use`/`type`, as in Ocean's test
                // patients) counts as absent.
                .filter(|a| *a != AddressInfo::default()),
            phones: Phones::default(),
            email: None,
        };
        let mut phone_without_use = false;
        for t in &p.telecom {
            let Some(value) = non_empty(t.value.as_deref()) else {
                continue;
            };
            match t.system.as_ref().map(|s| s.as_str()) {
                Some("phone") => {
                    let slot = match t.use_.as_ref().map(|u| u.as_str()) {
                        Some("mobile") => &mut d.phones.mobile,
                        Some("home") => &mut d.phones.home,
                        Some("work") => &mut d.phones.work,
                        _ => {
                            phone_without_use = true;
                            continue;
                        }
                    };
                    if slot.is_none() {
                        *slot = Some(value.to_owned());
                    }
                }
                Some("email") if d.email.is_none() => d.email = Some(value.to_owned()),
                _ => {}
            }
        }
        if phone_without_use {
            self.note(
                (FindingCode::PhoneNoUse, "", 0),
                Severity::Info,
                Some(loc),
                || "A Patient phone number has no use mobile, home or work, so Ocean does not place it.".to_owned(),
            );
        }
        self.patient_first = Some(loc.owned());
        self.patient = Some((d, loc.key()));
    }

    fn document(&mut self, d: &DocumentReference, loc: LocRef<'_>) {
        let status = d.status.as_ref().map(|s| s.as_str().trim());
        if status != Some("current") {
            self.note(
                (FindingCode::AttachmentNotCurrent, "", 0),
                Severity::Info,
                Some(loc),
                || "DocumentReference status is not current; Ocean does not offer it.".to_owned(),
            );
            return;
        }
        let limits = self.rules.attachment_limits();
        let mut accepted_any = false;
        for content in &d.content {
            let Some(a) = content.attachment.as_ref() else {
                self.attachment_issue(FindingCode::AttachmentNoContent, loc);
                continue;
            };
            let url = non_empty(a.url.as_ref().map(|u| u.as_str()));
            let data = a.data.as_ref().filter(|d| !d.as_str().trim().is_empty());
            if url.is_none() && data.is_none() {
                self.attachment_issue(FindingCode::AttachmentNoContent, loc);
                continue;
            }
            let title = non_empty(a.title.as_deref()).or(non_empty(d.description.as_deref()));
            let content_type = non_empty(a.content_type.as_ref().map(|c| c.as_str()));
            let accepted_type = match content_type {
                Some(ct) => mime_accepted(ct),
                None => [a.title.as_deref(), url]
                    .into_iter()
                    .flatten()
                    .any(extension_accepted),
            };
            if !accepted_type {
                self.attachment_issue(FindingCode::AttachmentTypeRefused, loc);
                continue;
            }
            let size = a
                .size
                .and_then(|s| u64::try_from(s).ok())
                .or_else(|| data.and_then(|d| d.decoded_len()).map(|n| n as u64));
            match size {
                Some(s) if s > limits.max_each_bytes => {
                    self.attachment_issue(FindingCode::AttachmentTooLarge, loc);
                    continue;
                }
                Some(s) if self.attachment_total.saturating_add(s) > limits.max_total_bytes => {
                    self.attachment_issue(FindingCode::AttachmentTotalExceeded, loc);
                    continue;
                }
                Some(s) => self.attachment_total = self.attachment_total.saturating_add(s),
                None => self.attachment_issue(FindingCode::AttachmentSizeUnknown, loc),
            }
            accepted_any = true;
            self.attachments.push(AttachmentInfo {
                title: title.map(str::to_owned),
                content_type: content_type.map(str::to_owned),
                size,
                url: url.map(str::to_owned),
                creation: a
                    .creation
                    .as_ref()
                    .and_then(|c| non_empty(Some(c.as_str())))
                    .map(str::to_owned),
            });
        }
        if accepted_any {
            if let Some(k) = loc.key() {
                self.attachment_keys.insert(k);
            }
        }
    }

    fn attachment_issue(&mut self, code: FindingCode, loc: LocRef<'_>) {
        let limits = self.rules.attachment_limits();
        let (severity, message) = match code {
            FindingCode::AttachmentNoContent => (
                Severity::Warning,
                "A DocumentReference content has neither inline data nor a URL; Ocean cannot attach it.".to_owned(),
            ),
            FindingCode::AttachmentTypeRefused => (
                Severity::Warning,
                "An attachment is of a type Ocean refuses (Ocean accepts pdf, txt, jpg/jpeg, png, tif/tiff, mp3, mp4).".to_owned(),
            ),
            FindingCode::AttachmentTooLarge => (
                Severity::Warning,
                format!("An attachment is over Ocean's limit of {} bytes per file.", limits.max_each_bytes),
            ),
            FindingCode::AttachmentTotalExceeded => (
                Severity::Warning,
                format!("An attachment would take the referral over Ocean's limit of {} bytes in total; it is not offered.", limits.max_total_bytes),
            ),
            _ => (
                Severity::Info,
                "An attachment is a URL without size; Ocean's size limits could not be checked.".to_owned(),
            ),
        };
        self.note((code, "", 0), severity, Some(loc), || message);
    }

    // -----------------------------------------------------------------------------------------
    // Finish

    /// Resolves a medication reference among the Medications seen, by the rules and priority of
    /// `ocean_model::Bundle::resolve_entry` (`ocean_model::bundle::reference_matches`).
    fn resolve_med(&self, reference: &str) -> Option<&MedEntry> {
        self.meds
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let step = ocean_model::bundle::reference_matches(
                    reference,
                    m.full_url.as_deref(),
                    Some("Medication"),
                    m.id.as_deref(),
                )?;
                Some((step, i, m))
            })
            .min_by_key(|&(step, i, _)| (step, i))
            .map(|(_, _, m)| m)
    }

    /// Ends the extraction. Returns the result and the entries that contributed to it (for
    /// pruning).
    pub(crate) fn finish(mut self) -> (Extraction, BTreeSet<(usize, usize)>) {
        let mut kept: BTreeSet<(usize, usize)> = BTreeSet::new();

        // @ptCpp.rx: resolve references, then dedupe in Bundle order.
        let rx = std::mem::take(&mut self.rx);
        let mut rx_seen: HashSet<String> = HashSet::new();
        let mut rx_items: Vec<String> = Vec::new();
        for p in rx {
            let loc_ref = LocRef {
                page: p.loc.page,
                entry: p.loc.entry,
                full_url: p.loc.full_url.as_deref(),
                resource_type: "MedicationStatement",
            };
            let mut med_key = None;
            let base = match (&p.base, &p.reference) {
                (Some(b), _) => Some(b.clone()),
                (None, Some(r)) => match self.resolve_med(r) {
                    Some(m) => {
                        med_key = m.key;
                        m.text.clone().or_else(|| p.display.clone())
                    }
                    None => {
                        self.note(
                            (FindingCode::MedicationUnresolved, "", 0),
                            Severity::Info,
                            Some(loc_ref),
                            || "A MedicationStatement's medicationReference does not resolve to a Medication in the Bundle; the reference's display is used if it has one.".to_owned(),
                        );
                        p.display.clone()
                    }
                },
                (None, None) => p.display.clone(),
            };
            let Some(base) = base.filter(|b| !b.trim().is_empty()) else {
                self.no_text(
                    CppSection::Medications,
                    "no medication text, display or code",
                    loc_ref,
                );
                continue;
            };
            let item = collapse_ws(&match &p.dosage {
                Some(d) => format!("{base} - {d}"),
                None => base,
            });
            if !rx_seen.insert(item.clone()) {
                self.note(
                    (
                        FindingCode::ItemDuplicate,
                        "",
                        CppSection::Medications.index(),
                    ),
                    Severity::Info,
                    Some(loc_ref),
                    || {
                        "@ptCpp.rx: an item repeats an earlier item's text and was dropped."
                            .to_owned()
                    },
                );
                continue;
            }
            rx_items.push(item);
            kept.extend(p.key);
            kept.extend(med_key);
        }
        if self.med_requests > 0 && self.med_statements == 0 {
            let first = self.med_request_first.clone();
            let n = self.med_requests;
            self.findings.insert(
                (FindingCode::MedicationRequestOnly, "", 0),
                Acc {
                    severity: Severity::Warning,
                    message: "The Bundle has MedicationRequests but no MedicationStatement; Ocean fills @ptCpp.rx only from MedicationStatement.".to_owned(),
                    first,
                    count: n,
                    row: None,
                },
            );
        }

        // Keywords, in order.
        let mut keywords: IndexMap<String, String> = IndexMap::new();
        let lists = std::mem::take(&mut self.lists);
        let list_keys = std::mem::take(&mut self.list_keys);
        let mut list_items: [Vec<String>; 4] = Default::default();
        for ((slot, list), keys) in list_items.iter_mut().zip(lists).zip(list_keys) {
            *slot = list.items;
            kept.extend(keys);
        }
        let [allg, prob, pmhx, immu] = list_items;
        for (section, items) in CppSection::ALL
            .into_iter()
            .zip([allg, prob, pmhx, immu, rx_items])
        {
            if items.is_empty() {
                let kw = section.keyword();
                let ty = section.resource_type();
                self.note(
                    (FindingCode::MissingKeyword, kw, 0),
                    Severity::Info,
                    None,
                    || format!("{kw} is empty: no {ty} gives a shown item."),
                );
            } else {
                keywords.insert(section.keyword().to_owned(), items.join("\n"));
            }
        }
        let latest = std::mem::take(&mut self.latest);
        let mut filled_rows = vec![false; latest.len()];
        for (i, cand) in latest.into_iter().enumerate() {
            let Some(rule) = self.rule(i) else {
                continue;
            };
            match cand {
                Some(c) => {
                    keywords.insert(rule.value_keyword(), c.value);
                    keywords.insert(rule.date_keyword(), c.date);
                    kept.extend(c.key);
                    if let Some(f) = filled_rows.get_mut(i) {
                        *f = true;
                    }
                }
                None => {
                    let (kw, code, name) = (
                        rule.value_keyword(),
                        rule.seed_code().to_owned(),
                        rule.name(),
                    );
                    self.note(
                        (FindingCode::MissingKeyword, rule.suffix(), 1),
                        Severity::Info,
                        None,
                        || {
                            format!(
                                "{kw} is empty: no usable Observation with LOINC {code} ({name})."
                            )
                        },
                    );
                }
            }
        }
        // A near-miss matters more when its row ended up empty.
        for acc in self.findings.values_mut() {
            if let Some(row) = acc.row {
                if filled_rows.get(row).copied().unwrap_or(false) {
                    acc.severity = Severity::Info;
                }
            }
        }

        // Demographics.
        let demographics = match self.patient.take() {
            Some((d, key)) => {
                kept.extend(key);
                if self.patients > 1 {
                    let first = self.patient_first.clone();
                    let n = self.patients;
                    self.findings.insert(
                        (FindingCode::MultiplePatients, "", 0),
                        Acc {
                            severity: Severity::Warning,
                            message: format!("{n} Patient resources: Ocean's demographic pane uses the first readable one."),
                            first,
                            count: 1,
                            row: None,
                        },
                    );
                }
                let missing = [
                    ("name", d.family.is_none() && d.given.is_empty()),
                    ("birthDate", d.birth_date.is_none()),
                    ("gender", d.gender.is_none()),
                    ("health number", d.health_number.is_none()),
                    ("address", d.address.is_none()),
                    ("phone", d.phones == Phones::default()),
                    ("email", d.email.is_none()),
                ];
                for (field, absent) in missing {
                    if absent {
                        let first = self.patient_first.clone();
                        self.findings.insert(
                            (FindingCode::MissingDemographic, field, 0),
                            Acc {
                                severity: Severity::Info,
                                message: format!("The Patient has no {field}; Ocean's demographic pane leaves it empty."),
                                first,
                                count: 1,
                                row: None,
                            },
                        );
                    }
                }
                Some(d)
            }
            None => {
                self.note(
                    (FindingCode::MissingPatient, "", 0),
                    Severity::Warning,
                    None,
                    || {
                        "No readable Patient resource: Ocean's demographic pane stays empty."
                            .to_owned()
                    },
                );
                None
            }
        };
        if self.attachments.is_empty() {
            self.note(
                (FindingCode::MissingKeyword, "attachments", 2),
                Severity::Info,
                None,
                || "No attachment: no current DocumentReference with an accepted file.".to_owned(),
            );
        }
        kept.extend(self.attachment_keys.iter().copied());

        let mut findings: Vec<Finding> = self
            .findings
            .into_iter()
            .map(|((code, _, _), acc)| Finding {
                code,
                severity: acc.severity,
                message: acc.message,
                resource: acc.first,
                count: acc.count,
            })
            .collect();
        findings.sort_by_key(|f| f.severity);
        (
            Extraction {
                keywords,
                demographics,
                attachments: self.attachments,
                findings,
            },
            kept,
        )
    }
}

fn verification_reason(code: &str) -> &'static str {
    if code == "refuted" {
        "verificationStatus refuted"
    } else {
        "verificationStatus entered-in-error"
    }
}

const NO_VALUE_ABSENT: &str = "it has only a dataAbsentReason";

/// Where an Observation's value comes from (see the crate docs); formatted only if it wins.
enum ValueSource<'a> {
    BloodPressure(&'a Qty<'a>, &'a Qty<'a>),
    Quantity(&'a Qty<'a>),
    Text(&'a str),
}

impl ValueSource<'_> {
    fn text(&self) -> String {
        match self {
            ValueSource::BloodPressure(sys, dia) => {
                let (Some(s), Some(d)) = (&sys.value, &dia.value) else {
                    return String::new();
                };
                let mut out = format!("{}/{}", s.get(), d.get());
                if let Some(u) = sys.unit.as_deref().or(sys.code.as_deref()) {
                    out.push(' ');
                    out.push_str(u);
                }
                out
            }
            ValueSource::Quantity(q) => quantity_text(q).unwrap_or_default(),
            ValueSource::Text(t) => (*t).to_owned(),
        }
    }
}

/// The usable value of an Observation for a row, or why there is none.
fn value_source<'a>(
    blood_pressure: bool,
    rec: &'a ObsRecord<'a>,
) -> Result<ValueSource<'a>, &'static str> {
    if blood_pressure {
        let find = |systolic: bool| {
            rec.components
                .iter()
                .filter(|c| c.systolic == systolic)
                .find_map(|c| c.quantity.as_ref().filter(|q| q.value.is_some()))
        };
        if let (Some(sys), Some(dia)) = (find(true), find(false)) {
            return Ok(ValueSource::BloodPressure(sys, dia));
        }
    }
    if let Some(q) = rec.value_quantity.as_ref().filter(|q| q.value.is_some()) {
        return Ok(ValueSource::Quantity(q));
    }
    if let Some(s) = rec.value_string.as_deref().filter(|s| !s.trim().is_empty()) {
        return Ok(ValueSource::Text(s));
    }
    if let Some(t) = rec.value_concept.as_ref().and_then(|c| c.text()) {
        return Ok(ValueSource::Text(t));
    }
    if let Some(i) = &rec.value_integer {
        return Ok(ValueSource::Text(i.get()));
    }
    Err(if rec.data_absent {
        NO_VALUE_ABSENT
    } else if rec.value_quantity.is_some() {
        "its valueQuantity has no numeric value"
    } else if rec.other_value {
        "its value is of a type Ocean does not show (only Quantity, String, CodeableConcept and Integer are)"
    } else if blood_pressure && !rec.components.is_empty() {
        "its systolic (8480-6) and diastolic (8462-4) components are not both quantities with a value, and it has no value of its own"
    } else {
        "it has no value"
    })
}

fn quantity_text(q: &Qty<'_>) -> Option<String> {
    let v = q.value.as_ref()?;
    let mut out = String::new();
    if let Some(c) = q.comparator.as_deref() {
        out.push_str(c.trim());
    }
    out.push_str(v.get());
    if let Some(u) = q.unit.as_deref().or(q.code.as_deref()) {
        out.push(' ');
        out.push_str(u);
    }
    Some(out)
}

/// Whether a MIME type (parameters and case ignored) is one Ocean accepts.
fn mime_accepted(content_type: &str) -> bool {
    let base = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let base = match base.as_str() {
        // Common aliases of the accepted types.
        "image/jpg" | "image/pjpeg" => "image/jpeg".to_owned(),
        "image/tif" => "image/tiff".to_owned(),
        "audio/mp3" => "audio/mpeg".to_owned(),
        _ => base,
    };
    ACCEPTED_ATTACHMENT_TYPES.iter().any(|(m, _)| *m == base)
}

/// Whether a file name or URL ends in an extension Ocean accepts.
fn extension_accepted(name: &str) -> bool {
    let path = name.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    let Some((_, ext)) = last.rsplit_once('.') else {
        return false;
    };
    let ext = ext.to_ascii_lowercase();
    ACCEPTED_ATTACHMENT_TYPES
        .iter()
        .any(|(_, exts)| exts.contains(&ext.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_and_extension() {
        assert!(mime_accepted("application/PDF; charset=binary"));
        assert!(mime_accepted("image/jpg"));
        assert!(!mime_accepted("application/msword"));
        assert!(extension_accepted("scan.TIFF"));
        assert!(extension_accepted("https://pos.example/files/a.pdf?x=1"));
        assert!(!extension_accepted("letter.docx"));
        assert!(!extension_accepted("noext"));
    }
}
