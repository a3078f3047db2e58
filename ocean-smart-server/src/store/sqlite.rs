//! [`SqliteStore`]: records in one SQLite table through sqlx.

use sqlx::Row as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use super::{BoxFuture, Record, RecordKind, Store, StoreError};

/// A [`Store`] in SQLite: one table `smart_records (kind, key, expires_at, value)`, created if
/// absent. Single use is a `DELETE … RETURNING`, atomic in SQLite. A file database is opened
/// in WAL mode (readers do not wait for the writer) with sqlx's 5 s busy timeout.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS smart_records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
)";

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path.db`, or
    /// `sqlite::memory:`) and creates the table.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options: SqliteConnectOptions = url
            .parse::<SqliteConnectOptions>()
            .map_err(|e| StoreError::new("open", e))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        // An in-memory database exists per connection: keep exactly one.
        let max = if url.contains(":memory:") { 1 } else { 4 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::new("open", e))?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool (the POS's own database) and creates the table.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        sqlx::query(SCHEMA)
            .execute(&pool)
            .await
            .map_err(|e| StoreError::new("open", e))?;
        Ok(Self { pool })
    }
}

fn record(row: &sqlx::sqlite::SqliteRow) -> Result<Record, sqlx::Error> {
    Ok(Record {
        expires_at: row.try_get("expires_at")?,
        value: row.try_get("value")?,
    })
}

impl Store for SqliteStore {
    fn put<'a>(
        &'a self,
        kind: RecordKind,
        key: &'a str,
        record: Record,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT OR REPLACE INTO smart_records (kind, key, expires_at, value) VALUES (?, ?, ?, ?)",
            )
            .bind(kind.as_str())
            .bind(key)
            .bind(record.expires_at)
            .bind(record.value)
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::new("put", e))?;
            Ok(())
        })
    }

    fn get<'a>(
        &'a self,
        kind: RecordKind,
        key: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Record>, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query(
                "SELECT expires_at, value FROM smart_records WHERE kind = ? AND key = ? AND expires_at > ?",
            )
            .bind(kind.as_str())
            .bind(key)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| StoreError::new("get", e))?;
            row.as_ref()
                .map(record)
                .transpose()
                .map_err(|e| StoreError::new("get", e))
        })
    }

    fn take<'a>(
        &'a self,
        kind: RecordKind,
        key: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Record>, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query(
                "DELETE FROM smart_records WHERE kind = ? AND key = ? RETURNING expires_at, value",
            )
            .bind(kind.as_str())
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| StoreError::new("take", e))?;
            let r = row
                .as_ref()
                .map(record)
                .transpose()
                .map_err(|e| StoreError::new("take", e))?;
            Ok(r.filter(|r| now < r.expires_at))
        })
    }

    fn purge_expired(&self, now: i64) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(async move {
            let done = sqlx::query("DELETE FROM smart_records WHERE expires_at <= ?")
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(|e| StoreError::new("purge", e))?;
            Ok(done.rows_affected())
        })
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn contract_in_memory() {
        let s = super::SqliteStore::open("sqlite::memory:").await.unwrap();
        super::super::contract::check(&s).await;
    }

    #[tokio::test]
    async fn survives_reopen() {
        use super::super::{Record, RecordKind, Store};
        let dir = std::env::temp_dir().join(format!("smartsrv-{}.db", std::process::id()));
        let url = format!("sqlite://{}", dir.display());
        let s = super::SqliteStore::open(&url).await.unwrap();
        let rec = Record {
            expires_at: 10,
            value: "v".into(),
        };
        s.put(RecordKind::Refresh, "k", rec.clone()).await.unwrap();
        drop(s);
        let s = super::SqliteStore::open(&url).await.unwrap();
        assert_eq!(
            s.take(RecordKind::Refresh, "k", 1).await.unwrap(),
            Some(rec)
        );
        let _ = std::fs::remove_file(dir);
    }
}
