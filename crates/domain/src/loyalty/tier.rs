//! Tiers (spec §5.2): code, name, rank, the base flag, and how long a tier record stays valid.
//! The base tier never expires; every other tier has a fixed period (N days) or a fixed date
//! (N years later, on a month and day). Expiry is computed in the tenant's time zone, at the
//! last millisecond of the day (spec §12 #3: "23:59:59").

use super::whole_in;
use crate::{text, ValidationError};
use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// A tier code, e.g. `silver`: unique in its program.
pub fn parse_code(raw: &str) -> Result<String, ValidationError> {
    text::code("code", raw, 32)
}

/// A tier name, e.g. 银卡会员.
pub fn parse_name(raw: &str) -> Result<String, ValidationError> {
    text::bounded("name", raw, 1, 64)
}

/// The rank (等级次序): higher is better, from 1.
pub fn parse_rank(rank: i64) -> Result<i64, ValidationError> {
    whole_in("rank", "invalid_rank", rank, 1, 1000)
}

/// How long a tier record of a tier stays valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// The base tier: never expires.
    Never,
    /// Expires at the end of the day `days` days after it took effect.
    FixedPeriod { days: u32 },
    /// Expires at the end of `month`/`day` of the year it took effect plus `years`.
    FixedDate { years: u32, month: u32, day: u32 },
}

impl Validity {
    /// The stored and API name of the kind; `None` for `Never`.
    pub fn kind(&self) -> Option<&'static str> {
        match self {
            Self::Never => None,
            Self::FixedPeriod { .. } => Some("fixed_period"),
            Self::FixedDate { .. } => Some("fixed_date"),
        }
    }
}

/// The validity fields as entered (API or form), before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidityInput {
    pub kind: Option<String>,
    pub days: Option<i64>,
    pub years: Option<i64>,
    pub month: Option<i64>,
    pub day: Option<i64>,
}

fn required(field: &'static str, value: Option<i64>) -> Result<i64, ValidationError> {
    value.ok_or_else(|| ValidationError::new(field, "too_short", "is required"))
}

/// Checks the validity of a tier: none for the base tier, a fixed period or date otherwise.
pub fn parse_validity(is_base: bool, input: &ValidityInput) -> Result<Validity, ValidationError> {
    let kind = input
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    if is_base {
        return match kind {
            None => Ok(Validity::Never),
            Some(_) => Err(ValidationError::new(
                "validity_type",
                "base_tier_never_expires",
                "the base tier never expires: leave the validity empty",
            )),
        };
    }
    match kind {
        None => Err(ValidationError::new(
            "validity_type",
            "validity_required",
            "a tier other than the base tier needs a validity: fixed_period or fixed_date",
        )),
        Some("fixed_period") => {
            let days = required("validity_days", input.days)?;
            let days = whole_in("validity_days", "invalid_days", days, 1, 36_500)?;
            Ok(Validity::FixedPeriod {
                days: u32::try_from(days).unwrap_or(1),
            })
        }
        Some("fixed_date") => {
            let years = required("validity_years", input.years)?;
            let years = whole_in("validity_years", "invalid_years", years, 0, 100)?;
            let month = required("validity_month", input.month)?;
            let month = whole_in("validity_month", "invalid_month", month, 1, 12)?;
            let day = required("validity_day", input.day)?;
            let day = whole_in("validity_day", "invalid_day", day, 1, days_in_month(month))?;
            Ok(Validity::FixedDate {
                years: u32::try_from(years).unwrap_or(0),
                month: u32::try_from(month).unwrap_or(1),
                day: u32::try_from(day).unwrap_or(1),
            })
        }
        Some(_) => Err(ValidationError::new(
            "validity_type",
            "invalid_validity_type",
            "must be 'fixed_period' or 'fixed_date'",
        )),
    }
}

