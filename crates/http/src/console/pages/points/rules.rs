//! `/console/points/rules`: the tenant's base point rules, searched by name and filtered by
//! status, each shown with its plain-language description; enable and disable buttons. The form
//! lives in `rule_form.rs`.

use crate::auth::perm;
use crate::console::form::CsrfForm;
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::pages::Choice;
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use patron_app::loyalty::programs;
use patron_app::point_rules::config;
use patron_domain::points::rule::RuleStatus;
use patron_domain::rbac::Permission;
use serde::Deserialize;

pub const BASE: &str = "/console/points/rules";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route("/console/points/rules/{id}/enable", post(enable))
        .route("/console/points/rules/{id}/disable", post(disable))
        .merge(super::rule_form::router())
}

#[derive(Debug, Default, Deserialize)]
struct RuleParams {
    search: Option<String>,
    page: Option<String>,
    status: Option<String>,
}

/// The catalogue key of a status's name.
pub fn status_key(s: RuleStatus) -> &'static str {
    match s {
        RuleStatus::Draft => "points.status_draft",
        RuleStatus::Enabled => "points.status_enabled",
        RuleStatus::Disabled => "points.status_disabled",
    }
}

struct Row {
    id: String,
    name: String,
    program: String,
    description: String,
    status: &'static str,
    status_label: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "points/rules_list.html")]
struct ListPage {
    l: Layout,
    base: &'static str,
    search: String,
    statuses: Vec<Choice>,
    rows: Vec<Row>,
    pager: Pager,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Query(params): Query<RuleParams>,
) -> Response {
    let lp = ListParams {
        search: params.search.clone(),
        page: params.page.clone(),
    };
    // A status the list does not know shows every rule rather than an error page.
    let status = params.status.as_deref().and_then(RuleStatus::parse);
    let found = async {
        let page = config::list(&*state.store, &c.ctx, status, &lp.query()).await?;
        let programs = programs::all(&*state.store, &c.ctx).await?;
        Ok::<_, patron_app::AppError>((page, programs))
    }
    .await;
    let (page, programs) = match found {
        Ok(f) => f,
        Err(e) => return c.fail(e),
    };
    let zh = c.tr.is_zh();
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|d| Row {
            id: d.rule.id.clone(),
            name: d.rule.name.clone(),
            program: programs
                .iter()
                .find(|p| p.id.to_string() == d.rule.program_id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            description: if zh {
                d.description_zh.clone()
            } else {
                d.description_en.clone()
            },
            status: d.rule.status.as_str(),
            status_label: c.t(status_key(d.rule.status)).to_string(),
            updated: c.when(d.rule.updated_at_ms),
        })
        .collect();
    let search = lp.search();
    let status_value = status.map(RuleStatus::as_str).unwrap_or_default();
    let pager = Pager::new(
        c.tr,
        BASE,
        &[("search", &search), ("status", status_value)],
        lp.page(),
        rows.len(),
        page.total,
    );
    let mut statuses = vec![Choice::new("", c.t("points.status_all"), status.is_none())];
    for s in [RuleStatus::Draft, RuleStatus::Enabled, RuleStatus::Disabled] {
        statuses.push(Choice::new(
            s.as_str(),
            c.t(status_key(s)),
            status == Some(s),
        ));
    }
    let page = ListPage {
        l: c.layout("points.rules_title", "point_rules"),
        base: BASE,
        search,
        statuses,
        rows,
        pager,
        can_manage: c.may(Permission::LoyaltyManage),
    };
    c.page(StatusCode::OK, &page)
}

async fn change(
    state: &AppState,
    c: &Console<perm::LoyaltyManage>,
    id: &str,
    status: RuleStatus,
    flash: &'static str,
) -> Response {
    let result = async {
        let mut tx = state.store.begin().await?;
        config::set_status(&mut *tx, &c.ctx, id, status).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(BASE, flash),
        Err(e) => c.fail(e),
    }
}

async fn enable(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    change(
        &state,
        &c,
        &id,
        RuleStatus::Enabled,
        "flash.point_rule_enabled",
    )
    .await
}

async fn disable(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    change(
        &state,
        &c,
        &id,
        RuleStatus::Disabled,
        "flash.point_rule_disabled",
    )
    .await
}
