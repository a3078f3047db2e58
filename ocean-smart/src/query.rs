//! Percent-encoding (RFC 3986) and URL query strings. The codec is [`ocean_model::percent`]
//! (on the `percent-encoding` crate), re-exported here; this module adds query strings.
//!
//! Rules:
//! - [`encode`] keeps only the RFC 3986 *unreserved* characters (`A-Z a-z 0-9 - . _ ~`) and
//!   writes every other byte of the UTF-8 text as `%XX` with upper-case hex. The result is safe
//!   as a query value, a query name and a path segment.
//! - [`decode`] turns each `%XX` back into its byte and requires the result to be UTF-8. A `%`
//!   not followed by two hex digits is an error (never passed through), so a value cannot be
//!   read two ways. `+` stays `+`.
//! - [`decode_form`] is [`decode`] after turning `+` into a space
//!   (`application/x-www-form-urlencoded`, used by query strings in browsers and by OAuth token
//!   requests).
//! - [`parse_query`] splits on `&`, skips empty pieces, reads a piece without `=` as a name with
//!   an empty value, and form-decodes names and values. Order and duplicates are kept.
//! - [`QueryBuilder`] appends encoded parameters to a base URL, with `?` or `&` as needed, and
//!   keeps any `#fragment` of the base at the end.
//!
//! ```
//! use ocean_smart::query::{decode, encode, parse_query, QueryBuilder};
//! assert_eq!(encode("https://pos.example/fhir"), "https%3A%2F%2Fpos.example%2Ffhir");
//! assert_eq!(decode("a%20b+c").unwrap(), "a b+c");
//! let url = QueryBuilder::new("https://ocean.example/launch?x=1")
//!     .param("iss", "https://pos.example/fhir")
//!     .finish();
//! assert_eq!(url, "https://ocean.example/launch?x=1&iss=https%3A%2F%2Fpos.example%2Ffhir");
//! let q = parse_query("?a=1&b=two+words&&c").unwrap();
//! assert_eq!(q, vec![("a".into(), "1".into()), ("b".into(), "two words".into()), ("c".into(), "".into())]);
//! ```

pub use crate::url::{UrlKind, url_kind};
/// Percent-encoding and decoding: [`ocean_model::percent`], the workspace's one codec (same
/// rules as above).
pub use ocean_model::percent::{DecodeError, decode, decode_form, encode, is_unreserved};

/// Splits a query string (with or without the leading `?`) or a form body into decoded
/// name/value pairs, in order, duplicates kept.
pub fn parse_query(query: &str) -> Result<Vec<(String, String)>, DecodeError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut out = Vec::new();
    let mut offset = 0usize;
    for piece in query.split('&') {
        let at = offset;
        offset += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let shift = |e: DecodeError, base: usize| match e {
            DecodeError::BadEscape { offset } => DecodeError::BadEscape {
                offset: offset + base,
            },
            other => other,
        };
        let name = decode_form(name).map_err(|e| shift(e, at))?;
        let value = decode_form(value).map_err(|e| shift(e, at + piece.len() - value.len()))?;
        out.push((name, value));
    }
    Ok(out)
}

/// Builds a URL by appending percent-encoded query parameters to a base URL.
#[derive(Debug, Clone)]
pub struct QueryBuilder {
    url: String,
    fragment: Option<String>,
    has_query: bool,
}

impl QueryBuilder {
    /// Starts from a base URL, which may already have a query and/or a `#fragment`.
    pub fn new(base: &str) -> Self {
        let (url, fragment) = match base.split_once('#') {
            Some((u, f)) => (u, Some(f.to_owned())),
            None => (base, None),
        };
        Self {
            has_query: url.contains('?'),
            url: url.to_owned(),
            fragment,
        }
    }

    /// Appends `name=value`, both percent-encoded.
    #[must_use]
    pub fn param(mut self, name: &str, value: &str) -> Self {
        if !self.has_query {
            self.url.push('?');
            self.has_query = true;
        } else if !(self.url.ends_with('?') || self.url.ends_with('&')) {
            self.url.push('&');
        }
        self.url.push_str(&encode(name));
        self.url.push('=');
        self.url.push_str(&encode(value));
        self
    }

