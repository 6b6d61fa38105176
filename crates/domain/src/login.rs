//! Login throttling and session lifetimes.
//!
//! After `MAX_FAILURES` failed attempts in a row for one login name, that name is locked for
//! `LOCK_MS`. Counting per name (and not only per address) stops password guessing spread over
//! many addresses; the lock is short so that an attacker cannot keep a real user out for long.

/// Failed attempts in a row that lock a login name.
pub const MAX_FAILURES: u32 = 5;
/// How long a lock lasts.
pub const LOCK_MS: i64 = 15 * 60 * 1000;
/// A console session ends after this long without a request.
pub const SESSION_IDLE_MS: i64 = 8 * 60 * 60 * 1000;
/// A console session ends this long after login, whatever happens.
pub const SESSION_ABSOLUTE_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// The failure state of one login name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Throttle {
    pub failures: u32,
    pub locked_until_ms: Option<i64>,
}

impl Throttle {
    /// `Err(until)` while the name is locked.
    pub fn check(self, now_ms: i64) -> Result<(), i64> {
        match self.locked_until_ms {
            Some(until) if until > now_ms => Err(until),
            _ => Ok(()),
        }
    }

    /// The state after one more failed attempt.
    #[must_use]
    pub fn after_failure(self, now_ms: i64) -> Self {
        let expired_lock = self.locked_until_ms.is_some_and(|until| until <= now_ms);
        let failures = if expired_lock { 1 } else { self.failures + 1 };
        if failures >= MAX_FAILURES {
            Self {
                failures: 0,
                locked_until_ms: Some(now_ms + LOCK_MS),
            }
        } else {
            Self {
                failures,
                locked_until_ms: None,
            }
        }
    }
}

/// Whether a session created at `created_ms` and last seen at `seen_ms` is still valid.
pub fn session_is_live(created_ms: i64, seen_ms: i64, now_ms: i64) -> bool {
    now_ms - seen_ms < SESSION_IDLE_MS && now_ms - created_ms < SESSION_ABSOLUTE_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_fifth_failure_locks_for_fifteen_minutes() {
        let mut t = Throttle::default();
        for i in 1..MAX_FAILURES {
            t = t.after_failure(1_000);
            assert_eq!(t.failures, i);
            assert_eq!(t.check(1_000), Ok(()));
        }
        t = t.after_failure(1_000);
        assert_eq!(t.check(1_000), Err(1_000 + 900_000));
        assert_eq!(t.check(1_000 + 899_999), Err(901_000));
        assert_eq!(t.check(901_000), Ok(()));
    }

    #[test]
    fn a_failure_after_the_lock_expired_starts_counting_again() {
        let locked = Throttle {
            failures: 0,
            locked_until_ms: Some(500),
        };
        assert_eq!(
            locked.after_failure(600),
            Throttle {
                failures: 1,
                locked_until_ms: None
            }
        );
    }

    #[test]
    fn sessions_expire_when_idle_or_old() {
        assert!(session_is_live(0, 0, SESSION_IDLE_MS - 1));
        assert!(!session_is_live(0, 0, SESSION_IDLE_MS));
        assert!(!session_is_live(
            0,
            SESSION_ABSOLUTE_MS - 1,
            SESSION_ABSOLUTE_MS
        ));
    }

    proptest! {
        #[test]
        fn never_more_than_max_failures_without_a_lock(times in proptest::collection::vec(0i64..10_000_000, 1..40)) {
            let mut sorted = times.clone();
            sorted.sort_unstable();
            let mut t = Throttle::default();
            let mut in_a_row = 0u32;
            for now in sorted {
                if t.check(now).is_err() { continue; }
                t = t.after_failure(now);
                in_a_row += 1;
                if t.locked_until_ms.is_some() { in_a_row = 0; }
                prop_assert!(in_a_row < MAX_FAILURES);
            }
        }
    }
}
