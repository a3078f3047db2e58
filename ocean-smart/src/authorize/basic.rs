//! `client_secret_basic`: the `Authorization: Basic` header a client may authenticate with
//! (RFC 6749 2.3.1).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use crate::query;
use crate::secret::Secret;

/// Decodes the Base64 of a Basic header: the standard alphabet (RFC 4648 section 4), with or
/// without `=` padding (up to two `=` are ignored, as before this used the `base64` crate), and
/// unused bits of the last character zero. `None` when it is not Base64.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let unpadded = text.trim_end_matches('=');
    if text.len() - unpadded.len() > 2 {
        return None;
    }
    STANDARD_NO_PAD.decode(unpadded).ok()
}

/// Reads an `Authorization: Basic …` header into client id and secret (RFC 6749 2.3.1: both
/// form-encoded before Base64). `None` if it is not a valid Basic header.
pub fn parse_basic_auth(header: &str) -> Option<(String, Secret)> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = String::from_utf8(base64_decode(rest.trim())?).ok()?;
    let (id, secret) = raw.split_once(':')?;
    Some((
        query::decode_form(id).ok()?,
        Secret::new(query::decode_form(secret).ok()?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written decoder this module had before it used the `base64` crate: the
    /// reference the crate-based one must agree with.
    fn hand_written_decode(text: &str) -> Option<Vec<u8>> {
        let t = text.trim_end_matches('=');
        if text.len() - t.len() > 2 {
            return None;
        }
        let mut out = Vec::with_capacity(t.len() * 3 / 4);
        let mut acc = 0u32;
        let mut bits = 0u32;
        for b in t.bytes() {
            let v = match b {
                b'A'..=b'Z' => b - b'A',
                b'a'..=b'z' => b - b'a' + 26,
                b'0'..=b'9' => b - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            };
            acc = (acc << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push(u8::try_from((acc >> bits) & 0xFF).ok()?);
            }
        }
        // Leftover bits must be padding zeros, and a lone 6-bit group is not valid Base64.
        if bits >= 6 || acc & ((1 << bits) - 1) != 0 {
            return None;
        }
        Some(out)
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("b2NlYW46czNjcmV0").unwrap(), b"ocean:s3cret");
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
        assert_eq!(base64_decode("YWI=").unwrap(), b"ab");
        assert_eq!(base64_decode("YWI").unwrap(), b"ab");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert!(base64_decode("YQ===").is_none());
        assert!(base64_decode("Y").is_none());
        assert!(base64_decode("YR==").is_none());
        assert!(base64_decode("a$==").is_none());
    }

    #[test]
    fn basic_auth() {
        let (id, s) = parse_basic_auth("Basic b2NlYW46czNjcmV0").unwrap();
        assert_eq!((id.as_str(), s.expose()), ("ocean", "s3cret"));
        // "a%3Ab:c d" form-encoded id with a colon.
        let (id, s) = parse_basic_auth("basic YSUzQWI6YytkIQ==").unwrap();
        assert_eq!((id.as_str(), s.expose()), ("a:b", "c d!"));
        assert!(parse_basic_auth("Bearer x").is_none());
        assert!(parse_basic_auth("Basic !!").is_none());
        assert!(parse_basic_auth("Basic bm9jb2xvbg==").is_none());
    }

    #[test]
    fn base64_padding_edges() {
        // Padding is optional and up to two `=` are ignored, even where fewer are due.
        assert_eq!(base64_decode("YQ").unwrap(), b"a");
        assert_eq!(base64_decode("YQ=").unwrap(), b"a");
        assert_eq!(base64_decode("YWI==").unwrap(), b"ab");
        assert_eq!(base64_decode("==").unwrap(), b"");
        assert!(base64_decode("YWI===").is_none());
        // Unused bits of the last character must be zero; `=` only at the end.
        assert!(base64_decode("YR").is_none());
        assert!(base64_decode("YWJ=").is_none());
        assert!(base64_decode("Y=Q=").is_none());
        // The URL-safe alphabet is not the Basic header's.
        assert!(base64_decode("-_-_").is_none());
        assert_eq!(base64_decode("+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
    }

    proptest::proptest! {
        #[test]
        fn base64_agrees_with_the_hand_written_decoder(text in "[A-Za-z0-9+/]{0,11}={0,3}|[A-Za-z0-9+/=_$ -]{0,12}") {
            proptest::prop_assert_eq!(base64_decode(&text), hand_written_decode(&text));
        }
    }
}
