//! Storage of base point rules. Scope lists are JSON arrays in text columns: a rule has a
//! handful of them, read whole with the rule.

use crate::loyalty::rows::{validity, validity_columns};
use crate::reads::{all, optional, page, page_rows, ListSpec, ReadConn, SqlReader};
use crate::row::Row;
use crate::sql::{sql, Arg};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::model::{ListQuery, Page};
use patron_app::point_rules::model::StoredPointRule;
use patron_app::ports::{PointRulesReads, PointRulesWrites};
use patron_app::{AppError, AppResult};
use patron_domain::ids::TenantId;
use patron_domain::points::rate::Rate;
use patron_domain::points::rule::{Award, RuleStatus, Scope};

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Store(format!("stored point rule {what} '{value}' is not valid"))
}

fn list(row: &Row, col: &str) -> AppResult<Vec<String>> {
    let raw = row.text(col)?;
    serde_json::from_str(&raw).map_err(|_| corrupt(col, &raw))
}

fn json(list: &[String]) -> String {
    serde_json::Value::from(list.to_vec()).to_string()
}

fn point_rule(row: &Row) -> AppResult<StoredPointRule> {
    let scaled = row.i64("rate_scaled")?;
    let rate = Rate::from_scaled(scaled).map_err(|_| corrupt("rate", &scaled.to_string()))?;
    let award = match row.text("award")?.as_str() {
        "amount" => Award::ByAmount(rate),
        "quantity" => Award::ByQuantity(rate),
        other => return Err(corrupt("award", other)),
    };
    let status = row.text("status")?;
    Ok(StoredPointRule {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        program_id: row.text("program_id")?,
        name: row.text("name")?,
        point_group_id: row.text("point_group_id")?,
        cost_center_id: row.opt_text("cost_center_id")?,
        award,
        counts_for_upgrade: row.bool("counts_for_upgrade")?,
        validity: validity(row)?,
        scope: Scope {
            tiers: list(row, "scope_tiers")?,
            stores: list(row, "scope_stores")?,
            products: list(row, "scope_products")?,
            categories: list(row, "scope_categories")?,
            payment_methods: list(row, "scope_payment_methods")?,
            store_group: row.opt_text("store_group_id")?,
            product_group: row.opt_text("product_group_id")?,
        },
        status: RuleStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

fn award_columns(award: Award) -> (&'static str, i64) {
    match award {
        Award::ByAmount(rate) => ("amount", rate.scaled()),
        Award::ByQuantity(rate) => ("quantity", rate.scaled()),
    }
}

macro_rules! impl_point_rules_reads {
    ($ty:ty) => {
        #[async_trait]
        impl PointRulesReads for $ty {
            async fn point_rule(
                &mut self,
                t: TenantId,
                id: &str,
            ) -> AppResult<Option<StoredPointRule>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM point_rules WHERE tenant_id = $1 AND id = $2",
                        t.get(),
                        id
                    ),
                )
                .await?;
                row.as_ref().map(point_rule).transpose()
            }

            async fn point_rule_named(
                &mut self,
                t: TenantId,
                program_id: &str,
                name: &str,
            ) -> AppResult<Option<StoredPointRule>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM point_rules WHERE tenant_id = $1 AND program_id = $2 \
                         AND name = $3",
                        t.get(),
                        program_id,
                        name
                    ),
                )
                .await?;
                row.as_ref().map(point_rule).transpose()
            }

            async fn point_rules(
                &mut self,
                t: TenantId,
                status: Option<RuleStatus>,
                q: &ListQuery,
            ) -> AppResult<Page<StoredPointRule>> {
                let filters = match status {
                    Some(s) => vec![("status = ", Arg::Text(s.as_str().to_string()))],
                    None => vec![],
                };
                let spec = ListSpec {
                    table: "point_rules",
                    tenant: Some(t.get()),
                    search_columns: &["name"],
                    integer_id: false,
                    newest_first: true,
                    filters,
                };
                let (found, more, total) = page_rows(&mut self.read_conn()?, spec, q).await?;
                let items = found
                    .iter()
                    .map(point_rule)
                    .collect::<AppResult<Vec<_>>>()?;
                Ok(page(items, more, total, |r| r.id.clone()))
            }

            async fn point_rules_of(
                &mut self,
                t: TenantId,
                program_id: &str,
                status: RuleStatus,
            ) -> AppResult<Vec<StoredPointRule>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM point_rules WHERE tenant_id = $1 AND program_id = $2 \
                         AND status = $3 ORDER BY id",
                        t.get(),
                        program_id,
                        status.as_str()
                    ),
                )
                .await?
                .iter()
                .map(point_rule)
                .collect()
            }
        }
    };
}

