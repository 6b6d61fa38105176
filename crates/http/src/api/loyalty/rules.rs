//! `/api/v1/programs/{id}/tier-rules` and `/api/v1/tier-rules/{id}`.

use super::views::{TierRulePage, TierRuleView};
use super::{delete_with, path_id};
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::loyalty::rules::{self, RuleInput, RulePatch};
use patron_domain::ids::{ProgramId, TierRuleId};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/programs/{id}/tier-rules", get(list).post(create))
        .route(
            "/api/v1/tier-rules/{id}",
            get(show).patch(update).delete(remove),
        )
}

fn yes() -> bool {
    true
}

/// Tells a field sent as `null` (`Some(None)`) from a field left out (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTierRuleRequest {
    /// 1 to 64 characters, e.g. 银卡会员条件.
    pub name: String,
    /// A non-base tier of the program.
    pub tier_id: String,
    /// A point group of the program; required for `accumulated_points`, ignored otherwise.
    pub point_group_id: Option<String>,
    /// `accumulated_points`, `spend_amount` or `purchase_count`.
    pub condition: String,
    /// The window: the last X days, at least 1.
    pub window_days: i64,
    /// Inclusive start: whole points or orders, or yuan with at most 2 decimals (number or string).
    #[schema(value_type = String)]
    pub range_start: Value,
    /// Exclusive end, above the start; null (or 999999999) for no upper limit.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub range_end: Option<Value>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTierRuleRequest {
    pub name: Option<String>,
    pub tier_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub point_group_id: Option<Option<String>>,
    pub condition: Option<String>,
    pub window_days: Option<i64>,
    #[schema(value_type = Option<String>)]
    pub range_start: Option<Value>,
    /// null removes the upper limit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub range_end: Option<Value>,
    /// A rule that produced tier records cannot be deleted: disable it instead.
    pub enabled: Option<bool>,
}

/// A range bound sent as a number or a string, as text; `null` is none.
fn bound(field: &'static str, v: Value) -> ApiResult<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::String(s) => Ok(Some(s)),
        _ => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_number",
            format!("{field}: must be a number or a string holding one"),
        )
        .field(field)),
    }
}

/// List the tier rules of a program.
#[utoipa::path(get, path = "/api/v1/programs/{id}/tier-rules", tag = "loyalty", params(("id" = String, Path), ListParams),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = TierRulePage), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<TierRulePage>> {
    let program = path_id(&id, ProgramId::parse, "program")?;
    let page = rules::list(&*state.store, &auth.ctx, program, &params.query()).await?;
    Ok(Json(TierRulePage::from_page(&page)))
}

/// Create a tier rule in a program.
#[utoipa::path(post, path = "/api/v1/programs/{id}/tier-rules", tag = "loyalty", request_body = CreateTierRuleRequest,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 201, body = TierRuleView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<CreateTierRuleRequest>,
) -> ApiResult<Response> {
    let program = path_id(&id, ProgramId::parse, "program")?;
    let r = body.value;
    let input = RuleInput {
        name: r.name,
        tier_id: r.tier_id,
        point_group_id: r.point_group_id,
        condition: r.condition,
        window_days: r.window_days,
        range_start: bound("range_start", r.range_start)?.unwrap_or_default(),
        range_end: match r.range_end {
            Some(v) => bound("range_end", v)?,
            None => None,
        },
        enabled: r.enabled,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let rule = rules::create(tx, &ctx, program, input).await?;
            Ok(stored(StatusCode::CREATED, &TierRuleView::from(&rule)))
        })
    })
    .await
}

/// Get a tier rule.
#[utoipa::path(get, path = "/api/v1/tier-rules/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = TierRuleView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<TierRuleView>> {
    let id = path_id(&id, TierRuleId::parse, "tier rule")?;
    let rule = rules::get(&*state.store, &auth.ctx, id).await?;
    Ok(Json(TierRuleView::from(&rule)))
}

/// Change a tier rule; the whole rule is checked again against the program's other rules.
#[utoipa::path(patch, path = "/api/v1/tier-rules/{id}", tag = "loyalty", params(("id" = String, Path)), request_body = UpdateTierRuleRequest,
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 200, body = TierRuleView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<UpdateTierRuleRequest>,
) -> ApiResult<Response> {
    let id = path_id(&id, TierRuleId::parse, "tier rule")?;
    let r = body.value;
    let patch = RulePatch {
        name: r.name,
        tier_id: r.tier_id,
        point_group_id: r.point_group_id,
        condition: r.condition,
        window_days: r.window_days,
        range_start: match r.range_start {
            Some(v) => Some(bound("range_start", v)?.unwrap_or_default()),
            None => None,
        },
        range_end: match r.range_end {
            Some(v) => Some(bound("range_end", v)?),
            None => None,
        },
        enabled: r.enabled,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let rule = rules::update(tx, &ctx, id, patch).await?;
            Ok(stored(StatusCode::OK, &TierRuleView::from(&rule)))
        })
    })
    .await
}

/// Delete a tier rule that produced no tier records (disable such a rule instead).
#[utoipa::path(delete, path = "/api/v1/tier-rules/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ApiResult<Response> {
    let id = path_id(&id, TierRuleId::parse, "tier rule")?;
    let ctx = auth.ctx.clone();
    delete_with(&state, &auth.ctx, &headers, &uri, move |tx| {
        Box::pin(async move { rules::delete(tx, &ctx, id).await })
    })
    .await
}
