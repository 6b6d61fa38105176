//! `/console/coupons/rules`: the coupon rules (§11.2 list), searched by name or rule number and
//! filtered by type, rule status and approval status; three "create now" cards; and the row
//! actions each state allows (§11.3): submit, copy, unpublish, publish and delete. The same
//! action routes serve the detail page's footer, which passes `back` to return to it.

use super::text;
use super::RULES;
use crate::auth::perm;
use crate::console::form::{describe, CsrfForm, Errors};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::pages::Choice;
use crate::console::render::{redirect_with_flash, safe_return};
use crate::console::Confirm;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use patron_app::coupons::model::{CouponRule, RuleFilter};
use patron_app::coupons::rules::{self, Step};
use patron_app::AppError;
use patron_domain::coupons::rule::KINDS;
use patron_domain::coupons::status::{ApprovalStatus, RuleStatus};
use patron_domain::rbac::Permission;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(RULES, get(list))
        .route("/console/coupons/rules/{id}/submit", post(submit))
        .route("/console/coupons/rules/{id}/copy", post(copy))
        .route("/console/coupons/rules/{id}/unpublish", post(unpublish))
        .route("/console/coupons/rules/{id}/publish", post(publish))
        .route(
            "/console/coupons/rules/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

#[derive(Debug, Default, Deserialize)]
struct RuleParams {
    search: Option<String>,
    page: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    status: Option<String>,
    approval: Option<String>,
}

/// What a rule's state allows from its row or the detail page's footer.
pub struct Actions {
    pub edit: bool,
    pub submit: bool,
    pub copy: bool,
    pub unpublish: bool,
    pub publish: bool,
    pub issue_more: bool,
    pub delete: bool,
}

impl Actions {
    /// Nothing for a caller without `coupons:manage`.
    pub fn of<P>(c: &Console<P>, r: &CouponRule) -> Self {
        let s = r.state();
        let may = c.may(Permission::CouponsManage);
        Self {
            edit: may && s.edit().is_ok(),
            submit: may && s.submit().is_ok(),
            copy: may && r.status != RuleStatus::Deleted,
            unpublish: may && s.unpublish().is_ok(),
            publish: may && s.publish().is_ok(),
            issue_more: may && s.published().is_ok(),
            delete: may && s.delete().is_ok(),
        }
    }
}

struct Row {
    id: String,
    name: String,
    rule_no: String,
    kind: String,
    benefit: String,
    approval: &'static str,
    approval_label: String,
    status: &'static str,
    status_label: String,
    validity: String,
    a: Actions,
}

/// A "create now" card (立即创建).
struct Card {
    kind: &'static str,
    title: String,
    example: String,
}

#[derive(Template)]
#[template(path = "coupons/rules.html")]
struct ListPage {
    l: Layout,
    search: String,
    types: Vec<Choice>,
    statuses: Vec<Choice>,
    approvals: Vec<Choice>,
    cards: Vec<Card>,
    rows: Vec<Row>,
    pager: Pager,
    /// The current list address, to come back to after an action.
    here: String,
}

/// Options of a filter: "all" first; `known` chooses the selected value.
fn options(all: String, values: Vec<(String, String)>, chosen: &str) -> Vec<Choice> {
    let mut out = vec![Choice::new("", all, chosen.is_empty())];
    out.extend(values.into_iter().map(|(v, label)| {
        let selected = v == chosen;
        Choice::new(v, label, selected)
    }));
    out
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::CouponsRead>,
    Query(p): Query<RuleParams>,
) -> Response {
    let lp = ListParams {
        search: p.search.clone(),
        page: p.page.clone(),
    };
    // Unknown filter values show every rule rather than an error page.
    let kind = p
        .kind
        .as_deref()
        .filter(|k| KINDS.contains(k))
        .map(str::to_string);
    let status = p.status.as_deref().and_then(RuleStatus::parse);
    let approval = p.approval.as_deref().and_then(ApprovalStatus::parse);
    let f = RuleFilter {
        coupon_type: kind.clone(),
        status,
        approval,
    };
    let found = match rules::list(&*state.store, &c.ctx, &f, &lp.query()).await {
        Ok(found) => found,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<Row> = found
        .items
        .iter()
        .map(|r| Row {
            id: r.id.clone(),
            name: r.spec.name.clone(),
            rule_no: r.rule_no.clone(),
            kind: text::type_label(c.tr, r.terms().benefit.kind()),
            benefit: text::benefit(c.tr, r.terms()),
            approval: r.approval.as_str(),
            approval_label: text::approval_label(c.tr, r.approval),
            status: r.status.as_str(),
            status_label: text::status_label(c.tr, r.status),
            validity: text::validity_type_label(c.tr, r.terms().validity.kind()),
            a: Actions::of(&c, r),
        })
        .collect();
    let search = lp.search();
    let kind = kind.unwrap_or_default();
    let status = status.map(RuleStatus::as_str).unwrap_or_default();
    let approval = approval.map(ApprovalStatus::as_str).unwrap_or_default();
    let pager = Pager::new(
        c.tr,
        RULES,
        &[
            ("search", &search),
            ("type", &kind),
            ("status", status),
            ("approval", approval),
        ],
        lp.page(),
        rows.len(),
        found.total,
    );
    let cards = if c.may(Permission::CouponsManage) {
        KINDS
            .iter()
            .map(|k| Card {
                kind: k,
                title: text::type_label(c.tr, k),
                example: c.t(&format!("coupons.card_{k}")).to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = ListPage {
        l: c.layout("coupons.rules_title", "coupon_rules"),
        types: options(
            c.t("coupons.all_types").to_string(),
            KINDS
                .iter()
                .map(|k| (k.to_string(), text::type_label(c.tr, k)))
                .collect(),
            &kind,
        ),
        statuses: options(
            c.t("coupons.all_statuses").to_string(),
            RuleStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), text::status_label(c.tr, *s)))
                .collect(),
            status,
        ),
        approvals: options(
            c.t("coupons.all_approvals").to_string(),
            ApprovalStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), text::approval_label(c.tr, *s)))
                .collect(),
            approval,
        ),
        cards,
        rows,
        pager,
        here: c.here.clone(),
        search,
    };
    c.page(StatusCode::OK, &page)
}

