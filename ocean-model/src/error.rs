//! Parse errors. They name where (FHIR element path, line, column) and what kind of problem,
//! and never carry any text from the input: no names, identifiers, dates or free text.

use std::fmt;

pub(crate) const MSG_NO_RESOURCE_TYPE: &str = "resource object has no resourceType";
pub(crate) const MSG_TOO_DEEP: &str = "nesting too deep";
/// Separates a replayed member's error message from the element path inside it.
const PATH_MARK: &str = "\u{1}@";
const MSG_WRONG_RESOURCE_TYPE: &str = "resourceType does not match the expected ";
const MSG_INVALID_DECIMAL: &str = "invalid type: expected a decimal number";

/// What kind of problem stopped parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input is not valid JSON.
    Syntax,
    /// The input ended in the middle of a value.
    Eof,
    /// Reading the input failed.
    Io,
    /// A value has the wrong JSON type for its element, e.g. a number where a string belongs.
    /// `expected` describes what the element needs (`"a string"`, `"a FHIR Coding object"`).
    InvalidType {
        /// What the element needs.
        expected: Option<String>,
    },
    /// A value has the right JSON type but an impossible value.
    InvalidValue {
        /// What the element needs.
        expected: Option<String>,
    },
    /// A resource object without `resourceType`.
    MissingResourceType,
    /// A resource read as a specific type whose `resourceType` is another type.
    WrongResourceType {
        /// The type that was expected.
        expected: String,
    },
    /// Resources nest deeper than [`MAX_RESOURCE_DEPTH`](crate::json::MAX_RESOURCE_DEPTH), or
    /// members before `resourceType` nest too deep to be read again.
    TooDeep,
    /// Any other content problem.
    InvalidContent,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax => f.write_str("not valid JSON"),
            Self::Eof => f.write_str("unexpected end of input"),
            Self::Io => f.write_str("input could not be read"),
            Self::InvalidType { expected: Some(e) } => write!(f, "wrong JSON type, expected {e}"),
            Self::InvalidType { expected: None } => f.write_str("wrong JSON type"),
            Self::InvalidValue { expected: Some(e) } => write!(f, "invalid value, expected {e}"),
            Self::InvalidValue { expected: None } => f.write_str("invalid value"),
            Self::MissingResourceType => f.write_str("resource without resourceType"),
            Self::WrongResourceType { expected } => {
                write!(f, "resourceType is not the expected {expected}")
            }
            Self::TooDeep => f.write_str("nested too deeply"),
            Self::InvalidContent => f.write_str("invalid content"),
        }
    }
}

/// FHIR JSON could not be parsed. `Display` and `Debug` contain only the element path, the
/// line and column, and the kind of problem, never input text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// The FHIR element path where it went wrong (`Bundle.entry[3].resource.gender`), when
    /// known. Member names that do not look like FHIR element names are shown as `?`.
    pub path: Option<String>,
    /// 1-based line in the input (0 if unknown).
    pub line: usize,
    /// 1-based column in the input (0 if unknown).
    pub column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid FHIR JSON")?;
        if let Some(p) = &self.path {
            write!(f, " at {p}")?;
        }
        write!(f, ": {}", self.kind)?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

/// The message of a serde_json error without its position suffix.
fn bare_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if e.line() > 0 {
        if let Some(i) = text.rfind(" at line ") {
            return text.get(..i).unwrap_or_default().to_owned();
        }
    }
    text
}

/// Splits a message into the message proper and the path inside a replayed member, if any.
fn split_mark(msg: &str) -> (&str, Option<&str>) {
    match msg.split_once(PATH_MARK) {
        Some((m, p)) => (m, Some(p)),
        None => (msg, None),
    }
}

/// The element path (after the current position) carried by an error's message, if any.
pub(crate) fn carried_path(e: &serde_json::Error) -> Option<String> {
    split_mark(&bare_message(e)).1.map(str::to_owned)
}

/// The message for a member replayed from raw text (it came before `resourceType`): the safe
/// message plus the path from the member to the problem, found by reading it again with path
/// tracking.
pub(crate) fn replay_message<T: serde::de::DeserializeOwned>(
    e: &serde_json::Error,
    key: &str,
    raw: &str,
) -> String {
    let mut de = serde_json::Deserializer::from_str(raw);
    let inner = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(pe) => {
            let mut p = format_path("", pe.path());
            p.push_str(&carried_path(pe.inner()).unwrap_or_default());
            p
        }
        Ok(_) => String::new(),
    };
    let segment = if safe_segment(key) { key } else { "?" };
    format!("{}{PATH_MARK}.{segment}{inner}", safe_message(e))
}

/// The `expected …` tail of a serde message, if it is safe to show (it comes from our own or
/// serde's `expecting` text, never from the input).
fn expected_tail(msg: &str) -> Option<String> {
    let i = msg.rfind(", expected ")?;
    let tail = msg.get(i + ", expected ".len()..)?;
    let safe = tail.len() <= 80
        && tail.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '(' | ')' | '[' | ']')
        });
    safe.then(|| tail.to_owned())
}

