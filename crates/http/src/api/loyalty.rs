//! The API of the loyalty configuration: programs, and inside each program its point groups,
//! cost centers, tiers and tier rules. Reads need `loyalty:read`, changes `loyalty:manage`.

mod entries;
mod programs;
mod rules;
mod tiers;
pub mod views;

use crate::mutate::mutate;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use futures::future::BoxFuture;
use patron_app::model::StoredResponse;
use patron_app::{AppResult, Ctx, Tx};
use sha2::{Digest, Sha256};
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(programs::router())
        .merge(entries::router())
        .merge(tiers::router())
        .merge(rules::router())
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        programs::list,
        programs::create,
        programs::show,
        programs::update,
        programs::remove,
        entries::list_point_groups,
        entries::create_point_group,
        entries::show_point_group,
        entries::update_point_group,
        entries::remove_point_group,
        entries::list_cost_centers,
        entries::create_cost_center,
        entries::show_cost_center,
        entries::update_cost_center,
        entries::remove_cost_center,
        tiers::list,
        tiers::create,
        tiers::show,
        tiers::update,
        tiers::remove,
        rules::list,
        rules::create,
        rules::show,
        rules::update,
        rules::remove,
    ),
    components(schemas(
        Problem,
        views::ProgramView,
        views::EntryView,
        views::TierView,
        views::TierRuleView,
    ))
)]
pub struct Doc;

/// An id from the path; a malformed one is as unknown as a missing one.
fn path_id<T>(raw: &str, parse: fn(&str) -> Option<T>, what: &str) -> ApiResult<T> {
    parse(raw).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    })
}

/// A delete through [`mutate`], so that it honours `Idempotency-Key` like every change. The
/// request is identified by its method and path (it has no body).
async fn delete_with<F>(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    uri: &Uri,
    op: F,
) -> ApiResult<Response>
where
    F: for<'a> FnOnce(&'a mut dyn Tx) -> BoxFuture<'a, AppResult<()>> + Send + 'static,
{
    let mut hasher = Sha256::new();
    hasher.update(b"DELETE ");
    hasher.update(uri.path());
    hasher.update(b"\n");
    let hash = hasher.finalize().to_vec();
    mutate(state, ctx, headers, &hash, move |tx| {
        Box::pin(async move {
            op(tx).await?;
            Ok(StoredResponse {
                status: StatusCode::NO_CONTENT.as_u16(),
                body: String::new(),
            })
        })
    })
    .await
}
