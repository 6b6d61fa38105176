//! Patron's storage: the store ports of `patron-app` implemented once, in SQL that SQLite and
//! PostgreSQL both accept, over sqlx's `Any` driver. The dialects differ only in the migrations
//! (identity columns, BLOB/BYTEA) and in connection set-up; see `docs/adr/0002-storage.md`.

mod card_blocks;
mod connect;
mod coupons;
mod error;
mod groups;
mod jobs;
mod lite;
mod loyalty;
mod master_data;
mod members;
mod orders;
mod point_rules;
mod points;
mod reads;
mod row;
mod rows;
mod sql;
mod tiers;
mod writer;
mod writes;

pub use connect::{redact, Backend, SqlStore, StoreOptions};
