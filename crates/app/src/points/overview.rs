//! What the console shows of a member's points: the accounts with their point groups' names,
//! and one record with the records it is related to (which earnings a deduction was taken
//! from, or which deductions took from an earning).

use super::model::{PointRecord, PointRelation};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::members::model::{MemberAccount, Named, PointAccount};
use crate::ports::Store;
use patron_domain::ids::MemberId;
use patron_domain::rbac::Permission;

/// An account and its point group's name.
#[derive(Debug, Clone)]
pub struct NamedAccount {
    pub account: PointAccount,
    pub group_name: String,
}

#[derive(Debug, Clone)]
pub struct MemberPoints {
    pub member: MemberAccount,
    pub accounts: Vec<NamedAccount>,
}

/// The member and its accounts; for those who read points or adjust them (the adjustment form
/// offers the accounts).
pub async fn of_member(store: &dyn Store, ctx: &Ctx, member: MemberId) -> AppResult<MemberPoints> {
    let p = &ctx.principal;
    if !p.permissions.contains(Permission::PointsAdjust) {
        p.require(Permission::PointsRead)?;
    }
    let t = p.tenant()?;
    let mut r = store.reader().await?;
    let member = r
        .member(t, member)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    let accounts = r.point_accounts_of(t, member.id).await?;
    let ids: Vec<String> = accounts.iter().map(|a| a.point_group_id.clone()).collect();
    let names = r.named(t, Named::PointGroup, &ids).await?;
    let accounts = accounts
        .into_iter()
        .map(|account| NamedAccount {
            group_name: names
                .iter()
                .find(|n| n.id == account.point_group_id)
                .map_or_else(|| account.point_group_id.clone(), |n| n.name.clone()),
            account,
        })
        .collect();
    Ok(MemberPoints { member, accounts })
}

/// A relation and the record at its other end.
#[derive(Debug, Clone)]
pub struct Related {
    pub relation: PointRelation,
    pub other: Option<PointRecord>,
}

#[derive(Debug, Clone)]
pub struct RecordDetail {
    pub record: PointRecord,
    pub group_name: String,
    /// The record is a deduction (or debt): the earnings it took from.
    pub sources: Vec<Related>,
    /// The record is an earning: the deductions that took from it.
    pub takers: Vec<Related>,
}

pub async fn detail(store: &dyn Store, ctx: &Ctx, id: &str) -> AppResult<RecordDetail> {
    ctx.principal.require(Permission::PointsRead)?;
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let record = r
        .point_record(t, id)
        .await?
        .ok_or(AppError::NotFound("point record"))?;
    let group_name = r
        .named(
            t,
            Named::PointGroup,
            std::slice::from_ref(&record.point_group_id),
        )
        .await?
        .pop()
        .map_or_else(|| record.point_group_id.clone(), |n| n.name);
    let (mut sources, mut takers) = (Vec::new(), Vec::new());
    for relation in r.relations_of(t, id).await? {
        let is_target = relation.target_record_id == record.id;
        let other_id = if is_target {
            &relation.source_record_id
        } else {
            &relation.target_record_id
        };
        let other = r.point_record(t, other_id).await?;
        let related = Related { relation, other };
        if is_target {
            sources.push(related);
        } else {
            takers.push(related);
        }
    }
    Ok(RecordDetail {
        record,
        group_name,
        sources,
        takers,
    })
}
