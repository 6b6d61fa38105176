//! The demo tenant's loyalty configuration: the manual's example (spec §5.2, §5.3).

use super::cost_centers::{self, CostCenterInput};
use super::point_groups::{self, PointGroupInput};
use super::programs::{self, ProgramInput};
use super::rules::{self, RuleInput};
use super::tiers::{self, TierInput};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::ports::{Store, Tx};
use patron_domain::loyalty::tier::ValidityInput;

/// Adds the member club, its point groups, cost centers, four tiers and three tier rules to the
/// (new) demo tenant; `ctx` acts as its administrator.
pub async fn seed_demo(store: &dyn Store, ctx: &Ctx) -> AppResult<()> {
    let mut tx = store.begin().await?;
    fill(&mut *tx, ctx).await?;
    tx.commit().await
}

async fn fill(tx: &mut dyn Tx, ctx: &Ctx) -> AppResult<()> {
    let program = programs::create(
        tx,
        ctx,
        ProgramInput {
            code: "member-club".into(),
            name: "品牌会员计划 Brand member program".into(),
        },
    )
    .await?
    .id;
    let mut points = None;
    for (code, name) in [("points", "积分"), ("growth", "成长值")] {
        let input = PointGroupInput {
            code: code.into(),
            name: name.into(),
        };
        let group = point_groups::create(tx, ctx, program, input).await?;
        points.get_or_insert(group.id);
    }
    for (code, name) in [
        ("membership", "会员成本中心"),
        ("marketing", "营销成本中心"),
    ] {
        let input = CostCenterInput {
            code: code.into(),
            name: name.into(),
        };
        cost_centers::create(tx, ctx, program, input).await?;
    }
    let tiers = [
        ("base", "普通会员", 1, true),
        ("silver", "银卡会员", 2, false),
        ("gold", "金卡会员", 3, false),
        ("platinum", "铂金卡会员", 4, false),
    ];
    let mut ids = Vec::new();
    for (code, name, rank, is_base) in tiers {
        let validity = if is_base {
            ValidityInput::default()
        } else {
            ValidityInput {
                kind: Some("fixed_period".into()),
                days: Some(365),
                ..ValidityInput::default()
            }
        };
        let input = TierInput {
            code: code.into(),
            name: name.into(),
            rank,
            is_base,
            validity,
        };
        ids.push(tiers::create(tx, ctx, program, input).await?.id);
    }
    let rules = [
        ("银卡会员条件", 1, "300", Some("1000")),
        ("金卡会员条件", 2, "1000", Some("5000")),
        ("铂金卡会员条件", 3, "5000", None),
    ];
    for (name, tier, start, end) in rules {
        let input = RuleInput {
            name: name.into(),
            tier_id: ids.get(tier).map(ToString::to_string).unwrap_or_default(),
            point_group_id: points.map(|p| p.to_string()),
            condition: "accumulated_points".into(),
            window_days: 365,
            range_start: start.into(),
            range_end: end.map(str::to_string),
            enabled: true,
        };
        rules::create(tx, ctx, program, input).await?;
    }
    Ok(())
}
