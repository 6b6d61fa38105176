//! One point account as the ledger sees it: its balances, the earning records with points
//! remaining, and any debt. Each operation returns the record to write (type, signed change)
//! with its relations, and updates the state the same way the store will; the application loads
//! the state, calls one operation and writes what it returns in one transaction.
//!
//! Invariants (property-tested below): `available = Σ change`; `available = Σ remaining − debt`;
//! no remaining balance is negative or above its record's value; a required deduction never
//! overdraws.

use super::account::Balances;
use super::fifo::{allocate, allocate_all, Allocation, Earning, Shortfall};
use super::operation::{Direction, Operation};

/// A deduction not covered by any earning (a refund's reversal larger than what is left): it
/// stays visible and is paid back from the next points earned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debt<Id> {
    pub record: Id,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger<Id> {
    pub balances: Balances,
    /// Increase records with points remaining.
    pub earnings: Vec<Earning<Id>>,
    pub debts: Vec<Debt<Id>>,
}

/// What an operation writes: one record and its relations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting<Id> {
    pub record: Id,
    pub operation: Operation,
    /// Signed: negative for decreases.
    pub change: i64,
    /// For a decrease: the sources it was taken from.
    pub taken_from: Vec<Allocation<Id>>,
    /// For a decrease: the part no source covered (now debt).
    pub uncovered: i64,
    /// For an increase: debts it paid back, as (debt record, points).
    pub repaid: Vec<Allocation<Id>>,
}

impl<Id: Clone + PartialEq> Default for Ledger<Id> {
    fn default() -> Self {
        Self {
            balances: Balances::default(),
            earnings: Vec::new(),
            debts: Vec::new(),
        }
    }
}

impl<Id: Clone + PartialEq> Ledger<Id> {
    pub fn debt(&self) -> i64 {
        self.debts.iter().map(|d| d.points).sum()
    }

    /// An increase record (`op` must be an increase type) of `points` > 0. Debts are paid back
    /// first; the rest remains to be spent.
    pub fn earn(
        &mut self,
        record: Id,
        op: Operation,
        points: i64,
        expires_at_ms: Option<i64>,
        at_ms: i64,
    ) -> Posting<Id> {
        debug_assert_eq!(op.direction(), Direction::Increase);
        let mut left = points;
        let mut repaid = Vec::new();
        for d in &mut self.debts {
            if left == 0 {
                break;
            }
            let pay = d.points.min(left);
            d.points -= pay;
            left -= pay;
            repaid.push(Allocation {
                source: d.record.clone(),
                points: pay,
            });
        }
        self.debts.retain(|d| d.points > 0);
        if left > 0 {
            self.earnings.push(Earning {
                id: record.clone(),
                remaining: left,
                expires_at_ms,
                created_at_ms: at_ms,
            });
        }
        self.balances = self.balances.apply(op, points);
        Posting {
            record,
            operation: op,
            change: points,
            taken_from: Vec::new(),
            uncovered: 0,
            repaid,
        }
    }

    /// A deduction that must be covered in full from what is available now (a redemption, a
    /// manual or behaviour decrease): refused, changing nothing, when it cannot be.
    pub fn spend(
        &mut self,
        record: Id,
        op: Operation,
        points: i64,
        at_ms: i64,
    ) -> Result<Posting<Id>, Shortfall> {
        debug_assert_eq!(op.direction(), Direction::Decrease);
        let spendable = self.balances.available.min(self.spendable(at_ms));
        if points > spendable {
            return Err(Shortfall {
                wanted: points,
                available: spendable.max(0),
            });
        }
        let taken = allocate_all(points, at_ms, &self.earnings)?;
        self.take(&taken);
        self.balances = self.balances.apply(op, -points);
        Ok(Posting {
            record,
            operation: op,
            change: -points,
            taken_from: taken,
            uncovered: 0,
            repaid: Vec::new(),
        })
    }

