//! The few local changes to synced records: Patron's own earns-points flag of a payment method
//! (spec §11.4), and a store's or product's status between two syncs.

use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::master_data::{PaymentMethod, Product, StoreRecord};
use crate::ports::Tx;
use patron_domain::master_data::{ProductStatus, StoreStatus};
use patron_domain::rbac::Permission;
use serde_json::json;

/// Sets whether paying with the method counts toward points.
pub async fn set_earns_points(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    code: &str,
    earns_points: bool,
) -> AppResult<PaymentMethod> {
    ctx.principal.require(Permission::MasterDataManage)?;
    let t = ctx.principal.tenant()?;
    let before = tx
        .payment_method_by_code(t, code)
        .await?
        .ok_or(AppError::NotFound("payment method"))?;
    if before.earns_points == earns_points {
        return Ok(before);
    }
    let after = PaymentMethod {
        earns_points,
        updated_at_ms: ctx.now_ms,
        ..before.clone()
    };
    tx.update_payment_method(&after).await?;
    let change = Change {
        action: "payment_method.update",
        object_type: "payment_method",
        object_id: after.code.clone(),
        before: Some(json!({ "earns_points": before.earns_points })),
        after: Some(json!({ "earns_points": after.earns_points })),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(after)
}

/// Opens or closes a store.
pub async fn set_store_status(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    code: &str,
    status: &str,
) -> AppResult<StoreRecord> {
    ctx.principal.require(Permission::MasterDataManage)?;
    let t = ctx.principal.tenant()?;
    let status = StoreStatus::parse(status)?;
    let before = tx
        .store_by_code(t, code)
        .await?
        .ok_or(AppError::NotFound("store"))?;
    if before.status == status {
        return Ok(before);
    }
    let after = StoreRecord {
        status,
        updated_at_ms: ctx.now_ms,
        ..before.clone()
    };
    tx.update_store(&after).await?;
    let change = Change {
        action: "store.update",
        object_type: "store",
        object_id: after.code.clone(),
        before: Some(json!({ "status": before.status.as_str() })),
        after: Some(json!({ "status": after.status.as_str() })),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(after)
}

/// Activates or deactivates a product.
pub async fn set_product_status(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    code: &str,
    status: &str,
) -> AppResult<Product> {
    ctx.principal.require(Permission::MasterDataManage)?;
    let t = ctx.principal.tenant()?;
    let status = ProductStatus::parse(status)?;
    let before = tx
        .product_by_code(t, code)
        .await?
        .ok_or(AppError::NotFound("product"))?;
    if before.status == status {
        return Ok(before);
    }
    let after = Product {
        status,
        updated_at_ms: ctx.now_ms,
        ..before.clone()
    };
    tx.update_product(&after).await?;
    let change = Change {
        action: "product.update",
        object_type: "product",
        object_id: after.code.clone(),
        before: Some(json!({ "status": before.status.as_str() })),
        after: Some(json!({ "status": after.status.as_str() })),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(after)
}
