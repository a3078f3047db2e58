//! Access tokens issued to Ocean at the token endpoint, stored as SHA-256 digests (a stolen
//! database copy does not hold usable tokens) with their client, site and expiry, so that every
//! gateway instance on one database accepts them.

use sqlx::Row;

use super::{Store, StoreError, now_ms};

/// Who a valid token was issued to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenOwner {
    /// The inbound client id.
    pub client_id: String,
    /// The site key the client is bound to, if any.
    pub site: Option<String>,
}

impl Store {
    /// Stores a token digest valid until `expires_at` (ms since the Unix epoch), and deletes
    /// expired ones.
    pub async fn token_insert(
        &self,
        token_sha256: &str,
        client_id: &str,
        site: Option<&str>,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let _turn = self.gate.turn("token insert").await?;
        sqlx::query("DELETE FROM tokens WHERE expires_at < $1")
            .bind(now_ms())
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx("token purge", &e))?;
        sqlx::query(
            "INSERT INTO tokens (token_hash, client_id, site, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_sha256)
        .bind(client_id)
        .bind(site)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx("token insert", &e))
    }

    /// The owner of an unexpired token with this digest.
    pub async fn token_lookup(&self, token_sha256: &str) -> Result<Option<TokenOwner>, StoreError> {
        Ok(self
            .token_lookup_until(token_sha256)
            .await?
            .map(|(owner, _)| owner))
    }

    /// The owner of an unexpired token with this digest, and when the token expires (ms since
    /// the Unix epoch).
    pub async fn token_lookup_until(
        &self,
        token_sha256: &str,
    ) -> Result<Option<(TokenOwner, i64)>, StoreError> {
        let row = sqlx::query(
            "SELECT client_id, site, expires_at FROM tokens \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_sha256)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx("token lookup", &e))?;
        row.map(|r| {
            Ok((
                TokenOwner {
                    client_id: r.try_get("client_id")?,
                    site: r.try_get("site")?,
                },
                r.try_get::<i64, _>("expires_at")?,
            ))
        })
        .transpose()
        .map_err(|e| StoreError::from_sqlx("token lookup", &e))
    }
}
