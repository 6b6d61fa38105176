//! Coupon rules, coupons and transfers as the store keeps them.

use patron_domain::coupons::rule::Terms;
use patron_domain::coupons::rule_input::RuleSpec;
use patron_domain::coupons::status::{
    ApprovalStatus, CouponSource, CouponStatus, RuleState, RuleStatus, TransferStatus,
};
use patron_domain::coupons::validity::Window;
use patron_domain::ids::TenantId;

/// A coupon rule (§11.2) with its two states and its stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponRule {
    pub tenant_id: TenantId,
    pub id: String,
    /// `YYYYMMDD` + 5 digits, e.g. `2021060900005`.
    pub rule_no: String,
    pub spec: RuleSpec,
    pub approval: ApprovalStatus,
    pub status: RuleStatus,
    /// Coupons handed out so far: remaining = total stock − issued.
    pub issued: i64,
    /// Who wrote the rule (a user's login name or a key's name).
    pub created_by: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl CouponRule {
    pub fn state(&self) -> RuleState {
        RuleState {
            approval: self.approval,
            status: self.status,
            issued: self.issued,
        }
    }

    pub fn set_state(&mut self, s: RuleState) {
        self.approval = s.approval;
        self.status = s.status;
    }

    pub fn terms(&self) -> &Terms {
        &self.spec.terms
    }

    pub fn remaining(&self) -> i64 {
        self.spec.total_stock - self.issued
    }
}

/// Filters of the rule list (§11.2 "List").
#[derive(Debug, Clone, Default)]
pub struct RuleFilter {
    pub coupon_type: Option<String>,
    pub status: Option<RuleStatus>,
    pub approval: Option<ApprovalStatus>,
}

/// One approval step (§11.5 tab 5): `submitted`, `approved` or `rejected`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRecord {
    pub id: String,
    pub rule_id: String,
    pub decision: String,
    pub actor: String,
    pub comment: String,
    pub at_ms: i64,
}

/// Stock added to a published rule (§11.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuanceRecord {
    pub id: String,
    pub rule_id: String,
    pub quantity: i64,
    pub cost_fen: i64,
    pub reason: String,
    pub actor: String,
    pub at_ms: i64,
}

/// What an order did with a coupon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub used_at_ms: i64,
    pub order_id: String,
    pub order_paid_fen: i64,
    pub deduction_fen: i64,
    /// The order was the customer's first purchase (a "new customer", §11.5).
    pub first_purchase: bool,
}

/// A coupon (§11.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    pub tenant_id: TenantId,
    pub id: String,
    pub code: String,
    pub rule_id: String,
    pub customer_id: String,
    pub status: CouponStatus,
    pub source: CouponSource,
    pub campaign: Option<String>,
    pub window: Window,
    pub issued_at_ms: i64,
    /// The points redemption that bought it.
    pub redemption_id: Option<String>,
    pub usage: Option<Usage>,
    pub updated_at_ms: i64,
}

/// A coupon's change of state, made only from `from` (the state the use case read): to `to`,
/// optionally to a new holder and window; its usage is cleared when it goes from used back to
/// issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move<'a> {
    pub id: &'a str,
    pub from: CouponStatus,
    pub to: CouponStatus,
    pub owner: Option<&'a str>,
    pub window: Option<Window>,
}

/// Filters of the coupon list.
#[derive(Debug, Clone, Default)]
pub struct CouponFilter {
    pub rule_id: Option<String>,
    pub customer_id: Option<String>,
    pub status: Option<CouponStatus>,
    /// An exact code.
    pub code: Option<String>,
}

/// One step of a transfer's status log (§11.7).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransferStep {
    pub at_ms: i64,
    /// `initiate`, `accept` or `lapse`.
    pub scene: String,
    pub from: String,
    pub to: String,
}

/// A transfer of a coupon to a friend (§11.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub tenant_id: TenantId,
    pub id: String,
    pub coupon_id: String,
    pub rule_id: String,
    pub giver_id: String,
    pub receiver_id: Option<String>,
    pub status: TransferStatus,
    pub started_at_ms: i64,
    pub expires_at_ms: i64,
    pub received_at_ms: Option<i64>,
    pub log: Vec<TransferStep>,
}

/// Filters of the transfer list.
#[derive(Debug, Clone, Default)]
pub struct TransferFilter {
    pub status: Option<TransferStatus>,
    pub giver_id: Option<String>,
    pub coupon_id: Option<String>,
}

/// The cumulative effect of a rule (§11.5 tab 2), before derived figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleTotals {
    /// People who received or claimed a coupon of the rule.
    pub claimers: i64,
    /// People who used one.
    pub users: i64,
    /// Users whose order with the coupon was their first purchase.
    pub new_customers: i64,
    pub old_customers: i64,
    /// Net paid amount of the orders that used the rule's coupons.
    pub order_total_fen: i64,
    /// What the used coupons took off.
    pub deduction_fen: i64,
    pub used: i64,
}
