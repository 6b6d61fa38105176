//! Storage of categories, products, stores and payment methods.

use crate::reads::{ReadConn, SqlReader};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::ports::{MasterDataReads, MasterDataWrites};

/// Implements the reads for the pooled reader and for the write transaction alike.
macro_rules! impl_master_data_reads {
    ($ty:ty) => {
        #[async_trait]
        impl MasterDataReads for $ty {}
    };
}

impl_master_data_reads!(SqlReader);
impl_master_data_reads!(SqlTx);

#[async_trait]
impl MasterDataWrites for SqlTx {}

#[allow(dead_code)]
fn _uses(_: &mut dyn ReadConn) {}
