//! Base point rules (§10.1): their configuration, and the enabled rules orders earn under.

mod check;
pub mod config;
pub mod model;
pub mod simulate;

pub use config::DescribedRule;
