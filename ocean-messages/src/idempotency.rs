//! The idempotency key of a received message, so a receiver can drop Ocean's retries.
//!
//! # Definition
//! `{event}|{referral}|{message}` where
//! - `event` is the event code (`add-service-request`, or the unmodelled code as received);
//! - `referral` is the Ocean referral id, or `-` when the message has none;
//! - `message` identifies the message itself, from the first of:
//!   `msh:{MessageHeader.id}`, `bundle:{Bundle.id}`, `url:{the MessageHeader entry's fullUrl}`,
//!   or, when the message carries no id at all, `fnv:{16 hex digits}`: the FNV-1a 64 hash of
//!   the Bundle as the model writes it (compact JSON), so that a retry formatted differently
//!   gets the same key (of the body itself when the Bundle could not be read into the model).
//!
//! In FHIR messaging the MessageHeader id is the message's identity (a response names it in
//! `MessageHeader.response.identifier`), and a retry re-sends the same message, so the key is the
//! same for every retry and different for every new message (Ocean gives each a fresh UUID).
//!
//! Each part is kept short and unambiguous: `%` and `|` inside a part are percent-encoded, and a
//! part longer than 128 bytes is replaced by `fnv:` and its FNV-1a 64 hash. The key is ASCII-safe
//! to store in a unique index; it holds ids and codes only, never patient data.
//!
//! ```
//! use ocean_messages::parse;
//! let body = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");
//! let received = parse(body).unwrap();
//! assert_eq!(
//!     received.idempotency_key().as_str(),
//!     "add-service-request|71db1a5c-89ce-41d5-bc71-8466f6c2f182|msh:fdd94a37-22a7-41ce-8140-6604a1f10908"
//! );
//! ```

use std::fmt;
use std::fmt::Write as _;
use std::hash::Hasher as _;

/// Longest part kept verbatim; longer parts are hashed.
const MAX_PART: usize = 128;

/// A stable key per message (see the module docs for the definition).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key from its parts; `content_hash` is called only when no id is available.
    pub(crate) fn from_parts(
        event: &str,
        referral: Option<&str>,
        ids: MessageIds<'_>,
        content_hash: impl FnOnce() -> u64,
    ) -> Self {
        let mut key = String::with_capacity(96);
        push_part(&mut key, event);
        key.push('|');
        match referral.filter(|r| !r.is_empty()) {
            Some(r) => push_part(&mut key, r),
            None => key.push('-'),
        }
        key.push('|');
        if let Some(id) = non_empty(ids.header_id) {
            key.push_str("msh:");
            push_part(&mut key, id);
        } else if let Some(id) = non_empty(ids.bundle_id) {
            key.push_str("bundle:");
            push_part(&mut key, id);
        } else if let Some(url) = non_empty(ids.header_full_url) {
            key.push_str("url:");
            push_part(&mut key, url);
        } else {
            let _ = write!(key, "fnv:{:016x}", content_hash());
        }
        Self(key)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The ids a message may carry, for [`IdempotencyKey::from_parts`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MessageIds<'a> {
    pub(crate) header_id: Option<&'a str>,
    pub(crate) bundle_id: Option<&'a str>,
    pub(crate) header_full_url: Option<&'a str>,
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

fn push_part(key: &mut String, part: &str) {
    if part.len() > MAX_PART {
        let _ = write!(key, "fnv:{:016x}", fnv1a(part.as_bytes()));
        return;
    }
    for c in part.chars() {
        match c {
            '%' => key.push_str("%25"),
            '|' => key.push_str("%7C"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(key, "%{b:02X}");
                }
            }
            c => key.push(c),
        }
    }
}

/// FNV-1a, 64-bit (the `fnv` crate's hasher, fed the bytes alone): a stable, published hash (not
/// cryptographic; it only shortens parts and names id-less bodies). Keys depend on it: it must
/// stay FNV-1a 64, as the test vectors below pin.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(h: Option<&str>, b: Option<&str>, u: Option<&str>) -> String {
        IdempotencyKey::from_parts(
            "e",
            Some("r"),
            MessageIds {
                header_id: h,
                bundle_id: b,
                header_full_url: u,
            },
            || fnv1a(b"body"),
        )
        .0
    }

    #[test]
    fn precedence() {
        assert_eq!(key(Some("h"), Some("b"), Some("u")), "e|r|msh:h");
        assert_eq!(key(Some(""), Some("b"), Some("u")), "e|r|bundle:b");
        assert_eq!(key(None, None, Some("u")), "e|r|url:u");
        assert_eq!(
            key(None, None, None),
            format!("e|r|fnv:{:016x}", fnv1a(b"body"))
        );
    }

    #[test]
    fn parts_are_escaped_and_bounded() {
        let k = IdempotencyKey::from_parts(
            "a|b",
            None,
            MessageIds {
                header_id: Some("x%y\n"),
                ..MessageIds::default()
            },
            || 0,
        );
        assert_eq!(k.as_str(), "a%7Cb|-|msh:x%25y%0A");
        let long = "z".repeat(1000);
        let k = IdempotencyKey::from_parts("e", Some(&long), MessageIds::default(), || 0);
        assert!(k.as_str().len() < 64, "{k}");
    }

    #[test]
    fn fnv_vectors() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
