//! JSON shapes of the loyalty configuration. Range bounds are shown as entered (points and
//! orders as whole numbers, spend in yuan with two decimals) and in minor units.

use crate::views::rfc3339;
use patron_app::loyalty::tiers::validity_input;
use patron_app::loyalty::{CostCenter, PointGroup, Program, Tier, TierRule};
use patron_app::model::Page;
use patron_domain::loyalty::rule::format_value;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramView {
    pub id: String,
    /// Unique in the tenant (俱乐部代号).
    pub code: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Program> for ProgramView {
    fn from(p: &Program) -> Self {
        Self {
            id: p.id.to_string(),
            code: p.code.clone(),
            name: p.name.clone(),
            created_at: rfc3339(p.created_at_ms),
            updated_at: rfc3339(p.updated_at_ms),
        }
    }
}

/// A point group or a cost center.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    pub id: String,
    pub program_id: String,
    /// Unique in the program.
    pub code: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&PointGroup> for EntryView {
    fn from(g: &PointGroup) -> Self {
        Self {
            id: g.id.to_string(),
            program_id: g.program_id.to_string(),
            code: g.code.clone(),
            name: g.name.clone(),
            created_at: rfc3339(g.created_at_ms),
            updated_at: rfc3339(g.updated_at_ms),
        }
    }
}

impl From<&CostCenter> for EntryView {
    fn from(c: &CostCenter) -> Self {
        Self {
            id: c.id.to_string(),
            program_id: c.program_id.to_string(),
            code: c.code.clone(),
            name: c.name.clone(),
            created_at: rfc3339(c.created_at_ms),
            updated_at: rfc3339(c.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierView {
    pub id: String,
    pub program_id: String,
    pub code: String,
    pub name: String,
    /// Higher is better.
    pub rank: i64,
    /// The tier given at enrolment; it never expires.
    pub is_base: bool,
    /// `fixed_period`, `fixed_date`, or null for the base tier.
    pub validity_type: Option<String>,
    pub validity_days: Option<i64>,
    pub validity_years: Option<i64>,
    pub validity_month: Option<i64>,
    pub validity_day: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Tier> for TierView {
    fn from(t: &Tier) -> Self {
        let v = validity_input(&t.validity);
        Self {
            id: t.id.to_string(),
            program_id: t.program_id.to_string(),
            code: t.code.clone(),
            name: t.name.clone(),
            rank: t.rank,
            is_base: t.is_base,
            validity_type: v.kind,
            validity_days: v.days,
            validity_years: v.years,
            validity_month: v.month,
            validity_day: v.day,
            created_at: rfc3339(t.created_at_ms),
            updated_at: rfc3339(t.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierRuleView {
    pub id: String,
    pub program_id: String,
    pub name: String,
    pub tier_id: String,
    /// Set for `accumulated_points` rules.
    pub point_group_id: Option<String>,
    /// `accumulated_points`, `spend_amount` or `purchase_count`.
    pub condition: String,
    /// The window: the last X days.
    pub window_days: i64,
    /// Inclusive start as entered: points, yuan (`300.00`) or orders.
    pub range_start: String,
    /// Exclusive end as entered; null is unbounded.
    pub range_end: Option<String>,
    /// The start in minor units: points, fen or orders.
    pub range_start_minor: i64,
    pub range_end_minor: Option<i64>,
    pub enabled: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&TierRule> for TierRuleView {
    fn from(r: &TierRule) -> Self {
        Self {
            id: r.id.to_string(),
            program_id: r.program_id.to_string(),
            name: r.name.clone(),
            tier_id: r.tier_id.to_string(),
            point_group_id: r.point_group_id.map(|g| g.to_string()),
            condition: r.condition.as_str().to_string(),
            window_days: r.window_days,
            range_start: format_value(r.condition, r.range.start),
            range_end: r.range.end.map(|e| format_value(r.condition, e)),
            range_start_minor: r.range.start,
            range_end_minor: r.range.end,
            enabled: r.enabled,
            created_at: rfc3339(r.created_at_ms),
            updated_at: rfc3339(r.updated_at_ms),
        }
    }
}

macro_rules! page_view {
    ($name:ident, $item:ty) => {
        /// One page of a list. Pass `next_cursor` as `after` to get the next page.
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub next_cursor: Option<String>,
            /// Rows matching the search, on all pages.
            pub total: u64,
        }

        impl $name {
            pub fn from_page<T>(page: &Page<T>) -> Self
            where
                for<'a> $item: From<&'a T>,
            {
                Self {
                    items: page.items.iter().map(<$item>::from).collect(),
                    next_cursor: page.next_cursor.clone(),
                    total: page.total,
                }
            }
        }
    };
}

page_view!(ProgramPage, ProgramView);
page_view!(EntryPage, EntryView);
page_view!(TierPage, TierView);
page_view!(TierRulePage, TierRuleView);
