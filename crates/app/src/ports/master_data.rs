//! Store ports for product categories, products, stores and payment methods.

use async_trait::async_trait;

/// Reads of product categories, products, stores and payment methods.
#[async_trait]
pub trait MasterDataReads: Send {}

/// Writes of product categories, products, stores and payment methods, inside a transaction.
#[async_trait]
pub trait MasterDataWrites: Send {}
