//! The coupon center (loyalty-core §11): rules, their approval and stock, coupons, transfers.

pub mod check;
pub mod demo;
pub mod issue;
pub mod model;
pub mod read;
pub mod redeem;
pub mod rules;
pub mod transfer;
