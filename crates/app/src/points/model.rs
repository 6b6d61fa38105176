//! Point records and relations as stored (loyalty-core §10.4, §10.6).

use patron_domain::ids::{CustomerId, MemberId, TenantId};
use patron_domain::points::Operation;

/// One append-only ledger entry of a point account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointRecord {
    pub tenant_id: TenantId,
    pub id: String,
    pub account_id: String,
    pub member_id: MemberId,
    pub customer_id: CustomerId,
    pub point_group_id: String,
    pub operation: Operation,
    /// Signed: negative for decreases.
    pub change: i64,
    /// Increase records: the points not yet consumed, expired or reversed.
    pub remaining: Option<i64>,
    /// Decrease records: the part no earning covered, not yet paid back.
    pub debt: i64,
    pub effective_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub counts_for_upgrade: bool,
    pub source_channel: Option<String>,
    pub point_rule_id: Option<String>,
    pub cost_center_id: Option<String>,
    pub order_id: Option<String>,
    pub order_line_id: Option<String>,
    pub reason: Option<String>,
    /// A redemption-cancellation return: the redemption it gives points back for.
    pub cancels_record_id: Option<String>,
    pub created_by: String,
    pub created_at_ms: i64,
}

/// A stored figure that its records contradict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    pub tenant_id: TenantId,
    /// `point_account` or `point_record`.
    pub kind: &'static str,
    pub id: String,
    /// `accumulated`, `available`, `expired`, `remaining` or `debt`.
    pub field: &'static str,
    pub stored: i64,
    pub from_records: i64,
}

/// Points of `source_record_id` taken by `target_record_id` (a deduction and an earning it was
/// taken from; or a debt and the earning that paid it back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointRelation {
    pub tenant_id: TenantId,
    pub id: String,
    pub target_record_id: String,
    pub source_record_id: String,
    pub points: i64,
    pub created_at_ms: i64,
}
