//! The eleven point operation types (§10.3) and which balances each moves.

use crate::ValidationError;

/// Whether a record adds points or takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Increase,
    Decrease,
}

/// A point record's operation type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    Transaction,
    TransactionPromotion,
    ManualIncrease,
    ManualDecrease,
    RedeemGift,
    RedeemCoupon,
    BehaviorIncrease,
    BehaviorDecrease,
    ReturnReversal,
    RedemptionCancelReturn,
    Expiry,
}

impl Operation {
    pub const ALL: [Operation; 11] = [
        Self::Transaction,
        Self::TransactionPromotion,
        Self::ManualIncrease,
        Self::ManualDecrease,
        Self::RedeemGift,
        Self::RedeemCoupon,
        Self::BehaviorIncrease,
        Self::BehaviorDecrease,
        Self::ReturnReversal,
        Self::RedemptionCancelReturn,
        Self::Expiry,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Transaction => "transaction",
            Self::TransactionPromotion => "transaction_promotion",
            Self::ManualIncrease => "manual_increase",
            Self::ManualDecrease => "manual_decrease",
            Self::RedeemGift => "redeem_gift",
            Self::RedeemCoupon => "redeem_coupon",
            Self::BehaviorIncrease => "behavior_increase",
            Self::BehaviorDecrease => "behavior_decrease",
            Self::ReturnReversal => "return_reversal",
            Self::RedemptionCancelReturn => "redemption_cancel_return",
            Self::Expiry => "expiry",
        }
    }

    /// The manual's label, used as the record's name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Transaction => "交易积分",
            Self::TransactionPromotion => "交易促销积分",
            Self::ManualIncrease => "人工积分调整增加",
            Self::ManualDecrease => "人工积分调整积分减少",
            Self::RedeemGift => "积分兑换礼品",
            Self::RedeemCoupon => "积分兑换优惠券",
            Self::BehaviorIncrease => "行为增加积分",
            Self::BehaviorDecrease => "行为减少积分",
            Self::ReturnReversal => "退货积分冲销",
            Self::RedemptionCancelReturn => "积分兑换取消积分返回",
            Self::Expiry => "积分过期",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|o| o.code() == raw.trim())
            .ok_or_else(|| {
                ValidationError::new(
                    "operation",
                    "unknown_operation",
                    format!("'{}' is not a point operation type", raw.trim()),
                )
            })
    }

    pub fn direction(self) -> Direction {
        match self {
            Self::Transaction
            | Self::TransactionPromotion
            | Self::ManualIncrease
            | Self::BehaviorIncrease
            | Self::RedemptionCancelReturn => Direction::Increase,
            _ => Direction::Decrease,
        }
    }

    /// Counted in `accumulated` (§10.5): lifetime earned, net of corrections and returns.
    /// Redemptions, their cancellation, behaviour deductions and expiry are not.
    pub fn in_accumulated(self) -> bool {
        matches!(
            self,
            Self::Transaction
                | Self::TransactionPromotion
                | Self::ManualIncrease
                | Self::ManualDecrease
                | Self::BehaviorIncrease
                | Self::ReturnReversal
        )
    }

    /// Counted in the tier retention counters when the record counts for upgrade (§10.3).
    pub fn in_retention(self) -> bool {
        self.in_accumulated()
    }

    /// The signed change of a record of this type moving `magnitude` points.
    pub fn signed(self, magnitude: i64) -> i64 {
        match self.direction() {
            Direction::Increase => magnitude,
            Direction::Decrease => -magnitude,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_section_10_3() {
        use Operation::*;
        // (type, direction +, in accumulated) straight from the table.
        let table = [
            (Transaction, true, true),
            (TransactionPromotion, true, true),
            (ManualIncrease, true, true),
            (ManualDecrease, false, true),
            (RedeemGift, false, false),
            (RedeemCoupon, false, false),
            (BehaviorIncrease, true, true),
            (BehaviorDecrease, false, false),
            (ReturnReversal, false, true),
            (RedemptionCancelReturn, true, false),
            (Expiry, false, false),
        ];
        for (op, plus, acc) in table {
            assert_eq!(op.direction() == Direction::Increase, plus, "{op:?}");
            assert_eq!(op.in_accumulated(), acc, "{op:?}");
            assert_eq!(Operation::parse(op.code()).unwrap(), op);
        }
        assert_eq!(
            Operation::parse("gift").unwrap_err().code,
            "unknown_operation"
        );
    }
}
