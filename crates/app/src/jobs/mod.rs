//! The daily jobs (loyalty-core §7): point expiry (§7.5) and tier retention (§7.3), each run
//! once per tenant and business date, from the command line, the schedule of `patron serve`, the
//! console or the API. See `docs/adr/0010-daily-jobs.md`.
//!
//! `runs` claims and records runs; `expire` and `retention` are the jobs, working in batches of
//! one transaction each; `schedule` starts them every day.

pub mod expire;
pub mod expire_coupons;
pub mod model;
pub mod retention;
pub mod runs;
pub mod schedule;
