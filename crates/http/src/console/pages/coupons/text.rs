//! How the coupon pages word things: the names of types and states, the benefit in the member's
//! words, the validity and the usable days and times. The rule form's script builds the same
//! texts from the same catalogue entries (handed to it in `data-texts`); keep the two in step.

use crate::console::i18n::Tr;
use patron_domain::coupons::rule::{CouponValidity, Terms, UsableTime};
use patron_domain::coupons::status::{ApprovalStatus, CouponStatus, RuleStatus, TransferStatus};
use patron_domain::money::format_fen;

pub fn type_label(tr: Tr, kind: &str) -> String {
    tr.t(&format!("coupons.type_{kind}")).to_string()
}

pub fn approval_label(tr: Tr, s: ApprovalStatus) -> String {
    tr.t(&format!("coupons.approval_{}", s.as_str()))
        .to_string()
}

pub fn status_label(tr: Tr, s: RuleStatus) -> String {
    tr.t(&format!("coupons.status_{}", s.as_str())).to_string()
}

pub fn coupon_status_label(tr: Tr, s: CouponStatus) -> String {
    tr.t(&format!("coupons.coupon_status_{}", s.as_str()))
        .to_string()
}

pub fn transfer_status_label(tr: Tr, s: TransferStatus) -> String {
    tr.t(&format!("coupons.transfer_status_{}", s.as_str()))
        .to_string()
}

pub fn validity_type_label(tr: Tr, kind: &str) -> String {
    tr.t(&format!("coupons.validity_{kind}")).to_string()
}

/// The benefit as members read it: "满100元减免20元" / "Spend ¥100, ¥20 off".
pub fn benefit(tr: Tr, terms: &Terms) -> String {
    let (en, zh) = terms.describe(None);
    if tr.is_zh() {
        zh
    } else {
        en
    }
}

/// Yuan with two decimals, as amounts are shown in tables.
pub fn yuan(fen: i64) -> String {
    format!("¥{}", format_fen(fen))
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// When a coupon of the rule is valid: "2021-06-09 00:00:00 – 2021-06-12 23:59:59", "Valid for
/// 7 day(s) from the claim", …
pub fn validity(tr: Tr, v: &CouponValidity) -> String {
    match *v {
        CouponValidity::DateRange { from, to } => tr.tf(
            "coupons.validity_text_range",
            &[("from", &day(from)), ("to", &day(to))],
        ),
        CouponValidity::Duration {
            start_after_days,
            days,
        } => {
            let days = days.to_string();
            if start_after_days == 0 {
                tr.tf("coupons.validity_text_duration_now", &[("days", &days)])
            } else {
                tr.tf(
                    "coupons.validity_text_duration_later",
                    &[("start", &start_after_days.to_string()), ("days", &days)],
                )
            }
        }
        CouponValidity::DelayedFixedEnd {
            start_after_days,
            to,
        } => {
            if start_after_days == 0 {
                tr.tf("coupons.validity_text_delayed_now", &[("to", &day(to))])
            } else {
                tr.tf(
                    "coupons.validity_text_delayed_later",
                    &[("start", &start_after_days.to_string()), ("to", &day(to))],
                )
            }
        }
    }
}

/// Seconds of the day as HH:MM:SS.
pub fn hms(s: u32) -> String {
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// The usable days and hours: "Every day 00:00:00–23:59:59", "Sat, Sun 10:00:00–22:00:00".
pub fn usable(tr: Tr, u: &UsableTime) -> String {
    let days = if u.weekdays == UsableTime::ALWAYS.weekdays {
        tr.t("coupons.every_day").to_string()
    } else {
        (0..7u32)
            .filter(|d| u.allows_weekday(*d))
            .map(|d| tr.t(&format!("coupons.weekday_{}", d + 1)).to_string())
            .collect::<Vec<_>>()
            .join(tr.t("coupons.list_separator"))
    };
    tr.tf(
        "coupons.usable_text",
        &[
            ("days", &days),
            ("from", &hms(u.from_s)),
            ("to", &hms(u.to_s)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use patron_domain::user::Locale;

    #[test]
    fn validity_and_usable_times_in_both_languages() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let range = CouponValidity::DateRange {
            from: d("2021-06-09"),
            to: d("2021-06-12"),
        };
        assert_eq!(
            validity(Tr(Locale::En), &range),
            "2021-06-09 00:00:00 – 2021-06-12 23:59:59"
        );
        assert_eq!(
            validity(Tr(Locale::ZhCn), &range),
            "2021-06-09 00:00:00 至 2021-06-12 23:59:59"
        );
        let later = CouponValidity::Duration {
            start_after_days: 1,
            days: 7,
        };
        assert_eq!(
            validity(Tr(Locale::En), &later),
            "Valid for 7 day(s), starting 1 day(s) after the claim"
        );
        assert_eq!(
            validity(Tr(Locale::ZhCn), &later),
            "领取 1 天后生效，有效期 7 天"
        );
        let weekend = UsableTime {
            weekdays: 0b110_0000,
            from_s: 36_000,
            to_s: 79_200,
        };
        assert_eq!(
            usable(Tr(Locale::En), &weekend),
            "Sat, Sun 10:00:00–22:00:00"
        );
        assert_eq!(
            usable(Tr(Locale::ZhCn), &weekend),
            "周六、周日 10:00:00–22:00:00"
        );
        assert_eq!(
            usable(Tr(Locale::ZhCn), &UsableTime::ALWAYS),
            "每天 00:00:00–23:59:59"
        );
    }
}
