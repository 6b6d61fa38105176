//! Store ports for customers, member accounts, tier records, point accounts, channel bindings and imports.

use async_trait::async_trait;

/// Reads of customers, member accounts, tier records, point accounts, channel bindings and imports.
#[async_trait]
pub trait MembersReads: Send {}

/// Writes of customers, member accounts, tier records, point accounts, channel bindings and imports, inside a transaction.
#[async_trait]
pub trait MembersWrites: Send {}
