//! `/api/v1/customers`: the customer list (exact search by phone, email, card number or name),
//! details, profile edits, PII erasure, and channel bindings.

use super::accounts::BindingRequest;
use super::views::{BindingView, CustomerDetailView, CustomerPage, CustomerView};
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use patron_app::members::customers::{self, CustomerView as Shown};
use patron_app::members::profile::{self, ProfileInput};
use patron_app::members::{bindings, register::BindingInput};
use patron_domain::ids::{BindingId, CustomerId};
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/customers", get(list))
        .route("/api/v1/customers/{id}", get(show).patch(update))
        .route("/api/v1/customers/{id}/erase", post(erase))
        .route("/api/v1/customers/{id}/bindings", post(bind))
        .route("/api/v1/bindings/{id}/unbind", post(unbind))
}

fn parse_customer_id(raw: &str) -> ApiResult<CustomerId> {
    CustomerId::parse(raw)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "customer not found"))
}

/// List customers. `search` matches exactly one phone, email, card number or full name
/// (personal data is encrypted, so there is no partial match).
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(ListParams),
    security(("api_key" = ["customers:read"]), ("session" = ["customers:read"])),
    responses((status = 200, body = CustomerPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersRead>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<CustomerPage>> {
    let page = customers::list(&*state.store, &auth.ctx, &state.pii, &params.query()).await?;
    Ok(Json(CustomerPage::from(&page)))
}

/// A customer with member accounts and channel bindings. Reading in clear is audited.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = String, Path)),
    security(("api_key" = ["customers:read"]), ("session" = ["customers:read"])),
    responses((status = 200, body = CustomerDetailView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<CustomerDetailView>> {
    let d = customers::get(
        &*state.store,
        &auth.ctx,
        &state.pii,
        parse_customer_id(&id)?,
    )
    .await?;
    Ok(Json(CustomerDetailView::from(&d)))
}

/// Profile fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    pub name: Option<String>,
    pub gender: Option<String>,
    pub birthday: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub id_number: Option<String>,
    pub accepts_marketing: Option<bool>,
    pub is_employee: Option<bool>,
    pub is_test: Option<bool>,
}

/// Edit a customer's profile (audited; personal values are not copied into the log).
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = String, Path)), request_body = ProfileRequest,
    security(("api_key" = ["customers:update"]), ("session" = ["customers:update"])),
    responses((status = 200, body = CustomerView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersUpdate>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<ProfileRequest>,
) -> ApiResult<Response> {
    let id = parse_customer_id(&id)?;
    let r = body.value;
    let input = ProfileInput {
        name: r.name,
        gender: r.gender,
        birthday: r.birthday,
        phone: r.phone,
        email: r.email,
        province: r.province,
        city: r.city,
        address: r.address,
        id_number: r.id_number,
        accepts_marketing: r.accepts_marketing,
        is_employee: r.is_employee,
        is_test: r.is_test,
    };
    let ctx = auth.ctx.clone();
    let pii = state.pii.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let v = customers::update(tx, &ctx, &pii, id, &input).await?;
            Ok(stored(StatusCode::OK, &CustomerView::from(&v)))
        })
    })
    .await
}

/// Erase the person's personal data (name, phone, email, birthday, address, id number and
/// channel identifiers). The anonymous customer, members, orders and points stay.
#[utoipa::path(post, path = "/api/v1/customers/{id}/erase", tag = "customers", params(("id" = String, Path)),
    security(("api_key" = ["customers:erase"]), ("session" = ["customers:erase"])),
    responses((status = 200, body = CustomerView), (status = 404, body = Problem)))]
pub async fn erase(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersErase>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = parse_customer_id(&id)?;
    let ctx = auth.ctx.clone();
    let pii = state.pii.clone();
    // No body: the request is the path, which the idempotency hash must then tell apart.
    let hash = format!("erase {id}").into_bytes();
    mutate(&state, &auth.ctx, &headers, &hash, move |tx| {
        Box::pin(async move {
            let c = customers::erase(tx, &ctx, id).await?;
            let shown = profile::show(&pii, &c, true)?;
            Ok(stored(
                StatusCode::OK,
                &CustomerView::from(&Shown {
                    customer: c,
                    pii: shown,
                }),
            ))
        })
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindRequest {
    /// The channel code of the account.
    pub channel: String,
    /// Where it was bound (store code), if known.
    pub store: Option<String>,
    #[serde(flatten)]
    pub account: BindingRequest,
}

/// Bind a channel account to a customer.
#[utoipa::path(post, path = "/api/v1/customers/{id}/bindings", tag = "customers", params(("id" = String, Path)), request_body = BindRequest,
    security(("api_key" = ["customers:update"]), ("session" = ["customers:update"])),
    responses((status = 201, body = BindingView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn bind(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersUpdate>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<BindRequest>,
) -> ApiResult<Response> {
    let id = parse_customer_id(&id)?;
    let r = body.value;
    let input = BindingInput::from(r.account);
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let b = bindings::bind(tx, &ctx, id, &r.channel, &input, r.store.as_deref()).await?;
            Ok(stored(StatusCode::CREATED, &BindingView::from(&b)))
        })
    })
    .await
}

/// Unbind a channel account; the binding stays in the history with its unbind time.
#[utoipa::path(post, path = "/api/v1/bindings/{id}/unbind", tag = "customers", params(("id" = String, Path)),
    security(("api_key" = ["customers:update"]), ("session" = ["customers:update"])),
    responses((status = 200, body = BindingView), (status = 404, body = Problem)))]
pub async fn unbind(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersUpdate>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = BindingId::parse(&id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "binding not found"))?;
    let ctx = auth.ctx.clone();
    let hash = format!("unbind {id}").into_bytes();
    mutate(&state, &auth.ctx, &headers, &hash, move |tx| {
        Box::pin(async move {
            let b = bindings::unbind(tx, &ctx, id).await?;
            Ok(stored(StatusCode::OK, &BindingView::from(&b)))
        })
    })
    .await
}
