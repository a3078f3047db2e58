//! The parameters of a `Patient/{id}/$everything` request: read from a query string, built,
//! and asked which resources belong in the answer.

use std::collections::HashSet;

use ocean_model::everything::READ_TYPES;
use ocean_model::{Date, Instant, InstantForm, is_resource_type_name};
use time::OffsetDateTime;

use crate::query::{self, DecodeError, QueryBuilder};

/// Why `$everything` parameters could not be read. Names the parameter, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EverythingError {
    /// The query string is not valid percent-encoding.
    #[error("query string: {0}")]
    Query(#[from] DecodeError),
    /// A parameter allowed once appears more than once.
    #[error("`{0}` given more than once")]
    Repeated(&'static str),
    /// `_since` is not a FHIR instant.
    #[error("`_since` must be a FHIR instant (e.g. 2024-01-31T09:00:00Z)")]
    InvalidSince,
    /// A `_type` entry is not a resource type name (its position in the list, from 0).
    #[error("`_type` entry {0} is not a resource type name")]
    InvalidType(usize),
    /// `_count` is not a positive integer.
    #[error("`_count` must be a positive integer")]
    InvalidCount,
    /// `start` or `end` is not a FHIR date.
    #[error("`{0}` must be a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)")]
    InvalidDate(&'static str),
    /// `start` is after `end`.
    #[error("`start` is after `end`")]
    StartAfterEnd,
    /// A time outside the years 1 to 9999 cannot be written as a FHIR instant.
    #[error("time out of the FHIR instant range")]
    TimeOutOfRange,
}

/// The parameters of a `Patient/{id}/$everything` request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EverythingParams {
    since: Option<Instant>,
    types: Vec<String>,
    count: Option<u32>,
    start: Option<Date>,
    end: Option<Date>,
    /// Parameters this type does not interpret, in order.
    pub other: Vec<(String, String)>,
}

/// Writes a time as a FHIR instant in UTC with whole seconds (`2024-01-31T09:00:00Z`): the
/// text of [`Instant::from_offset_date_time`] with [`InstantForm::UtcSeconds`], the form of
/// `_since`. A time outside the years 1 to 9999 is [`EverythingError::TimeOutOfRange`].
pub fn format_instant(t: OffsetDateTime) -> Result<String, EverythingError> {
    Instant::from_offset_date_time(t, InstantForm::UtcSeconds)
        .map(Instant::into_string)
        .map_err(|_| EverythingError::TimeOutOfRange)
}

impl EverythingParams {
    /// No parameters: everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// `_type` set to every type Ocean processes
    /// ([`is_processed`](crate::everything::is_processed)): what a POS can ask its own store for
    /// when building the Bundle.
    pub fn ocean_types() -> Self {
        let types = READ_TYPES.iter().map(|t| (*t).to_owned()).collect();
        Self {
            types,
            ..Self::default()
        }
    }

    /// Reads a query string (with or without `?`). See the module rules. Time is linear in the
    /// length of the query, however long the `_type` list (repeated names are found by hashing).
    pub fn parse(query_string: &str) -> Result<Self, EverythingError> {
        let mut out = Self::default();
        // The `_type` names already listed: one hash lookup per name keeps a long list linear.
        let mut listed: HashSet<String> = HashSet::new();
        for (name, value) in query::parse_query(query_string)? {
            match name.as_str() {
                "_since" => {
                    if out.since.is_some() {
                        return Err(EverythingError::Repeated("_since"));
                    }
                    let v = Instant::new(value);
                    v.parse().map_err(|_| EverythingError::InvalidSince)?;
                    out.since = Some(v);
                }
                "_type" => {
                    for t in value.split(',') {
                        let t = t.trim();
                        if !is_resource_type_name(t) {
                            return Err(EverythingError::InvalidType(out.types.len()));
                        }
                        if listed.insert(t.to_owned()) {
                            out.types.push(t.to_owned());
                        }
                    }
                }
                "_count" => {
                    if out.count.is_some() {
                        return Err(EverythingError::Repeated("_count"));
                    }
                    let n: u32 = value.parse().map_err(|_| EverythingError::InvalidCount)?;
                    if n == 0 || value.starts_with('+') {
                        return Err(EverythingError::InvalidCount);
                    }
                    out.count = Some(n);
                }
                "start" | "end" => {
                    let (slot, label) = if name == "start" {
                        (&mut out.start, "start")
                    } else {
                        (&mut out.end, "end")
                    };
                    if slot.is_some() {
                        return Err(EverythingError::Repeated(label));
                    }
                    let d = Date::new(value);
                    d.parse().map_err(|_| EverythingError::InvalidDate(label))?;
                    *slot = Some(d);
                }
                _ => out.other.push((name, value)),
            }
        }
        if let (Some(s), Some(e)) = (&out.start, &out.end) {
            // Compared at the start of each period; a start inside the end's period (`end=2020`,
            // `start=2020-06`) is fine.
            let inside = s.as_str().starts_with(e.as_str());
            if let (Some(si), Some(ei)) = (s.instant(), e.instant()) {
                if si > ei && !inside {
                    return Err(EverythingError::StartAfterEnd);
                }
            }
        }
        Ok(out)
    }

    /// Sets `_since`.
    pub fn with_since(mut self, since: OffsetDateTime) -> Result<Self, EverythingError> {
        let since = Instant::from_offset_date_time(since, InstantForm::UtcSeconds)
            .map_err(|_| EverythingError::TimeOutOfRange)?;
        self.since = Some(since);
        Ok(self)
    }

    /// Sets `_type` (replacing any list; a repeated name is kept once). Linear in the list.
    pub fn with_types(mut self, types: &[&str]) -> Result<Self, EverythingError> {
        let mut list: Vec<String> = Vec::new();
        let mut listed: HashSet<&str> = HashSet::new();
        for (i, t) in types.iter().enumerate() {
            if !is_resource_type_name(t) {
                return Err(EverythingError::InvalidType(i));
            }
            if listed.insert(t) {
                list.push((*t).to_owned());
            }
        }
        self.types = list;
        Ok(self)
    }

    /// Sets `_count`.
    pub fn with_count(mut self, count: u32) -> Result<Self, EverythingError> {
        if count == 0 {
            return Err(EverythingError::InvalidCount);
        }
        self.count = Some(count);
        Ok(self)
    }

    /// `_since` as written.
    pub fn since_text(&self) -> Option<&str> {
        self.since.as_ref().map(Instant::as_str)
    }

    /// `_since` as a time.
    pub fn since(&self) -> Option<OffsetDateTime> {
        self.since.as_ref().and_then(Instant::instant)
    }

    /// The `_type` list (empty: all types).
    pub fn types(&self) -> &[String] {
        &self.types
    }

    /// `_count`.
    pub fn count(&self) -> Option<u32> {
        self.count
    }

    /// `start` as written.
    pub fn start(&self) -> Option<&str> {
        self.start.as_ref().map(Date::as_str)
    }

    /// `end` as written.
    pub fn end(&self) -> Option<&str> {
        self.end.as_ref().map(Date::as_str)
    }

    /// Whether resources of this type belong in the answer (Patient always does).
    pub fn includes_type(&self, resource_type: &str) -> bool {
        resource_type == "Patient"
            || self.types.is_empty()
            || self.types.iter().any(|t| t == resource_type)
    }

    /// Whether a resource of this type, last updated at `last_updated` (`meta.lastUpdated`),
    /// belongs in the answer.
    pub fn includes(&self, resource_type: &str, last_updated: Option<OffsetDateTime>) -> bool {
        if !self.includes_type(resource_type) {
            return false;
        }
        match (self.since(), last_updated) {
            (Some(since), Some(updated)) => resource_type == "Patient" || updated >= since,
            _ => true,
        }
    }

    /// The query string, without `?`, parameters in the order `_since`, `_type`, `_count`,
    /// `start`, `end`, then the others.
    pub fn to_query(&self) -> String {
        let joined = self.types.join(",");
        let count = self.count.map(|c| c.to_string());
        let mut b = QueryBuilder::new("")
            .opt_param("_since", self.since_text())
            .opt_param("_type", (!self.types.is_empty()).then_some(joined.as_str()))
            .opt_param("_count", count.as_deref())
            .opt_param("start", self.start())
            .opt_param("end", self.end());
        for (n, v) in &self.other {
            b = b.param(n, v);
        }
        let url = b.finish();
        url.strip_prefix('?').unwrap_or(&url).to_owned()
    }

    /// `{fhir_base}/Patient/{id}/$everything[?query]`, the id percent-encoded.
    pub fn url(&self, fhir_base: &str, patient_id: &str) -> String {
        let q = self.to_query();
        let base = fhir_base.trim_end_matches('/');
        let id = query::encode(patient_id);
        if q.is_empty() {
            format!("{base}/Patient/{id}/$everything")
        } else {
            format!("{base}/Patient/{id}/$everything?{q}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_params() {
        let p = EverythingParams::parse(
            "?_type=Condition&_type=Observation,Condition&start=2020&end=2021-06-30&_format=json",
        )
        .unwrap();
        assert_eq!(p.types(), ["Condition", "Observation"]);
        assert_eq!(p.start(), Some("2020"));
        assert_eq!(p.end(), Some("2021-06-30"));
        assert_eq!(p.other, vec![("_format".to_owned(), "json".to_owned())]);
        assert_eq!(
            EverythingParams::parse("").unwrap(),
            EverythingParams::new()
        );
        assert!(EverythingParams::parse("start=2020-06&end=2020").is_ok());
        assert!(EverythingParams::parse("start=2020-06-15&end=2020-06").is_ok());
    }

    #[test]
    fn rejects_bad_params() {
        for (q, e) in [
            ("_since=2024-01-01", EverythingError::InvalidSince),
            ("_since=2024-01-01T00:00:00", EverythingError::InvalidSince),
            (
                "_since=2024-01-01T00:00:00Z&_since=2024-01-01T00:00:00Z",
                EverythingError::Repeated("_since"),
            ),
            (
                "_type=Condition,,Observation",
                EverythingError::InvalidType(1),
            ),
            ("_type=condition", EverythingError::InvalidType(0)),
            ("_count=0", EverythingError::InvalidCount),
            ("_count=-1", EverythingError::InvalidCount),
            ("_count=+5", EverythingError::InvalidCount),
            ("_count=abc", EverythingError::InvalidCount),
            ("_count=1&_count=2", EverythingError::Repeated("_count")),
            ("start=2020-13", EverythingError::InvalidDate("start")),
            ("end=x", EverythingError::InvalidDate("end")),
            ("start=2021&end=2020", EverythingError::StartAfterEnd),
            ("start=2020&start=2020", EverythingError::Repeated("start")),
            (
                "start=2020-07&end=2020-06-30",
                EverythingError::StartAfterEnd,
            ),
            (
                "_type=%zz",
                EverythingError::Query(DecodeError::BadEscape { offset: 6 }),
            ),
        ] {
            assert_eq!(EverythingParams::parse(q), Err(e), "{q}");
        }
    }

    #[test]
    fn builds_and_round_trips() {
        let p = EverythingParams::new()
            .with_since(datetime!(2024-05-01 10:30:00 -4))
            .unwrap()
            .with_types(&["Condition", "Observation"])
            .unwrap()
            .with_count(100)
            .unwrap();
        assert_eq!(p.since_text(), Some("2024-05-01T14:30:00Z"));
        assert_eq!(EverythingParams::parse(&p.to_query()).unwrap(), p);
        assert_eq!(
            p.url("https://pos.example/fhir/", "a b"),
            "https://pos.example/fhir/Patient/a%20b/$everything?_since=2024-05-01T14%3A30%3A00Z&_type=Condition%2CObservation&_count=100"
        );
        assert_eq!(
            EverythingParams::new().url("https://x", "1"),
            "https://x/Patient/1/$everything"
        );
        assert!(EverythingParams::new().with_types(&["ok", "Bad"]).is_err());
        assert!(EverythingParams::new().with_count(0).is_err());
        assert!(
            EverythingParams::new()
                .with_since(datetime!(-5-01-01 0:00 UTC))
                .is_err()
        );
    }

    #[test]
    fn filters() {
        let p = EverythingParams::parse("_type=Condition&_since=2024-01-01T00:00:00Z").unwrap();
        let before = Some(datetime!(2023-12-31 23:59:59 UTC));
        let at = Some(datetime!(2024-01-01 00:00:00 UTC));
        assert!(!p.includes("Condition", before));
        assert!(p.includes("Condition", at));
        assert!(p.includes("Condition", None));
        assert!(p.includes("Patient", before));
        assert!(!p.includes("Observation", at));
        assert!(EverythingParams::ocean_types().includes_type("Medication"));
        assert!(!EverythingParams::ocean_types().includes_type("Claim"));
    }

    #[test]
    fn long_type_lists_are_read_in_one_pass() {
        // 40,000 distinct names, then the same names again: each kept once, in order. With a
        // scan per name this was 800 million comparisons (issue 18); now 80,000 hash lookups.
        let names: Vec<String> = (0..40_000).map(|i| format!("T{i}")).collect();
        let list = names.join(",");
        let p = EverythingParams::parse(&format!("_type={list}&_type={list}")).unwrap();
        assert_eq!(p.types().len(), 40_000);
        assert_eq!(p.types().first().map(String::as_str), Some("T0"));
        assert_eq!(p.types().last().map(String::as_str), Some("T39999"));
        let refs: Vec<&str> = names.iter().chain(&names).map(String::as_str).collect();
        assert_eq!(
            EverythingParams::new().with_types(&refs).unwrap().types(),
            names
        );
    }
}

#[cfg(test)]
mod format_instant_edges {
    use super::*;

    #[test]
    fn extreme_times_are_errors_not_panics() {
        let max = time::PrimitiveDateTime::MAX
            .assume_offset(time::UtcOffset::from_hms(-23, 0, 0).unwrap());
        assert!(format_instant(max).is_err());
        let min = time::PrimitiveDateTime::MIN
            .assume_offset(time::UtcOffset::from_hms(23, 0, 0).unwrap());
        assert!(format_instant(min).is_err());
    }
}
