//! Base point rules (§10.1): their configuration, and the enabled rules orders earn under.

pub mod model;
