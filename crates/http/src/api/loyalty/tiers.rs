//! `/api/v1/programs/{id}/tiers` and `/api/v1/tiers/{id}`.

use super::views::{TierPage, TierView};
use super::{delete_with, path_id};
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::loyalty::tiers::{self, TierInput, TierPatch};
use patron_domain::ids::{ProgramId, TierId};
use patron_domain::loyalty::tier::ValidityInput;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/programs/{id}/tiers", get(list).post(create))
        .route("/api/v1/tiers/{id}", get(show).patch(update).delete(remove))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTierRequest {
    /// Unique in the program, e.g. `silver`; at most 32. Never changes.
    pub code: String,
    /// 1 to 64 characters.
    pub name: String,
    /// From 1; higher is better; unique in the program.
    pub rank: i64,
    /// The tier given at enrolment: one per program, ranked lowest, never expires.
    #[serde(default)]
    pub is_base: bool,
    /// `fixed_period` (with `validity_days`) or `fixed_date` (with `validity_years`,
    /// `validity_month`, `validity_day`); leave out for the base tier.
    pub validity_type: Option<String>,
    pub validity_days: Option<i64>,
    pub validity_years: Option<i64>,
    pub validity_month: Option<i64>,
    pub validity_day: Option<i64>,
}

/// Any validity field replaces the tier's validity as a whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTierRequest {
    pub name: Option<String>,
    pub rank: Option<i64>,
    pub validity_type: Option<String>,
    pub validity_days: Option<i64>,
    pub validity_years: Option<i64>,
    pub validity_month: Option<i64>,
    pub validity_day: Option<i64>,
}

/// List the tiers of a program.
#[utoipa::path(get, path = "/api/v1/programs/{id}/tiers", tag = "loyalty", params(("id" = String, Path), ListParams),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = TierPage), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<TierPage>> {
    let program = path_id(&id, ProgramId::parse, "program")?;
    let page = tiers::list(&*state.store, &auth.ctx, program, &params.query()).await?;
    Ok(Json(TierPage::from_page(&page)))
}

/// Create a tier in a program.
#[utoipa::path(post, path = "/api/v1/programs/{id}/tiers", tag = "loyalty", request_body = CreateTierRequest,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 201, body = TierView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<CreateTierRequest>,
) -> ApiResult<Response> {
    let program = path_id(&id, ProgramId::parse, "program")?;
    let r = body.value;
    let input = TierInput {
        code: r.code,
        name: r.name,
        rank: r.rank,
        is_base: r.is_base,
        validity: ValidityInput {
            kind: r.validity_type,
            days: r.validity_days,
            years: r.validity_years,
            month: r.validity_month,
            day: r.validity_day,
        },
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let tier = tiers::create(tx, &ctx, program, input).await?;
            Ok(stored(StatusCode::CREATED, &TierView::from(&tier)))
        })
    })
    .await
}

/// Get a tier.
#[utoipa::path(get, path = "/api/v1/tiers/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = TierView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<TierView>> {
    let id = path_id(&id, TierId::parse, "tier")?;
    let tier = tiers::get(&*state.store, &auth.ctx, id).await?;
    Ok(Json(TierView::from(&tier)))
}

/// Change a tier's name, rank or validity.
#[utoipa::path(patch, path = "/api/v1/tiers/{id}", tag = "loyalty", params(("id" = String, Path)), request_body = UpdateTierRequest,
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 200, body = TierView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<UpdateTierRequest>,
) -> ApiResult<Response> {
    let id = path_id(&id, TierId::parse, "tier")?;
    let r = body.value;
    let validity = ValidityInput {
        kind: r.validity_type,
        days: r.validity_days,
        years: r.validity_years,
        month: r.validity_month,
        day: r.validity_day,
    };
    let patch = TierPatch {
        name: r.name,
        rank: r.rank,
        validity: (validity != ValidityInput::default()).then_some(validity),
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let tier = tiers::update(tx, &ctx, id, patch).await?;
            Ok(stored(StatusCode::OK, &TierView::from(&tier)))
        })
    })
    .await
}

/// Delete a tier that no rule or tier record refers to.
#[utoipa::path(delete, path = "/api/v1/tiers/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ApiResult<Response> {
    let id = path_id(&id, TierId::parse, "tier")?;
    let ctx = auth.ctx.clone();
    delete_with(&state, &auth.ctx, &headers, &uri, move |tx| {
        Box::pin(async move { tiers::delete(tx, &ctx, id).await })
    })
    .await
}
