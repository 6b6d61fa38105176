//! Tier up/down rules (spec §5.3): the range of a qualifying value (accumulated points, spend
//! amount or purchase count over the last X days) that puts a member in a tier.
//!
//! Ranges are half-open, `start ≤ value < end`, with no end meaning unbounded (spec §12 #2).
//! Within one program and one condition, the enabled rules must not overlap and a better tier
//! must start higher, so that "which tier does this value reach" has one answer.

use super::whole_in;
use crate::{text, ValidationError};

/// What a rule measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// Points of the rule's point group (counted in points).
    AccumulatedPoints,
    /// Net spend (counted in fen, entered in yuan).
    SpendAmount,
    /// Orders (counted in orders).
    PurchaseCount,
}

impl Condition {
    pub const ALL: [Condition; 3] = [
        Self::AccumulatedPoints,
        Self::SpendAmount,
        Self::PurchaseCount,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccumulatedPoints => "accumulated_points",
            Self::SpendAmount => "spend_amount",
            Self::PurchaseCount => "purchase_count",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == raw)
            .ok_or_else(|| {
                ValidationError::new(
                    "condition",
                    "invalid_condition",
                    "must be 'accumulated_points', 'spend_amount' or 'purchase_count'",
                )
            })
    }

    /// Only a points rule names a point group: the points of which account count.
    pub fn needs_point_group(self) -> bool {
        self == Self::AccumulatedPoints
    }

    /// Minor units per entered unit: spend is entered in yuan and kept in fen.
    fn scale(self) -> i64 {
        match self {
            Self::SpendAmount => 100,
            _ => 1,
        }
    }
}

/// `[start, end)` in the condition's minor unit; `end: None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: i64,
    pub end: Option<i64>,
}

impl Range {
    pub fn contains(&self, value: i64) -> bool {
        value >= self.start && self.end.is_none_or(|end| value < end)
    }

    /// Whether two half-open ranges share a value: [300, 1000) and [1000, 5000) do not.
    pub fn overlaps(&self, other: &Range) -> bool {
        let below = |end: Option<i64>, start: i64| end.is_some_and(|e| e <= start);
        !below(self.end, other.start) && !below(other.end, self.start)
    }
}

/// The largest value a range bound may have (in minor units), far above any real threshold.
const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// The "no upper limit" values the manual uses in the end field (§5.3).
const UNBOUNDED_INPUTS: [i64; 2] = [999_999_999, 9_999_999_999];

/// Parses an entered value: whole points or orders, or yuan with at most two decimals.
pub fn parse_value(
    condition: Condition,
    field: &'static str,
    raw: &str,
) -> Result<i64, ValidationError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ValidationError::new(field, "too_short", "is required"));
    }
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let decimals_ok = match (condition, fraction) {
        (_, None) => true,
        (Condition::SpendAmount, Some(f)) => all_digits(f) && f.len() <= 2,
        (_, Some(_)) => false,
    };
    if !all_digits(whole) || !decimals_ok || whole.len() > 15 {
        let (code, message) = match condition {
            Condition::SpendAmount => (
                "invalid_amount",
                "must be an amount in yuan with at most 2 decimals, e.g. 300 or 299.90",
            ),
            _ => ("invalid_number", "must be a whole number, e.g. 300"),
        };
        return Err(ValidationError::new(field, code, message));
    }
    let mut value: i64 = whole.parse::<i64>().unwrap_or(i64::MAX / 1000);
    value = value.saturating_mul(condition.scale());
    if let Some(f) = fraction {
        let cents: i64 = format!("{f:0<2}").parse().unwrap_or(0);
        value = value.saturating_add(cents);
    }
    if negative && value != 0 {
        return Err(ValidationError::new(
            field,
            "negative_value",
            "must be 0 or more",
        ));
    }
    if value > MAX_MINOR {
        return Err(ValidationError::new(
            field,
            "value_too_large",
            "is too large",
        ));
    }
    Ok(value)
}

