//! Customers and members (loyalty-core §7.1, §8): registration from any channel with one
//! customer per person, profiles with PII sealed at rest, member accounts and their status,
//! channel bindings, and bulk import.

pub mod accounts;
pub mod bindings;
pub mod customers;
pub mod demo;
pub mod import_file;
pub mod import_rows;
pub mod imports;
pub mod model;
pub mod newcomers;
pub mod portrait;
pub mod profile;
pub mod register;
pub mod registrar;

use crate::context::Ctx;
use crate::error::AppResult;
use crate::ports::Store;

/// Adds `customers` demo members to the demo program of the (new) demo tenant; `ctx` acts as
/// its administrator.
pub async fn seed_demo(
    store: &dyn Store,
    pii: &crate::pii::Pii,
    ctx: &Ctx,
    customers: u64,
) -> AppResult<()> {
    demo::seed(store, pii, ctx, "member-club", customers).await
}
