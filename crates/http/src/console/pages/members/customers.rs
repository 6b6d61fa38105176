//! `/console/customers`: the customer list (loyalty-core §8.1). Search is exact on phone,
//! email, card number or full name, since personal data is stored encrypted; values are masked
//! unless the user's role may see them.

use crate::auth::perm;
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::members::customers;

pub fn router() -> Router<AppState> {
    Router::new().route("/console/customers", get(list))
}

pub(super) struct Row {
    pub id: String,
    pub name: String,
    pub source: String,
    pub gender: String,
    pub birthday: String,
    pub phone: String,
    pub created: String,
    pub is_test: bool,
    pub erased: bool,
}

#[derive(Template)]
#[template(path = "customers/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    search: String,
    pager: Pager,
    masked: bool,
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::CustomersRead>,
    Query(params): Query<ListParams>,
) -> Response {
    let page = match customers::list(&*state.store, &c.ctx, &state.pii, &params.query()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|v| Row {
            id: v.customer.id.to_string(),
            name: v.pii.name.clone().unwrap_or_default(),
            source: c.tr.pick(v.customer.source_channel.names()).to_string(),
            gender: c
                .t(&format!("gender.{}", v.customer.gender.as_str()))
                .to_string(),
            birthday: v.pii.birthday.clone().unwrap_or_default(),
            phone: v.pii.phone.clone().unwrap_or_default(),
            created: c.when(v.customer.created_at_ms),
            is_test: v.customer.is_test,
            erased: v.customer.erased_at_ms.is_some(),
        })
        .collect();
    let search = params.search();
    let pager = Pager::new(
        c.tr,
        "/console/customers",
        &[("search", &search)],
        params.page(),
        rows.len(),
        page.total,
    );
    let page = ListPage {
        l: c.layout("customers.title", "customers"),
        rows,
        search,
        pager,
        masked: !customers::sees_clear(&c.ctx),
    };
    c.page(StatusCode::OK, &page)
}
