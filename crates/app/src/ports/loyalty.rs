//! Store ports for programs, point groups, cost centers, tiers and tier rules. Every read is
//! scoped to a tenant; lists of a program's records are scoped to the program too.

use crate::error::AppResult;
use crate::loyalty::model::{CostCenter, PointGroup, Program, Tier, TierRule, Usage};
use crate::model::{ListQuery, Page};
use async_trait::async_trait;
use patron_domain::ids::{CostCenterId, PointGroupId, ProgramId, TenantId, TierId, TierRuleId};

/// Reads of programs, point groups, cost centers, tiers and tier rules.
#[async_trait]
pub trait LoyaltyReads: Send {
    async fn program(&mut self, t: TenantId, id: ProgramId) -> AppResult<Option<Program>>;
    async fn program_by_code(&mut self, t: TenantId, code: &str) -> AppResult<Option<Program>>;
    async fn programs(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<Program>>;
    /// Every program of the tenant, oldest first (a tenant has a handful).
    async fn all_programs(&mut self, t: TenantId) -> AppResult<Vec<Program>>;
    /// The program's point groups, cost centers, tiers, rules and members.
    async fn program_usage(&mut self, t: TenantId, id: ProgramId) -> AppResult<Usage>;

    async fn point_group(&mut self, t: TenantId, id: PointGroupId)
        -> AppResult<Option<PointGroup>>;
    async fn point_groups(
        &mut self,
        t: TenantId,
        program: ProgramId,
        q: &ListQuery,
    ) -> AppResult<Page<PointGroup>>;
    /// Every point group of the program, oldest first: one point account each at enrolment.
    async fn point_groups_of(
        &mut self,
        t: TenantId,
        program: ProgramId,
    ) -> AppResult<Vec<PointGroup>>;
    /// The rules and point accounts of the group.
    async fn point_group_usage(&mut self, t: TenantId, id: PointGroupId) -> AppResult<Usage>;

    async fn cost_center(&mut self, t: TenantId, id: CostCenterId)
        -> AppResult<Option<CostCenter>>;
    async fn cost_centers(
        &mut self,
        t: TenantId,
        program: ProgramId,
        q: &ListQuery,
    ) -> AppResult<Page<CostCenter>>;
    async fn cost_centers_of(
        &mut self,
        t: TenantId,
        program: ProgramId,
    ) -> AppResult<Vec<CostCenter>>;

    async fn tier(&mut self, t: TenantId, id: TierId) -> AppResult<Option<Tier>>;
    async fn tiers(
        &mut self,
        t: TenantId,
        program: ProgramId,
        q: &ListQuery,
    ) -> AppResult<Page<Tier>>;
    /// Every tier of the program, by rank.
    async fn tiers_of(&mut self, t: TenantId, program: ProgramId) -> AppResult<Vec<Tier>>;
    /// The tier given at enrolment.
    async fn base_tier(&mut self, t: TenantId, program: ProgramId) -> AppResult<Option<Tier>>;
    /// The rules and tier records of the tier.
    async fn tier_usage(&mut self, t: TenantId, id: TierId) -> AppResult<Usage>;

    async fn tier_rule(&mut self, t: TenantId, id: TierRuleId) -> AppResult<Option<TierRule>>;
    async fn tier_rules(
        &mut self,
        t: TenantId,
        program: ProgramId,
        q: &ListQuery,
    ) -> AppResult<Page<TierRule>>;
    async fn tier_rules_of(&mut self, t: TenantId, program: ProgramId) -> AppResult<Vec<TierRule>>;
    /// The tier records the rule produced.
    async fn tier_rule_usage(&mut self, t: TenantId, id: TierRuleId) -> AppResult<Usage>;
}

/// Writes of programs, point groups, cost centers, tiers and tier rules, inside a transaction.
#[async_trait]
pub trait LoyaltyWrites: Send {
    async fn insert_program(&mut self, p: &Program) -> AppResult<()>;
    async fn update_program(&mut self, p: &Program) -> AppResult<()>;
    async fn delete_program(&mut self, t: TenantId, id: ProgramId) -> AppResult<()>;

    async fn insert_point_group(&mut self, g: &PointGroup) -> AppResult<()>;
    async fn update_point_group(&mut self, g: &PointGroup) -> AppResult<()>;
    async fn delete_point_group(&mut self, t: TenantId, id: PointGroupId) -> AppResult<()>;

    async fn insert_cost_center(&mut self, c: &CostCenter) -> AppResult<()>;
    async fn update_cost_center(&mut self, c: &CostCenter) -> AppResult<()>;
    async fn delete_cost_center(&mut self, t: TenantId, id: CostCenterId) -> AppResult<()>;

    async fn insert_tier(&mut self, tier: &Tier) -> AppResult<()>;
    async fn update_tier(&mut self, tier: &Tier) -> AppResult<()>;
    async fn delete_tier(&mut self, t: TenantId, id: TierId) -> AppResult<()>;

    async fn insert_tier_rule(&mut self, r: &TierRule) -> AppResult<()>;
    async fn update_tier_rule(&mut self, r: &TierRule) -> AppResult<()>;
    async fn delete_tier_rule(&mut self, t: TenantId, id: TierRuleId) -> AppResult<()>;
}
