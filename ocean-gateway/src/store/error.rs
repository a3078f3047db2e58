//! The store's error: which operation failed and how, never the data it was handling.

use std::fmt;

/// What kind of failure a store operation met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The store URL is not `sqlite://PATH` or `postgres://…` (or names a driver this build
    /// lacks: PostgreSQL needs the `postgres` feature).
    UnsupportedUrl,
    /// The database could not be reached or opened (network, file, permissions, pool timeout):
    /// the operation may succeed later. The webhook answers 503 so Ocean retries.
    Unavailable,
    /// The database refused or failed the statement (constraint, syntax, type, corruption).
    Database,
}

/// A store operation failed. `Display` and `Debug` name the operation and the kind of failure
/// (and the database's error code, when it gave one); they never contain message bodies, ids of
/// patients or the database's own error text (which can quote values).
#[derive(Clone, PartialEq, Eq)]
pub struct StoreError {
    operation: &'static str,
    kind: StoreErrorKind,
    code: Option<String>,
}

impl StoreError {
    pub(crate) fn new(operation: &'static str, kind: StoreErrorKind) -> Self {
        Self {
            operation,
            kind,
            code: None,
        }
    }

    /// Wraps a sqlx error, keeping only its category and the database's error code.
    pub(crate) fn from_sqlx(operation: &'static str, error: &sqlx::Error) -> Self {
        let (kind, code) = match error {
            sqlx::Error::Database(db) => (
                StoreErrorKind::Database,
                db.code().map(|c| c.chars().take(16).collect()),
            ),
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_) => (StoreErrorKind::Unavailable, None),
            sqlx::Error::Configuration(_) => (StoreErrorKind::UnsupportedUrl, None),
            _ => (StoreErrorKind::Database, None),
        };
        Self {
            operation,
            kind,
            code,
        }
    }

    /// The operation that failed, e.g. `"inbox insert"`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The kind of failure.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// The database's error code (SQLSTATE for PostgreSQL, the extended result code for
    /// SQLite), when it gave one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            StoreErrorKind::UnsupportedUrl => "unsupported store URL",
            StoreErrorKind::Unavailable => "store unavailable",
            StoreErrorKind::Database => "database error",
        };
        write!(f, "{}: {kind}", self.operation)?;
        if let Some(code) = &self.code {
            write!(f, " (code {code})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreError")
            .field("operation", &self.operation)
            .field("kind", &self.kind)
            .field("code", &self.code)
            .finish()
    }
}

impl std::error::Error for StoreError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_operation_only() {
        let e = StoreError::from_sqlx("inbox insert", &sqlx::Error::PoolTimedOut);
        assert_eq!(e.to_string(), "inbox insert: store unavailable");
        assert_eq!(e.kind(), StoreErrorKind::Unavailable);
        let e = StoreError::from_sqlx(
            "inbox insert",
            &sqlx::Error::Protocol("value 'Jane Sentinel' rejected".into()),
        );
        assert!(!format!("{e} {e:?}").contains("Sentinel"));
    }
}
