//! `/console/orders`: the transaction center. The list filters by order number, direction,
//! store and days (in the tenant's zone); an order opens to its lines, payments, discounts, the
//! points each line produced, and its refunds or original.

use super::audit::parse_day;
use crate::api::orders::money;
use crate::auth::perm;
use crate::console::form::Errors;
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{Pager, PER_PAGE};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::model::ListQuery;
use patron_app::orders::model::{OrderFilter, StoredOrder};
use patron_app::orders::read;
use patron_app::ports::Reads;
use patron_domain::ids::StoreId;
use patron_domain::orders::Direction;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/orders", get(list))
        .route("/console/orders/{id}", get(view))
}

#[derive(Debug, Default, serde::Deserialize)]
struct Filters {
    search: Option<String>,
    direction: Option<String>,
    store: Option<String>,
    from: Option<String>,
    to: Option<String>,
    member_id: Option<String>,
    page: Option<String>,
}

fn text(v: &Option<String>) -> String {
    v.as_deref().unwrap_or_default().trim().to_string()
}

struct Row {
    id: String,
    at: String,
    external_no: String,
    channel: String,
    store: String,
    member: String,
    refund: bool,
    item_quantity: i64,
    paid: String,
    points: i64,
    refund_status: String,
}

/// Store names by id, for the rows shown.
async fn store_names(
    r: &mut dyn Reads,
    c: &Console<perm::OrdersRead>,
    ids: &[&str],
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Ok(t) = c.ctx.principal.tenant() else {
        return out;
    };
    for id in ids {
        if out.contains_key(*id) {
            continue;
        }
        if let Some(sid) = StoreId::parse(id) {
            if let Ok(Some(s)) = r.store(t, sid).await {
                out.insert((*id).to_string(), format!("{} {}", s.code, s.name));
            }
        }
    }
    out
}

async fn card_numbers(
    r: &mut dyn Reads,
    c: &Console<perm::OrdersRead>,
    orders: &[StoredOrder],
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Ok(t) = c.ctx.principal.tenant() else {
        return out;
    };
    for m in orders.iter().filter_map(|o| o.member_id) {
        if let Ok(Some(member)) = r.member(t, m).await {
            out.insert(m.to_string(), member.card_no);
        }
    }
    out
}

fn row(
    c: &Console<perm::OrdersRead>,
    o: &StoredOrder,
    stores: &HashMap<String, String>,
    cards: &HashMap<String, String>,
) -> Row {
    Row {
        id: o.id.clone(),
        at: c.when(o.ordered_at_ms),
        external_no: o.external_no.clone(),
        channel: o.channel.code().to_string(),
        store: stores.get(&o.store_id).cloned().unwrap_or_default(),
        member: o
            .member_id
            .and_then(|m| cards.get(&m.to_string()).cloned())
            .unwrap_or_default(),
        refund: o.direction == Direction::Refund,
        item_quantity: o.item_quantity,
        paid: money(o.paid_fen),
        points: o.points_change,
        refund_status: o.refund_status.clone(),
    }
}

#[derive(Template)]
#[template(path = "orders/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    search: String,
    direction: String,
    store: String,
    from: String,
    to: String,
    member_id: String,
    pager: Pager,
    errors: Errors,
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::OrdersRead>,
    Query(q): Query<Filters>,
) -> Response {
    let tz = c.tz();
    let (search, direction, store) = (text(&q.search), text(&q.direction), text(&q.store));
    let (from, to, member_id) = (text(&q.from), text(&q.to), text(&q.member_id));
    let page_no = crate::console::list::ListParams {
        search: None,
        page: q.page.clone(),
    }
    .page();
    let mut errors = Errors::none();
    let bad_day = c.t("err.invalid_date").to_string();
    let from_ms = parse_day(&from, tz, false);
    let to_ms = parse_day(&to, tz, true);
    if from_ms.is_err() {
        errors = Errors::field("from", bad_day.clone());
    } else if to_ms.is_err() {
        errors = Errors::field("to", bad_day);
    }
    let mut rows = Vec::new();
    let mut total = 0;
    if !errors.any() {
        let t = match c.ctx.principal.tenant() {
            Ok(t) => t,
            Err(e) => return c.fail(e),
        };
        let mut r = match state.store.reader().await {
            Ok(r) => r,
            Err(e) => return c.fail(e),
        };
        let store_id = if store.is_empty() {
            None
        } else {
            // An unknown store code has no orders.
            Some(match r.store_ref(t, &store).await {
                Ok(s) => s.map_or_else(|| "-".to_string(), |s| s.id),
                Err(e) => return c.fail(e),
            })
        };
        let filter = OrderFilter {
            member_id: patron_domain::ids::MemberId::parse(&member_id),
            store_id,
            direction: Direction::parse(&direction),
            channel: None,
            from_ms: from_ms.unwrap_or_default(),
            to_ms: to_ms.unwrap_or_default(),
        };
        let query = ListQuery {
            search: (!search.is_empty()).then(|| search.clone()),
            after: None,
            offset: (page_no - 1) * PER_PAGE,
            limit: PER_PAGE,
        };
        match read::list(&*state.store, &c.ctx, &filter, &query).await {
            Ok(page) => {
                let ids: Vec<&str> = page.items.iter().map(|o| o.store_id.as_str()).collect();
                let stores = store_names(&mut *r, &c, &ids).await;
                let cards = card_numbers(&mut *r, &c, &page.items).await;
                rows = page
                    .items
                    .iter()
                    .map(|o| row(&c, o, &stores, &cards))
                    .collect();
                total = page.total;
            }
            Err(e) => return c.fail(e),
        }
    }
    let pager = Pager::new(
        c.tr,
        "/console/orders",
        &[
            ("search", &search),
            ("direction", &direction),
            ("store", &store),
            ("from", &from),
            ("to", &to),
            ("member_id", &member_id),
        ],
        page_no,
        rows.len(),
        total,
    );
    let page = ListPage {
        l: c.layout("orders.title", "orders"),
        rows,
        search,
        direction,
        store,
        from,
        to,
        member_id,
        pager,
        errors,
    };
    c.page(StatusCode::OK, &page)
}

