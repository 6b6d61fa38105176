//! Earning rates (§10.1): points per yuan or per unit, as an exact decimal.
//!
//! The screen labels say "(X) points / yuan", so a rate is points per unit; "10 yuan = 1 point"
//! is the rate 0.1. A rate keeps up to four decimals, held as an integer count of 1/10,000 of a
//! point, so `round_down(amount × rate)` is integer arithmetic and never drifts.

use crate::ValidationError;

const SCALE: i64 = 10_000;
const DECIMALS: usize = 4;
/// No real programme gives more than this per yuan or unit; it also keeps products in range.
const MAX_RATE: i64 = 1_000_000 * SCALE;

/// Points per yuan (by amount) or per unit (by quantity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate {
    /// The rate × 10,000.
    scaled: i64,
}

impl Rate {
    /// A rate of `scaled` / 10,000 points, as stored.
    pub fn from_scaled(scaled: i64) -> Result<Self, ValidationError> {
        if scaled <= 0 || scaled > MAX_RATE {
            return Err(ValidationError::new(
                "rate",
                "invalid_rate",
                "must be above 0 and at most 1,000,000 points",
            ));
        }
        Ok(Self { scaled })
    }

    /// Parses "1", "0.1", "2.5" (up to four decimals).
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let bad = || {
            ValidationError::new(
                field,
                "invalid_rate",
                "must be a number of points above 0 with at most 4 decimals, like 1 or 0.1",
            )
        };
        let raw = raw.trim();
        let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
        if whole.is_empty()
            || frac.len() > DECIMALS
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || whole.len() > 7
        {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = format!("{frac:0<4}").parse().map_err(|_| bad())?;
        Self::from_scaled(whole * SCALE + frac).map_err(|mut e| {
            e.field = field;
            e
        })
    }

    pub fn scaled(self) -> i64 {
        self.scaled
    }

    /// Points for an amount in fen, rounded down: `round_down(yuan × rate)`.
    pub fn points_for_fen(self, fen: i64) -> i64 {
        if fen <= 0 {
            return 0;
        }
        let points = i128::from(fen) * i128::from(self.scaled) / i128::from(100 * SCALE);
        i64::try_from(points).unwrap_or(i64::MAX)
    }

    /// Points for a quantity of units, rounded down.
    pub fn points_for_units(self, units: i64) -> i64 {
        if units <= 0 {
            return 0;
        }
        let points = i128::from(units) * i128::from(self.scaled) / i128::from(SCALE);
        i64::try_from(points).unwrap_or(i64::MAX)
    }
}

impl std::fmt::Display for Rate {
    /// The shortest decimal: 1, 0.1, 2.5.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.scaled / SCALE;
        let frac = self.scaled % SCALE;
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{frac:04}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_point_per_yuan_rounds_down_per_record() {
        let r = Rate::parse("rate", "1").unwrap();
        assert_eq!(r.points_for_fen(12_345), 123); // ¥123.45 → 123
        assert_eq!(r.points_for_fen(99), 0); // ¥0.99 → 0
        assert_eq!(r.points_for_fen(-500), 0);
        assert_eq!(r.points_for_units(3), 3);
    }

    #[test]
    fn ten_yuan_per_point_is_the_rate_one_tenth() {
        let r = Rate::parse("rate", "0.1").unwrap();
        assert_eq!(r.to_string(), "0.1");
        assert_eq!(r.points_for_fen(9_999), 9); // ¥99.99 → 9.999 → 9
        assert_eq!(r.points_for_fen(10_000), 10);
        let r = Rate::parse("rate", "2.5").unwrap();
        assert_eq!((r.to_string(), r.points_for_units(3)), ("2.5".into(), 7));
        assert_eq!(
            Rate::parse("rate", "0.0001")
                .unwrap()
                .points_for_fen(1_000_000),
            1
        );
    }

    #[test]
    fn bad_rates_are_refused() {
        for raw in ["", "0", "-1", "1.00001", "abc", "1e3", ".5", "99999999"] {
            assert_eq!(
                Rate::parse("rate_per_yuan", raw).unwrap_err().code,
                "invalid_rate",
                "{raw}"
            );
        }
        assert_eq!(
            Rate::parse("rate_per_yuan", "x").unwrap_err().field,
            "rate_per_yuan"
        );
    }

    proptest! {
        /// round_down(yuan × rate) computed exactly: never more than the exact product, and
        /// less by under one point.
        #[test]
        fn points_are_the_exact_product_rounded_down(fen in 0i64..10_000_000_000, scaled in 1i64..100_000_000) {
            let r = Rate::from_scaled(scaled).unwrap();
            let p = i128::from(r.points_for_fen(fen));
            let exact_times = i128::from(fen) * i128::from(scaled); // points × 1,000,000
            prop_assert!(p * 1_000_000 <= exact_times);
            prop_assert!(exact_times < (p + 1) * 1_000_000);
        }
    }
}
