//! Ending a worker's lease on an inbox or outbox row: the one rule both queues follow. An
//! update only counts while `owner` still holds the lease (it may have expired and been claimed
//! by another worker), so a stale worker never overwrites a newer result.

use super::{Store, StoreError, now_ms};

/// The two leased queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Queue {
    /// The inbox (`done` when handed over).
    Inbox,
    /// The outbox (`sent` when delivered).
    Outbox,
}

impl Queue {
    fn table(self) -> &'static str {
        match self {
            Self::Inbox => "inbox",
            Self::Outbox => "outbox",
        }
    }

    fn finished(self) -> &'static str {
        match self {
            Self::Inbox => "done",
            Self::Outbox => "sent",
        }
    }
}

impl Store {
    /// Where a lease's result is written: the inbox's hand-off results on the relaxed
    /// connection (see the module docs of [`crate::store`]), the outbox's on the pool (a lost
    /// `sent` would send Ocean the message again).
    fn lease_pool(&self, queue: Queue) -> &sqlx::AnyPool {
        match queue {
            Queue::Inbox => &self.relaxed,
            Queue::Outbox => &self.pool,
        }
    }

    /// Marks a claimed row finished (`done` / `sent`). `false` when `owner` no longer held its
    /// lease.
    pub(crate) async fn lease_finish(
        &self,
        queue: Queue,
        seq: i64,
        owner: &str,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE {} SET state = '{}', lease_owner = NULL, lease_until = NULL, \
             last_error = NULL WHERE seq = $1 AND lease_owner = $2",
            queue.table(),
            queue.finished()
        );
        let _turn = self.gate.turn(queue.finished_op()).await?;
        let done = sqlx::query(&sql)
            .bind(seq)
            .bind(owner)
            .execute(self.lease_pool(queue))
            .await
            .map_err(|e| StoreError::from_sqlx(queue.finished_op(), &e))?;
        Ok(done.rows_affected() > 0)
    }

    /// Releases a claimed row to be tried again `delay_ms` from now, with the error (no
    /// patient data). `false` when `owner` no longer held its lease.
    pub(crate) async fn lease_retry_later(
        &self,
        queue: Queue,
        seq: i64,
        owner: &str,
        delay_ms: i64,
        error: &str,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE {} SET lease_owner = NULL, lease_until = NULL, next_at = $1, \
             last_error = $2 WHERE seq = $3 AND lease_owner = $4",
            queue.table()
        );
        let _turn = self.gate.turn(queue.retry_op()).await?;
        let done = sqlx::query(&sql)
            .bind(now_ms().saturating_add(delay_ms))
            .bind(error)
            .bind(seq)
            .bind(owner)
            .execute(self.lease_pool(queue))
            .await
            .map_err(|e| StoreError::from_sqlx(queue.retry_op(), &e))?;
        Ok(done.rows_affected() > 0)
    }
}

impl Queue {
    fn finished_op(self) -> &'static str {
        match self {
            Self::Inbox => "inbox done",
            Self::Outbox => "outbox sent",
        }
    }

    fn retry_op(self) -> &'static str {
        match self {
            Self::Inbox => "inbox retry",
            Self::Outbox => "outbox retry",
        }
    }
}
