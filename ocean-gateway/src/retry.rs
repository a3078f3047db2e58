//! When to try again: exponential backoff with jitter inside a retry window, honouring the
//! delay a server asks for.
//!
//! # The rule
//! After `n` failed attempts (`n >= 1`) the next delay is drawn from
//! `[cap(n) / 2, cap(n)]` (*equal jitter*), where
//! `cap(n) = min(initial × 2^(n-1), max_delay)`. Half of each delay is fixed, so retries never
//! bunch up at zero, and the other half is random, so the messages that failed together (an
//! Ocean outage) do not all come back in the same second.
//!
//! - **Retry-After.** When the server asked for a delay (`Retry-After` on a 429 or 503, see
//!   [`parse_retry_after`]) longer than the drawn one, the server's delay wins, up to
//!   [`RetryPolicy::retry_after_ceiling`] (`4 × max_delay`, 4 h with the defaults): a server may
//!   ask for more than our longest backoff, but a broken or hostile header cannot park a message
//!   for days. A shorter `Retry-After` never makes us retry sooner than the backoff.
//! - **Window.** When the next attempt would fall more than `window` after the first attempt,
//!   [`RetryPolicy::next_delay`] answers `None`: the message goes to the dead-letter list and is
//!   reported; it is never dropped silently.
//!
//! # The default schedule
//! [`RetryPolicy::default`] mirrors what Ocean does with its own deliveries (several attempts in
//! the first hour, then hourly, abandoned after 96 hours): `initial` 30 s, `max_delay` 1 h,
//! `window` 96 h. The delays after each failed attempt, before jitter (`cap`) and with it:
//!
//! | failed attempts | cap | delay drawn from | next attempt at most this long after the first |
//! |---:|---:|---|---:|
//! | 1 | 30 s | 15 s – 30 s | 30 s |
//! | 2 | 1 min | 30 s – 1 min | 1 min 30 s |
//! | 3 | 2 min | 1 min – 2 min | 3 min 30 s |
//! | 4 | 4 min | 2 min – 4 min | 7 min 30 s |
//! | 5 | 8 min | 4 min – 8 min | 15 min 30 s |
//! | 6 | 16 min | 8 min – 16 min | 31 min 30 s |
//! | 7 | 32 min | 16 min – 32 min | 1 h 3 min 30 s |
//! | 8 and more | 1 h | 30 min – 1 h | hourly-ish until 96 h |
//!
//! So about seven attempts in the first hour, then one every 30 to 60 minutes: 102 attempts in
//! all at the longest draws, 198 at the shortest, before the message is dead-lettered 96 hours
//! after its first attempt.
//!
//! ```
//! use std::time::Duration;
//! use ocean_gateway::retry::RetryPolicy;
//! let policy = RetryPolicy::default();
//! let first = policy.next_delay(1, None, Duration::ZERO).unwrap();
//! assert!(first >= Duration::from_secs(15) && first <= Duration::from_secs(30));
//! // Ocean asked for 10 minutes: it gets them.
//! let asked = Duration::from_secs(600);
//! assert_eq!(policy.next_delay(1, Some(asked), Duration::ZERO), Some(asked));
//! // 96 hours after the first attempt: dead-letter.
//! assert_eq!(policy.next_delay(150, None, Duration::from_secs(96 * 3600)), None);
//! ```

use std::time::{Duration, SystemTime};

/// How the outbox retries a message Ocean did not accept yet (see the module docs for the rule
/// and the default schedule).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Delay before the second attempt.
    pub initial: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
    /// How long after the first attempt the outbox keeps trying (default 96 h, as Ocean does for
    /// its own deliveries); after it the message goes to the dead-letter list.
    pub window: Duration,
}

/// 30 s before the second attempt, at most 1 h between attempts, 96 h in all: Ocean's own
/// schedule (see the module docs for the table).
impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
            window: Duration::from_secs(96 * 3600),
        }
    }
}

impl RetryPolicy {
    /// A policy with these bounds (the struct is `#[non_exhaustive]`; start from
    /// [`RetryPolicy::default`] or use this).
    pub fn new(initial: Duration, max_delay: Duration, window: Duration) -> Self {
        Self {
            initial,
            max_delay,
            window,
        }
    }

    /// The delay before the next attempt after `attempt` failed attempts (`attempt >= 1`; `0` is
    /// read as `1`), with random jitter; `None` when that attempt would fall after the window
    /// (dead-letter). `retry_after` is the delay the server asked for, if any;
    /// `elapsed_since_first` is the time since the first attempt started.
    pub fn next_delay(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        elapsed_since_first: Duration,
    ) -> Option<Duration> {
        self.next_delay_with(attempt, retry_after, elapsed_since_first, fastrand::f64())
    }

    /// [`Self::next_delay`] with the jitter given: `0.0` draws the shortest delay (`cap / 2`),
    /// `1.0` the longest (`cap`). Values outside `[0, 1]` are clamped; NaN reads as `0`.
    pub fn next_delay_with(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        elapsed_since_first: Duration,
        jitter: f64,
    ) -> Option<Duration> {
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let cap = self.cap(attempt);
        let half = cap / 2;
        let spread = cap.saturating_sub(half);
        let extra = Duration::try_from_secs_f64(spread.as_secs_f64() * jitter)
            .unwrap_or(spread)
            .min(spread);
        let mut delay = half.saturating_add(extra);
        if let Some(asked) = retry_after {
            delay = delay.max(asked.min(self.retry_after_ceiling()));
        }
        let at = elapsed_since_first.checked_add(delay)?;
        (at <= self.window).then_some(delay)
    }

