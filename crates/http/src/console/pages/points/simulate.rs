//! `/console/points/rules/{id}/simulate?days=30`: a point rule run over the last days of real
//! orders, beside what the rules issued for them: totals, a table by store (with a bar per store
//! comparing current and draft points) and a table by cost center. Nothing is written.

use super::rules::{status_key, BASE};
use crate::auth::perm;
use crate::console::form::Errors;
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::point_rules::config;
use patron_app::point_rules::simulate::{simulate, RuleSimulation};
use patron_app::AppError;
use patron_domain::points::simulation::MAX_DAYS;
use serde::Deserialize;

const DEFAULT_DAYS: i64 = 30;

pub fn router() -> Router<AppState> {
    Router::new().route("/console/points/rules/{id}/simulate", get(page))
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    days: Option<String>,
}

/// A number and its difference, ready to show.
struct Figures {
    current: i64,
    draft: i64,
    /// `draft − current`, signed ("+12", "-3", "0").
    delta: String,
    /// `up`, `down` or `same`, for the colour.
    trend: &'static str,
}

impl Figures {
    fn new(current: i64, draft: i64) -> Self {
        let d = draft - current;
        Self {
            current,
            draft,
            delta: if d > 0 {
                format!("+{d}")
            } else {
                d.to_string()
            },
            trend: match d.cmp(&0) {
                std::cmp::Ordering::Greater => "up",
                std::cmp::Ordering::Less => "down",
                std::cmp::Ordering::Equal => "same",
            },
        }
    }
}

struct StoreLine {
    code: String,
    name: String,
    orders: i64,
    fired_orders: i64,
    f: Figures,
    /// Bar widths in 5% steps of the largest figure of any store (the stylesheet's `w0`…`w100`).
    current_width: i64,
    draft_width: i64,
}

struct CenterLine {
    code: String,
    name: String,
    f: Figures,
}

struct Outcome {
    window: String,
    orders: i64,
    fired_orders: i64,
    total: Figures,
    stores: Vec<StoreLine>,
    centers: Vec<CenterLine>,
}

#[derive(Template)]
#[template(path = "points/simulate.html")]
struct SimulatePage {
    l: Layout,
    base: &'static str,
    id: String,
    name: String,
    status: &'static str,
    status_label: String,
    description: String,
    days: String,
    max_days: i64,
    errors: Errors,
    outcome: Option<Outcome>,
}

/// `value` of `max` as a width class step (0, 5, …, 100); anything above nothing shows.
fn width(value: i64, max: i64) -> i64 {
    if value <= 0 || max <= 0 {
        return 0;
    }
    let step = (value.saturating_mul(20) + max - 1) / max;
    step.clamp(1, 20) * 5
}

fn outcome<P>(c: &Console<P>, s: &RuleSimulation) -> Outcome {
    let max = s
        .stores
        .iter()
        .map(|x| x.current_points.max(x.draft_points))
        .max()
        .unwrap_or(0);
    Outcome {
        window: format!("{} – {}", c.when(s.from_ms), c.when(s.to_ms)),
        orders: s.orders,
        fired_orders: s.fired_orders,
        total: Figures::new(s.current_points, s.draft_points),
        stores: s
            .stores
            .iter()
            .map(|x| StoreLine {
                code: x.code.clone(),
                name: x.name.clone(),
                orders: x.orders,
                fired_orders: x.fired_orders,
                f: Figures::new(x.current_points, x.draft_points),
                current_width: width(x.current_points, max),
                draft_width: width(x.draft_points, max),
            })
            .collect(),
        centers: s
            .cost_centers
            .iter()
            .map(|x| CenterLine {
                code: if x.cost_center_id.is_some() {
                    x.code.clone()
                } else {
                    c.t("points.simulate_no_cost_center").to_string()
                },
                name: x.name.clone(),
                f: Figures::new(x.current_points, x.draft_points),
            })
            .collect(),
    }
}

async fn page(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    let rule = match config::get(&*state.store, &c.ctx, &id).await {
        Ok(r) => r,
        Err(e) => return c.fail(e),
    };
    let typed = params
        .days
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or_else(|| DEFAULT_DAYS.to_string(), str::to_string);
    let invalid = || Errors::field("days", c.t("points.simulate_days_invalid").to_string());
    let (status, errors, outcome) = match typed.parse::<i64>() {
        Err(_) => (StatusCode::UNPROCESSABLE_ENTITY, invalid(), None),
        Ok(days) => match simulate(&*state.store, &c.ctx, &id, days, c.ctx.now_ms).await {
            Ok(s) => (StatusCode::OK, Errors::none(), Some(outcome(&c, &s))),
            Err(AppError::Validation(v)) if v.field == "days" => {
                (StatusCode::UNPROCESSABLE_ENTITY, invalid(), None)
            }
            Err(e) => return c.fail(e),
        },
    };
    let r = &rule.rule;
    let page = SimulatePage {
        l: c.layout("points.simulate_title", "point_rules"),
        base: BASE,
        id: r.id.clone(),
        name: r.name.clone(),
        status: r.status.as_str(),
        status_label: c.t(status_key(r.status)).to_string(),
        description: if c.tr.is_zh() {
            rule.description_zh.clone()
        } else {
            rule.description_en.clone()
        },
        days: typed,
        max_days: MAX_DAYS,
        errors,
        outcome,
    };
    c.page(status, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_come_in_five_percent_steps_and_never_vanish() {
        assert_eq!(width(0, 100), 0);
        assert_eq!(width(100, 100), 100);
        assert_eq!(width(1, 1000), 5, "a little is still visible");
        assert_eq!(width(50, 100), 50);
        assert_eq!(width(51, 100), 55, "rounded up");
        assert_eq!(width(5, 0), 0);
    }

    #[test]
    fn differences_are_signed() {
        assert_eq!(Figures::new(10, 25).delta, "+15");
        assert_eq!(Figures::new(10, 4).delta, "-6");
        assert_eq!(
            (Figures::new(3, 3).delta.as_str(), Figures::new(3, 3).trend),
            ("0", "same")
        );
    }
}
