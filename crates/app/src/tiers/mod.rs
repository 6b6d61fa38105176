//! The tier engine (§7): upgrades after each purchase or upgradeable record.

pub mod upgrade;
