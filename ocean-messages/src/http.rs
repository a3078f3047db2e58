//! HTTP helpers that need no HTTP client: Ocean's URLs, the OAuth2 client-credentials token
//! request, content types, and the acknowledgement a receiver answers for each parse outcome.
//!
//! # Answering Ocean
//! Ocean retries every message it did not get a `2xx` for (for up to 96 hours), so a receiver
//! answers by outcome ([`ack`]):
//!
//! | parse outcome | status | body |
//! |---|---|---|
//! | [`Received::Supported`] | 200 | OperationOutcome, one `information` issue |
//! | [`Received::Unsupported`] (an event the crate does not model) | 200 | OperationOutcome, one `information` issue naming the event |
//! | [`MessageError::Invalid`] | 400 | OperationOutcome, one `error` issue: rule, FHIR path |
//! | [`MessageError::NotAMessage`] | 400 | OperationOutcome, one `error` issue |
//!
//! Both errors answer 400, so a receiver answers only 200 or 400; the
//! OperationOutcome says which rule and path failed. Ocean retries any non-2xx answer and shows
//! it as a failed delivery, which is what a malformed message deserves.
//!
//! ```
//! use ocean_messages::{http, parse};
//! let body = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");
//! let answer = http::ack(&parse(body));
//! assert_eq!(answer.status(), 200);
//! assert_eq!(answer.content_type(), http::FHIR_JSON);
//! let not_json = http::ack(&parse(b"<html>"));
//! assert_eq!(not_json.status(), 400);
//! ```

use std::fmt;
use std::fmt::Write as _;

use ocean_model::{IssueSeverity, OceanBase, OperationOutcome, OperationOutcomeIssue, ReferralId};

use ocean_model::oauth::BasicCredentials;
use ocean_model::percent;

use crate::{MessageError, Received};

/// `application/fhir+json`: the content type of every message to and from Ocean.
pub const FHIR_JSON: &str = "application/fhir+json";

/// `application/x-www-form-urlencoded`: the content type of the token request body.
pub const FORM_URLENCODED: &str = "application/x-www-form-urlencoded";

/// The path of Ocean's message endpoint, below the Ocean host.
pub const PROCESS_MESSAGES_PATH: &str = "/svc/fhir/v1/$process-messages";

/// The path of Ocean's OAuth2 token endpoint, below the Ocean host.
pub const TOKEN_PATH: &str = "/svc/oauth2/token";

/// `{base}/svc/fhir/v1/$process-messages`.
pub fn process_messages_url(base: &OceanBase) -> String {
    format!("{}{PROCESS_MESSAGES_PATH}", base.url())
}

/// `{base}/svc/oauth2/token`.
pub fn token_url(base: &OceanBase) -> String {
    format!("{}{TOKEN_PATH}", base.url())
}

/// `{base}/svc/fhir/v1/ServiceRequest/{referral}/$letter` (the referral summary PDF), with
/// `?attachments=true` for the consolidated PDF. The referral id is percent-encoded as a path
/// segment.
pub fn letter_url(base: &OceanBase, referral: &ReferralId, with_attachments: bool) -> String {
    let mut url = format!(
        "{}/svc/fhir/v1/ServiceRequest/{}/$letter",
        base.url(),
        percent::encode(referral.as_str())
    );
    if with_attachments {
        url.push_str("?attachments=true");
    }
    url
}

/// Whether a `Content-Type` header value is JSON a receiver should read as FHIR:
/// `application/fhir+json` or `application/json`, any parameters (`; charset=utf-8`), any case.
///
/// ```
/// use ocean_messages::http::is_fhir_json;
/// assert!(is_fhir_json("application/fhir+json; charset=UTF-8"));
/// assert!(is_fhir_json("Application/JSON"));
/// assert!(!is_fhir_json("application/fhir+xml"));
/// ```
pub fn is_fhir_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(FHIR_JSON) || essence.eq_ignore_ascii_case("application/json")
}

