//! Simulating a point rule over past orders: what it would have issued beside what was issued,
//! per store and per cost center, so an operator sees the cost of a draft before enabling it.
//!
//! The rule's points per order are computed elsewhere with the engine's own matching and
//! rounding; this module holds the window, the reading of refunds, the tier a member had at an
//! order's time, and the totals.

use crate::orders::earning::prorate;
use crate::ValidationError;
use std::collections::BTreeMap;

/// The longest window simulated, in days: enough to see a season, short enough to answer
/// while the operator waits.
pub const MAX_DAYS: i64 = 90;

/// The window's length, 1 to [`MAX_DAYS`] days.
pub fn window_days(days: i64) -> Result<i64, ValidationError> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(ValidationError::new(
            "days",
            "invalid_days",
            format!("must be a whole number of days from 1 to {MAX_DAYS}"),
        ))
    }
}

/// What is left of `points` earned on a line of `quantity` units once `refunded` of them came
/// back. Refunds reverse a line's records in proportion to the units returned, rounded down at
/// each refund so that together they reverse `⌊points × refunded ÷ quantity⌋`; this is what the
/// same refunds would have left of the simulated rule's points.
pub fn net_of_refunds(points: i64, quantity: i64, refunded: i64) -> i64 {
    if quantity <= 0 || refunded <= 0 {
        return points;
    }
    points - prorate(points, refunded.min(quantity), quantity)
}

/// The tier a member had at `at_ms`, from their tier records as (effective from, tier), oldest
/// first: the last record that took effect strictly before the order. An order that moved the
/// member up was earned in the tier it left, and its upgrade record takes effect at the order's
/// own time, hence "strictly". An order older than every record (orders loaded after the member
/// joined) takes the member's first tier.
pub fn tier_at(history: &[(i64, String)], at_ms: i64) -> Option<&str> {
    history
        .iter()
        .rev()
        .find(|(from, _)| *from < at_ms)
        .or_else(|| history.first())
        .map(|(_, tier)| tier.as_str())
}

/// One order's part in the simulation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderOutcome {
    /// The store's id.
    pub store: String,
    /// Whether the rule fired on at least one line.
    pub fired: bool,
    /// What the rule would have issued for the order, net of its refunds.
    pub draft_points: i64,
    /// What the order's records issued (transaction points less their reversals), per the
    /// cost center on the records (`None`: a record without one).
    pub current: Vec<(Option<String>, i64)>,
}

/// A store's totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreTotals {
    pub orders: i64,
    pub fired_orders: i64,
    pub current_points: i64,
    pub draft_points: i64,
}

/// A cost center's totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CenterTotals {
    pub current_points: i64,
    pub draft_points: i64,
}

/// The running totals of a simulation. Stores and cost centers are keyed by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// The rule's cost center: all its points go there.
    pub draft_center: Option<String>,
    pub orders: i64,
    pub fired_orders: i64,
    pub current_points: i64,
    pub draft_points: i64,
    pub stores: BTreeMap<String, StoreTotals>,
    pub centers: BTreeMap<Option<String>, CenterTotals>,
}

impl Tally {
    /// Empty totals; the rule's cost center is listed even if the rule never fires.
    pub fn new(draft_center: Option<String>) -> Self {
        let mut centers = BTreeMap::new();
        centers.insert(draft_center.clone(), CenterTotals::default());
        Self {
            draft_center,
            centers,
            ..Self::default()
        }
    }

    pub fn add(&mut self, o: OrderOutcome) {
        let current: i64 = o.current.iter().map(|(_, p)| p).sum();
        let fired = i64::from(o.fired);
        self.orders += 1;
        self.fired_orders += fired;
        self.current_points += current;
        self.draft_points += o.draft_points;
        let store = self.stores.entry(o.store).or_default();
        store.orders += 1;
        store.fired_orders += fired;
        store.current_points += current;
        store.draft_points += o.draft_points;
        for (center, points) in o.current {
            self.centers.entry(center).or_default().current_points += points;
        }
        self.centers
            .entry(self.draft_center.clone())
            .or_default()
            .draft_points += o.draft_points;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_one_to_ninety_days() {
        assert_eq!(window_days(1), Ok(1));
        assert_eq!(window_days(90), Ok(90));
        for bad in [0, -1, 91, i64::MAX] {
            let e = window_days(bad).unwrap_err();
            assert_eq!((e.field, e.code), ("days", "invalid_days"));
        }
    }

    #[test]
    fn refunds_take_their_share_of_the_units() {
        assert_eq!(net_of_refunds(100, 3, 0), 100);
        // One of three units back: ⌊100 / 3⌋ = 33 reversed.
        assert_eq!(net_of_refunds(100, 3, 1), 67);
        assert_eq!(net_of_refunds(100, 3, 3), 0);
        assert_eq!(net_of_refunds(100, 3, 5), 0, "never more than the line");
        assert_eq!(net_of_refunds(100, 0, 1), 100, "a line without units");
        // Two refunds of one unit reverse ⌊200/3⌋ together, as the engine's parts do.
        let part = |before: i64, q: i64| prorate(100, before + q, 3) - prorate(100, before, 3);
        assert_eq!(100 - part(0, 1) - part(1, 1), net_of_refunds(100, 3, 2));
    }

    #[test]
    fn the_tier_at_an_order_is_the_last_one_before_it() {
        let h = vec![(100, "base".to_string()), (200, "gold".to_string())];
        assert_eq!(tier_at(&h, 150), Some("base"));
        assert_eq!(tier_at(&h, 200), Some("base"), "the upgrading order itself");
        assert_eq!(tier_at(&h, 201), Some("gold"));
        assert_eq!(tier_at(&h, 50), Some("base"), "before the first record");
        assert_eq!(tier_at(&[], 50), None);
    }

    #[test]
    fn totals_by_store_and_cost_center() {
        let mut t = Tally::new(Some("promo".into()));
        assert_eq!(
            t.centers.len(),
            1,
            "the rule's cost center, before any order"
        );
        t.add(OrderOutcome {
            store: "s1".into(),
            fired: true,
            draft_points: 20,
            current: vec![(Some("marketing".into()), 10), (None, 2)],
        });
        t.add(OrderOutcome {
            store: "s2".into(),
            fired: false,
            draft_points: 0,
            current: vec![(Some("marketing".into()), 5)],
        });
        assert_eq!(
            (t.orders, t.fired_orders, t.current_points, t.draft_points),
            (2, 1, 17, 20)
        );
        assert_eq!(
            t.stores["s1"],
            StoreTotals {
                orders: 1,
                fired_orders: 1,
                current_points: 12,
                draft_points: 20
            }
        );
        assert_eq!(t.stores["s2"].current_points, 5);
        assert_eq!(
            t.centers[&Some("marketing".to_string())],
            CenterTotals {
                current_points: 15,
                draft_points: 0
            }
        );
        assert_eq!(t.centers[&None].current_points, 2);
        assert_eq!(t.centers[&Some("promo".to_string())].draft_points, 20);
    }
}
