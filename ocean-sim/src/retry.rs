//! Ocean's retry rule for its deliveries to a POS, on a compressed clock.
//!
//! Ocean resends every message the POS did not answer with a `2xx` (a `4xx` included):
//! "several times in the first hour, then hourly, abandoned after 96 hours" (Ocean support
//! article "Ocean API Retry Framework"). Ocean publishes no exact minutes for the first hour;
//! the simulator's choice is 1, 5, 15 and 30 minutes after the first attempt, then every hour
//! on the hour from 1 h to 96 h: 1 + 4 + 96 = 101 attempts at most.
//!
//! # Compression
//! A run must take seconds, so simulated time runs faster than real time: [`TimeScale`] says how
//! many real milliseconds one simulated hour lasts (default 20 ms: 96 simulated hours last
//! about 2 s of waiting, plus the POS's answer times). Every wait follows the same scale, so the
//! order and the ratio of the delays are Ocean's; only their length shrinks. The report gives
//! each delivery's attempts and its simulated elapsed time.
use std::time::Duration;

/// How fast simulated time runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeScale {
    real_per_hour: Duration,
}

impl Default for TimeScale {
    fn default() -> Self {
        Self::new(Duration::from_millis(20))
    }
}

impl TimeScale {
    /// One simulated hour lasts `real_per_hour` of real time.
    pub fn new(real_per_hour: Duration) -> Self {
        Self { real_per_hour }
    }

    /// Real time (no compression): one hour is an hour.
    pub fn real_time() -> Self {
        Self::new(Duration::from_secs(3600))
    }

    /// The real duration of a simulated one.
    pub fn to_real(self, simulated: Duration) -> Duration {
        let nanos = self
            .real_per_hour
            .as_nanos()
            .saturating_mul(simulated.as_nanos())
            / 3_600_000_000_000;
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// Real milliseconds per simulated hour.
    pub fn real_per_hour(self) -> Duration {
        self.real_per_hour
    }
}

/// When Ocean tries a delivery, in simulated time since the first attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OceanSchedule {
    offsets: Vec<Duration>,
}

impl Default for OceanSchedule {
    fn default() -> Self {
        let minute = |m: u64| Duration::from_secs(m * 60);
        let mut offsets = vec![Duration::ZERO, minute(1), minute(5), minute(15), minute(30)];
        offsets.extend((1..=96).map(|h| Duration::from_secs(h * 3600)));
        Self { offsets }
    }
}

impl OceanSchedule {
    /// A schedule with these offsets from the first attempt (the first is the first attempt,
    /// usually zero); sorted, duplicates removed.
    pub fn new(mut offsets: Vec<Duration>) -> Self {
        offsets.sort();
        offsets.dedup();
        Self { offsets }
    }

    /// Attempt times, in simulated time since the first attempt.
    pub fn offsets(&self) -> &[Duration] {
        &self.offsets
    }

    /// The number of attempts before Ocean gives up.
    pub fn max_attempts(&self) -> usize {
        self.offsets.len()
    }

    /// The window after which Ocean abandons the message (96 hours by default).
    pub fn window(&self) -> Duration {
        self.offsets.last().copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocean_rule() {
        let s = OceanSchedule::default();
        assert_eq!(s.max_attempts(), 101);
        assert_eq!(s.window(), Duration::from_secs(96 * 3600));
        let first_hour = s
            .offsets()
            .iter()
            .filter(|o| **o < Duration::from_secs(3600))
            .count();
        assert_eq!(
            first_hour, 5,
            "the first attempt and four retries in the first hour"
        );
        assert!(s.offsets().windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn compression() {
        let t = TimeScale::new(Duration::from_millis(20));
        assert_eq!(
            t.to_real(Duration::from_secs(96 * 3600)),
            Duration::from_millis(1920)
        );
        assert_eq!(
            t.to_real(Duration::from_secs(60)),
            Duration::from_nanos(333_333)
        );
        assert_eq!(
            TimeScale::real_time().to_real(Duration::from_secs(5)),
            Duration::from_secs(5)
        );
    }
}
