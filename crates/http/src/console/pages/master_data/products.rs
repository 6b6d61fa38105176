//! `/console/master-data/products`, filtered by category.

use super::{list_params, options, or_dash, Cell, Filter, ListPage, Row};
use crate::auth::perm;
use crate::console::guard::Console;
use crate::console::list::Pager;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::master_data::{self as md, ProductFilter};
use patron_app::model::ListQuery;
use patron_domain::master_data::ProductStatus;
use patron_domain::money::format_fen;
use serde::Deserialize;

const PATH: &str = "/console/master-data/products";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(list))
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    search: Option<String>,
    page: Option<String>,
    category: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::MasterDataRead>,
    Query(p): Query<Params>,
) -> Response {
    let params = list_params(&p.search, &p.page);
    let category = p.category.unwrap_or_default().trim().to_string();
    let filter = ProductFilter {
        category: (!category.is_empty()).then(|| category.clone()),
    };
    let page = match md::products(&*state.store, &c.ctx, &filter, &params.query()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    // The category choices: the first 200 categories, which covers a usual tree.
    let all = ListQuery {
        limit: ListQuery::MAX_LIMIT,
        ..ListQuery::default()
    };
    let categories = match md::categories(&*state.store, &c.ctx, &all).await {
        Ok(p) => p.items,
        Err(e) => return c.fail(e),
    };
    let choices = categories
        .iter()
        .map(|cat| {
            let indent = "\u{3000}".repeat(usize::from(cat.level.saturating_sub(1)));
            (
                cat.code.clone(),
                format!("{indent}{} {}", cat.code, cat.name),
            )
        })
        .collect();
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|prod| Row {
            code: prod.code.clone(),
            cells: vec![
                Cell::mono("code", &prod.code),
                Cell::text("name", &prod.name),
                Cell::text("brand", or_dash(&prod.brand)),
                Cell::mono("category", or_dash(&prod.category_code)),
                Cell::num(
                    "price",
                    prod.price_fen.map(format_fen).unwrap_or_else(|| "—".into()),
                ),
                Cell::badge(
                    "status",
                    c.t(match prod.status {
                        ProductStatus::Active => "md.product_active",
                        ProductStatus::Inactive => "md.product_inactive",
                    }),
                    prod.status == ProductStatus::Active,
                ),
                Cell::text("source", &prod.source),
            ],
            edit: None,
        })
        .collect();
    let search = params.search();
    let pager = Pager::new(
        c.tr,
        PATH,
        &[("search", &search), ("category", &category)],
        params.page(),
        rows.len(),
        page.total,
    );
    let page = ListPage {
        l: c.layout("md.products_title", "products"),
        hint: c
            .tr
            .tf("md.sync_hint", &[("endpoint", "PUT /api/v1/products")]),
        action: PATH,
        search,
        filters: vec![Filter {
            name: "category",
            label: c.t("md.category").into(),
            options: options(c.t("md.all"), choices, &category),
        }],
        headers: vec![
            c.t("md.code").into(),
            c.t("md.name").into(),
            c.t("md.brand").into(),
            c.t("md.category").into(),
            c.t("md.price").into(),
            c.t("field.status").into(),
            c.t("md.source").into(),
        ],
        rows,
        has_actions: false,
        table_test: "products-table",
        empty: c.t("md.empty").into(),
        pager,
    };
    c.page(StatusCode::OK, &page)
}