    /// The delay before jitter after `attempt` failed attempts:
    /// `min(initial × 2^(attempt-1), max_delay)`. Non-decreasing in `attempt`.
    pub fn cap(&self, attempt: u32) -> Duration {
        let exponent = attempt.max(1).saturating_sub(1);
        2u32.checked_pow(exponent)
            .and_then(|factor| self.initial.checked_mul(factor))
            .map_or(self.max_delay, |d| d.min(self.max_delay))
    }

    /// The longest server-requested delay honoured: `4 × max_delay` (4 h with the defaults).
    /// A longer `Retry-After` is cut to it.
    pub fn retry_after_ceiling(&self) -> Duration {
        self.max_delay.saturating_mul(4)
    }
}

/// Reads a `Retry-After` header value (RFC 9110 §10.2.3): either delta-seconds (`120`) or an
/// HTTP-date (`Fri, 31 Dec 1999 23:59:59 GMT`, and the two obsolete forms RFC 9110 §5.6.7 says
/// to accept), turned into a delay from `now`. A date in the past is a delay of zero. `None`
/// when the value is neither.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ocean_gateway::retry::parse_retry_after;
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
/// assert_eq!(parse_retry_after(" 120 ", now), Some(Duration::from_secs(120)));
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now), Some(Duration::from_secs(120)));
/// assert_eq!(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: only overflow can fail; a huge delay is still a delay (the policy caps it).
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn default_schedule_matches_the_table() {
        let p = RetryPolicy::default();
        let caps: Vec<u64> = (1..=10).map(|n| p.cap(n).as_secs()).collect();
        assert_eq!(caps, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(p.next_delay_with(1, None, S(0), 0.0), Some(S(15)));
        assert_eq!(p.next_delay_with(1, None, S(0), 1.0), Some(S(30)));
        assert_eq!(p.next_delay_with(8, None, S(0), 0.0), Some(S(1800)));
        assert_eq!(p.cap(0), p.cap(1));
        assert_eq!(p.cap(u32::MAX), S(3600));
        // Cumulative worst case: seven attempts within the first 63.5 minutes.
        let total: u64 = (1..=7).map(|n| p.cap(n).as_secs()).sum();
        assert_eq!(total, 3810);
    }

    #[test]
    fn retry_after_wins_when_longer_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.next_delay_with(1, Some(S(5)), S(0), 0.0), Some(S(15)));
        assert_eq!(p.next_delay_with(1, Some(S(90)), S(0), 0.0), Some(S(90)));
        assert_eq!(
            p.next_delay_with(1, Some(S(86_400)), S(0), 0.0),
            Some(S(4 * 3600))
        );
    }

    #[test]
    fn window_ends_in_dead_letter() {
        let p = RetryPolicy::default();
        let window = S(96 * 3600);
        assert_eq!(
            p.next_delay_with(20, None, window - S(1800), 0.0),
            Some(S(1800))
        );
        assert_eq!(p.next_delay_with(20, None, window - S(1799), 0.0), None);
        assert_eq!(p.next_delay_with(20, None, Duration::MAX, 0.0), None);
    }

    #[test]
    fn odd_jitter_and_odd_policies_do_not_panic() {
        let p = RetryPolicy::new(Duration::MAX, Duration::MAX, Duration::MAX);
        for j in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 2.0, 0.5] {
            let _ = p.next_delay_with(u32::MAX, Some(Duration::MAX), S(0), j);
        }
        let zero = RetryPolicy::new(S(0), S(0), S(0));
        assert_eq!(zero.next_delay_with(3, None, S(0), 1.0), Some(S(0)));
        assert_eq!(
            RetryPolicy::default().next_delay_with(1, None, S(0), f64::NAN),
            Some(S(15))
        );
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + S(784_111_777);
        assert_eq!(parse_retry_after("0", now), Some(S(0)));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(S(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:47 1994", now),
            Some(S(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:36 GMT", now),
            Some(S(0))
        );
        for bad in ["", " ", "-5", "+5", "1.5", "5s", "Sun, 06 Nov 1994"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    fn policy() -> impl Strategy<Value = RetryPolicy> {
        (0u64..100_000, 0u64..1_000_000, 0u64..10_000_000)
            .prop_map(|(i, m, w)| RetryPolicy::new(S(i), S(m), S(w)))
    }

    proptest! {
        #[test]
        fn delays_stay_within_bounds(
            p in policy(),
            attempt in 0u32..200,
            asked in proptest::option::of(0u64..100_000_000),
            elapsed in 0u64..20_000_000,
            jitter in -0.5f64..1.5,
        ) {
            let asked = asked.map(S);
            if let Some(d) = p.next_delay_with(attempt, asked, S(elapsed), jitter) {
                // Never past the window.
                prop_assert!(S(elapsed) + d <= p.window);
                // Never above max_delay, except for a Retry-After up to its ceiling.
                match asked {
                    None => prop_assert!(d <= p.max_delay),
                    Some(a) => {
                        prop_assert!(d <= p.max_delay.max(p.retry_after_ceiling()));
                        prop_assert!(d >= a.min(p.retry_after_ceiling()));
                    }
                }
                // Equal jitter: at least half the cap.
                prop_assert!(d >= p.cap(attempt) / 2);
            } else {
                // A longer draw cannot bring the attempt back inside the window.
                prop_assert!(p.next_delay_with(attempt, asked, S(elapsed), 1.0).is_none());
            }
        }

        #[test]
        fn cap_is_monotone(p in policy(), attempt in 0u32..1000) {
            prop_assert!(p.cap(attempt) <= p.cap(attempt + 1));
            prop_assert!(p.cap(attempt) <= p.max_delay);
        }
    }
}
