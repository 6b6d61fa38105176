//! The transaction center's API: orders and refunds in from every channel, and read back with
//! their documents and the points they produced.

pub(crate) mod views;

use crate::api::members::accounts::instant;
use crate::api::points::PointRecordView;
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, respond, stored, IDEMPOTENCY_HEADER};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use patron_app::model::StoredResponse;
use patron_app::orders::model::OrderFilter;
use patron_app::orders::{accept, read, refund, resolve, simulate as dry_run, together};
use patron_app::AppError;
use patron_domain::channel::Channel;
use patron_domain::ids::MemberId;
use patron_domain::orders::Direction;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
pub use views::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orders", get(list).post(create))
        .route("/api/v1/orders/{id}", get(show))
        .route("/api/v1/orders/simulate", post(simulate))
}

/// Send an order or a refund. Idempotent by (channel, external number): sending it again
/// answers 200 with the stored order and changes nothing.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", params(
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = OrderRequest,
    security(("api_key" = ["orders:write"]), ("session" = ["orders:write"])),
    responses((status = 201, body = AcceptedView), (status = 200, body = AcceptedView),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::OrdersWrite>,
    headers: HeaderMap,
    body: ApiJson<OrderRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let ordered_at_ms = instant("ordered_at", Some(&r.ordered_at))?.unwrap_or_default();
    let paid_at_ms = instant("paid_at", r.paid_at.as_deref())?;
    let order = r
        .into_input(ordered_at_ms, paid_at_ms)
        .parse()
        .map_err(AppError::from)?;
    let t = auth.ctx.principal.tenant()?;
    // Store, member, products, methods and rules are read before the write transaction.
    let prepared = {
        let mut reader = state.store.reader().await?;
        resolve::prepare_with(&mut *reader, &state.pii, &state.order_config, t, order).await?
    };
    if !headers.contains_key(IDEMPOTENCY_HEADER) && together::eligible(&prepared) {
        // An order is idempotent by its external number already; without a key a member's
        // plain order joins the queue whose orders are written many to a transaction.
        let mut done = state.orders.accept(auth.ctx.clone(), prepared).await?;
        let records = match done.point_records.take() {
            Some(r) => r,
            None => {
                let mut reader = state.store.reader().await?;
                reader.order_point_records(t, &done.order.id).await?
            }
        };
        return Ok(respond(answer(&done, &records)));
    }
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let mut done = match prepared.order.direction {
                Direction::Normal => accept::accept(tx, &ctx, prepared).await?,
                Direction::Refund => refund::refund(tx, &ctx, prepared).await?,
            };
            let t = done.order.tenant_id;
            let records = match done.point_records.take() {
                Some(r) => r,
                None => tx.order_point_records(t, &done.order.id).await?,
            };
            Ok(answer(&done, &records))
        })
    })
    .await
}

