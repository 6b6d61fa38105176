//! Rows of the master data tables to records.

use crate::row::Row;
use patron_app::master_data::{Category, PaymentMethod, Product, StoreRecord};
use patron_app::{AppError, AppResult};
use patron_domain::channel::Channel;
use patron_domain::ids::{CategoryId, PaymentMethodId, ProductId, StoreId, TenantId};
use patron_domain::master_data::{ProductStatus, StoreKind, StoreStatus};

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Store(format!("stored {what} '{value}' is not valid"))
}

fn id<T>(row: &Row, parse: fn(&str) -> Option<T>) -> AppResult<T> {
    let raw = row.text("id")?;
    parse(&raw).ok_or_else(|| corrupt("id", &raw))
}

pub(crate) fn category(row: &Row) -> AppResult<Category> {
    let level = row.i64("level")?;
    Ok(Category {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id(row, CategoryId::parse)?,
        code: row.text("code")?,
        name: row.text("name")?,
        level: u8::try_from(level).map_err(|_| corrupt("level", &level.to_string()))?,
        parent_code: row.opt_text("parent_code")?,
        source: row.text("source")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn product(row: &Row) -> AppResult<Product> {
    let status = row.text("status")?;
    Ok(Product {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id(row, ProductId::parse)?,
        code: row.text("code")?,
        name: row.text("name")?,
        brand: row.opt_text("brand")?,
        category_code: row.opt_text("category_code")?,
        price_fen: row.opt_i64("price_fen")?,
        status: ProductStatus::parse(&status).map_err(|_| corrupt("status", &status))?,
        source: row.text("source")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn store(row: &Row) -> AppResult<StoreRecord> {
    let kind = row.text("kind")?;
    let channel = row.text("channel")?;
    let status = row.text("status")?;
    Ok(StoreRecord {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id(row, StoreId::parse)?,
        code: row.text("code")?,
        name: row.text("name")?,
        kind: StoreKind::parse(&kind).map_err(|_| corrupt("kind", &kind))?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
        parent_code: row.opt_text("parent_code")?,
        province: row.opt_text("province")?,
        city: row.opt_text("city")?,
        status: StoreStatus::parse(&status).map_err(|_| corrupt("status", &status))?,
        source: row.text("source")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn payment_method(row: &Row) -> AppResult<PaymentMethod> {
    Ok(PaymentMethod {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id(row, PaymentMethodId::parse)?,
        code: row.text("code")?,
        name: row.text("name")?,
        earns_points: row.i64("earns_points")? != 0,
        category: row.opt_text("category")?,
        source: row.text("source")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}
