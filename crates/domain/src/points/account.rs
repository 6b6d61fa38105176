//! A point account's balances and how records move them (§10.5).

use super::operation::Operation;

/// Accumulated, available and expired points of one account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balances {
    pub accumulated: i64,
    pub available: i64,
    pub expired: i64,
}

impl Balances {
    /// The balances after a record of `op` with signed `change` (negative for decreases):
    /// `available` takes every record, `accumulated` the types of §10.3 it counts, `expired`
    /// the magnitude of expiries.
    pub fn apply(self, op: Operation, change: i64) -> Self {
        Self {
            accumulated: self.accumulated + if op.in_accumulated() { change } else { 0 },
            available: self.available + change,
            expired: self.expired + if op == Operation::Expiry { -change } else { 0 },
        }
    }

    /// The balances of a sequence of records, from nothing.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a (Operation, i64)>) -> Self {
        records
            .into_iter()
            .fold(Self::default(), |b, (op, change)| b.apply(*op, *change))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Operation::*;

    #[test]
    fn card_1000000175_eight_transactions() {
        let records: Vec<(Operation, i64)> = [1000, 2000, 2000, 2000, 400, 400, 400, 400]
            .into_iter()
            .map(|p| (Transaction, p))
            .collect();
        assert_eq!(
            Balances::of(&records),
            Balances {
                accumulated: 8600,
                available: 8600,
                expired: 0
            }
        );
    }

    #[test]
    fn card_1000000176_a_transaction_and_its_return() {
        let records = [(Transaction, 500), (ReturnReversal, -500)];
        assert_eq!(Balances::of(&records), Balances::default());
    }

    #[test]
    fn the_fifo_example_and_the_expiry_example() {
        // §10.6: 200 + 300 + 500 earned, 400 redeemed for a coupon.
        let records = [
            (Transaction, 200),
            (Transaction, 300),
            (BehaviorIncrease, 500),
            (RedeemCoupon, -400),
        ];
        assert_eq!(
            Balances::of(&records),
            Balances {
                accumulated: 1000,
                available: 600,
                expired: 0
            }
        );
        // §10.7: 30 earned, then expired.
        let records = [(Transaction, 30), (Expiry, -30)];
        assert_eq!(
            Balances::of(&records),
            Balances {
                accumulated: 30,
                available: 0,
                expired: 30
            }
        );
        // A behaviour deduction is consumption: it leaves accumulated alone.
        let records = [
            (BehaviorIncrease, 100),
            (BehaviorDecrease, -40),
            (ManualDecrease, -10),
        ];
        assert_eq!(
            Balances::of(&records),
            Balances {
                accumulated: 90,
                available: 50,
                expired: 0
            }
        );
    }

    fn any_record() -> impl Strategy<Value = (Operation, i64)> {
        (0usize..11, 1i64..10_000).prop_map(|(i, m)| {
            let op = Operation::ALL[i];
            (op, op.signed(m))
        })
    }

    proptest! {
        /// The manual's formulas, term by term, and the derived identity of §10.5.
        #[test]
        fn balances_follow_the_formulas(records in proptest::collection::vec(any_record(), 0..60)) {
            let b = Balances::of(&records);
            let sum = |ops: &[Operation]| -> i64 {
                records.iter().filter(|(o, _)| ops.contains(o)).map(|(_, c)| c.abs()).sum()
            };
            let accumulated = sum(&[Transaction, TransactionPromotion, ManualIncrease, BehaviorIncrease])
                - sum(&[ManualDecrease, ReturnReversal]);
            let available = accumulated - sum(&[BehaviorDecrease, RedeemGift, RedeemCoupon])
                + sum(&[RedemptionCancelReturn]) - sum(&[Expiry]);
            prop_assert_eq!(b.accumulated, accumulated);
            prop_assert_eq!(b.available, available);
            prop_assert_eq!(b.expired, sum(&[Expiry]));
            prop_assert_eq!(b.available, records.iter().map(|(_, c)| c).sum::<i64>());
        }
    }
}
