//! Use cases of the loyalty configuration (spec §4.1, §5): programs, then point groups and cost
//! centers, then tiers, then tier rules. Each later record belongs to one program and names
//! only records of that program; nothing is deleted while something still refers to it.

pub mod cost_centers;
mod demo;
pub mod model;
pub mod point_groups;
pub mod programs;
pub mod rules;
pub mod tiers;

pub use demo::seed_demo;
pub use model::{CostCenter, PointGroup, Program, Tier, TierRule, Usage};

use crate::error::{AppError, AppResult};
use crate::ports::Reads;
use patron_domain::ids::{ProgramId, TenantId};

/// The program `id` of tenant `t`, or `NotFound`.
async fn program_of<R: Reads + ?Sized>(
    reads: &mut R,
    t: TenantId,
    id: ProgramId,
) -> AppResult<Program> {
    reads
        .program(t, id)
        .await?
        .ok_or(AppError::NotFound("program"))
}

/// Refuses deleting a record something still refers to, saying what.
fn refuse_in_use(code: &'static str, what: &str, usage: Usage) -> AppResult<()> {
    if usage.total() == 0 {
        return Ok(());
    }
    let parts: Vec<String> = [
        (usage.point_groups, "point groups"),
        (usage.cost_centers, "cost centers"),
        (usage.tiers, "tiers"),
        (usage.tier_rules, "tier rules"),
        (usage.members, "members"),
        (usage.point_accounts, "point accounts"),
        (usage.tier_records, "tier records"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, name)| format!("{n} {name}"))
    .collect();
    Err(AppError::conflict(
        code,
        None,
        format!("the {what} is still used by {}", parts.join(", ")),
    ))
}
