//! Bulk upserts by external code (`PUT /api/v1/{resource}`): every item is checked first, then
//! the batch is written whole in the caller's transaction, or refused whole. A batch costs one
//! read of the codes it names, one read for its references, and the writes of what changed.

use super::batch::{audit_batch, by_code, check_items, plan, refused, Synced};
use super::model::{BatchOutcome, Category, ItemError, PaymentMethod, Product, StoreRecord};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::ids::{CategoryId, PaymentMethodId, ProductId, StoreId};
use patron_domain::master_data::{
    self as md, parent_level, CategoryInput, PaymentMethodInput, ProductInput, ProductStatus,
    StoreInput, StoreStatus,
};
use patron_domain::rbac::Permission;
use std::collections::{BTreeSet, HashMap};

macro_rules! synced {
    ($ty:ty) => {
        impl Synced for $ty {
            fn code(&self) -> &str {
                &self.code
            }
            fn touch(&mut self, now_ms: i64) {
                self.updated_at_ms = now_ms;
            }
        }
    };
}
synced!(Category);
synced!(Product);
synced!(StoreRecord);
synced!(PaymentMethod);

fn distinct(codes: impl Iterator<Item = String>) -> Vec<String> {
    codes.collect::<BTreeSet<_>>().into_iter().collect()
}

