//! The outbound client: posts a POS's messages to one Ocean site's `$process-messages` with a
//! cached client-credentials token, and says whether an answer is final or worth retrying.
//!
//! Work in progress (issue 13): [`SendOutcome`] is the contract between this client and the
//! outbox worker; the client itself is being written.

use std::time::Duration;

/// What one attempt to deliver a message to Ocean came to. The outbox worker acts on it:
/// [`SendOutcome::Delivered`] marks the message sent, [`SendOutcome::Retry`] schedules another
/// attempt (see [`crate::retry::RetryPolicy`]), [`SendOutcome::Rejected`] moves it to the
/// dead-letter list and reports it; it is never retried silently.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendOutcome {
    /// Ocean answered 2xx.
    Delivered {
        /// The HTTP status Ocean answered.
        status: u16,
    },
    /// A failure that may pass: a network error or timeout, a 5xx, a 429, a 408, or a token
    /// endpoint that could not be reached.
    Retry {
        /// What went wrong, without patient data (status code, error kind).
        reason: String,
        /// The delay Ocean asked for (`Retry-After`, seconds or HTTP date), if any.
        retry_after: Option<Duration>,
    },
    /// Ocean refused the message (a 4xx other than 408 and 429, after one token refresh on 401):
    /// sending it again unchanged would fail again.
    Rejected {
        /// The HTTP status Ocean answered.
        status: u16,
        /// Ocean's OperationOutcome (or whatever JSON body it sent), kept for the dead-letter list.
        outcome: Option<serde_json::Value>,
    },
}
