//! [`MemoryStore`]: records in a mutex-guarded map, for one process.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{BoxFuture, Record, RecordKind, Store, StoreError};

/// An in-memory [`Store`]: lost on restart (every launch, code and token with it), not shared
/// between processes. For tests, the example and single-process deployments that accept a
/// re-launch after a restart.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Mutex<HashMap<(RecordKind, String), Record>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(
        &self,
        operation: &'static str,
        f: impl FnOnce(&mut HashMap<(RecordKind, String), Record>) -> T,
    ) -> Result<T, StoreError> {
        let mut guard = self
            .records
            .lock()
            .map_err(|_| StoreError::new(operation, "memory store lock poisoned"))?;
        Ok(f(&mut guard))
    }
}

impl Store for MemoryStore {
    fn put<'a>(
        &'a self,
        kind: RecordKind,
        key: &'a str,
        record: Record,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let r = self.with("put", |m| {
            m.insert((kind, key.to_owned()), record);
        });
        Box::pin(async move { r })
    }

    fn get<'a>(
        &'a self,
        kind: RecordKind,
        key: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Record>, StoreError>> {
        let r = self.with("get", |m| {
            m.get(&(kind, key.to_owned()))
                .filter(|r| now < r.expires_at)
                .cloned()
        });
        Box::pin(async move { r })
    }

    fn take<'a>(
        &'a self,
        kind: RecordKind,
        key: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Record>, StoreError>> {
        let r = self.with("take", |m| {
            m.remove(&(kind, key.to_owned()))
                .filter(|r| now < r.expires_at)
        });
        Box::pin(async move { r })
    }

    fn purge_expired(&self, now: i64) -> BoxFuture<'_, Result<u64, StoreError>> {
        let r = self.with("purge", |m| {
            let before = m.len();
            m.retain(|_, r| now < r.expires_at);
            u64::try_from(before - m.len()).unwrap_or(u64::MAX)
        });
        Box::pin(async move { r })
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn contract() {
        super::super::contract::check(&super::MemoryStore::new()).await;
    }
}
