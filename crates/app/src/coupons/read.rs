//! Reading coupons and transfers (coupon search by code, a rule's coupon tab, transfer records).

use super::model::{Coupon, CouponFilter, Transfer, TransferFilter};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::{Reads, Store};
use patron_domain::coupons::code;
use patron_domain::ids::TenantId;
use patron_domain::rbac::Permission;

pub async fn coupons(
    store: &dyn Store,
    ctx: &Ctx,
    f: &CouponFilter,
    q: &ListQuery,
) -> AppResult<Page<Coupon>> {
    ctx.principal.require(Permission::CouponsRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.coupons(t, f, q).await
}

/// A customer's coupons (the 360° view's tab).
pub async fn of_customer(
    store: &dyn Store,
    ctx: &Ctx,
    customer_id: &str,
    q: &ListQuery,
) -> AppResult<Page<Coupon>> {
    let f = CouponFilter {
        customer_id: Some(customer_id.to_string()),
        ..CouponFilter::default()
    };
    coupons(store, ctx, &f, q).await
}

/// The coupon of a typed code (spaces and dashes ignored, check digit verified).
pub async fn by_code(store: &dyn Store, ctx: &Ctx, raw: &str) -> AppResult<Coupon> {
    ctx.principal.require(Permission::CouponsRead)?;
    let t = ctx.principal.tenant()?;
    coupon_of_code(&mut *store.reader().await?, t, raw).await
}

/// The tenant's coupon of a typed code; a code whose check digit fails is refused as such,
/// before any lookup.
pub(crate) async fn coupon_of_code(r: &mut dyn Reads, t: TenantId, raw: &str) -> AppResult<Coupon> {
    let code = code::normalise(raw).ok_or_else(|| {
        AppError::conflict(
            "coupon_code_invalid",
            Some("code"),
            "this is not a coupon code: check the digits",
        )
    })?;
    r.coupons_by_codes(t, &[code])
        .await?
        .pop()
        .ok_or(AppError::NotFound("coupon"))
}

pub async fn transfers(
    store: &dyn Store,
    ctx: &Ctx,
    f: &TransferFilter,
    q: &ListQuery,
) -> AppResult<Page<Transfer>> {
    ctx.principal.require(Permission::CouponsRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.coupon_transfers(t, f, q).await
}

pub async fn transfer(store: &dyn Store, ctx: &Ctx, id: &str) -> AppResult<Transfer> {
    ctx.principal.require(Permission::CouponsRead)?;
    let t = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .coupon_transfer(t, id)
        .await?
        .ok_or(AppError::NotFound("coupon transfer"))
}
