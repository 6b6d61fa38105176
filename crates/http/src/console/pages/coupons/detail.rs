//! `/console/coupons/rules/{id}`: one rule with the five tabs of §11.5 (basic info, data
//! analysis, its coupons, issuance records, approval records) and the footer actions its state
//! allows; and `/console/coupons/rules/{id}/stock`, the extra issuance form (§11.4).

use super::choices::{self, Choices};
use super::rows::{coupon_rows, CouponRow};
use super::rules::Actions;
use super::{text, RULES};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::pages::loyalty::int_field;
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::coupons::model::{CouponFilter, CouponRule};
use patron_app::coupons::read;
use patron_app::coupons::rules::{self, Dashboard, ExtraStock};
use patron_app::{AppError, AppResult};
use patron_domain::groups::GroupKind;
use patron_domain::money::format_fen;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/coupons/rules/{id}", get(view))
        .route(
            "/console/coupons/rules/{id}/stock",
            get(stock_form).post(add_stock),
        )
}

const TABS: [(&str, &str); 5] = [
    ("basic", "coupons.tab_basic"),
    ("analysis", "coupons.tab_analysis"),
    ("coupons", "coupons.tab_coupons"),
    ("issuances", "coupons.tab_issuances"),
    ("approvals", "coupons.tab_approvals"),
];

#[derive(Debug, Default, Deserialize)]
struct TabParams {
    tab: Option<String>,
    page: Option<String>,
}

struct Fact {
    label: &'static str,
    value: String,
    test: &'static str,
}

/// One figure of the data-analysis tab.
struct Figure {
    label: &'static str,
    value: String,
    test: &'static str,
}

/// The stock as one bar: used, handed out but unused, and left, as width classes (`w0`…`w100`).
struct StockBar {
    used: i64,
    unused: i64,
    left: i64,
}

struct Analysis {
    figures: Vec<Figure>,
    bar: StockBar,
    used: i64,
    unused: i64,
    left: i64,
}

struct IssuanceRow {
    at: String,
    actor: String,
    quantity: i64,
    cost: String,
    reason: String,
}

struct ApprovalRow {
    at: String,
    actor: String,
    decision: String,
    decision_key: String,
    comment: String,
}

struct CouponsTab {
    rows: Vec<CouponRow>,
    pager: Pager,
}

#[derive(Template)]
#[template(path = "coupons/detail.html")]
struct DetailPage {
    l: Layout,
    id: String,
    name: String,
    rule_no: String,
    approval: &'static str,
    approval_label: String,
    status: &'static str,
    status_label: String,
    tab: &'static str,
    tabs: [(&'static str, &'static str); 5],
    facts: Vec<Fact>,
    analysis: Option<Analysis>,
    coupons: Option<CouponsTab>,
    issuances: Vec<IssuanceRow>,
    approvals: Vec<ApprovalRow>,
    a: Actions,
    /// This page, to come back to after a footer action.
    here: String,
}

fn yes_no<P>(c: &Console<P>, v: bool) -> String {
    c.t(if v { "coupons.yes" } else { "coupons.no" })
        .to_string()
}

fn facts<P>(c: &Console<P>, r: &CouponRule, ch: &Choices) -> Vec<Fact> {
    let s = &r.spec;
    let t = &s.terms;
    let fact = |label: &'static str, test: &'static str, value: String| Fact { label, value, test };
    let modes: Vec<&str> = [
        (s.public_claim, "coupons.public_claim"),
        (s.campaign_issue, "coupons.campaign_issue"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, k)| c.t(k))
    .collect();
    vec![
        fact("coupons.rule_no", "rule-no", r.rule_no.clone()),
        fact("coupons.name", "name", s.name.clone()),
        fact(
            "coupons.type",
            "type",
            text::type_label(c.tr, t.benefit.kind()),
        ),
        fact("coupons.benefit", "benefit", text::benefit(c.tr, t)),
        fact(
            "coupons.threshold",
            "threshold",
            t.threshold_fen.map_or_else(
                || c.t("coupons.threshold_none").to_string(),
                |fen| {
                    c.tr.tf("coupons.threshold_text", &[("amount", &format_fen(fen))])
                },
            ),
        ),
        fact(
            "coupons.total_stock",
            "total-stock",
            s.total_stock.to_string(),
        ),
        fact("coupons.handed_out", "issued", r.issued.to_string()),
        fact("coupons.remaining", "remaining", r.remaining().to_string()),
        fact("loyalty.program", "program", ch.program_name(&s.program_id)),
        fact(
            "points.cost_center",
            "cost-center",
            ch.center_name(&s.cost_center_id),
        ),
        fact("coupons.cost", "cost", text::yuan(s.cost_fen)),
        fact(
            "coupons.total_cost",
            "total-cost",
            text::yuan(s.cost_fen.saturating_mul(s.total_stock)),
        ),
        fact(
            "coupons.issue_modes",
            "issue-modes",
            modes.join(c.t("coupons.list_separator")),
        ),
        fact(
            "coupons.validity_type",
            "validity-type",
            text::validity_type_label(c.tr, t.validity.kind()),
        ),
        fact(
            "coupons.validity",
            "validity",
            text::validity(c.tr, &t.validity),
        ),
        fact("coupons.usable", "usable", text::usable(c.tr, &t.usable)),
        fact(
            "coupons.store_group",
            "stores",
            t.store_group.as_deref().map_or_else(
                || c.t("coupons.all_stores").to_string(),
                |g| ch.group_name(GroupKind::Store, g),
            ),
        ),
        fact(
            "coupons.product_group",
            "products",
            t.product_group.as_deref().map_or_else(
                || c.t("coupons.all_products").to_string(),
                |g| ch.group_name(GroupKind::Product, g),
            ),
        ),
        fact(
            "coupons.refund_returns",
            "refund-returns",
            t.refund_returns_days.map_or_else(
                || yes_no(c, false),
                |d| {
                    c.tr.tf("coupons.refund_returns_text", &[("days", &d.to_string())])
                },
            ),
        ),
        fact("coupons.stackable", "stackable", yes_no(c, t.stackable)),
        fact(
            "coupons.transferable",
            "transferable",
            t.transfer_claim_hours.map_or_else(
                || yes_no(c, false),
                |h| {
                    c.tr.tf("coupons.transferable_text", &[("hours", &h.to_string())])
                },
            ),
        ),
        fact(
            "coupons.per_member_limit",
            "per-member-limit",
            s.per_member_limit
                .map_or_else(|| c.t("coupons.no_limit").to_string(), |n| n.to_string()),
        ),
        fact(
            "coupons.instructions",
            "instructions",
            s.instructions.clone(),
        ),
        fact("coupons.created_by", "created-by", r.created_by.clone()),
        fact("field.created_at", "created-at", c.when(r.created_at_ms)),
        fact("coupons.updated_at", "updated-at", c.when(r.updated_at_ms)),
    ]
}

