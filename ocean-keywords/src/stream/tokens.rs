//! The fast path's building blocks over checked text, shared by the entry walk
//! ([`super::fast`]) and its member reads ([`super::members`]): why it gives up ([`Fail`]), member
//! names, the step to the next member, and strings read without serde.

use super::skip::{self, Stop, ws};
use std::borrow::Cow;

/// Why the fast path gave up (the caller then reads the same bytes with serde).
#[derive(Debug)]
pub(crate) enum Fail {
    /// The scanner stopped: malformed JSON, or the bytes ran out.
    Scan,
    /// serde_json refused a part the scanner accepted (a number out of range, a nesting limit,
    /// an invalid escape in a member name).
    Serde,
}

impl From<Stop> for Fail {
    fn from(_: Stop) -> Self {
        Fail::Scan
    }
}

pub(super) fn at(b: &[u8], i: usize) -> Result<u8, Fail> {
    b.get(i).copied().ok_or(Fail::Scan)
}

pub(super) fn sub(text: &str, from: usize, to: usize) -> Result<&str, Fail> {
    text.get(from..to).ok_or(Fail::Scan)
}

/// A member name whose quotes are at `start` and `end - 1`, decoded by serde_json when it has an
/// escape (so an escape serde_json refuses in a name is refused here too).
#[inline]
fn key(text: &str, start: usize, end: usize, escaped: bool) -> Result<Cow<'_, str>, Fail> {
    if escaped {
        serde_json::from_str::<String>(sub(text, start, end)?)
            .map(Cow::Owned)
            .map_err(|_| Fail::Serde)
    } else {
        Ok(Cow::Borrowed(sub(text, start + 1, end.saturating_sub(1))?))
    }
}

/// After `{` or `,` in an object: the member name and the index of its value.
#[inline]
pub(super) fn member(text: &str, i: usize) -> Result<(Cow<'_, str>, usize), Fail> {
    let b = text.as_bytes();
    if at(b, i)? != b'"' {
        return Err(Stop::Invalid.into());
    }
    let (end, escaped) = skip::string_escaped(b, i + 1)?;
    let k = key(text, i, end, escaped)?;
    let c = ws(b, end);
    if at(b, c)? != b':' {
        return Err(Stop::Invalid.into());
    }
    Ok((k, ws(b, c + 1)))
}

/// After a member's value at `*i`: `,` gives `Ok(true)` with `*i` at the next member's name; `}`
/// gives `Ok(false)` with `*i` past it; anything else is [`Fail::Scan`].
pub(super) fn next_member(b: &[u8], i: &mut usize) -> Result<bool, Fail> {
    let c = ws(b, *i);
    match at(b, c)? {
        b',' => {
            *i = ws(b, c + 1);
            Ok(true)
        }
        b'}' => {
            *i = c + 1;
            Ok(false)
        }
        _ => Err(Stop::Invalid.into()),
    }
}

/// A string without escapes at `v`: its text (what serde_json borrows for it) and the index after
/// it. `None` for any other value, or a string with an escape: the serde path decodes those, and
/// reads other JSON types (a number may be out of serde_json's range, an error only it reports).
pub(super) fn plain(text: &str, v: usize) -> Result<Option<(&str, usize)>, Fail> {
    let b = text.as_bytes();
    if at(b, v)? != b'"' {
        return Ok(None);
    }
    let (end, escaped) = skip::string_escaped(b, v + 1)?;
    if escaped {
        return Ok(None);
    }
    Ok(Some((sub(text, v + 1, end - 1)?, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_takes_only_strings_without_escapes() {
        assert_eq!(plain(r#""cm" "#, 0).unwrap(), Some(("cm", 4)));
        assert_eq!(plain(r#""c\u006d" "#, 0).unwrap(), None);
        assert_eq!(plain("12 ", 0).unwrap(), None);
        assert!(plain(r#""cm"#, 0).is_err());
    }
}
