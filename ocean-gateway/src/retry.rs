//! When to try again: exponential backoff with jitter inside a retry window, honouring the
//! delay a server asks for.
//!
//! Work in progress (issue 13): [`RetryPolicy`] is the contract between this module and the
//! outbox worker; the policy's rule is being written.

use std::time::Duration;

/// How the outbox retries a message Ocean did not accept yet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Delay before the second attempt.
    pub initial: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
    /// How long after the first attempt the outbox keeps trying (default 96 h, as Ocean does for
    /// its own deliveries); after it the message goes to the dead-letter list.
    pub window: Duration,
}
