//! `/console/loyalty/programs`.

use super::{confirm_page, EntryForm, ListPage, TableRow, ENTRY_FIELDS};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::list::{ListParams, Pager};
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::loyalty::programs::{self, ProgramInput, ProgramPatch};
use patron_app::loyalty::Program;
use patron_domain::ids::ProgramId;
use patron_domain::rbac::Permission;

const BASE: &str = "/console/loyalty/programs";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route("/console/loyalty/programs/new", get(new).post(create))
        .route("/console/loyalty/programs/{id}", get(edit).post(update))
        .route(
            "/console/loyalty/programs/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match programs::list(&*state.store, &c.ctx, &params.query()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<TableRow> = page
        .items
        .iter()
        .map(|p| TableRow {
            key: p.code.clone(),
            cells: vec![p.name.clone(), p.code.clone(), c.when(p.created_at_ms)],
            href: format!("{BASE}/{}", p.id),
            delete_href: format!("{BASE}/{}/delete", p.id),
        })
        .collect();
    let search = params.search();
    let pager = Pager::new(
        c.tr,
        BASE,
        &[("search", &search)],
        params.page(),
        rows.len(),
        page.total,
    );
    let can_manage = c.may(Permission::LoyaltyManage);
    let page = ListPage {
        l: c.layout("loyalty.programs_title", "programs"),
        base: BASE,
        test: "programs",
        programs: None,
        search,
        headers: vec![
            c.t("loyalty.name").to_string(),
            c.t("loyalty.code").to_string(),
            c.t("field.created_at").to_string(),
        ],
        rows,
        pager,
        new_href: can_manage.then(|| format!("{BASE}/new")),
        can_manage,
        no_program: false,
    };
    c.page(StatusCode::OK, &page)
}

fn form<P>(c: &Console<P>, title: &str, f: &FormData, errors: Errors) -> EntryForm {
    EntryForm {
        l: c.layout(title, "programs"),
        back: BASE.into(),
        program: None,
        code: f.get("code"),
        name: f.get("name"),
        code_max: 64,
        name_max: 128,
        editing: false,
        readonly: false,
        errors,
    }
}

fn stored_form<P>(c: &Console<P>, p: &Program, readonly: bool) -> EntryForm {
    EntryForm {
        l: c.layout("loyalty.program_edit_title", "programs"),
        code: p.code.clone(),
        name: p.name.clone(),
        editing: true,
        readonly,
        ..form(
            c,
            "loyalty.program_edit_title",
            &FormData::default(),
            Errors::none(),
        )
    }
}

async fn new(c: Console<perm::LoyaltyManage>) -> Response {
    let page = form(
        &c,
        "loyalty.program_new_title",
        &FormData::default(),
        Errors::none(),
    );
    c.page(StatusCode::OK, &page)
}

async fn create(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let input = ProgramInput {
        code: f.get("code"),
        name: f.get("name"),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        programs::create(&mut *tx, &c.ctx, input).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(BASE, "flash.program_created"),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, ENTRY_FIELDS);
            let page = form(&c, "loyalty.program_new_title", &f, errors);
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ProgramId::parse(&id) else {
        return c.not_found();
    };
    match programs::get(&*state.store, &c.ctx, id).await {
        Ok(p) => {
            let readonly = !c.may(Permission::LoyaltyManage);
            c.page(StatusCode::OK, &stored_form(&c, &p, readonly))
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
    let Some(id) = ProgramId::parse(&id) else {
        return c.not_found();
    };
    let patch = ProgramPatch {
        name: Some(f.get("name")),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        programs::update(&mut *tx, &c.ctx, id, patch).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(BASE, "flash.program_saved"),
        Err(e) if is_form_error(&e) => match programs::get(&*state.store, &c.ctx, id).await {
            Ok(p) => {
                let mut page = stored_form(&c, &p, false);
                page.name = f.get("name");
                page.errors = Errors::from_app(c.tr, &e, ENTRY_FIELDS);
                c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}

fn delete_page(
    c: &Console<perm::LoyaltyManage>,
    p: &Program,
    errors: Errors,
) -> crate::console::Confirm {
    confirm_page(
        c,
        "loyalty.program_delete_title",
        "programs",
        c.tr.tf("loyalty.delete_confirm", &[("name", &p.name)]),
        format!("{BASE}/{}/delete", p.id),
        BASE.into(),
        errors,
    )
}

async fn confirm_delete(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ProgramId::parse(&id) else {
        return c.not_found();
    };
    match programs::get(&*state.store, &c.ctx, id).await {
        Ok(p) => c.page(StatusCode::OK, &delete_page(&c, &p, Errors::none())),
        Err(e) => c.fail(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    c: Console<perm::LoyaltyManage>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let Some(id) = ProgramId::parse(&id) else {
        return c.not_found();
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        programs::delete(&mut *tx, &c.ctx, id).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(BASE, "flash.program_deleted"),
        Err(e) if is_form_error(&e) => match programs::get(&*state.store, &c.ctx, id).await {
            Ok(p) => {
                let errors = Errors::from_app(c.tr, &e, &[]);
                c.page(StatusCode::CONFLICT, &delete_page(&c, &p, errors))
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}
