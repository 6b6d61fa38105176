//! The points ledger's rules (loyalty-core §10): the eleven operation types and how each moves an
//! account's balances, exact earning rates, FIFO allocation of deductions to earning records, and
//! the expiry of points a refund or cancellation returns.
//!
//! Points are whole numbers (`i64`); money is in fen. Nothing here is floating point.

pub mod account;
pub mod describe;
pub mod fifo;
pub mod ledger;
pub mod operation;
pub mod rate;
pub mod rule;
pub mod rule_input;
pub mod simulation;

pub use account::Balances;
pub use fifo::{allocate, allocate_all, returned_expiry, Allocation, Earning, Shortfall};
pub use ledger::{Debt, Ledger, Posting};
pub use operation::{Direction, Operation};
pub use rate::Rate;
