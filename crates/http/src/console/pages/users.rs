//! `/console/users`: console users of the tenant (spec §12.3): the list, new and edit forms with
//! the roles as a checkbox list (分配角色), a password reset, and delete with a confirmation.

use super::{locale_choices, role_label, tenant_roles, Choice};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::model::{Role, User};
use patron_app::users::{self, NewUser, UserPatch};
use patron_app::AppError;
use patron_domain::ids::UserId;
use patron_domain::rbac::Permission;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/users", get(list))
        .route("/console/users/new", get(new).post(create))
        .route("/console/users/{id}", get(edit).post(update))
        .merge(super::user_admin::router())
}

struct Row {
    id: String,
    login_name: String,
    display_name: String,
    email: String,
    roles: String,
    active: bool,
    last_login: String,
}

#[derive(Template)]
#[template(path = "users/list.html")]
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
    c: Console<perm::UsersRead>,
    Query(params): Query<ListParams>,
) -> Response {
    let found = async {
        let page = users::list(&*state.store, &c.ctx, &params.query()).await?;
        let roles = tenant_roles(&state, &c.ctx).await?;
        Ok::<_, AppError>((page, roles))
    }
    .await;
    let (page, roles) = match found {
        Ok(f) => f,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|u| Row {
            id: u.id.to_string(),
            login_name: u.login_name.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone().unwrap_or_default(),
            roles: roles
                .iter()
                .filter(|r| u.role_ids.contains(&r.id))
                .map(|r| role_label(c.tr, r))
                .collect::<Vec<_>>()
                .join(", "),
            active: u.status.as_str() == "active",
            last_login: u.last_login_at_ms.map(|ms| c.when(ms)).unwrap_or_default(),
        })
        .collect();
    let search = params.search();
    let pager = Pager::new(
        c.tr,
        "/console/users",
        &[("search", &search)],
        params.page(),
        rows.len(),
        page.total,
    );
    let page = ListPage {
        l: c.layout("users.title", "users"),
        rows,
        search,
        pager,
        can_create: c.may(Permission::UsersCreate),
        can_update: c.may(Permission::UsersUpdate),
        can_delete: c.may(Permission::UsersDelete),
    };
    c.page(StatusCode::OK, &page)
}

/// One box of the role list.
struct RoleBox {
    id: String,
    key: String,
    label: String,
    checked: bool,
}

fn role_boxes(c: &Console<impl Sized>, roles: &[Role], chosen: &[String]) -> Vec<RoleBox> {
    roles
        .iter()
        .map(|r| RoleBox {
            id: r.id.to_string(),
            key: r.key.clone(),
            label: role_label(c.tr, r),
            checked: chosen.contains(&r.id.to_string()),
        })
        .collect()
}

/// The new-user and edit-user form; `id` is set when editing.
#[derive(Template)]
#[template(path = "users/form.html")]
struct FormPage {
    l: Layout,
    id: Option<String>,
    login_name: String,
    display_name: String,
    email: String,
    locales: Vec<Choice>,
    statuses: Vec<Choice>,
    roles: Vec<RoleBox>,
    errors: Errors,
}

const FIELDS: &[&str] = &[
    "login_name",
    "display_name",
    "email",
    "locale",
    "password",
    "status",
    "role_ids",
];

fn status_choices(c: &Console<impl Sized>, current: &str) -> Vec<Choice> {
    [("active", "status.active"), ("disabled", "status.disabled")]
        .into_iter()
        .map(|(v, k)| Choice::new(v, c.t(k), v == current))
        .collect()
}

/// The form filled from what was typed (or blank): passwords are never echoed back.
fn typed_form(
    c: &Console<impl Sized>,
    title: &str,
    id: Option<String>,
    f: &FormData,
    roles: &[Role],
    errors: Errors,
) -> FormPage {
    let locale = f
        .non_blank("locale")
        .unwrap_or_else(|| c.tr.locale().tag().into());
    FormPage {
        l: c.layout(title, "users"),
        statuses: if id.is_some() {
            status_choices(c, &f.get("status"))
        } else {
            Vec::new()
        },
        id,
        login_name: f.get("login_name"),
        display_name: f.get("display_name"),
        email: f.get("email"),
        locales: locale_choices(c.tr, &locale),
        roles: role_boxes(c, roles, &f.all("role_ids")),
        errors,
    }
}

