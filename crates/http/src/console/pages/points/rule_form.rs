//! The point rule form (new and edit). Point groups, cost centers and tiers are the program's,
//! offered as selects and boxes; scope codes are typed as lists ("WX01, TM01"). The sentence
//! under the form is the server's description of what was typed; `point_rules.js` rebuilds it
//! as the operator types, with the same words.

use super::rules::BASE;
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::pages::groups::{enabled_groups, group_choices, group_name};
use crate::console::pages::loyalty::{int_field, pick_program, program_label};
use crate::console::pages::Choice;
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::groups::model::Group;
use patron_app::loyalty::{cost_centers, point_groups, programs, tiers, Program, Tier};
use patron_app::point_rules::config::{self, as_input};
use patron_app::{AppError, AppResult, Ctx};
use patron_domain::groups::GroupKind;
use patron_domain::ids::ProgramId;
use patron_domain::loyalty::tier::ValidityInput;
use patron_domain::points::describe::{describe, Terms};
use patron_domain::points::rule::RuleStatus;
use patron_domain::points::rule_input::{split_list, PointRuleInput};
use patron_domain::rbac::Permission;
use serde::Deserialize;

const FIELDS: &[&str] = &[
    "name",
    "point_group_id",
    "cost_center_id",
    "award",
    "rate",
    "validity_type",
    "validity_days",
    "validity_years",
    "validity_month",
    "validity_day",
    "tier_ids",
    "store_codes",
    "product_codes",
    "category_codes",
    "payment_method_codes",
    "store_group_id",
    "product_group_id",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/points/rules/new", get(new).post(create))
        .route("/console/points/rules/{id}", get(edit).post(update))
}

#[derive(Debug, Default, Deserialize)]
struct NewParams {
    program: Option<String>,
}

/// One tier box: its id, name, and whether it is ticked.
struct TierBox {
    id: String,
    name: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "points/rule_form.html")]
struct RuleForm {
    l: Layout,
    /// Where the form posts: the new-rule path with its program, or the rule's own path.
    action: String,
    /// New rules: the tenant's programs, to switch between.
    programs: Vec<Choice>,
    program: String,
    name: String,
    point_groups: Vec<Choice>,
    cost_centers: Vec<Choice>,
    awards: Vec<Choice>,
    rate: String,
    counts_for_upgrade: bool,
    validity_types: Vec<Choice>,
    validity_days: String,
    validity_years: String,
    validity_month: String,
    validity_day: String,
    tiers: Vec<TierBox>,
    store_codes: String,
    product_codes: String,
    category_codes: String,
    payment_method_codes: String,
    /// The enabled groups to pick from ("none" first); `None` without `groups:read`, when the
    /// group's id is typed instead.
    store_groups: Option<Vec<Choice>>,
    product_groups: Option<Vec<Choice>>,
    store_group_id: String,
    product_group_id: String,
    enable_now: bool,
    editing: bool,
    /// An existing rule: its simulation page.
    simulate_href: Option<String>,
    readonly: bool,
    preview: String,
    errors: Errors,
}

/// The program's parts a rule names, and the tenant's enabled store and product groups (`None`
/// without `groups:read`).
struct Parts {
    program: Program,
    groups: Vec<Choice>,
    centers: Vec<Choice>,
    tiers: Vec<Tier>,
    store_groups: Option<Vec<Group>>,
    product_groups: Option<Vec<Group>>,
}

async fn parts(state: &AppState, ctx: &Ctx, program: Program) -> AppResult<Parts> {
    let groups = point_groups::all(&*state.store, ctx, program.id).await?;
    let centers = cost_centers::all(&*state.store, ctx, program.id).await?;
    let (store_groups, product_groups) =
        if ctx.principal.permissions.contains(Permission::GroupsRead) {
            (
                Some(enabled_groups(state, ctx, GroupKind::Store).await?),
                Some(enabled_groups(state, ctx, GroupKind::Product).await?),
            )
        } else {
            (None, None)
        };
    Ok(Parts {
        store_groups,
        product_groups,
        groups: groups
            .iter()
            .map(|g| Choice::new(g.id.to_string(), format!("{} ({})", g.name, g.code), false))
            .collect(),
        centers: centers
            .iter()
            .map(|g| Choice::new(g.id.to_string(), format!("{} ({})", g.name, g.code), false))
            .collect(),
        tiers: tiers::all(&*state.store, ctx, program.id).await?,
        program,
    })
}

fn chosen(list: &[Choice], value: &str) -> Vec<Choice> {
    list.iter()
        .map(|c| Choice::new(c.value.clone(), c.label.clone(), c.value == value))
        .collect()
}

