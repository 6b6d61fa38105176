//! The points ledger's API: manual adjustments and point records with their relations.

use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::{rfc3339, ListParams};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use patron_app::points::adjust::{self, AdjustmentInput};
use patron_app::points::model::{PointRecord, PointRelation};
use patron_app::points::{records, redeem};
use patron_app::AppError;
use patron_domain::ids::MemberId;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/members/{id}/point-adjustments",
            post(adjust_points),
        )
        .route("/api/v1/members/{id}/point-records", get(list))
        .route("/api/v1/point-records/{id}", get(show))
        .route("/api/v1/members/{id}/redemptions", post(redeem))
        .route("/api/v1/point-records/{id}/cancel", post(cancel_redemption))
}

fn member_id(raw: &str) -> ApiResult<MemberId> {
    MemberId::parse(raw)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "member not found"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointRecordView {
    pub id: String,
    pub account_id: String,
    pub member_id: String,
    pub point_group_id: String,
    /// One of the eleven operation types (`manual_increase`, `transaction`, `expiry`…).
    pub operation: String,
    /// The manual's name of the operation (交易积分…).
    pub name: String,
    /// `increase` or `decrease`.
    pub direction: String,
    /// Signed: negative for decreases.
    pub change: i64,
    /// Increase records: the points not yet consumed, expired or reversed.
    pub remaining: Option<i64>,
    /// Decrease records: the part no earning covered yet (a refund beyond the balance).
    pub debt: i64,
    pub effective_at: String,
    pub expires_at: Option<String>,
    pub counts_for_upgrade: bool,
    pub reason: Option<String>,
    pub order_id: Option<String>,
    pub point_rule_id: Option<String>,
    pub cost_center_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

impl From<&PointRecord> for PointRecordView {
    fn from(r: &PointRecord) -> Self {
        Self {
            id: r.id.clone(),
            account_id: r.account_id.clone(),
            member_id: r.member_id.to_string(),
            point_group_id: r.point_group_id.clone(),
            operation: r.operation.code().to_string(),
            name: r.operation.name_zh().to_string(),
            direction: match r.operation.direction() {
                patron_domain::points::Direction::Increase => "increase",
                patron_domain::points::Direction::Decrease => "decrease",
            }
            .to_string(),
            change: r.change,
            remaining: r.remaining,
            debt: r.debt,
            effective_at: rfc3339(r.effective_at_ms),
            expires_at: r.expires_at_ms.map(rfc3339),
            counts_for_upgrade: r.counts_for_upgrade,
            reason: r.reason.clone(),
            order_id: r.order_id.clone(),
            point_rule_id: r.point_rule_id.clone(),
            cost_center_id: r.cost_center_id.clone(),
            created_by: r.created_by.clone(),
            created_at: rfc3339(r.created_at_ms),
        }
    }
}

/// Points of `source_record_id` taken by `target_record_id`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointRelationView {
    pub id: String,
    pub target_record_id: String,
    pub source_record_id: String,
    pub points: i64,
    pub created_at: String,
}

impl From<&PointRelation> for PointRelationView {
    fn from(r: &PointRelation) -> Self {
        Self {
            id: r.id.clone(),
            target_record_id: r.target_record_id.clone(),
            source_record_id: r.source_record_id.clone(),
            points: r.points,
            created_at: rfc3339(r.created_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointRecordDetailView {
    pub record: PointRecordView,
    pub relations: Vec<PointRelationView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointRecordPage {
    pub items: Vec<PointRecordView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AdjustmentRequest {
    /// The point group's id.
    pub point_group: String,
    /// Positive adds points, negative takes them (never more than are available).
    pub points: i64,
    pub reason: String,
    /// For an increase: the last valid day, `YYYY-MM-DD` in the tenant's zone. None: never expires.
    pub expires_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentView {
    pub record: PointRecordView,
    pub account: crate::api::members::views::PointAccountView,
}

/// Adjust a member's points by hand, with a reason; audited.
#[utoipa::path(post, path = "/api/v1/members/{id}/point-adjustments", tag = "points", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = AdjustmentRequest,
    security(("api_key" = ["points:adjust"]), ("session" = ["points:adjust"])),
    responses((status = 201, body = AdjustmentView), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn adjust_points(
    State(state): State<AppState>,
    auth: Auth<perm::PointsAdjust>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<AdjustmentRequest>,
) -> ApiResult<Response> {
    let member = member_id(&id)?;
    let r = body.value;
    let adjustment = AdjustmentInput {
        point_group: r.point_group,
        points: r.points,
        reason: r.reason,
        expires_on: r.expires_on,
    }
    .parse()
    .map_err(AppError::from)?;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let done = adjust::adjust(tx, &ctx, member, adjustment).await?;
            let view = AdjustmentView {
                record: PointRecordView::from(&done.record),
                account: (&done.account).into(),
            };
            Ok(stored(StatusCode::CREATED, &view))
        })
    })
    .await
}

/// A member's point records, newest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/point-records", tag = "points", params(("id" = String, Path), ListParams),
    security(("api_key" = ["points:read"]), ("session" = ["points:read"])),
    responses((status = 200, body = PointRecordPage), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::PointsRead>,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<PointRecordPage>> {
    let member = member_id(&id)?;
    let page = records::of_member(&*state.store, &auth.ctx, member, &params.query()).await?;
    Ok(Json(PointRecordPage {
        items: page.items.iter().map(PointRecordView::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// One point record with the relations it takes part in (which earnings a deduction took).
#[utoipa::path(get, path = "/api/v1/point-records/{id}", tag = "points", params(("id" = String, Path)),
    security(("api_key" = ["points:read"]), ("session" = ["points:read"])),
    responses((status = 200, body = PointRecordDetailView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::PointsRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<PointRecordDetailView>> {
    let (record, relations) = records::one(&*state.store, &auth.ctx, &id).await?;
    Ok(Json(PointRecordDetailView {
        record: PointRecordView::from(&record),
        relations: relations.iter().map(PointRelationView::from).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RedemptionRequest {
    /// The point group's id.
    pub point_group: String,
    /// Points to take (never more than are available).
    pub points: i64,
    /// What the points buy, kept as the record's reason.
    pub gift: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelRequest {
    pub reason: String,
}

/// The records a posting wrote and the account after them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostedView {
    pub records: Vec<PointRecordView>,
    pub account: crate::api::members::views::PointAccountView,
}

impl From<&redeem::Posted> for PostedView {
    fn from(p: &redeem::Posted) -> Self {
        Self {
            records: p.records.iter().map(PointRecordView::from).collect(),
            account: (&p.account).into(),
        }
    }
}

/// Redeem points for a gift: taken first from the points that expire first.
#[utoipa::path(post, path = "/api/v1/members/{id}/redemptions", tag = "points", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = RedemptionRequest,
    security(("api_key" = ["points:redeem"]), ("session" = ["points:redeem"])),
    responses((status = 201, body = PostedView), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn redeem(
    State(state): State<AppState>,
    auth: Auth<perm::PointsRedeem>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<RedemptionRequest>,
) -> ApiResult<Response> {
    let member = member_id(&id)?;
    let r = &body.value;
    let redemption =
        redeem::Redemption::parse(&r.point_group, r.points, &r.gift).map_err(AppError::from)?;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let done = redeem::redeem(tx, &ctx, member, redemption).await?;
            Ok(stored(StatusCode::CREATED, &PostedView::from(&done)))
        })
    })
    .await
}

/// Cancel a redemption: its points come back with the expiry they had, or a day's grace if
/// that has passed.
#[utoipa::path(post, path = "/api/v1/point-records/{id}/cancel", tag = "points", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = CancelRequest,
    security(("api_key" = ["points:redeem"]), ("session" = ["points:redeem"])),
    responses((status = 200, body = PostedView), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn cancel_redemption(
    State(state): State<AppState>,
    auth: Auth<perm::PointsRedeem>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<CancelRequest>,
) -> ApiResult<Response> {
    let reason = body.value.reason.clone();
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let done = redeem::cancel(tx, &ctx, &id, &reason).await?;
            Ok(stored(StatusCode::OK, &PostedView::from(&done)))
        })
    })
    .await
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(adjust_points, list, show, redeem, cancel_redemption),
    components(schemas(
        PointRecordView,
        PointRelationView,
        PointRecordDetailView,
        PointRecordPage,
        AdjustmentRequest,
        AdjustmentView,
        RedemptionRequest,
        CancelRequest,
        PostedView,
    ))
)]
pub struct Doc;
