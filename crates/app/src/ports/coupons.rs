//! Store ports for the coupon center.

use async_trait::async_trait;

#[async_trait]
pub trait CouponsReads: Send {}

#[async_trait]
pub trait CouponsWrites: Send {}
