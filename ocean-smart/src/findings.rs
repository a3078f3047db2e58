//! What a checker found: each finding names the field (JSON member or parameter) it is about
//! and the rule it breaks. Findings never hold patient data: a patient id, a token or a secret
//! is never copied into a message.

use std::fmt;

use serde::Serialize;

/// How bad a finding is: the workspace's one severity scale, [`ocean_model::Severity`].
///
/// Checkers here report only [`Severity::Error`] (Ocean cannot work, or the standard is broken,
/// until it is fixed) and [`Severity::Warning`] (works, but something Ocean or the standard
/// recommends is missing, or it rests on an unconfirmed assumption). JSON and `Display` write
/// `error` and `warning`.
pub use ocean_model::Severity;

/// One problem found by a checker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The JSON member, parameter or claim the finding is about (`token_endpoint`,
    /// `capabilities`, `launch.action`…).
    pub field: String,
    /// The rule id (see the rules tables in the crate and module docs).
    pub rule: &'static str,
    /// What is wrong and what to do, in English.
    pub message: String,
}

impl Finding {
    /// An error.
    pub fn error(rule: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            field: field.into(),
            rule,
            message: message.into(),
        }
    }

    /// A warning.
    pub fn warning(
        rule: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            field: field.into(),
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}: {}",
            self.severity, self.rule, self.field, self.message
        )
    }
}

/// The findings of one check, in the order the rules ran.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Findings(Vec<Finding>);

impl Findings {
    /// No findings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        self.0.push(finding);
    }

    /// Adds all findings of `other`.
    pub fn extend(&mut self, other: Findings) {
        self.0.extend(other.0);
    }

    /// Whether there is no error (warnings allowed).
    pub fn is_ok(&self) -> bool {
        !self.0.iter().any(|f| f.severity == Severity::Error)
    }

    /// Whether there is no finding at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of findings.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// All findings.
    pub fn iter(&self) -> std::slice::Iter<'_, Finding> {
        self.0.iter()
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.0.iter().filter(|f| f.severity == Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.0.iter().filter(|f| f.severity == Severity::Warning)
    }

    /// Whether some finding has this rule id.
    pub fn has_rule(&self, rule: &str) -> bool {
        self.0.iter().any(|f| f.rule == rule)
    }

    /// Whether some finding is about this field.
    pub fn mentions(&self, field: &str) -> bool {
        self.0.iter().any(|f| f.field == field)
    }

    /// The findings as a vector.
    pub fn into_vec(self) -> Vec<Finding> {
        self.0
    }
}

impl<'a> IntoIterator for &'a Findings {
    type Item = &'a Finding;
    type IntoIter = std::slice::Iter<'a, Finding>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for Findings {
    type Item = Finding;
    type IntoIter = std::vec::IntoIter<Finding>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Findings {
    /// One finding per line; `no findings` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no findings");
        }
        for (i, finding) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{finding}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports() {
        let mut f = Findings::new();
        assert!(f.is_ok() && f.is_empty());
        assert_eq!(f.to_string(), "no findings");
        f.push(Finding::warning("w.rule", "scopes_supported", "absent"));
        assert!(f.is_ok());
        f.push(Finding::error("e.rule", "token_endpoint", "missing"));
        assert!(!f.is_ok());
        assert_eq!(f.errors().count(), 1);
        assert_eq!(f.warnings().count(), 1);
        assert!(f.has_rule("e.rule") && f.mentions("token_endpoint"));
        assert_eq!(
            f.to_string(),
            "warning [w.rule] scopes_supported: absent\nerror [e.rule] token_endpoint: missing"
        );
        assert_eq!(
            serde_json::to_value(&f).unwrap()[1]["severity"],
            serde_json::json!("error")
        );
    }
}
