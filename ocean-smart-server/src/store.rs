//! Where launches, authorization codes and tokens live between requests: the [`Store`] trait,
//! with [`MemoryStore`] (one process, tests, the example) and [`SqliteStore`] (sqlx, survives
//! restarts, shared by processes on one machine).
//!
//! # What is stored, and why hashed
//! Every record is keyed by the SHA-256 of a random 256-bit credential
//! ([`crate::secrets::hash_token`]): the launch id, the code, the access token, the refresh
//! token. The credential itself is never stored. Anyone who reads the store (a backup, a
//! replica, an SQL injection elsewhere in the POS, a support dump) therefore gets nothing they
//! can present to this server, and since the credentials are random and long, a fast unsalted
//! hash is enough: there is nothing to brute-force. The value is JSON this crate writes (the
//! launch context, the grant); it holds ids (patient, user, referral), scopes and times, no
//! clinical data.
//!
//! # Rules every implementation follows
//! - [`Store::take`] is atomic: of two concurrent `take`s of one key, at most one gets the
//!   record. That is what makes launches, codes and refresh tokens single-use.
//! - A record at or after its `expires_at` is never returned (`get` and `take` answer `None`),
//!   even before [`Store::purge_expired`] removes it.
//! - `put` of an existing key replaces it (keys are random, so this only happens by mistake).
//! - Errors carry no key or value.

use std::future::Future;
use std::pin::Pin;

mod memory;
mod sqlite;

pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

/// A boxed, sendable future: what the object-safe traits of this crate return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// A launch context waiting for Ocean's authorization request (single-use).
    Launch,
    /// An authorization code (single-use, short-lived).
    Code,
    /// An access token.
    Access,
    /// A refresh token (single-use: each refresh issues a new one).
    Refresh,
    /// A code already exchanged, kept until its tokens expire: the hashes of the tokens it
    /// gave, revoked if the code is presented again.
    SpentCode,
}

impl RecordKind {
    /// `launch`, `code`, `access`, `refresh`, `spent-code`: the kind column of [`SqliteStore`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Launch => "launch",
            Self::Code => "code",
            Self::Access => "access",
            Self::Refresh => "refresh",
            Self::SpentCode => "spent-code",
        }
    }
}

/// One stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Unix seconds at which the record stops being usable.
    pub expires_at: i64,
    /// The JSON this crate wrote.
    pub value: String,
}

/// Why the store failed. Names the operation, never a key or value.
#[derive(Debug, thiserror::Error)]
#[error("store {operation} failed: {source}")]
pub struct StoreError {
    /// `put`, `get`, `take`, `purge` or `open`.
    pub operation: &'static str,
    /// The backend's error.
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl StoreError {
    /// Wraps a backend error.
    pub fn new(
        operation: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            operation,
            source: source.into(),
        }
    }
}

/// Records keyed by kind and credential hash, with expiry (module rules). Implement it over the
/// POS's own database if neither [`MemoryStore`] nor [`SqliteStore`] fits.
pub trait Store: Send + Sync + 'static {
    /// Stores `record` under `(kind, key)`.
    fn put<'a>(
        &'a self,
        kind: RecordKind,
        key: &'a str,
        record: Record,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// The record, if present and not expired at `now` (Unix seconds).
    fn get<'a>(
        &'a self,
        kind: RecordKind,
        key: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Record>, StoreError>>;

    /// Removes the record and returns it if it was present and not expired at `now`; atomic.
    fn take<'a>(
        &'a self,
        kind: RecordKind,
        key: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Record>, StoreError>>;

    /// Removes every record expired at `now`; returns how many.
    fn purge_expired(&self, now: i64) -> BoxFuture<'_, Result<u64, StoreError>>;
}

#[cfg(test)]
pub(crate) mod contract {
    //! The module rules as one test every implementation runs.
    use super::*;

    pub(crate) async fn check(store: &dyn Store) {
        let r = |exp: i64, v: &str| Record {
            expires_at: exp,
            value: v.to_owned(),
        };
        store
            .put(RecordKind::Code, "k1", r(100, "a"))
            .await
            .unwrap();
        store
            .put(RecordKind::Access, "k1", r(100, "b"))
            .await
            .unwrap();
        // Kinds are separate name spaces.
        assert_eq!(
            store.get(RecordKind::Code, "k1", 50).await.unwrap(),
            Some(r(100, "a"))
        );
        // Expired at exactly expires_at.
        assert_eq!(store.get(RecordKind::Code, "k1", 100).await.unwrap(), None);
        store
            .put(RecordKind::Code, "k3", r(100, "x"))
            .await
            .unwrap();
        assert_eq!(store.take(RecordKind::Code, "k3", 100).await.unwrap(), None);
        // Single use.
        assert_eq!(
            store.take(RecordKind::Code, "k1", 99).await.unwrap(),
            Some(r(100, "a"))
        );
        assert_eq!(store.take(RecordKind::Code, "k1", 99).await.unwrap(), None);
        // Replace.
        store
            .put(RecordKind::Access, "k1", r(200, "c"))
            .await
            .unwrap();
        assert_eq!(
            store.get(RecordKind::Access, "k1", 150).await.unwrap(),
            Some(r(200, "c"))
        );
        store
            .put(RecordKind::Launch, "k2", r(10, "d"))
            .await
            .unwrap();
        assert_eq!(store.purge_expired(150).await.unwrap(), 1);
        assert_eq!(store.get(RecordKind::Launch, "k2", 0).await.unwrap(), None);
        assert!(
            store
                .get(RecordKind::Access, "k1", 0)
                .await
                .unwrap()
                .is_some()
        );
    }
}
