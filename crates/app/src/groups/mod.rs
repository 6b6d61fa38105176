//! Store groups and product groups (marketing-analytics-admin §3–4).
//!
//! A group is static: its members are the codes added to it, or, for an "all items" group,
//! every store (product) of the tenant at the moment it is enabled. Building happens while it
//! is not enabled; enabling freezes the members, and only then may rules refer to it. Name and
//! description stay editable. Reads need `groups:read`, changes `groups:manage`; every change
//! is audited in its own transaction.

mod config;
pub mod demo;
mod members;
pub mod model;
mod reads;

pub use config::{create, delete, enable, update};
pub use members::{add_members, remove_members};
pub use reads::{candidates, get, list, members};

use crate::error::{AppError, AppResult};
use crate::ports::Reads;
use model::Group;
use patron_domain::groups::GroupKind;
use patron_domain::ids::TenantId;
use patron_domain::ValidationError;

/// Refuses, on `field`, a group a rule may not name: unknown, of the other kind, or not enabled
/// (its members could still change). `None` names no group.
pub async fn usable<R: Reads + ?Sized>(
    r: &mut R,
    t: TenantId,
    id: Option<&str>,
    kind: GroupKind,
    field: &'static str,
) -> AppResult<()> {
    let Some(id) = id else { return Ok(()) };
    let refuse = |code, message: &str| ValidationError::new(field, code, message.to_string());
    match r.group(t, id).await? {
        Some(g) if g.kind == kind && g.enabled() => Ok(()),
        Some(g) if g.kind == kind => Err(refuse(
            "group_not_enabled",
            "the group must be enabled before rules can use it",
        )
        .into()),
        _ => Err(refuse("unknown_group", "is not a group of this kind").into()),
    }
}

/// What a missing group of `kind` is called in a 404.
fn not_found(kind: GroupKind) -> AppError {
    AppError::NotFound(match kind {
        GroupKind::Store => "store group",
        GroupKind::Product => "product group",
    })
}

/// The group if it exists and is of `kind`: a product group's id under the store groups'
/// route is as unknown as an id that names nothing.
fn of_kind(found: Option<Group>, kind: GroupKind) -> AppResult<Group> {
    found
        .filter(|g| g.kind == kind)
        .ok_or_else(|| not_found(kind))
}

fn enabled_conflict() -> AppError {
    AppError::conflict(
        "group_enabled",
        None,
        "the group is enabled: its members are frozen",
    )
}

/// The audit action `{object_type}.{verb}`, e.g. `store_group.enable`.
fn action(kind: GroupKind, verb: &str) -> String {
    format!("{}.{verb}", kind.object_type())
}

fn snapshot(g: &Group) -> serde_json::Value {
    serde_json::json!({
        "kind": g.kind.as_str(), "name": g.name, "description": g.description,
        "all_items": g.all_items, "enabled_at_ms": g.enabled_at_ms,
    })
}
