//! `/api/v1/coupons` and `/api/v1/coupon-transfers`: finding coupons, checking coupons against a
//! draft order, and giving a coupon to a friend.

use super::views::{CouponPage, CouponView, TransferPage, TransferView};
use crate::api::members::accounts::instant;
use crate::api::orders::views::OrderRequest;
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use patron_app::coupons::model::{CouponFilter, TransferFilter};
use patron_app::coupons::{read, redeem, transfer};
use patron_app::orders::resolve;
use patron_app::AppError;
use patron_domain::coupons::status::{CouponStatus, TransferStatus};
use patron_domain::ids::MemberId;
use patron_domain::money::format_fen;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CouponParams {
    /// Part of a code.
    pub search: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
    pub rule_id: Option<String>,
    pub customer_id: Option<String>,
    /// `issued`, `used`, `transferring`, `expired` or `void`.
    pub status: Option<String>,
}

fn blank(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn invalid_status(allowed: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_filter",
        format!("status: must be one of {allowed}"),
    )
    .field("status")
}

/// List coupons, newest first: by rule, holder, status, or part of a code.
#[utoipa::path(get, path = "/api/v1/coupons", tag = "coupons", params(CouponParams),
    security(("api_key" = ["coupons:read"]), ("session" = ["coupons:read"])),
    responses((status = 200, body = CouponPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsRead>,
    Query(p): Query<CouponParams>,
) -> ApiResult<Json<CouponPage>> {
    let status = blank(p.status)
        .map(|s| {
            CouponStatus::parse(&s)
                .ok_or_else(|| invalid_status("issued, used, transferring, expired, void"))
        })
        .transpose()?;
    let f = CouponFilter {
        rule_id: blank(p.rule_id),
        customer_id: blank(p.customer_id),
        status,
        code: None,
    };
    let q = ListParams {
        search: p.search,
        after: p.after,
        limit: p.limit,
    }
    .query();
    let page = read::coupons(&*state.store, &auth.ctx, &f, &q).await?;
    Ok(Json(CouponPage {
        items: page.items.iter().map(CouponView::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// Find a coupon by its code (spaces and dashes ignored; a mistyped code is refused).
#[utoipa::path(get, path = "/api/v1/coupons/{code}", tag = "coupons", params(("code" = String, Path)),
    security(("api_key" = ["coupons:read"]), ("session" = ["coupons:read"])),
    responses((status = 200, body = CouponView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsRead>,
    Path(code): Path<String>,
) -> ApiResult<Json<CouponView>> {
    let c = read::by_code(&*state.store, &auth.ctx, &code).await?;
    Ok(Json(CouponView::from(&c)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouponCheckView {
    /// The code as sent.
    pub code: String,
    pub applies: bool,
    /// What the coupon takes off, yuan; absent when it does not apply.
    pub discount: Option<String>,
    /// Why it does not apply: a stable code (e.g. `coupon_threshold_unmet`) and a message.
    pub reason: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouponCheckResult {
    pub coupons: Vec<CouponCheckView>,
    /// What the applying coupons take off together, yuan.
    pub total_discount: String,
}

/// Check the `coupons` of a draft order (the order as it would be sent, nothing written): per
/// code, the discount or the reason it does not apply.
#[utoipa::path(post, path = "/api/v1/coupons/check", tag = "coupons", request_body = OrderRequest,
    security(("api_key" = ["orders:write"]), ("session" = ["orders:write"])),
    responses((status = 200, body = CouponCheckResult), (status = 422, body = Problem)))]
pub async fn check(
    State(state): State<AppState>,
    auth: Auth<perm::OrdersWrite>,
    body: ApiJson<OrderRequest>,
) -> ApiResult<Json<CouponCheckResult>> {
    let r = body.value;
    let ordered_at_ms = instant("ordered_at", Some(&r.ordered_at))?.unwrap_or_default();
    let paid_at_ms = instant("paid_at", r.paid_at.as_deref())?;
    let order = r
        .into_input(ordered_at_ms, paid_at_ms)
        .parse()
        .map_err(AppError::from)?;
    let t = auth.ctx.principal.tenant()?;
    let prepared = {
        let mut reader = state.store.reader().await?;
        resolve::prepare_with(&mut *reader, &state.pii, &state.order_config, t, order).await?
    };
    let outcomes = redeem::check_order(&*state.store, &auth.ctx, &prepared).await?;
    let total: i64 = outcomes.iter().filter_map(|o| o.result.as_ref().ok()).sum();
    Ok(Json(CouponCheckResult {
        coupons: outcomes
            .into_iter()
            .map(|o| match o.result {
                Ok(d) => CouponCheckView {
                    code: o.code,
                    applies: true,
                    discount: Some(format_fen(d)),
                    reason: None,
                    message: None,
                },
                Err(e) => CouponCheckView {
                    code: o.code,
                    applies: false,
                    discount: None,
                    reason: Some(e.code.to_string()),
                    message: Some(e.message),
                },
            })
            .collect(),
        total_discount: format_fen(total),
    }))
}

/// Start giving a coupon to a friend: it is `transferring` until the friend accepts or the
/// rule's window lapses.
#[utoipa::path(post, path = "/api/v1/coupons/{code}/transfer", tag = "coupons", params(("code" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["coupons:issue"]), ("session" = ["coupons:issue"])),
    responses((status = 201, body = TransferView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn start_transfer(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsIssue>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let hash = format!("POST /api/v1/coupons/{code}/transfer").into_bytes();
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &hash, move |tx| {
        Box::pin(async move {
            let x = transfer::start(tx, &ctx, &code).await?;
            Ok(stored(StatusCode::CREATED, &TransferView::from(&x)))
        })
    })
    .await
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransferParams {
    pub after: Option<String>,
    pub limit: Option<u32>,
    /// `pending`, `succeeded` or `returned`.
    pub status: Option<String>,
    /// The giver's customer id.
    pub giver_id: Option<String>,
    pub coupon_id: Option<String>,
}

/// Transfer records, newest first.
#[utoipa::path(get, path = "/api/v1/coupon-transfers", tag = "coupons", params(TransferParams),
    security(("api_key" = ["coupons:read"]), ("session" = ["coupons:read"])),
    responses((status = 200, body = TransferPage), (status = 422, body = Problem)))]
pub async fn transfers(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsRead>,
    Query(p): Query<TransferParams>,
) -> ApiResult<Json<TransferPage>> {
    let status = blank(p.status)
        .map(|s| {
            TransferStatus::parse(&s).ok_or_else(|| invalid_status("pending, succeeded, returned"))
        })
        .transpose()?;
    let f = TransferFilter {
        status,
        giver_id: blank(p.giver_id),
        coupon_id: blank(p.coupon_id),
    };
    let q = ListParams {
        search: None,
        after: p.after,
        limit: p.limit,
    }
    .query();
    let page = read::transfers(&*state.store, &auth.ctx, &f, &q).await?;
    Ok(Json(TransferPage {
        items: page.items.iter().map(TransferView::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// A transfer record with its status log.
#[utoipa::path(get, path = "/api/v1/coupon-transfers/{id}", tag = "coupons", params(("id" = String, Path)),
    security(("api_key" = ["coupons:read"]), ("session" = ["coupons:read"])),
    responses((status = 200, body = TransferView), (status = 404, body = Problem)))]
pub async fn show_transfer(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<TransferView>> {
    let x = read::transfer(&*state.store, &auth.ctx, &id).await?;
    Ok(Json(TransferView::from(&x)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The friend: a member of the rule's program.
    pub member_id: String,
}

/// The friend accepts: the coupon is theirs, code and validity unchanged. Past the window the
/// coupon goes back to the giver and the answer is 409 `transfer_expired`.
#[utoipa::path(post, path = "/api/v1/coupon-transfers/{id}/accept", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = AcceptRequest,
    security(("api_key" = ["coupons:issue"]), ("session" = ["coupons:issue"])),
    responses((status = 200, body = TransferView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn accept(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsIssue>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<AcceptRequest>,
) -> ApiResult<Response> {
    let member =
        MemberId::parse(body.value.member_id.trim()).ok_or(AppError::NotFound("member"))?;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let x = transfer::accept(tx, &ctx, &id, member).await?;
            if x.status == TransferStatus::Returned {
                // The return is kept (committed); the friend is told it came too late.
                let problem = ApiError::new(
                    StatusCode::CONFLICT,
                    "transfer_expired",
                    "the friend's window to accept has closed; the coupon went back to the giver",
                );
                return Ok(stored(StatusCode::CONFLICT, &problem.problem()));
            }
            Ok(stored(StatusCode::OK, &TransferView::from(&x)))
        })
    })
    .await
}