/// Categories; a parent may be in the same batch or stored, and sits one level above.
pub async fn upsert_categories(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    items: &[CategoryInput],
) -> AppResult<BatchOutcome> {
    ctx.principal.require(Permission::MasterDataManage)?;
    let t = ctx.principal.tenant()?;
    let (mut valid, mut errors) = check_items(items, md::category, |f| &f.code)?;
    // One read for the batch's own codes and the parents it names.
    let wanted = distinct(
        valid
            .iter()
            .flat_map(|(_, f)| std::iter::once(f.code.clone()).chain(f.parent_code.clone())),
    );
    let stored = by_code(tx.categories_by_codes(t, &wanted).await?);
    let batch_levels: HashMap<&str, u8> = valid
        .iter()
        .map(|(_, f)| (f.code.as_str(), f.level))
        .collect();
    for (index, f) in &valid {
        if let Some(parent) = &f.parent_code {
            let level = batch_levels
                .get(parent.as_str())
                .copied()
                .or_else(|| stored.get(parent).map(|p| p.level));
            if let Err(e) = parent_level(f.level, parent, level) {
                errors.push(item_error(*index, e));
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Err(refused(errors)));
    }
    // Parents before children, so a tree reads top-down in creation order.
    valid.sort_by_key(|(index, f)| (f.level, *index));
    let now = ctx.now_ms;
    let records = valid
        .into_iter()
        .map(|(_, f)| {
            let old = stored.get(&f.code);
            Category {
                tenant_id: t,
                id: old.map_or_else(|| CategoryId::from_uuid(new_uuid()), |o| o.id),
                code: f.code,
                name: f.name,
                level: f.level,
                parent_code: f.parent_code,
                source: f.source,
                created_at_ms: old.map_or(now, |o| o.created_at_ms),
                updated_at_ms: old.map_or(now, |o| o.updated_at_ms),
            }
        })
        .collect();
    let plan = plan(&stored, records, now);
    tx.insert_categories(&plan.inserts).await?;
    for row in &plan.updates {
        tx.update_category(row).await?;
    }
    audit_batch(tx, ctx, t, "categories.upsert", "category", &plan).await?;
    Ok(Ok(plan.counts))
}

/// Products; a category, when given, must exist.
pub async fn upsert_products(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    items: &[ProductInput],
) -> AppResult<BatchOutcome> {
    ctx.principal.require(Permission::MasterDataManage)?;
    let t = ctx.principal.tenant()?;
    let (valid, mut errors) = check_items(items, md::product, |f| &f.code)?;
    let wanted = distinct(valid.iter().filter_map(|(_, f)| f.category_code.clone()));
    let known: BTreeSet<String> = tx
        .categories_by_codes(t, &wanted)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    for (index, f) in &valid {
        if let Some(c) = f.category_code.as_ref().filter(|c| !known.contains(*c)) {
            errors.push(ItemError {
                index: *index,
                field: "category_code",
                code: "unknown_category",
                message: format!("there is no category '{c}'"),
            });
        }
    }
    if !errors.is_empty() {
        return Ok(Err(refused(errors)));
    }
    let codes = distinct(valid.iter().map(|(_, f)| f.code.clone()));
    let stored = by_code(tx.products_by_codes(t, &codes).await?);
    let now = ctx.now_ms;
    let records = valid
        .into_iter()
        .map(|(_, f)| {
            let old = stored.get(&f.code);
            Product {
                tenant_id: t,
                id: old.map_or_else(|| ProductId::from_uuid(new_uuid()), |o| o.id),
                status: f
                    .status
                    .or(old.map(|o| o.status))
                    .unwrap_or(ProductStatus::Active),
                code: f.code,
                name: f.name,
                brand: f.brand,
                category_code: f.category_code,
                price_fen: f.price_fen,
                source: f.source,
                created_at_ms: old.map_or(now, |o| o.created_at_ms),
                updated_at_ms: old.map_or(now, |o| o.updated_at_ms),
            }
        })
        .collect();
    let plan = plan(&stored, records, now);
    tx.insert_products(&plan.inserts).await?;
    for row in &plan.updates {
        tx.update_product(row).await?;
    }
    audit_batch(tx, ctx, t, "products.upsert", "product", &plan).await?;
    Ok(Ok(plan.counts))
}

/// Stores, physical or virtual.
pub async fn upsert_stores(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    items: &[StoreInput],
) -> AppResult<BatchOutcome> {
    ctx.principal.require(Permission::MasterDataManage)?;
    let t = ctx.principal.tenant()?;
    let (valid, errors) = check_items(items, md::store, |f| &f.code)?;
    if !errors.is_empty() {
        return Ok(Err(refused(errors)));
    }
    let codes = distinct(valid.iter().map(|(_, f)| f.code.clone()));
    let stored = by_code(tx.stores_by_codes(t, &codes).await?);
    let now = ctx.now_ms;
    let records = valid
        .into_iter()
        .map(|(_, f)| {
            let old = stored.get(&f.code);
            StoreRecord {
                tenant_id: t,
                id: old.map_or_else(|| StoreId::from_uuid(new_uuid()), |o| o.id),
                status: f
                    .status
                    .or(old.map(|o| o.status))
                    .unwrap_or(StoreStatus::Open),
                code: f.code,
                name: f.name,
                kind: f.kind,
                channel: f.channel,
                parent_code: f.parent_code,
                province: f.province,
                city: f.city,
                source: f.source,
                created_at_ms: old.map_or(now, |o| o.created_at_ms),
                updated_at_ms: old.map_or(now, |o| o.updated_at_ms),
            }
        })
        .collect();
    let plan = plan(&stored, records, now);
    tx.insert_stores(&plan.inserts).await?;
    for row in &plan.updates {
        tx.update_store(row).await?;
    }
    audit_batch(tx, ctx, t, "stores.upsert", "store", &plan).await?;
    Ok(Ok(plan.counts))
}

/// Payment methods. `earns_points` is kept when an item leaves it out (spec §11.4: Patron's own flag).
pub async fn upsert_payment_methods(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    items: &[PaymentMethodInput],
) -> AppResult<BatchOutcome> {
    ctx.principal.require(Permission::MasterDataManage)?;
    let t = ctx.principal.tenant()?;
    let (valid, errors) = check_items(items, md::payment_method, |f| &f.code)?;
    if !errors.is_empty() {
        return Ok(Err(refused(errors)));
    }
    let codes = distinct(valid.iter().map(|(_, f)| f.code.clone()));
    let stored = by_code(tx.payment_methods_by_codes(t, &codes).await?);
    let now = ctx.now_ms;
    let records = valid
        .into_iter()
        .map(|(_, f)| {
            let old = stored.get(&f.code);
            PaymentMethod {
                tenant_id: t,
                id: old.map_or_else(|| PaymentMethodId::from_uuid(new_uuid()), |o| o.id),
                earns_points: f
                    .earns_points
                    .or(old.map(|o| o.earns_points))
                    .unwrap_or(false),
                code: f.code,
                name: f.name,
                category: f.category,
                source: f.source,
                created_at_ms: old.map_or(now, |o| o.created_at_ms),
                updated_at_ms: old.map_or(now, |o| o.updated_at_ms),
            }
        })
        .collect();
    let plan = plan(&stored, records, now);
    tx.insert_payment_methods(&plan.inserts).await?;
    for row in &plan.updates {
        tx.update_payment_method(row).await?;
    }
    audit_batch(
        tx,
        ctx,
        t,
        "payment_methods.upsert",
        "payment_method",
        &plan,
    )
    .await?;
    Ok(Ok(plan.counts))
}

fn item_error(index: usize, e: patron_domain::ValidationError) -> ItemError {
    ItemError {
        index,
        field: e.field,
        code: e.code,
        message: e.message,
    }
}
