//! The transaction center (loyalty-core §9): what an order or a refund must contain, how a
//! refund is measured against what remains of its original, and which part of an order earns.

pub mod earning;
pub mod input;
pub mod refund;

pub use input::{Direction, DiscountInput, LineInput, NewOrder, OrderInput, PaymentInput};
