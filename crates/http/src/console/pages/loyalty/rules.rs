//! `/console/loyalty/tier-rules`: the tier rules of the chosen program. The form offers the
//! program's tiers and point groups as selects and the range as "from … to …".

use super::{
    confirm_page, int_field, pick_program, with_program, ListPage, ProgramParams, TableRow,
};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::Pager;
use crate::console::pages::Choice;
use crate::console::render::redirect_with_flash;
use crate::console::Confirm;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::loyalty::rules::{self, RuleInput, RulePatch};
use patron_app::loyalty::{point_groups, programs, tiers, PointGroup, Program, Tier, TierRule};
use patron_app::{AppError, AppResult, Ctx};
use patron_domain::ids::{ProgramId, TierRuleId};
use patron_domain::loyalty::rule::{format_value, Condition};
use patron_domain::rbac::Permission;

const BASE: &str = "/console/loyalty/tier-rules";
const FIELDS: &[&str] = &[
    "name",
    "tier_id",
    "condition",
    "point_group_id",
    "window_days",
    "range_start",
    "range_end",
    "enabled",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route("/console/loyalty/tier-rules/new", get(new).post(create))
        .route("/console/loyalty/tier-rules/{id}", get(edit).post(update))
        .route(
            "/console/loyalty/tier-rules/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

fn condition_key(c: Condition) -> &'static str {
    match c {
        Condition::AccumulatedPoints => "loyalty.condition_accumulated_points",
        Condition::SpendAmount => "loyalty.condition_spend_amount",
        Condition::PurchaseCount => "loyalty.condition_purchase_count",
    }
}

/// The program's tiers and point groups, to name them and offer them.
struct Parts {
    tiers: Vec<Tier>,
    groups: Vec<PointGroup>,
}

async fn parts(state: &AppState, ctx: &Ctx, program: ProgramId) -> AppResult<Parts> {
    Ok(Parts {
        tiers: tiers::all(&*state.store, ctx, program).await?,
        groups: point_groups::all(&*state.store, ctx, program).await?,
    })
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Query(params): Query<ProgramParams>,
) -> Response {
    let pick = match pick_program(&state, &c, params.program.as_deref()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let lp = params.list();
    let found = async {
        match &pick.chosen {
            Some(p) => {
                let page = rules::list(&*state.store, &c.ctx, p.id, &lp.query()).await?;
                Ok((page.items, page.total, parts(&state, &c.ctx, p.id).await?))
            }
            None => Ok((
                Vec::new(),
                0,
                Parts {
                    tiers: vec![],
                    groups: vec![],
                },
            )),
        }
    }
    .await;
    let (items, total, parts) = match found {
        Ok(f) => f,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<TableRow> = items
        .iter()
        .map(|r| {
            let tier = parts
                .tiers
                .iter()
                .find(|t| t.id == r.tier_id)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            let group = r
                .point_group_id
                .and_then(|g| parts.groups.iter().find(|x| x.id == g))
                .map(|g| g.name.clone())
                .unwrap_or_default();
            let to = r.range.end.map_or_else(
                || c.t("loyalty.unbounded").to_string(),
                |e| format_value(r.condition, e),
            );
            let range = c.tr.tf(
                "loyalty.range_value",
                &[
                    ("from", &format_value(r.condition, r.range.start)),
                    ("to", &to),
                ],
            );
            TableRow {
                key: r.name.clone(),
                cells: vec![
                    r.name.clone(),
                    tier,
                    c.t(condition_key(r.condition)).to_string(),
                    group,
                    c.tr.tf("loyalty.last_days", &[("n", &r.window_days.to_string())]),
                    range,
                    c.t(if r.enabled {
                        "loyalty.yes"
                    } else {
                        "loyalty.no"
                    })
                    .to_string(),
                ],
                href: format!("{BASE}/{}", r.id),
                delete_href: format!("{BASE}/{}/delete", r.id),
            }
        })
        .collect();
    let search = lp.search();
    let program_id = pick
        .chosen
        .as_ref()
        .map(|p| p.id.to_string())
        .unwrap_or_default();
    let pager = Pager::new(
        c.tr,
        BASE,
        &[("program", &program_id), ("search", &search)],
        lp.page(),
        rows.len(),
        total,
    );
    let can_manage = c.may(Permission::LoyaltyManage);
    let headers = [
        "loyalty.name",
        "loyalty.tier",
        "loyalty.condition",
        "loyalty.point_group",
        "loyalty.window_days",
        "loyalty.range",
        "loyalty.enabled",
    ];
    let page = ListPage {
        l: c.layout("loyalty.tier_rules_title", "tier_rules"),
        base: BASE,
        test: "tier_rules",
        programs: Some(pick.choices),
        search,
        headers: headers.iter().map(|k| c.t(k).to_string()).collect(),
        rows,
        pager,
        new_href: (can_manage && pick.chosen.is_some())
            .then(|| with_program(&format!("{BASE}/new"), &pick.chosen)),
        can_manage,
        no_program: pick.chosen.is_none(),
    };
    c.page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "loyalty/rule_form.html")]
struct RuleForm {
    l: Layout,
    back: String,
    program: String,
    name: String,
    tiers: Vec<Choice>,
    conditions: Vec<Choice>,
    point_groups: Vec<Choice>,
    window_days: String,
    range_start: String,
    range_end: String,
    enabled: bool,
    readonly: bool,
    errors: Errors,
}

/// The form showing `input` (as typed, or a stored rule).
fn form<P>(
    c: &Console<P>,
    title: &str,
    program: &Program,
    parts: &Parts,
    input: &RuleInput,
    window: String,
    errors: Errors,
) -> RuleForm {
    RuleForm {
        l: c.layout(title, "tier_rules"),
        back: with_program(BASE, &Some(program.clone())),
        program: super::program_label(program),
        name: input.name.clone(),
        tiers: parts
            .tiers
            .iter()
            .filter(|t| !t.is_base)
            .map(|t| {
                Choice::new(
                    t.id.to_string(),
                    format!("{} ({})", t.name, t.code),
                    t.id.to_string() == input.tier_id,
                )
            })
            .collect(),
        conditions: Condition::ALL
            .into_iter()
            .map(|k| {
                Choice::new(
                    k.as_str(),
                    c.t(condition_key(k)),
                    k.as_str() == input.condition,
                )
            })
            .collect(),
        point_groups: parts
            .groups
            .iter()
            .map(|g| {
                let chosen = input.point_group_id.as_deref() == Some(g.id.to_string().as_str());
                Choice::new(g.id.to_string(), format!("{} ({})", g.name, g.code), chosen)
            })
            .collect(),
        window_days: window,
        range_start: input.range_start.clone(),
        range_end: input.range_end.clone().unwrap_or_default(),
        enabled: input.enabled,
        readonly: false,
        errors,
    }
}

fn typed(f: &FormData) -> RuleInput {
    RuleInput {
        name: f.get("name"),
        tier_id: f.get("tier_id"),
        point_group_id: f.non_blank("point_group_id"),
        condition: f.get("condition"),
        window_days: 0,
        range_start: f.get("range_start"),
        range_end: f.non_blank("range_end"),
        enabled: f.get("enabled") == "1",
    }
}

fn stored(r: &TierRule) -> RuleInput {
    RuleInput {
        name: r.name.clone(),
        tier_id: r.tier_id.to_string(),
        point_group_id: r.point_group_id.map(|g| g.to_string()),
        condition: r.condition.as_str().to_string(),
        window_days: r.window_days,
        range_start: format_value(r.condition, r.range.start),
        range_end: r.range.end.map(|e| format_value(r.condition, e)),
        enabled: r.enabled,
    }
}

async fn program_of(state: &AppState, ctx: &Ctx, params: &ProgramParams) -> AppResult<Program> {
    let id = params
        .program
        .as_deref()
        .and_then(ProgramId::parse)
        .ok_or(AppError::NotFound("program"))?;
    programs::get(&*state.store, ctx, id).await
}

async fn new(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Query(params): Query<ProgramParams>,
) -> Response {
    let found = async {
        let p = program_of(&state, &c.ctx, &params).await?;
        let parts = parts(&state, &c.ctx, p.id).await?;
        Ok::<_, AppError>((p, parts))
    }
    .await;
    match found {
        Ok((p, parts)) => {
            let input = RuleInput {
                condition: Condition::AccumulatedPoints.as_str().into(),
                point_group_id: parts.groups.first().map(|g| g.id.to_string()),
                enabled: true,
                ..RuleInput::default()
            };
            let page = form(
                &c,
                "loyalty.tier_rule_new_title",
                &p,
                &parts,
                &input,
                "365".into(),
                Errors::none(),
            );
            c.page(StatusCode::OK, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn create(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Query(params): Query<ProgramParams>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let program = match program_of(&state, &c.ctx, &params).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let result = async {
        let input = RuleInput {
            window_days: int_field(&f, "window_days")?.unwrap_or(0),
            ..typed(&f)
        };
        let mut tx = state.store.begin().await?;
        rules::create(&mut *tx, &c.ctx, program.id, input).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(
            &with_program(BASE, &Some(program)),
            "flash.tier_rule_created",
        ),
        Err(e) if is_form_error(&e) => match parts(&state, &c.ctx, program.id).await {
            Ok(parts) => {
                let errors = Errors::from_app(c.tr, &e, FIELDS);
                let page = form(
                    &c,
                    "loyalty.tier_rule_new_title",
                    &program,
                    &parts,
                    &typed(&f),
                    f.get("window_days"),
                    errors,
                );
                c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}

async fn load(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> AppResult<Option<(TierRule, Program, Parts)>> {
    let Some(id) = TierRuleId::parse(id) else {
        return Ok(None);
    };
    let rule = rules::get(&*state.store, ctx, id).await?;
    let program = programs::get(&*state.store, ctx, rule.program_id).await?;
    let parts = parts(state, ctx, program.id).await?;
    Ok(Some((rule, program, parts)))
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> Response {
    match load(&state, &c.ctx, &id).await {
        Ok(Some((r, p, parts))) => {
            let mut page = form(
                &c,
                "loyalty.tier_rule_edit_title",
                &p,
                &parts,
                &stored(&r),
                r.window_days.to_string(),
                Errors::none(),
            );
            page.readonly = !c.may(Permission::LoyaltyManage);
            c.page(StatusCode::OK, &page)
        }
        Ok(None) => c.not_found(),
        Err(e) => c.fail(e),
    }
}

async fn update(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let (rule, program, parts) = match load(&state, &c.ctx, &id).await {
        Ok(Some(found)) => found,
        Ok(None) => return c.not_found(),
        Err(e) => return c.fail(e),
    };
    let result = async {
        let t = typed(&f);
        let patch = RulePatch {
            name: Some(t.name),
            tier_id: Some(t.tier_id),
            point_group_id: Some(t.point_group_id),
            condition: Some(t.condition),
            window_days: Some(int_field(&f, "window_days")?.unwrap_or(0)),
            range_start: Some(t.range_start),
            range_end: Some(t.range_end),
            enabled: Some(t.enabled),
        };
        let mut tx = state.store.begin().await?;
        rules::update(&mut *tx, &c.ctx, rule.id, patch).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&with_program(BASE, &Some(program)), "flash.tier_rule_saved"),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, FIELDS);
            let page = form(
                &c,
                "loyalty.tier_rule_edit_title",
                &program,
                &parts,
                &typed(&f),
                f.get("window_days"),
                errors,
            );
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

fn delete_page(
    c: &Console<perm::LoyaltyManage>,
    r: &TierRule,
    program: &Program,
    errors: Errors,
) -> Confirm {
    confirm_page(
        c,
        "loyalty.tier_rule_delete_title",
        "tier_rules",
        c.tr.tf("loyalty.delete_confirm", &[("name", &r.name)]),
        format!("{BASE}/{}/delete", r.id),
        with_program(BASE, &Some(program.clone())),
        errors,
    )
}

async fn confirm_delete(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
) -> Response {
    match load(&state, &c.ctx, &id).await {
        Ok(Some((r, p, _))) => c.page(StatusCode::OK, &delete_page(&c, &r, &p, Errors::none())),
        Ok(None) => c.not_found(),
        Err(e) => c.fail(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let (rule, program, _) = match load(&state, &c.ctx, &id).await {
        Ok(Some(found)) => found,
        Ok(None) => return c.not_found(),
        Err(e) => return c.fail(e),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        rules::delete(&mut *tx, &c.ctx, rule.id).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(
            &with_program(BASE, &Some(program)),
            "flash.tier_rule_deleted",
        ),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, &[]);
            c.page(
                StatusCode::CONFLICT,
                &delete_page(&c, &rule, &program, errors),
            )
        }
        Err(e) => c.fail(e),
    }
}
