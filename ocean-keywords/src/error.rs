//! Why extraction stops: [`ExtractError`] and its kinds. Only input that is not UTF-8 JSON, not an
//! object, or unreadable is an error; everything else is a [`crate::Finding`].

/// Why extraction stopped. Only input that is not JSON, not a JSON object, or unreadable stops it;
/// everything else is a [`crate::Finding`]. `Display` and `Debug` carry no input text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (line {line}, column {column})")]
#[non_exhaustive]
pub struct ExtractError {
    /// What went wrong.
    pub kind: ExtractErrorKind,
    /// 1-based line of the problem (0 when unknown).
    pub line: usize,
    /// 1-based column of the problem (0 when unknown).
    pub column: usize,
}

/// The kinds of [`ExtractError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractErrorKind {
    /// Not valid JSON (including nesting deeper than 128 levels).
    #[error("not valid JSON")]
    Syntax,
    /// The input ended in the middle of a value.
    #[error("unexpected end of input")]
    Eof,
    /// Reading failed.
    #[error("the input could not be read")]
    Io,
    /// Valid JSON, but not a FHIR Bundle or resource (not an object, or no `resourceType`).
    #[error("not a FHIR Bundle or resource")]
    NotAResource,
    /// Not UTF-8 (JSON must be; the position is the first invalid byte).
    #[error("not valid UTF-8")]
    InvalidUtf8,
    /// From a reader: one `entry` item, the top-level resource, or another top-level member is
    /// larger than [`crate::Rules::max_entry_bytes`]; reading stopped there.
    #[error("{} is larger than the limit of {limit} bytes", TooLargeWhat(*.entry))]
    TooLarge {
        /// The 0-based index of the `entry` item, or `None` for the top-level resource or member.
        entry: Option<usize>,
        /// The limit, in bytes.
        limit: usize,
    },
}

struct TooLargeWhat(Option<usize>);

impl std::fmt::Display for TooLargeWhat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(i) => write!(f, "Bundle.entry[{i}]"),
            None => f.write_str("the top-level resource or member"),
        }
    }
}

impl ExtractError {
    /// The error of a serde_json error from the slice path.
    pub(crate) fn from_json(e: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let kind = match e.classify() {
            Category::Io => ExtractErrorKind::Io,
            Category::Eof => ExtractErrorKind::Eof,
            Category::Syntax => ExtractErrorKind::Syntax,
            // Our visitors raise only the not-a-resource marker (`stream::bundle::NOT_A_RESOURCE`).
            Category::Data => ExtractErrorKind::NotAResource,
        };
        Self {
            kind,
            line: e.line(),
            column: e.column(),
        }
    }
}

/// The position of the first invalid UTF-8 byte in `bytes`, as an error.
pub(crate) fn utf8_error(bytes: &[u8], valid_up_to: usize) -> ExtractError {
    let before = bytes.get(..valid_up_to).unwrap_or_default();
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(before.len(), |p| before.len() - p - 1);
    ExtractError {
        kind: ExtractErrorKind::InvalidUtf8,
        line,
        column,
    }
}
