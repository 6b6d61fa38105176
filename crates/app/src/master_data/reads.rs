//! Lists and look-ups by code. Every read needs `master_data:read`; an unknown code and
//! another tenant's code answer the same `NotFound`.

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::master_data::{
    Category, PaymentMethod, Product, ProductFilter, StoreFilter, StoreRecord,
};
use crate::model::{ListQuery, Page};
use crate::ports::{Reads, Store};
use patron_domain::ids::TenantId;
use patron_domain::rbac::Permission;

async fn reader(store: &dyn Store, ctx: &Ctx) -> AppResult<(Box<dyn Reads>, TenantId)> {
    ctx.principal.require(Permission::MasterDataRead)?;
    let t = ctx.principal.tenant()?;
    Ok((store.reader().await?, t))
}

pub async fn categories(store: &dyn Store, ctx: &Ctx, q: &ListQuery) -> AppResult<Page<Category>> {
    let (mut r, t) = reader(store, ctx).await?;
    r.categories(t, q).await
}

pub async fn category(store: &dyn Store, ctx: &Ctx, code: &str) -> AppResult<Category> {
    let (mut r, t) = reader(store, ctx).await?;
    r.category_by_code(t, code)
        .await?
        .ok_or(AppError::NotFound("category"))
}

pub async fn products(
    store: &dyn Store,
    ctx: &Ctx,
    filter: &ProductFilter,
    q: &ListQuery,
) -> AppResult<Page<Product>> {
    let (mut r, t) = reader(store, ctx).await?;
    r.products(t, filter, q).await
}

pub async fn product(store: &dyn Store, ctx: &Ctx, code: &str) -> AppResult<Product> {
    let (mut r, t) = reader(store, ctx).await?;
    r.product_by_code(t, code)
        .await?
        .ok_or(AppError::NotFound("product"))
}

pub async fn stores(
    store: &dyn Store,
    ctx: &Ctx,
    filter: &StoreFilter,
    q: &ListQuery,
) -> AppResult<Page<StoreRecord>> {
    let (mut r, t) = reader(store, ctx).await?;
    r.stores(t, filter, q).await
}

pub async fn store_by_code(store: &dyn Store, ctx: &Ctx, code: &str) -> AppResult<StoreRecord> {
    let (mut r, t) = reader(store, ctx).await?;
    r.store_by_code(t, code)
        .await?
        .ok_or(AppError::NotFound("store"))
}

pub async fn payment_methods(
    store: &dyn Store,
    ctx: &Ctx,
    q: &ListQuery,
) -> AppResult<Page<PaymentMethod>> {
    let (mut r, t) = reader(store, ctx).await?;
    r.payment_methods(t, q).await
}

pub async fn payment_method(store: &dyn Store, ctx: &Ctx, code: &str) -> AppResult<PaymentMethod> {
    let (mut r, t) = reader(store, ctx).await?;
    r.payment_method_by_code(t, code)
        .await?
        .ok_or(AppError::NotFound("payment method"))
}
