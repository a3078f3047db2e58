//! How serious a reported problem is: the one severity scale of the workspace.
//!
//! [`Severity`] is FHIR's `IssueSeverity` (the OperationOutcome severities,
//! <http://hl7.org/fhir/ValueSet/issue-severity>) without `fatal`: nothing in the toolkit stops
//! checking at the first problem, so no finding is "fatal". It orders from most to least
//! serious (`Error < Warning < Information`), so sorting findings by severity puts errors
//! first.
//!
//! # JSON
//! Serde writes the FHIR codes: `"error"`, `"warning"`, `"information"`, and reads them back,
//! also accepting `"info"`.
//!
//! A crate whose JSON output already says `"info"` (ocean-keywords' findings) keeps it unchanged
//! with the field attribute `#[serde(with = "ocean_model::severity::short")]`, which writes
//! [`Severity::short_str`] (`"error"`, `"warning"`, `"info"`) and reads either form. Such a crate
//! that also derives `schemars::JsonSchema` keeps its checked-in schema with a
//! `#[schemars(schema_with = "…")]` function of its own that lists the three short codes.
//!
//! ```
//! use ocean_model::Severity;
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Finding {
//!     #[serde(with = "ocean_model::severity::short")]
//!     severity: Severity,
//! }
//! let f = Finding { severity: Severity::Information };
//! assert_eq!(serde_json::to_string(&f).unwrap(), r#"{"severity":"info"}"#);
//! assert_eq!(serde_json::to_string(&Severity::Information).unwrap(), r#""information""#);
//! assert_eq!(Severity::from_code("warning"), Some(Severity::Warning));
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::IssueSeverity;

/// How serious a problem is: an OperationOutcome severity other than `fatal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The content breaks a required rule, or cannot be used as it is.
    Error,
    /// The content breaks a recommendation, or works in a way the reader should know about.
    Warning,
    /// For information.
    #[serde(alias = "info")]
    Information,
}

impl Severity {
    /// Every severity, most serious first.
    pub const ALL: [Severity; 3] = [Self::Error, Self::Warning, Self::Information];

    /// The FHIR `IssueSeverity` code: `error`, `warning`, `information`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Information => "information",
        }
    }

    /// The short form some outputs use: `error`, `warning`, `info`.
    pub const fn short_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Information => "info",
        }
    }

    /// Reads a FHIR code or the short form (`info`); `None` for anything else, `fatal`
    /// included (see [`Severity::from_issue_severity`] for OperationOutcomes).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "error" => Some(Self::Error),
            "warning" => Some(Self::Warning),
            "information" | "info" => Some(Self::Information),
            _ => None,
        }
    }

    /// The OperationOutcome severity.
    pub fn issue_severity(self) -> IssueSeverity {
        match self {
            Self::Error => IssueSeverity::Error,
            Self::Warning => IssueSeverity::Warning,
            Self::Information => IssueSeverity::Information,
        }
    }

    /// The severity of an OperationOutcome issue: `fatal` counts as [`Severity::Error`] (the
    /// most serious this scale has); an unrecognised code is `None`.
    pub fn from_issue_severity(severity: &IssueSeverity) -> Option<Self> {
        match severity {
            IssueSeverity::Fatal | IssueSeverity::Error => Some(Self::Error),
            IssueSeverity::Warning => Some(Self::Warning),
            IssueSeverity::Information => Some(Self::Information),
            IssueSeverity::Unrecognized(_) => None,
        }
    }
}

impl fmt::Display for Severity {
    /// The FHIR code ([`Severity::as_str`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Severity> for IssueSeverity {
    fn from(s: Severity) -> Self {
        s.issue_severity()
    }
}

/// Serde functions for a [`Severity`] field written in the short form (`error`, `warning`,
/// `info`): `#[serde(with = "ocean_model::severity::short")]`. Reading accepts both forms.
pub mod short {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Severity;

    /// Writes [`Severity::short_str`].
    pub fn serialize<S: Serializer>(severity: &Severity, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(severity.short_str())
    }

    /// Reads a short or FHIR code.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Severity, D::Error> {
        Severity::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Short {
        #[serde(with = "short")]
        severity: Severity,
    }

    #[test]
    fn codes_round_trip() {
        for s in Severity::ALL {
            assert_eq!(Severity::from_code(s.as_str()), Some(s));
            assert_eq!(Severity::from_code(s.short_str()), Some(s));
            assert_eq!(Severity::from_issue_severity(&s.issue_severity()), Some(s));
            assert_eq!(IssueSeverity::from(s).as_str(), s.as_str());
            assert_eq!(s.to_string(), s.as_str());
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<Severity>(&json).unwrap(), s);
            let short = serde_json::to_string(&Short { severity: s }).unwrap();
            assert_eq!(short, format!("{{\"severity\":\"{}\"}}", s.short_str()));
            assert_eq!(serde_json::from_str::<Short>(&short).unwrap().severity, s);
        }
        assert_eq!(Severity::from_code("fatal"), None);
        assert_eq!(Severity::from_code("Error"), None);
        assert_eq!(
            Severity::from_issue_severity(&IssueSeverity::Fatal),
            Some(Severity::Error)
        );
        assert_eq!(
            Severity::from_issue_severity(&IssueSeverity::from_code("odd")),
            None
        );
        assert!(serde_json::from_str::<Severity>("\"fatal\"").is_err());
        assert_eq!(
            serde_json::from_str::<Short>(r#"{"severity":"information"}"#)
                .unwrap()
                .severity,
            Severity::Information
        );
    }

    #[test]
    fn most_serious_first() {
        let mut v = vec![Severity::Information, Severity::Error, Severity::Warning];
        v.sort();
        assert_eq!(v, Severity::ALL);
    }
}
