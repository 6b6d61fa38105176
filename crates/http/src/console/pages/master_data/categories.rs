//! `/console/master-data/categories`: the category tree, one row per category with its level
//! and parent.

use super::{list_params, or_dash, Cell, ListPage, Row};
use crate::auth::perm;
use crate::console::guard::Console;
use crate::console::list::Pager;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::master_data as md;
use serde::Deserialize;

const PATH: &str = "/console/master-data/categories";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(list))
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    search: Option<String>,
    page: Option<String>,
}

fn level_key(level: u8) -> &'static str {
    match level {
        1 => "md.level_1",
        2 => "md.level_2",
        _ => "md.level_3",
    }
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::MasterDataRead>,
    Query(p): Query<Params>,
) -> Response {
    let params = list_params(&p.search, &p.page);
    let page = match md::categories(&*state.store, &c.ctx, &params.query()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|cat| {
            // Indent by level so the tree reads as one.
            let indent = "\u{3000}".repeat(usize::from(cat.level.saturating_sub(1)));
            Row {
                code: cat.code.clone(),
                cells: vec![
                    Cell::mono("code", &cat.code),
                    Cell::text("name", format!("{indent}{}", cat.name)),
                    Cell::text("level", c.t(level_key(cat.level))),
                    Cell::mono("parent", or_dash(&cat.parent_code)),
                    Cell::text("source", &cat.source),
                    Cell::text("created", c.when(cat.created_at_ms)),
                ],
                edit: None,
            }
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
        l: c.layout("md.categories_title", "categories"),
        hint: c
            .tr
            .tf("md.sync_hint", &[("endpoint", "PUT /api/v1/categories")]),
        action: PATH,
        search,
        filters: vec![],
        headers: vec![
            c.t("md.code").into(),
            c.t("md.name").into(),
            c.t("md.level").into(),
            c.t("md.parent").into(),
            c.t("md.source").into(),
            c.t("field.created_at").into(),
        ],
        rows,
        has_actions: false,
        table_test: "categories-table",
        empty: c.t("md.empty").into(),
        pager,
    };
    c.page(StatusCode::OK, &page)
}
