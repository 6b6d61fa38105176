//! A coupon rule as an operator writes it (API and console), checked field by field (§11.2).

use super::rule::{Benefit, CouponValidity, Terms, UsableTime};
use crate::money::parse_yuan;
use crate::text::bounded;
use crate::ValidationError;
use chrono::{NaiveDate, NaiveTime, Timelike};

/// The most coupons one rule may stock (extra issuance included).
pub const MAX_STOCK: i64 = 100_000_000;
/// The longest a validity, a delay or a returned coupon's validity may run, in days.
pub const MAX_DAYS: i64 = 3_660;
/// The longest a friend may take to accept a transfer, in hours (30 days).
pub const MAX_TRANSFER_HOURS: i64 = 720;

#[derive(Debug, Clone, Default)]
pub struct RuleInput {
    pub name: String,
    /// `cash_off`, `discount` or `exchange`.
    pub coupon_type: String,
    pub program_id: String,
    pub cost_center_id: String,
    /// Per coupon, yuan.
    pub cost: Option<String>,
    pub total_stock: i64,
    /// Yuan; absent = no threshold.
    pub threshold: Option<String>,
    /// Cash off: yuan off.
    pub amount_off: Option<String>,
    /// Discount: N of N折, "8" or "8.5".
    pub discount: Option<String>,
    /// Exchange: the product's SKU code.
    pub exchange_sku: Option<String>,
    pub public_claim: bool,
    pub campaign_issue: bool,
    pub instructions: Option<String>,
    /// `date_range`, `duration` or `delayed_fixed_end`.
    pub validity_type: String,
    /// YYYY-MM-DD.
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub start_after_days: Option<i64>,
    pub valid_days: Option<i64>,
    /// ISO weekdays, 1 = Monday … 7 = Sunday; absent = every day.
    pub weekdays: Option<Vec<i64>>,
    /// HH:MM or HH:MM:SS; absent = all day.
    pub usable_from: Option<String>,
    pub usable_to: Option<String>,
    pub store_group_id: Option<String>,
    pub product_group_id: Option<String>,
    /// Days a coupon given back by a refund stays valid; absent = a refund keeps it used.
    pub refund_returns_days: Option<i64>,
    pub stackable: bool,
    /// Hours a friend has to accept; absent = not transferable.
    pub transfer_claim_hours: Option<i64>,
    /// Coupons one member may claim; absent = no limit.
    pub per_member_limit: Option<i64>,
}

/// A checked rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec {
    pub name: String,
    pub program_id: String,
    pub cost_center_id: String,
    pub cost_fen: i64,
    pub total_stock: i64,
    pub terms: Terms,
    pub public_claim: bool,
    pub campaign_issue: bool,
    pub instructions: String,
    pub per_member_limit: Option<i64>,
}

fn err(field: &'static str, code: &'static str, message: impl Into<String>) -> ValidationError {
    ValidationError::new(field, code, message)
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn required<'a>(field: &'static str, v: &'a Option<String>) -> Result<&'a str, ValidationError> {
    blank(v).ok_or_else(|| err(field, "required", "is required"))
}

fn date(field: &'static str, v: &Option<String>) -> Result<NaiveDate, ValidationError> {
    let raw = required(field, v)?;
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| err(field, "invalid_date", "must be a date YYYY-MM-DD"))
}

fn days(field: &'static str, v: Option<i64>, min: i64) -> Result<i64, ValidationError> {
    let d = v.ok_or_else(|| err(field, "required", "is required"))?;
    if (min..=MAX_DAYS).contains(&d) {
        Ok(d)
    } else {
        Err(err(
            field,
            "out_of_range",
            format!("must be between {min} and {MAX_DAYS} days"),
        ))
    }
}

