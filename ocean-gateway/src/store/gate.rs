//! SQLite's single writer, queued inside the process.
//!
//! SQLite lets one connection write at a time; another that tries waits in SQLite's busy
//! handler, which sleeps and polls with growing sleeps (up to 100 ms each). Under load that
//! sleep, not the work, made the webhook's slowest acknowledgements: a group commit waiting
//! behind a hand-off's write slept tens of milliseconds after the lock was already free. So
//! every write of a SQLite [`Store`](super::Store) first takes this gate: writers queue in
//! arrival order (tokio's mutex is fair) and each is woken the moment the previous one has
//! committed. PostgreSQL has row locks and needs none (the gate is open).
//!
//! Waiting longer than the store's `acquire_timeout` fails the operation as
//! [`StoreErrorKind::Unavailable`], as waiting for a connection does.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{StoreError, StoreErrorKind};

/// The gate (cheap to clone).
#[derive(Debug, Clone)]
pub(crate) struct WriteGate {
    lock: Option<Arc<Mutex<()>>>,
    timeout: Duration,
}

impl WriteGate {
    /// A gate that queues writers (SQLite).
    pub(crate) fn serial(timeout: Duration) -> Self {
        Self {
            lock: Some(Arc::new(Mutex::new(()))),
            timeout,
        }
    }

    /// A gate that lets every writer through (PostgreSQL).
    #[cfg(feature = "postgres")]
    pub(crate) fn open() -> Self {
        Self {
            lock: None,
            timeout: Duration::ZERO,
        }
    }

    /// Waits for this writer's turn; the turn ends when the guard is dropped (after the
    /// commit).
    pub(crate) async fn turn(
        &self,
        op: &'static str,
    ) -> Result<Option<OwnedMutexGuard<()>>, StoreError> {
        let Some(lock) = &self.lock else {
            return Ok(None);
        };
        match tokio::time::timeout(self.timeout, Arc::clone(lock).lock_owned()).await {
            Ok(guard) => Ok(Some(guard)),
            Err(_) => Err(StoreError::new(op, StoreErrorKind::Unavailable)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writers_queue_and_a_long_wait_is_unavailable() {
        let gate = WriteGate::serial(Duration::from_millis(50));
        let first = gate.turn("a").await.unwrap();
        assert!(first.is_some());
        let waited = gate.turn("b").await.unwrap_err();
        assert_eq!(waited.kind(), StoreErrorKind::Unavailable);
        drop(first);
        assert!(gate.turn("c").await.unwrap().is_some());
    }
}
