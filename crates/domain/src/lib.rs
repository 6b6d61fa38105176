//! Patron's domain: the rules of the product as plain values and functions.
//!
//! Nothing here performs IO, reads the clock or knows about HTTP or SQL. Time comes in as a
//! value (`now_ms`, unix milliseconds UTC), so every rule can be tested without a database.

pub mod api_key;
pub mod channel;
pub mod coupons;
pub mod error;
pub mod groups;
pub mod idempotency;
pub mod ids;
pub mod jobs;
pub mod login;
pub mod loyalty;
pub mod master_data;
pub mod member;
pub mod money;
pub mod orders;
pub mod person;
pub mod points;
pub mod rbac;
pub mod tenant;
pub mod text;
pub mod user;

pub use error::ValidationError;
