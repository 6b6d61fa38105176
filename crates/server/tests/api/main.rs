//! The server through its HTTP API and console pages, each store test on SQLite and PostgreSQL.
//!
//! One test binary of many modules, so the workspace links it once instead of once a file.

mod audit_log;
mod console;
mod coupon_console;
mod coupons;
mod customer_transactions;
mod errors;
mod groups;
mod idempotency;
mod imports;
mod isolation;
mod jobs;
mod ledger_properties;
mod loyalty;
mod master_data;
mod members;
mod observability;
mod orders;
mod point_rule_groups;
mod point_rule_simulation;
mod point_rules;
mod points;
mod routes;
mod sessions;
mod transactions;
mod users_roles;
