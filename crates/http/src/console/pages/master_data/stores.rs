//! `/console/master-data/stores`, filtered by kind (physical or virtual) and channel; channel
//! names in the reader's language.

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
use patron_app::master_data::{self as md, StoreFilter};
use patron_domain::channel::Channel;
use patron_domain::master_data::{StoreKind, StoreStatus};
use serde::Deserialize;

const PATH: &str = "/console/master-data/stores";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(list))
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    search: Option<String>,
    page: Option<String>,
    kind: Option<String>,
    channel: Option<String>,
}

fn kind_key(kind: StoreKind) -> &'static str {
    match kind {
        StoreKind::Physical => "md.kind_physical",
        StoreKind::Virtual => "md.kind_virtual",
    }
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::MasterDataRead>,
    Query(p): Query<Params>,
) -> Response {
    let params = list_params(&p.search, &p.page);
    // Unknown filter values are ignored rather than refused: links can be edited by hand.
    let kind = p.kind.as_deref().and_then(|k| StoreKind::parse(k).ok());
    let channel = p.channel.as_deref().and_then(Channel::parse);
    let filter = StoreFilter {
        kind,
        channel,
        status: None,
    };
    let page = match md::stores(&*state.store, &c.ctx, &filter, &params.query()).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let rows: Vec<Row> = page
        .items
        .iter()
        .map(|s| Row {
            code: s.code.clone(),
            cells: vec![
                Cell::mono("code", &s.code),
                Cell::text("name", &s.name),
                Cell::text("kind", c.t(kind_key(s.kind))),
                Cell::text("channel", c.tr.pick(s.channel.names())),
                Cell::text(
                    "place",
                    match (&s.province, &s.city) {
                        (Some(p), Some(city)) if p == city => p.clone(),
                        (Some(p), Some(city)) => format!("{p} {city}"),
                        (p, city) => p.clone().or(city.clone()).unwrap_or_else(|| "—".into()),
                    },
                ),
                Cell::mono("parent", or_dash(&s.parent_code)),
                Cell::badge(
                    "status",
                    c.t(match s.status {
                        StoreStatus::Open => "md.store_open",
                        StoreStatus::Closed => "md.store_closed",
                    }),
                    s.status == StoreStatus::Open,
                ),
                Cell::text("source", &s.source),
            ],
            edit: None,
        })
        .collect();
    let search = params.search();
    let kind_value = kind.map(StoreKind::as_str).unwrap_or_default();
    let channel_value = channel.map(Channel::code).unwrap_or_default();
    let pager = Pager::new(
        c.tr,
        PATH,
        &[
            ("search", &search),
            ("kind", kind_value),
            ("channel", channel_value),
        ],
        params.page(),
        rows.len(),
        page.total,
    );
    let kinds = StoreKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), c.t(kind_key(*k)).to_string()))
        .collect();
    let channels = Channel::ALL
        .iter()
        .map(|ch| (ch.code().to_string(), c.tr.pick(ch.names()).to_string()))
        .collect();
    let page = ListPage {
        l: c.layout("md.stores_title", "stores"),
        hint: c
            .tr
            .tf("md.sync_hint", &[("endpoint", "PUT /api/v1/stores")]),
        action: PATH,
        search,
        filters: vec![
            Filter {
                name: "kind",
                label: c.t("md.kind").into(),
                options: options(c.t("md.all"), kinds, kind_value),
            },
            Filter {
                name: "channel",
                label: c.t("md.channel").into(),
                options: options(c.t("md.all"), channels, channel_value),
            },
        ],
        headers: vec![
            c.t("md.code").into(),
            c.t("md.name").into(),
            c.t("md.kind").into(),
            c.t("md.channel").into(),
            c.t("md.place").into(),
            c.t("md.org_parent").into(),
            c.t("field.status").into(),
            c.t("md.source").into(),
        ],
        rows,
        has_actions: false,
        table_test: "stores-table",
        empty: c.t("md.empty").into(),
        pager,
    };
    c.page(StatusCode::OK, &page)
}
