//! The member upgrade service (§7.2): after each upgrade-eligible record, the member moves to the
//! highest tier above the current one whose rule range holds the member's qualifying value
//! (tiers may be skipped; an upgrade never lowers). The retention counters restart from the
//! contribution that caused an upgrade (§12 row 4: "the value that caused the upgrade") and
//! otherwise accumulate it.

use super::rule::RankedRule;

/// The retention counters of a member account (§7.2, §7.4): upgradeable points, spend (fen) and
/// purchases counted towards keeping the current tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionCounters {
    pub points: i64,
    pub spend_fen: i64,
    pub purchases: i64,
}

impl RetentionCounters {
    /// The counters after `add`: restarted from it when it caused an upgrade, else summed.
    pub fn after(self, add: RetentionCounters, upgraded: bool) -> Self {
        if upgraded {
            return add;
        }
        Self {
            points: self.points + add.points,
            spend_fen: self.spend_fen + add.spend_fen,
            purchases: self.purchases + add.purchases,
        }
    }

    /// The counters less a refund's share (§7.4 R-1: reduced, and no tier check runs).
    pub fn less(self, sub: RetentionCounters) -> Self {
        Self {
            points: self.points - sub.points,
            spend_fen: self.spend_fen - sub.spend_fen,
            purchases: self.purchases - sub.purchases,
        }
    }
}

/// The rule to upgrade by, given each enabled rule with the member's value for its condition:
/// the highest-ranked rule above `current_rank` whose range contains its value.
pub fn upgrade_rule<K>(
    current_rank: i64,
    rules: &[(RankedRule<K>, i64)],
) -> Option<&RankedRule<K>> {
    rules
        .iter()
        .filter(|(r, v)| r.enabled && r.tier_rank > current_rank && r.range.contains(*v))
        .map(|(r, _)| r)
        .max_by_key(|r| r.tier_rank)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::rule::{Condition, Range};

    fn rule(
        key: &'static str,
        rank: i64,
        start: i64,
        end: Option<i64>,
    ) -> RankedRule<&'static str> {
        RankedRule {
            key,
            tier_rank: rank,
            condition: Condition::AccumulatedPoints,
            range: Range { start, end },
            enabled: true,
        }
    }

    fn with(v: i64) -> Vec<(RankedRule<&'static str>, i64)> {
        vec![
            (rule("silver", 2, 300, Some(1000)), v),
            (rule("gold", 3, 1000, Some(5000)), v),
            (rule("platinum", 4, 5000, None), v),
        ]
    }

    #[test]
    fn the_manuals_upgrades() {
        let key = |rank, v| upgrade_rule(rank, &with(v)).map(|r| r.key);
        // §7.7 A: base (rank 1) straight to gold with 1500 points; silver is skipped.
        assert_eq!(key(1, 1500), Some("gold"));
        // §7.7 C: 400 → silver; 1110 → gold; 210 and 10 stay base.
        assert_eq!(key(1, 400), Some("silver"));
        assert_eq!(key(1, 1110), Some("gold"));
        assert_eq!(key(1, 210), None);
        assert_eq!(key(1, 10), None);
        // §7.7 B: step by step to platinum at 6100.
        assert_eq!(key(3, 6100), Some("platinum"));
        // Never lowers: a gold member with 400 points stays gold.
        assert_eq!(key(3, 400), None);
        // Already in the matching tier: no change.
        assert_eq!(key(3, 1500), None);
    }

    #[test]
    fn counters_restart_on_upgrade_and_accumulate_otherwise() {
        let c = RetentionCounters {
            points: 200,
            spend_fen: 20_000,
            purchases: 2,
        };
        let add = RetentionCounters {
            points: 1500,
            spend_fen: 150_000,
            purchases: 1,
        };
        assert_eq!(c.after(add, true), add);
        assert_eq!(
            c.after(add, false),
            RetentionCounters {
                points: 1700,
                spend_fen: 170_000,
                purchases: 3
            }
        );
        // §7.7 D: 1500 + 300 − 200 = 1600.
        let gold = RetentionCounters {
            points: 1500,
            ..Default::default()
        };
        let year = gold
            .after(
                RetentionCounters {
                    points: 300,
                    ..Default::default()
                },
                false,
            )
            .less(RetentionCounters {
                points: 200,
                ..Default::default()
            });
        assert_eq!(year.points, 1600);
    }
}
