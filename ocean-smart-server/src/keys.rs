//! The keys that sign id tokens, and the JSON Web Key Set published at `jwks_uri`.
//!
//! - A [`SigningKey`] is RS256 (an RSA key, PKCS#1 or PKCS#8 PEM, 2048 bits or more) or ES256
//!   (a P-256 key, PKCS#8 PEM), with a key id (`kid`) written in every id token header.
//! - [`SigningKeys`] holds the key that signs now and, during a rotation, older keys that are
//!   only published: Ocean may still hold id tokens they signed. Publish a new key some time
//!   before signing with it, and keep an old one published for the id token lifetime after.
//! - [`SigningKey::generate_es256`] makes a fresh key for tests and the example: it lives in
//!   memory only, so every id token it signed stops verifying at restart. In production load
//!   a key the POS keeps.
//! - Ocean verifies ES256 and RS256; SMART's `sso-openid-connect` capability asks servers to
//!   support RS256, and `ocean_smart`'s discovery checker warns without it. Sign with an
//!   RS256 key in production (ring, this crate's crypto, cannot generate RSA keys: make one
//!   with `openssl genrsa 2048`).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ocean_smart::discovery::SigningAlg;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _, RsaKeyPair};
use serde::Serialize;
use serde_json::{Value, json};

/// Why a key could not be loaded or used. Never holds key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not PEM, or not the expected PEM label.
    #[error("not a PEM private key ({0})")]
    Pem(&'static str),
    /// The key is not a valid key of the algorithm.
    #[error("not a valid {0} private key")]
    Rejected(&'static str),
    /// The random generator failed while generating a key.
    #[error("key generation failed")]
    Generate,
    /// The key id is empty.
    #[error("the key id (kid) must not be empty")]
    EmptyKid,
    /// Signing failed.
    #[error("signing failed")]
    Sign,
}

/// One id token signing key (module rules). `Debug` shows the algorithm and key id only.
#[derive(Clone)]
pub struct SigningKey {
    alg: SigningAlg,
    kid: String,
    encoding: EncodingKey,
    jwk: Value,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The DER inside the first PEM block, and its label.
fn pem_der(pem: &str) -> Result<(String, Vec<u8>), KeyError> {
    let mut label = None;
    let mut body = String::new();
    for line in pem.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("-----BEGIN ") {
            label = Some(rest.trim_end_matches('-').to_owned());
        } else if line.starts_with("-----END ") {
            break;
        } else if label.is_some() {
            body.push_str(line);
        }
    }
    let label = label.ok_or(KeyError::Pem("no BEGIN line"))?;
    let der = STANDARD
        .decode(body.as_bytes())
        .map_err(|_| KeyError::Pem("body is not Base64"))?;
    Ok((label, der))
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn check_kid(kid: &str) -> Result<String, KeyError> {
    if kid.is_empty() {
        Err(KeyError::EmptyKid)
    } else {
        Ok(kid.to_owned())
    }
}

impl SigningKey {
    /// An RS256 key from PEM (`RSA PRIVATE KEY` = PKCS#1, or `PRIVATE KEY` = PKCS#8).
    pub fn rs256_from_pem(kid: &str, pem: &str) -> Result<Self, KeyError> {
        let kid = check_kid(kid)?;
        let (label, der) = pem_der(pem)?;
        let pair = match label.as_str() {
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der),
            "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der),
            _ => return Err(KeyError::Pem("expected RSA PRIVATE KEY or PRIVATE KEY")),
        }
        .map_err(|_| KeyError::Rejected("RS256"))?;
        let public = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
        let encoding =
            EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| KeyError::Rejected("RS256"))?;
        let jwk = json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": b64(&public.n), "e": b64(&public.e),
        });
        Ok(Self {
            alg: SigningAlg::RS256,
            kid,
            encoding,
            jwk,
        })
    }

    /// An ES256 key from PKCS#8 PEM (`PRIVATE KEY`).
    pub fn es256_from_pem(kid: &str, pem: &str) -> Result<Self, KeyError> {
        let (label, der) = pem_der(pem)?;
        if label != "PRIVATE KEY" {
            return Err(KeyError::Pem("expected PRIVATE KEY (PKCS#8)"));
        }
        Self::es256_from_pkcs8(kid, &der)
    }

    /// An ES256 key from PKCS#8 DER.
    pub fn es256_from_pkcs8(kid: &str, der: &[u8]) -> Result<Self, KeyError> {
        let kid = check_kid(kid)?;
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der, &SystemRandom::new())
                .map_err(|_| KeyError::Rejected("ES256"))?;
        // Uncompressed point: 0x04 || x (32 bytes) || y (32 bytes).
        let point = pair.public_key().as_ref();
        let (x, y) = match point {
            [4, rest @ ..] if rest.len() == 64 => rest.split_at(32),
            _ => return Err(KeyError::Rejected("ES256")),
        };
        let jwk = json!({
            "kty": "EC", "use": "sig", "alg": "ES256", "kid": kid, "crv": "P-256",
            "x": b64(x), "y": b64(y),
        });
        Ok(Self {
            alg: SigningAlg::ES256,
            kid,
            encoding: EncodingKey::from_ec_der(der),
            jwk,
        })
    }

    /// A fresh ES256 key (module rules: memory only).
    pub fn generate_es256(kid: &str) -> Result<Self, KeyError> {
        let doc =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .map_err(|_| KeyError::Generate)?;
        Self::es256_from_pkcs8(kid, doc.as_ref())
    }

    /// The algorithm.
    pub fn alg(&self) -> SigningAlg {
        self.alg
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK (`kty`, `use: sig`, `alg`, `kid` and the key's members).
    pub fn public_jwk(&self) -> &Value {
        &self.jwk
    }

    /// Signs `claims` as a compact JWS with this key's algorithm and `kid`.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, KeyError> {
        let mut header = Header::new(match self.alg {
            SigningAlg::RS256 => Algorithm::RS256,
            SigningAlg::ES256 => Algorithm::ES256,
        });
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|_| KeyError::Sign)
    }
}

