//! `/console/api-keys`: keys for integrations (POS, web shop). Each is bound to one role; its
//! token is shown once, on creation; revoking refuses it from then on.

use super::{role_label, tenant_roles, Choice};
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
use patron_app::api_keys::{self, NewApiKey};
use patron_app::model::Role;
use patron_app::AppError;
use patron_domain::ids::ApiKeyId;
use patron_domain::rbac::Permission;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/api-keys", get(list))
        .route("/console/api-keys/new", get(new).post(create))
        .route(
            "/console/api-keys/{id}/revoke",
            get(confirm_revoke).post(revoke),
        )
}

struct Row {
    id: String,
    name: String,
    role: String,
    created: String,
    revoked: String,
}

#[derive(Template)]
#[template(path = "api_keys/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    search: String,
    pager: Pager,
    can_create: bool,
    can_revoke: bool,
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::ApiKeysRead>,
    Query(params): Query<ListParams>,
) -> Response {
    let found = async {
        let page = api_keys::list(&*state.store, &c.ctx, &params.query()).await?;
        Ok::<_, AppError>((page, tenant_roles(&state, &c.ctx).await?))
    }
    .await;
    let (page, roles) = match found {
        Ok(f) => f,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|k| Row {
            id: k.id.to_string(),
            name: k.name.clone(),
            role: roles
                .iter()
                .find(|r| r.id == k.role_id)
                .map(|r| role_label(c.tr, r))
                .unwrap_or_default(),
            created: c.when(k.created_at_ms),
            revoked: k.revoked_at_ms.map(|ms| c.when(ms)).unwrap_or_default(),
        })
        .collect();
    let search = params.search();
    let pager = Pager::new(
        c.tr,
        "/console/api-keys",
        &[("search", &search)],
        params.page(),
        rows.len(),
        page.total,
    );
    let page = ListPage {
        l: c.layout("api_keys.title", "api_keys"),
        rows,
        search,
        pager,
        can_create: c.may(Permission::ApiKeysCreate),
        can_revoke: c.may(Permission::ApiKeysRevoke),
    };
    c.page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "api_keys/form.html")]
struct FormPage {
    l: Layout,
    name: String,
    roles: Vec<Choice>,
    errors: Errors,
}

fn form_page(
    c: &Console<perm::ApiKeysCreate>,
    f: &FormData,
    roles: &[Role],
    errors: Errors,
) -> FormPage {
    let chosen = f.get("role_id");
    FormPage {
        l: c.layout("api_keys.new_title", "api_keys"),
        name: f.get("name"),
        roles: roles
            .iter()
            .map(|r| {
                Choice::new(
                    r.id.to_string(),
                    role_label(c.tr, r),
                    r.id.to_string() == chosen,
                )
            })
            .collect(),
        errors,
    }
}

async fn new(State(state): State<AppState>, c: Console<perm::ApiKeysCreate>) -> Response {
    match tenant_roles(&state, &c.ctx).await {
        Ok(roles) => {
            let page = form_page(&c, &FormData::default(), &roles, Errors::none());
            c.page(StatusCode::OK, &page)
        }
        Err(e) => c.fail(e),
    }
}

#[derive(Template)]
#[template(path = "api_keys/created.html")]
struct CreatedPage {
    l: Layout,
    name: String,
    token: String,
}

async fn create(
    State(state): State<AppState>,
    c: Console<perm::ApiKeysCreate>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let input = NewApiKey {
        name: f.get("name"),
        role_id: f.get("role_id"),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        let created = api_keys::create(&mut *tx, &c.ctx, input).await?;
        tx.commit().await?;
        Ok::<_, AppError>(created)
    }
    .await;
    match result {
        // The token is in this answer only; Patron keeps just its digest.
        Ok((key, token)) => {
            let page = CreatedPage {
                l: c.layout("api_keys.created_title", "api_keys"),
                name: key.name,
                token,
            };
            c.page(StatusCode::CREATED, &page)
        }
        Err(e) if is_form_error(&e) => match tenant_roles(&state, &c.ctx).await {
            Ok(roles) => {
                let errors = Errors::from_app(c.tr, &e, &["name", "role_id"]);
                let page = form_page(&c, &f, &roles, errors);
                c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}

/// The list links to the confirmation with the key's name, to say which key is meant; it is
/// only displayed, the id in the path decides what is revoked.
#[derive(Debug, Default, Deserialize)]
struct RevokeQuery {
    name: Option<String>,
}

fn revoke_page(
    c: &Console<perm::ApiKeysRevoke>,
    id: ApiKeyId,
    name: &str,
    errors: Errors,
) -> Confirm {
    Confirm {
        l: c.layout("api_keys.revoke_title", "api_keys"),
        message: c.tr.tf("api_keys.revoke_confirm", &[("name", name)]),
        action: format!("/console/api-keys/{id}/revoke"),
        button: c.t("api_keys.revoke"),
        cancel: "/console/api-keys".into(),
        errors,
    }
}

async fn confirm_revoke(
    c: Console<perm::ApiKeysRevoke>,
    Path(id): Path<String>,
    Query(q): Query<RevokeQuery>,
) -> Response {
    let Some(id) = ApiKeyId::parse(&id) else {
        return c.not_found();
    };
    let name = q.name.unwrap_or_default();
    c.page(StatusCode::OK, &revoke_page(&c, id, &name, Errors::none()))
}

async fn revoke(
    State(state): State<AppState>,
    c: Console<perm::ApiKeysRevoke>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let Some(id) = ApiKeyId::parse(&id) else {
        return c.not_found();
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        api_keys::revoke(&mut *tx, &c.ctx, &state.keys, id).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console/api-keys", "flash.api_key_revoked"),
        Err(e) => c.fail(e),
    }
}
