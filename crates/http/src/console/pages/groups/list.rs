//! The list of groups (§3.2): name, condition type, all items, description, enable status,
//! created at; not enabled → edit | enable | delete, enabled → edit | delete. Enabling and
//! deleting are posted from here.

use super::{Kind, Words};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors};
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
use patron_app::groups;
use patron_app::groups::model::Group;
use patron_domain::rbac::Permission;

struct Row {
    id: String,
    name: String,
    all_items: String,
    description: String,
    enabled: bool,
    status: String,
    created: String,
}

#[derive(Template)]
#[template(path = "groups/list.html")]
struct ListPage {
    l: Layout,
    base: &'static str,
    words: Words,
    search: String,
    rows: Vec<Row>,
    pager: Pager,
    can_manage: bool,
    errors: Errors,
}

pub fn status_label<P>(c: &Console<P>, g: &Group) -> String {
    c.t(if g.enabled() {
        "groups.enabled"
    } else {
        "groups.not_enabled"
    })
    .to_string()
}

async fn render<K: Kind, P>(
    state: &AppState,
    c: &Console<P>,
    params: &ListParams,
    status: StatusCode,
    errors: Errors,
) -> Response {
    let page = match groups::list(&*state.store, &c.ctx, K::KIND, &params.query()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|g| Row {
            id: g.id.clone(),
            name: g.name.clone(),
            all_items: c
                .t(if g.all_items {
                    "groups.yes"
                } else {
                    "groups.no"
                })
                .to_string(),
            description: g.description.clone(),
            enabled: g.enabled(),
            status: status_label(c, g),
            created: c.when(g.created_at_ms),
        })
        .collect();
    let search = params.search();
    let pager = Pager::new(
        c.tr,
        K::BASE,
        &[("search", &search)],
        params.page(),
        rows.len(),
        page.total,
    );
    let page = ListPage {
        l: c.layout(K::LIST_TITLE, K::NAV),
        base: K::BASE,
        words: Words::of(c.tr, K::KIND),
        search,
        rows,
        pager,
        can_manage: c.may(Permission::GroupsManage),
        errors,
    };
    c.page(status, &page)
}

pub async fn list<K: Kind>(
    State(state): State<AppState>,
    c: Console<perm::GroupsRead>,
    Query(params): Query<ListParams>,
) -> Response {
    render::<K, _>(&state, &c, &params, StatusCode::OK, Errors::none()).await
}

/// Enables a group, from the list or from the editor (`from=editor`), and goes back there; a
/// refusal (no members yet, enabled already) is shown there.
pub async fn enable<K: Kind>(
    State(state): State<AppState>,
    c: Console<perm::GroupsManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let result = async {
        let mut tx = state.store.begin().await?;
        groups::enable(&mut *tx, &c.ctx, K::KIND, &id).await?;
        tx.commit().await
    }
    .await;
    let from_editor = f.get("from") == "editor";
    match result {
        Ok(()) if from_editor => {
            redirect_with_flash(&format!("{}/{id}", K::BASE), "flash.group_enabled")
        }
        Ok(()) => redirect_with_flash(K::BASE, "flash.group_enabled"),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, &[]);
            if from_editor {
                super::editor::refused::<K>(&state, &c, &id, errors).await
            } else {
                let params = ListParams::default();
                render::<K, _>(&state, &c, &params, StatusCode::CONFLICT, errors).await
            }
        }
        Err(e) => c.fail(e),
    }
}

fn delete_page<K: Kind>(c: &Console<perm::GroupsManage>, g: &Group, errors: Errors) -> Confirm {
    Confirm {
        l: c.layout("groups.delete_title", K::NAV),
        message: c.tr.tf("groups.delete_confirm", &[("name", &g.name)]),
        action: format!("{}/{}/delete", K::BASE, g.id),
        button: c.t("action.delete"),
        cancel: K::BASE.into(),
        errors,
    }
}

pub async fn confirm_delete<K: Kind>(
    State(state): State<AppState>,
    c: Console<perm::GroupsManage>,
    Path(id): Path<String>,
) -> Response {
    match groups::get(&*state.store, &c.ctx, K::KIND, &id).await {
        Ok(d) => c.page(
            StatusCode::OK,
            &delete_page::<K>(&c, &d.group, Errors::none()),
        ),
        Err(e) => c.fail(e),
    }
}

pub async fn delete<K: Kind>(
    State(state): State<AppState>,
    c: Console<perm::GroupsManage>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let result = async {
        let mut tx = state.store.begin().await?;
        groups::delete(&mut *tx, &c.ctx, K::KIND, &id).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(K::BASE, "flash.group_deleted"),
        // group_in_use: said on the confirmation page.
        Err(e) if is_form_error(&e) => match groups::get(&*state.store, &c.ctx, K::KIND, &id).await
        {
            Ok(d) => {
                let errors = Errors::from_app(c.tr, &e, &[]);
                c.page(
                    StatusCode::CONFLICT,
                    &delete_page::<K>(&c, &d.group, errors),
                )
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}
