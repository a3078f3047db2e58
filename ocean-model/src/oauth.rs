//! OAuth 2.0 client authentication at a token endpoint (RFC 6749 §2.3.1): the vocabulary the
//! client side (ocean-messages, asking Ocean for a token) and the server side (ocean-smart, a
//! POS answering Ocean's token request) share.
//!
//! Rules:
//! - [`ClientAuth`] names the method by its OAuth registry name (`token_endpoint_auth_method`,
//!   RFC 7591 §2): `client_secret_basic`, `client_secret_post`, `none`.
//! - `client_secret_basic` ([`BasicCredentials`]): the client id and the secret are each
//!   form-encoded ([`crate::percent::encode_form`]), joined by `:`, and base64-encoded
//!   (standard alphabet, padded): `Authorization: Basic <base64>`. Reading accepts the scheme
//!   name in any case, white space around the value, and base64 with or without padding;
//!   it refuses non-canonical base64 (set unused bits), a value without `:`, bad `%` escapes and
//!   text that is not UTF-8.
//! - `client_secret_post`: `client_id` and `client_secret` are form parameters of the body.
//! - `Debug` of [`BasicCredentials`] never shows the secret.
//!
//! ```
//! use ocean_model::oauth::{BasicCredentials, ClientAuth};
//! let c = BasicCredentials::new("pos client", "s3cr&t");
//! assert_eq!(c.authorization(), "Basic cG9zK2NsaWVudDpzM2NyJTI2dA==");
//! let back = BasicCredentials::from_authorization("basic  cG9zK2NsaWVudDpzM2NyJTI2dA").unwrap();
//! assert_eq!((back.client_id(), back.client_secret()), ("pos client", "s3cr&t"));
//! assert!(!format!("{c:?}").contains("s3cr"));
//! assert_eq!(ClientAuth::from_code("client_secret_post"), Some(ClientAuth::Post));
//! ```

use std::fmt;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

use crate::percent::{decode_form, encode_form};

/// Standard base64 that reads padded and unpadded text and refuses set unused bits.
const BASIC: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How a client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic`: id and secret in an `Authorization: Basic` header
    /// ([`BasicCredentials`]); the body carries neither.
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` in the form body (what Ocean's test
    /// client sends; ocean-messages called it `Body`).
    Post,
    /// `none`: a public client, `client_id` in the body and no secret.
    None,
}

impl ClientAuth {
    /// Every method.
    pub const ALL: [ClientAuth; 3] = [Self::Basic, Self::Post, Self::None];

    /// The registry name: `client_secret_basic`, `client_secret_post`, `none`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "client_secret_basic",
            Self::Post => "client_secret_post",
            Self::None => "none",
        }
    }

    /// Reads a registry name (exact); `None` for another method (`private_key_jwt`, ...).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == code)
    }
}

impl fmt::Display for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A client id and secret as carried by `Authorization: Basic` (RFC 6749 §2.3.1). `Debug`
/// hides the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    client_id: String,
    client_secret: String,
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

impl BasicCredentials {
    /// Credentials from a client id and secret (as registered, not encoded).
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The secret.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// The id and the secret, owned.
    pub fn into_parts(self) -> (String, String) {
        (self.client_id, self.client_secret)
    }

    /// The `Authorization` header value: `Basic base64(form(id):form(secret))`.
    pub fn authorization(&self) -> String {
        let pair = format!(
            "{}:{}",
            encode_form(&self.client_id),
            encode_form(&self.client_secret)
        );
        format!("Basic {}", STANDARD.encode(pair))
    }

    /// Reads an `Authorization` header value (see the module rules); `None` if it is not a
    /// valid Basic header.
    pub fn from_authorization(header: &str) -> Option<Self> {
        let (scheme, rest) = header.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let raw = String::from_utf8(BASIC.decode(rest.trim()).ok()?).ok()?;
        let (id, secret) = raw.split_once(':')?;
        Some(Self::new(decode_form(id).ok()?, decode_form(secret).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for m in ClientAuth::ALL {
            assert_eq!(ClientAuth::from_code(m.as_str()), Some(m));
            assert_eq!(m.to_string(), m.as_str());
        }
        assert_eq!(ClientAuth::from_code("private_key_jwt"), None);
    }

    #[test]
    fn basic_header_cases_of_ocean_smart() {
        let read =
            |h: &str| BasicCredentials::from_authorization(h).map(BasicCredentials::into_parts);
        // base64 of "ocean:s3cret"
        assert_eq!(
            read("Basic b2NlYW46czNjcmV0"),
            Some(("ocean".to_owned(), "s3cret".to_owned()))
        );
        assert_eq!(
            read("BASIC b2NlYW46czNjcmV0 "),
            read("Basic b2NlYW46czNjcmV0")
        );
        assert_eq!(read("Bearer b2NlYW46czNjcmV0"), None);
        assert_eq!(read("Basic"), None);
        // "a" without a colon; padding forms; set unused bits; bad alphabet.
        assert_eq!(read("Basic YQ=="), None);
        assert_eq!(read("Basic YTpi"), Some(("a".into(), "b".into())));
        assert_eq!(read("Basic YTo="), Some(("a".into(), String::new())));
        assert_eq!(read("Basic YTo"), Some(("a".into(), String::new())));
        assert_eq!(read("Basic YTp="), None);
        assert_eq!(read("Basic YQ==="), None);
        assert_eq!(read("Basic a$=="), None);
        // Form-encoded id and secret: `+` is a space, a bad escape refuses the header.
        let c = BasicCredentials::new("a b:c", "100%");
        assert_eq!(
            read(&c.authorization()),
            Some(("a b:c".into(), "100%".into()))
        );
        let bad = format!("Basic {}", STANDARD.encode("a:%zz"));
        assert_eq!(read(&bad), None);
    }
}
