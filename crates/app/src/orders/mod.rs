//! The transaction center (§9): accepting orders and refunds from every channel, the points
//! they earn or reverse, and the tier check that follows.

pub mod accept;
pub mod config_cache;
pub mod demo;
pub mod desk;
pub mod earn;
pub mod model;
pub mod points_used;
pub mod read;
pub mod refund;
pub mod resolve;
pub mod simulate;
pub mod together;
