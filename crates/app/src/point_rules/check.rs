//! The checks of a point rule that need the store: its point group, cost center and tiers belong
//! to its programme, every code of its scope exists in master data, and its groups are enabled
//! groups of the right kind. Rules, groups and codes
//! refer to each other without foreign keys, so this is where a wrong reference is caught, with
//! the field and the offending value named.

use crate::error::{AppError, AppResult};
use crate::groups::usable;
use crate::loyalty::Tier;
use crate::ports::Reads;
use patron_domain::groups::GroupKind;
use patron_domain::ids::{CostCenterId, PointGroupId, ProgramId, TenantId, TierId};
use patron_domain::points::rule_input::CheckedRule;
use patron_domain::ValidationError;

fn refuse(field: &'static str, code: &'static str, message: String) -> AppError {
    ValidationError::new(field, code, message).into()
}

/// The first entry of `wanted` not in `found`.
fn first_missing<'a>(wanted: &'a [String], found: &[String]) -> Option<&'a String> {
    wanted.iter().find(|w| !found.contains(w))
}

/// Checks `rule`'s references against programme `program`. Tier ids come back in their
/// canonical (hyphenated) form.
pub async fn references<R: Reads + ?Sized>(
    reads: &mut R,
    t: TenantId,
    program: ProgramId,
    mut rule: CheckedRule,
) -> AppResult<CheckedRule> {
    let group = PointGroupId::parse(&rule.point_group_id);
    let group = match group {
        Some(id) => reads.point_group(t, id).await?,
        None => None,
    };
    match group {
        Some(g) if g.program_id == program => rule.point_group_id = g.id.to_string(),
        _ => {
            return Err(refuse(
                "point_group_id",
                "unknown_point_group",
                "is not a point group of this program".into(),
            ))
        }
    }
    let center = match CostCenterId::parse(&rule.cost_center_id) {
        Some(id) => reads.cost_center(t, id).await?,
        None => None,
    };
    match center {
        Some(c) if c.program_id == program => rule.cost_center_id = c.id.to_string(),
        _ => {
            return Err(refuse(
                "cost_center_id",
                "unknown_cost_center",
                "is not a cost center of this program".into(),
            ))
        }
    }
    if !rule.scope.tiers.is_empty() {
        let tiers = reads.tiers_of(t, program).await?;
        let mut ids = Vec::with_capacity(rule.scope.tiers.len());
        for raw in &rule.scope.tiers {
            let tier: Option<&Tier> =
                TierId::parse(raw).and_then(|id| tiers.iter().find(|x| x.id == id));
            match tier {
                Some(x) if !ids.contains(&x.id.to_string()) => ids.push(x.id.to_string()),
                Some(_) => {}
                None => {
                    return Err(refuse(
                        "tier_ids",
                        "unknown_tier",
                        format!("'{raw}' is not a tier of this program"),
                    ))
                }
            }
        }
        rule.scope.tiers = ids;
    }
    master_data(reads, t, &rule).await?;
    let s = &rule.scope;
    usable(
        reads,
        t,
        s.store_group.as_deref(),
        GroupKind::Store,
        "store_group_id",
    )
    .await?;
    let product_group = s.product_group.as_deref();
    usable(
        reads,
        t,
        product_group,
        GroupKind::Product,
        "product_group_id",
    )
    .await?;
    Ok(rule)
}

/// Every store, product, category and payment method code of the scope exists; each payment
/// method earns points (a rule limited to methods that never earn could never fire).
async fn master_data<R: Reads + ?Sized>(
    reads: &mut R,
    t: TenantId,
    rule: &CheckedRule,
) -> AppResult<()> {
    let s = &rule.scope;
    if !s.stores.is_empty() {
        let found: Vec<String> = reads
            .stores_by_codes(t, &s.stores)
            .await?
            .into_iter()
            .map(|x| x.code)
            .collect();
        if let Some(code) = first_missing(&s.stores, &found) {
            return Err(refuse(
                "store_codes",
                "unknown_store",
                format!("there is no store '{code}'"),
            ));
        }
    }
    if !s.products.is_empty() {
        let found: Vec<String> = reads
            .products_by_codes(t, &s.products)
            .await?
            .into_iter()
            .map(|x| x.code)
            .collect();
        if let Some(code) = first_missing(&s.products, &found) {
            return Err(refuse(
                "product_codes",
                "unknown_product",
                format!("there is no product '{code}'"),
            ));
        }
    }
    if !s.categories.is_empty() {
        let found: Vec<String> = reads
            .categories_by_codes(t, &s.categories)
            .await?
            .into_iter()
            .map(|x| x.code)
            .collect();
        if let Some(code) = first_missing(&s.categories, &found) {
            return Err(refuse(
                "category_codes",
                "unknown_category",
                format!("there is no category '{code}'"),
            ));
        }
    }
    if !s.payment_methods.is_empty() {
        let found = reads
            .payment_methods_by_codes(t, &s.payment_methods)
            .await?;
        for code in &s.payment_methods {
            match found.iter().find(|m| &m.code == code) {
                None => {
                    return Err(refuse(
                        "payment_method_codes",
                        "unknown_payment_method",
                        format!("there is no payment method '{code}'"),
                    ))
                }
                Some(m) if !m.earns_points => {
                    return Err(refuse(
                        "payment_method_codes",
                        "payment_method_not_earning",
                        format!("payment method '{code}' does not earn points"),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}
