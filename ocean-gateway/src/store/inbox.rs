//! The inbox: every message Ocean delivered, stored once per idempotency key, and its hand-off
//! to the POS.
//!
//! A message is `pending` until the POS's handler succeeds, then `done`. A worker claims the
//! oldest pending message whose referral has no older pending message (so one referral's
//! messages are handed over in the order received), by setting a lease (owner and expiry) and
//! counting the attempt **before** calling the handler: a crash during the hand-off leaves the
//! lease to expire and the next claim is attempt 2, a redelivery.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::lease::Queue;
use super::{Store, StoreError, now_ms};

/// A message to store in the inbox.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewInbound {
    /// [`ocean_messages::IdempotencyKey`] as text: the unique key.
    pub idempotency_key: String,
    /// The site key it belongs to, if known.
    pub site: Option<String>,
    /// The Ocean referral id, if the message has one.
    pub referral: Option<String>,
    /// The event code.
    pub event: String,
    /// Whether `ocean-messages` models the event.
    pub supported: bool,
    /// The body as received.
    pub body: Vec<u8>,
}

impl NewInbound {
    /// A message with its key, event code and body; no site, no referral, supported.
    pub fn new(
        idempotency_key: impl Into<String>,
        event: impl Into<String>,
        body: Vec<u8>,
    ) -> Self {
        Self {
            idempotency_key: idempotency_key.into(),
            site: None,
            referral: None,
            event: event.into(),
            supported: true,
            body,
        }
    }
}

impl std::fmt::Debug for NewInbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewInbound")
            .field("idempotency_key", &self.idempotency_key)
            .field("event", &self.event)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// What storing a message came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InboxInsert {
    /// A new message, committed.
    New,
    /// A message with this idempotency key was already stored: nothing changed.
    Repeat,
}

/// A message claimed for hand-off.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimedInbound {
    /// The row id (insertion order).
    pub seq: i64,
    /// The idempotency key.
    pub idempotency_key: String,
    /// The site key, if known.
    pub site: Option<String>,
    /// The Ocean referral id, if any.
    pub referral: Option<String>,
    /// The event code.
    pub event: String,
    /// Whether `ocean-messages` models the event.
    pub supported: bool,
    /// When it was received (ms since the Unix epoch).
    pub received_at: i64,
    /// The body as received.
    pub body: Vec<u8>,
    /// This attempt's number: 1 the first time, more after a failure or an interrupted hand-off.
    pub attempt: u32,
}

impl std::fmt::Debug for ClaimedInbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedInbound")
            .field("seq", &self.seq)
            .field("idempotency_key", &self.idempotency_key)
            .field("event", &self.event)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

/// How many inbox messages are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct InboxCounts {
    /// Waiting for (or in) hand-off.
    pub pending: u64,
    /// Handed over.
    pub done: u64,
}

fn claimed(row: &AnyRow) -> Result<ClaimedInbound, sqlx::Error> {
    Ok(ClaimedInbound {
        seq: row.try_get("seq")?,
        idempotency_key: row.try_get("idempotency_key")?,
        site: row.try_get("site")?,
        referral: row.try_get("referral")?,
        event: row.try_get("event")?,
        supported: row.try_get::<i64, _>("supported")? != 0,
        received_at: row.try_get("received_at")?,
        body: row.try_get("body")?,
        attempt: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
    })
}

/// The insert of one message (a repeat inserts nothing).
pub(super) fn insert_query(
    message: &NewInbound,
) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO inbox (idempotency_key, site, referral, event, supported, received_at, \
         body, state, attempts, next_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(message.idempotency_key.as_str())
    .bind(message.site.as_deref())
    .bind(message.referral.as_deref())
    .bind(message.event.as_str())
    .bind(i64::from(message.supported))
    .bind(now)
    .bind(message.body.as_slice())
    .bind(now)
}

