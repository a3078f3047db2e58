//! Why a scope token is not valid, and the RFC 6749 character rule every token is checked
//! against first.

/// Why a scope token is not valid. Names the part that is wrong, not the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// The token is empty.
    #[error("empty scope")]
    Empty,
    /// A character that RFC 6749 does not allow in a scope (space, `"`, `\`, control or
    /// non-ASCII) at this byte offset.
    #[error("character not allowed in a scope at byte {offset}")]
    InvalidCharacter {
        /// Byte offset of the character.
        offset: usize,
    },
    /// A `patient/`, `user/` or `system/` scope without `.permissions`.
    #[error("clinical scope without `.permissions` (expected e.g. `patient/Observation.rs`)")]
    MissingPermissions,
    /// The resource part is neither `*` nor a resource type name.
    #[error("resource type must be `*` or a FHIR resource type name such as `Observation`")]
    InvalidResourceType,
    /// The permissions are neither v1 (`read`, `write`, `*`) nor an in-order subset of `cruds`.
    #[error("permissions must be `read`, `write`, `*` or an in-order subset of `cruds`")]
    InvalidPermissions,
    /// A `?query` after v1 permissions.
    #[error("a `?query` is only allowed with v2 permissions (e.g. `.rs?category=…`)")]
    QueryWithV1,
    /// The `?query` is empty or has a piece that is not `name=value`.
    #[error("scope query must be `name=value` pieces joined by `&`")]
    InvalidQuery,
    /// `patient/$` without a valid operation name.
    #[error("operation scope needs a name of letters, digits, `-` or `_` after `$`")]
    InvalidOperation,
    /// `launch/` with nothing after it.
    #[error("`launch/` needs a context name (e.g. `launch/patient`)")]
    EmptyLaunchContext,
}

/// A token that did not parse, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid scope `{token}`: {error}")]
pub struct InvalidScope {
    /// The token as received (scopes carry no patient data).
    pub token: String,
    /// Why.
    pub error: ScopeError,
}

/// Checks that every byte of `token` is an RFC 6749 scope character (printable ASCII except
/// space, `"` and `\`).
pub(super) fn validate_chars(token: &str) -> Result<(), ScopeError> {
    match token
        .bytes()
        .position(|b| !(b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b)))
    {
        Some(offset) => Err(ScopeError::InvalidCharacter { offset }),
        None => Ok(()),
    }
}
