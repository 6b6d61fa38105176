//! Reading groups, their members and the picker's candidates.

use super::model::{Candidate, Group, GroupDetail, Member};
use super::of_kind;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::model::{ListQuery, Page};
use crate::ports::Store;
use patron_domain::groups::GroupKind;
use patron_domain::rbac::Permission;

/// The tenant's groups of `kind`, newest first, searched by name.
pub async fn list(
    store: &dyn Store,
    ctx: &Ctx,
    kind: GroupKind,
    q: &ListQuery,
) -> AppResult<Page<Group>> {
    ctx.principal.require(Permission::GroupsRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.groups(t, Some(kind), q).await
}

pub async fn get(
    store: &dyn Store,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
) -> AppResult<GroupDetail> {
    ctx.principal.require(Permission::GroupsRead)?;
    let t = ctx.principal.tenant()?;
    let mut reader = store.reader().await?;
    let group = of_kind(reader.group(t, id).await?, kind)?;
    let member_count = reader.group_member_count(t, id).await?;
    Ok(GroupDetail {
        group,
        member_count,
    })
}

/// The group's members by code, searched by code or name.
pub async fn members(
    store: &dyn Store,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    q: &ListQuery,
) -> AppResult<Page<Member>> {
    ctx.principal.require(Permission::GroupsRead)?;
    let t = ctx.principal.tenant()?;
    let mut reader = store.reader().await?;
    of_kind(reader.group(t, id).await?, kind)?;
    reader.group_members(t, kind, id, q).await
}

/// The stores (products) not in the group yet, by code, searched by code or name: the left
/// pane of the editor (§3.3).
pub async fn candidates(
    store: &dyn Store,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    q: &ListQuery,
) -> AppResult<Page<Candidate>> {
    ctx.principal.require(Permission::GroupsRead)?;
    let t = ctx.principal.tenant()?;
    let mut reader = store.reader().await?;
    of_kind(reader.group(t, id).await?, kind)?;
    reader.group_candidates(t, kind, id, q).await
}