/// The form showing a stored user.
fn stored_form(c: &Console<impl Sized>, u: &User, roles: &[Role]) -> FormPage {
    let chosen: Vec<String> = u.role_ids.iter().map(ToString::to_string).collect();
    FormPage {
        l: c.layout("users.edit_title", "users"),
        id: Some(u.id.to_string()),
        login_name: u.login_name.clone(),
        display_name: u.display_name.clone(),
        email: u.email.clone().unwrap_or_default(),
        locales: locale_choices(c.tr, u.locale.tag()),
        statuses: status_choices(c, u.status.as_str()),
        roles: role_boxes(c, roles, &chosen),
        errors: Errors::none(),
    }
}

async fn new(State(state): State<AppState>, c: Console<perm::UsersCreate>) -> Response {
    match tenant_roles(&state, &c.ctx).await {
        Ok(roles) => {
            let f = FormData::default();
            let page = typed_form(&c, "users.new_title", None, &f, &roles, Errors::none());
            c.page(StatusCode::OK, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn create(
    State(state): State<AppState>,
    c: Console<perm::UsersCreate>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let input = NewUser {
        login_name: f.get("login_name"),
        display_name: f.get("display_name"),
        email: f.non_blank("email"),
        locale: f.non_blank("locale"),
        password: f.get("password"),
        role_ids: f.all("role_ids"),
    };
    let result = async {
        let prepared = users::prepare(input).await?;
        let mut tx = state.store.begin().await?;
        users::create(&mut *tx, &c.ctx, prepared).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console/users", "flash.user_created"),
        Err(e) if is_form_error(&e) => match tenant_roles(&state, &c.ctx).await {
            Ok(roles) => {
                let errors = Errors::from_app(c.tr, &e, FIELDS);
                let page = typed_form(&c, "users.new_title", None, &f, &roles, errors);
                c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}

pub(super) fn parse_id(raw: &str) -> Option<UserId> {
    UserId::parse(raw)
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::UsersUpdate>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return c.not_found();
    };
    let found = async {
        let user = users::get(&*state.store, &c.ctx, id).await?;
        Ok::<_, AppError>((user, tenant_roles(&state, &c.ctx).await?))
    }
    .await;
    match found {
        Ok((user, roles)) => c.page(StatusCode::OK, &stored_form(&c, &user, &roles)),
        Err(e) => c.fail(e),
    }
}

async fn update(
    State(state): State<AppState>,
    c: Console<perm::UsersUpdate>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return c.not_found();
    };
    let (user, roles) = match async {
        let user = users::get(&*state.store, &c.ctx, id).await?;
        Ok::<_, AppError>((user, tenant_roles(&state, &c.ctx).await?))
    }
    .await
    {
        Ok(found) => found,
        Err(e) => return c.fail(e),
    };
    // Roles are only sent when they changed: assigning roles checks that the editor holds all
    // their permissions, which should not block a mere change of name.
    let mut chosen = f.all("role_ids");
    chosen.sort();
    chosen.dedup();
    let mut current: Vec<String> = user.role_ids.iter().map(ToString::to_string).collect();
    current.sort();
    let patch = UserPatch {
        display_name: Some(f.get("display_name")),
        email: Some(f.get("email")),
        locale: Some(f.get("locale")),
        status: Some(f.get("status")),
        role_ids: (chosen != current).then_some(chosen),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        users::update(&mut *tx, &c.ctx, id, patch).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console/users", "flash.user_saved"),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, FIELDS);
            let mut page = typed_form(
                &c,
                "users.edit_title",
                Some(id.to_string()),
                &f,
                &roles,
                errors,
            );
            page.login_name = user.login_name;
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}
