//! The validity window of one coupon (§11.2, "validity resolution per coupon instance").
//!
//! Windows are `[from_ms, to_ms]`, both inclusive, in unix milliseconds; days are local days of
//! the tenant's time zone. A fixed duration of `days` days is that many calendar days: claimed
//! on 1 June with no delay and 7 days, a coupon is valid until the end of 7 June. A window
//! starting on the day of the claim starts at the claim itself.

use super::rule::CouponValidity;
use crate::jobs::{day_start_ms, local_date};
use crate::loyalty::tier::end_of_day_ms;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;

/// A coupon's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from_ms: i64,
    pub to_ms: i64,
}

impl Window {
    pub fn contains(&self, at_ms: i64) -> bool {
        (self.from_ms..=self.to_ms).contains(&at_ms)
    }
}

fn days_after(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    date.checked_add_signed(Duration::days(days))
}

/// The window of a coupon handed out at `claimed_at_ms`; `None` if the rule's fixed end is
/// already behind the start (nothing left to hand out) or the dates are beyond the calendar.
pub fn window(validity: &CouponValidity, claimed_at_ms: i64, tz: Tz) -> Option<Window> {
    let claim_day = local_date(claimed_at_ms, tz)?;
    let start = |delay: i64| -> Option<i64> {
        if delay == 0 {
            Some(claimed_at_ms)
        } else {
            day_start_ms(days_after(claim_day, delay)?, tz)
        }
    };
    let w = match *validity {
        CouponValidity::DateRange { from, to } => Window {
            from_ms: day_start_ms(from, tz)?,
            to_ms: end_of_day_ms(to, tz)?,
        },
        CouponValidity::Duration {
            start_after_days,
            days,
        } => Window {
            from_ms: start(start_after_days)?,
            to_ms: end_of_day_ms(days_after(claim_day, start_after_days + days - 1)?, tz)?,
        },
        CouponValidity::DelayedFixedEnd {
            start_after_days,
            to,
        } => Window {
            from_ms: start(start_after_days)?,
            to_ms: end_of_day_ms(to, tz)?,
        },
    };
    (w.from_ms <= w.to_ms && w.to_ms >= claimed_at_ms).then_some(w)
}

/// The window of a coupon given back by a refund (§11.6): from the refund for `days` days.
pub fn returned_window(refunded_at_ms: i64, days: i64, tz: Tz) -> Option<Window> {
    window(
        &CouponValidity::Duration {
            start_after_days: 0,
            days,
        },
        refunded_at_ms,
        tz,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        Shanghai
            .with_ymd_and_hms(y, mo, d, h, mi, s)
            .unwrap()
            .timestamp_millis()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn fixed_dates_cover_whole_days() {
        // §11.5: valid 2021-06-09 00:00:00 – 2021-06-12 23:59:59.
        let v = CouponValidity::DateRange {
            from: date(2021, 6, 9),
            to: date(2021, 6, 12),
        };
        let w = window(&v, at(2021, 6, 9, 20, 9, 14), Shanghai).unwrap();
        assert_eq!(w.from_ms, at(2021, 6, 9, 0, 0, 0));
        assert_eq!(w.to_ms, at(2021, 6, 12, 23, 59, 59) + 999);
        // Claimed after the end: nothing to hand out.
        assert_eq!(window(&v, at(2021, 6, 13, 0, 0, 0), Shanghai), None);
    }

    #[test]
    fn a_duration_counts_calendar_days() {
        let v = CouponValidity::Duration {
            start_after_days: 0,
            days: 7,
        };
        let claimed = at(2021, 6, 1, 15, 30, 0);
        let w = window(&v, claimed, Shanghai).unwrap();
        assert_eq!(w.from_ms, claimed);
        assert_eq!(w.to_ms, at(2021, 6, 7, 23, 59, 59) + 999);

        let delayed = CouponValidity::Duration {
            start_after_days: 2,
            days: 3,
        };
        let w = window(&delayed, claimed, Shanghai).unwrap();
        assert_eq!(w.from_ms, at(2021, 6, 3, 0, 0, 0));
        assert_eq!(w.to_ms, at(2021, 6, 5, 23, 59, 59) + 999);
    }

    #[test]
    fn a_delayed_start_with_a_fixed_end() {
        let v = CouponValidity::DelayedFixedEnd {
            start_after_days: 1,
            to: date(2021, 6, 30),
        };
        let w = window(&v, at(2021, 6, 10, 8, 0, 0), Shanghai).unwrap();
        assert_eq!(w.from_ms, at(2021, 6, 11, 0, 0, 0));
        assert_eq!(w.to_ms, at(2021, 6, 30, 23, 59, 59) + 999);
        // Claimed on the last day with a one-day delay: the window would start after its end.
        assert_eq!(window(&v, at(2021, 6, 30, 8, 0, 0), Shanghai), None);
    }

    #[test]
    fn a_returned_coupon_gets_its_days_from_the_refund() {
        let refunded = at(2021, 7, 1, 10, 0, 0);
        let w = returned_window(refunded, 3, Shanghai).unwrap();
        assert_eq!(w.from_ms, refunded);
        assert_eq!(w.to_ms, at(2021, 7, 3, 23, 59, 59) + 999);
    }
}
