//! Store ports for programs, point groups, cost centers, tiers and tier rules.

use async_trait::async_trait;

/// Reads of programs, point groups, cost centers, tiers and tier rules.
#[async_trait]
pub trait LoyaltyReads: Send {}

/// Writes of programs, point groups, cost centers, tiers and tier rules, inside a transaction.
#[async_trait]
pub trait LoyaltyWrites: Send {}
