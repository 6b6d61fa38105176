//! Customers and members (loyalty-core §7.1, §8): registration from any channel with one
//! customer per person, profiles with PII sealed at rest, member accounts and their status,
//! channel bindings, and bulk import.

pub mod accounts;
pub mod bindings;
pub mod customers;
pub mod import_file;
pub mod import_rows;
pub mod imports;
pub mod model;
pub mod portrait;
pub mod profile;
pub mod register;

use crate::context::Ctx;
use crate::error::AppResult;
use crate::ports::Store;

/// Adds this area's demo data to the (new) demo tenant; `ctx` acts as its administrator.
pub async fn seed_demo(_store: &dyn Store, _pii: &crate::pii::Pii, _ctx: &Ctx) -> AppResult<()> {
    Ok(())
}
