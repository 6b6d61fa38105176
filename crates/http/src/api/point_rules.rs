//! `/api/v1/point-rules`: base point rules (loyalty-core §10.1). Reads and simulations need
//! `loyalty:read`, changes `loyalty:manage`. Every answer about a rule carries its description in
//! both languages.

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
use patron_app::point_rules::config::{self, as_input, parse_initial_status};
use patron_app::point_rules::simulate::{self as simulation, RuleSimulation};
use patron_app::point_rules::DescribedRule;
use patron_app::AppError;
use patron_domain::loyalty::tier::ValidityInput;
use patron_domain::points::rule::RuleStatus;
use patron_domain::points::rule_input::PointRuleInput;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/point-rules", get(list).post(create))
        .route("/api/v1/point-rules/{id}", get(show).put(update))
        .route("/api/v1/point-rules/{id}/enable", post(enable))
        .route("/api/v1/point-rules/{id}/disable", post(disable))
        .route("/api/v1/point-rules/{id}/simulate", post(simulate))
}

/// The fields of a rule, as sent to create or replace it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointRuleFields {
    /// 1 to 100 characters, unique in the program, e.g. 线上门店1元积1分.
    pub name: String,
    /// The point group credited: one of the program's.
    pub point_group_id: String,
    /// The cost center the points are reported against: one of the program's.
    pub cost_center_id: String,
    /// `amount` (points per yuan of a line's amount counted for points) or `quantity` (per unit).
    pub award: String,
    /// Points per yuan or per unit: a decimal above 0 with at most 4 places ("1", "0.1" for
    /// "¥10 = 1 point"). Points are rounded down per line.
    pub rate: String,
    #[serde(default)]
    pub counts_for_upgrade: bool,
    /// `fixed_period` (with `validity_days`, 1–36500) or `fixed_date` (with `validity_years`,
    /// `validity_month`, `validity_day`).
    pub validity_type: String,
    pub validity_days: Option<i64>,
    pub validity_years: Option<i64>,
    pub validity_month: Option<i64>,
    pub validity_day: Option<i64>,
    /// Tier ids of the program; empty: every tier.
    #[serde(default)]
    pub tier_ids: Vec<String>,
    /// Store codes; empty: every store.
    #[serde(default)]
    pub store_codes: Vec<String>,
    #[serde(default)]
    pub product_codes: Vec<String>,
    #[serde(default)]
    pub category_codes: Vec<String>,
    /// Payment method codes; each must earn points.
    #[serde(default)]
    pub payment_method_codes: Vec<String>,
    /// An enabled store group: its stores join `store_codes` (线上门店 "online stores").
    pub store_group_id: Option<String>,
    /// An enabled product group: its products join `product_codes` and `category_codes`.
    pub product_group_id: Option<String>,
}

impl PointRuleFields {
    fn input(self) -> PointRuleInput {
        PointRuleInput {
            name: self.name,
            point_group_id: self.point_group_id,
            cost_center_id: self.cost_center_id,
            award: self.award,
            rate: self.rate,
            counts_for_upgrade: self.counts_for_upgrade,
            validity: ValidityInput {
                kind: Some(self.validity_type),
                days: self.validity_days,
                years: self.validity_years,
                month: self.validity_month,
                day: self.validity_day,
            },
            tier_ids: self.tier_ids,
            store_codes: self.store_codes,
            product_codes: self.product_codes,
            category_codes: self.category_codes,
            payment_method_codes: self.payment_method_codes,
            store_group_id: self.store_group_id,
            product_group_id: self.product_group_id,
        }
    }
}

