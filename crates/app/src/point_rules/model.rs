//! A base point rule as the store keeps it.

use patron_domain::ids::TenantId;
use patron_domain::loyalty::tier::Validity;
use patron_domain::points::rule::{Award, PointRule, RuleStatus, Scope};

/// A base point rule (§10.1). Scope lists hold tier ids and store, product, category and payment
/// method codes (the codes orders carry); empty means all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPointRule {
    pub tenant_id: TenantId,
    pub id: String,
    pub program_id: String,
    pub name: String,
    pub point_group_id: String,
    pub cost_center_id: Option<String>,
    pub award: Award,
    pub counts_for_upgrade: bool,
    pub validity: Validity,
    pub scope: Scope,
    pub status: RuleStatus,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl StoredPointRule {
    /// The rule as the points engine applies it.
    pub fn rule(&self) -> PointRule<String> {
        PointRule {
            id: self.id.clone(),
            point_group: self.point_group_id.clone(),
            cost_center: self.cost_center_id.clone(),
            award: self.award,
            counts_for_upgrade: self.counts_for_upgrade,
            validity: self.validity,
            scope: self.scope.clone(),
        }
    }
}