/// Days a month can have; February counts 29 (Feb 29 then expires on Feb 28 in other years).
fn days_in_month(month: i64) -> i64 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The instant a tier record that took effect at `effective_at_ms` expires, in unix
/// milliseconds: `None` for a tier that never expires (or a date beyond the calendar).
pub fn expiry_ms(effective_at_ms: i64, validity: &Validity, tz: Tz) -> Option<i64> {
    let effective = chrono::DateTime::from_timestamp_millis(effective_at_ms)?.with_timezone(&tz);
    let local_date = effective.date_naive();
    let last_day = match *validity {
        Validity::Never => return None,
        Validity::FixedPeriod { days } => {
            local_date.checked_add_signed(Duration::days(i64::from(days)))?
        }
        Validity::FixedDate { years, month, day } => {
            let year = local_date.year().checked_add(i32::try_from(years).ok()?)?;
            NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
                // Feb 29 in a year without one.
                NaiveDate::from_ymd_opt(year, month, day.saturating_sub(1))
            })?
        }
    };
    end_of_day_ms(last_day, tz)
}

/// 23:59:59.999 local time on `date`, as unix milliseconds.
pub fn end_of_day_ms(date: NaiveDate, tz: Tz) -> Option<i64> {
    let local: NaiveDateTime = date.and_hms_milli_opt(23, 59, 59, 999)?;
    let instant = match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t,
        // Clocks went back over midnight: the later of the two is the real end of the day.
        LocalResult::Ambiguous(_, later) => later,
        // Clocks jumped over the end of the day: take the offset in force an hour before.
        LocalResult::None => {
            tz.from_local_datetime(&(local - Duration::hours(1)))
                .latest()?
                + Duration::hours(1)
        }
    };
    Some(instant.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn shanghai_ms(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(y, mo, d, h, mi, s)
            .unwrap()
            .timestamp_millis()
    }

    fn input(kind: &str, days: Option<i64>, ymd: Option<(i64, i64, i64)>) -> ValidityInput {
        ValidityInput {
            kind: Some(kind.to_string()),
            days,
            years: ymd.map(|v| v.0),
            month: ymd.map(|v| v.1),
            day: ymd.map(|v| v.2),
        }
    }

    #[test]
    fn the_base_tier_has_no_validity_and_others_need_one() {
        assert_eq!(
            parse_validity(true, &ValidityInput::default()),
            Ok(Validity::Never)
        );
        let e = parse_validity(true, &input("fixed_period", Some(365), None)).unwrap_err();
        assert_eq!(
            (e.field, e.code),
            ("validity_type", "base_tier_never_expires")
        );
        let e = parse_validity(false, &ValidityInput::default()).unwrap_err();
        assert_eq!((e.field, e.code), ("validity_type", "validity_required"));
        let e = parse_validity(false, &input("forever", None, None)).unwrap_err();
        assert_eq!(e.code, "invalid_validity_type");
    }

    #[test]
    fn fixed_periods_need_at_least_one_day() {
        assert_eq!(
            parse_validity(false, &input("fixed_period", Some(365), None)),
            Ok(Validity::FixedPeriod { days: 365 })
        );
        let e = parse_validity(false, &input("fixed_period", Some(0), None)).unwrap_err();
        assert_eq!((e.field, e.code), ("validity_days", "invalid_days"));
        let e = parse_validity(false, &input("fixed_period", None, None)).unwrap_err();
        assert_eq!((e.field, e.code), ("validity_days", "too_short"));
    }

    #[test]
    fn fixed_dates_need_a_day_that_exists_in_the_month() {
        assert_eq!(
            parse_validity(false, &input("fixed_date", None, Some((1, 12, 31)))),
            Ok(Validity::FixedDate {
                years: 1,
                month: 12,
                day: 31
            })
        );
        // February 29 is accepted; April 31 is not.
        assert!(parse_validity(false, &input("fixed_date", None, Some((0, 2, 29)))).is_ok());
        let e = parse_validity(false, &input("fixed_date", None, Some((0, 4, 31)))).unwrap_err();
        assert_eq!((e.field, e.code), ("validity_day", "invalid_day"));
        let e = parse_validity(false, &input("fixed_date", None, Some((0, 13, 1)))).unwrap_err();
        assert_eq!((e.field, e.code), ("validity_month", "invalid_month"));
        let e = parse_validity(false, &input("fixed_date", None, Some((-1, 1, 1)))).unwrap_err();
        assert_eq!((e.field, e.code), ("validity_years", "invalid_years"));
    }

    #[test]
    fn ranks_start_at_one() {
        assert_eq!(parse_rank(1), Ok(1));
        assert_eq!(parse_rank(0).unwrap_err().code, "invalid_rank");
        assert_eq!(parse_code("Gold").unwrap_err().code, "invalid_code");
        assert_eq!(parse_name(&"金".repeat(65)).unwrap_err().code, "too_long");
    }

    #[test]
    fn a_fixed_period_ends_at_the_end_of_the_local_day() {
        // Gold reached 2021-04-14 19:07:31 Shanghai time (§7.7 D), 365 days: 2022-04-14 end of day.
        let tz = chrono_tz::Asia::Shanghai;
        let at = shanghai_ms(2021, 4, 14, 19, 7, 31);
        let expires = expiry_ms(at, &Validity::FixedPeriod { days: 365 }, tz).unwrap();
        assert_eq!(expires, shanghai_ms(2022, 4, 14, 23, 59, 59) + 999);
        // 2022-04-14 23:59:59.999 +08:00 is 15:59:59.999 UTC.
        assert_eq!(expires, 1_649_951_999_999);
    }

    #[test]
    fn the_local_date_decides_not_the_utc_date() {
        // 2021-04-14 01:00 in Shanghai is still 2021-04-13 in UTC; one day later is the 15th.
        let tz = chrono_tz::Asia::Shanghai;
        let at = shanghai_ms(2021, 4, 14, 1, 0, 0);
        let expires = expiry_ms(at, &Validity::FixedPeriod { days: 1 }, tz).unwrap();
        assert_eq!(expires, shanghai_ms(2021, 4, 15, 23, 59, 59) + 999);
        let utc = expiry_ms(at, &Validity::FixedPeriod { days: 1 }, chrono_tz::UTC).unwrap();
        let utc_end = chrono::Utc
            .from_utc_datetime(
                &NaiveDate::from_ymd_opt(2021, 4, 14)
                    .unwrap()
                    .and_hms_milli_opt(23, 59, 59, 999)
                    .unwrap(),
            )
            .timestamp_millis();
        assert_eq!(utc, utc_end);
    }

    #[test]
    fn a_fixed_date_lands_on_month_and_day_years_later() {
        let tz = chrono_tz::Asia::Shanghai;
        let at = shanghai_ms(2021, 4, 14, 19, 7, 31);
        let v = Validity::FixedDate {
            years: 1,
            month: 12,
            day: 31,
        };
        assert_eq!(
            expiry_ms(at, &v, tz),
            Some(shanghai_ms(2022, 12, 31, 23, 59, 59) + 999)
        );
        // Zero years: the same year's date, even if it has passed already (the record is then
        // due at the next daily run).
        let v = Validity::FixedDate {
            years: 0,
            month: 1,
            day: 1,
        };
        assert_eq!(
            expiry_ms(at, &v, tz),
            Some(shanghai_ms(2021, 1, 1, 23, 59, 59) + 999)
        );
    }

    #[test]
    fn february_29_falls_back_to_the_28th_outside_leap_years() {
        let tz = chrono_tz::Asia::Shanghai;
        let at = shanghai_ms(2023, 6, 1, 12, 0, 0);
        let v = Validity::FixedDate {
            years: 1,
            month: 2,
            day: 29,
        };
        assert_eq!(
            expiry_ms(at, &v, tz),
            Some(shanghai_ms(2024, 2, 29, 23, 59, 59) + 999)
        );
        let v = Validity::FixedDate {
            years: 2,
            month: 2,
            day: 29,
        };
        assert_eq!(
            expiry_ms(at, &v, tz),
            Some(shanghai_ms(2025, 2, 28, 23, 59, 59) + 999)
        );
    }

    #[test]
    fn the_base_tier_never_expires() {
        assert_eq!(expiry_ms(0, &Validity::Never, chrono_tz::UTC), None);
    }

    #[test]
    fn daylight_saving_time_zones_end_the_day_at_local_midnight() {
        // Paris, 2024-03-31 is the day clocks go forward; its end is 21:59:59.999 UTC (+02:00).
        let tz = chrono_tz::Europe::Paris;
        let at = tz
            .with_ymd_and_hms(2024, 3, 30, 12, 0, 0)
            .unwrap()
            .timestamp_millis();
        let expires = expiry_ms(at, &Validity::FixedPeriod { days: 1 }, tz).unwrap();
        assert_eq!(expires, 1_711_922_399_999);
    }
}
