//! The outbox: every message the POS asked to send, until Ocean accepts it or it goes to the
//! dead-letter list.
//!
//! A message is `pending`, then `sent` or `dead`. A worker claims the oldest due message whose
//! referral (on its site) has no older pending message, so one referral's messages reach Ocean
//! in the order they were sent; the claim sets a lease, counts the attempt and records the time
//! of the first attempt (the retry window runs from it).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::lease::Queue;
use super::{Store, StoreError, now_ms};

/// A message to store in the outbox.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewOutbound {
    /// The site key the message goes to (the [`crate::outbox::Transport`] resolves it).
    pub site: String,
    /// The Ocean referral id, if the message names one (order is kept per site and referral).
    pub referral: Option<String>,
    /// The event code.
    pub event: String,
    /// The MessageHeader id.
    pub message_id: String,
    /// The body to POST.
    pub body: Vec<u8>,
    /// When set, a second message with the same key is not stored
    /// ([`Store::outbox_insert_once`]).
    pub dedupe_key: Option<String>,
}

impl NewOutbound {
    /// A message for a site.
    pub fn new(
        site: impl Into<String>,
        referral: Option<String>,
        event: impl Into<String>,
        message_id: impl Into<String>,
        body: Vec<u8>,
    ) -> Self {
        Self {
            site: site.into(),
            referral,
            event: event.into(),
            message_id: message_id.into(),
            body,
            dedupe_key: None,
        }
    }

    /// Sets the key that makes the send happen once.
    pub fn with_dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }
}

impl std::fmt::Debug for NewOutbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOutbound")
            .field("site", &self.site)
            .field("event", &self.event)
            .field("message_id", &self.message_id)
            .finish_non_exhaustive()
    }
}

/// A message claimed for delivery.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimedOutbound {
    /// The row id (insertion order).
    pub seq: i64,
    /// The site key.
    pub site: String,
    /// The Ocean referral id, if any.
    pub referral: Option<String>,
    /// The event code.
    pub event: String,
    /// The MessageHeader id.
    pub message_id: String,
    /// The body to POST.
    pub body: Vec<u8>,
    /// This attempt's number (1 the first time).
    pub attempt: u32,
    /// When the first attempt was made (ms since the Unix epoch).
    pub first_attempt_at: i64,
}

impl std::fmt::Debug for ClaimedOutbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedOutbound")
            .field("seq", &self.seq)
            .field("site", &self.site)
            .field("event", &self.event)
            .field("message_id", &self.message_id)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

fn claimed(row: &AnyRow) -> Result<ClaimedOutbound, sqlx::Error> {
    Ok(ClaimedOutbound {
        seq: row.try_get("seq")?,
        site: row.try_get("site")?,
        referral: row.try_get("referral")?,
        event: row.try_get("event")?,
        message_id: row.try_get("message_id")?,
        body: row.try_get("body")?,
        attempt: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        first_attempt_at: row.try_get("first_attempt_at")?,
    })
}

impl Store {
    /// Stores a message to send and commits; returns its row id. (A message with a
    /// [`NewOutbound::dedupe_key`] already stored is an error here; use
    /// [`Self::outbox_insert_once`].)
    pub async fn outbox_insert(&self, message: &NewOutbound) -> Result<i64, StoreError> {
        self.outbox_insert_once(message)
            .await?
            .ok_or_else(|| StoreError::new("outbox insert", super::StoreErrorKind::Database))
    }

