//! The rule engine: takes the reader's records one at a time (it is the reader's
//! [`Sink`]) and keeps only what can still win, then builds the [`Extraction`]. One submodule per
//! section of the crate docs:
//!
//! * `latest`: latest values (`@ptLatestVal.X`, `@ptLatestDate.X`);
//! * `lists`: list keywords (`@ptCpp.*`);
//! * `demographics`: the demographic pane;
//! * `attachments`: attachments;
//! * `findings`: how findings are gathered and aggregated.

mod attachments;
mod demographics;
mod findings;
mod latest;
mod lists;
mod med_index;

use crate::code_index::CodeIndex;
use crate::output::{
    AttachmentInfo, Demographics, Extraction, FindingCode, ResourceLocation, Severity,
};
use crate::record::{ObsRecord, Parsed};
use crate::rules::Rules;
use crate::sink::{Ctx, Sink};
use findings::{Acc, FindingKey, LocRef};
use indexmap::IndexMap;
use latest::Candidate;
use lists::{ListState, PendingRx};
use med_index::MedIndex;
use ocean_model::Resource;
use std::collections::BTreeSet;

/// The accumulating state of one extraction (over one or more pages).
pub(crate) struct Engine<'r> {
    rules: &'r Rules,
    index: CodeIndex,
    borrow: bool,
    page: usize,
    next_entry: usize,
    latest: Vec<Option<Candidate>>,
    /// Scratch for `observation`: the rows one Observation fed.
    matched_rows: Vec<usize>,
    lists: [ListState; 4],
    list_keys: [Vec<(usize, usize)>; 4],
    rx: Vec<PendingRx>,
    meds: MedIndex,
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
    /// An Observation dated after this cannot win (a day after [`Rules::now`]).
    future_after: time::OffsetDateTime,
}

/// A string that is not empty after trimming.
fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.trim().is_empty())
}

impl<'r> Engine<'r> {
    /// An engine for these rules, before the first page.
    pub(crate) fn new(rules: &'r Rules) -> Self {
        Self {
            rules,
            index: CodeIndex::new(rules),
            borrow: false,
            page: 0,
            next_entry: 0,
            latest: rules.latest_rules().iter().map(|_| None).collect(),
            matched_rows: Vec::new(),
            lists: Default::default(),
            list_keys: Default::default(),
            rx: Vec::new(),
            meds: MedIndex::default(),
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
            future_after: {
                let now = rules.now().unwrap_or_else(time::OffsetDateTime::now_utc);
                now.checked_add(time::Duration::DAY).unwrap_or(now)
            },
        }
    }

    /// Starts the next page (entry indexes restart at 0). `borrow`: the page is read from a
    /// slice, so raw numbers may borrow from it.
    pub(crate) fn start_page(&mut self, page: usize, borrow: bool) {
        self.page = page;
        self.next_entry = 0;
        self.borrow = borrow;
    }

    /// Takes one resource of a type read with `ocean_model`.
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
            Resource::Medication(m) if entry.is_some() => self.medication(&m, loc("Medication")),
            Resource::DocumentReference(d) => self.document(&d, loc("DocumentReference")),
            _ => {}
        }
    }

    /// Ends the extraction. Returns the result and the entries that contributed to it (for
    /// pruning).
    pub(crate) fn finish(mut self) -> (Extraction, BTreeSet<(usize, usize)>) {
        let mut kept: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut keywords = self.finish_lists(&mut kept);
        self.finish_latest(&mut keywords, &mut kept);
        let demographics = self.finish_demographics(&mut kept);
        self.finish_attachments(&mut kept);
        let findings = self.take_findings();
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

impl Sink for Engine<'_> {
    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            index: &self.index,
            borrow: self.borrow,
        }
    }

    fn max_entry_bytes(&self) -> usize {
        self.rules.max_entry_bytes()
    }

    fn next_entry_index(&self) -> usize {
        self.next_entry
    }

    fn set_next_entry_index(&mut self, index: usize) {
        self.next_entry = index;
    }

    fn shape(&mut self, what: &'static str) {
        self.bundle_shape(what);
    }

    fn shape_at(&mut self, entry: usize, what: &'static str) {
        self.bundle_shape_at(entry, what);
    }

    fn accept_observation(
        &mut self,
        rec: &ObsRecord<'_>,
        entry: Option<usize>,
        full_url: Option<&str>,
    ) {
        if !rec.hits.is_empty() {
            let loc = LocRef {
                page: self.page,
                entry,
                full_url,
                resource_type: "Observation",
            };
            self.observation(rec, loc);
        }
    }

    fn accept(&mut self, parsed: Parsed<'_>, entry: Option<usize>, full_url: Option<&str>) {
        let loc = |resource_type| LocRef {
            page: self.page,
            entry,
            full_url,
            resource_type,
        };
        match parsed {
            Parsed::Observation(rec) => self.accept_observation(&rec, entry, full_url),
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
            Parsed::MedicationRequest => self.med_request(loc("MedicationRequest")),
            Parsed::NestedBundle => {
                let l = loc("Bundle");
                self.note(
                    (FindingCode::NestedBundle, "", 0),
                    Severity::Information,
                    Some(l),
                    || "A Bundle inside the Bundle is not read (Ocean does not descend into nested Bundles).".to_owned(),
                );
            }
            Parsed::Skipped => {}
            Parsed::NotObject => match entry {
                Some(e) => self.bundle_shape_at(e, "Bundle.entry.resource is not an object"),
                None => self.bundle_shape("the resource is not an object"),
            },
            Parsed::NoType => match entry {
                Some(e) => self.bundle_shape_at(e, "Bundle.entry.resource has no resourceType"),
                None => self.bundle_shape("the resource has no resourceType"),
            },
        }
    }
}
