//! A coupon rule's terms (§11.1–11.2): what the coupon gives, from what order amount, when and
//! where it may be used. Money is in fen.

use crate::money::format_fen;
use chrono::NaiveDate;

/// What a coupon gives (§11.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Benefit {
    /// 满减券: a fixed amount off.
    CashOff { off_fen: i64 },
    /// 折扣券: pay `pay_percent` % of the eligible amount (N折 = pay N/10: 8折 = 80).
    Discount { pay_percent: i64 },
    /// 兑换券: one unit of this product (a SKU code from the product scope) free.
    Exchange { sku: String },
}

impl Benefit {
    /// The rule type, as stored and in the API: `cash_off`, `discount`, `exchange`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::CashOff { .. } => "cash_off",
            Self::Discount { .. } => "discount",
            Self::Exchange { .. } => "exchange",
        }
    }
}

/// The coupon types, for filters and forms.
pub const KINDS: [&str; 3] = ["cash_off", "discount", "exchange"];

/// When a coupon handed out under the rule is valid (§11.2 validity types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponValidity {
    /// 固定日期段: from the start of `from` to the end of `to`, local days.
    DateRange { from: NaiveDate, to: NaiveDate },
    /// 固定时长: from `start_after_days` days after the claim, for `days` days.
    Duration { start_after_days: i64, days: i64 },
    /// 开始有效-日期截止: from `start_after_days` days after the claim to the end of `to`.
    DelayedFixedEnd {
        start_after_days: i64,
        to: NaiveDate,
    },
}

impl CouponValidity {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DateRange { .. } => "date_range",
            Self::Duration { .. } => "duration",
            Self::DelayedFixedEnd { .. } => "delayed_fixed_end",
        }
    }
}

/// On which weekdays and between which times of the local day a coupon may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsableTime {
    /// Bit 0 = Monday … bit 6 = Sunday.
    pub weekdays: u8,
    /// Seconds of the local day, both inclusive: 0..=86399 is all day.
    pub from_s: u32,
    pub to_s: u32,
}

impl UsableTime {
    pub const ALWAYS: Self = Self {
        weekdays: 0b111_1111,
        from_s: 0,
        to_s: 86_399,
    };

    /// Monday = 0 … Sunday = 6.
    pub fn allows_weekday(&self, weekday_from_monday: u32) -> bool {
        weekday_from_monday < 7 && self.weekdays & (1 << weekday_from_monday) != 0
    }

    pub fn allows_second(&self, second_of_day: u32) -> bool {
        (self.from_s..=self.to_s).contains(&second_of_day)
    }
}

/// Everything that decides whether, and for how much, a coupon applies to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub benefit: Benefit,
    /// 使用门槛: the eligible lines must come to at least this much; `None` = no threshold.
    pub threshold_fen: Option<i64>,
    pub validity: CouponValidity,
    pub usable: UsableTime,
    /// `None` = all stores.
    pub store_group: Option<String>,
    /// `None` = all products.
    pub product_group: Option<String>,
    /// May be used on one order with other coupons.
    pub stackable: bool,
    /// 退单返券: a refunded order gives the coupon back, valid for this many days.
    pub refund_returns_days: Option<i64>,
    /// 转赠: may be given to a friend, who has this many hours to accept.
    pub transfer_claim_hours: Option<i64>,
}

impl Terms {
    /// The benefit in the member's words (§11.6 "benefit"), in English and Chinese:
    /// "No threshold, ¥10 off" / "无门槛减免10元", "Spend ¥100, pay 80%" / "满100元打8折".
    pub fn describe(&self, exchange_name: Option<&str>) -> (String, String) {
        let (en_when, zh_when) = match self.threshold_fen {
            None => ("No threshold".to_string(), "无门槛".to_string()),
            Some(t) => (format!("Spend ¥{}", yuan(t)), format!("满{}元", yuan(t))),
        };
        let (en_what, zh_what) = match &self.benefit {
            Benefit::CashOff { off_fen } => (
                format!("¥{} off", yuan(*off_fen)),
                format!("减免{}元", yuan(*off_fen)),
            ),
            Benefit::Discount { pay_percent } => (
                format!("pay {pay_percent}%"),
                format!("打{}折", zhe(*pay_percent)),
            ),
            Benefit::Exchange { sku } => {
                let name = exchange_name.unwrap_or(sku);
                (format!("get {name} free"), format!("兑换{name}"))
            }
        };
        (
            format!("{en_when}, {en_what}"),
            format!("{zh_when}{zh_what}"),
        )
    }
}

/// Yuan without trailing zeros: 1000 → "10", 1050 → "10.5".
fn yuan(fen: i64) -> String {
    let text = format_fen(fen);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// 折 from the percent paid: 80 → "8", 85 → "8.5", 5 → "0.5".
fn zhe(pay_percent: i64) -> String {
    if pay_percent % 10 == 0 {
        (pay_percent / 10).to_string()
    } else {
        format!("{}.{}", pay_percent / 10, pay_percent % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(benefit: Benefit, threshold_fen: Option<i64>) -> Terms {
        Terms {
            benefit,
            threshold_fen,
            validity: CouponValidity::Duration {
                start_after_days: 0,
                days: 7,
            },
            usable: UsableTime::ALWAYS,
            store_group: None,
            product_group: None,
            stackable: false,
            refund_returns_days: None,
            transfer_claim_hours: None,
        }
    }

    #[test]
    fn benefits_read_as_the_manual_writes_them() {
        let t = terms(Benefit::CashOff { off_fen: 2000 }, Some(10000));
        assert_eq!(t.describe(None).1, "满100元减免20元");
        assert_eq!(t.describe(None).0, "Spend ¥100, ¥20 off");
        let t = terms(Benefit::CashOff { off_fen: 500 }, None);
        assert_eq!(t.describe(None).1, "无门槛减免5元");
        let t = terms(Benefit::Discount { pay_percent: 80 }, Some(10000));
        assert_eq!(t.describe(None).1, "满100元打8折");
        let t = terms(Benefit::Discount { pay_percent: 85 }, None);
        assert_eq!(t.describe(None).1, "无门槛打8.5折");
        let t = terms(
            Benefit::Exchange {
                sku: "100001".into(),
            },
            Some(20000),
        );
        assert_eq!(t.describe(Some("咸味薯条")).1, "满200元兑换咸味薯条");
    }

    #[test]
    fn usable_time_bits() {
        let weekdays_only = UsableTime {
            weekdays: 0b001_1111,
            from_s: 9 * 3600,
            to_s: 18 * 3600,
        };
        assert!(weekdays_only.allows_weekday(0));
        assert!(!weekdays_only.allows_weekday(5));
        assert!(!weekdays_only.allows_weekday(6));
        assert!(weekdays_only.allows_second(9 * 3600));
        assert!(weekdays_only.allows_second(18 * 3600));
        assert!(!weekdays_only.allows_second(18 * 3600 + 1));
    }
}
