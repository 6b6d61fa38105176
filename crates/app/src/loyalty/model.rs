//! The records of the loyalty configuration.

use patron_domain::ids::{CostCenterId, PointGroupId, ProgramId, TenantId, TierId, TierRuleId};
use patron_domain::loyalty::rule::{Condition, Range};
use patron_domain::loyalty::tier::Validity;

/// A loyalty program (忠诚度计划): the frame of every other record here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub tenant_id: TenantId,
    pub id: ProgramId,
    pub code: String,
    pub name: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A point group (积分组): one point account per member per group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointGroup {
    pub tenant_id: TenantId,
    pub id: PointGroupId,
    pub program_id: ProgramId,
    pub code: String,
    pub name: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A cost center (成本中心): what point and coupon costs are reported against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostCenter {
    pub tenant_id: TenantId,
    pub id: CostCenterId,
    pub program_id: ProgramId,
    pub code: String,
    pub name: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A tier (等级).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub tenant_id: TenantId,
    pub id: TierId,
    pub program_id: ProgramId,
    pub code: String,
    pub name: String,
    /// Higher is better; unique in the program.
    pub rank: i64,
    pub is_base: bool,
    pub validity: Validity,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A tier up/down rule (等级升降级规则). `range` is in the condition's minor unit: points,
/// fen or orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierRule {
    pub tenant_id: TenantId,
    pub id: TierRuleId,
    pub program_id: ProgramId,
    pub name: String,
    pub tier_id: TierId,
    /// Set for accumulated-points rules only.
    pub point_group_id: Option<PointGroupId>,
    pub condition: Condition,
    pub window_days: i64,
    pub range: Range,
    pub enabled: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// What still refers to a configuration record, to refuse deleting it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub point_groups: u64,
    pub cost_centers: u64,
    pub tiers: u64,
    pub tier_rules: u64,
    pub members: u64,
    pub point_accounts: u64,
    pub tier_records: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.point_groups
            + self.cost_centers
            + self.tiers
            + self.tier_rules
            + self.members
            + self.point_accounts
            + self.tier_records
    }
}
