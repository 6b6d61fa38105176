//! Reading point records and their relations.

use super::model::{PointRecord, PointRelation};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::Store;
use patron_domain::ids::MemberId;
use patron_domain::rbac::Permission;

/// A member's records, newest first.
pub async fn of_member(
    store: &dyn Store,
    ctx: &Ctx,
    member: MemberId,
    q: &ListQuery,
) -> AppResult<Page<PointRecord>> {
    ctx.principal.require(Permission::PointsRead)?;
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    r.member(t, member)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    r.point_records(t, member, q).await
}

/// One record with the relations it takes part in.
pub async fn one(
    store: &dyn Store,
    ctx: &Ctx,
    id: &str,
) -> AppResult<(PointRecord, Vec<PointRelation>)> {
    ctx.principal.require(Permission::PointsRead)?;
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let record = r
        .point_record(t, id)
        .await?
        .ok_or(AppError::NotFound("point record"))?;
    let relations = r.relations_of(t, id).await?;
    Ok((record, relations))
}
