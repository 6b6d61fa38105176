//! A dry run of an order (issue: simulation a): what it would earn, line by line and rule by rule,
//! and what it would do to the member's tier, computed exactly as accepting it would, with
//! nothing written.

use super::earn::firings;
use super::resolve::prepare;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::members::model::MemberAccount;
use crate::pii::Pii;
use crate::ports::Store;
use crate::tiers::upgrade::{rank_of, values, Pending};
use patron_domain::loyalty::upgrade::upgrade_rule;
use patron_domain::orders::input::NewOrder;
use patron_domain::points::rule::Earned;
use patron_domain::rbac::Permission;

#[derive(Debug, Clone)]
pub struct Simulation {
    pub member: Option<MemberAccount>,
    /// Per line and rule; `line` indexes the order's lines.
    pub firings: Vec<Earned<String>>,
    pub current_tier: Option<String>,
    /// The tier and rule the order would upgrade to.
    pub upgrade: Option<(String, String)>,
}

pub async fn simulate(
    store: &dyn Store,
    ctx: &Ctx,
    pii: &Pii,
    order: NewOrder,
) -> AppResult<Simulation> {
    ctx.principal.require(Permission::OrdersRead)?;
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let at_ms = order.ordered_at_ms;
    let p = prepare(&mut *r, pii, t, order).await?;
    let Some(member) = p.member.clone() else {
        return Ok(Simulation {
            member: None,
            firings: Vec::new(),
            current_tier: None,
            upgrade: None,
        });
    };
    let current_tier = r.active_tier_record(t, member.id).await?.map(|x| x.tier_id);
    let fired = firings(&p, current_tier.as_deref().unwrap_or_default());
    let mut pending = Pending {
        spend_fen: p.order.paid_fen,
        purchases: 1,
        ..Pending::default()
    };
    for e in fired.iter().filter(|e| e.counts_for_upgrade) {
        *pending.points.entry(e.point_group.clone()).or_default() += e.points;
    }
    let candidates = values(&mut *r, &member, &p.rules, at_ms, &pending).await?;
    let upgrade = upgrade_rule(rank_of(&p.rules, current_tier.as_deref()), &candidates)
        .map(|rule| (rule.key.tier_id.to_string(), rule.key.id.to_string()));
    Ok(Simulation {
        member: Some(member),
        firings: fired,
        current_tier,
        upgrade,
    })
}
