//! Hand-off: giving each inbox message to the POS's [`Handler`], exactly once in effect.
//!
//! # The guarantees a handler can rely on
//! - A message is handed over only after it was committed (the webhook's 200 comes after the
//!   same commit), and is marked done only after the handler returns `Ok`.
//! - A repeat of a stored message (same idempotency key) is never stored or handed over again.
//! - Messages of one referral are handed over one at a time, in the order received; a message
//!   whose hand-off keeps failing holds back the later messages of its referral only.
//! - A failed hand-off (`Err`, or a panic) is retried with exponential backoff
//!   ([`HandoffOptions::backoff_initial`] doubling up to [`HandoffOptions::backoff_max`]),
//!   without limit: fix the handler and the messages flow again. This is the outbox's rule
//!   ([`RetryPolicy::cap`]) without its jitter and without its window, on purpose: the handler
//!   is the POS's own code, not a shared server that many failed messages must not hit in the
//!   same second, and a received referral is never given up on (Ocean already has its 200).
//! - A hand-off interrupted by a crash is retried when its lease expires (with SQLite, at the
//!   next start): the handler then gets [`Delivery::attempt`] > 1 ([`Delivery::is_redelivery`]).
//!   This is the only way a handler sees a message twice after a success it could not report,
//!   so a handler that makes its effect idempotent (e.g. keyed on
//!   [`Delivery::idempotency_key`]) gets exactly-once in effect.
//! - With several gateway instances on one PostgreSQL database, each message is claimed by one
//!   instance at a time (`FOR UPDATE SKIP LOCKED` and a lease). "The order received" is the
//!   order of the inbox's row ids; two messages of one referral arriving at the same moment on
//!   two instances may commit in the other order (Ocean sends one referral's messages one
//!   after the other, so this needs a retry race to happen). A handler running longer than
//!   [`HandoffOptions::lease`] may be redelivered meanwhile: keep the lease longer than the
//!   slowest hand-off.
//!
//! Errors and logs name the idempotency key, event code and attempt, never message content.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ocean_messages::{MessageError, Received};
use tokio::sync::Notify;

use crate::retry::RetryPolicy;
use crate::store::{ClaimedInbound, Store};
use crate::worker::{Waiter, Workers, ms, owner};

/// One message handed to the POS.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The message's idempotency key ([`ocean_messages::IdempotencyKey`]).
    pub idempotency_key: String,
    /// The event code.
    pub event: String,
    /// The Ocean referral id, if the message has one.
    pub referral: Option<String>,
    /// The site key (see [`crate::site`]), if known.
    pub site: Option<String>,
    /// Whether `ocean-messages` models the event (else [`Received::Unsupported`]).
    pub supported: bool,
    /// When the gateway received it (ms since the Unix epoch).
    pub received_at_ms: i64,
    /// The body as Ocean sent it.
    pub body: Vec<u8>,
    /// 1 for the first hand-off; more after a failure or an interrupted hand-off.
    pub attempt: u32,
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("idempotency_key", &self.idempotency_key)
            .field("event", &self.event)
            .field("site", &self.site)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl Delivery {
    /// Whether this message was handed over before (a failed or interrupted hand-off).
    pub fn is_redelivery(&self) -> bool {
        self.attempt > 1
    }

    /// Parses the body again ([`ocean_messages::parse`]); it parsed when it was received.
    pub fn parse(&self) -> Result<Received, MessageError> {
        ocean_messages::parse(&self.body)
    }

    fn from_claim(c: ClaimedInbound) -> Self {
        Self {
            idempotency_key: c.idempotency_key,
            event: c.event,
            referral: c.referral,
            site: c.site,
            supported: c.supported,
            received_at_ms: c.received_at,
            body: c.body,
            attempt: c.attempt,
        }
    }
}

/// Why a handler did not take a message; it will be retried. The reason is logged and stored:
/// it must not contain patient data (say what failed, not about whom).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffError {
    reason: String,
}

impl HandoffError {
    /// A failure with a reason (no patient data).
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for HandoffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hand-off failed: {}", self.reason)
    }
}

impl std::error::Error for HandoffError {}

/// The POS's side of the hand-off: take one message into the POS (see the module docs for the
/// guarantees). Implement it with `async fn handle(&self, delivery: Delivery) -> …`.
pub trait Handler: Send + Sync + 'static {
    /// Takes one message; `Ok` marks it done, `Err` retries it later.
    fn handle(&self, delivery: Delivery) -> impl Future<Output = Result<(), HandoffError>> + Send;
}

