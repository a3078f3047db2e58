//! Group commit for the inbox: concurrent webhook requests share one transaction, so one disk
//! flush acknowledges many messages.
//!
//! Each request still gets its answer only after the transaction holding its message has
//! committed (on disk, with SQLite's `synchronous=FULL`); a failed commit fails every message
//! of the batch (503 to each, so Ocean retries them all). Repeats inside one batch are found
//! like any other repeat (`ON CONFLICT DO NOTHING` sees the earlier insert of the same
//! transaction).

use tokio::sync::{mpsc, oneshot};

use super::{InboxInsert, NewInbound, Store, StoreError, StoreErrorKind};

type Reply = oneshot::Sender<Result<InboxInsert, StoreError>>;

/// A handle on the group-commit writer task (cheap to clone).
#[derive(Debug, Clone)]
pub struct InboxWriter {
    tx: mpsc::Sender<(NewInbound, Reply)>,
}

impl InboxWriter {
    /// Starts the writer task (call inside a tokio runtime). Up to `max_batch` messages share a
    /// transaction; the task ends when every handle is dropped.
    pub fn spawn(store: Store, max_batch: usize) -> Self {
        let max_batch = max_batch.max(1);
        let (tx, rx) = mpsc::channel(max_batch.saturating_mul(4));
        tokio::spawn(run(store, rx, max_batch));
        Self { tx }
    }

    /// Stores a message (see [`Store::inbox_insert`]), in a batch with concurrent ones.
    pub async fn insert(&self, message: NewInbound) -> Result<InboxInsert, StoreError> {
        let gone = || StoreError::new("inbox insert", StoreErrorKind::Unavailable);
        let (reply, answer) = oneshot::channel();
        self.tx.send((message, reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<(NewInbound, Reply)>, max_batch: usize) {
    let mut batch = Vec::with_capacity(max_batch);
    while rx.recv_many(&mut batch, max_batch).await > 0 {
        let results = store.inbox_insert_batch(&batch).await;
        for ((_, reply), result) in batch.drain(..).zip(results) {
            let _ = reply.send(result);
        }
    }
}

impl Store {
    /// Inserts several messages in one transaction; one result per message, in order.
    async fn inbox_insert_batch(
        &self,
        batch: &[(NewInbound, Reply)],
    ) -> Vec<Result<InboxInsert, StoreError>> {
        let op = "inbox insert";
        let fail = |e: &sqlx::Error| {
            let error = StoreError::from_sqlx(op, e);
            batch.iter().map(|_| Err(error.clone())).collect()
        };
        let _turn = match self.gate.turn(op).await {
            Ok(turn) => turn,
            Err(error) => return batch.iter().map(|_| Err(error.clone())).collect(),
        };
        let mut tx = match self.pool.begin().await {
            Ok(tx) => tx,
            Err(e) => return fail(&e),
        };
        // Inserted in key order, so that two instances inserting the same keys (PostgreSQL)
        // take their locks in the same order and cannot deadlock.
        let mut order: Vec<usize> = (0..batch.len()).collect();
        order.sort_by(|a, b| {
            let key = |i: &usize| batch.get(*i).map(|(m, _)| m.idempotency_key.as_str());
            key(a).cmp(&key(b))
        });
        let mut results: Vec<Result<InboxInsert, StoreError>> =
            batch.iter().map(|_| Ok(InboxInsert::Repeat)).collect();
        for i in order {
            let (Some((message, _)), Some(slot)) = (batch.get(i), results.get_mut(i)) else {
                continue;
            };
            match super::inbox::insert_query(message).execute(&mut *tx).await {
                Ok(done) if done.rows_affected() > 0 => *slot = Ok(InboxInsert::New),
                Ok(_) => *slot = Ok(InboxInsert::Repeat),
                Err(e) => {
                    let _ = tx.rollback().await;
                    return fail(&e);
                }
            }
        }
        match tx.commit().await {
            Ok(()) => results,
            Err(e) => fail(&e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_inserts_share_commits_and_repeats_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = Store::open(&url).await.unwrap();
        let writer = InboxWriter::spawn(store.clone(), 16);
        let mut tasks = Vec::new();
        for i in 0..50 {
            let writer = writer.clone();
            // Keys 0..25, each twice.
            let m = NewInbound::new(format!("k{}", i % 25), "add-service-request", vec![1]);
            tasks.push(tokio::spawn(async move { writer.insert(m).await.unwrap() }));
        }
        let mut new = 0;
        for t in tasks {
            if t.await.unwrap() == InboxInsert::New {
                new += 1;
            }
        }
        assert_eq!(new, 25);
        assert_eq!(store.inbox_counts().await.unwrap().pending, 25);
        store.close().await;
        let e = writer
            .insert(NewInbound::new("k", "e", vec![]))
            .await
            .unwrap_err();
        assert_eq!(e.operation(), "inbox insert");
    }
}
