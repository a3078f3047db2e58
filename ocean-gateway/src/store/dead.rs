//! The dead-letter list: what will not go through without a person looking at it.
//!
//! Outbound: a message Ocean refused (a 4xx) or that outlived the retry window, with its body
//! (to fix and send again) and Ocean's answer. Inbound: a message refused as invalid (400),
//! with the error (paths and rule ids, no patient data), its size and the SHA-256 of its body
//! (to find it in Ocean's logs), never the body itself.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, now_ms};

/// Which way a dead letter was going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// Ocean → POS (an invalid message, refused with 400).
    Inbound,
    /// POS → Ocean (refused or expired).
    Outbound,
}

/// One entry of the dead-letter list.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeadLetter {
    /// The row id.
    pub seq: i64,
    /// Which way it was going.
    pub direction: Direction,
    /// The site key, if known.
    pub site: Option<String>,
    /// The Ocean referral id, if known.
    pub referral: Option<String>,
    /// The event code, if known.
    pub event: Option<String>,
    /// The outbox row it came from (outbound).
    pub outbox_seq: Option<i64>,
    /// The body (outbound only).
    pub body: Option<Vec<u8>>,
    /// The SHA-256 of the body, hex (inbound).
    pub body_sha256: Option<String>,
    /// The HTTP status: Ocean's answer (outbound) or ours (inbound).
    pub status: Option<u16>,
    /// Why, without patient data.
    pub reason: String,
    /// Ocean's OperationOutcome (outbound), as JSON text.
    pub outcome: Option<String>,
    /// When (ms since the Unix epoch).
    pub created_at: i64,
}

impl std::fmt::Debug for DeadLetter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeadLetter")
            .field("seq", &self.seq)
            .field("direction", &self.direction)
            .field("site", &self.site)
            .field("event", &self.event)
            .field("status", &self.status)
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

fn dead_letter(row: &AnyRow) -> Result<DeadLetter, sqlx::Error> {
    let direction: String = row.try_get("direction")?;
    Ok(DeadLetter {
        seq: row.try_get("seq")?,
        direction: if direction == "inbound" {
            Direction::Inbound
        } else {
            Direction::Outbound
        },
        site: row.try_get("site")?,
        referral: row.try_get("referral")?,
        event: row.try_get("event")?,
        outbox_seq: row.try_get("outbox_seq")?,
        body: row.try_get("body")?,
        body_sha256: row.try_get("body_sha256")?,
        status: row
            .try_get::<Option<i64>, _>("status")?
            .and_then(|s| u16::try_from(s).ok()),
        reason: row.try_get("reason")?,
        outcome: row.try_get("outcome")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Records an inbound message refused as invalid: the error text (no patient data), the
    /// status answered and the body's digest.
    pub async fn record_invalid_inbound(
        &self,
        site: Option<&str>,
        status: u16,
        reason: &str,
        body_sha256: &str,
    ) -> Result<(), StoreError> {
        let _turn = self.gate.turn("dead-letter insert").await?;
        sqlx::query(
            "INSERT INTO dead_letters (direction, site, body_sha256, status, reason, created_at) \
             VALUES ('inbound', $1, $2, $3, $4, $5)",
        )
        .bind(site)
        .bind(body_sha256)
        .bind(i64::from(status))
        .bind(reason)
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx("dead-letter insert", &e))
    }

    /// The newest `limit` dead letters, newest first.
    pub async fn dead_letters(&self, limit: u32) -> Result<Vec<DeadLetter>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, direction, site, referral, event, outbox_seq, body, body_sha256, status, \
             reason, outcome, created_at FROM dead_letters ORDER BY seq DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx("dead-letter list", &e))?;
        rows.iter()
            .map(dead_letter)
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::from_sqlx("dead-letter list", &e))
    }
}