    /// A refund's reversal of `points`: from the order's own earning records first (`order`,
    /// ids of this account's records), then FIFO; what nothing covers becomes debt.
    pub fn reverse(&mut self, record: Id, points: i64, order: &[Id], at_ms: i64) -> Posting<Id> {
        let preferred: Vec<Earning<Id>> = order
            .iter()
            .filter_map(|id| self.earnings.iter().find(|e| &e.id == id).cloned())
            .collect();
        let (taken, uncovered) = allocate(points, at_ms, &preferred, &self.earnings);
        self.take(&taken);
        if uncovered > 0 {
            self.debts.push(Debt {
                record: record.clone(),
                points: uncovered,
            });
        }
        self.balances = self.balances.apply(Operation::ReturnReversal, -points);
        Posting {
            record,
            operation: Operation::ReturnReversal,
            change: -points,
            taken_from: taken,
            uncovered,
            repaid: Vec::new(),
        }
    }

    /// Expiry records for every earning whose expiry is before `at_ms`, each taking exactly
    /// its own remaining points. `new_id` names each new record.
    pub fn expire(&mut self, at_ms: i64, mut new_id: impl FnMut() -> Id) -> Vec<Posting<Id>> {
        let due: Vec<Earning<Id>> = self
            .earnings
            .iter()
            .filter(|e| e.remaining > 0 && e.expires_at_ms.is_some_and(|x| x < at_ms))
            .cloned()
            .collect();
        let mut out = Vec::new();
        for e in due {
            let taken = vec![Allocation {
                source: e.id.clone(),
                points: e.remaining,
            }];
            self.take(&taken);
            self.balances = self.balances.apply(Operation::Expiry, -e.remaining);
            out.push(Posting {
                record: new_id(),
                operation: Operation::Expiry,
                change: -e.remaining,
                taken_from: taken,
                uncovered: 0,
                repaid: Vec::new(),
            });
        }
        out
    }

    /// Points spendable at `at_ms`: the unexpired remaining balances less any debt.
    pub fn spendable(&self, at_ms: i64) -> i64 {
        self.earnings
            .iter()
            .filter(|e| e.expires_at_ms.is_none_or(|x| x >= at_ms))
            .map(|e| e.remaining)
            .sum::<i64>()
            - self.debt()
    }

