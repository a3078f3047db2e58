//! Where a builder's new ids and times come from: [`IdSource`] and [`Clock`], random and
//! system by default, sequential and fixed for tests and snapshots.

use uuid::Uuid;

use time::OffsetDateTime;

/// Where new UUIDs come from.
pub trait IdSource {
    /// The next id.
    fn next_uuid(&mut self) -> Uuid;
}

impl<F: FnMut() -> Uuid> IdSource for F {
    fn next_uuid(&mut self) -> Uuid {
        self()
    }
}

/// Fresh random (v4) UUIDs: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_uuid(&mut self) -> Uuid {
        Uuid::new_v4()
    }
}

/// Deterministic UUIDs for tests and snapshots: `00000000-0000-4000-8000-000000000001`,
/// `…0002`, ... (shaped as version 4, variant 1).
#[derive(Debug, Clone, Default)]
pub struct SequentialIds {
    last: u64,
}

impl SequentialIds {
    /// Starts at `…0001`.
    pub fn new() -> Self {
        Self::default()
    }
}

impl IdSource for SequentialIds {
    fn next_uuid(&mut self) -> Uuid {
        self.last = self.last.wrapping_add(1);
        Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0000 | u128::from(self.last))
    }
}

/// Where the current time comes from.
pub trait Clock {
    /// Now.
    fn now(&mut self) -> OffsetDateTime;
}

impl<F: FnMut() -> OffsetDateTime> Clock for F {
    fn now(&mut self) -> OffsetDateTime {
        self()
    }
}

/// The system clock, in UTC: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&mut self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Always the same time (with its UTC offset), for tests and snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(OffsetDateTime);

impl FixedClock {
    /// A clock stopped at `at`.
    pub fn new(at: OffsetDateTime) -> Self {
        Self(at)
    }
}

impl Clock for FixedClock {
    fn now(&mut self) -> OffsetDateTime {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_ids() {
        let mut ids = SequentialIds::new();
        assert_eq!(
            ids.next_uuid().to_string(),
            "00000000-0000-4000-8000-000000000001"
        );
        assert_eq!(
            ids.next_uuid().to_string(),
            "00000000-0000-4000-8000-000000000002"
        );
        let mut counter = 0u128;
        let mut closure = || {
            counter += 1;
            Uuid::from_u128(counter)
        };
        assert_eq!(closure.next_uuid(), Uuid::from_u128(1));
    }
}
