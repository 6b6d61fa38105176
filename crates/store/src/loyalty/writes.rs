//! Writes of the loyalty configuration, inside the use case's transaction.

use super::rows::validity_columns;
use crate::sql::{sql, Arg, Sql};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::loyalty::{CostCenter, PointGroup, Program, Tier, TierRule};
use patron_app::ports::LoyaltyWrites;
use patron_app::AppResult;
use patron_domain::ids::{CostCenterId, PointGroupId, ProgramId, TenantId, TierId, TierRuleId};

impl SqlTx {
    /// Deletes the row `id` of `table` in tenant `t`.
    async fn delete_row(&mut self, table: &str, t: TenantId, id: String) -> AppResult<()> {
        let mut sql = Sql::new(&format!("DELETE FROM {table} WHERE tenant_id = "));
        sql.bind(Arg::Int(t.get()))
            .push(" AND id = ")
            .bind(Arg::Text(id));
        self.exec(&sql).await.map(|_| ())
    }

    /// Inserts a point group or cost center row (same columns).
    #[allow(clippy::too_many_arguments)]
    async fn insert_entry(
        &mut self,
        table: &str,
        t: TenantId,
        id: String,
        program: ProgramId,
        code: &str,
        name: &str,
        created_at_ms: i64,
        updated_at_ms: i64,
    ) -> AppResult<()> {
        self.exec(&sql!(&format!(
            "INSERT INTO {table} (tenant_id, id, program_id, code, name, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ), t.get(), id, program.to_string(), code, name, created_at_ms, updated_at_ms)).await?;
        Ok(())
    }

    async fn rename_entry(
        &mut self,
        table: &str,
        t: TenantId,
        id: String,
        name: &str,
        updated_at_ms: i64,
    ) -> AppResult<()> {
        self.exec(&sql!(
            &format!(
                "UPDATE {table} SET name = $1, updated_at_ms = $2 WHERE tenant_id = $3 AND id = $4"
            ),
            name,
            updated_at_ms,
            t.get(),
            id
        ))
        .await?;
        Ok(())
    }
}

#[async_trait]
impl LoyaltyWrites for SqlTx {
    async fn insert_program(&mut self, p: &Program) -> AppResult<()> {
        self.exec(&sql!(
            "INSERT INTO programs (tenant_id, id, code, name, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            p.tenant_id.get(),
            p.id.to_string(),
            &p.code,
            &p.name,
            p.created_at_ms,
            p.updated_at_ms
        ))
        .await?;
        Ok(())
    }

    async fn update_program(&mut self, p: &Program) -> AppResult<()> {
        self.rename_entry(
            "programs",
            p.tenant_id,
            p.id.to_string(),
            &p.name,
            p.updated_at_ms,
        )
        .await
    }

    async fn delete_program(&mut self, t: TenantId, id: ProgramId) -> AppResult<()> {
        self.delete_row("programs", t, id.to_string()).await
    }

    async fn insert_point_group(&mut self, g: &PointGroup) -> AppResult<()> {
        self.insert_entry(
            "point_groups",
            g.tenant_id,
            g.id.to_string(),
            g.program_id,
            &g.code,
            &g.name,
            g.created_at_ms,
            g.updated_at_ms,
        )
        .await
    }

    async fn update_point_group(&mut self, g: &PointGroup) -> AppResult<()> {
        self.rename_entry(
            "point_groups",
            g.tenant_id,
            g.id.to_string(),
            &g.name,
            g.updated_at_ms,
        )
        .await
    }

    async fn delete_point_group(&mut self, t: TenantId, id: PointGroupId) -> AppResult<()> {
        self.delete_row("point_groups", t, id.to_string()).await
    }

    async fn insert_cost_center(&mut self, c: &CostCenter) -> AppResult<()> {
        self.insert_entry(
            "cost_centers",
            c.tenant_id,
            c.id.to_string(),
            c.program_id,
            &c.code,
            &c.name,
            c.created_at_ms,
            c.updated_at_ms,
        )
        .await
    }

    async fn update_cost_center(&mut self, c: &CostCenter) -> AppResult<()> {
        self.rename_entry(
            "cost_centers",
            c.tenant_id,
            c.id.to_string(),
            &c.name,
            c.updated_at_ms,
        )
        .await
    }

    async fn delete_cost_center(&mut self, t: TenantId, id: CostCenterId) -> AppResult<()> {
        self.delete_row("cost_centers", t, id.to_string()).await
    }

    async fn insert_tier(&mut self, tier: &Tier) -> AppResult<()> {
        let (kind, days, years, month, day) = validity_columns(&tier.validity);
        self.exec(&sql!("INSERT INTO tiers (tenant_id, id, program_id, code, name, rank, is_base, validity_type, \
             validity_days, validity_years, validity_month, validity_day, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)", tier.tenant_id.get(), tier.id.to_string(), tier.program_id.to_string(), &tier.code, &tier.name, tier.rank, i64::from(tier.is_base), kind, days, years, month, day, tier.created_at_ms, tier.updated_at_ms)).await?;
        Ok(())
    }

    async fn update_tier(&mut self, tier: &Tier) -> AppResult<()> {
        let (kind, days, years, month, day) = validity_columns(&tier.validity);
        self.exec(&sql!(
            "UPDATE tiers SET name = $1, rank = $2, validity_type = $3, validity_days = $4, \
             validity_years = $5, validity_month = $6, validity_day = $7, updated_at_ms = $8 \
             WHERE tenant_id = $9 AND id = $10",
            &tier.name,
            tier.rank,
            kind,
            days,
            years,
            month,
            day,
            tier.updated_at_ms,
            tier.tenant_id.get(),
            tier.id.to_string()
        ))
        .await?;
        Ok(())
    }

    async fn delete_tier(&mut self, t: TenantId, id: TierId) -> AppResult<()> {
        self.delete_row("tiers", t, id.to_string()).await
    }

    async fn insert_tier_rule(&mut self, r: &TierRule) -> AppResult<()> {
        self.exec(&sql!("INSERT INTO tier_rules (tenant_id, id, program_id, name, tier_id, point_group_id, \
             condition, window_days, range_start, range_end, enabled, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", r.tenant_id.get(), r.id.to_string(), r.program_id.to_string(), &r.name, r.tier_id.to_string(), r.point_group_id.map(|g| g.to_string()), r.condition.as_str(), r.window_days, r.range.start, r.range.end, i64::from(r.enabled), r.created_at_ms, r.updated_at_ms)).await?;
        Ok(())
    }

    async fn update_tier_rule(&mut self, r: &TierRule) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE tier_rules SET name = $1, tier_id = $2, point_group_id = $3, condition = $4, \
             window_days = $5, range_start = $6, range_end = $7, enabled = $8, updated_at_ms = $9 \
             WHERE tenant_id = $10 AND id = $11",
            &r.name,
            r.tier_id.to_string(),
            r.point_group_id.map(|g| g.to_string()),
            r.condition.as_str(),
            r.window_days,
            r.range.start,
            r.range.end,
            i64::from(r.enabled),
            r.updated_at_ms,
            r.tenant_id.get(),
            r.id.to_string()
        ))
        .await?;
        Ok(())
    }

    async fn delete_tier_rule(&mut self, t: TenantId, id: TierRuleId) -> AppResult<()> {
        self.delete_row("tier_rules", t, id.to_string()).await
    }
}
