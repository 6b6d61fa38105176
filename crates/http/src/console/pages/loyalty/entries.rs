//! `/console/loyalty/point-groups` and `/console/loyalty/cost-centers`: the same page twice, a
//! code and a name inside the chosen program.

use super::{
    confirm_page, pick_program, with_program, EntryForm, ListPage, ProgramParams, TableRow,
    ENTRY_FIELDS,
};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::list::Pager;
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::loyalty::cost_centers::{self, CostCenterInput, CostCenterPatch};
use patron_app::loyalty::point_groups::{self, PointGroupInput, PointGroupPatch};
use patron_app::loyalty::{programs, CostCenter, PointGroup, Program};
use patron_app::model::{ListQuery, Page};
use patron_app::{AppResult, Ctx};
use patron_domain::ids::{CostCenterId, PointGroupId, ProgramId};
use patron_domain::rbac::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PointGroups,
    CostCenters,
}

/// What the two pages differ in.
struct Texts {
    base: &'static str,
    active: &'static str,
    title: &'static str,
    new_title: &'static str,
    edit_title: &'static str,
    delete_title: &'static str,
    created: &'static str,
    saved: &'static str,
    deleted: &'static str,
}

impl Kind {
    fn texts(self) -> Texts {
        match self {
            Kind::PointGroups => Texts {
                base: "/console/loyalty/point-groups",
                active: "point_groups",
                title: "loyalty.point_groups_title",
                new_title: "loyalty.point_group_new_title",
                edit_title: "loyalty.point_group_edit_title",
                delete_title: "loyalty.point_group_delete_title",
                created: "flash.point_group_created",
                saved: "flash.point_group_saved",
                deleted: "flash.point_group_deleted",
            },
            Kind::CostCenters => Texts {
                base: "/console/loyalty/cost-centers",
                active: "cost_centers",
                title: "loyalty.cost_centers_title",
                new_title: "loyalty.cost_center_new_title",
                edit_title: "loyalty.cost_center_edit_title",
                delete_title: "loyalty.cost_center_delete_title",
                created: "flash.cost_center_created",
                saved: "flash.cost_center_saved",
                deleted: "flash.cost_center_deleted",
            },
        }
    }
}

/// A point group or a cost center, as the pages show it.
struct Entry {
    id: String,
    program_id: ProgramId,
    code: String,
    name: String,
    created_at_ms: i64,
}

impl From<&PointGroup> for Entry {
    fn from(g: &PointGroup) -> Self {
        Self {
            id: g.id.to_string(),
            program_id: g.program_id,
            code: g.code.clone(),
            name: g.name.clone(),
            created_at_ms: g.created_at_ms,
        }
    }
}

impl From<&CostCenter> for Entry {
    fn from(c: &CostCenter) -> Self {
        Self {
            id: c.id.to_string(),
            program_id: c.program_id,
            code: c.code.clone(),
            name: c.name.clone(),
            created_at_ms: c.created_at_ms,
        }
    }
}

fn entries<T>(page: Page<T>) -> (Vec<Entry>, u64)
where
    for<'a> Entry: From<&'a T>,
{
    (page.items.iter().map(Entry::from).collect(), page.total)
}

async fn page_of(
    kind: Kind,
    state: &AppState,
    ctx: &Ctx,
    program: ProgramId,
    q: &ListQuery,
) -> AppResult<(Vec<Entry>, u64)> {
    Ok(match kind {
        Kind::PointGroups => entries(point_groups::list(&*state.store, ctx, program, q).await?),
        Kind::CostCenters => entries(cost_centers::list(&*state.store, ctx, program, q).await?),
    })
}