/// The signing key and the keys only published (module rules).
#[derive(Debug, Clone)]
pub struct SigningKeys {
    current: SigningKey,
    published: Vec<SigningKey>,
}

impl SigningKeys {
    /// `current` signs and is published.
    pub fn new(current: SigningKey) -> Self {
        Self {
            current,
            published: Vec::new(),
        }
    }

    /// Also publishes `key` (an older or upcoming key) without signing with it.
    pub fn with_published(mut self, key: SigningKey) -> Self {
        self.published.push(key);
        self
    }

    /// The key that signs.
    pub fn current(&self) -> &SigningKey {
        &self.current
    }

    /// The algorithms of every published key, current first, without repeats: the discovery
    /// documents' `id_token_signing_alg_values_supported`.
    pub fn algs(&self) -> Vec<SigningAlg> {
        let mut out = vec![self.current.alg];
        for k in &self.published {
            if !out.contains(&k.alg) {
                out.push(k.alg);
            }
        }
        out
    }

    /// The JSON Web Key Set served at `jwks_uri`.
    pub fn jwks(&self) -> Value {
        let keys: Vec<&Value> = std::iter::once(&self.current)
            .chain(&self.published)
            .map(|k| &k.jwk)
            .collect();
        json!({ "keys": keys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_es256_signs_and_its_jwk_verifies() {
        let k = SigningKey::generate_es256("k1").unwrap();
        let jwt = k.sign(&json!({"sub": "u"})).unwrap();
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(k.public_jwk().clone()).unwrap();
        let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let mut v = jsonwebtoken::Validation::new(Algorithm::ES256);
        v.required_spec_claims.clear();
        v.validate_exp = false;
        let data = jsonwebtoken::decode::<Value>(&jwt, &key, &v).unwrap();
        assert_eq!(data.claims["sub"], "u");
        assert_eq!(data.header.kid.as_deref(), Some("k1"));
    }

    #[test]
    fn bad_input_is_an_error_without_panic() {
        assert!(SigningKey::rs256_from_pem("k", "junk").is_err());
        assert!(
            SigningKey::es256_from_pem(
                "k",
                "-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----"
            )
            .is_err()
        );
        assert!(SigningKey::es256_from_pkcs8("k", b"xx").is_err());
        assert_eq!(
            SigningKey::generate_es256("").unwrap_err(),
            KeyError::EmptyKid
        );
    }
}
