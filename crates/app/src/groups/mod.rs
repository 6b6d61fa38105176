//! Store groups and product groups (marketing-analytics-admin §3–4).

pub mod model;
