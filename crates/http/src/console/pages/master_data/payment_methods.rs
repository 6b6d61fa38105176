//! `/console/master-data/payment-methods`, and the form for the one local field: whether paying
//! with a method counts toward points (spec §11.4; administrators only).

use super::{list_params, or_dash, Cell, ListPage, Row};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::Pager;
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::master_data::{self as md, PaymentMethod};
use patron_domain::rbac::Permission;
use serde::Deserialize;

const PATH: &str = "/console/master-data/payment-methods";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(list)).route(
        "/console/master-data/payment-methods/{code}",
        get(edit).post(save),
    )
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    search: Option<String>,
    page: Option<String>,
}

fn yes_no<P>(c: &Console<P>, on: bool) -> Cell {
    Cell::badge("earns_points", c.t(if on { "md.yes" } else { "md.no" }), on)
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::MasterDataRead>,
    Query(p): Query<Params>,
) -> Response {
    let params = list_params(&p.search, &p.page);
    let page = match md::payment_methods(&*state.store, &c.ctx, &params.query()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let can_edit = c.may(Permission::MasterDataManage);
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|m| Row {
            code: m.code.clone(),
            cells: vec![
                Cell::mono("code", &m.code),
                Cell::text("name", &m.name),
                yes_no(&c, m.earns_points),
                Cell::text("category", or_dash(&m.category)),
                Cell::text("source", &m.source),
                Cell::text("created", c.when(m.created_at_ms)),
            ],
            edit: can_edit.then(|| format!("{PATH}/{}", m.code)),
        })
        .collect();
    let search = params.search();
    let pager = Pager::new(
        c.tr,
        PATH,
        &[("search", &search)],
        params.page(),
        rows.len(),
        page.total,
    );
    let page = ListPage {
        l: c.layout("md.payment_methods_title", "payment_methods"),
        hint: c.tr.tf(
            "md.sync_hint",
            &[("endpoint", "PUT /api/v1/payment-methods")],
        ),
        action: PATH,
        search,
        filters: vec![],
        headers: vec![
            c.t("md.code").into(),
            c.t("md.name").into(),
            c.t("md.earns_points").into(),
            c.t("md.payment_category").into(),
            c.t("md.source").into(),
            c.t("field.created_at").into(),
        ],
        rows,
        has_actions: can_edit,
        table_test: "payment-methods-table",
        empty: c.t("md.empty").into(),
        pager,
    };
    c.page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "master_data/payment_method.html")]
struct FormPage {
    l: Layout,
    code: String,
    name: String,
    category: String,
    source: String,
    earns_points: bool,
    errors: Errors,
}

fn form_page(c: &Console<perm::MasterDataManage>, m: &PaymentMethod, errors: Errors) -> FormPage {
    FormPage {
        l: c.layout("md.payment_method_edit_title", "payment_methods"),
        code: m.code.clone(),
        name: m.name.clone(),
        category: or_dash(&m.category),
        source: m.source.clone(),
        earns_points: m.earns_points,
        errors,
    }
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::MasterDataManage>,
    Path(code): Path<String>,
) -> Response {
    match md::payment_method(&*state.store, &c.ctx, &code).await {
        Ok(m) => c.page(StatusCode::OK, &form_page(&c, &m, Errors::none())),
        Err(e) => c.fail(e),
    }
}

async fn save(
    State(state): State<AppState>,
    c: Console<perm::MasterDataManage>,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    // An unchecked box sends nothing.
    let earns = f.get("earns_points") == "on";
    let result = async {
        let mut tx = state.store.begin().await?;
        md::set_earns_points(&mut *tx, &c.ctx, &code, earns).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(PATH, "flash.payment_method_saved"),
        Err(e) if is_form_error(&e) => match md::payment_method(&*state.store, &c.ctx, &code).await
        {
            Ok(m) => {
                let errors = Errors::from_app(c.tr, &e, &[]);
                c.page(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&c, &m, errors))
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}