fn opt(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// The sentence for `input` when its fields are well-formed; empty otherwise (the script then
/// says what is missing).
fn preview<P>(c: &Console<P>, input: &PointRuleInput, parts: &Parts) -> String {
    let Ok(mut checked) = input.check() else {
        return String::new();
    };
    let tiers = &parts.tiers;
    let scope = &mut checked.scope;
    scope.store_group =
        (scope.store_group.as_deref()).map(|id| group_name(parts.store_groups.as_ref(), id));
    scope.product_group =
        (scope.product_group.as_deref()).map(|id| group_name(parts.product_groups.as_ref(), id));
    checked.scope.tiers = checked
        .scope
        .tiers
        .iter()
        .map(|id| {
            tiers
                .iter()
                .find(|t| t.id.to_string() == *id)
                .map_or_else(|| id.clone(), |t| t.name.clone())
        })
        .collect();
    let terms = Terms {
        award: checked.award,
        counts_for_upgrade: checked.counts_for_upgrade,
        validity: checked.validity,
        scope: &checked.scope,
    };
    describe(&terms, c.tr.locale())
}

fn form<P>(c: &Console<P>, title: &str, parts: &Parts, input: &PointRuleInput) -> RuleForm {
    let kinds = [
        ("amount", "points.award_amount"),
        ("quantity", "points.award_quantity"),
    ];
    let validity = [
        ("fixed_period", "loyalty.validity_fixed_period"),
        ("fixed_date", "loyalty.validity_fixed_date"),
    ];
    let v = &input.validity;
    let store_group = input.store_group_id.clone().unwrap_or_default();
    let product_group = input.product_group_id.clone().unwrap_or_default();
    let none = c.t("points.no_group");
    RuleForm {
        l: c.layout(title, "point_rules"),
        action: format!("{BASE}/new?program={}", parts.program.id),
        programs: Vec::new(),
        program: program_label(&parts.program),
        name: input.name.clone(),
        point_groups: chosen(&parts.groups, &input.point_group_id),
        cost_centers: chosen(&parts.centers, &input.cost_center_id),
        awards: kinds
            .iter()
            .map(|(k, label)| Choice::new(*k, c.t(label), *k == input.award))
            .collect(),
        rate: input.rate.clone(),
        counts_for_upgrade: input.counts_for_upgrade,
        validity_types: validity
            .iter()
            .map(|(k, label)| Choice::new(*k, c.t(label), v.kind.as_deref() == Some(*k)))
            .collect(),
        validity_days: opt(v.days),
        validity_years: opt(v.years),
        validity_month: opt(v.month),
        validity_day: opt(v.day),
        tiers: parts
            .tiers
            .iter()
            .map(|t| TierBox {
                id: t.id.to_string(),
                name: t.name.clone(),
                checked: input.tier_ids.contains(&t.id.to_string()),
            })
            .collect(),
        store_codes: input.store_codes.join(", "),
        product_codes: input.product_codes.join(", "),
        category_codes: input.category_codes.join(", "),
        payment_method_codes: input.payment_method_codes.join(", "),
        enable_now: false,
        editing: false,
        simulate_href: None,
        readonly: false,
        store_groups: (parts.store_groups.as_ref()).map(|g| group_choices(g, &store_group, none)),
        product_groups: (parts.product_groups.as_ref())
            .map(|g| group_choices(g, &product_group, none)),
        store_group_id: store_group,
        product_group_id: product_group,
        preview: preview(c, input, parts),
        errors: Errors::none(),
    }
}

/// The form's fields as input. Strictly, a number that is not one is refused naming its field;
/// leniently (to show a refused form again) it is left out.
fn fields(f: &FormData, strict: bool) -> AppResult<PointRuleInput> {
    let int = |name: &'static str| -> AppResult<Option<i64>> {
        if strict {
            int_field(f, name)
        } else {
            Ok(f.get(name).trim().parse().ok())
        }
    };
    Ok(PointRuleInput {
        name: f.get("name"),
        point_group_id: f.get("point_group_id"),
        cost_center_id: f.get("cost_center_id"),
        award: f.get("award"),
        rate: f.get("rate"),
        counts_for_upgrade: f.get("counts_for_upgrade") == "1",
        validity: ValidityInput {
            kind: f.non_blank("validity_type"),
            days: int("validity_days")?,
            years: int("validity_years")?,
            month: int("validity_month")?,
            day: int("validity_day")?,
        },
        tier_ids: f.all("tier_ids"),
        store_codes: split_list(&f.get("store_codes")),
        product_codes: split_list(&f.get("product_codes")),
        category_codes: split_list(&f.get("category_codes")),
        payment_method_codes: split_list(&f.get("payment_method_codes")),
        store_group_id: f.non_blank("store_group_id"),
        product_group_id: f.non_blank("product_group_id"),
    })
}

