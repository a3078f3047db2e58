//! The durable store: the inbox, the outbox, the dead-letter list and issued tokens, in SQLite
//! (the embedded default) or PostgreSQL (the `postgres` feature, for several gateway instances
//! on one database).
//!
//! # Durability
//! Every write the webhook answers for is one committed statement: SQLite runs in WAL mode with
//! `synchronous=FULL`, so a commit is on disk before the call returns; PostgreSQL commits with
//! its configured `synchronous_commit` (leave it `on`).
//!
//! One exception, on SQLite: the result of a hand-off ([`Store::inbox_done`],
//! [`Store::inbox_retry_later`]) is written with `synchronous=NORMAL` (no flush of its own). It
//! survives a crash of the process; a power failure may undo it, and the message is then
//! handed over again after the restart, with a higher [`crate::handoff::Delivery::attempt`]
//! (its claim, which counts the attempt, is flushed), which is what the hand-off guarantees
//! already say for a crash during a hand-off. The next flushed commit (any webhook message)
//! flushes it too, WAL being one file written in order. This halves the flushes per message
//! and, with the write gate below, keeps hand-offs from delaying the webhook's answers.
//!
//! # One writer at a time (SQLite)
//! Writes queue in the process for SQLite's one write lock, in arrival order, instead of
//! sleeping in SQLite's busy handler (see `gate.rs`): the load benchmark's slowest answers
//! were those sleeps.
//!
//! # One SQLite file, one gateway
//! With SQLite, run one gateway process per database file: on start it takes back every lease
//! (a lease left by a crashed run would otherwise delay its messages until it expires). Run
//! several instances on PostgreSQL: claims use `FOR UPDATE SKIP LOCKED` and leases expire.
//!
//! Errors ([`StoreError`]) name the operation that failed, never the data.

mod batch;
mod dead;
mod error;
mod gate;
mod inbox;
mod lease;
mod outbox;
mod schema;
mod tokens;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use batch::InboxWriter;
pub use dead::{DeadLetter, Direction};
pub use error::{StoreError, StoreErrorKind};
pub use inbox::{ClaimedInbound, InboxCounts, InboxInsert, NewInbound};
pub use outbox::{ClaimedOutbound, NewOutbound};
pub use tokens::TokenOwner;

/// The SQL dialect of the database behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite (embedded default).
    Sqlite,
    /// PostgreSQL (feature `postgres`).
    #[cfg(feature = "postgres")]
    Postgres,
}

/// Options for opening a store.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreOptions {
    /// The most connections the pool opens (default 8).
    pub max_connections: u32,
    /// How long an operation waits for a connection (or, on SQLite, for the write lock) before
    /// failing as [`StoreErrorKind::Unavailable`] (default 5 s, well inside Ocean's ~10 s
    /// timeout).
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// A handle on the store (cheap to clone: a connection pool).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// On SQLite, one connection with `synchronous=NORMAL` for hand-off results (see the module
    /// docs); on PostgreSQL, `pool`.
    relaxed: AnyPool,
    /// SQLite's writers, queued (see the module docs).
    gate: gate::WriteGate,
    dialect: Dialect,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

/// Milliseconds since the Unix epoch, now (the store's clock).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn dialect_of(url: &str) -> Result<Dialect, StoreError> {
    if url.starts_with("sqlite:") {
        return Ok(Dialect::Sqlite);
    }
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Dialect::Postgres);
    }
    Err(StoreError::new(
        "store open",
        StoreErrorKind::UnsupportedUrl,
    ))
}

