//! The launch id and the session the POS keeps under it between the click and Ocean's
//! authorization request.

use std::fmt;

use time::{Duration, OffsetDateTime};

use super::context::{LaunchContext, LaunchError};

/// An opaque launch id: the `launch` parameter. The POS maps it to a [`LaunchSession`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LaunchId(String);

impl LaunchId {
    /// A random id (UUID v4, 122 random bits, hex without dashes).
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// An id the POS made itself: 1–512 printable ASCII characters without spaces.
    pub fn new(id: impl Into<String>) -> Result<Self, LaunchError> {
        let id = id.into();
        if (1..=512).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(Self(id))
        } else {
            Err(LaunchError::InvalidLaunchId)
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LaunchId {
    /// Redacted: a live launch id is a bearer credential until used.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LaunchId(…)")
    }
}

/// How long a launch id stays usable by default: 5 minutes. It is used once, when Ocean's
/// authorization request arrives (seconds after the click); OceanMD's sample server uses 60 s.
pub const DEFAULT_LAUNCH_TTL: Duration = Duration::minutes(5);

/// A launch the POS remembers between the click and Ocean's authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchSession {
    id: LaunchId,
    context: LaunchContext,
    created_at: OffsetDateTime,
    ttl: Duration,
}

impl LaunchSession {
    /// A session created at `now`, valid for [`DEFAULT_LAUNCH_TTL`].
    pub fn new(id: LaunchId, context: LaunchContext, now: OffsetDateTime) -> Self {
        Self {
            id,
            context,
            created_at: now,
            ttl: DEFAULT_LAUNCH_TTL,
        }
    }

    /// Sets the lifetime (a negative one is read as zero: already expired).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::ZERO);
        self
    }

    /// The id.
    pub fn id(&self) -> &LaunchId {
        &self.id
    }

    /// The context.
    pub fn context(&self) -> &LaunchContext {
        &self.context
    }

    /// When it was created.
    pub fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }

    /// When it stops being usable (`created_at + ttl`, saturating).
    pub fn expires_at(&self) -> OffsetDateTime {
        self.created_at
            .checked_add(self.ttl)
            .unwrap_or(self.created_at)
    }

    /// Whether it can be used at `now`: `created_at <= now < expires_at`.
    pub fn is_usable_at(&self, now: OffsetDateTime) -> bool {
        self.created_at <= now && now < self.expires_at()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::launch::FhirUser;
    use time::macros::datetime;

    fn user() -> FhirUser {
        FhirUser::parse("Practitioner/p1").unwrap()
    }

    #[test]
    fn launch_ids_and_sessions() {
        let a = LaunchId::random();
        assert_eq!(a.as_str().len(), 32);
        assert_ne!(a, LaunchId::random());
        assert_eq!(format!("{a:?}"), "LaunchId(…)");
        assert!(
            LaunchId::new("").is_err()
                && LaunchId::new("a b").is_err()
                && LaunchId::new("x".repeat(513)).is_err()
        );
        let t0 = datetime!(2025-01-01 12:00 UTC);
        let s = LaunchSession::new(a, LaunchContext::dashboard(user()), t0)
            .with_ttl(Duration::seconds(60));
        assert!(!s.is_usable_at(t0 - Duration::seconds(1)));
        assert!(s.is_usable_at(t0));
        assert!(s.is_usable_at(t0 + Duration::seconds(59)));
        assert!(!s.is_usable_at(t0 + Duration::seconds(60)));
        let s = s.with_ttl(Duration::seconds(-5));
        assert!(!s.is_usable_at(t0));
    }
}