impl_point_rules_reads!(SqlReader);
impl_point_rules_reads!(SqlTx);

#[async_trait]
impl PointRulesWrites for SqlTx {
    async fn insert_point_rule(&mut self, r: &StoredPointRule) -> AppResult<()> {
        let (award, rate) = award_columns(r.award);
        let (kind, days, years, month, day) = validity_columns(&r.validity);
        self.exec(&sql!(
            "INSERT INTO point_rules (tenant_id, id, program_id, name, point_group_id, cost_center_id, \
             award, rate_scaled, counts_for_upgrade, validity_type, validity_days, validity_years, \
             validity_month, validity_day, scope_tiers, scope_stores, scope_products, scope_categories, \
             scope_payment_methods, status, created_at_ms, updated_at_ms, store_group_id, \
             product_group_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)",
            r.tenant_id.get(),
            &r.id,
            &r.program_id,
            &r.name,
            &r.point_group_id,
            r.cost_center_id.clone(),
            award,
            rate,
            i64::from(r.counts_for_upgrade),
            kind.map(str::to_string),
            days,
            years,
            month,
            day,
            json(&r.scope.tiers),
            json(&r.scope.stores),
            json(&r.scope.products),
            json(&r.scope.categories),
            json(&r.scope.payment_methods),
            r.status.as_str(),
            r.created_at_ms,
            r.updated_at_ms,
            r.scope.store_group.clone(),
            r.scope.product_group.clone()
        ))
        .await?;
        Ok(())
    }

    /// Placeholders are numbered in the order they appear: SQLite binds `$n` parameters by
    /// their first appearance, not by their number.
    async fn update_point_rule(&mut self, r: &StoredPointRule) -> AppResult<()> {
        let (award, rate) = award_columns(r.award);
        let (kind, days, years, month, day) = validity_columns(&r.validity);
        self.exec(&sql!(
            "UPDATE point_rules SET name = $1, point_group_id = $2, cost_center_id = $3, award = $4, \
             rate_scaled = $5, counts_for_upgrade = $6, validity_type = $7, validity_days = $8, \
             validity_years = $9, validity_month = $10, validity_day = $11, scope_tiers = $12, \
             scope_stores = $13, scope_products = $14, scope_categories = $15, \
             scope_payment_methods = $16, status = $17, updated_at_ms = $18, store_group_id = $19, \
             product_group_id = $20 WHERE tenant_id = $21 AND id = $22",
            &r.name,
            &r.point_group_id,
            r.cost_center_id.clone(),
            award,
            rate,
            i64::from(r.counts_for_upgrade),
            kind.map(str::to_string),
            days,
            years,
            month,
            day,
            json(&r.scope.tiers),
            json(&r.scope.stores),
            json(&r.scope.products),
            json(&r.scope.categories),
            json(&r.scope.payment_methods),
            r.status.as_str(),
            r.updated_at_ms,
            r.scope.store_group.clone(),
            r.scope.product_group.clone(),
            r.tenant_id.get(),
            &r.id
        ))
        .await?;
        Ok(())
    }
}
