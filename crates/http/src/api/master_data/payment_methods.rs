//! `/api/v1/payment-methods`.

use super::views::{PaymentMethodPage, PaymentMethodView};
use super::{batch_answer, problem_type};
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::master_data as md;
use patron_domain::master_data::PaymentMethodInput;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/payment-methods", get(list).put(upsert))
        .route("/api/v1/payment-methods/{code}", get(show).patch(update))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodItem {
    /// External code, e.g. `3035`.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// Whether paying with it counts toward points. Patron's own flag: when absent a stored
    /// method keeps the value set in Patron (new: `false`).
    pub earns_points: Option<bool>,
    /// The source system's category, free text.
    pub category: Option<String>,
    /// The source system; `api` when absent.
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodBatch {
    /// Up to 1000 payment methods.
    pub items: Vec<PaymentMethodItem>,
}

impl From<PaymentMethodItem> for PaymentMethodInput {
    fn from(i: PaymentMethodItem) -> Self {
        Self {
            code: i.code,
            name: i.name,
            earns_points: i.earns_points,
            category: i.category,
            source: i.source,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodPatch {
    pub earns_points: bool,
}

/// List payment methods (search by code or name).
#[utoipa::path(get, path = "/api/v1/payment-methods", tag = "master data", params(ListParams),
    security(("api_key" = ["master_data:read"]), ("session" = ["master_data:read"])),
    responses((status = 200, body = PaymentMethodPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataRead>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<PaymentMethodPage>> {
    let page = md::payment_methods(&*state.store, &auth.ctx, &params.query()).await?;
    Ok(Json(PaymentMethodPage::from(&page)))
}

/// Get a payment method by code.
#[utoipa::path(get, path = "/api/v1/payment-methods/{code}", tag = "master data", params(("code" = String, Path)),
    security(("api_key" = ["master_data:read"]), ("session" = ["master_data:read"])),
    responses((status = 200, body = PaymentMethodView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataRead>,
    Path(code): Path<String>,
) -> ApiResult<Json<PaymentMethodView>> {
    let m = md::payment_method(&*state.store, &auth.ctx, &code).await?;
    Ok(Json(PaymentMethodView::from(&m)))
}

/// Create or update payment methods by code, all or nothing.
#[utoipa::path(put, path = "/api/v1/payment-methods", tag = "master data", request_body = PaymentMethodBatch,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["master_data:manage"]), ("session" = ["master_data:manage"])),
    responses((status = 200, body = super::views::UpsertResult), (status = 422, body = super::views::BatchProblem)))]
pub async fn upsert(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataManage>,
    headers: HeaderMap,
    body: ApiJson<PaymentMethodBatch>,
) -> ApiResult<Response> {
    let items: Vec<PaymentMethodInput> = body.value.items.into_iter().map(Into::into).collect();
    let ctx = auth.ctx.clone();
    let response = mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            Ok(batch_answer(
                md::upsert_payment_methods(tx, &ctx, &items).await?,
            ))
        })
    })
    .await?;
    Ok(problem_type(response))
}

/// Set whether paying with the method counts toward points (the one local field, spec §11.4).
#[utoipa::path(patch, path = "/api/v1/payment-methods/{code}", tag = "master data", params(("code" = String, Path)), request_body = PaymentMethodPatch,
    security(("api_key" = ["master_data:manage"]), ("session" = ["master_data:manage"])),
    responses((status = 200, body = PaymentMethodView), (status = 404, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataManage>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: ApiJson<PaymentMethodPatch>,
) -> ApiResult<Response> {
    let earns = body.value.earns_points;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let m = md::set_earns_points(tx, &ctx, &code, earns).await?;
            Ok(stored(StatusCode::OK, &PaymentMethodView::from(&m)))
        })
    })
    .await
}