/// How the hand-off worker runs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HandoffOptions {
    /// Concurrent hand-offs (different referrals), default 4.
    pub workers: usize,
    /// How long a claim holds a message before another worker may take it (default 5 min).
    pub lease: Duration,
    /// How often idle workers look for due messages besides being woken (default 1 s).
    pub poll: Duration,
    /// Delay after a first failed hand-off (default 1 s).
    pub backoff_initial: Duration,
    /// The longest delay between hand-off attempts (default 5 min).
    pub backoff_max: Duration,
}

impl Default for HandoffOptions {
    fn default() -> Self {
        Self {
            workers: 4,
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(1),
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
        }
    }
}

impl HandoffOptions {
    /// The delay after `attempt` failed hand-offs: [`RetryPolicy::cap`] with
    /// [`Self::backoff_initial`] and [`Self::backoff_max`] (no jitter, no window; see the module
    /// docs).
    pub fn backoff(&self, attempt: u32) -> Duration {
        RetryPolicy::new(self.backoff_initial, self.backoff_max, Duration::MAX).cap(attempt)
    }
}

/// Starts the hand-off workers. `instance` names this gateway instance (lease owners are
/// `{instance}-{n}`; use a fresh one per process); `wake` is the notifier the inbound service
/// signals.
pub fn spawn<H: Handler>(
    store: Store,
    handler: Arc<H>,
    options: HandoffOptions,
    instance: &str,
    wake: Arc<Notify>,
) -> Workers {
    let instance = instance.to_owned();
    let poll = options.poll;
    Workers::spawn(options.workers, wake, poll, move |n, waiter| {
        run(
            store.clone(),
            Arc::clone(&handler),
            options.clone(),
            owner(&instance, n),
            waiter,
        )
    })
}

async fn run<H: Handler>(
    store: Store,
    handler: Arc<H>,
    options: HandoffOptions,
    owner: String,
    mut waiter: Waiter,
) {
    while !waiter.stopped() {
        match store.inbox_claim(&owner, ms(options.lease)).await {
            Ok(Some(claim)) => hand_over(&store, &handler, &options, &owner, claim).await,
            Ok(None) => waiter.idle().await,
            Err(e) => {
                tracing::warn!(error = %e, "hand-off: claim failed");
                waiter.idle().await;
            }
        }
    }
}

async fn hand_over<H: Handler>(
    store: &Store,
    handler: &Arc<H>,
    options: &HandoffOptions,
    owner: &str,
    claim: ClaimedInbound,
) {
    let seq = claim.seq;
    let delivery = Delivery::from_claim(claim);
    let key = delivery.idempotency_key.clone();
    let attempt = delivery.attempt;
    let event = delivery.event.clone();
    let handler = Arc::clone(handler);
    // A separate task, so a panicking handler is a failed hand-off, not a dead worker.
    let result = tokio::spawn(async move { handler.handle(delivery).await })
        .await
        .unwrap_or_else(|_| Err(HandoffError::new("the handler panicked")));
    let stored = match &result {
        Ok(()) => {
            tracing::info!(key = %key, event = %event, attempt, outcome = "done", "handed over");
            store.inbox_done(seq, owner).await
        }
        Err(e) => {
            let delay = options.backoff(attempt);
            tracing::warn!(key = %key, event = %event, attempt, error = %e, retry_in_ms = ms(delay), outcome = "retry", "hand-off failed");
            store
                .inbox_retry_later(seq, owner, ms(delay), e.reason())
                .await
        }
    };
    match stored {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(key = %key, "hand-off: the lease expired before the result was stored")
        }
        Err(e) => tracing::warn!(key = %key, error = %e, "hand-off: result not stored"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_max() {
        let s = Duration::from_secs;
        let mut options = HandoffOptions::default();
        (options.backoff_initial, options.backoff_max) = (s(1), s(60));
        assert_eq!(options.backoff(1), s(1));
        assert_eq!(options.backoff(3), s(4));
        assert_eq!(options.backoff(40), s(60));
    }

    proptest::proptest! {
        #[test]
        fn backoff_never_shrinks_and_stays_under_max(
            initial in 0u64..10_000, max in 0u64..1_000_000, attempt in 0u32..100,
        ) {
            let options = HandoffOptions {
                backoff_initial: Duration::from_millis(initial),
                backoff_max: Duration::from_millis(max),
                ..HandoffOptions::default()
            };
            let now = options.backoff(attempt);
            let next = options.backoff(attempt + 1);
            proptest::prop_assert!(now <= next);
            proptest::prop_assert!(next <= options.backoff_max);
        }
    }
}