/// OAuth2 client credentials for one Ocean site (set up in the Ocean Portal). `Debug` hides the
/// secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    client_id: String,
    client_secret: String,
    scope: Option<String>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("scope", &self.scope)
            .finish()
    }
}

/// How the token request authenticates the client (RFC 6749 §2.3.1):
/// [`ocean_model::oauth::ClientAuth`], the workspace's one OAuth vocabulary.
/// [`ClientAuth::Basic`] sends `Authorization: Basic base64(id:secret)` (id and secret
/// form-encoded first, [`BasicCredentials::authorization`]) and a body with only the grant type
/// and scope; [`ClientAuth::Post`] (`client_secret_post`, formerly `Body`) puts `client_id` and
/// `client_secret` in the form body; [`ClientAuth::None`] puts only `client_id` there.
pub use ocean_model::oauth::ClientAuth;

/// A token request ready for any HTTP client: POST [`Self::url`] with the headers and body.
/// `Debug` hides the body and the Authorization value (they hold the secret).
#[derive(Clone, PartialEq, Eq)]
pub struct TokenRequest {
    url: String,
    authorization: Option<String>,
    body: String,
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("url", &self.url)
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field("body", &"<redacted>")
            .finish()
    }
}

impl TokenRequest {
    /// The token endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The `Content-Type` header: [`FORM_URLENCODED`].
    pub fn content_type(&self) -> &'static str {
        FORM_URLENCODED
    }
    /// The `Authorization` header value, with [`ClientAuth::Basic`].
    pub fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }
    /// The form body.
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl ClientCredentials {
    /// Credentials without a scope.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scope: None,
        }
    }

    /// Adds a `scope` parameter to the token request.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The token request for `base`'s token endpoint.
    ///
    /// ```
    /// use ocean_messages::http::{ClientAuth, ClientCredentials};
    /// use ocean_model::OceanBase;
    /// let creds = ClientCredentials::new("pos client", "s3cr&t");
    /// let req = creds.token_request(&OceanBase::Test, ClientAuth::Post);
    /// assert_eq!(req.url(), "https://test.cognisantmd.com/svc/oauth2/token");
    /// assert_eq!(req.body(), "grant_type=client_credentials&client_id=pos+client&client_secret=s3cr%26t");
    /// let basic = creds.token_request(&OceanBase::Test, ClientAuth::Basic);
    /// assert_eq!(basic.body(), "grant_type=client_credentials");
    /// assert_eq!(basic.authorization(), Some("Basic cG9zK2NsaWVudDpzM2NyJTI2dA=="));
    /// assert!(!format!("{creds:?}{req:?}").contains("s3cr"));
    /// ```
    pub fn token_request(&self, base: &OceanBase, auth: ClientAuth) -> TokenRequest {
        let mut body = String::from("grant_type=client_credentials");
        let mut authorization = None;
        match auth {
            ClientAuth::Basic => {
                let credentials = BasicCredentials::new(&self.client_id, &self.client_secret);
                authorization = Some(credentials.authorization());
            }
            ClientAuth::None => {
                let _ = write!(body, "&client_id={}", percent::encode_form(&self.client_id));
            }
            // `Post`, and any method added later: the secret in the body, as Ocean's client sends.
            _ => {
                let _ = write!(
                    body,
                    "&client_id={}&client_secret={}",
                    percent::encode_form(&self.client_id),
                    percent::encode_form(&self.client_secret)
                );
            }
        }
        if let Some(scope) = &self.scope {
            let _ = write!(body, "&scope={}", percent::encode_form(scope));
        }
        TokenRequest {
            url: token_url(base),
            authorization,
            body,
        }
    }
}

/// What a receiver answers Ocean: a status code and an OperationOutcome body (see the module
/// docs). Built by [`ack`]; holds no patient data.
#[derive(Debug, Clone, PartialEq)]
pub struct Ack {
    status: u16,
    outcome: OperationOutcome,
}

