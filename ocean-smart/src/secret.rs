//! Credentials (access and refresh tokens, client secrets, Ocean's shared encryption key):
//! never shown by `Debug` or `Display`, compared in constant time.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A credential (access token, refresh token, client secret, Ocean shared encryption key):
/// `Debug` and `Display` never show it; serde reads and writes it as a plain string.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compares with a presented value in time independent of where they differ (the length
    /// still shows).
    pub fn matches(&self, presented: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), presented.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden() {
        let s = Secret::new("tok-123");
        assert_eq!(format!("{s:?} {s}"), "Secret(…) …");
        assert!(s.matches("tok-123") && !s.matches("tok-124") && !s.matches("tok"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"tok-123\"");
    }
}
