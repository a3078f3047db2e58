//! What can go wrong talking to Ocean, as values that carry status codes and error kinds only:
//! never a body, a URL's query or anything else that could hold patient data.

use std::fmt;
use std::time::Duration;

/// The kind of a transport failure (no answer from Ocean).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkErrorKind {
    /// The connect or request timeout passed.
    Timeout,
    /// The connection could not be made (refused, DNS, TLS).
    Connect,
    /// The connection broke while the request or the answer's body was in transit.
    Body,
    /// Any other transport error.
    Other,
}

impl NetworkErrorKind {
    /// The kind of a `reqwest` error (its message holds the URL, so it is not kept).
    pub(crate) fn of(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else if e.is_connect() {
            Self::Connect
        } else if e.is_body() || e.is_decode() {
            Self::Body
        } else {
            Self::Other
        }
    }

    /// A short name: `timeout`, `connect error`, `body error`, `network error`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Connect => "connect error",
            Self::Body => "body error",
            Self::Other => "network error",
        }
    }
}

impl fmt::Display for NetworkErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why no access token could be had from the site's token endpoint
/// (`{base}/svc/oauth2/token`).
///
/// Every variant is worth retrying later: a refused client id or secret is a configuration
/// error of the POS, not a fault of the message, so the outbox keeps the message (within its
/// retry window) until the configuration is fixed, instead of dead-lettering every message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint did not answer.
    #[error("token endpoint: {0}")]
    Network(NetworkErrorKind),
    /// The token endpoint answered a status other than 2xx (400 or 401: the client id or secret
    /// was refused; check the site's credentials).
    #[error("token endpoint answered {status}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The delay it asked for (`Retry-After`), if any.
        retry_after: Option<Duration>,
    },
    /// The token endpoint answered 2xx without a usable bearer token (no `access_token`, or a
    /// `token_type` other than `Bearer`).
    #[error("token endpoint answered without a usable bearer token")]
    BadResponse,
}

impl TokenError {
    /// The delay the token endpoint asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Why a `GET` on Ocean ([`crate::client::OceanClient::get`]) gave no 2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GetError {
    /// The URL does not parse as an absolute `http(s)` URL.
    #[error("the URL is not an absolute http(s) URL")]
    InvalidUrl,
    /// The URL is not on the site's own Ocean host (scheme, host and port, and below the base
    /// path): it was refused without a request, so the site's token never leaves for another
    /// host.
    #[error("the URL is not on the Ocean site's host; refused without a request")]
    ForeignHost,
    /// No access token could be had.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// Ocean did not answer.
    #[error("Ocean: {0}")]
    Network(NetworkErrorKind),
    /// Ocean answered a status other than 2xx (a 401 only after one token refresh). Redirects
    /// are not followed, so a 3xx lands here too.
    #[error("Ocean answered {status}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The delay Ocean asked for (`Retry-After`), if any.
        retry_after: Option<Duration>,
    },
}

impl GetError {
    /// Whether trying again later may succeed: network errors, token errors, 408, 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::InvalidUrl | Self::ForeignHost => false,
            Self::Token(_) | Self::Network(_) => true,
            Self::Status { status, .. } => is_retryable_status(*status),
        }
    }

    /// The delay Ocean asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Token(e) => e.retry_after(),
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Why an [`crate::client::OceanClient`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The site's base URL does not parse as an absolute `http(s)` URL with a host.
    #[error("the Ocean base URL is not an absolute http(s) URL with a host")]
    InvalidBaseUrl,
    /// The HTTP client could not be set up (TLS backend).
    #[error("the HTTP client could not be built")]
    Http,
}

/// Statuses worth retrying: 408 (request timeout), 429 (too many requests) and every 5xx.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..600).contains(&status)
}