fn classify_message(msg: &str) -> ParseErrorKind {
    let msg = split_mark(msg).0;
    if msg.starts_with(MSG_TOO_DEEP) || msg.starts_with("recursion limit exceeded") {
        ParseErrorKind::TooDeep
    } else if msg.starts_with(MSG_NO_RESOURCE_TYPE) {
        ParseErrorKind::MissingResourceType
    } else if let Some(t) = msg.strip_prefix(MSG_WRONG_RESOURCE_TYPE) {
        let ok = t.len() <= 40 && t.chars().all(|c| c.is_ascii_alphanumeric());
        ParseErrorKind::WrongResourceType {
            expected: if ok { t.to_owned() } else { String::new() },
        }
    } else if msg.starts_with(MSG_INVALID_DECIMAL) {
        ParseErrorKind::InvalidType {
            expected: Some("a decimal number".to_owned()),
        }
    } else if msg.starts_with("invalid type") {
        ParseErrorKind::InvalidType {
            expected: expected_tail(msg),
        }
    } else if msg.starts_with("invalid value") || msg.starts_with("invalid length") {
        ParseErrorKind::InvalidValue {
            expected: expected_tail(msg),
        }
    } else {
        ParseErrorKind::InvalidContent
    }
}

/// A message for a nested error that is re-raised through `de::Error::custom`: same shape as
/// serde's, with the input-derived part removed.
pub(crate) fn safe_message(e: &serde_json::Error) -> String {
    match classify_json(e) {
        ParseErrorKind::MissingResourceType => MSG_NO_RESOURCE_TYPE.to_owned(),
        ParseErrorKind::TooDeep => MSG_TOO_DEEP.to_owned(),
        ParseErrorKind::WrongResourceType { expected } => {
            format!("{MSG_WRONG_RESOURCE_TYPE}{expected}")
        }
        ParseErrorKind::InvalidType { expected: Some(x) } => {
            format!("invalid type: value, expected {x}")
        }
        ParseErrorKind::InvalidValue { expected: Some(x) } => {
            format!("invalid value: value, expected {x}")
        }
        ParseErrorKind::InvalidType { expected: None } => "invalid type: value".to_owned(),
        ParseErrorKind::InvalidValue { expected: None } => "invalid value: value".to_owned(),
        other => other.to_string(),
    }
}

/// Whether a failure is a modelled element that does not fit its type (wrong JSON type,
/// impossible value, a resource without `resourceType`): what lenient reading keeps instead.
/// Syntax, end of input, I/O and nesting failures are not.
pub(crate) fn is_wrong_type(e: &serde_json::Error) -> bool {
    matches!(
        classify_json(e),
        ParseErrorKind::InvalidType { .. }
            | ParseErrorKind::InvalidValue { .. }
            | ParseErrorKind::MissingResourceType
            | ParseErrorKind::WrongResourceType { .. }
            | ParseErrorKind::InvalidContent
    )
}

fn classify_json(e: &serde_json::Error) -> ParseErrorKind {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => ParseErrorKind::Io,
        Category::Syntax => ParseErrorKind::Syntax,
        Category::Eof => ParseErrorKind::Eof,
        Category::Data => classify_message(&bare_message(e)),
    }
}

/// Whether a member name may be shown in a path: FHIR element names are lowerCamelCase ASCII
/// (primitive extensions start with `_`). Anything else might be input text.
pub(crate) fn safe_segment(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 64
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(crate) fn format_path(root: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = root.to_owned();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } if safe_segment(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Map { .. } | Segment::Enum { .. } | Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

impl ParseError {
    pub(crate) fn from_json(e: serde_json::Error) -> Self {
        Self {
            kind: classify_json(&e),
            path: None,
            line: e.line(),
            column: e.column(),
        }
    }

    pub(crate) fn with_path(mut self, path: Option<String>) -> Self {
        self.path = path;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_tail_is_filtered() {
        assert_eq!(
            expected_tail("invalid type: string \"Jane, expected x\", expected a boolean"),
            Some("a boolean".to_owned())
        );
        assert_eq!(
            expected_tail("invalid type: map, expected \"quoted\""),
            None
        );
    }

    #[test]
    fn marks() {
        assert_eq!(
            split_mark("invalid type: value\u{1}@.gender"),
            ("invalid type: value", Some(".gender"))
        );
        assert_eq!(
            classify_message("nesting too deep\u{1}@.contained[0]"),
            ParseErrorKind::TooDeep
        );
    }

    #[test]
    fn segments() {
        assert!(safe_segment("birthDate"));
        assert!(safe_segment("_given"));
        assert!(!safe_segment("Jane Doe"));
        assert!(!safe_segment("Doe"));
        assert!(!safe_segment("9876543210"));
    }
}
