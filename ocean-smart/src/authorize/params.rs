//! OAuth request parameters as both requests read them: each at most once (RFC 6749 3.1), and
//! an empty value counts as absent.

/// Stores `value` in an empty `slot`; a second value for the same parameter is the error
/// `repeated` makes from its name.
pub(super) fn set_once<E>(
    slot: &mut Option<String>,
    name: &str,
    value: String,
    repeated: impl FnOnce(String) -> E,
) -> Result<(), E> {
    if slot.is_some() {
        return Err(repeated(name.to_owned()));
    }
    *slot = Some(value);
    Ok(())
}

/// The value, if present and not empty.
pub(super) fn present(o: &Option<String>) -> Option<&str> {
    o.as_deref().filter(|s| !s.is_empty())
}