struct LineRow {
    line_no: i64,
    product: String,
    title: String,
    known: bool,
    quantity: i64,
    net: String,
    points_amount: String,
    refunded: i64,
    points: String,
}

struct RecordRow {
    operation: String,
    change: i64,
    line: String,
    expires: String,
    debt: i64,
}

#[derive(Template)]
#[template(path = "orders/view.html")]
struct ViewPage {
    l: Layout,
    id: String,
    facts: Vec<(&'static str, String)>,
    refund: bool,
    original: String,
    lines: Vec<LineRow>,
    payments: Vec<(String, String, String)>,
    discounts: Vec<(String, String, String)>,
    records: Vec<RecordRow>,
    refunds: Vec<(String, String, String, String)>,
}

async fn view(
    State(state): State<AppState>,
    c: Console<perm::OrdersRead>,
    Path(id): Path<String>,
) -> Response {
    let d = match read::get(&*state.store, &c.ctx, &id).await {
        Ok(d) => d,
        Err(patron_app::AppError::NotFound(_)) => return c.not_found(),
        Err(e) => return c.fail(e),
    };
    let o = &d.order;
    let mut r = match state.store.reader().await {
        Ok(r) => r,
        Err(e) => return c.fail(e),
    };
    let stores = store_names(&mut *r, &c, &[o.store_id.as_str()]).await;
    let cards = card_numbers(&mut *r, &c, std::slice::from_ref(o)).await;
    let base = row(&c, o, &stores, &cards);
    let points_of = |line: i64| {
        let line = line.to_string();
        let parts: Vec<String> = d
            .point_records
            .iter()
            .filter(|p| p.order_line_id.as_deref() == Some(&line))
            .map(|p| format!("{:+}", p.change))
            .collect();
        parts.join(" ")
    };
    let none = || "—".to_string();
    let facts = vec![
        ("orders.external_no", base.external_no.clone()),
        (
            "orders.direction",
            c.t(if base.refund {
                "orders.refund"
            } else {
                "orders.normal"
            })
            .to_string(),
        ),
        ("orders.channel", base.channel.clone()),
        ("orders.store", base.store.clone()),
        (
            "orders.member",
            if base.member.is_empty() {
                o.identity_kind
                    .clone()
                    .map_or_else(none, |k| format!("{} ({k})", c.t("orders.non_member")))
            } else {
                base.member.clone()
            },
        ),
        ("orders.ordered_at", base.at.clone()),
        (
            "orders.order_type",
            o.order_type.clone().unwrap_or_else(none),
        ),
        ("orders.total", money(o.total_fen)),
        ("orders.receivable", money(o.receivable_fen)),
        ("orders.discount", money(o.discount_fen)),
        ("orders.paid", base.paid.clone()),
        ("orders.items", base.item_quantity.to_string()),
        ("orders.points", format!("{:+}", o.points_change)),
        ("orders.unknown_products", o.unknown_products.to_string()),
        (
            "orders.refund_status",
            c.t(&format!("orders.refund_{}", o.refund_status))
                .to_string(),
        ),
    ];
    let page = ViewPage {
        l: c.layout("orders.detail_title", "orders"),
        id: o.id.clone(),
        facts,
        refund: base.refund,
        original: o.original_order_id.clone().unwrap_or_default(),
        lines: d
            .lines
            .iter()
            .map(|l| LineRow {
                line_no: l.line_no,
                product: l.product_code.clone(),
                title: l.product_title.clone().unwrap_or_default(),
                known: l.product_known,
                quantity: l.quantity,
                net: money(l.net_fen),
                points_amount: money(l.points_amount_fen),
                refunded: l.refunded_quantity,
                points: points_of(l.line_no),
            })
            .collect(),
        payments: d
            .payments
            .iter()
            .map(|p| {
                (
                    p.method_code.clone(),
                    p.method_name.clone().unwrap_or_default(),
                    money(p.paid_fen),
                )
            })
            .collect(),
        discounts: d
            .discounts
            .iter()
            .map(|x| {
                (
                    x.kind.clone(),
                    x.code.clone().unwrap_or_default(),
                    money(x.amount_fen),
                )
            })
            .collect(),
        records: d
            .point_records
            .iter()
            .map(|p| RecordRow {
                operation: p.operation.name_zh().to_string(),
                change: p.change,
                line: p.order_line_id.clone().unwrap_or_default(),
                expires: p.expires_at_ms.map(|ms| c.when(ms)).unwrap_or_default(),
                debt: p.debt,
            })
            .collect(),
        refunds: d
            .refunds
            .iter()
            .map(|x| {
                (
                    x.id.clone(),
                    x.external_no.clone(),
                    c.when(x.ordered_at_ms),
                    money(x.paid_fen),
                )
            })
            .collect(),
    };
    c.page(StatusCode::OK, &page)
}
