//! Storage of programs, point groups, cost centers, tiers and tier rules.

mod reads;
pub(crate) mod rows;
mod writes;

use crate::reads::SqlReader;
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::loyalty::{CostCenter, PointGroup, Program, Tier, TierRule, Usage};
use patron_app::model::{ListQuery, Page};
use patron_app::ports::LoyaltyReads;
use patron_app::AppResult;
use patron_domain::ids::{CostCenterId, PointGroupId, ProgramId, TenantId, TierId, TierRuleId};

/// Implements the reads for the pooled reader and for the write transaction alike.
macro_rules! impl_loyalty_reads {
    ($ty:ty) => {
        #[async_trait]
        impl LoyaltyReads for $ty {
            async fn program(&mut self, t: TenantId, id: ProgramId) -> AppResult<Option<Program>> {
                let mut conn = self.read_conn()?;
                reads::by_id(&mut conn, "programs", t, id.to_string(), rows::program).await
            }
            async fn program_by_code(
                &mut self,
                t: TenantId,
                code: &str,
            ) -> AppResult<Option<Program>> {
                reads::program_by_code(&mut self.read_conn()?, t, code).await
            }
            async fn programs(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<Program>> {
                reads::programs(&mut self.read_conn()?, t, q).await
            }
            async fn all_programs(&mut self, t: TenantId) -> AppResult<Vec<Program>> {
                reads::all_programs(&mut self.read_conn()?, t).await
            }
            async fn program_usage(&mut self, t: TenantId, id: ProgramId) -> AppResult<Usage> {
                reads::program_usage(&mut self.read_conn()?, t, id).await
            }

            async fn point_group(
                &mut self,
                t: TenantId,
                id: PointGroupId,
            ) -> AppResult<Option<PointGroup>> {
                let mut conn = self.read_conn()?;
                reads::by_id(
                    &mut conn,
                    "point_groups",
                    t,
                    id.to_string(),
                    rows::point_group,
                )
                .await
            }
            async fn point_groups(
                &mut self,
                t: TenantId,
                program: ProgramId,
                q: &ListQuery,
            ) -> AppResult<Page<PointGroup>> {
                let mut conn = self.read_conn()?;
                reads::page_of(
                    &mut conn,
                    "point_groups",
                    t,
                    program,
                    q,
                    rows::point_group,
                    |g| g.id.to_string(),
                )
                .await
            }
            async fn point_groups_of(
                &mut self,
                t: TenantId,
                program: ProgramId,
            ) -> AppResult<Vec<PointGroup>> {
                reads::point_groups_of(&mut self.read_conn()?, t, program).await
            }
            async fn point_group_usage(
                &mut self,
                t: TenantId,
                id: PointGroupId,
            ) -> AppResult<Usage> {
                reads::point_group_usage(&mut self.read_conn()?, t, id.to_string()).await
            }

            async fn cost_center(
                &mut self,
                t: TenantId,
                id: CostCenterId,
            ) -> AppResult<Option<CostCenter>> {
                let mut conn = self.read_conn()?;
                reads::by_id(
                    &mut conn,
                    "cost_centers",
                    t,
                    id.to_string(),
                    rows::cost_center,
                )
                .await
            }
            async fn cost_centers(
                &mut self,
                t: TenantId,
                program: ProgramId,
                q: &ListQuery,
            ) -> AppResult<Page<CostCenter>> {
                let mut conn = self.read_conn()?;
                reads::page_of(
                    &mut conn,
                    "cost_centers",
                    t,
                    program,
                    q,
                    rows::cost_center,
                    |c| c.id.to_string(),
                )
                .await
            }
            async fn cost_centers_of(
                &mut self,
                t: TenantId,
                program: ProgramId,
            ) -> AppResult<Vec<CostCenter>> {
                reads::cost_centers_of(&mut self.read_conn()?, t, program).await
            }

            async fn tier(&mut self, t: TenantId, id: TierId) -> AppResult<Option<Tier>> {
                let mut conn = self.read_conn()?;
                reads::by_id(&mut conn, "tiers", t, id.to_string(), rows::tier).await
            }
            async fn tiers(
                &mut self,
                t: TenantId,
                program: ProgramId,
                q: &ListQuery,
            ) -> AppResult<Page<Tier>> {
                let mut conn = self.read_conn()?;
                reads::page_of(&mut conn, "tiers", t, program, q, rows::tier, |x| {
                    x.id.to_string()
                })
                .await
            }
            async fn tiers_of(&mut self, t: TenantId, program: ProgramId) -> AppResult<Vec<Tier>> {
                reads::tiers_of(&mut self.read_conn()?, t, program).await
            }
            async fn base_tier(
                &mut self,
                t: TenantId,
                program: ProgramId,
            ) -> AppResult<Option<Tier>> {
                reads::base_tier(&mut self.read_conn()?, t, program).await
            }
            async fn tier_usage(&mut self, t: TenantId, id: TierId) -> AppResult<Usage> {
                reads::tier_usage(&mut self.read_conn()?, t, id.to_string()).await
            }

            async fn tier_rule(
                &mut self,
                t: TenantId,
                id: TierRuleId,
            ) -> AppResult<Option<TierRule>> {
                let mut conn = self.read_conn()?;
                reads::by_id(&mut conn, "tier_rules", t, id.to_string(), rows::tier_rule).await
            }
            async fn tier_rules(
                &mut self,
                t: TenantId,
                program: ProgramId,
                q: &ListQuery,
            ) -> AppResult<Page<TierRule>> {
                let mut conn = self.read_conn()?;
                reads::page_of(
                    &mut conn,
                    "tier_rules",
                    t,
                    program,
                    q,
                    rows::tier_rule,
                    |r| r.id.to_string(),
                )
                .await
            }
            async fn tier_rules_of(
                &mut self,
                t: TenantId,
                program: ProgramId,
            ) -> AppResult<Vec<TierRule>> {
                reads::tier_rules_of(&mut self.read_conn()?, t, program).await
            }
            async fn tier_rule_usage(&mut self, t: TenantId, id: TierRuleId) -> AppResult<Usage> {
                reads::tier_rule_usage(&mut self.read_conn()?, t, id.to_string()).await
            }
        }
    };
}

use crate::reads::ReadConn as _;
impl_loyalty_reads!(SqlReader);
impl_loyalty_reads!(SqlTx);
