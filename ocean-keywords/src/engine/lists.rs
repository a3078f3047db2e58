//! List keywords (`@ptCpp.*`): allergies, problems, past history and immunizations (deduplicated
//! as they come), and medications (resolved against the Bundle's Medications at the end).

use super::findings::{Acc, LocRef};
use super::{Engine, non_empty};
use crate::output::{FindingCode, ResourceLocation, Severity};
use crate::rules::CppSection;
use crate::text::{collapse_ws, concept_text, narrative_plain_text};
use indexmap::IndexMap;
use ocean_model::{
    AllergyIntolerance, CodeableConcept, Condition, Immunization, Medication, MedicationChoice,
    MedicationStatement, ParsedReference, Resource,
};
use std::collections::{BTreeSet, HashSet};

/// One eagerly deduplicated list.
#[derive(Default)]
pub(super) struct ListState {
    seen: HashSet<String>,
    items: Vec<String>,
}

/// A MedicationStatement item whose text may need a Medication from elsewhere in the Bundle.
pub(super) struct PendingRx {
    /// Text already known (from `medicationCodeableConcept` or a contained Medication).
    base: Option<String>,
    /// A reference to resolve at the end, with its display as the fallback.
    reference: Option<String>,
    display: Option<String>,
    dosage: Option<String>,
    loc: ResourceLocation,
    /// `(page, entry)` of the MedicationStatement, for pruning.
    key: Option<(usize, usize)>,
}

/// The slot of the four eagerly deduplicated lists (medications are deduplicated at the end).
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

impl Engine<'_> {
    /// Reports a resource excluded from its list by a status rule.
    fn excluded(&mut self, section: CppSection, why: &'static str, loc: LocRef<'_>) {
        let ty = section.resource_type();
        let kw = section.keyword();
        self.note(
            (FindingCode::ItemExcluded, why, section.index()),
            Severity::Information,
            Some(loc),
            || format!("{ty} excluded from {kw}: {why}."),
        );
    }

    /// Reports a resource that gives no item for lack of text.
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

    /// Reports an item dropped because its list is full.
    fn truncated(&mut self, section: CppSection, loc: LocRef<'_>) {
        let kw = section.keyword();
        let max = self.rules.max_list_items();
        self.note(
            (FindingCode::ListTruncated, "", section.index()),
            Severity::Warning,
            Some(loc),
            || format!("{kw} already has {max} items (the limit); later items were dropped."),
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
                Severity::Information,
                Some(loc),
                || format!("{kw}: an item repeats an earlier item's text and was dropped."),
            );
            return;
        }
        if list.items.len() >= self.rules.max_list_items() {
            self.truncated(section, loc);
            return;
        }
        list.seen.insert(item.clone());
        list.items.push(item);
        if let Some(k) = loc.key() {
            keys.push(k);
        }
    }

    /// An AllergyIntolerance: narrative text, else code and manifestations (`@ptCpp.allg`).
    pub(super) fn allergy(&mut self, a: &AllergyIntolerance, loc: LocRef<'_>) {
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

    /// A Condition: `@ptCpp.prob` or, when resolved, in remission or inactive, `@ptCpp.pmhx`.
    pub(super) fn condition(&mut self, c: &Condition, loc: LocRef<'_>) {
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

    /// An Immunization: vaccine and date (`@ptCpp.immu`).
    pub(super) fn immunization(&mut self, im: &Immunization, loc: LocRef<'_>) {
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

    /// A MedicationStatement: kept pending until the end, when references can be resolved
    /// against every Medication of the Bundle (`@ptCpp.rx`).
    pub(super) fn med_statement(&mut self, m: &MedicationStatement, loc: LocRef<'_>) {
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

    /// Keeps what a medication reference can use of a Bundle Medication: its concept text (and
    /// the `fullUrl` and `id` it is found by), not the resource.
    pub(super) fn medication(&mut self, m: &Medication, loc: LocRef<'_>) {
        self.meds.push(
            loc.key(),
            loc.full_url,
            m.id.as_ref().map(|i| i.as_str()),
            m.code.as_ref().and_then(concept_text),
        );
    }

    /// Counts a MedicationRequest (not read: only for `medication-request-only`).
    pub(super) fn med_request(&mut self, loc: LocRef<'_>) {
        self.med_requests += 1;
        if self.med_request_first.is_none() {
            self.med_request_first = Some(loc.owned());
        }
    }

    /// `@ptCpp.rx`: resolves references, then dedupes in Bundle order.
    fn finish_medications(&mut self, kept: &mut BTreeSet<(usize, usize)>) -> Vec<String> {
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
                (None, Some(r)) => match self.meds.resolve(r) {
                    Some(m) => {
                        med_key = m.med.key;
                        let text = m.med.text().map(str::to_owned);
                        if m.ambiguous {
                            self.note(
                                (FindingCode::DuplicateResource, "Medication", 0),
                                Severity::Warning,
                                Some(loc_ref),
                                || "A MedicationStatement's medicationReference could mean more than one Medication of the Bundle (the same fullUrl in another spelling, or the same Medication/id); the first match by the resolution rule is used (exact fullUrl, then UUID, then Type/id; the first in Bundle order within a step).".to_owned(),
                            );
                        }
                        text.or_else(|| p.display.clone())
                    }
                    None => {
                        self.note(
                            (FindingCode::MedicationUnresolved, "", 0),
                            Severity::Information,
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
                    Severity::Information,
                    Some(loc_ref),
                    || {
                        "@ptCpp.rx: an item repeats an earlier item's text and was dropped."
                            .to_owned()
                    },
                );
                continue;
            }
            if rx_items.len() >= self.rules.max_list_items() {
                self.truncated(CppSection::Medications, loc_ref);
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
        rx_items
    }

    /// The five list keywords, in order; an empty one is reported, never `""`.
    pub(super) fn finish_lists(
        &mut self,
        kept: &mut BTreeSet<(usize, usize)>,
    ) -> IndexMap<String, String> {
        let rx_items = self.finish_medications(kept);
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
                    Severity::Information,
                    None,
                    || format!("{kw} is empty: no {ty} gives a shown item."),
                );
            } else {
                keywords.insert(section.keyword().to_owned(), items.join("\n"));
            }
        }
        keywords
    }
}

fn verification_reason(code: &str) -> &'static str {
    if code == "refuted" {
        "verificationStatus refuted"
    } else {
        "verificationStatus entered-in-error"
    }
}
