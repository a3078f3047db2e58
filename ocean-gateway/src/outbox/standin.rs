//! STAND-IN, to delete at merge: `RetryPolicy::next_delay` is being written in `retry.rs` on
//! another branch (same signature). Until then this trait gives the outbox worker a method of
//! that exact signature so the crate compiles; once the inherent method exists it takes
//! precedence and this file and its `use` in `outbox/mod.rs` must go.

use std::time::Duration;

use crate::retry::RetryPolicy;

pub(super) trait NextDelay {
    fn next_delay(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        elapsed_since_first: Duration,
    ) -> Option<Duration>;
}

impl NextDelay for RetryPolicy {
    fn next_delay(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        elapsed_since_first: Duration,
    ) -> Option<Duration> {
        let backoff = crate::worker::backoff(self.initial, self.max_delay, attempt);
        let delay = retry_after.map_or(backoff, |asked| asked.max(backoff).min(self.window));
        (elapsed_since_first.saturating_add(delay) <= self.window).then_some(delay)
    }
}
