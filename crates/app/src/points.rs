//! The points ledger (loyalty-core §10): posting records to point accounts with their relations
//! and balances in one transaction, manual adjustments, and reading records.
//!
//! The rules live in `patron_domain::points`; this module loads an account's ledger state inside
//! the transaction (after taking the account, so postings to it run one after another), applies
//! one operation, and writes exactly what the operation says.

pub mod adjust;
pub mod behavior;
pub mod ledger;
pub mod model;
pub mod overview;
pub mod records;
pub mod redeem;
pub mod verify;
