//! Secrets: client secrets and access tokens are kept as SHA-256 digests and compared in
//! constant time.
//!
//! SHA-256 (not a slow password hash) is enough here because both kinds of secret are
//! high-entropy: access tokens are 32 random bytes, and inbound client secrets must be at
//! least [`MIN_SECRET_LEN`] characters, generated (e.g. `openssl rand -base64 32`), never
//! chosen by a person. A slow KDF would only add latency to every token request.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The shortest inbound client secret the gateway accepts in its configuration.
pub const MIN_SECRET_LEN: usize = 16;

/// A SHA-256 digest of a secret. `Debug` shows nothing of it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SecretHash([u8; 32]);

impl fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretHash(..)")
    }
}

impl SecretHash {
    /// The digest of a secret.
    pub fn of(secret: &[u8]) -> Self {
        Self(Sha256::digest(secret).into())
    }

    /// Reads 64 hex digits (as written by [`Self::to_hex`] or `sha256sum`).
    pub fn from_hex(hex: &str) -> Option<Self> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 || !bytes.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let mut out = [0u8; 32];
        for (slot, pair) in out.iter_mut().zip(bytes.chunks(2)) {
            let text = std::str::from_utf8(pair).ok()?;
            *slot = u8::from_str_radix(text, 16).ok()?;
        }
        Some(Self(out))
    }

    /// The digest as 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Whether `secret` hashes to this digest, in time independent of where they differ.
    pub fn matches(&self, secret: &[u8]) -> bool {
        let other = Self::of(secret);
        bool::from(self.0.ct_eq(&other.0))
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A new opaque access token: 32 bytes from the operating system's CSPRNG, as 64 hex digits.
/// `None` only if the operating system has no random source.
pub fn new_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        let h = SecretHash::of(b"abc");
        assert_eq!(
            h.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(SecretHash::from_hex(&h.to_hex()), Some(h));
        assert!(h.matches(b"abc"));
        assert!(!h.matches(b"abd"));
        assert_eq!(SecretHash::from_hex("zz"), None);
        assert_eq!(SecretHash::from_hex(&"+f".repeat(32)), None);
        assert_eq!(format!("{h:?}"), "SecretHash(..)");
        let t = new_token().unwrap();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token().unwrap());
    }

    proptest::proptest! {
        #[test]
        fn hex_round_trip(secret in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let h = SecretHash::of(&secret);
            proptest::prop_assert_eq!(SecretHash::from_hex(&h.to_hex()), Some(h));
            proptest::prop_assert!(h.matches(&secret));
        }

        #[test]
        fn from_hex_never_panics(text in ".{0,80}") {
            let _ = SecretHash::from_hex(&text);
        }
    }
}
