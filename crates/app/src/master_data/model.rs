//! The master data records, their list filters, and what a bulk upsert answers.

use patron_domain::channel::Channel;
use patron_domain::ids::{CategoryId, PaymentMethodId, ProductId, StoreId, TenantId};
use patron_domain::master_data::{ProductStatus, StoreKind, StoreStatus};

/// A product category (商品分类), level 1–3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub tenant_id: TenantId,
    pub id: CategoryId,
    pub code: String,
    pub name: String,
    pub level: u8,
    pub parent_code: Option<String>,
    pub source: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A product (商品). Price in fen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub tenant_id: TenantId,
    pub id: ProductId,
    pub code: String,
    pub name: String,
    pub brand: Option<String>,
    pub category_code: Option<String>,
    pub price_fen: Option<i64>,
    pub status: ProductStatus,
    pub source: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A store (门店): physical, or the virtual store of an online channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreRecord {
    pub tenant_id: TenantId,
    pub id: StoreId,
    pub code: String,
    pub name: String,
    pub kind: StoreKind,
    pub channel: Channel,
    /// The org unit above (上级部门), e.g. `HDCN`.
    pub parent_code: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub status: StoreStatus,
    pub source: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A payment method (付款方式). `earns_points` is Patron's own flag (是否计算积分).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethod {
    pub tenant_id: TenantId,
    pub id: PaymentMethodId,
    pub code: String,
    pub name: String,
    pub earns_points: bool,
    pub category: Option<String>,
    pub source: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// Product list filters.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// Products of exactly this category code.
    pub category: Option<String>,
}

/// Store list filters.
#[derive(Debug, Clone, Default)]
pub struct StoreFilter {
    pub kind: Option<StoreKind>,
    pub channel: Option<Channel>,
    pub status: Option<StoreStatus>,
}

/// What a bulk upsert did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// One fault of one item of a refused batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// The item's position in `items`, from 0.
    pub index: usize,
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

/// A batch is written whole, or refused whole with every fault found.
pub type BatchOutcome = Result<Counts, Vec<ItemError>>;