/// `sqlite://PATH` (or `sqlite:PATH`) with `mode=rwc` added so the file is created.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl Store {
    /// Opens (creating if needed) the store at `url`: `sqlite://PATH` or, with the `postgres`
    /// feature, `postgres://…`; creates the schema; on SQLite takes back leases left by an
    /// earlier run (see the module docs).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, &StoreOptions::default()).await
    }

    /// [`Self::open`] with options.
    pub async fn open_with(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = dialect_of(url)?;
        let url = match dialect {
            Dialect::Sqlite => sqlite_url(url),
            #[cfg(feature = "postgres")]
            Dialect::Postgres => url.to_owned(),
        };
        let connect: AnyConnectOptions = url
            .parse()
            .map_err(|e| StoreError::from_sqlx("store open", &e))?;
        let pool = Self::pool(dialect, options, options.max_connections, "FULL")
            .connect_with(connect.clone())
            .await
            .map_err(|e| StoreError::from_sqlx("store open", &e))?;
        let (relaxed, gate) = match dialect {
            Dialect::Sqlite => (
                Self::pool(dialect, options, 1, "NORMAL")
                    .connect_with(connect)
                    .await
                    .map_err(|e| StoreError::from_sqlx("store open", &e))?,
                gate::WriteGate::serial(options.acquire_timeout),
            ),
            #[cfg(feature = "postgres")]
            Dialect::Postgres => (pool.clone(), gate::WriteGate::open()),
        };
        let store = Self {
            pool,
            relaxed,
            gate,
            dialect,
        };
        store.migrate().await?;
        if dialect == Dialect::Sqlite {
            store.release_all_leases().await?;
        }
        Ok(store)
    }

    /// Pool options: on SQLite, WAL, the given `synchronous` level and a busy timeout (the
    /// gate makes waiting in it rare: readers and the schema set-up still may).
    fn pool(
        dialect: Dialect,
        options: &StoreOptions,
        max_connections: u32,
        synchronous: &'static str,
    ) -> AnyPoolOptions {
        let busy_ms = options.acquire_timeout.as_millis();
        AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        conn.execute("PRAGMA journal_mode=WAL").await?;
                        conn.execute(format!("PRAGMA synchronous={synchronous}").as_str())
                            .await?;
                        conn.execute(format!("PRAGMA busy_timeout={busy_ms}").as_str())
                            .await?;
                    }
                    Ok(())
                })
            })
    }

    /// The database's dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Closes the pool, waiting for connections in use to come back.
    pub async fn close(&self) {
        self.relaxed.close().await;
        self.pool.close().await;
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx("store ping", &e))
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let op = "store migrate";
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| StoreError::from_sqlx(op, &e))?;
        #[cfg(feature = "postgres")]
        if self.dialect == Dialect::Postgres {
            // Two instances starting together must not race on CREATE TABLE.
            conn.execute("SELECT pg_advisory_lock(7316041)")
                .await
                .map_err(|e| StoreError::from_sqlx(op, &e))?;
        }
        let mut result = Ok(());
        for statement in schema::statements(self.dialect) {
            if let Err(e) = conn.execute(statement).await {
                result = Err(StoreError::from_sqlx(op, &e));
                break;
            }
        }
        #[cfg(feature = "postgres")]
        if self.dialect == Dialect::Postgres {
            conn.execute("SELECT pg_advisory_unlock(7316041)")
                .await
                .map_err(|e| StoreError::from_sqlx(op, &e))?;
        }
        result
    }

    async fn release_all_leases(&self) -> Result<(), StoreError> {
        for sql in [
            "UPDATE inbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL",
            "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL",
        ] {
            sqlx::query(sql)
                .execute(&self.pool)
                .await
                .map_err(|e| StoreError::from_sqlx("store lease recovery", &e))?;
        }
        Ok(())
    }

    /// `FOR UPDATE SKIP LOCKED` on PostgreSQL, nothing on SQLite (whose writes are serialised).
    fn skip_locked(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "",
            #[cfg(feature = "postgres")]
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(sqlite_url("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(
            sqlite_url("sqlite://a.db?x=1"),
            "sqlite://a.db?x=1&mode=rwc"
        );
        assert_eq!(sqlite_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
        assert!(dialect_of("mysql://x").is_err());
        assert_eq!(dialect_of("sqlite::memory:"), Ok(Dialect::Sqlite));
    }

    #[tokio::test]
    async fn wal_and_full_sync() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = Store::open(&url).await.unwrap();
        let mode: (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(mode.0, "wal");
        let sync: (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(sync.0, 2, "FULL");
        // Hand-off results only: NORMAL (see the module docs).
        let relaxed: (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(&store.relaxed)
            .await
            .unwrap();
        assert_eq!(relaxed.0, 1, "NORMAL");
        // Opening again keeps the schema.
        drop(store);
        Store::open(&url).await.unwrap();
    }
}
