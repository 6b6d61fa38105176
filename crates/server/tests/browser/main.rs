//! The console in a real browser: headless Chromium driven through chromedriver.
//!
//! Slow, so only on SQLite (the store is tested on both databases by the `api` tests). Needs
//! chromedriver and Chromium (Debian: `chromium`, `chromium-driver`); `PATRON_SKIP_BROWSER=1`
//! skips these tests where they are missing. One test binary, so the workspace links it once.

mod driver;

mod console;
mod coupons;
mod groups;
mod loyalty;
mod master_data;
mod members;
mod points;
