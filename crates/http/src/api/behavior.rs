//! Behaviour points through the API: an integration awards or deducts points for what a member
//! did (a check-in, a review).

use crate::api::members::accounts::parse_member_id;
use crate::api::members::views::PointAccountView;
use crate::api::orders::TierChangeView;
use crate::api::points::PointRecordView;
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use patron_app::points::behavior::{self, BehaviorInput};
use patron_app::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/members/{id}/behavior-points", post(award))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BehaviorRequest {
    /// The point group's id.
    pub point_group: String,
    /// Positive awards points, negative deducts them (never more than are available).
    pub points: i64,
    /// What the member did, e.g. `check_in`; kept as the record's reason.
    pub behavior: String,
    /// An award that counts towards tiers runs the upgrade check.
    #[serde(default)]
    pub counts_for_upgrade: bool,
    /// For an award: the last valid day, `YYYY-MM-DD` in the tenant's zone. None: never expires.
    pub expires_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BehaviorView {
    pub record: PointRecordView,
    pub account: PointAccountView,
    pub tier_change: Option<TierChangeView>,
}

/// Award or deduct behaviour points.
#[utoipa::path(post, path = "/api/v1/members/{id}/behavior-points", tag = "points", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = BehaviorRequest,
    security(("api_key" = ["points:earn"]), ("session" = ["points:earn"])),
    responses((status = 201, body = BehaviorView), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn award(
    State(state): State<AppState>,
    auth: Auth<perm::PointsEarn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<BehaviorRequest>,
) -> ApiResult<Response> {
    let member = parse_member_id(&id)?;
    let r = body.value;
    let b = BehaviorInput {
        point_group: r.point_group,
        points: r.points,
        behavior: r.behavior,
        counts_for_upgrade: r.counts_for_upgrade,
        expires_on: r.expires_on,
    }
    .parse()
    .map_err(AppError::from)?;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let done = behavior::award(tx, &ctx, member, b).await?;
            let view = BehaviorView {
                record: PointRecordView::from(&done.posted.record),
                account: (&done.posted.account).into(),
                tier_change: done.tier_change.as_ref().map(Into::into),
            };
            Ok(stored(StatusCode::CREATED, &view))
        })
    })
    .await
}

#[derive(OpenApi)]
#[openapi(paths(award), components(schemas(BehaviorRequest, BehaviorView)))]
pub struct Doc;