/// `part` of `whole` as a width class step (0, 5, …, 100), rounded to the nearest step; a part
/// above nothing never vanishes.
fn width(part: i64, whole: i64) -> i64 {
    if part <= 0 || whole <= 0 {
        return 0;
    }
    let steps = (part.saturating_mul(20) + whole / 2) / whole;
    steps.clamp(1, 20) * 5
}

fn bar(used: i64, unused: i64, left: i64) -> StockBar {
    let whole = used + unused + left;
    let used_w = width(used, whole);
    let unused_w = width(unused, whole).min(100 - used_w);
    // What is left fills the rest, so the three always make the whole bar.
    let left_w = if left > 0 { 100 - used_w - unused_w } else { 0 };
    StockBar {
        used: used_w,
        unused: unused_w,
        left: left_w,
    }
}

fn analysis(r: &CouponRule, d: &Dashboard) -> Analysis {
    let t = &d.totals;
    let figure =
        |label: &'static str, test: &'static str, value: String| Figure { label, value, test };
    let used = t.used;
    let unused = (r.issued - t.used).max(0);
    let left = d.remaining.max(0);
    Analysis {
        figures: vec![
            figure(
                "coupons.total_stock",
                "total-stock",
                d.total_stock.to_string(),
            ),
            figure("coupons.remaining", "remaining", d.remaining.to_string()),
            figure("coupons.claimers", "claimers", t.claimers.to_string()),
            figure("coupons.users", "users", t.users.to_string()),
            figure(
                "coupons.new_customers",
                "new-customers",
                t.new_customers.to_string(),
            ),
            figure(
                "coupons.old_customers",
                "old-customers",
                t.old_customers.to_string(),
            ),
            figure(
                "coupons.order_total",
                "order-total",
                text::yuan(t.order_total_fen),
            ),
            figure(
                "coupons.coupon_amount",
                "coupon-amount",
                text::yuan(t.deduction_fen),
            ),
            figure(
                "coupons.roi",
                "roi",
                d.roi_hundredths.map_or_else(|| "—".to_string(), format_fen),
            ),
        ],
        bar: bar(used, unused, left),
        used,
        unused,
        left,
    }
}

async fn coupons_tab<P>(
    state: &AppState,
    c: &Console<P>,
    r: &CouponRule,
    page: Option<String>,
) -> AppResult<CouponsTab> {
    let lp = ListParams { search: None, page };
    let f = CouponFilter {
        rule_id: Some(r.id.clone()),
        ..CouponFilter::default()
    };
    let found = read::coupons(&*state.store, &c.ctx, &f, &lp.query()).await?;
    let rows = coupon_rows(state, c, &found.items).await?;
    let pager = Pager::new(
        c.tr,
        &format!("{RULES}/{}", r.id),
        &[("tab", "coupons")],
        lp.page(),
        rows.len(),
        found.total,
    );
    Ok(CouponsTab { rows, pager })
}

