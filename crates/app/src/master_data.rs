//! Use cases of the master data (spec marketing-analytics-admin §11): product categories,
//! products, stores and payment methods, synced from the brand's systems by external code.

mod batch;
pub(crate) mod demo;
mod edit;
mod model;
mod reads;
mod upsert;

pub use demo::seed_demo;
pub use edit::{set_earns_points, set_product_status, set_store_status};
pub use model::*;
pub use reads::*;
pub use upsert::{upsert_categories, upsert_payment_methods, upsert_products, upsert_stores};
