//! `/console/loyalty/tiers`: the tiers of the chosen program. The form shows every validity
//! field with a hint saying which validity type it belongs to, so it works without script.

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
use patron_app::loyalty::tiers::{self, validity_input, TierInput, TierPatch};
use patron_app::loyalty::{programs, Program, Tier};
use patron_app::{AppError, AppResult, Ctx};
use patron_domain::ids::{ProgramId, TierId};
use patron_domain::loyalty::tier::{Validity, ValidityInput};
use patron_domain::rbac::Permission;

const BASE: &str = "/console/loyalty/tiers";
const FIELDS: &[&str] = &[
    "code",
    "name",
    "rank",
    "is_base",
    "validity_type",
    "validity_days",
    "validity_years",
    "validity_month",
    "validity_day",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route("/console/loyalty/tiers/new", get(new).post(create))
        .route("/console/loyalty/tiers/{id}", get(edit).post(update))
        .route(
            "/console/loyalty/tiers/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

fn validity_cells<P>(c: &Console<P>, v: &Validity) -> [String; 3] {
    match *v {
        Validity::Never => [
            c.t("loyalty.never_expires").to_string(),
            String::new(),
            String::new(),
        ],
        Validity::FixedPeriod { days } => [
            c.t("loyalty.validity_fixed_period").to_string(),
            days.to_string(),
            String::new(),
        ],
        Validity::FixedDate { years, month, day } => [
            c.tr.tf(
                "loyalty.fixed_date_value",
                &[
                    ("years", &years.to_string()),
                    ("month", &month.to_string()),
                    ("day", &day.to_string()),
                ],
            ),
            String::new(),
            years.to_string(),
        ],
    }
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
    let (items, total) = match &pick.chosen {
        Some(p) => match tiers::list(&*state.store, &c.ctx, p.id, &lp.query()).await {
            Ok(page) => (page.items, page.total),
            Err(e) => return c.fail(e),
        },
        None => (Vec::new(), 0),
    };
    let rows: Vec<TableRow> = items
        .iter()
        .map(|t| {
            let [kind, days, years] = validity_cells(&c, &t.validity);
            let base = c.t(if t.is_base {
                "loyalty.yes"
            } else {
                "loyalty.no"
            });
            TableRow {
                key: t.code.clone(),
                cells: vec![
                    t.name.clone(),
                    t.code.clone(),
                    t.rank.to_string(),
                    base.to_string(),
                    kind,
                    days,
                    years,
                ],
                href: format!("{BASE}/{}", t.id),
                delete_href: format!("{BASE}/{}/delete", t.id),
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
        "loyalty.code",
        "loyalty.rank",
        "loyalty.is_base",
        "loyalty.validity_type",
        "loyalty.validity_days",
        "loyalty.validity_years",
    ];
    let page = ListPage {
        l: c.layout("loyalty.tiers_title", "tiers"),
        base: BASE,
        test: "tiers",
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
#[template(path = "loyalty/tier_form.html")]
struct TierForm {
    l: Layout,
    back: String,
    program: String,
    code: String,
    name: String,
    rank: String,
    is_base: bool,
    validity_types: Vec<Choice>,
    validity_days: String,
    validity_years: String,
    validity_month: String,
    validity_day: String,
    editing: bool,
    readonly: bool,
    errors: Errors,
}

fn type_choices<P>(c: &Console<P>, current: &str) -> Vec<Choice> {
    [
        ("", "loyalty.validity_none"),
        ("fixed_period", "loyalty.validity_fixed_period"),
        ("fixed_date", "loyalty.validity_fixed_date"),
    ]
    .into_iter()
    .map(|(v, k)| Choice::new(v, c.t(k), v == current))
    .collect()
}

/// The form as typed (new tier, or a refused change).
fn typed_form<P>(
    c: &Console<P>,
    title: &str,
    program: &Program,
    f: &FormData,
    errors: Errors,
) -> TierForm {
    TierForm {
        l: c.layout(title, "tiers"),
        back: with_program(BASE, &Some(program.clone())),
        program: super::program_label(program),
        code: f.get("code"),
        name: f.get("name"),
        rank: f.get("rank"),
        is_base: f.get("is_base") == "1",
        validity_types: type_choices(c, &f.get("validity_type")),
        validity_days: f.get("validity_days"),
        validity_years: f.get("validity_years"),
        validity_month: f.get("validity_month"),
        validity_day: f.get("validity_day"),
        editing: false,
        readonly: false,
        errors,
    }
}

fn stored_form<P>(c: &Console<P>, t: &Tier, program: &Program, readonly: bool) -> TierForm {
    let v = validity_input(&t.validity);
    let text = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    TierForm {
        code: t.code.clone(),
        name: t.name.clone(),
        rank: t.rank.to_string(),
        is_base: t.is_base,
        validity_types: type_choices(c, v.kind.as_deref().unwrap_or("")),
        validity_days: text(v.days),
        validity_years: text(v.years),
        validity_month: text(v.month),
        validity_day: text(v.day),
        editing: true,
        readonly,
        ..typed_form(
            c,
            "loyalty.tier_edit_title",
            program,
            &FormData::default(),
            Errors::none(),
        )
    }
}

fn validity_of(f: &FormData) -> AppResult<ValidityInput> {
    Ok(ValidityInput {
        kind: f.non_blank("validity_type"),
        days: int_field(f, "validity_days")?,
        years: int_field(f, "validity_years")?,
        month: int_field(f, "validity_month")?,
        day: int_field(f, "validity_day")?,
    })
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
    match program_of(&state, &c.ctx, &params).await {
        Ok(p) => {
            let mut f = FormData::default();
            if tiers::all(&*state.store, &c.ctx, p.id)
                .await
                .is_ok_and(|t| !t.is_empty())
            {
                f = FormData::new(vec![("validity_type".into(), "fixed_period".into())]);
            }
            let page = typed_form(&c, "loyalty.tier_new_title", &p, &f, Errors::none());
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
        let input = TierInput {
            code: f.get("code"),
            name: f.get("name"),
            rank: int_field(&f, "rank")?.unwrap_or(0),
            is_base: f.get("is_base") == "1",
            validity: validity_of(&f)?,
        };
        let mut tx = state.store.begin().await?;
        tiers::create(&mut *tx, &c.ctx, program.id, input).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&with_program(BASE, &Some(program)), "flash.tier_created"),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, FIELDS);
            let page = typed_form(&c, "loyalty.tier_new_title", &program, &f, errors);
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn load(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<Option<(Tier, Program)>> {
    let Some(id) = TierId::parse(id) else {
        return Ok(None);
    };
    let tier = tiers::get(&*state.store, ctx, id).await?;
    let program = programs::get(&*state.store, ctx, tier.program_id).await?;
    Ok(Some((tier, program)))
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> Response {
    match load(&state, &c.ctx, &id).await {
        Ok(Some((t, p))) => {
            let readonly = !c.may(Permission::LoyaltyManage);
            c.page(StatusCode::OK, &stored_form(&c, &t, &p, readonly))
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
    let (tier, program) = match load(&state, &c.ctx, &id).await {
        Ok(Some(found)) => found,
        Ok(None) => return c.not_found(),
        Err(e) => return c.fail(e),
    };
    let result = async {
        let patch = TierPatch {
            name: Some(f.get("name")),
            rank: Some(int_field(&f, "rank")?.unwrap_or(0)),
            validity: Some(validity_of(&f)?),
        };
        let mut tx = state.store.begin().await?;
        tiers::update(&mut *tx, &c.ctx, tier.id, patch).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&with_program(BASE, &Some(program)), "flash.tier_saved"),
        Err(e) if is_form_error(&e) => {
            let mut page = typed_form(
                &c,
                "loyalty.tier_edit_title",
                &program,
                &f,
                Errors::from_app(c.tr, &e, FIELDS),
            );
            page.code = tier.code.clone();
            page.is_base = tier.is_base;
            page.editing = true;
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

fn delete_page(
    c: &Console<perm::LoyaltyManage>,
    t: &Tier,
    program: &Program,
    errors: Errors,
) -> Confirm {
    confirm_page(
        c,
        "loyalty.tier_delete_title",
        "tiers",
        c.tr.tf("loyalty.delete_confirm", &[("name", &t.name)]),
        format!("{BASE}/{}/delete", t.id),
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
        Ok(Some((t, p))) => c.page(StatusCode::OK, &delete_page(&c, &t, &p, Errors::none())),
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
    let (tier, program) = match load(&state, &c.ctx, &id).await {
        Ok(Some(found)) => found,
        Ok(None) => return c.not_found(),
        Err(e) => return c.fail(e),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        tiers::delete(&mut *tx, &c.ctx, tier.id).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&with_program(BASE, &Some(program)), "flash.tier_deleted"),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, &[]);
            c.page(
                StatusCode::CONFLICT,
                &delete_page(&c, &tier, &program, errors),
            )
        }
        Err(e) => c.fail(e),
    }
}