    fn take(&mut self, taken: &[Allocation<Id>]) {
        for a in taken {
            if let Some(e) = self.earnings.iter_mut().find(|e| e.id == a.source) {
                e.remaining -= a.points;
            }
        }
        self.earnings.retain(|e| e.remaining > 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    const DAY: i64 = 86_400_000;

    #[test]
    fn a_refund_larger_than_what_is_left_becomes_debt_and_is_paid_back() {
        let mut l: Ledger<u32> = Ledger::default();
        l.earn(1, Operation::Transaction, 500, Some(365 * DAY), 0);
        l.spend(2, Operation::RedeemGift, 450, DAY).unwrap();
        // The order's 500 points are reversed; only 50 are left.
        let p = l.reverse(3, 500, &[1], 2 * DAY);
        assert_eq!(
            (p.taken_from.clone(), p.uncovered),
            (
                vec![Allocation {
                    source: 1,
                    points: 50
                }],
                450
            )
        );
        assert_eq!((l.balances.available, l.debt()), (-450, 450));
        // Nothing can be spent while in debt.
        assert_eq!(
            l.spend(4, Operation::RedeemGift, 1, 3 * DAY)
                .unwrap_err()
                .available,
            0
        );
        // The next 600 points pay the 450 back first.
        let p = l.earn(5, Operation::Transaction, 600, Some(400 * DAY), 3 * DAY);
        assert_eq!(
            p.repaid,
            vec![Allocation {
                source: 3,
                points: 450
            }]
        );
        assert_eq!(
            (l.balances.available, l.debt(), l.spendable(3 * DAY)),
            (150, 0, 150)
        );
        assert_eq!(l.balances.accumulated, 600);
    }

    /// One step of a random history.
    #[derive(Debug, Clone)]
    enum Step {
        Earn(Operation, i64, i64),
        Spend(Operation, i64),
        Reverse(i64),
        Expire,
        Wait(i64),
    }

    fn step() -> impl Strategy<Value = Step> {
        let earn_ops = prop::sample::select(vec![
            Operation::Transaction,
            Operation::TransactionPromotion,
            Operation::ManualIncrease,
            Operation::BehaviorIncrease,
            Operation::RedemptionCancelReturn,
        ]);
        let spend_ops = prop::sample::select(vec![
            Operation::RedeemGift,
            Operation::RedeemCoupon,
            Operation::ManualDecrease,
            Operation::BehaviorDecrease,
        ]);
        prop_oneof![
            (earn_ops, 1i64..2_000, 1i64..400).prop_map(|(o, p, d)| Step::Earn(o, p, d)),
            (spend_ops, 1i64..3_000).prop_map(|(o, p)| Step::Spend(o, p)),
            (1i64..1_500).prop_map(Step::Reverse),
            Just(Step::Expire),
            (1i64..120).prop_map(Step::Wait),
        ]
    }

    proptest! {
        #[test]
        fn the_ledger_keeps_its_invariants(steps in prop::collection::vec(step(), 1..80)) {
            let mut l: Ledger<u32> = Ledger::default();
            let mut now = 0i64;
            let mut next = 0u32;
            let mut value: HashMap<u32, i64> = HashMap::new();
            let mut records: Vec<(Operation, i64)> = Vec::new();
            let mut consumed: HashMap<u32, i64> = HashMap::new();
            for s in steps {
                next += 1;
                match s {
                    Step::Earn(op, p, days) => {
                        let posting = l.earn(next, op, p, Some(now + days * DAY), now);
                        value.insert(next, p);
                        records.push((op, posting.change));
                        let repaid: i64 = posting.repaid.iter().map(|a| a.points).sum();
                        prop_assert!(repaid <= p);
                    }
                    Step::Spend(op, p) => {
                        let before = l.clone();
                        match l.spend(next, op, p, now) {
                            Ok(posting) => {
                                prop_assert_eq!(posting.taken_from.iter().map(|a| a.points).sum::<i64>(), p);
                                for a in &posting.taken_from { *consumed.entry(a.source).or_default() += a.points; }
                                records.push((op, posting.change));
                                prop_assert!(l.balances.available >= 0, "a required deduction overdrew");
                            }
                            Err(_) => prop_assert_eq!(&l, &before, "a refused deduction changed the ledger"),
                        }
                    }
                    Step::Reverse(p) => {
                        let posting = l.reverse(next, p, &[], now);
                        prop_assert_eq!(posting.taken_from.iter().map(|a| a.points).sum::<i64>() + posting.uncovered, p);
                        for a in &posting.taken_from { *consumed.entry(a.source).or_default() += a.points; }
                        records.push((Operation::ReturnReversal, posting.change));
                    }
                    Step::Expire => {
                        for posting in l.expire(now, || { next += 1; next }) {
                            for a in &posting.taken_from { *consumed.entry(a.source).or_default() += a.points; }
                            records.push((Operation::Expiry, posting.change));
                        }
                    }
                    Step::Wait(days) => now += days * DAY,
                }
                prop_assert_eq!(l.balances, Balances::of(&records));
                let remaining: i64 = l.earnings.iter().map(|e| e.remaining).sum();
                prop_assert_eq!(l.balances.available, remaining - l.debt());
                for e in &l.earnings {
                    prop_assert!(e.remaining > 0 && e.remaining <= value[&e.id]);
                }
                for (id, c) in &consumed {
                    prop_assert!(*c <= value[id], "record {} consumed beyond its value", id);
                }
            }
        }
    }
}