impl Store {
    /// Stores a message unless one with its idempotency key is already stored, and commits
    /// (on disk when this returns, see the module docs of [`crate::store`]).
    pub async fn inbox_insert(&self, message: &NewInbound) -> Result<InboxInsert, StoreError> {
        let _turn = self.gate.turn("inbox insert").await?;
        let done = insert_query(message)
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx("inbox insert", &e))?;
        Ok(if done.rows_affected() > 0 {
            InboxInsert::New
        } else {
            InboxInsert::Repeat
        })
    }

    /// Claims the next message due for hand-off for `owner` until `lease_ms` from now (see the
    /// module docs), counting the attempt; `None` when nothing is due.
    pub async fn inbox_claim(
        &self,
        owner: &str,
        lease_ms: i64,
    ) -> Result<Option<ClaimedInbound>, StoreError> {
        let now = now_ms();
        let sql = format!(
            "UPDATE inbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE seq = (SELECT i.seq FROM inbox i WHERE i.state = 'pending' \
             AND i.next_at <= $3 AND (i.lease_until IS NULL OR i.lease_until < $3) \
             AND NOT EXISTS (SELECT 1 FROM inbox e WHERE e.referral = i.referral \
             AND e.state = 'pending' AND e.seq < i.seq) \
             ORDER BY i.seq LIMIT 1{}) \
             RETURNING seq, idempotency_key, site, referral, event, supported, received_at, body, \
             attempts",
            self.skip_locked()
        );
        let _turn = self.gate.turn("inbox claim").await?;
        let row = sqlx::query(&sql)
            .bind(owner)
            .bind(now.saturating_add(lease_ms))
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx("inbox claim", &e))?;
        row.as_ref()
            .map(claimed)
            .transpose()
            .map_err(|e| StoreError::from_sqlx("inbox claim", &e))
    }

    /// Marks a claimed message handed over. Returns `false` when `owner` no longer held its
    /// lease (it expired and another claim took it).
    pub async fn inbox_done(&self, seq: i64, owner: &str) -> Result<bool, StoreError> {
        self.lease_finish(Queue::Inbox, seq, owner).await
    }

    /// Releases a claimed message after a failed hand-off, to be retried `delay_ms` from now.
    /// `error` must hold no patient data.
    pub async fn inbox_retry_later(
        &self,
        seq: i64,
        owner: &str,
        delay_ms: i64,
        error: &str,
    ) -> Result<bool, StoreError> {
        self.lease_retry_later(Queue::Inbox, seq, owner, delay_ms, error)
            .await
    }

    /// How many messages are pending and done.
    pub async fn inbox_counts(&self) -> Result<InboxCounts, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM inbox GROUP BY state")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx("inbox count", &e))?;
        let mut counts = InboxCounts::default();
        for row in rows {
            let state: String = row
                .try_get("state")
                .map_err(|e| StoreError::from_sqlx("inbox count", &e))?;
            let n: i64 = row
                .try_get("n")
                .map_err(|e| StoreError::from_sqlx("inbox count", &e))?;
            let n = u64::try_from(n).unwrap_or(0);
            match state.as_str() {
                "done" => counts.done = n,
                _ => counts.pending = counts.pending.saturating_add(n),
            }
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = Store::open(&url).await.unwrap();
        (dir, store)
    }

    fn msg(key: &str, referral: &str) -> NewInbound {
        let mut m = NewInbound::new(key, "add-service-request", b"{}".to_vec());
        m.referral = Some(referral.into());
        m
    }

    #[tokio::test]
    async fn insert_once_claim_in_order() {
        let (_dir, store) = store().await;
        assert_eq!(
            store.inbox_insert(&msg("a", "r1")).await.unwrap(),
            InboxInsert::New
        );
        assert_eq!(
            store.inbox_insert(&msg("a", "r1")).await.unwrap(),
            InboxInsert::Repeat
        );
        assert_eq!(
            store.inbox_insert(&msg("b", "r1")).await.unwrap(),
            InboxInsert::New
        );
        assert_eq!(
            store.inbox_insert(&msg("c", "r2")).await.unwrap(),
            InboxInsert::New
        );
        let first = store.inbox_claim("w", 60_000).await.unwrap().unwrap();
        assert_eq!((first.idempotency_key.as_str(), first.attempt), ("a", 1));
        // b waits for a (same referral); c is free.
        let second = store.inbox_claim("w", 60_000).await.unwrap().unwrap();
        assert_eq!(second.idempotency_key, "c");
        assert!(store.inbox_claim("w", 60_000).await.unwrap().is_none());
        assert!(
            store
                .inbox_retry_later(first.seq, "w", 0, "handler failed")
                .await
                .unwrap()
        );
        let again = store.inbox_claim("w", 60_000).await.unwrap().unwrap();
        assert_eq!((again.idempotency_key.as_str(), again.attempt), ("a", 2));
        assert!(!store.inbox_done(again.seq, "other").await.unwrap());
        assert!(store.inbox_done(again.seq, "w").await.unwrap());
        let b = store.inbox_claim("w", 60_000).await.unwrap().unwrap();
        assert_eq!(b.idempotency_key, "b");
        let counts = store.inbox_counts().await.unwrap();
        assert_eq!((counts.pending, counts.done), (2, 1));
    }

    #[tokio::test]
    async fn expired_lease_is_claimed_again() {
        let (_dir, store) = store().await;
        store.inbox_insert(&msg("a", "r1")).await.unwrap();
        let first = store.inbox_claim("w1", -1).await.unwrap().unwrap();
        let again = store.inbox_claim("w2", 60_000).await.unwrap().unwrap();
        assert_eq!((first.seq, again.attempt), (again.seq, 2));
    }
}
