//! The console's pages, one module per resource, each exposing `router()`; and what several of
//! them share (role names, select options).

pub mod account;
pub mod api_keys;
pub mod audit;
pub mod coupons;
pub mod groups;
pub mod home;
pub mod jobs;
pub mod login;
pub mod loyalty;
pub mod master_data;
pub mod matrix;
pub mod members;
pub mod orders;
pub mod points;
pub mod roles;
pub mod settings;
pub mod tenants;
pub mod user_admin;
pub mod users;

use super::i18n::Tr;
use crate::state::AppState;
use patron_app::model::Role;
use patron_app::{AppResult, Ctx};

/// One option of a `<select>` or one box of a checkbox list.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            selected,
        }
    }
}

/// Every role of the caller's tenant, to name the roles of users and keys and offer them in forms.
pub async fn tenant_roles(state: &AppState, ctx: &Ctx) -> AppResult<Vec<Role>> {
    patron_app::roles::all(&*state.store, ctx).await
}

/// A role's name in the user's language: built-in roles have names in both.
pub fn role_label(tr: Tr, role: &Role) -> String {
    match role.builtin {
        Some(b) => tr.pick(b.names()).to_string(),
        None => role.name.clone(),
    }
}

/// Time zones offered in tenant forms: where Patron's customers are. Any other IANA zone already
/// saved is added to the list so editing never changes it by accident.
const TIME_ZONES: &[&str] = &[
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Macau",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Manila",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "UTC",
];

pub fn zone_choices(current: &str) -> Vec<Choice> {
    let mut zones: Vec<&str> = TIME_ZONES.to_vec();
    if !current.is_empty() && !zones.contains(&current) {
        zones.insert(0, current);
    }
    zones
        .into_iter()
        .map(|z| Choice::new(z, z, z == current))
        .collect()
}

/// The language options of a user form.
pub fn locale_choices(tr: Tr, current: &str) -> Vec<Choice> {
    [("en", "lang.en"), ("zh-CN", "lang.zh")]
        .into_iter()
        .map(|(v, k)| Choice::new(v, tr.t(k), v == current))
        .collect()
}
