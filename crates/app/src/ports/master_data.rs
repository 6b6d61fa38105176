//! Store ports for product categories, products, stores and payment methods.

use crate::error::AppResult;
use crate::master_data::{
    Category, PaymentMethod, Product, ProductFilter, StoreFilter, StoreRecord,
};
use crate::model::{ListQuery, Page};
use async_trait::async_trait;
use patron_domain::ids::{StoreId, TenantId};

/// Reads of product categories, products, stores and payment methods. The `*_by_codes` reads
/// take a whole batch's codes in one query; lists page by id (creation order).
#[async_trait]
pub trait MasterDataReads: Send {
    async fn category_by_code(&mut self, t: TenantId, code: &str) -> AppResult<Option<Category>>;
    async fn categories_by_codes(
        &mut self,
        t: TenantId,
        codes: &[String],
    ) -> AppResult<Vec<Category>>;
    async fn categories(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<Category>>;

    async fn product_by_code(&mut self, t: TenantId, code: &str) -> AppResult<Option<Product>>;
    async fn products_by_codes(&mut self, t: TenantId, codes: &[String])
        -> AppResult<Vec<Product>>;
    async fn products(
        &mut self,
        t: TenantId,
        filter: &ProductFilter,
        q: &ListQuery,
    ) -> AppResult<Page<Product>>;

    async fn store(&mut self, t: TenantId, id: StoreId) -> AppResult<Option<StoreRecord>>;
    async fn store_by_code(&mut self, t: TenantId, code: &str) -> AppResult<Option<StoreRecord>>;
    async fn stores_by_codes(
        &mut self,
        t: TenantId,
        codes: &[String],
    ) -> AppResult<Vec<StoreRecord>>;
    async fn stores(
        &mut self,
        t: TenantId,
        filter: &StoreFilter,
        q: &ListQuery,
    ) -> AppResult<Page<StoreRecord>>;

    async fn payment_method_by_code(
        &mut self,
        t: TenantId,
        code: &str,
    ) -> AppResult<Option<PaymentMethod>>;
    async fn payment_methods_by_codes(
        &mut self,
        t: TenantId,
        codes: &[String],
    ) -> AppResult<Vec<PaymentMethod>>;
    async fn payment_methods(
        &mut self,
        t: TenantId,
        q: &ListQuery,
    ) -> AppResult<Page<PaymentMethod>>;
}

/// Writes of product categories, products, stores and payment methods, inside a transaction.
/// Inserts take many rows at once; updates replace every synced field of a row found by id.
#[async_trait]
pub trait MasterDataWrites: Send {
    async fn insert_categories(&mut self, rows: &[Category]) -> AppResult<()>;
    async fn update_category(&mut self, row: &Category) -> AppResult<()>;
    async fn insert_products(&mut self, rows: &[Product]) -> AppResult<()>;
    async fn update_product(&mut self, row: &Product) -> AppResult<()>;
    async fn insert_stores(&mut self, rows: &[StoreRecord]) -> AppResult<()>;
    async fn update_store(&mut self, row: &StoreRecord) -> AppResult<()>;
    async fn insert_payment_methods(&mut self, rows: &[PaymentMethod]) -> AppResult<()>;
    async fn update_payment_method(&mut self, row: &PaymentMethod) -> AppResult<()>;
}