/// The answer to an accepted order: 201 with what it wrote, 200 for a repeat.
fn answer(
    done: &accept::Accepted,
    records: &[patron_app::points::model::PointRecord],
) -> StoredResponse {
    let view = AcceptedView {
        order: OrderView::from(&done.order),
        replayed: done.replayed,
        point_records: records.iter().map(PointRecordView::from).collect(),
        tier_change: done.tier_change.as_ref().map(Into::into),
    };
    let status = if done.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    stored(status, &view)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilterParams {
    pub member_id: Option<String>,
    /// A store's code.
    pub store: Option<String>,
    /// `normal` or `refund`.
    pub direction: Option<String>,
    pub channel: Option<String>,
    /// Orders at or after this time (RFC 3339).
    pub from: Option<String>,
    /// Orders before this time (RFC 3339).
    pub to: Option<String>,
}

/// Orders and refunds, newest first; search by external order number.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(ListParams, OrderFilterParams),
    security(("api_key" = ["orders:read"]), ("session" = ["orders:read"])),
    responses((status = 200, body = OrderPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::OrdersRead>,
    Query(params): Query<ListParams>,
    Query(f): Query<OrderFilterParams>,
) -> ApiResult<Json<OrderPage>> {
    let t = auth.ctx.principal.tenant()?;
    let invalid = |field: &'static str, code: &'static str, msg: &str| {
        AppError::from(patron_domain::ValidationError::new(
            field,
            code,
            msg.to_string(),
        ))
    };
    let store_id = match f.store.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => {
            let mut r = state.store.reader().await?;
            // An unknown store has no orders: filter by a value nothing matches.
            Some(
                r.store_ref(t, code)
                    .await?
                    .map_or_else(|| "-".to_string(), |s| s.id),
            )
        }
        None => None,
    };
    let filter = OrderFilter {
        member_id: match f.member_id.as_deref().filter(|s| !s.is_empty()) {
            Some(raw) => Some(
                MemberId::parse(raw)
                    .ok_or_else(|| invalid("member_id", "invalid_id", "is not a member id"))?,
            ),
            None => None,
        },
        store_id,
        direction: match f.direction.as_deref().filter(|s| !s.is_empty()) {
            Some(raw) => Some(Direction::parse(raw).ok_or_else(|| {
                invalid("direction", "invalid_direction", "must be normal or refund")
            })?),
            None => None,
        },
        channel: match f.channel.as_deref().filter(|s| !s.is_empty()) {
            Some(raw) => Some(Channel::parse_field("channel", raw).map_err(AppError::from)?),
            None => None,
        },
        from_ms: instant("from", f.from.as_deref())?,
        to_ms: instant("to", f.to.as_deref())?,
    };
    let page = read::list(&*state.store, &auth.ctx, &filter, &params.query()).await?;
    Ok(Json(OrderPage {
        items: page.items.iter().map(OrderView::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// One order with its lines, payments, discounts, the points it produced and its refunds.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = String, Path)),
    security(("api_key" = ["orders:read"]), ("session" = ["orders:read"])),
    responses((status = 200, body = OrderDetailView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::OrdersRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<OrderDetailView>> {
    let d = read::get(&*state.store, &auth.ctx, &id).await?;
    Ok(Json(OrderDetailView::from(&d)))
}

/// A dry run: what a normal order would earn, from which rules, and its tier effect. Nothing is
/// written.
#[utoipa::path(post, path = "/api/v1/orders/simulate", tag = "orders",
    request_body = OrderRequest,
    security(("api_key" = ["orders:read"]), ("session" = ["orders:read"])),
    responses((status = 200, body = SimulationView), (status = 422, body = Problem)))]
pub async fn simulate(
    State(state): State<AppState>,
    auth: Auth<perm::OrdersRead>,
    body: ApiJson<OrderRequest>,
) -> ApiResult<Json<SimulationView>> {
    let r = body.value;
    let ordered_at_ms = instant("ordered_at", Some(&r.ordered_at))?.unwrap_or_default();
    let order = r
        .into_input(ordered_at_ms, None)
        .parse()
        .map_err(AppError::from)?;
    let lines: Vec<i64> = order.lines.iter().map(|l| l.line_no).collect();
    let s = dry_run::simulate(&*state.store, &auth.ctx, &state.pii, order).await?;
    Ok(Json(SimulationView {
        member_id: s.member.as_ref().map(|m| m.id.to_string()),
        current_tier_id: s.current_tier,
        earnings: s
            .firings
            .iter()
            .map(|e| SimulatedEarning {
                line_no: lines.get(e.line).copied().unwrap_or_default(),
                point_rule_id: e.rule.clone(),
                point_group_id: e.point_group.clone(),
                cost_center_id: e.cost_center.clone(),
                counts_for_upgrade: e.counts_for_upgrade,
                points: e.points,
            })
            .collect(),
        total_points: s.firings.iter().map(|e| e.points).sum(),
        upgrade_tier_id: s.upgrade.as_ref().map(|u| u.0.clone()),
        upgrade_rule_id: s.upgrade.map(|u| u.1),
    }))
}

#[derive(OpenApi)]
#[openapi(
    paths(create, list, show, simulate),
    components(schemas(
        OrderRequest,
        LineRequest,
        PaymentRequest,
        DiscountRequest,
        PointsUsedRequest,
        MemberRequest,
        AcceptedView,
        OrderView,
        OrderPage,
        OrderDetailView,
        LineView,
        PaymentView,
        DiscountView,
        TierChangeView
    ))
)]
pub struct Doc;
