//! Percent-encoding (RFC 3986 §2.1) and `application/x-www-form-urlencoded` text, on the
//! `percent-encoding` crate: the one encoder for Ocean URLs, query strings and OAuth form
//! bodies.
//!
//! Rules:
//! - [`encode`] keeps only the RFC 3986 *unreserved* characters (`A-Z a-z 0-9 - . _ ~`) and
//!   writes every other byte of the UTF-8 text as `%XX` with upper-case hex. The result is safe
//!   as a path segment, a query name and a query value.
//! - [`encode_form`] is [`encode`] with a space written as `+` (form bodies; RFC 6749 §2.3.1
//!   also form-encodes a client id and secret before Basic authentication).
//! - [`decode`] turns each `%XX` back into its byte and requires the result to be UTF-8. A `%`
//!   not followed by two hex digits is an error (never passed through), so a value cannot be
//!   read two ways. `+` stays `+`.
//! - [`decode_form`] is [`decode`] after turning `+` into a space.
//!
//! ```
//! use ocean_model::percent::{decode, decode_form, encode, encode_form};
//! assert_eq!(encode("https://pos.example/fhir"), "https%3A%2F%2Fpos.example%2Ffhir");
//! assert_eq!(encode_form("pos client&1~"), "pos+client%261~");
//! assert_eq!(decode("a%20b+c").unwrap(), "a b+c");
//! assert_eq!(decode_form("a%20b+c").unwrap(), "a b c");
//! assert!(decode("100%").is_err());
//! ```

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, utf8_percent_encode};

/// Every byte except the RFC 3986 unreserved characters.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a percent-encoded text could not be decoded. Carries no part of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// A `%` at this byte offset is not followed by two hex digits.
    #[error("bad percent escape at byte {offset}")]
    BadEscape {
        /// Byte offset of the `%`.
        offset: usize,
    },
    /// The decoded bytes are not UTF-8.
    #[error("decoded text is not UTF-8")]
    NotUtf8,
}

/// Whether a byte is RFC 3986 *unreserved* (`ALPHA / DIGIT / "-" / "." / "_" / "~"`).
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes every byte of `text` except the RFC 3986 unreserved characters.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// [`encode`], with a space written as `+` (`application/x-www-form-urlencoded`).
pub fn encode_form(text: &str) -> String {
    // The encoder yields each escaped byte as its own `%XX` piece, so a space is exactly the
    // piece `%20` (a literal `%20` in the text is written `%2520`).
    utf8_percent_encode(text, NOT_UNRESERVED)
        .map(|piece| if piece == "%20" { "+" } else { piece })
        .collect()
}

/// Checks that every `%` starts a `%XX` escape.
fn check_escapes(text: &str) -> Result<(), DecodeError> {
    let b = text.as_bytes();
    for (offset, _) in text.match_indices('%') {
        let hex = |i: usize| b.get(offset + i).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(1) && hex(2)) {
            return Err(DecodeError::BadEscape { offset });
        }
    }
    Ok(())
}

fn utf8(bytes: Cow<'_, [u8]>) -> Result<String, DecodeError> {
    String::from_utf8(bytes.into_owned()).map_err(|_| DecodeError::NotUtf8)
}

/// Decodes `%XX` escapes (RFC 3986). `+` is kept as `+`.
pub fn decode(text: &str) -> Result<String, DecodeError> {
    check_escapes(text)?;
    utf8(percent_decode(text.as_bytes()).into())
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, then `%XX` escapes.
pub fn decode_form(text: &str) -> Result<String, DecodeError> {
    check_escapes(text)?;
    let spaced = text.replace('+', " ");
    utf8(percent_decode(spaced.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_outputs_as_the_hand_written_encoders() {
        // ocean-messages http.rs and ocean-smart query.rs cases.
        assert_eq!(encode_form("pos client"), "pos+client");
        assert_eq!(encode_form("s3cr&t"), "s3cr%26t");
        assert_eq!(encode("a b/é"), "a%20b%2F%C3%A9");
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode_form("%20+"), "%2520%2B");
        assert_eq!(decode("%e9").unwrap_err(), DecodeError::NotUtf8);
        assert_eq!(decode("%C3%A9").unwrap(), "é");
        assert_eq!(
            decode("ab%2").unwrap_err(),
            DecodeError::BadEscape { offset: 2 }
        );
        assert_eq!(
            decode_form("a+%zz").unwrap_err(),
            DecodeError::BadEscape { offset: 2 }
        );
        assert_eq!(decode_form("a+b%2B").unwrap(), "a b+");
        assert_eq!(decode("").unwrap(), "");
        for b in 0..=255u8 {
            let text = char::from(b).to_string();
            if b.is_ascii() {
                assert_eq!(is_unreserved(b), encode(&text) == text, "{b}");
            }
        }
    }
}