/// A new rule: its program, its first status, and the fields of [`PointRuleFields`].
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePointRuleRequest {
    /// The program the rule belongs to (never changes).
    pub program_id: String,
    /// `draft` (the default: saved, not earning) or `enabled`.
    pub status: Option<String>,
    pub name: String,
    pub point_group_id: String,
    pub cost_center_id: String,
    pub award: String,
    pub rate: String,
    #[serde(default)]
    pub counts_for_upgrade: bool,
    pub validity_type: String,
    pub validity_days: Option<i64>,
    pub validity_years: Option<i64>,
    pub validity_month: Option<i64>,
    pub validity_day: Option<i64>,
    #[serde(default)]
    pub tier_ids: Vec<String>,
    #[serde(default)]
    pub store_codes: Vec<String>,
    #[serde(default)]
    pub product_codes: Vec<String>,
    #[serde(default)]
    pub category_codes: Vec<String>,
    #[serde(default)]
    pub payment_method_codes: Vec<String>,
    pub store_group_id: Option<String>,
    pub product_group_id: Option<String>,
}

impl CreatePointRuleRequest {
    /// The fields shared with a replacement. (Spelled out rather than flattened: serde cannot
    /// refuse unknown fields through a flattened struct.)
    fn fields(self) -> PointRuleFields {
        PointRuleFields {
            name: self.name,
            point_group_id: self.point_group_id,
            cost_center_id: self.cost_center_id,
            award: self.award,
            rate: self.rate,
            counts_for_upgrade: self.counts_for_upgrade,
            validity_type: self.validity_type,
            validity_days: self.validity_days,
            validity_years: self.validity_years,
            validity_month: self.validity_month,
            validity_day: self.validity_day,
            tier_ids: self.tier_ids,
            store_codes: self.store_codes,
            product_codes: self.product_codes,
            category_codes: self.category_codes,
            payment_method_codes: self.payment_method_codes,
            store_group_id: self.store_group_id,
            product_group_id: self.product_group_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DescriptionView {
    pub en: String,
    pub zh: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointRuleView {
    pub id: String,
    pub program_id: String,
    pub name: String,
    pub point_group_id: String,
    pub cost_center_id: Option<String>,
    pub award: String,
    pub rate: String,
    pub counts_for_upgrade: bool,
    pub validity_type: Option<String>,
    pub validity_days: Option<i64>,
    pub validity_years: Option<i64>,
    pub validity_month: Option<i64>,
    pub validity_day: Option<i64>,
    pub tier_ids: Vec<String>,
    pub store_codes: Vec<String>,
    pub product_codes: Vec<String>,
    pub category_codes: Vec<String>,
    pub payment_method_codes: Vec<String>,
    pub store_group_id: Option<String>,
    pub product_group_id: Option<String>,
    /// `draft`, `enabled` or `disabled`.
    pub status: String,
    pub description: DescriptionView,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&DescribedRule> for PointRuleView {
    fn from(d: &DescribedRule) -> Self {
        let r = &d.rule;
        let i = as_input(r);
        Self {
            id: r.id.clone(),
            program_id: r.program_id.clone(),
            name: r.name.clone(),
            point_group_id: r.point_group_id.clone(),
            cost_center_id: r.cost_center_id.clone(),
            award: i.award,
            rate: i.rate,
            counts_for_upgrade: r.counts_for_upgrade,
            validity_type: i.validity.kind,
            validity_days: i.validity.days,
            validity_years: i.validity.years,
            validity_month: i.validity.month,
            validity_day: i.validity.day,
            tier_ids: i.tier_ids,
            store_codes: i.store_codes,
            product_codes: i.product_codes,
            category_codes: i.category_codes,
            payment_method_codes: i.payment_method_codes,
            store_group_id: i.store_group_id,
            product_group_id: i.product_group_id,
            status: r.status.as_str().to_string(),
            description: DescriptionView {
                en: d.description_en.clone(),
                zh: d.description_zh.clone(),
            },
            created_at: rfc3339(r.created_at_ms),
            updated_at: rfc3339(r.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointRulePage {
    pub items: Vec<PointRuleView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PointRuleParams {
    /// Part of the name.
    pub search: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
    /// `draft`, `enabled` or `disabled`.
    pub status: Option<String>,
}

/// List the tenant's point rules, newest first (search by name, filter by status).
#[utoipa::path(get, path = "/api/v1/point-rules", tag = "points", params(PointRuleParams),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = PointRulePage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Query(p): Query<PointRuleParams>,
) -> ApiResult<Json<PointRulePage>> {
    let status = match p.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(RuleStatus::parse(raw).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_status",
                "status: must be draft, enabled or disabled",
            )
            .field("status")
        })?),
    };
    let q = ListParams {
        search: p.search,
        after: p.after,
        limit: p.limit,
    }
    .query();
    let page = config::list(&*state.store, &auth.ctx, status, &q).await?;
    Ok(Json(PointRulePage {
        items: page.items.iter().map(PointRuleView::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// Create a point rule, as a draft unless `status` is `enabled`.
#[utoipa::path(post, path = "/api/v1/point-rules", tag = "points", request_body = CreatePointRuleRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 201, body = PointRuleView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    headers: HeaderMap,
    body: ApiJson<CreatePointRuleRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let status = parse_initial_status(r.status.as_deref()).map_err(AppError::from)?;
    let program = r.program_id.clone();
    let input = r.fields().input();
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let rule = config::create(tx, &ctx, &program, &input, status).await?;
            Ok(stored(StatusCode::CREATED, &PointRuleView::from(&rule)))
        })
    })
    .await
}

/// Get a point rule.
#[utoipa::path(get, path = "/api/v1/point-rules/{id}", tag = "points", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = PointRuleView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<PointRuleView>> {
    let rule = config::get(&*state.store, &auth.ctx, &id).await?;
    Ok(Json(PointRuleView::from(&rule)))
}

/// Replace a point rule's fields (not its program or status); applies to orders processed
/// afterwards.
#[utoipa::path(put, path = "/api/v1/point-rules/{id}", tag = "points", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    request_body = PointRuleFields,
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 200, body = PointRuleView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<PointRuleFields>,
) -> ApiResult<Response> {
    let input = body.value.input();
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let rule = config::update(tx, &ctx, &id, &input).await?;
            Ok(stored(StatusCode::OK, &PointRuleView::from(&rule)))
        })
    })
    .await
}

