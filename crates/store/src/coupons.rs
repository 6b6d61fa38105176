//! Storage of the coupon center: rules, their approval and issuance records, coupons, transfers.

use crate::reads::SqlReader;
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::ports::{CouponsReads, CouponsWrites};

#[async_trait]
impl CouponsReads for SqlReader {}
#[async_trait]
impl CouponsReads for SqlTx {}

#[async_trait]
impl CouponsWrites for SqlTx {}
