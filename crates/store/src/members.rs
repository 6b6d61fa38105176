//! Storage of customers, member accounts, tier records, point accounts, bindings and imports.

use crate::reads::{ReadConn, SqlReader};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::ports::{MembersReads, MembersWrites};

/// Implements the reads for the pooled reader and for the write transaction alike.
macro_rules! impl_members_reads {
    ($ty:ty) => {
        #[async_trait]
        impl MembersReads for $ty {}
    };
}

impl_members_reads!(SqlReader);
impl_members_reads!(SqlTx);

#[async_trait]
impl MembersWrites for SqlTx {}

#[allow(dead_code)]
fn _uses(_: &mut dyn ReadConn) {}
