//! Store ports for base point rules.

use crate::error::AppResult;
use crate::model::{ListQuery, Page};
use crate::point_rules::model::StoredPointRule;
use async_trait::async_trait;
use patron_domain::ids::TenantId;
use patron_domain::points::rule::RuleStatus;

#[async_trait]
pub trait PointRulesReads: Send {
    async fn point_rule(&mut self, t: TenantId, id: &str) -> AppResult<Option<StoredPointRule>>;
    /// The programme's rule of this name (names are unique in a programme).
    async fn point_rule_named(
        &mut self,
        t: TenantId,
        program_id: &str,
        name: &str,
    ) -> AppResult<Option<StoredPointRule>>;
    /// The tenant's rules (all programs), newest first, optionally of one status.
    async fn point_rules(
        &mut self,
        t: TenantId,
        status: Option<RuleStatus>,
        q: &ListQuery,
    ) -> AppResult<Page<StoredPointRule>>;
    /// Every rule of a program in a status, oldest first (the order they fire in). A program has
    /// tens of rules, not thousands.
    async fn point_rules_of(
        &mut self,
        t: TenantId,
        program_id: &str,
        status: RuleStatus,
    ) -> AppResult<Vec<StoredPointRule>>;
}

#[async_trait]
pub trait PointRulesWrites: Send {
    async fn insert_point_rule(&mut self, r: &StoredPointRule) -> AppResult<()>;
    /// Replaces every field but the tenant, id, program and creation time.
    async fn update_point_rule(&mut self, r: &StoredPointRule) -> AppResult<()>;
}
