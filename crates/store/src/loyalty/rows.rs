//! Row to record mapping of the loyalty configuration.

use crate::row::Row;
use patron_app::loyalty::{CostCenter, PointGroup, Program, Tier, TierRule};
use patron_app::{AppError, AppResult};
use patron_domain::ids::{CostCenterId, PointGroupId, ProgramId, TenantId, TierId, TierRuleId};
use patron_domain::loyalty::rule::{Condition, Range};
use patron_domain::loyalty::tier::Validity;

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Store(format!("stored {what} '{value}' is not valid"))
}

macro_rules! id {
    ($ty:ty, $row:expr, $col:expr) => {{
        let raw = $row.text($col)?;
        <$ty>::parse(&raw).ok_or_else(|| corrupt($col, &raw))?
    }};
}

fn small(row: &Row, col: &str) -> AppResult<u32> {
    let v = row.i64(col)?;
    u32::try_from(v).map_err(|_| corrupt(col, &v.to_string()))
}

pub(crate) fn program(row: &Row) -> AppResult<Program> {
    Ok(Program {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id!(ProgramId, row, "id"),
        code: row.text("code")?,
        name: row.text("name")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn point_group(row: &Row) -> AppResult<PointGroup> {
    Ok(PointGroup {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id!(PointGroupId, row, "id"),
        program_id: id!(ProgramId, row, "program_id"),
        code: row.text("code")?,
        name: row.text("name")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn cost_center(row: &Row) -> AppResult<CostCenter> {
    Ok(CostCenter {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id!(CostCenterId, row, "id"),
        program_id: id!(ProgramId, row, "program_id"),
        code: row.text("code")?,
        name: row.text("name")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

/// The validity columns (type, days, years, month, day) as a validity; no type = never expires.
pub(crate) fn validity(row: &Row) -> AppResult<Validity> {
    Ok(match row.opt_text("validity_type")?.as_deref() {
        None => Validity::Never,
        Some("fixed_period") => Validity::FixedPeriod {
            days: small(row, "validity_days")?,
        },
        Some("fixed_date") => Validity::FixedDate {
            years: small(row, "validity_years")?,
            month: small(row, "validity_month")?,
            day: small(row, "validity_day")?,
        },
        Some(other) => return Err(corrupt("validity_type", other)),
    })
}

pub(crate) fn tier(row: &Row) -> AppResult<Tier> {
    let validity = validity(row)?;
    Ok(Tier {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id!(TierId, row, "id"),
        program_id: id!(ProgramId, row, "program_id"),
        code: row.text("code")?,
        name: row.text("name")?,
        rank: row.i64("rank")?,
        is_base: row.i64("is_base")? != 0,
        validity,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

/// The validity columns: type, days, years, month, day.
pub(crate) type ValidityColumns = (
    Option<&'static str>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// The validity as its columns.
pub(crate) fn validity_columns(v: &Validity) -> ValidityColumns {
    match *v {
        Validity::Never => (None, None, None, None, None),
        Validity::FixedPeriod { days } => (v.kind(), Some(i64::from(days)), None, None, None),
        Validity::FixedDate { years, month, day } => (
            v.kind(),
            None,
            Some(i64::from(years)),
            Some(i64::from(month)),
            Some(i64::from(day)),
        ),
    }
}

pub(crate) fn tier_rule(row: &Row) -> AppResult<TierRule> {
    let condition = row.text("condition")?;
    let point_group_id = match row.opt_text("point_group_id")? {
        Some(raw) => {
            Some(PointGroupId::parse(&raw).ok_or_else(|| corrupt("point_group_id", &raw))?)
        }
        None => None,
    };
    Ok(TierRule {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id!(TierRuleId, row, "id"),
        program_id: id!(ProgramId, row, "program_id"),
        name: row.text("name")?,
        tier_id: id!(TierId, row, "tier_id"),
        point_group_id,
        condition: Condition::parse(&condition).map_err(|_| corrupt("condition", &condition))?,
        window_days: row.i64("window_days")?,
        range: Range {
            start: row.i64("range_start")?,
            end: row.opt_i64("range_end")?,
        },
        enabled: row.i64("enabled")? != 0,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}
