//! The daily jobs (loyalty-core §7.3, §7.5): which jobs exist, how a run was started, and what
//! a run's business date means.
//!
//! A run is for one tenant and one business date `D`, a day in the tenant's time zone. It
//! processes what had expired before `D` began: points and tier records whose expiry (the last
//! millisecond of a local day) fell on `D − 1` or earlier (spec §12 #6). So a run just after
//! midnight sees everything of the day before, and days the schedule missed are caught up by
//! the next run.

use crate::loyalty::tier::end_of_day_ms;
use crate::ValidationError;
use chrono::{NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// A daily job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// §7.5: earning records past their expiry lose what remains of them.
    ExpirePoints,
    /// §7.3: tier records past their expiry are retained or downgraded.
    TierRetention,
    /// §11.6: issued coupons past their validity expire; transfers not accepted in time go
    /// back to their givers.
    ExpireCoupons,
}

impl Job {
    /// In the order the schedule runs them: points expire before tiers are judged.
    pub const ALL: [Job; 3] = [Self::ExpirePoints, Self::TierRetention, Self::ExpireCoupons];

    /// The stable name (CLI, API, storage).
    pub fn name(self) -> &'static str {
        match self {
            Self::ExpirePoints => "expire-points",
            Self::TierRetention => "tier-retention",
            Self::ExpireCoupons => "expire-coupons",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|j| j.name() == raw)
            .ok_or_else(|| {
                ValidationError::new(
                    "job",
                    "unknown_job",
                    "must be 'expire-points', 'tier-retention' or 'expire-coupons'",
                )
            })
    }
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Cli,
    Schedule,
    Console,
    Api,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Schedule => "schedule",
            Self::Console => "console",
            Self::Api => "api",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Cli, Self::Schedule, Self::Console, Self::Api]
            .into_iter()
            .find(|t| t.as_str() == raw)
    }
}

/// Where a run stands. A failed run may be run again; a succeeded one never is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Running, Self::Succeeded, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// A business date as entered (`as_of`): `YYYY-MM-DD`, no later than the tenant's `today`.
/// A later date would expire points and end tiers that are still valid.
pub fn parse_business_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, ValidationError> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| ValidationError::new("as_of", "invalid_date", "must be a date YYYY-MM-DD"))?;
    if date > today {
        return Err(ValidationError::new(
            "as_of",
            "as_of_in_future",
            format!("must not be after today ({today}) in the tenant's time zone"),
        ));
    }
    Ok(date)
}

/// The first instant of `date` in `tz`: one millisecond after the previous day's end, so that
/// "expired before `date`" and the expiry instants of §12 #3 use the same clock edges.
pub fn day_start_ms(date: NaiveDate, tz: Tz) -> Option<i64> {
    Some(end_of_day_ms(date.pred_opt()?, tz)? + 1)
}

/// The local date of an instant in `tz`.
pub fn local_date(at_ms: i64, tz: Tz) -> Option<NaiveDate> {
    let utc = chrono::DateTime::from_timestamp_millis(at_ms)?;
    Some(tz.from_utc_datetime(&utc.naive_utc()).date_naive())
}

/// The local time of day at which the schedule runs the jobs, `HH:MM`; `off` (or empty)
/// turns the schedule off.
pub fn parse_daily_at(raw: &str) -> Result<Option<NaiveTime>, ValidationError> {
    let raw = raw.trim();
    if raw.is_empty() || raw.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    NaiveTime::parse_from_str(raw, "%H:%M")
        .map(Some)
        .map_err(|_| {
            ValidationError::new(
                "jobs_daily_at",
                "invalid_time",
                "must be a time HH:MM (24-hour) or 'off'",
            )
        })
}

/// The business date the schedule runs for at `now_ms`: the tenant's local date once its local
/// time has reached `daily_at`, none before.
pub fn scheduled_date(now_ms: i64, tz: Tz, daily_at: NaiveTime) -> Option<NaiveDate> {
    let utc = chrono::DateTime::from_timestamp_millis(now_ms)?;
    let local = tz.from_utc_datetime(&utc.naive_utc());
    (local.time() >= daily_at).then(|| local.date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Shanghai;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn job_names_round_trip_and_unknown_ones_are_refused() {
        for j in Job::ALL {
            assert_eq!(Job::parse(j.name()).unwrap(), j);
        }
        assert_eq!(Job::parse("birthday").unwrap_err().code, "unknown_job");
        assert_eq!(RunStatus::parse("failed"), Some(RunStatus::Failed));
        assert_eq!(Trigger::parse("schedule"), Some(Trigger::Schedule));
    }

    #[test]
    fn a_business_date_is_a_day_not_after_today() {
        let today = day(2026, 11, 23);
        assert_eq!(
            parse_business_date("2024-01-02", today).unwrap(),
            day(2024, 1, 2)
        );
        assert_eq!(parse_business_date("2026-11-23", today).unwrap(), today);
        assert_eq!(
            parse_business_date("2026-11-24", today).unwrap_err().code,
            "as_of_in_future"
        );
        assert_eq!(
            parse_business_date("2024/01/02", today).unwrap_err().code,
            "invalid_date"
        );
    }

    #[test]
    fn a_record_expiring_at_the_end_of_a_day_is_due_the_next_day() {
        // §10.7: expires 2024-01-01 23:59:59 (Shanghai); the run of 2024-01-02 finds it.
        let expiry = end_of_day_ms(day(2024, 1, 1), Shanghai).unwrap();
        let start = day_start_ms(day(2024, 1, 2), Shanghai).unwrap();
        assert_eq!(start, expiry + 1);
        assert!(expiry < start);
        assert!(expiry >= day_start_ms(day(2024, 1, 1), Shanghai).unwrap());
        // 2024-01-02 00:00 in Shanghai is 2024-01-01 16:00 UTC.
        assert_eq!(start, 1_704_124_800_000);
        assert_eq!(local_date(start, Shanghai), Some(day(2024, 1, 2)));
        assert_eq!(local_date(start - 1, Shanghai), Some(day(2024, 1, 1)));
    }

    #[test]
    fn the_schedule_runs_for_the_local_date_once_its_time_has_come() {
        let at = parse_daily_at("00:30").unwrap().unwrap();
        assert_eq!(parse_daily_at("off").unwrap(), None);
        assert_eq!(parse_daily_at("").unwrap(), None);
        assert_eq!(parse_daily_at("25:00").unwrap_err().code, "invalid_time");
        let midnight = day_start_ms(day(2024, 1, 2), Shanghai).unwrap();
        assert_eq!(scheduled_date(midnight + 29 * 60_000, Shanghai, at), None);
        assert_eq!(
            scheduled_date(midnight + 30 * 60_000, Shanghai, at),
            Some(day(2024, 1, 2))
        );
    }
}