    /// Appends `name=value` when `value` is `Some`.
    #[must_use]
    pub fn opt_param(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.param(name, v),
            None => self,
        }
    }

    /// The URL.
    pub fn finish(self) -> String {
        match self.fragment {
            Some(f) => format!("{}#{f}", self.url),
            None => self.url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The hand-written codec this module had before it used `percent-encoding`: the reference
    // the crate-based one must agree with.
    use std::fmt::Write as _;

    fn hand_written_encode(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for &b in s.as_bytes() {
            if is_unreserved(b) {
                out.push(char::from(b));
            } else {
                // Writing to a String cannot fail.
                let _ = write!(out, "%{b:02X}");
            }
        }
        out
    }

    fn hex_value(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }

    fn hand_written_decode_bytes(bytes: &[u8], plus_is_space: bool) -> Result<String, DecodeError> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'%' => {
                    let hi = bytes.get(i + 1).copied().and_then(hex_value);
                    let lo = bytes.get(i + 2).copied().and_then(hex_value);
                    match (hi, lo) {
                        (Some(h), Some(l)) => out.push(h * 16 + l),
                        _ => return Err(DecodeError::BadEscape { offset: i }),
                    }
                    i += 3;
                }
                b'+' if plus_is_space => {
                    out.push(b' ');
                    i += 1;
                }
                _ => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|_| DecodeError::NotUtf8)
    }

    fn hand_written_decode(s: &str) -> Result<String, DecodeError> {
        hand_written_decode_bytes(s.as_bytes(), false)
    }

    fn hand_written_decode_form(s: &str) -> Result<String, DecodeError> {
        hand_written_decode_bytes(s.as_bytes(), true)
    }

    #[test]
    fn encodes_everything_but_unreserved() {
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            encode(" !\"#$%&'()*+,/:;=?@[]"),
            "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D"
        );
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(
            encode("patient/*.rs?category=a|b"),
            "patient%2F%2A.rs%3Fcategory%3Da%7Cb"
        );
        assert_eq!(encode(""), "");
    }

    #[test]
    fn decodes_and_rejects_bad_escapes() {
        assert_eq!(decode("%C3%a9").unwrap(), "é");
        assert_eq!(decode("a+b").unwrap(), "a+b");
        assert_eq!(decode_form("a+b%2B").unwrap(), "a b+");
        assert_eq!(decode("%"), Err(DecodeError::BadEscape { offset: 0 }));
        assert_eq!(decode("ab%4"), Err(DecodeError::BadEscape { offset: 2 }));
        assert_eq!(decode("%zz"), Err(DecodeError::BadEscape { offset: 0 }));
        assert_eq!(decode("%FF"), Err(DecodeError::NotUtf8));
    }

    #[test]
    fn round_trips_every_byte() {
        let all: String = (0u32..0x250).filter_map(char::from_u32).collect();
        assert_eq!(decode(&encode(&all)).unwrap(), all);
        assert_eq!(decode_form(&encode(&all)).unwrap(), all);
    }

    #[test]
    fn parses_queries() {
        assert_eq!(parse_query("").unwrap(), vec![]);
        assert_eq!(parse_query("?").unwrap(), vec![]);
        assert_eq!(
            parse_query("a=1&a=2&b").unwrap(),
            vec![
                ("a".into(), "1".into()),
                ("a".into(), "2".into()),
                ("b".into(), "".into())
            ]
        );
        assert_eq!(
            parse_query("x=a=b").unwrap(),
            vec![("x".into(), "a=b".into())]
        );
        assert_eq!(
            parse_query("ok=1&bad=%g1"),
            Err(DecodeError::BadEscape { offset: 9 })
        );
    }

    #[test]
    fn builds_urls() {
        assert_eq!(
            QueryBuilder::new("https://a/b").param("k", "v w").finish(),
            "https://a/b?k=v%20w"
        );
        assert_eq!(
            QueryBuilder::new("https://a/b?").param("k", "v").finish(),
            "https://a/b?k=v"
        );
        assert_eq!(
            QueryBuilder::new("https://a/b?x=1&")
                .param("k", "v")
                .finish(),
            "https://a/b?x=1&k=v"
        );
        assert_eq!(
            QueryBuilder::new("https://a/b#frag")
                .param("k", "v")
                .opt_param("n", None)
                .finish(),
            "https://a/b?k=v#frag"
        );
        assert_eq!(QueryBuilder::new("https://a/b").finish(), "https://a/b");
    }

    #[test]
    fn invalid_escapes_and_plus() {
        for (text, offset) in [
            ("%", 0),
            ("a%", 1),
            ("%4", 0),
            ("%g0", 0),
            ("%0g", 0),
            ("%%41", 0),
            ("%41%", 3),
            ("%41%4", 3),
            ("x%+1", 1),
        ] {
            assert_eq!(
                decode(text),
                Err(DecodeError::BadEscape { offset }),
                "{text}"
            );
            assert_eq!(
                decode_form(text),
                Err(DecodeError::BadEscape { offset }),
                "{text}"
            );
        }
        assert_eq!(decode("%41%42").unwrap(), "AB");
        assert_eq!(decode("%e9"), Err(DecodeError::NotUtf8));
        // `+` is a space only in forms; an encoded `%2B` is always a plus.
        assert_eq!(decode("a+b%2B").unwrap(), "a+b+");
        assert_eq!(decode_form("a+b%2B").unwrap(), "a b+");
        assert_eq!(decode_form("++").unwrap(), "  ");
        assert_eq!(decode_form("%2B+%20").unwrap(), "+  ");
        assert_eq!(
            parse_query("a+b=c+d%2B").unwrap(),
            vec![("a b".into(), "c d+".into())]
        );
        assert_eq!(encode("a+b c"), "a%2Bb%20c");
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_hand_written_codec(text in "([%+a-fA-F0-9gG= &]|\\PC){0,16}") {
            proptest::prop_assert_eq!(encode(&text), hand_written_encode(&text));
            proptest::prop_assert_eq!(decode(&text), hand_written_decode(&text));
            proptest::prop_assert_eq!(decode_form(&text), hand_written_decode_form(&text));
        }
    }
}
