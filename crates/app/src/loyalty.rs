//! Use cases of the loyalty configuration.

use crate::context::Ctx;
use crate::error::AppResult;
use crate::ports::Store;

/// Adds this area's demo data to the (new) demo tenant; `ctx` acts as its administrator.
pub async fn seed_demo(_store: &dyn Store, _ctx: &Ctx) -> AppResult<()> {
    Ok(())
}
