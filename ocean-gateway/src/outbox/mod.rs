//! The outbox: [`Outbox::send`] stores a message for Ocean and returns; workers deliver it
//! through a [`Transport`].
//!
//! # What happens to a message
//! - It is committed to the outbox before [`Outbox::send`] returns, so a crash after `send`
//!   does not lose it.
//! - Workers send one referral's messages (per site) one at a time, in the order `send` was
//!   called; messages of other referrals go in parallel.
//! - [`SendOutcome::Delivered`] means done.
//! - [`SendOutcome::Retry`]: tried again after `next_delay` of [`RetryPolicy`] (it honours
//!   `Retry-After`), until the policy's window, counted from the first attempt, is over; then
//!   it goes to the dead-letter list as [`DeadLetterCause::WindowOver`].
//! - [`SendOutcome::Rejected`]: straight to the dead-letter list with Ocean's status and
//!   OperationOutcome ([`DeadLetterCause::Rejected`]); never retried silently.
//! - Every dead letter is reported to the [`DeadLetterSink`] after it is committed, and stays
//!   in the store ([`Store::dead_letters`]).
//! - A crash during a delivery leaves the lease to expire (at once on SQLite's next start);
//!   the message is then sent again, so Ocean may see it twice: its MessageHeader id is the
//!   same both times.
//! - With several instances on one PostgreSQL database, each message is claimed by one
//!   instance at a time.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ocean_messages::build::OutboundMessage;
use tokio::sync::Notify;

use crate::client::SendOutcome;
use crate::retry::RetryPolicy;
use crate::store::{ClaimedOutbound, NewOutbound, Store, StoreError, now_ms};
use crate::worker::{Waiter, Workers, ms, owner};

/// Delivers one message body to one site's Ocean (`$process-messages`), with whatever token
/// handling it needs. [`crate::transport::OceanTransport`] implements it over the outbound
/// client of [`crate::client`], one client per site.
pub trait Transport: Send + Sync + 'static {
    /// Posts `body` to the site with key `site` and says what came of it.
    fn send(&self, site: &str, body: Vec<u8>) -> impl Future<Output = SendOutcome> + Send;
}

/// Why a message went to the dead-letter list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeadLetterCause {
    /// Ocean refused it ([`SendOutcome::Rejected`]).
    Rejected,
    /// The retry window ended without a delivery.
    WindowOver,
}

/// A dead letter, as reported to the [`DeadLetterSink`]. `Debug` shows ids and codes only.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct DeadLetterReport {
    /// The outbox row id.
    pub outbox_seq: i64,
    /// The site key.
    pub site: String,
    /// The Ocean referral id, if any.
    pub referral: Option<String>,
    /// The event code.
    pub event: String,
    /// The MessageHeader id.
    pub message_id: String,
    /// Why.
    pub cause: DeadLetterCause,
    /// Ocean's HTTP status, for a rejection.
    pub status: Option<u16>,
    /// Ocean's OperationOutcome (or other JSON answer), for a rejection.
    pub outcome: Option<serde_json::Value>,
    /// The last failure, without patient data.
    pub reason: String,
    /// Attempts made.
    pub attempts: u32,
}

impl fmt::Debug for DeadLetterReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeadLetterReport")
            .field("outbox_seq", &self.outbox_seq)
            .field("site", &self.site)
            .field("event", &self.event)
            .field("message_id", &self.message_id)
            .field("cause", &self.cause)
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// Called once for each dead letter, after it is committed.
pub type DeadLetterSink = Arc<dyn Fn(&DeadLetterReport) + Send + Sync>;

/// Why [`Outbox::send`] did not store a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The message could not be serialised (it holds no JSON-incompatible values in practice).
    #[error("the outbound message could not be serialised")]
    Serialize,
    /// The store failed; nothing was stored.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How the outbox workers run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutboxOptions {
    /// Concurrent deliveries (different referrals), default 4.
    pub workers: usize,
    /// How long a claim holds a message before another worker may take it (default 2 min; keep
    /// it above the transport's timeout).
    pub lease: Duration,
    /// How often idle workers look for due messages besides being woken (default 1 s).
    pub poll: Duration,
    /// When to retry and when to give up.
    pub retry: RetryPolicy,
}

