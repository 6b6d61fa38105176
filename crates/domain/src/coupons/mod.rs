//! The coupon center (loyalty-core §11): what a coupon rule is, when a coupon may be used on an
//! order and for how much, how codes are made and checked, and the states rules, coupons and
//! transfers go through.

pub mod code;
pub mod rule;
pub mod rule_input;
pub mod status;
pub mod usage;
pub mod validity;