impl Ack {
    /// The HTTP status code: 200 or 400.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether Ocean will consider the message delivered (2xx) and stop retrying.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The `Content-Type` of the body: [`FHIR_JSON`].
    pub fn content_type(&self) -> &'static str {
        FHIR_JSON
    }

    /// The body as an OperationOutcome.
    pub fn operation_outcome(&self) -> &OperationOutcome {
        &self.outcome
    }

    /// The body as compact JSON.
    pub fn body(&self) -> String {
        // An OperationOutcome of strings and codes always serialises.
        ocean_model::json::to_string(&self.outcome).unwrap_or_default()
    }
}

fn outcome(
    severity: IssueSeverity,
    code: &str,
    text: String,
    path: Option<&str>,
) -> OperationOutcome {
    let mut issue = OperationOutcomeIssue::new(severity, code);
    issue.diagnostics = Some(text);
    if let Some(p) = path {
        issue.expression = vec![p.to_owned()];
    }
    OperationOutcome::new(vec![issue])
}

/// The answer for a parse outcome (see the module docs for the table).
pub fn ack(result: &Result<Received, MessageError>) -> Ack {
    match result {
        Ok(Received::Supported(m)) => Ack {
            status: 200,
            outcome: outcome(
                IssueSeverity::Information,
                "informational",
                format!("{} message accepted", m.code()),
                None,
            ),
        },
        Ok(Received::Unsupported(_)) => Ack {
            status: 200,
            outcome: outcome(
                IssueSeverity::Information,
                "not-supported",
                // The code is input text: it is not repeated.
                "message event not handled by this receiver; accepted and ignored".to_owned(),
                None,
            ),
        },
        Err(e @ MessageError::NotAMessage(_)) => Ack {
            status: e.http_status(),
            outcome: outcome(IssueSeverity::Error, "structure", e.to_string(), e.path()),
        },
        Err(e @ MessageError::Invalid(_)) => Ack {
            status: e.http_status(),
            outcome: outcome(IssueSeverity::Error, "invariant", e.to_string(), e.path()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocean_model::Base64Binary;

    #[test]
    fn base64_vectors() {
        // RFC 4648 §10 test vectors.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(Base64Binary::encode(input.as_bytes()), expected);
        }
        assert_eq!(Base64Binary::encode(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(percent::encode_form("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
        assert_eq!(percent::encode("a b"), "a%20b");
        assert_eq!(percent::encode("A-Z_a.z~0"), "A-Z_a.z~0");
    }

    #[test]
    fn urls_per_base() {
        assert_eq!(
            process_messages_url(&OceanBase::Production),
            "https://ocean.cognisantmd.com/svc/fhir/v1/$process-messages"
        );
        assert_eq!(
            token_url(&OceanBase::Staging),
            "https://staging.cognisantmd.com/svc/oauth2/token"
        );
        assert_eq!(
            letter_url(&OceanBase::Production, &ReferralId::new("a/b"), false),
            "https://ocean.cognisantmd.com/svc/fhir/v1/ServiceRequest/a%2Fb/$letter"
        );
    }

    #[test]
    fn scope_is_appended() {
        let r = ClientCredentials::new("id", "secret")
            .with_scope("system/*.write")
            .token_request(&OceanBase::Production, ClientAuth::Basic);
        assert_eq!(
            r.body(),
            "grant_type=client_credentials&scope=system%2F%2A.write"
        );
        assert_eq!(r.content_type(), FORM_URLENCODED);
    }

    #[test]
    fn public_client_sends_only_its_id() {
        let r = ClientCredentials::new("pos client", "s3cret")
            .token_request(&OceanBase::Production, ClientAuth::None);
        assert_eq!(
            r.body(),
            "grant_type=client_credentials&client_id=pos+client"
        );
        assert_eq!(r.authorization(), None);
    }
}
