//! Storage of categories, products, stores and payment methods.

mod reads;
mod rows;
mod writes;

use crate::reads::{ReadConn, SqlReader};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::master_data::{
    Category, PaymentMethod, Product, ProductFilter, StoreFilter, StoreRecord,
};
use patron_app::model::{ListQuery, Page};
use patron_app::ports::{MasterDataReads, MasterDataWrites};
use patron_app::AppResult;
use patron_domain::ids::{StoreId, TenantId};
use writes::{
    category_args, insert_many, payment_method_args, product_args, store_args, update_row,
    CATEGORY_COLUMNS, PAYMENT_METHOD_COLUMNS, PRODUCT_COLUMNS, STORE_COLUMNS,
};

/// Implements the reads for the pooled reader and for the write transaction alike.
macro_rules! impl_master_data_reads {
    ($ty:ty) => {
        #[async_trait]
        impl MasterDataReads for $ty {
            async fn category_by_code(
                &mut self,
                t: TenantId,
                code: &str,
            ) -> AppResult<Option<Category>> {
                let mut conn = self.read_conn()?;
                reads::by_code(&mut conn, "categories", t, code, reads::category).await
            }
            async fn categories_by_codes(
                &mut self,
                t: TenantId,
                codes: &[String],
            ) -> AppResult<Vec<Category>> {
                let mut conn = self.read_conn()?;
                reads::by_codes(&mut conn, "categories", t, codes, reads::category).await
            }
            async fn categories(
                &mut self,
                t: TenantId,
                q: &ListQuery,
            ) -> AppResult<Page<Category>> {
                let mut conn = self.read_conn()?;
                reads::list(
                    &mut conn,
                    "categories",
                    t,
                    vec![],
                    q,
                    reads::category,
                    |r| r.id.to_string(),
                )
                .await
            }
            async fn product_by_code(
                &mut self,
                t: TenantId,
                code: &str,
            ) -> AppResult<Option<Product>> {
                let mut conn = self.read_conn()?;
                reads::by_code(&mut conn, "products", t, code, reads::product).await
            }
            async fn products_by_codes(
                &mut self,
                t: TenantId,
                codes: &[String],
            ) -> AppResult<Vec<Product>> {
                let mut conn = self.read_conn()?;
                reads::by_codes(&mut conn, "products", t, codes, reads::product).await
            }
            async fn products(
                &mut self,
                t: TenantId,
                filter: &ProductFilter,
                q: &ListQuery,
            ) -> AppResult<Page<Product>> {
                let mut conn = self.read_conn()?;
                let filters = reads::product_filters(filter);
                reads::list(&mut conn, "products", t, filters, q, reads::product, |r| {
                    r.id.to_string()
                })
                .await
            }
            async fn store(&mut self, t: TenantId, id: StoreId) -> AppResult<Option<StoreRecord>> {
                let mut conn = self.read_conn()?;
                crate::reads::one_in_tenant(
                    &mut conn,
                    "stores",
                    t,
                    "id",
                    crate::sql::Arg::Text(id.to_string()),
                    reads::store,
                )
                .await
            }
            async fn store_by_code(
                &mut self,
                t: TenantId,
                code: &str,
            ) -> AppResult<Option<StoreRecord>> {
                let mut conn = self.read_conn()?;
                reads::by_code(&mut conn, "stores", t, code, reads::store).await
            }
            async fn stores_by_codes(
                &mut self,
                t: TenantId,
                codes: &[String],
            ) -> AppResult<Vec<StoreRecord>> {
                let mut conn = self.read_conn()?;
                reads::by_codes(&mut conn, "stores", t, codes, reads::store).await
            }
            async fn stores(
                &mut self,
                t: TenantId,
                filter: &StoreFilter,
                q: &ListQuery,
            ) -> AppResult<Page<StoreRecord>> {
                let mut conn = self.read_conn()?;
                let filters = reads::store_filters(filter);
                reads::list(&mut conn, "stores", t, filters, q, reads::store, |r| {
                    r.id.to_string()
                })
                .await
            }
            async fn payment_method_by_code(
                &mut self,
                t: TenantId,
                code: &str,
            ) -> AppResult<Option<PaymentMethod>> {
                let mut conn = self.read_conn()?;
                reads::by_code(&mut conn, "payment_methods", t, code, reads::payment_method).await
            }
            async fn payment_methods_by_codes(
                &mut self,
                t: TenantId,
                codes: &[String],
            ) -> AppResult<Vec<PaymentMethod>> {
                let mut conn = self.read_conn()?;
                reads::by_codes(
                    &mut conn,
                    "payment_methods",
                    t,
                    codes,
                    reads::payment_method,
                )
                .await
            }
            async fn payment_methods(
                &mut self,
                t: TenantId,
                q: &ListQuery,
            ) -> AppResult<Page<PaymentMethod>> {
                let mut conn = self.read_conn()?;
                reads::list(
                    &mut conn,
                    "payment_methods",
                    t,
                    vec![],
                    q,
                    reads::payment_method,
                    |r| r.id.to_string(),
                )
                .await
            }
        }
    };
}

impl_master_data_reads!(SqlReader);
impl_master_data_reads!(SqlTx);

#[async_trait]
impl MasterDataWrites for SqlTx {
    async fn insert_categories(&mut self, rows: &[Category]) -> AppResult<()> {
        insert_many(self, "categories", CATEGORY_COLUMNS, rows, category_args).await
    }
    async fn update_category(&mut self, r: &Category) -> AppResult<()> {
        let q = update_row("categories", CATEGORY_COLUMNS, category_args(r));
        self.exec(&q).await.map(|_| ())
    }
    async fn insert_products(&mut self, rows: &[Product]) -> AppResult<()> {
        insert_many(self, "products", PRODUCT_COLUMNS, rows, product_args).await
    }
    async fn update_product(&mut self, r: &Product) -> AppResult<()> {
        let q = update_row("products", PRODUCT_COLUMNS, product_args(r));
        self.exec(&q).await.map(|_| ())
    }
    async fn insert_stores(&mut self, rows: &[StoreRecord]) -> AppResult<()> {
        insert_many(self, "stores", STORE_COLUMNS, rows, store_args).await
    }
    async fn update_store(&mut self, r: &StoreRecord) -> AppResult<()> {
        let q = update_row("stores", STORE_COLUMNS, store_args(r));
        self.exec(&q).await.map(|_| ())
    }
    async fn insert_payment_methods(&mut self, rows: &[PaymentMethod]) -> AppResult<()> {
        insert_many(
            self,
            "payment_methods",
            PAYMENT_METHOD_COLUMNS,
            rows,
            payment_method_args,
        )
        .await
    }
    async fn update_payment_method(&mut self, r: &PaymentMethod) -> AppResult<()> {
        let q = update_row(
            "payment_methods",
            PAYMENT_METHOD_COLUMNS,
            payment_method_args(r),
        );
        self.exec(&q).await.map(|_| ())
    }
}
