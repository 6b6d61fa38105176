//! `/console/roles`: security roles (spec §12.1) and their permission matrix (分配权限): one row
//! per resource, one column per action, a box per permission that exists. Built-in roles are
//! shown read-only; a role still held cannot be deleted.

use super::matrix::{matrix, Matrix};
use super::role_label;
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::render::redirect_with_flash;
use crate::console::Confirm;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::model::Role;
use patron_app::roles::{self, RoleInput, RolePatch};
use patron_domain::ids::RoleId;
use patron_domain::rbac::Permission;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/roles", get(list))
        .route("/console/roles/new", get(new).post(create))
        .route("/console/roles/{id}", get(edit).post(update))
        .route(
            "/console/roles/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

struct Row {
    id: String,
    key: String,
    name: String,
    description: String,
    builtin: bool,
    permissions: usize,
    created: String,
}

#[derive(Template)]
#[template(path = "roles/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    search: String,
    pager: Pager,
    can_create: bool,
    can_update: bool,
    can_delete: bool,
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::RolesRead>,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match roles::list(&*state.store, &c.ctx, &params.query()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|r| Row {
            id: r.id.to_string(),
            key: r.key.clone(),
            name: role_label(c.tr, r),
            description: r.description.clone(),
            builtin: r.builtin.is_some(),
            permissions: r.permissions.iter().count(),
            created: c.when(r.created_at_ms),
        })
        .collect();
    let search = params.search();
    let pager = Pager::new(
        c.tr,
        "/console/roles",
        &[("search", &search)],
        params.page(),
        rows.len(),
        page.total,
    );
    let page = ListPage {
        l: c.layout("roles.title", "roles"),
        rows,
        search,
        pager,
        can_create: c.may(Permission::RolesCreate),
        can_update: c.may(Permission::RolesUpdate),
        can_delete: c.may(Permission::RolesDelete),
    };
    c.page(StatusCode::OK, &page)
}

/// The new-role and edit-role form; `id` is set when editing, `readonly` for built-in roles
/// and for readers without `roles:update`.
#[derive(Template)]
#[template(path = "roles/form.html")]
struct FormPage {
    l: Layout,
    id: Option<String>,
    key: String,
    name: String,
    description: String,
    builtin: bool,
    readonly: bool,
    matrix: Matrix,
    errors: Errors,
}

const FIELDS: &[&str] = &["key", "name", "description", "permissions"];

fn typed_form(c: &Console<impl Sized>, title: &str, f: &FormData, errors: Errors) -> FormPage {
    let chosen = f.all("permissions");
    FormPage {
        l: c.layout(title, "roles"),
        id: None,
        key: f.get("key"),
        name: f.get("name"),
        description: f.get("description"),
        builtin: false,
        readonly: false,
        matrix: matrix(c.tr, |p| chosen.iter().any(|k| k == p.key())),
        errors,
    }
}

fn stored_form(c: &Console<impl Sized>, r: &Role) -> FormPage {
    let builtin = r.builtin.is_some();
    FormPage {
        l: c.layout(
            if builtin {
                "roles.view_title"
            } else {
                "roles.edit_title"
            },
            "roles",
        ),
        id: Some(r.id.to_string()),
        key: r.key.clone(),
        name: role_label(c.tr, r),
        description: r.description.clone(),
        builtin,
        readonly: builtin || !c.may(Permission::RolesUpdate),
        matrix: matrix(c.tr, |p| r.permissions.contains(p)),
        errors: Errors::none(),
    }
}

async fn new(c: Console<perm::RolesCreate>) -> Response {
    let page = typed_form(&c, "roles.new_title", &FormData::default(), Errors::none());
    c.page(StatusCode::OK, &page)
}

async fn create(
    State(state): State<AppState>,
    c: Console<perm::RolesCreate>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let input = RoleInput {
        key: f.get("key"),
        name: f.get("name"),
        description: f.non_blank("description"),
        permissions: f.all("permissions"),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        roles::create(&mut *tx, &c.ctx, input).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console/roles", "flash.role_created"),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, FIELDS);
            let page = typed_form(&c, "roles.new_title", &f, errors);
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::RolesRead>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = RoleId::parse(&id) else {
        return c.not_found();
    };
    match roles::get(&*state.store, &c.ctx, id).await {
        Ok(r) => c.page(StatusCode::OK, &stored_form(&c, &r)),
        Err(e) => c.fail(e),
    }
}

async fn update(
    State(state): State<AppState>,
    c: Console<perm::RolesUpdate>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let Some(id) = RoleId::parse(&id) else {
        return c.not_found();
    };
    let patch = RolePatch {
        name: Some(f.get("name")),
        description: Some(f.get("description")),
        permissions: Some(f.all("permissions")),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        roles::update(&mut *tx, &c.ctx, &state.keys, id, patch).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console/roles", "flash.role_saved"),
        Err(e) if is_form_error(&e) => {
            let role = match roles::get(&*state.store, &c.ctx, id).await {
                Ok(r) => r,
                Err(e) => return c.fail(e),
            };
            let errors = Errors::from_app(c.tr, &e, FIELDS);
            let mut page = typed_form(&c, "roles.edit_title", &f, errors);
            page.id = Some(role.id.to_string());
            page.key = role.key;
            page.builtin = role.builtin.is_some();
            page.readonly = page.builtin;
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

fn delete_page(c: &Console<perm::RolesDelete>, r: &Role, errors: Errors) -> Confirm {
    Confirm {
        l: c.layout("roles.delete_title", "roles"),
        message: c
            .tr
            .tf("roles.delete_confirm", &[("name", &role_label(c.tr, r))]),
        action: format!("/console/roles/{}/delete", r.id),
        button: c.t("action.delete"),
        cancel: "/console/roles".into(),
        errors,
    }
}

async fn confirm_delete(
    State(state): State<AppState>,
    c: Console<perm::RolesDelete>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = RoleId::parse(&id) else {
        return c.not_found();
    };
    match roles::get(&*state.store, &c.ctx, id).await {
        Ok(r) => c.page(StatusCode::OK, &delete_page(&c, &r, Errors::none())),
        Err(e) => c.fail(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    c: Console<perm::RolesDelete>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let Some(id) = RoleId::parse(&id) else {
        return c.not_found();
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        roles::delete(&mut *tx, &c.ctx, id).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console/roles", "flash.role_deleted"),
        // role_in_use, builtin_role_readonly: said on the confirmation page.
        Err(e) if is_form_error(&e) => match roles::get(&*state.store, &c.ctx, id).await {
            Ok(r) => {
                let errors = Errors::from_app(c.tr, &e, &[]);
                c.page(StatusCode::CONFLICT, &delete_page(&c, &r, errors))
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}