    /// Stores a message to send and commits, unless one with the same
    /// [`NewOutbound::dedupe_key`] is already stored (then `None`, and nothing changes).
    pub async fn outbox_insert_once(
        &self,
        message: &NewOutbound,
    ) -> Result<Option<i64>, StoreError> {
        let now = now_ms();
        let _turn = self.gate.turn("outbox insert").await?;
        let row = sqlx::query(
            "INSERT INTO outbox (site, referral, event, message_id, body, state, attempts, \
             created_at, next_at, dedupe_key) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, \
             $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING seq",
        )
        .bind(&message.site)
        .bind(&message.referral)
        .bind(&message.event)
        .bind(&message.message_id)
        .bind(&message.body)
        .bind(now)
        .bind(now)
        .bind(&message.dedupe_key)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx("outbox insert", &e))?;
        row.map(|r| r.try_get("seq"))
            .transpose()
            .map_err(|e| StoreError::from_sqlx("outbox insert", &e))
    }

    /// Claims the next message due for delivery for `owner` until `lease_ms` from now (see the
    /// module docs); `None` when nothing is due.
    pub async fn outbox_claim(
        &self,
        owner: &str,
        lease_ms: i64,
    ) -> Result<Option<ClaimedOutbound>, StoreError> {
        let now = now_ms();
        let sql = format!(
            "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1, \
             first_attempt_at = COALESCE(first_attempt_at, $3) \
             WHERE seq = (SELECT i.seq FROM outbox i WHERE i.state = 'pending' \
             AND i.next_at <= $3 AND (i.lease_until IS NULL OR i.lease_until < $3) \
             AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.site = i.site \
             AND e.referral = i.referral AND e.state = 'pending' AND e.seq < i.seq) \
             ORDER BY i.seq LIMIT 1{}) \
             RETURNING seq, site, referral, event, message_id, body, attempts, first_attempt_at",
            self.skip_locked()
        );
        let _turn = self.gate.turn("outbox claim").await?;
        let row = sqlx::query(&sql)
            .bind(owner)
            .bind(now.saturating_add(lease_ms))
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx("outbox claim", &e))?;
        row.as_ref()
            .map(claimed)
            .transpose()
            .map_err(|e| StoreError::from_sqlx("outbox claim", &e))
    }

    /// Marks a claimed message delivered. `false` when `owner` no longer held its lease.
    pub async fn outbox_sent(&self, seq: i64, owner: &str) -> Result<bool, StoreError> {
        self.lease_finish(Queue::Outbox, seq, owner).await
    }

    /// Releases a claimed message to be tried again `delay_ms` from now. `error` must hold no
    /// patient data.
    pub async fn outbox_retry_later(
        &self,
        seq: i64,
        owner: &str,
        delay_ms: i64,
        error: &str,
    ) -> Result<bool, StoreError> {
        self.lease_retry_later(Queue::Outbox, seq, owner, delay_ms, error)
            .await
    }

    /// Moves a claimed message to the dead-letter list with Ocean's status and answer, in one
    /// transaction. `reason` must hold no patient data. `false` when `owner` no longer held its
    /// lease.
    pub async fn outbox_dead(
        &self,
        seq: i64,
        owner: &str,
        status: Option<u16>,
        reason: &str,
        outcome: Option<&str>,
    ) -> Result<bool, StoreError> {
        let op = "outbox dead-letter";
        let _turn = self.gate.turn(op).await?;
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| StoreError::from_sqlx(op, &e))?;
        // The write comes first, so SQLite takes its write lock at once.
        let done = sqlx::query(
            "UPDATE outbox SET state = 'dead', lease_owner = NULL, lease_until = NULL, \
             last_error = $1 WHERE seq = $2 AND lease_owner = $3",
        )
        .bind(reason)
        .bind(seq)
        .bind(owner)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(op, &e))?;
        if done.rows_affected() == 0 {
            tx.rollback()
                .await
                .map_err(|e| StoreError::from_sqlx(op, &e))?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO dead_letters (direction, site, referral, event, outbox_seq, body, status, \
             reason, outcome, created_at) SELECT 'outbound', site, referral, event, seq, body, $1, \
             $2, $3, $4 FROM outbox WHERE seq = $5",
        )
        .bind(status.map(i64::from))
        .bind(reason)
        .bind(outcome)
        .bind(now_ms())
        .bind(seq)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(op, &e))?;
        tx.commit()
            .await
            .map_err(|e| StoreError::from_sqlx(op, &e))?;
        Ok(true)
    }

    /// How many outbox messages are still pending.
    pub async fn outbox_pending(&self) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx("outbox count", &e))?;
        let n: i64 = row
            .try_get("n")
            .map_err(|e| StoreError::from_sqlx("outbox count", &e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::*;

    #[tokio::test]
    async fn order_per_referral_and_dead_letters() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = Store::open(&url).await.unwrap();
        let m = |id: &str, r: &str| {
            NewOutbound::new(
                "s1",
                Some(r.into()),
                "notify-add-process-request",
                id,
                b"{}".to_vec(),
            )
        };
        let a = store.outbox_insert(&m("a", "r1")).await.unwrap();
        store.outbox_insert(&m("b", "r1")).await.unwrap();
        store.outbox_insert(&m("c", "r2")).await.unwrap();
        let first = store.outbox_claim("w", 60_000).await.unwrap().unwrap();
        assert_eq!((first.seq, first.attempt), (a, 1));
        let second = store.outbox_claim("w", 60_000).await.unwrap().unwrap();
        assert_eq!(second.message_id, "c");
        assert!(store.outbox_claim("w", 60_000).await.unwrap().is_none());
        assert!(
            store
                .outbox_dead(first.seq, "w", Some(422), "rejected", Some("{}"))
                .await
                .unwrap()
        );
        let b = store.outbox_claim("w", 60_000).await.unwrap().unwrap();
        assert_eq!(b.message_id, "b");
        assert!(store.outbox_sent(b.seq, "w").await.unwrap());
        let dead = store.dead_letters(10).await.unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].status, Some(422));
        assert_eq!(store.outbox_pending().await.unwrap(), 1);
        let once = m("d", "r3").with_dedupe_key("reply-to-x");
        assert!(store.outbox_insert_once(&once).await.unwrap().is_some());
        assert!(store.outbox_insert_once(&once).await.unwrap().is_none());
        assert!(store.outbox_insert(&once).await.is_err());
        assert_eq!(store.outbox_pending().await.unwrap(), 2);
    }
}