/// The record `id` and its program; `Ok(None)` for an id that is not one.
async fn load(
    kind: Kind,
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> AppResult<Option<(Entry, Program)>> {
    let entry = match kind {
        Kind::PointGroups => match PointGroupId::parse(id) {
            Some(id) => Entry::from(&point_groups::get(&*state.store, ctx, id).await?),
            None => return Ok(None),
        },
        Kind::CostCenters => match CostCenterId::parse(id) {
            Some(id) => Entry::from(&cost_centers::get(&*state.store, ctx, id).await?),
            None => return Ok(None),
        },
    };
    let program = programs::get(&*state.store, ctx, entry.program_id).await?;
    Ok(Some((entry, program)))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/loyalty/point-groups", get(pg_list))
        .route(
            "/console/loyalty/point-groups/new",
            get(pg_new).post(pg_create),
        )
        .route(
            "/console/loyalty/point-groups/{id}",
            get(pg_edit).post(pg_update),
        )
        .route(
            "/console/loyalty/point-groups/{id}/delete",
            get(pg_confirm).post(pg_delete),
        )
        .route("/console/loyalty/cost-centers", get(cc_list))
        .route(
            "/console/loyalty/cost-centers/new",
            get(cc_new).post(cc_create),
        )
        .route(
            "/console/loyalty/cost-centers/{id}",
            get(cc_edit).post(cc_update),
        )
        .route(
            "/console/loyalty/cost-centers/{id}/delete",
            get(cc_confirm).post(cc_delete),
        )
}

/// The handlers of both pages, bound to their kind.
macro_rules! bind_kind {
    ($kind:expr, $list:ident, $new:ident, $create:ident, $edit:ident, $update:ident, $confirm:ident, $delete:ident) => {
        async fn $list(
            s: State<AppState>,
            c: Console<perm::LoyaltyRead>,
            q: Query<ProgramParams>,
        ) -> Response {
            list($kind, s, c, q).await
        }
        async fn $new(
            s: State<AppState>,
            c: Console<perm::LoyaltyManage>,
            q: Query<ProgramParams>,
        ) -> Response {
            new($kind, s, c, q).await
        }
        async fn $create(
            s: State<AppState>,
            c: Console<perm::LoyaltyManage>,
            q: Query<ProgramParams>,
            f: CsrfForm,
        ) -> Response {
            create($kind, s, c, q, f).await
        }
        async fn $edit(
            s: State<AppState>,
            c: Console<perm::LoyaltyRead>,
            p: Path<String>,
        ) -> Response {
            edit($kind, s, c, p).await
        }
        async fn $update(
            s: State<AppState>,
            c: Console<perm::LoyaltyManage>,
            p: Path<String>,
            f: CsrfForm,
        ) -> Response {
            update($kind, s, c, p, f).await
        }
        async fn $confirm(
            s: State<AppState>,
            c: Console<perm::LoyaltyManage>,
            p: Path<String>,
        ) -> Response {
            confirm($kind, s, c, p).await
        }
        async fn $delete(
            s: State<AppState>,
            c: Console<perm::LoyaltyManage>,
            p: Path<String>,
            f: CsrfForm,
        ) -> Response {
            delete($kind, s, c, p, f).await
        }
    };
}

bind_kind!(
    Kind::PointGroups,
    pg_list,
    pg_new,
    pg_create,
    pg_edit,
    pg_update,
    pg_confirm,
    pg_delete
);
bind_kind!(
    Kind::CostCenters,
    cc_list,
    cc_new,
    cc_create,
    cc_edit,
    cc_update,
    cc_confirm,
    cc_delete
);

async fn list(
    kind: Kind,
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Query(params): Query<ProgramParams>,
) -> Response {
    let texts = kind.texts();
    let pick = match pick_program(&state, &c, params.program.as_deref()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let lp = params.list();
    let (items, total) = match &pick.chosen {
        Some(p) => match page_of(kind, &state, &c.ctx, p.id, &lp.query()).await {
            Ok(found) => found,
            Err(e) => return c.fail(e),
        },
        None => (Vec::new(), 0),
    };
    let rows: Vec<TableRow> = items
        .iter()
        .map(|e| TableRow {
            key: e.code.clone(),
            cells: vec![e.name.clone(), e.code.clone(), c.when(e.created_at_ms)],
            href: format!("{}/{}", texts.base, e.id),
            delete_href: format!("{}/{}/delete", texts.base, e.id),
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
        texts.base,
        &[("program", &program_id), ("search", &search)],
        lp.page(),
        rows.len(),
        total,
    );
    let can_manage = c.may(Permission::LoyaltyManage);
    let page = ListPage {
        l: c.layout(texts.title, texts.active),
        base: texts.base,
        test: texts.active,
        programs: Some(pick.choices),
        search,
        headers: vec![
            c.t("loyalty.name").to_string(),
            c.t("loyalty.code").to_string(),
            c.t("field.created_at").to_string(),
        ],
        rows,
        pager,
        new_href: (can_manage && pick.chosen.is_some())
            .then(|| with_program(&format!("{}/new", texts.base), &pick.chosen)),
        can_manage,
        no_program: pick.chosen.is_none(),
    };
    c.page(StatusCode::OK, &page)
}

fn form<P>(
    c: &Console<P>,
    kind: Kind,
    title: &str,
    program: &Program,
    f: &FormData,
    errors: Errors,
) -> EntryForm {
    let texts = kind.texts();
    EntryForm {
        l: c.layout(title, texts.active),
        back: with_program(texts.base, &Some(program.clone())),
        program: Some(super::program_label(program)),
        code: f.get("code"),
        name: f.get("name"),
        code_max: 32,
        name_max: 64,
        editing: false,
        readonly: false,
        errors,
    }
}

/// The program a new record goes into: the one asked for, which must exist.
async fn program_of<P>(
    state: &AppState,
    c: &Console<P>,
    params: &ProgramParams,
) -> AppResult<Program> {
    let id = params
        .program
        .as_deref()
        .and_then(ProgramId::parse)
        .ok_or(patron_app::AppError::NotFound("program"))?;
    programs::get(&*state.store, &c.ctx, id).await
}

async fn new(
    kind: Kind,
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Query(params): Query<ProgramParams>,
) -> Response {
    match program_of(&state, &c, &params).await {
        Ok(p) => {
            let page = form(
                &c,
                kind,
                kind.texts().new_title,
                &p,
                &FormData::default(),
                Errors::none(),
            );
            c.page(StatusCode::OK, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn create(
    kind: Kind,
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Query(params): Query<ProgramParams>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let program = match program_of(&state, &c, &params).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let (code, name) = (f.get("code"), f.get("name"));
    let result = async {
        let mut tx = state.store.begin().await?;
        match kind {
            Kind::PointGroups => {
                let input = PointGroupInput { code, name };
                point_groups::create(&mut *tx, &c.ctx, program.id, input).await?;
            }
            Kind::CostCenters => {
                let input = CostCenterInput { code, name };
                cost_centers::create(&mut *tx, &c.ctx, program.id, input).await?;
            }
        }
        tx.commit().await
    }
    .await;
    let texts = kind.texts();
    match result {
        Ok(()) => redirect_with_flash(&with_program(texts.base, &Some(program)), texts.created),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, ENTRY_FIELDS);
            let page = form(&c, kind, texts.new_title, &program, &f, errors);
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

fn stored_form<P>(
    c: &Console<P>,
    kind: Kind,
    e: &Entry,
    program: &Program,
    readonly: bool,
) -> EntryForm {
    let mut page = form(
        c,
        kind,
        kind.texts().edit_title,
        program,
        &FormData::default(),
        Errors::none(),
    );
    page.code = e.code.clone();
    page.name = e.name.clone();
    page.editing = true;
    page.readonly = readonly;
    page
}

async fn edit(
    kind: Kind,
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> Response {
    match load(kind, &state, &c.ctx, &id).await {
        Ok(Some((e, p))) => {
            let readonly = !c.may(Permission::LoyaltyManage);
            c.page(StatusCode::OK, &stored_form(&c, kind, &e, &p, readonly))
        }
        Ok(None) => c.not_found(),
        Err(e) => c.fail(e),
    }
}

async fn update(
    kind: Kind,
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let (entry, program) = match load(kind, &state, &c.ctx, &id).await {
        Ok(Some(found)) => found,
        Ok(None) => return c.not_found(),
        Err(e) => return c.fail(e),
    };
    let name = Some(f.get("name"));
    let result = async {
        let mut tx = state.store.begin().await?;
        match kind {
            Kind::PointGroups => {
                let id = PointGroupId::parse(&entry.id)
                    .ok_or(patron_app::AppError::NotFound("point group"))?;
                point_groups::update(&mut *tx, &c.ctx, id, PointGroupPatch { name }).await?;
            }
            Kind::CostCenters => {
                let id = CostCenterId::parse(&entry.id)
                    .ok_or(patron_app::AppError::NotFound("cost center"))?;
                cost_centers::update(&mut *tx, &c.ctx, id, CostCenterPatch { name }).await?;
            }
        }
        tx.commit().await
    }
    .await;
    let texts = kind.texts();
    match result {
        Ok(()) => redirect_with_flash(&with_program(texts.base, &Some(program)), texts.saved),
        Err(e) if is_form_error(&e) => {
            let mut page = stored_form(&c, kind, &entry, &program, false);
            page.name = f.get("name");
            page.errors = Errors::from_app(c.tr, &e, ENTRY_FIELDS);
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

fn delete_page(
    c: &Console<perm::LoyaltyManage>,
    kind: Kind,
    e: &Entry,
    program: &Program,
    errors: Errors,
) -> crate::console::Confirm {
    let texts = kind.texts();
    confirm_page(
        c,
        texts.delete_title,
        texts.active,
        c.tr.tf("loyalty.delete_confirm", &[("name", &e.name)]),
        format!("{}/{}/delete", texts.base, e.id),
        with_program(texts.base, &Some(program.clone())),
        errors,
    )
}

async fn confirm(
    kind: Kind,
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
) -> Response {
    match load(kind, &state, &c.ctx, &id).await {
        Ok(Some((e, p))) => c.page(
            StatusCode::OK,
            &delete_page(&c, kind, &e, &p, Errors::none()),
        ),
        Ok(None) => c.not_found(),
        Err(e) => c.fail(e),
    }
}

async fn delete(
    kind: Kind,
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let (entry, program) = match load(kind, &state, &c.ctx, &id).await {
        Ok(Some(found)) => found,
        Ok(None) => return c.not_found(),
        Err(e) => return c.fail(e),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        match kind {
            Kind::PointGroups => {
                let id = PointGroupId::parse(&entry.id)
                    .ok_or(patron_app::AppError::NotFound("point group"))?;
                point_groups::delete(&mut *tx, &c.ctx, id).await?;
            }
            Kind::CostCenters => {
                let id = CostCenterId::parse(&entry.id)
                    .ok_or(patron_app::AppError::NotFound("cost center"))?;
                cost_centers::delete(&mut *tx, &c.ctx, id).await?;
            }
        }
        tx.commit().await
    }
    .await;
    let texts = kind.texts();
    match result {
        Ok(()) => redirect_with_flash(&with_program(texts.base, &Some(program)), texts.deleted),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, &[]);
            c.page(
                StatusCode::CONFLICT,
                &delete_page(&c, kind, &entry, &program, errors),
            )
        }
        Err(e) => c.fail(e),
    }
}
