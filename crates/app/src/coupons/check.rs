//! The checks of a coupon rule that need the store: its program and cost center, its groups
//! (the right kind, enabled), and its exchange product (in master data and in the product
//! scope).

use crate::error::{AppError, AppResult};
use crate::groups::usable;
use crate::ports::Reads;
use patron_domain::coupons::rule::Benefit;
use patron_domain::coupons::rule_input::RuleSpec;
use patron_domain::groups::GroupKind;
use patron_domain::ids::{CostCenterId, ProgramId, TenantId};
use patron_domain::ValidationError;

fn refuse(field: &'static str, code: &'static str, message: &str) -> AppError {
    ValidationError::new(field, code, message.to_string()).into()
}

/// Checks `spec`'s references; ids come back in canonical form.
pub async fn references(r: &mut dyn Reads, t: TenantId, mut spec: RuleSpec) -> AppResult<RuleSpec> {
    let program = match ProgramId::parse(&spec.program_id) {
        Some(id) => r.program(t, id).await?,
        None => None,
    }
    .ok_or_else(|| {
        refuse(
            "program_id",
            "unknown_program",
            "is not a program of this tenant",
        )
    })?;
    spec.program_id = program.id.to_string();
    let center = match CostCenterId::parse(&spec.cost_center_id) {
        Some(id) => r.cost_center(t, id).await?,
        None => None,
    };
    match center {
        Some(c) if c.program_id == program.id => spec.cost_center_id = c.id.to_string(),
        _ => {
            return Err(refuse(
                "cost_center_id",
                "unknown_cost_center",
                "is not a cost center of this program",
            ))
        }
    }
    let terms = &spec.terms;
    usable(
        r,
        t,
        terms.store_group.as_deref(),
        GroupKind::Store,
        "store_group_id",
    )
    .await?;
    let product_group = terms.product_group.as_deref();
    usable(r, t, product_group, GroupKind::Product, "product_group_id").await?;
    if let Benefit::Exchange { sku } = &terms.benefit {
        if r.product_by_code(t, sku).await?.is_none() {
            return Err(refuse(
                "exchange_sku",
                "unknown_product",
                "is not a product",
            ));
        }
        if let Some(g) = &terms.product_group {
            if r.group_members_among(t, g, std::slice::from_ref(sku))
                .await?
                .is_empty()
            {
                return Err(refuse(
                    "exchange_sku",
                    "exchange_product_out_of_scope",
                    "must be a product of the rule's product group",
                ));
            }
        }
    }
    Ok(spec)
}
