//! `/api/v1/coupon-rules`: writing rules, their approval and publication, extra stock, the
//! rule's tabs (approvals, issuances, data analysis), and handing coupons out under a rule.

use super::views::{
    ApprovalView, CouponRuleFields, CouponRulePage, CouponRuleView, CouponView, DashboardView,
    IssuanceView,
};
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
use patron_app::coupons::issue;
use patron_app::coupons::model::RuleFilter;
use patron_app::coupons::rules::{self, ExtraStock, Step};
use patron_domain::coupons::status::{ApprovalStatus, RuleStatus};
use patron_domain::ids::MemberId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CouponRuleParams {
    /// Part of the name or the rule number.
    pub search: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
    /// `cash_off`, `discount` or `exchange`.
    pub coupon_type: Option<String>,
    /// `draft`, `published`, `unpublished` or `deleted` (deleted rules only when asked).
    pub rule_status: Option<String>,
    /// `not_submitted`, `pending`, `approved` or `rejected`.
    pub approval_status: Option<String>,
}

fn bad_filter(field: &'static str, allowed: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_filter",
        format!("{field}: must be one of {allowed}"),
    )
    .field(field)
}

fn blank(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl CouponRuleParams {
    fn filter(&self) -> Result<RuleFilter, ApiError> {
        let coupon_type = blank(self.coupon_type.clone());
        if let Some(k) = &coupon_type {
            if !patron_domain::coupons::rule::KINDS.contains(&k.as_str()) {
                return Err(bad_filter("coupon_type", "cash_off, discount, exchange"));
            }
        }
        let status = blank(self.rule_status.clone())
            .map(|s| {
                RuleStatus::parse(&s).ok_or_else(|| {
                    bad_filter("rule_status", "draft, published, unpublished, deleted")
                })
            })
            .transpose()?;
        let approval = blank(self.approval_status.clone())
            .map(|s| {
                ApprovalStatus::parse(&s).ok_or_else(|| {
                    bad_filter(
                        "approval_status",
                        "not_submitted, pending, approved, rejected",
                    )
                })
            })
            .transpose()?;
        Ok(RuleFilter {
            coupon_type,
            status,
            approval,
        })
    }
}

/// List coupon rules, newest first; search by name or rule number, filter by type and states.
#[utoipa::path(get, path = "/api/v1/coupon-rules", tag = "coupons", params(CouponRuleParams),
    security(("api_key" = ["coupons:read"]), ("session" = ["coupons:read"])),
    responses((status = 200, body = CouponRulePage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsRead>,
    Query(p): Query<CouponRuleParams>,
) -> ApiResult<Json<CouponRulePage>> {
    let f = p.filter()?;
    let q = ListParams {
        search: p.search,
        after: p.after,
        limit: p.limit,
    }
    .query();
    let page = rules::list(&*state.store, &auth.ctx, &f, &q).await?;
    Ok(Json(CouponRulePage {
        items: page.items.iter().map(CouponRuleView::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// Save a new rule as a draft. Its number is the tenant's date and a daily sequence.
#[utoipa::path(post, path = "/api/v1/coupon-rules", tag = "coupons", request_body = CouponRuleFields,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["coupons:manage"]), ("session" = ["coupons:manage"])),
    responses((status = 201, body = CouponRuleView), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsManage>,
    headers: HeaderMap,
    body: ApiJson<CouponRuleFields>,
) -> ApiResult<Response> {
    let input = body.value.input();
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let rule = rules::create(tx, &ctx, &input).await?;
            Ok(stored(StatusCode::CREATED, &CouponRuleView::from(&rule)))
        })
    })
    .await
}

/// Get a rule.
#[utoipa::path(get, path = "/api/v1/coupon-rules/{id}", tag = "coupons", params(("id" = String, Path)),
    security(("api_key" = ["coupons:read"]), ("session" = ["coupons:read"])),
    responses((status = 200, body = CouponRuleView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<CouponRuleView>> {
    let rule = rules::get(&*state.store, &auth.ctx, &id).await?;
    Ok(Json(CouponRuleView::from(&rule)))
}

/// Replace a draft's terms (or an unpublished rule's that handed nothing out): it becomes a
/// draft needing approval again.
#[utoipa::path(put, path = "/api/v1/coupon-rules/{id}", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = CouponRuleFields,
    security(("api_key" = ["coupons:manage"]), ("session" = ["coupons:manage"])),
    responses((status = 200, body = CouponRuleView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<CouponRuleFields>,
) -> ApiResult<Response> {
    let input = body.value.input();
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let rule = rules::update(tx, &ctx, &id, &input).await?;
            Ok(stored(StatusCode::OK, &CouponRuleView::from(&rule)))
        })
    })
    .await
}

async fn take_step(
    state: AppState,
    ctx: patron_app::Ctx,
    headers: HeaderMap,
    id: String,
    step: Step,
    comment: Option<String>,
    hash: Vec<u8>,
) -> ApiResult<Response> {
    let inner = ctx.clone();
    mutate(&state, &ctx, &headers, &hash, move |tx| {
        Box::pin(async move {
            let rule = rules::step(tx, &inner, &id, step, comment.as_deref()).await?;
            Ok(stored(StatusCode::OK, &CouponRuleView::from(&rule)))
        })
    })
    .await
}

fn path_hash(id: &str, step: &str) -> Vec<u8> {
    format!("POST /api/v1/coupon-rules/{id}/{step}").into_bytes()
}

/// Submit a draft for approval.
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/submit", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["coupons:manage"]), ("session" = ["coupons:manage"])),
    responses((status = 200, body = CouponRuleView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let hash = path_hash(&id, "submit");
    take_step(state, auth.ctx, headers, id, Step::Submit, None, hash).await
}

/// An approver's decision.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Required to reject: what the author should change.
    pub comment: Option<String>,
}

/// Approve a pending rule: it is published.
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/approve", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = DecisionRequest,
    security(("api_key" = ["coupons:approve"]), ("session" = ["coupons:approve"])),
    responses((status = 200, body = CouponRuleView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn approve(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsApprove>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<DecisionRequest>,
) -> ApiResult<Response> {
    let hash = body.request_hash.clone();
    take_step(
        state,
        auth.ctx,
        headers,
        id,
        Step::Approve,
        body.value.comment,
        hash,
    )
    .await
}

/// Reject a pending rule (with a comment): it goes back to draft.
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/reject", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = DecisionRequest,
    security(("api_key" = ["coupons:approve"]), ("session" = ["coupons:approve"])),
    responses((status = 200, body = CouponRuleView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn reject(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsApprove>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<DecisionRequest>,
) -> ApiResult<Response> {
    let hash = body.request_hash.clone();
    take_step(
        state,
        auth.ctx,
        headers,
        id,
        Step::Reject,
        body.value.comment,
        hash,
    )
    .await
}

/// Unpublish: no more claims or issues; coupons handed out stay valid.
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/unpublish", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["coupons:manage"]), ("session" = ["coupons:manage"])),
    responses((status = 200, body = CouponRuleView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn unpublish(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let hash = path_hash(&id, "unpublish");
    take_step(state, auth.ctx, headers, id, Step::Unpublish, None, hash).await
}

/// Publish an approved, unpublished rule again.
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/publish", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["coupons:manage"]), ("session" = ["coupons:manage"])),
    responses((status = 200, body = CouponRuleView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn publish(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let hash = path_hash(&id, "publish");
    take_step(state, auth.ctx, headers, id, Step::Publish, None, hash).await
}

/// Delete a draft, or an unpublished rule that handed nothing out.
#[utoipa::path(delete, path = "/api/v1/coupon-rules/{id}", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["coupons:manage"]), ("session" = ["coupons:manage"])),
    responses((status = 200, body = CouponRuleView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let hash = format!("DELETE /api/v1/coupon-rules/{id}").into_bytes();
    take_step(state, auth.ctx, headers, id, Step::Delete, None, hash).await
}

/// Copy a rule into a new draft.
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/copy", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["coupons:manage"]), ("session" = ["coupons:manage"])),
    responses((status = 201, body = CouponRuleView), (status = 404, body = Problem)))]
pub async fn copy(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let hash = path_hash(&id, "copy");
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &hash, move |tx| {
        Box::pin(async move {
            let rule = rules::copy(tx, &ctx, &id).await?;
            Ok(stored(StatusCode::CREATED, &CouponRuleView::from(&rule)))
        })
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtraStockRequest {
    /// Coupons added to the stock.
    pub quantity: i64,
    /// Cost per added coupon, yuan.
    pub cost: Option<String>,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtraStockView {
    pub rule: CouponRuleView,
    pub issuance: IssuanceView,
}

/// Extra issuance (增发): add stock to a published rule.
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/stock", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = ExtraStockRequest,
    security(("api_key" = ["coupons:manage"]), ("session" = ["coupons:manage"])),
    responses((status = 200, body = ExtraStockView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_stock(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<ExtraStockRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let input = ExtraStock {
        quantity: r.quantity,
        cost: r.cost,
        reason: r.reason,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let (rule, record) = rules::add_stock(tx, &ctx, &id, &input).await?;
            Ok(stored(
                StatusCode::OK,
                &ExtraStockView {
                    rule: CouponRuleView::from(&rule),
                    issuance: IssuanceView::from(&record),
                },
            ))
        })
    })
    .await
}

/// The rule's approval records, oldest first.
#[utoipa::path(get, path = "/api/v1/coupon-rules/{id}/approvals", tag = "coupons", params(("id" = String, Path)),
    security(("api_key" = ["coupons:read"]), ("session" = ["coupons:read"])),
    responses((status = 200, body = [ApprovalView]), (status = 404, body = Problem)))]
pub async fn approvals(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ApprovalView>>> {
    let found = rules::approvals(&*state.store, &auth.ctx, &id).await?;
    Ok(Json(found.iter().map(ApprovalView::from).collect()))
}

/// The rule's extra issuances, oldest first.
#[utoipa::path(get, path = "/api/v1/coupon-rules/{id}/issuances", tag = "coupons", params(("id" = String, Path)),
    security(("api_key" = ["coupons:read"]), ("session" = ["coupons:read"])),
    responses((status = 200, body = [IssuanceView]), (status = 404, body = Problem)))]
pub async fn issuances(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<IssuanceView>>> {
    let found = rules::issuances(&*state.store, &auth.ctx, &id).await?;
    Ok(Json(found.iter().map(IssuanceView::from).collect()))
}

/// The rule's cumulative effect (§11.5 data analysis).
#[utoipa::path(get, path = "/api/v1/coupon-rules/{id}/dashboard", tag = "coupons", params(("id" = String, Path)),
    security(("api_key" = ["coupons:read"]), ("session" = ["coupons:read"])),
    responses((status = 200, body = DashboardView), (status = 404, body = Problem)))]
pub async fn dashboard(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<DashboardView>> {
    let d = rules::dashboard(&*state.store, &auth.ctx, &id).await?;
    Ok(Json(DashboardView::from(&d)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// The member claiming (a member account of the rule's program).
    pub member_id: String,
}

fn member_id(raw: &str) -> Result<MemberId, ApiError> {
    MemberId::parse(raw.trim())
        .ok_or_else(|| ApiError::from(patron_app::AppError::NotFound("member")))
}

/// A member claims a coupon of a rule open to public claim, within its stock and limit.
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/claim", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = ClaimRequest,
    security(("api_key" = ["coupons:issue"]), ("session" = ["coupons:issue"])),
    responses((status = 201, body = CouponView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn claim(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsIssue>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<ClaimRequest>,
) -> ApiResult<Response> {
    let member = member_id(&body.value.member_id)?;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let coupon = issue::claim(tx, &ctx, &id, member).await?;
            Ok(stored(StatusCode::CREATED, &CouponView::from(&coupon)))
        })
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// Card numbers of the members, 1 to 10,000; a card named twice gets two coupons.
    pub cards: Vec<String>,
    /// The campaign the coupons are sent by.
    pub campaign: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedView {
    pub issued: i64,
    /// Cards that are not members in good standing of the rule's program: nothing was issued
    /// to them.
    pub unknown_cards: Vec<String>,
    /// The codes issued, in the order of the cards.
    pub codes: Vec<String>,
}

/// A campaign issues one coupon to each member of a list (all or nothing against the stock).
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/issue", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = IssueRequest,
    security(("api_key" = ["coupons:issue"]), ("session" = ["coupons:issue"])),
    responses((status = 201, body = IssuedView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn issue_to(
    State(state): State<AppState>,
    auth: Auth<perm::CouponsIssue>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<IssueRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let done = issue::issue(tx, &ctx, &id, &r.cards, r.campaign.as_deref()).await?;
            Ok(stored(
                StatusCode::CREATED,
                &IssuedView {
                    issued: done.issued,
                    unknown_cards: done.unknown_cards,
                    codes: done.coupons.into_iter().map(|c| c.code).collect(),
                },
            ))
        })
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyRequest {
    pub member_id: String,
    /// The point group paid from, e.g. `points`.
    pub point_group: String,
    /// The price in points.
    pub points: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoughtView {
    pub coupon: CouponView,
    /// The redemption record (type `redeem_coupon`) and the account after it.
    pub points: crate::api::points::PostedView,
}

/// A member buys a coupon with points (积分兑换优惠券). Cancelling the redemption
/// (`POST /api/v1/point-records/{id}/cancel`) voids the coupon while it is unused.
#[utoipa::path(post, path = "/api/v1/coupon-rules/{id}/buy", tag = "coupons", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = BuyRequest,
    security(("api_key" = ["points:redeem"]), ("session" = ["points:redeem"])),
    responses((status = 201, body = BoughtView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn buy(
    State(state): State<AppState>,
    auth: Auth<perm::PointsRedeem>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<BuyRequest>,
) -> ApiResult<Response> {
    let member = member_id(&body.value.member_id)?;
    let (group, points) = (body.value.point_group.clone(), body.value.points);
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let done = issue::buy(tx, &ctx, &id, member, &group, points).await?;
            Ok(stored(
                StatusCode::CREATED,
                &BoughtView {
                    coupon: CouponView::from(&done.coupon),
                    points: crate::api::points::PostedView::from(&done.points),
                },
            ))
        })
    })
    .await
}