/// A stored value as it is entered: `300` points, `300.00` yuan.
pub fn format_value(condition: Condition, value: i64) -> String {
    match condition {
        Condition::SpendAmount => {
            let sign = if value < 0 { "-" } else { "" };
            let v = value.unsigned_abs();
            format!("{sign}{}.{:02}", v / 100, v % 100)
        }
        _ => value.to_string(),
    }
}

/// Parses a rule's range. A blank end, or the manual's 999999999 / 9999999999, is unbounded.
pub fn parse_range(
    condition: Condition,
    start: &str,
    end: Option<&str>,
) -> Result<Range, ValidationError> {
    let start = parse_value(condition, "range_start", start)?;
    let end = match end.map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(raw) => {
            let v = parse_value(condition, "range_end", raw)?;
            let unbounded = UNBOUNDED_INPUTS
                .iter()
                .any(|u| u.saturating_mul(condition.scale()) == v);
            (!unbounded).then_some(v)
        }
    };
    if let Some(e) = end {
        if e <= start {
            return Err(ValidationError::new(
                "range_end",
                "empty_range",
                "must be greater than the start, or empty for no upper limit",
            ));
        }
    }
    Ok(Range { start, end })
}

/// A rule's name, e.g. 银卡会员条件.
pub fn parse_name(raw: &str) -> Result<String, ValidationError> {
    text::bounded("name", raw, 1, 64)
}

/// The window "last X days" over which the value is summed.
pub fn parse_window_days(days: i64) -> Result<i64, ValidationError> {
    whole_in("window_days", "invalid_days", days, 1, 36_500)
}

/// What the checks across rules need to know of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedRule<K> {
    /// The caller's handle on the rule (an id, a name).
    pub key: K,
    /// The rank of the rule's tier.
    pub tier_rank: i64,
    pub condition: Condition,
    pub range: Range,
    pub enabled: bool,
}

/// Checks `candidate` against the other rules of its program (`others` must not contain it).
/// Only enabled rules of the same condition are compared: one rule per tier, no overlapping
/// ranges, and a better tier starts higher.
pub fn check_rule<K>(
    candidate: &RankedRule<K>,
    others: &[RankedRule<K>],
) -> Result<(), ValidationError> {
    if !candidate.enabled {
        return Ok(());
    }
    let peers: Vec<&RankedRule<K>> = others
        .iter()
        .filter(|o| o.enabled && o.condition == candidate.condition)
        .collect();
    if peers.iter().any(|o| o.tier_rank == candidate.tier_rank) {
        return Err(ValidationError::new(
            "tier_id",
            "tier_rule_duplicate",
            "this tier has an enabled rule of this condition already",
        ));
    }
    if peers.iter().any(|o| candidate.range.overlaps(&o.range)) {
        return Err(ValidationError::new(
            "range_start",
            "tier_rule_overlap",
            "the range overlaps the range of another enabled rule of this condition",
        ));
    }
    let out_of_order = peers.iter().any(|o| {
        let better = candidate.tier_rank > o.tier_rank;
        better != (candidate.range.start > o.range.start)
    });
    if out_of_order {
        return Err(ValidationError::new(
            "range_start",
            "tier_rule_order",
            "a higher tier must start higher than a lower tier's rule",
        ));
    }
    Ok(())
}

