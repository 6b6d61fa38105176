//! Storage of programs, point groups, cost centers, tiers and tier rules.

use crate::reads::{ReadConn, SqlReader};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::ports::{LoyaltyReads, LoyaltyWrites};

/// Implements the reads for the pooled reader and for the write transaction alike.
macro_rules! impl_loyalty_reads {
    ($ty:ty) => {
        #[async_trait]
        impl LoyaltyReads for $ty {}
    };
}

impl_loyalty_reads!(SqlReader);
impl_loyalty_reads!(SqlTx);

#[async_trait]
impl LoyaltyWrites for SqlTx {}

#[allow(dead_code)]
fn _uses(_: &mut dyn ReadConn) {}
