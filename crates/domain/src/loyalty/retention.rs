//! The daily retention check of a tier record that has expired (spec §7.3, §12 #5).
//!
//! The member's value for a condition is the retention counter of that condition, accumulated
//! since the record began (§7.4). The current tier is kept when, for some enabled rule of the
//! current tier, the value reaches the rule's start (only the lower bound matters: a value past
//! the end is the upgrade service's business). Otherwise the member goes down to the best lower
//! tier whose rule range contains the value, possibly several steps, or to the base tier when
//! none does. A tier without an enabled rule cannot be retained.
//!
//! The next record takes effect the instant after the expired one ended, so a member is never
//! without a tier and a late run does not shorten the new period.

use super::rule::{Condition, RankedRule};

/// What becomes of a member whose tier record expired.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision<'a, K> {
    /// A Retention record for the same tier, under this rule.
    Retain(&'a RankedRule<K>),
    /// A Downgrade record for the tier of this rule; `None` is the base tier.
    Downgrade(Option<&'a RankedRule<K>>),
}

/// Decides for a member on the tier ranked `current_rank`, with the program's `rules` and the
/// member's counter for each condition.
pub fn decide<K>(
    current_rank: i64,
    rules: &[RankedRule<K>],
    value: impl Fn(Condition) -> i64,
) -> Decision<'_, K> {
    let kept = Condition::ALL.into_iter().find_map(|c| {
        rules.iter().find(|r| {
            r.enabled
                && r.condition == c
                && r.tier_rank == current_rank
                && value(c) >= r.range.start
        })
    });
    if let Some(rule) = kept {
        return Decision::Retain(rule);
    }
    let lower: Vec<&RankedRule<K>> = rules
        .iter()
        .filter(|r| r.tier_rank < current_rank)
        .collect();
    let target = Condition::ALL
        .into_iter()
        // `qualifying_rule`'s choice, among the lower tiers only.
        .filter_map(|c| {
            lower
                .iter()
                .copied()
                .filter(|r| r.enabled && r.condition == c && r.range.contains(value(c)))
                .max_by_key(|r| r.tier_rank)
        })
        .max_by_key(|r| r.tier_rank);
    Decision::Downgrade(target)
}

/// When the record that follows an expired one takes effect: the instant after it ended.
pub fn next_effective_ms(expired_at_ms: i64) -> i64 {
    expired_at_ms + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::rule::Range;

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

    /// §5.3: silver 300–1000, gold 1000–5000, platinum 5000+ (base is rank 1, no rule).
    fn manual() -> Vec<RankedRule<&'static str>> {
        vec![
            rule("silver", 2, 300, Some(1000)),
            rule("gold", 3, 1000, Some(5000)),
            rule("platinum", 4, 5000, None),
        ]
    }

    fn outcome(d: Decision<'_, &'static str>) -> (&'static str, &'static str) {
        match d {
            Decision::Retain(r) => ("retain", r.key),
            Decision::Downgrade(Some(r)) => ("downgrade", r.key),
            Decision::Downgrade(None) => ("downgrade", "base"),
        }
    }

    #[test]
    fn worked_example_d_keeps_gold_or_goes_to_silver_or_base() {
        let rules = manual();
        let gold = 3;
        // 1500 + 300 − 200 = 1600 ≥ 1000: Gold is retained.
        assert_eq!(outcome(decide(gold, &rules, |_| 1600)), ("retain", "gold"));
        assert_eq!(outcome(decide(gold, &rules, |_| 1000)), ("retain", "gold"));
        // 450: 300 ≤ 450 < 1000, Silver.
        assert_eq!(
            outcome(decide(gold, &rules, |_| 450)),
            ("downgrade", "silver")
        );
        assert_eq!(
            outcome(decide(gold, &rules, |_| 999)),
            ("downgrade", "silver")
        );
        // 120: no rule matches, Base.
        assert_eq!(
            outcome(decide(gold, &rules, |_| 120)),
            ("downgrade", "base")
        );
        assert_eq!(outcome(decide(gold, &rules, |_| 0)), ("downgrade", "base"));
    }

    #[test]
    fn a_downgrade_may_skip_tiers_and_never_goes_up() {
        let rules = manual();
        let platinum = 4;
        assert_eq!(
            outcome(decide(platinum, &rules, |_| 450)),
            ("downgrade", "silver")
        );
        assert_eq!(
            outcome(decide(platinum, &rules, |_| 4999)),
            ("downgrade", "gold")
        );
        assert_eq!(
            outcome(decide(platinum, &rules, |_| 10)),
            ("downgrade", "base")
        );
        // Only the lower bound decides retention: a value in platinum's range keeps silver.
        assert_eq!(outcome(decide(2, &rules, |_| 6000)), ("retain", "silver"));
    }

    #[test]
    fn disabled_rules_and_other_conditions_count_as_configured() {
        let mut rules = manual();
        rules[1].enabled = false;
        // Gold's only rule is disabled: gold cannot be kept; 1600 is in no enabled lower range.
        assert_eq!(outcome(decide(3, &rules, |_| 1600)), ("downgrade", "base"));
        assert_eq!(outcome(decide(3, &rules, |_| 500)), ("downgrade", "silver"));

        // A spend rule keeps gold even though the points fall short.
        let mut rules = manual();
        rules.push(RankedRule {
            key: "gold-spend",
            tier_rank: 3,
            condition: Condition::SpendAmount,
            range: Range {
                start: 500_000,
                end: None,
            },
            enabled: true,
        });
        let value = |c: Condition| match c {
            Condition::SpendAmount => 600_000,
            _ => 10,
        };
        assert_eq!(outcome(decide(3, &rules, value)), ("retain", "gold-spend"));
        let value = |c: Condition| match c {
            Condition::SpendAmount => 100,
            _ => 450,
        };
        assert_eq!(outcome(decide(3, &rules, value)), ("downgrade", "silver"));
    }

    #[test]
    fn the_next_record_starts_when_the_old_one_ended() {
        assert_eq!(next_effective_ms(1_649_951_999_999), 1_649_952_000_000);
    }
}
