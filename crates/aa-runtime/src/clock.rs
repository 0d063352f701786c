//! The one place a service reads the time. State carries a [`Clock`]; code that decides
//! whether something has expired asks it instead of calling `OffsetDateTime::now_utc`, so a
//! test can set or advance the time rather than wait for it.
//!
//! Instants are stored as epoch milliseconds ([`millis`], [`instant`]) so that SQLite and
//! PostgreSQL compare them the same way.

use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

/// Where the time comes from: the system, or a test's hand.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<Arc<Mutex<OffsetDateTime>>>,
}

impl Clock {
    /// The system clock (UTC).
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that stands at `start` until a [`TestClock`] handle moves it.
    pub fn manual(start: OffsetDateTime) -> (Self, TestClock) {
        let at = Arc::new(Mutex::new(start));
        (
            Self {
                manual: Some(Arc::clone(&at)),
            },
            TestClock { at },
        )
    }

    /// Now, in UTC.
    pub fn now(&self) -> OffsetDateTime {
        match &self.manual {
            None => OffsetDateTime::now_utc(),
            // A poisoned lock still holds a valid instant: a test panicked while setting it.
            Some(at) => *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
        }
    }

    /// Now, in epoch milliseconds.
    pub fn now_millis(&self) -> i64 {
        millis(self.now())
    }
}

/// The test's handle on a [`Clock::manual`] clock.
#[derive(Clone, Debug)]
pub struct TestClock {
    at: Arc<Mutex<OffsetDateTime>>,
}

impl TestClock {
    /// Moves the clock to `at` (backwards too).
    pub fn set(&self, at: OffsetDateTime) {
        *self
            .at
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: time::Duration) {
        let mut at = self
            .at
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *at = at.saturating_add(by);
    }
}

/// An instant in epoch milliseconds, the unit of every stored instant.
pub fn millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The instant of stored epoch milliseconds (UTC); out of range reads as the epoch.
pub fn instant(millis: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_manual_clock_stands_still_until_it_is_set_or_advanced() {
        let (clock, hand) = Clock::manual(datetime!(2026-01-01 00:00 UTC));
        assert_eq!(clock.now(), datetime!(2026-01-01 00:00 UTC));
        hand.advance(time::Duration::hours(25));
        assert_eq!(clock.now(), datetime!(2026-01-02 01:00 UTC));
        let copy = clock.clone();
        hand.set(datetime!(2025-06-01 12:00 UTC));
        assert_eq!(copy.now(), datetime!(2025-06-01 12:00 UTC));
    }

    #[test]
    fn the_system_clock_follows_the_system_time() {
        let before = OffsetDateTime::now_utc();
        let now = Clock::system().now();
        assert!(now >= before && now <= OffsetDateTime::now_utc());
    }

    #[test]
    fn millis_and_instant_round_trip_to_the_millisecond() {
        let at = datetime!(2026-03-04 05:06:07.123 UTC);
        assert_eq!(millis(at), 1_772_600_767_123);
        assert_eq!(instant(millis(at)), at);
        assert_eq!(instant(i64::MAX), OffsetDateTime::UNIX_EPOCH);
    }
}
