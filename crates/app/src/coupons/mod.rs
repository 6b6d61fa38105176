//! The coupon center (loyalty-core §11): rules, their approval and stock, coupons, transfers.
