//! Findings as the engine gathers them: where a resource is, and one aggregated entry per kind
//! (first resource concerned and a count), so the list stays short on a 100 MB Bundle. Messages
//! name keywords, codes from this crate's tables, element names and resource types, never
//! patient data.

use super::Engine;
use crate::output::{Finding, FindingCode, ResourceLocation, Severity};

/// Where a resource is, borrowed while it is being processed.
#[derive(Debug, Clone, Copy)]
pub(super) struct LocRef<'a> {
    pub(super) page: usize,
    pub(super) entry: Option<usize>,
    pub(super) full_url: Option<&'a str>,
    pub(super) resource_type: &'a str,
}

impl LocRef<'_> {
    /// The location, owned.
    pub(super) fn owned(self) -> ResourceLocation {
        ResourceLocation {
            page: self.page,
            entry: self.entry,
            full_url: self.full_url.map(str::to_owned),
            resource_type: self.resource_type.to_owned(),
        }
    }
    /// `(page, entry)`, for pruning.
    pub(super) fn key(self) -> Option<(usize, usize)> {
        self.entry.map(|e| (self.page, e))
    }
}

/// One aggregated finding.
pub(super) struct Acc {
    pub(super) severity: Severity,
    pub(super) message: String,
    pub(super) first: Option<ResourceLocation>,
    pub(super) count: usize,
    /// For near-misses: the row whose emptiness decides the severity.
    pub(super) row: Option<usize>,
}

/// What makes two findings one: code, a detail (rule, element, ...) and a row or section.
pub(super) type FindingKey = (FindingCode, &'static str, usize);

impl Engine<'_> {
    /// Records a finding, or counts it when one of the same key exists (the message is built
    /// only for the first).
    pub(super) fn note(
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

    /// A `bundle-shape` finding for the page.
    pub(super) fn bundle_shape(&mut self, what: &'static str) {
        self.note(
            (FindingCode::BundleShape, what, self.page),
            Severity::Warning,
            None,
            || format!("{what}; it was skipped."),
        );
    }

    /// A `bundle-shape` finding for one entry.
    pub(super) fn bundle_shape_at(&mut self, entry: usize, what: &'static str) {
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

    /// Ends the findings: aggregated entries in order of first occurrence, then by severity.
    pub(super) fn take_findings(&mut self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = std::mem::take(&mut self.findings)
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
        findings
    }
}