async fn set_status(
    state: AppState,
    auth: Auth<perm::LoyaltyManage>,
    headers: HeaderMap,
    id: String,
    status: RuleStatus,
) -> ApiResult<Response> {
    // No body: the request is the method, the path and the status asked for.
    let hash = format!("POST /api/v1/point-rules/{id}/{}", status.as_str()).into_bytes();
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &hash, move |tx| {
        Box::pin(async move {
            let rule = config::set_status(tx, &ctx, &id, status).await?;
            Ok(stored(StatusCode::OK, &PointRuleView::from(&rule)))
        })
    })
    .await
}

/// Enable a rule: orders processed from now on earn under it.
#[utoipa::path(post, path = "/api/v1/point-rules/{id}/enable", tag = "points", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 200, body = PointRuleView), (status = 404, body = Problem)))]
pub async fn enable(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_status(state, auth, headers, id, RuleStatus::Enabled).await
}

/// Disable a rule: it earns no more; the records it produced keep referring to it.
#[utoipa::path(post, path = "/api/v1/point-rules/{id}/disable", tag = "points", params(("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 200, body = PointRuleView), (status = 404, body = Problem)))]
pub async fn disable(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    set_status(state, auth, headers, id, RuleStatus::Disabled).await
}

/// What to simulate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    /// The window: the orders of the last `days` days (1–90) up to now.
    pub days: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimulationTotals {
    /// Normal member orders of the rule's program in the window.
    pub orders: i64,
    /// Orders the rule fires on (at least one line earns under it).
    pub fired_orders: i64,
    /// What the rules issued for these orders: transaction points less refund reversals.
    pub current_points: i64,
    /// What the rule alone would issue for them, net of their refunds.
    pub draft_points: i64,
    /// `draft_points − current_points`.
    pub difference: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoreSimulationView {
    pub store_id: String,
    pub code: String,
    pub name: String,
    pub orders: i64,
    pub fired_orders: i64,
    pub current_points: i64,
    pub draft_points: i64,
    pub difference: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CostCenterSimulationView {
    /// `null` for points issued by records without a cost center.
    pub cost_center_id: Option<String>,
    pub code: String,
    pub name: String,
    pub current_points: i64,
    /// All of the rule's points go to its own cost center.
    pub draft_points: i64,
    pub difference: i64,
}

/// A rule run over past orders. Enabling it would add its points to those of the rules already
/// enabled (every matching rule earns), so `draft_points` is the added cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulationView {
    pub rule_id: String,
    pub rule_name: String,
    /// The rule's status (simulation works in any).
    pub status: String,
    pub cost_center_id: Option<String>,
    pub days: i64,
    /// The window `[from, to)`.
    pub from: String,
    pub to: String,
    pub totals: SimulationTotals,
    /// By store code.
    pub stores: Vec<StoreSimulationView>,
    /// By cost center code; records without a cost center last.
    pub cost_centers: Vec<CostCenterSimulationView>,
}

impl From<&RuleSimulation> for SimulationView {
    fn from(s: &RuleSimulation) -> Self {
        Self {
            rule_id: s.rule.id.clone(),
            rule_name: s.rule.name.clone(),
            status: s.rule.status.as_str().to_string(),
            cost_center_id: s.rule.cost_center_id.clone(),
            days: s.days,
            from: rfc3339(s.from_ms),
            to: rfc3339(s.to_ms),
            totals: SimulationTotals {
                orders: s.orders,
                fired_orders: s.fired_orders,
                current_points: s.current_points,
                draft_points: s.draft_points,
                difference: s.draft_points - s.current_points,
            },
            stores: s
                .stores
                .iter()
                .map(|x| StoreSimulationView {
                    store_id: x.store_id.clone(),
                    code: x.code.clone(),
                    name: x.name.clone(),
                    orders: x.orders,
                    fired_orders: x.fired_orders,
                    current_points: x.current_points,
                    draft_points: x.draft_points,
                    difference: x.draft_points - x.current_points,
                })
                .collect(),
            cost_centers: s
                .cost_centers
                .iter()
                .map(|x| CostCenterSimulationView {
                    cost_center_id: x.cost_center_id.clone(),
                    code: x.code.clone(),
                    name: x.name.clone(),
                    current_points: x.current_points,
                    draft_points: x.draft_points,
                    difference: x.draft_points - x.current_points,
                })
                .collect(),
        }
    }
}

/// Simulate a rule (any status, typically a draft) over the normal member orders of its program
/// in the last `days` days: the points it would have issued, by store and by cost center,
/// beside what was issued for the same orders. Nothing is written.
#[utoipa::path(post, path = "/api/v1/point-rules/{id}/simulate", tag = "points", params(("id" = String, Path)),
    request_body = SimulateRequest,
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = SimulationView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn simulate(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
    body: ApiJson<SimulateRequest>,
) -> ApiResult<Json<SimulationView>> {
    let ctx = &auth.ctx;
    let s = simulation::simulate(&*state.store, ctx, &id, body.value.days, ctx.now_ms).await?;
    Ok(Json(SimulationView::from(&s)))
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(list, create, show, update, enable, disable, simulate),
    components(schemas(
        SimulateRequest,
        SimulationTotals,
        StoreSimulationView,
        CostCenterSimulationView,
        SimulationView,
        PointRuleFields,
        CreatePointRuleRequest,
        DescriptionView,
        PointRuleView,
        PointRulePage,
    ))
)]
pub struct Doc;