fn time_of_day(
    field: &'static str,
    v: &Option<String>,
    default: u32,
) -> Result<u32, ValidationError> {
    let Some(raw) = blank(v) else {
        return Ok(default);
    };
    let t = NaiveTime::parse_from_str(raw, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M"))
        .map_err(|_| {
            err(
                field,
                "invalid_time",
                "must be a time of day HH:MM or HH:MM:SS",
            )
        })?;
    Ok(t.num_seconds_from_midnight())
}

/// N of N折 → percent paid: "8" → 80, "8.5" → 85; between 0.1 and 9.9.
fn zhe(raw: &str) -> Result<i64, ValidationError> {
    let invalid = || {
        err(
            "discount",
            "invalid_discount",
            "must be N of N折 between 0.1 and 9.9, e.g. 8 or 8.5",
        )
    };
    let (whole, tenth) = match raw.split_once('.') {
        Some((w, t)) => (w, t),
        None => (raw, "0"),
    };
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let tenth: i64 = match tenth.trim_end_matches('0') {
        "" => 0,
        t if t.len() == 1 => t.parse().map_err(|_| invalid())?,
        _ => return Err(invalid()),
    };
    let percent = whole * 10 + tenth;
    if (0..=9).contains(&whole) && (1..=99).contains(&percent) {
        Ok(percent)
    } else {
        Err(invalid())
    }
}

fn benefit(input: &RuleInput) -> Result<Benefit, ValidationError> {
    match input.coupon_type.trim() {
        "cash_off" => {
            let off_fen = parse_yuan("amount_off", required("amount_off", &input.amount_off)?)?;
            if off_fen == 0 {
                return Err(err("amount_off", "out_of_range", "must be more than 0"));
            }
            Ok(Benefit::CashOff { off_fen })
        }
        "discount" => Ok(Benefit::Discount {
            pay_percent: zhe(required("discount", &input.discount)?)?,
        }),
        "exchange" => Ok(Benefit::Exchange {
            sku: bounded(
                "exchange_sku",
                required("exchange_sku", &input.exchange_sku)?,
                1,
                64,
            )?,
        }),
        _ => Err(err(
            "coupon_type",
            "invalid_coupon_type",
            "must be cash_off, discount or exchange",
        )),
    }
}

fn validity(input: &RuleInput) -> Result<CouponValidity, ValidationError> {
    match input.validity_type.trim() {
        "date_range" => {
            let from = date("valid_from", &input.valid_from)?;
            let to = date("valid_to", &input.valid_to)?;
            if to < from {
                return Err(err(
                    "valid_to",
                    "ends_before_start",
                    "must not be before the start",
                ));
            }
            Ok(CouponValidity::DateRange { from, to })
        }
        "duration" => Ok(CouponValidity::Duration {
            start_after_days: days(
                "start_after_days",
                Some(input.start_after_days.unwrap_or(0)),
                0,
            )?,
            days: days("valid_days", input.valid_days, 1)?,
        }),
        "delayed_fixed_end" => Ok(CouponValidity::DelayedFixedEnd {
            start_after_days: days(
                "start_after_days",
                Some(input.start_after_days.unwrap_or(0)),
                0,
            )?,
            to: date("valid_to", &input.valid_to)?,
        }),
        _ => Err(err(
            "validity_type",
            "invalid_validity_type",
            "must be date_range, duration or delayed_fixed_end",
        )),
    }
}

fn usable(input: &RuleInput) -> Result<UsableTime, ValidationError> {
    let weekdays = match &input.weekdays {
        None => UsableTime::ALWAYS.weekdays,
        Some(days) => {
            let mut bits = 0u8;
            for d in days {
                if !(1..=7).contains(d) {
                    return Err(err(
                        "weekdays",
                        "invalid_weekday",
                        "weekdays are 1 (Monday) to 7 (Sunday)",
                    ));
                }
                bits |= 1 << (d - 1);
            }
            if bits == 0 {
                return Err(err("weekdays", "required", "choose at least one day"));
            }
            bits
        }
    };
    let from_s = time_of_day("usable_from", &input.usable_from, 0)?;
    let to_s = time_of_day("usable_to", &input.usable_to, 86_399)?;
    if to_s < from_s {
        return Err(err(
            "usable_to",
            "ends_before_start",
            "must not be before the start",
        ));
    }
    Ok(UsableTime {
        weekdays,
        from_s,
        to_s,
    })
}

fn optional_id(v: &Option<String>) -> Option<String> {
    blank(v).map(str::to_string)
}

/// Checks every field; the first refusal is returned.
pub fn parse(input: &RuleInput) -> Result<RuleSpec, ValidationError> {
    let name = bounded("name", &input.name, 1, 60)?;
    let benefit = benefit(input)?;
    let program_id = required("program_id", &Some(input.program_id.clone()))?.to_string();
    let cost_center_id =
        required("cost_center_id", &Some(input.cost_center_id.clone()))?.to_string();
    let cost_fen = match blank(&input.cost) {
        Some(raw) => parse_yuan("cost", raw)?,
        None => 0,
    };
    if !(1..=MAX_STOCK).contains(&input.total_stock) {
        return Err(err(
            "total_stock",
            "out_of_range",
            format!("must be between 1 and {MAX_STOCK}"),
        ));
    }
    let threshold_fen = blank(&input.threshold)
        .map(|raw| parse_yuan("threshold", raw))
        .transpose()?
        .filter(|t| *t > 0);
    if let (Benefit::CashOff { off_fen }, Some(t)) = (&benefit, threshold_fen) {
        if *off_fen > t {
            return Err(err(
                "amount_off",
                "above_threshold",
                "must not be more than the threshold",
            ));
        }
    }
    if !input.public_claim && !input.campaign_issue {
        return Err(err(
            "issue_modes",
            "required",
            "choose public claim, campaign issue or both",
        ));
    }
    let instructions = match blank(&input.instructions) {
        Some(raw) => bounded("instructions", raw, 0, 1000)?,
        None => String::new(),
    };
    let validity = validity(input)?;
    let usable = usable(input)?;
    let refund_returns_days = input
        .refund_returns_days
        .map(|d| days("refund_returns_days", Some(d), 1))
        .transpose()?;
    let transfer_claim_hours = match input.transfer_claim_hours {
        None => None,
        Some(h) if (1..=MAX_TRANSFER_HOURS).contains(&h) => Some(h),
        Some(_) => {
            return Err(err(
                "transfer_claim_hours",
                "out_of_range",
                format!("must be between 1 and {MAX_TRANSFER_HOURS} hours"),
            ))
        }
    };
    let per_member_limit = match input.per_member_limit {
        None => None,
        Some(n) if (1..=1000).contains(&n) => Some(n),
        Some(_) => {
            return Err(err(
                "per_member_limit",
                "out_of_range",
                "must be between 1 and 1000",
            ))
        }
    };
    Ok(RuleSpec {
        name,
        program_id,
        cost_center_id,
        cost_fen,
        total_stock: input.total_stock,
        terms: Terms {
            benefit,
            threshold_fen,
            validity,
            usable,
            store_group: optional_id(&input.store_group_id),
            product_group: optional_id(&input.product_group_id),
            stackable: input.stackable,
            refund_returns_days,
            transfer_claim_hours,
        },
        public_claim: input.public_claim,
        campaign_issue: input.campaign_issue,
        instructions,
        per_member_limit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cash_off() -> RuleInput {
        RuleInput {
            name: "满100减20".into(),
            coupon_type: "cash_off".into(),
            program_id: "p".into(),
            cost_center_id: "c".into(),
            total_stock: 200,
            threshold: Some("100".into()),
            amount_off: Some("20".into()),
            public_claim: true,
            validity_type: "date_range".into(),
            valid_from: Some("2021-06-09".into()),
            valid_to: Some("2021-06-12".into()),
            ..RuleInput::default()
        }
    }

    fn code_of(input: RuleInput) -> &'static str {
        parse(&input).unwrap_err().code
    }

    #[test]
    fn a_complete_cash_off_rule() {
        let spec = parse(&cash_off()).unwrap();
        assert_eq!(spec.terms.benefit, Benefit::CashOff { off_fen: 2000 });
        assert_eq!(spec.terms.threshold_fen, Some(10000));
        assert_eq!(spec.terms.usable, UsableTime::ALWAYS);
        assert_eq!(spec.cost_fen, 0);
    }

    #[test]
    fn discounts_are_n_zhe() {
        for (raw, percent) in [("8", 80), ("8.5", 85), ("0.5", 5), ("9.9", 99), ("2.0", 20)] {
            let input = RuleInput {
                coupon_type: "discount".into(),
                discount: Some(raw.into()),
                ..cash_off()
            };
            assert_eq!(
                parse(&input).unwrap().terms.benefit,
                Benefit::Discount {
                    pay_percent: percent
                },
                "{raw}"
            );
        }
        for raw in ["10", "0", "8.55", "-1", "x"] {
            let input = RuleInput {
                coupon_type: "discount".into(),
                discount: Some(raw.into()),
                ..cash_off()
            };
            assert_eq!(code_of(input), "invalid_discount", "{raw}");
        }
    }

    #[test]
    fn refusals() {
        assert_eq!(
            code_of(RuleInput {
                name: " ".into(),
                ..cash_off()
            }),
            "too_short"
        );
        assert_eq!(
            code_of(RuleInput {
                coupon_type: "gift".into(),
                ..cash_off()
            }),
            "invalid_coupon_type"
        );
        assert_eq!(
            code_of(RuleInput {
                total_stock: 0,
                ..cash_off()
            }),
            "out_of_range"
        );
        assert_eq!(
            code_of(RuleInput {
                amount_off: Some("120".into()),
                ..cash_off()
            }),
            "above_threshold"
        );
        assert_eq!(
            code_of(RuleInput {
                public_claim: false,
                ..cash_off()
            }),
            "required"
        );
        assert_eq!(
            code_of(RuleInput {
                valid_to: Some("2021-06-01".into()),
                ..cash_off()
            }),
            "ends_before_start"
        );
        assert_eq!(
            code_of(RuleInput {
                weekdays: Some(vec![0]),
                ..cash_off()
            }),
            "invalid_weekday"
        );
        assert_eq!(
            code_of(RuleInput {
                usable_from: Some("18:00".into()),
                usable_to: Some("09:00".into()),
                ..cash_off()
            }),
            "ends_before_start"
        );
        assert_eq!(
            code_of(RuleInput {
                validity_type: "duration".into(),
                ..cash_off()
            }),
            "required"
        );
        assert_eq!(
            code_of(RuleInput {
                transfer_claim_hours: Some(0),
                ..cash_off()
            }),
            "out_of_range"
        );
    }

    #[test]
    fn weekdays_and_times() {
        let spec = parse(&RuleInput {
            weekdays: Some(vec![6, 7]),
            usable_from: Some("10:00".into()),
            usable_to: Some("22:00:00".into()),
            ..cash_off()
        })
        .unwrap();
        assert_eq!(spec.terms.usable.weekdays, 0b110_0000);
        assert_eq!(spec.terms.usable.from_s, 36_000);
        assert_eq!(spec.terms.usable.to_s, 79_200);
    }
}