impl OutboxOptions {
    /// Options with a retry policy: first delay, longest delay, and the window after the first
    /// attempt during which a message is retried.
    pub fn with_retry(initial: Duration, max_delay: Duration, window: Duration) -> Self {
        Self {
            workers: 4,
            lease: Duration::from_secs(120),
            poll: Duration::from_secs(1),
            retry: RetryPolicy {
                initial,
                max_delay,
                window,
            },
        }
    }
}

impl Default for OutboxOptions {
    /// 4 workers; retries from 30 s doubling to 1 h, for 96 h (as Ocean does for its own
    /// deliveries).
    fn default() -> Self {
        Self::with_retry(
            Duration::from_secs(30),
            Duration::from_secs(3600),
            Duration::from_secs(96 * 3600),
        )
    }
}

/// The outbox: where the POS sends messages to Ocean.
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    wake: Arc<Notify>,
}

impl fmt::Debug for Outbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outbox").finish_non_exhaustive()
    }
}

impl Outbox {
    /// An outbox over a store.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Notified after each `send`: give it to [`spawn`].
    pub fn notifier(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Stores a message for the site with key `site` and commits; the workers deliver it.
    /// Returns the outbox row id.
    pub async fn send(&self, site: &str, message: &OutboundMessage) -> Result<i64, SendError> {
        let row = Self::row(site, message)?;
        let seq = self.store.outbox_insert(&row).await?;
        self.stored(seq, &row);
        Ok(seq)
    }

    /// [`Self::send`], at most once per `dedupe_key`: when a message with this key was already
    /// stored, nothing is stored and the answer is `None`. A handler that answers a delivery
    /// uses the delivery's idempotency key (plus the event it answers with), so a redelivered
    /// message is not answered twice.
    pub async fn send_once(
        &self,
        site: &str,
        message: &OutboundMessage,
        dedupe_key: &str,
    ) -> Result<Option<i64>, SendError> {
        let row = Self::row(site, message)?.with_dedupe_key(dedupe_key);
        let seq = self.store.outbox_insert_once(&row).await?;
        match seq {
            Some(seq) => self.stored(seq, &row),
            None => tracing::info!(site, event = %row.event, "outbound message already queued"),
        }
        Ok(seq)
    }

    fn row(site: &str, message: &OutboundMessage) -> Result<NewOutbound, SendError> {
        let body = message.to_json().map_err(|_| SendError::Serialize)?;
        // The referral id, for ordering: the built message parses like any other.
        let referral = ocean_messages::parse(body.as_bytes())
            .ok()
            .and_then(|r| r.referral_id().map(|id| id.as_str().to_owned()));
        Ok(NewOutbound::new(
            site,
            referral,
            message.event().code(),
            message.message_id().to_string(),
            body.into_bytes(),
        ))
    }

    fn stored(&self, seq: i64, row: &NewOutbound) {
        tracing::info!(seq, site = %row.site, event = %row.event, message_id = %row.message_id, "outbound message stored");
        self.wake.notify_one();
    }
}

/// Starts the outbox workers (see the module docs). `instance` names this gateway instance
/// (use a fresh one per process); `wake` is [`Outbox::notifier`].
pub fn spawn<T: Transport>(
    store: Store,
    transport: Arc<T>,
    options: OutboxOptions,
    on_dead_letter: DeadLetterSink,
    instance: &str,
    wake: Arc<Notify>,
) -> Workers {
    let instance = instance.to_owned();
    let poll = options.poll;
    Workers::spawn(options.workers, wake, poll, move |n, waiter| {
        run(
            store.clone(),
            Arc::clone(&transport),
            options.clone(),
            Arc::clone(&on_dead_letter),
            owner(&instance, n),
            waiter,
        )
    })
}

async fn run<T: Transport>(
    store: Store,
    transport: Arc<T>,
    options: OutboxOptions,
    sink: DeadLetterSink,
    owner: String,
    mut waiter: Waiter,
) {
    while !waiter.stopped() {
        match store.outbox_claim(&owner, ms(options.lease)).await {
            Ok(Some(claim)) => deliver(&store, &transport, &options, &sink, &owner, claim).await,
            Ok(None) => waiter.idle().await,
            Err(e) => {
                tracing::warn!(error = %e, "outbox: claim failed");
                waiter.idle().await;
            }
        }
    }
}

async fn deliver<T: Transport>(
    store: &Store,
    transport: &Arc<T>,
    options: &OutboxOptions,
    sink: &DeadLetterSink,
    owner: &str,
    claim: ClaimedOutbound,
) {
    let t = Arc::clone(transport);
    let site = claim.site.clone();
    let body = claim.body.clone();
    // A separate task, so a panicking transport is a retryable failure, not a dead worker.
    let outcome = tokio::spawn(async move { t.send(&site, body).await })
        .await
        .unwrap_or_else(|_| SendOutcome::Retry {
            reason: "the transport panicked".into(),
            retry_after: None,
        });
    let (seq, attempt) = (claim.seq, claim.attempt);
    let result = match outcome {
        SendOutcome::Delivered { status } => {
            tracing::info!(seq, site = %claim.site, event = %claim.event, attempt, status, outcome = "delivered", "outbound message delivered");
            store.outbox_sent(seq, owner).await
        }
        SendOutcome::Retry {
            reason,
            retry_after,
        } => {
            let elapsed = Duration::from_millis(
                u64::try_from(now_ms().saturating_sub(claim.first_attempt_at)).unwrap_or(0),
            );
            match options.retry.next_delay(attempt, retry_after, elapsed) {
                Some(delay) => {
                    tracing::info!(seq, site = %claim.site, attempt, reason = %reason, retry_in_ms = ms(delay), outcome = "retry", "outbound delivery failed");
                    store
                        .outbox_retry_later(seq, owner, ms(delay), &reason)
                        .await
                }
                None => {
                    let reason = format!("retry window over; last failure: {reason}");
                    dead(
                        store,
                        sink,
                        owner,
                        claim,
                        DeadLetterCause::WindowOver,
                        None,
                        None,
                        reason,
                    )
                    .await
                }
            }
        }
        SendOutcome::Rejected { status, outcome } => {
            let reason = format!("rejected by Ocean with status {status}");
            dead(
                store,
                sink,
                owner,
                claim,
                DeadLetterCause::Rejected,
                Some(status),
                outcome,
                reason,
            )
            .await
        }
    };
    match result {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            seq,
            "outbox: the lease expired before the result was stored"
        ),
        Err(e) => tracing::warn!(seq, error = %e, "outbox: result not stored"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn dead(
    store: &Store,
    sink: &DeadLetterSink,
    owner: &str,
    claim: ClaimedOutbound,
    cause: DeadLetterCause,
    status: Option<u16>,
    outcome: Option<serde_json::Value>,
    reason: String,
) -> Result<bool, StoreError> {
    let outcome_text = outcome.as_ref().map(serde_json::Value::to_string);
    let stored = store
        .outbox_dead(claim.seq, owner, status, &reason, outcome_text.as_deref())
        .await?;
    if stored {
        tracing::warn!(seq = claim.seq, site = %claim.site, event = %claim.event, status, cause = ?cause, outcome = "dead_letter", "outbound message dead-lettered");
        let report = DeadLetterReport {
            outbox_seq: claim.seq,
            site: claim.site,
            referral: claim.referral,
            event: claim.event,
            message_id: claim.message_id,
            cause,
            status,
            outcome,
            reason,
            attempts: claim.attempt,
        };
        sink(&report);
    }
    Ok(stored)
}