async fn view(
    State(state): State<AppState>,
    c: Console<perm::CouponsRead>,
    Path(id): Path<String>,
    Query(q): Query<TabParams>,
) -> Response {
    let tab = TABS
        .iter()
        .map(|(t, _)| *t)
        .find(|t| Some(*t) == q.tab.as_deref())
        .unwrap_or("basic");
    let loaded = async {
        let r = rules::get(&*state.store, &c.ctx, &id).await?;
        let mut page = DetailPage {
            l: c.layout("coupons.rule_title", "coupon_rules"),
            id: r.id.clone(),
            name: r.spec.name.clone(),
            rule_no: r.rule_no.clone(),
            approval: r.approval.as_str(),
            approval_label: text::approval_label(c.tr, r.approval),
            status: r.status.as_str(),
            status_label: text::status_label(c.tr, r.status),
            tab,
            tabs: TABS,
            facts: Vec::new(),
            analysis: None,
            coupons: None,
            issuances: Vec::new(),
            approvals: Vec::new(),
            a: Actions::of(&c, &r),
            here: c.here.clone(),
        };
        match tab {
            "analysis" => {
                let d = rules::dashboard(&*state.store, &c.ctx, &r.id).await?;
                page.analysis = Some(analysis(&r, &d));
            }
            "coupons" => page.coupons = Some(coupons_tab(&state, &c, &r, q.page.clone()).await?),
            "issuances" => {
                page.issuances = rules::issuances(&*state.store, &c.ctx, &r.id)
                    .await?
                    .iter()
                    .map(|i| IssuanceRow {
                        at: c.when(i.at_ms),
                        actor: i.actor.clone(),
                        quantity: i.quantity,
                        cost: text::yuan(i.cost_fen),
                        reason: i.reason.clone(),
                    })
                    .collect();
            }
            "approvals" => {
                page.approvals = rules::approvals(&*state.store, &c.ctx, &r.id)
                    .await?
                    .iter()
                    .map(|a| ApprovalRow {
                        at: c.when(a.at_ms),
                        actor: a.actor.clone(),
                        decision: c.t(&format!("coupons.decision_{}", a.decision)).to_string(),
                        decision_key: a.decision.clone(),
                        comment: a.comment.clone(),
                    })
                    .collect();
            }
            _ => {
                let ch = choices::load(&state, &c).await?;
                page.facts = facts(&c, &r, &ch);
            }
        }
        Ok::<_, AppError>(page)
    }
    .await;
    match loaded {
        Ok(page) => c.page(StatusCode::OK, &page),
        Err(e) => c.fail(e),
    }
}

#[derive(Template)]
#[template(path = "coupons/stock.html")]
struct StockPage {
    l: Layout,
    id: String,
    name: String,
    rule_no: String,
    /// "Stock 200, 150 left".
    stock_now: String,
    f: FormData,
    errors: Errors,
}

const STOCK_FIELDS: &[&str] = &["quantity", "cost", "reason"];

fn stock_page(
    c: &Console<perm::CouponsManage>,
    r: &CouponRule,
    f: FormData,
    errors: Errors,
) -> StockPage {
    StockPage {
        l: c.layout("coupons.stock_title", "coupon_rules"),
        id: r.id.clone(),
        name: r.spec.name.clone(),
        rule_no: r.rule_no.clone(),
        stock_now: c.tr.tf(
            "coupons.stock_now",
            &[
                ("total", &r.spec.total_stock.to_string()),
                ("remaining", &r.remaining().to_string()),
            ],
        ),
        f,
        errors,
    }
}

async fn stock_form(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
) -> Response {
    match rules::get(&*state.store, &c.ctx, &id).await {
        Ok(r) => {
            let f = FormData::new(vec![("cost".into(), format_fen(r.spec.cost_fen))]);
            c.page(StatusCode::OK, &stock_page(&c, &r, f, Errors::none()))
        }
        Err(e) => c.fail(e),
    }
}

async fn add_stock(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let rule = match rules::get(&*state.store, &c.ctx, &id).await {
        Ok(r) => r,
        Err(e) => return c.fail(e),
    };
    let result = async {
        let input = ExtraStock {
            quantity: int_field(&f, "quantity")?.unwrap_or(0),
            cost: f.non_blank("cost"),
            reason: f.get("reason"),
        };
        let mut tx = state.store.begin().await?;
        rules::add_stock(&mut *tx, &c.ctx, &rule.id, &input).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(
            &format!("{RULES}/{}?tab=issuances", rule.id),
            "flash.coupon_stock_added",
        ),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, STOCK_FIELDS);
            let page = stock_page(&c, &rule, f, errors);
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stock_bar_always_adds_up() {
        let b = bar(50, 0, 150);
        assert_eq!((b.used, b.unused, b.left), (25, 0, 75));
        let b = bar(1, 2, 997);
        assert_eq!(
            (b.used, b.unused, b.left),
            (5, 5, 90),
            "a little is still visible"
        );
        let b = bar(33, 33, 34);
        assert_eq!((b.used, b.unused, b.left), (35, 35, 30));
        let b = bar(0, 200, 0);
        assert_eq!((b.used, b.unused, b.left), (0, 100, 0));
        let b = bar(0, 0, 0);
        assert_eq!((b.used, b.unused, b.left), (0, 0, 0));
    }
}
