//! Patron's use cases. Each one takes the caller's context and typed input, applies the domain
//! rules and writes through the store ports inside one transaction, together with its audit
//! entry. The store is a trait object here: this crate knows nothing of SQL.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod clock;
pub mod context;
pub mod coupons;
pub mod error;
pub mod groups;
pub mod idempotency;
pub mod jobs;
pub mod loyalty;
pub mod master_data;
pub mod members;
pub mod model;
pub mod orders;
pub mod pii;
pub mod point_rules;
pub mod points;
pub mod ports;
pub mod roles;
pub mod secrets;
pub mod tenants;
pub mod tiers;
pub mod users;

pub use context::{Actor, Ctx, Principal};
pub use error::{AppError, AppResult};
pub use ports::{Reads, Store, Tx};