/// The enabled rule of `condition` with the highest tier rank whose range contains `value`;
/// `None` means the base tier (spec §7.3 step 4).
pub fn qualifying_rule<K>(
    rules: &[RankedRule<K>],
    condition: Condition,
    value: i64,
) -> Option<&RankedRule<K>> {
    rules
        .iter()
        .filter(|r| r.enabled && r.condition == condition && r.range.contains(value))
        .max_by_key(|r| r.tier_rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POINTS: Condition = Condition::AccumulatedPoints;

    fn rule(
        key: &'static str,
        rank: i64,
        start: i64,
        end: Option<i64>,
    ) -> RankedRule<&'static str> {
        RankedRule {
            key,
            tier_rank: rank,
            condition: POINTS,
            range: Range { start, end },
            enabled: true,
        }
    }

    /// The manual's configuration (§5.3): silver 300–1000, gold 1000–5000, platinum 5000+.
    fn manual() -> Vec<RankedRule<&'static str>> {
        vec![
            rule("silver", 2, 300, Some(1000)),
            rule("gold", 3, 1000, Some(5000)),
            rule("platinum", 4, 5000, None),
        ]
    }

    #[test]
    fn the_manuals_range_checks_pick_the_right_tier() {
        // §7.7 C: 400 → silver, 1110 → gold, 210 and 10 → base; §7.7 B: 6100 → platinum.
        let rules = manual();
        let tier = |v| qualifying_rule(&rules, POINTS, v).map(|r| r.key);
        assert_eq!(tier(400), Some("silver"));
        assert_eq!(tier(1110), Some("gold"));
        assert_eq!(tier(210), None);
        assert_eq!(tier(10), None);
        assert_eq!(tier(6100), Some("platinum"));
        // Half-open bounds: the shared end points belong to the better tier.
        assert_eq!(tier(300), Some("silver"));
        assert_eq!(tier(999), Some("silver"));
        assert_eq!(tier(1000), Some("gold"));
        assert_eq!(tier(5000), Some("platinum"));
        // Spend does not count towards a points rule.
        assert_eq!(
            qualifying_rule(&rules, Condition::SpendAmount, 40_000),
            None
        );
    }

    #[test]
    fn disabled_rules_do_not_qualify() {
        let mut rules = manual();
        rules[1].enabled = false;
        assert_eq!(qualifying_rule(&rules, POINTS, 1110).map(|r| r.key), None);
    }

    #[test]
    fn the_manuals_rules_pass_the_checks_in_any_order() {
        let rules = manual();
        for i in 0..rules.len() {
            let mut others = rules.clone();
            let candidate = others.remove(i);
            assert_eq!(check_rule(&candidate, &others), Ok(()), "{}", candidate.key);
        }
    }

    #[test]
    fn overlapping_ranges_are_refused() {
        let e = check_rule(&rule("gold", 3, 900, Some(5000)), &manual()[..1]).unwrap_err();
        assert_eq!((e.field, e.code), ("range_start", "tier_rule_overlap"));
        // An unbounded silver rule overlaps any later gold rule.
        let e = check_rule(
            &rule("gold", 3, 1000, None),
            &[rule("silver", 2, 300, None)],
        )
        .unwrap_err();
        assert_eq!(e.code, "tier_rule_overlap");
    }

    #[test]
    fn a_higher_tier_with_a_lower_start_is_refused() {
        // Gold 100–300 would sit below silver 300–1000.
        let e = check_rule(&rule("gold", 3, 100, Some(300)), &manual()[..1]).unwrap_err();
        assert_eq!((e.field, e.code), ("range_start", "tier_rule_order"));
        // And silver above gold.
        let e = check_rule(&rule("silver", 2, 6000, None), &manual()[1..2]).unwrap_err();
        assert_eq!(e.code, "tier_rule_order");
    }

    #[test]
    fn a_tier_has_one_enabled_rule_per_condition() {
        let e = check_rule(&rule("silver-2", 2, 0, Some(300)), &manual()).unwrap_err();
        assert_eq!((e.field, e.code), ("tier_id", "tier_rule_duplicate"));
    }

    #[test]
    fn disabled_rules_and_other_conditions_are_not_compared() {
        let mut candidate = rule("gold", 3, 100, Some(300));
        candidate.enabled = false;
        assert_eq!(check_rule(&candidate, &manual()), Ok(()));
        let mut spend = rule("gold", 3, 100, Some(300));
        spend.condition = Condition::SpendAmount;
        assert_eq!(check_rule(&spend, &manual()), Ok(()));
        let mut others = manual();
        others[0].enabled = false;
        assert_eq!(
            check_rule(&rule("x", 5, 0, Some(300)), &others[..1]),
            Ok(())
        );
    }

    #[test]
    fn ranges_are_half_open() {
        let r = Range {
            start: 300,
            end: Some(1000),
        };
        assert!(r.contains(300) && r.contains(999) && !r.contains(1000) && !r.contains(299));
        let next = Range {
            start: 1000,
            end: None,
        };
        assert!(!r.overlaps(&next) && !next.overlaps(&r));
        assert!(next.contains(i64::MAX));
        let wide = Range {
            start: 0,
            end: Some(301),
        };
        assert!(wide.overlaps(&r) && r.overlaps(&wide));
    }

    #[test]
    fn points_and_counts_are_whole_numbers() {
        assert_eq!(parse_value(POINTS, "range_start", " 300 "), Ok(300));
        assert_eq!(parse_value(POINTS, "range_start", "0"), Ok(0));
        let e = parse_value(POINTS, "range_start", "300.5").unwrap_err();
        assert_eq!((e.field, e.code), ("range_start", "invalid_number"));
        let e = parse_value(Condition::PurchaseCount, "range_end", "abc").unwrap_err();
        assert_eq!((e.field, e.code), ("range_end", "invalid_number"));
        let e = parse_value(POINTS, "range_start", "-1").unwrap_err();
        assert_eq!(e.code, "negative_value");
        let e = parse_value(POINTS, "range_start", "").unwrap_err();
        assert_eq!(e.code, "too_short");
    }

    #[test]
    fn spend_is_entered_in_yuan_and_kept_in_fen() {
        let spend = Condition::SpendAmount;
        assert_eq!(parse_value(spend, "range_start", "300"), Ok(30_000));
        assert_eq!(parse_value(spend, "range_start", "299.9"), Ok(29_990));
        assert_eq!(parse_value(spend, "range_start", "0.05"), Ok(5));
        let e = parse_value(spend, "range_start", "1.005").unwrap_err();
        assert_eq!((e.field, e.code), ("range_start", "invalid_amount"));
        assert_eq!(
            parse_value(spend, "range_start", "1.").unwrap_err().code,
            "invalid_amount"
        );
        assert_eq!(format_value(spend, 29_990), "299.90");
        assert_eq!(format_value(spend, 5), "0.05");
        assert_eq!(format_value(POINTS, 300), "300");
    }

    #[test]
    fn an_empty_end_or_the_manuals_nines_mean_unbounded() {
        let unbounded = Range {
            start: 5000,
            end: None,
        };
        assert_eq!(parse_range(POINTS, "5000", None), Ok(unbounded));
        assert_eq!(parse_range(POINTS, "5000", Some(" ")), Ok(unbounded));
        assert_eq!(
            parse_range(POINTS, "5000", Some("999999999")),
            Ok(unbounded)
        );
        assert_eq!(
            parse_range(POINTS, "5000", Some("9999999999")),
            Ok(unbounded)
        );
        assert_eq!(
            parse_range(Condition::SpendAmount, "5000", Some("999999999")),
            Ok(Range {
                start: 500_000,
                end: None
            })
        );
        assert_eq!(
            parse_range(POINTS, "300", Some("1000")),
            Ok(Range {
                start: 300,
                end: Some(1000)
            })
        );
    }

    #[test]
    fn the_end_must_be_above_the_start() {
        let e = parse_range(POINTS, "1000", Some("1000")).unwrap_err();
        assert_eq!((e.field, e.code), ("range_end", "empty_range"));
        assert_eq!(
            parse_range(POINTS, "1000", Some("300")).unwrap_err().code,
            "empty_range"
        );
    }

    #[test]
    fn conditions_and_windows() {
        assert_eq!(Condition::parse("spend_amount"), Ok(Condition::SpendAmount));
        assert_eq!(
            Condition::parse("visits").unwrap_err().code,
            "invalid_condition"
        );
        assert!(Condition::AccumulatedPoints.needs_point_group());
        assert!(!Condition::PurchaseCount.needs_point_group());
        assert_eq!(parse_window_days(365), Ok(365));
        let e = parse_window_days(0).unwrap_err();
        assert_eq!((e.field, e.code), ("window_days", "invalid_days"));
    }
}
