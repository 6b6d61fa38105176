//! `/console/tenants`: the platform administrator's tenants. Creating one also creates its
//! built-in roles and first administrator, whose generated password is shown once.

use super::{zone_choices, Choice};
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
use patron_app::model::Tenant;
use patron_app::tenants::{self, NewTenant, TenantPatch};
use patron_app::AppError;
use patron_domain::ids::TenantId;
use patron_domain::tenant::{Currency, TimeZone};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/tenants", get(list))
        .route("/console/tenants/new", get(new).post(create))
        .route("/console/tenants/{id}", get(edit).post(update))
}

struct Row {
    id: i64,
    code: String,
    name: String,
    time_zone: String,
    currency: String,
    status: &'static str,
    status_label: &'static str,
    created: String,
}

#[derive(Template)]
#[template(path = "tenants/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    search: String,
    pager: Pager,
    can_create: bool,
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::TenantsRead>,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match tenants::list(&*state.store, &c.ctx, &params.query()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let rows = page
        .items
        .iter()
        .map(|t| Row {
            id: t.id.get(),
            code: t.code.clone(),
            name: t.name.clone(),
            time_zone: t.time_zone.clone(),
            currency: t.currency.clone(),
            status: t.status.as_str(),
            status_label: c.t(status_key(t.status.as_str())),
            created: c.when(t.created_at_ms),
        })
        .collect::<Vec<_>>();
    let search = params.search();
    let pager = Pager::new(
        c.tr,
        "/console/tenants",
        &[("search", &search)],
        params.page(),
        rows.len(),
        page.total,
    );
    let page = ListPage {
        l: c.layout("tenants.title", "tenants"),
        rows,
        search,
        pager,
        can_create: c.may(patron_domain::rbac::Permission::TenantsCreate),
    };
    c.page(StatusCode::OK, &page)
}

fn status_key(status: &str) -> &'static str {
    match status {
        "suspended" => "status.suspended",
        _ => "status.active",
    }
}

/// The new-tenant and edit-tenant form. `id` is set when editing.
#[derive(Template)]
#[template(path = "tenants/form.html")]
struct FormPage {
    l: Layout,
    id: Option<i64>,
    code: String,
    name: String,
    zones: Vec<Choice>,
    currency: String,
    admin_login_name: String,
    statuses: Vec<Choice>,
    errors: Errors,
}

const NEW_FIELDS: &[&str] = &[
    "code",
    "name",
    "time_zone",
    "currency",
    "admin_login_name",
    "admin_password",
];
const EDIT_FIELDS: &[&str] = &["name", "time_zone", "currency", "status"];

fn status_choices(c: &Console<impl Sized>, current: &str) -> Vec<Choice> {
    ["active", "suspended"]
        .into_iter()
        .map(|s| Choice::new(s, c.t(status_key(s)), s == current))
        .collect()
}

fn new_form(c: &Console<perm::TenantsCreate>, f: &FormData, errors: Errors) -> FormPage {
    let zone = f.non_blank("time_zone");
    FormPage {
        l: c.layout("tenants.new_title", "tenants"),
        id: None,
        code: f.get("code"),
        name: f.get("name"),
        zones: zone_choices(zone.as_deref().unwrap_or(TimeZone::DEFAULT)),
        currency: f.non_blank("currency").unwrap_or(Currency::DEFAULT.into()),
        admin_login_name: f.non_blank("admin_login_name").unwrap_or("admin".into()),
        statuses: Vec::new(),
        errors,
    }
}

async fn new(c: Console<perm::TenantsCreate>) -> Response {
    c.page(
        StatusCode::OK,
        &new_form(&c, &FormData::default(), Errors::none()),
    )
}

#[derive(Template)]
#[template(path = "tenants/created.html")]
struct CreatedPage {
    l: Layout,
    tenant: Tenant,
    message: String,
    admin_login_name: String,
    admin_password: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    c: Console<perm::TenantsCreate>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let input = NewTenant {
        code: f.get("code"),
        name: f.get("name"),
        time_zone: f.non_blank("time_zone"),
        currency: f.non_blank("currency"),
        admin_login_name: f.get("admin_login_name"),
        admin_password: f.non_blank("admin_password"),
    };
    let result = async {
        let prepared = tenants::prepare(input).await?;
        let generated = prepared.generated_password.clone();
        let mut tx = state.store.begin().await?;
        let tenant = tenants::create(&mut *tx, &c.ctx, prepared).await?;
        tx.commit().await?;
        Ok::<_, AppError>((tenant, generated))
    }
    .await;
    match result {
        // Shown in the answer to the POST, never stored: the generated password appears once.
        Ok((tenant, admin_password)) => {
            let message = c.tr.tf(
                "tenants.created_message",
                &[("name", &tenant.name), ("code", &tenant.code)],
            );
            let page = CreatedPage {
                l: c.layout("tenants.created_title", "tenants"),
                tenant,
                message,
                admin_login_name: f.get("admin_login_name").trim().to_lowercase(),
                admin_password,
            };
            c.page(StatusCode::CREATED, &page)
        }
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, NEW_FIELDS);
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &new_form(&c, &f, errors))
        }
        Err(e) => c.fail(e),
    }
}

fn parse_id(raw: &str) -> Option<TenantId> {
    raw.parse::<i64>().ok().map(TenantId::new)
}

fn edit_form(c: &Console<perm::TenantsUpdate>, t: &Tenant, errors: Errors) -> FormPage {
    FormPage {
        l: c.layout("tenants.edit_title", "tenants"),
        id: Some(t.id.get()),
        code: t.code.clone(),
        name: t.name.clone(),
        zones: zone_choices(&t.time_zone),
        currency: t.currency.clone(),
        admin_login_name: String::new(),
        statuses: status_choices(c, t.status.as_str()),
        errors,
    }
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::TenantsUpdate>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return c.not_found();
    };
    match tenants::get(&*state.store, &c.ctx, id).await {
        Ok(t) => c.page(StatusCode::OK, &edit_form(&c, &t, Errors::none())),
        Err(e) => c.fail(e),
    }
}

async fn update(
    State(state): State<AppState>,
    c: Console<perm::TenantsUpdate>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return c.not_found();
    };
    let patch = TenantPatch {
        name: Some(f.get("name")),
        time_zone: Some(f.get("time_zone")),
        currency: Some(f.get("currency")),
        status: Some(f.get("status")),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        let tenant = tenants::update(&mut *tx, &c.ctx, &state.keys, id, patch).await?;
        tx.commit().await?;
        Ok::<_, AppError>(tenant)
    }
    .await;
    match result {
        Ok(_) => redirect_with_flash("/console/tenants", "flash.tenant_saved"),
        Err(e) if is_form_error(&e) => {
            let mut t = match tenants::get(&*state.store, &c.ctx, id).await {
                Ok(t) => t,
                Err(e) => return c.fail(e),
            };
            // Show what was typed, not what is stored.
            t.name = f.get("name");
            t.time_zone = f.get("time_zone");
            t.currency = f.get("currency");
            let mut page = edit_form(&c, &t, Errors::from_app(c.tr, &e, EDIT_FIELDS));
            page.statuses = status_choices(&c, &f.get("status"));
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}
