//! Latest values (`@ptLatestVal.X`, `@ptLatestDate.X`): per row, the latest usable Observation
//! (status, date and value rules of the crate docs), and the near-miss and system findings.

use super::Engine;
use super::findings::LocRef;
use crate::code_index::Target;
use crate::output::{FindingCode, Severity};
use crate::record::{ObsRecord, Qty};
use crate::rules::{LatestRule, Rules};
use indexmap::IndexMap;
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// The best Observation so far for a row.
pub(super) struct Candidate {
    instant: OffsetDateTime,
    value: String,
    date: String,
    key: Option<(usize, usize)>,
}

impl<'r> Engine<'r> {
    /// An Observation's record: considered for each row one of its codes feeds (LOINC or no
    /// system); near-miss codes and codes under another system are reported.
    pub(super) fn observation(&mut self, rec: &ObsRecord<'_>, loc: LocRef<'_>) {
        // The rows this Observation fed, in a buffer kept across Observations (no allocation
        // per Observation).
        let mut matched_rows = std::mem::take(&mut self.matched_rows);
        matched_rows.clear();
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
        self.matched_rows = matched_rows;
    }

    /// Row `i` of the rules.
    pub(super) fn rule(&self, i: usize) -> Option<&'r LatestRule> {
        let rules: &'r Rules = self.rules;
        rules.latest_rules().get(i)
    }

    /// Whether the Observation is usable for row `i`, and whether it beats the row's candidate.
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
                    Severity::Information,
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
        if instant > self.future_after {
            self.note(
                (FindingCode::FutureDate, field, i),
                Severity::Warning,
                Some(loc),
                || format!("An Observation for {kw} is ignored: its {field} is more than a day in the future, so it cannot be the latest."),
            );
            return;
        }
        let value = match value_source(rule.is_blood_pressure(), rec) {
            Ok(v) => v,
            Err(why) => {
                let severity = if why == NO_VALUE_ABSENT {
                    Severity::Information
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
        if value.numbers().any(|n| !plausible_number(n)) {
            self.note(
                (FindingCode::ImplausibleNumber, "", i),
                Severity::Warning,
                Some(loc),
                || format!("An Observation for {kw} is ignored: its number cannot be a measurement (more than {MAX_NUMBER_DIGITS} digits, or beyond the range of a 64-bit float), so it is not shown."),
            );
            return;
        }
        if let Some(slot) = self.latest.get_mut(i) {
            // Later instant wins; on an exact tie the first in Bundle order stays. A chart in
            // date order replaces the candidate at every Observation: its strings are reused.
            let date = ocean_model::DateTime::date_part_of(text);
            match slot {
                Some(c) if instant > c.instant => {
                    c.instant = instant;
                    value.write_text(&mut c.value);
                    c.date.clear();
                    c.date.push_str(date);
                    c.key = loc.key();
                }
                Some(_) => {}
                None => {
                    let mut text = String::new();
                    value.write_text(&mut text);
                    *slot = Some(Candidate {
                        instant,
                        value: text,
                        date: date.to_owned(),
                        key: loc.key(),
                    });
                }
            }
        }
    }

    /// Puts each row's winner into `keywords` (value and date), reports the empty rows, and
    /// lowers a near-miss to info when its row was filled anyway.
    pub(super) fn finish_latest(
        &mut self,
        keywords: &mut IndexMap<String, String>,
        kept: &mut BTreeSet<(usize, usize)>,
    ) {
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
                        Severity::Information,
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
                    acc.severity = Severity::Information;
                }
            }
        }
    }
}

const NO_VALUE_ABSENT: &str = "it has only a dataAbsentReason";

/// Where an Observation's value comes from (see the crate docs); formatted only if it wins.
enum ValueSource<'a> {
    BloodPressure(&'a Qty<'a>, &'a Qty<'a>),
    Quantity(&'a Qty<'a>),
    Text(&'a str),
    /// `valueInteger`'s digits.
    Integer(&'a str),
}

impl ValueSource<'_> {
    /// The value as Ocean shows it, written over `out` (cleared first).
    fn write_text(&self, out: &mut String) {
        out.clear();
        match self {
            ValueSource::BloodPressure(sys, dia) => {
                let (Some(s), Some(d)) = (&sys.value, &dia.value) else {
                    return;
                };
                out.push_str(s.get());
                out.push('/');
                out.push_str(d.get());
                if let Some(u) = sys.unit.as_deref().or(sys.code.as_deref()) {
                    out.push(' ');
                    out.push_str(u);
                }
            }
            ValueSource::Quantity(q) => write_quantity(q, out),
            ValueSource::Text(t) | ValueSource::Integer(t) => out.push_str(t),
        }
    }

    /// The JSON numbers the value shows.
    fn numbers(&self) -> impl Iterator<Item = &str> {
        let (a, b) = match self {
            ValueSource::BloodPressure(s, d) => (s.value.as_ref(), d.value.as_ref()),
            ValueSource::Quantity(q) => (q.value.as_ref(), None),
            ValueSource::Text(_) | ValueSource::Integer(_) => (None, None),
        };
        let int = match self {
            ValueSource::Integer(t) => Some(*t),
            _ => None,
        };
        a.into_iter().chain(b).map(|n| n.get()).chain(int)
    }
}

/// More digits than this in a number (leading and trailing zeros included) cannot be a
/// measurement: "a few dozen", above the 35-digit decimals some exporters write for a binary
/// double.
const MAX_NUMBER_DIGITS: usize = 40;

/// Whether a JSON number can be a measurement: at most [`MAX_NUMBER_DIGITS`] digits before any
/// exponent, and a magnitude a 64-bit float holds (`1e999999` overflows, `1e-999999` underflows
/// to zero though its digits are not zero). Text that is not a number is left alone.
fn plausible_number(text: &str) -> bool {
    let text = text.trim();
    let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
    if mantissa.bytes().filter(u8::is_ascii_digit).count() > MAX_NUMBER_DIGITS {
        return false;
    }
    let nonzero = mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'));
    match text.parse::<f64>() {
        Ok(v) => v.is_finite() && (v != 0.0 || !nonzero),
        Err(_) => true,
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
        return Ok(ValueSource::Integer(i.get()));
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

/// A Quantity with a value as Ocean shows it (comparator, number, unit or code), appended to
/// `out`; nothing without a value.
fn write_quantity(q: &Qty<'_>, out: &mut String) {
    let Some(v) = q.value.as_ref() else {
        return;
    };
    if let Some(c) = q.comparator.as_deref() {
        out.push_str(c.trim());
    }
    out.push_str(v.get());
    if let Some(u) = q.unit.as_deref().or(q.code.as_deref()) {
        out.push(' ');
        out.push_str(u);
    }
}