/// Where to go after an action: the page that posted it (`back`), else the list.
fn back(f: &crate::console::form::FormData) -> String {
    let asked = f.get("back");
    safe_return(&asked)
        .map(str::to_string)
        .unwrap_or_else(|| RULES.to_string())
}

async fn take(
    state: &AppState,
    c: &Console<perm::CouponsManage>,
    id: &str,
    step: Step,
    to: &str,
    flash: &'static str,
) -> Response {
    let result = async {
        let mut tx = state.store.begin().await?;
        rules::step(&mut *tx, &c.ctx, id, step, None).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(to, flash),
        Err(e) => c.fail(e),
    }
}

async fn submit(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let to = back(&f);
    take(
        &state,
        &c,
        &id,
        Step::Submit,
        &to,
        "flash.coupon_rule_submitted",
    )
    .await
}

async fn unpublish(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let to = back(&f);
    take(
        &state,
        &c,
        &id,
        Step::Unpublish,
        &to,
        "flash.coupon_rule_unpublished",
    )
    .await
}

async fn publish(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let to = back(&f);
    take(
        &state,
        &c,
        &id,
        Step::Publish,
        &to,
        "flash.coupon_rule_published",
    )
    .await
}

/// A copy is a new draft: it opens in the form, to change what the copy was made for.
async fn copy(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let result = async {
        let mut tx = state.store.begin().await?;
        let copy = rules::copy(&mut *tx, &c.ctx, &id).await?;
        tx.commit().await?;
        Ok::<_, AppError>(copy)
    }
    .await;
    match result {
        Ok(copy) => redirect_with_flash(
            &format!("{RULES}/{}/edit", copy.id),
            "flash.coupon_rule_copied",
        ),
        Err(e) => c.fail(e),
    }
}

fn confirm_page(c: &Console<perm::CouponsManage>, r: &CouponRule, errors: Errors) -> Confirm {
    Confirm {
        l: c.layout("coupons.delete_title", "coupon_rules"),
        message: c.tr.tf(
            "coupons.delete_confirm",
            &[("name", &r.spec.name), ("rule_no", &r.rule_no)],
        ),
        action: format!("{RULES}/{}/delete", r.id),
        button: c.t("action.delete"),
        cancel: RULES.to_string(),
        errors,
    }
}

async fn confirm_delete(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
) -> Response {
    match rules::get(&*state.store, &c.ctx, &id).await {
        Ok(r) => c.page(StatusCode::OK, &confirm_page(&c, &r, Errors::none())),
        Err(e) => c.fail(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let rule = match rules::get(&*state.store, &c.ctx, &id).await {
        Ok(r) => r,
        Err(e) => return c.fail(e),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        rules::step(&mut *tx, &c.ctx, &id, Step::Delete, None).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(RULES, "flash.coupon_rule_deleted"),
        // A rule that cannot be deleted (coupons handed out meanwhile) says so on the page.
        Err(e @ AppError::Conflict { .. }) => {
            let errors = Errors::banner(describe(c.tr, &e));
            c.page(StatusCode::CONFLICT, &confirm_page(&c, &rule, errors))
        }
        Err(e) => c.fail(e),
    }
}
