//! `patron verify`: every point account and every open balance recomputed from the records and
//! relations, compared with what is stored.
//!
//! - an account's `available` is the sum of its records' changes; `accumulated` the sum over the
//!   types §10.5 counts; `expired` the magnitude of its expiries;
//! - an increase record's `remaining` is its value less every relation taking from it (spent,
//!   reversed, expired, or paying back a debt);
//! - a decrease record's `debt` is its magnitude less every relation covering it.
//!
//! Together these say `available = Σ remaining − Σ debt` and that nothing was spent twice.

use super::model::Discrepancy;
use crate::error::AppResult;
use crate::ports::Store;

/// The most discrepancies listed (the check still tells whether there are any).
pub const LIMIT: u32 = 1000;

pub async fn run(store: &dyn Store) -> AppResult<Vec<Discrepancy>> {
    store.reader().await?.point_discrepancies(LIMIT).await
}