/// The refused form again, with what was typed (numbers as typed, even when not numbers).
fn refused<P>(c: &Console<P>, title: &str, parts: &Parts, f: &FormData, e: &AppError) -> RuleForm {
    let lenient = fields(f, false).unwrap_or_default();
    let mut page = form(c, title, parts, &lenient);
    page.validity_days = f.get("validity_days");
    page.validity_years = f.get("validity_years");
    page.validity_month = f.get("validity_month");
    page.validity_day = f.get("validity_day");
    page.enable_now = f.get("enable_now") == "1";
    page.errors = Errors::from_app(c.tr, e, FIELDS);
    page
}

async fn new(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Query(q): Query<NewParams>,
) -> Response {
    let pick = match pick_program(&state, &c, q.program.as_deref()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let Some(program) = pick.chosen else {
        return c.error(
            StatusCode::CONFLICT,
            "points.rule_new_title",
            c.t("loyalty.no_program").to_string(),
            String::new(),
        );
    };
    match parts(&state, &c.ctx, program).await {
        Ok(parts) => {
            let input = PointRuleInput {
                award: "amount".into(),
                rate: "1".into(),
                counts_for_upgrade: true,
                point_group_id: parts
                    .groups
                    .first()
                    .map(|g| g.value.clone())
                    .unwrap_or_default(),
                cost_center_id: parts
                    .centers
                    .first()
                    .map(|g| g.value.clone())
                    .unwrap_or_default(),
                validity: ValidityInput {
                    kind: Some("fixed_period".into()),
                    days: Some(365),
                    ..ValidityInput::default()
                },
                ..PointRuleInput::default()
            };
            let mut page = form(&c, "points.rule_new_title", &parts, &input);
            page.programs = pick.choices;
            c.page(StatusCode::OK, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn create(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Query(q): Query<NewParams>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let program = match q.program.as_deref().and_then(ProgramId::parse) {
        Some(id) => programs::get(&*state.store, &c.ctx, id).await,
        None => Err(AppError::NotFound("program")),
    };
    let program = match program {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let status = if f.get("enable_now") == "1" {
        RuleStatus::Enabled
    } else {
        RuleStatus::Draft
    };
    let result = async {
        let input = fields(&f, true)?;
        let mut tx = state.store.begin().await?;
        config::create(&mut *tx, &c.ctx, &program.id.to_string(), &input, status).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(BASE, "flash.point_rule_created"),
        Err(e) if is_form_error(&e) => match parts(&state, &c.ctx, program).await {
            Ok(parts) => {
                let page = refused(&c, "points.rule_new_title", &parts, &f, &e);
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
) -> AppResult<(patron_app::point_rules::DescribedRule, Parts)> {
    let rule = config::get(&*state.store, ctx, id).await?;
    let program = ProgramId::parse(&rule.rule.program_id).ok_or(AppError::NotFound("program"))?;
    let program = programs::get(&*state.store, ctx, program).await?;
    Ok((rule, parts(state, ctx, program).await?))
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> Response {
    match load(&state, &c.ctx, &id).await {
        Ok((rule, parts)) => {
            let mut page = form(&c, "points.rule_edit_title", &parts, &as_input(&rule.rule));
            page.editing = true;
            page.action = format!("{BASE}/{}", rule.rule.id);
            page.simulate_href = Some(format!("{BASE}/{}/simulate", rule.rule.id));
            page.readonly = !c.may(Permission::LoyaltyManage);
            c.page(StatusCode::OK, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn update(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let (rule, parts) = match load(&state, &c.ctx, &id).await {
        Ok(found) => found,
        Err(e) => return c.fail(e),
    };
    let result = async {
        let input = fields(&f, true)?;
        let mut tx = state.store.begin().await?;
        config::update(&mut *tx, &c.ctx, &rule.rule.id, &input).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(BASE, "flash.point_rule_saved"),
        Err(e) if is_form_error(&e) => {
            let mut page = refused(&c, "points.rule_edit_title", &parts, &f, &e);
            page.editing = true;
            page.action = format!("{BASE}/{}", rule.rule.id);
            page.simulate_href = Some(format!("{BASE}/{}/simulate", rule.rule.id));
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}
