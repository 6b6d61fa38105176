//! `/api/v1/store-groups` and `/api/v1/product-groups` (marketing-analytics-admin §3–4): the
//! same routes for both kinds. Reads need `groups:read`, changes `groups:manage`; every change
//! goes through [`mutate`] (idempotency keys, one transaction).
//!
//! A group is built while not enabled (members added and removed by code, in bulk), then
//! enabled once: its members freeze, and an "all items" group takes every store (product) of
//! the tenant at that moment.

pub mod views;

use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use patron_app::groups::{self, model};
use patron_app::model::StoredResponse;
use patron_app::Ctx;
use patron_domain::groups::GroupKind;
use patron_domain::ids::GroupId;
use sha2::{Digest, Sha256};
use utoipa::OpenApi;
use views::{
    AddMembersView, CandidatePage, CandidateView, CodesRequest, CreateGroupRequest,
    GroupListParams, GroupPage, GroupView, MemberPage, MemberView, RemoveMembersView,
    UpdateGroupRequest,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(store::router())
        .merge(product::router())
}

/// A group id from the path, in its canonical form; a malformed one is as unknown as a
/// missing one.
fn path_id(raw: &str) -> ApiResult<String> {
    GroupId::parse(raw)
        .map(|id| id.to_string())
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "group not found"))
}

/// What identifies a request without a body: its method and path.
fn bodiless_hash(method: &str, uri: &Uri) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(b" ");
    hasher.update(uri.path());
    hasher.update(b"\n");
    hasher.finalize().to_vec()
}

// The handlers of both kinds share these; the per-kind modules below only fix the kind, the
// paths and the OpenAPI text.

async fn list(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    p: &GroupListParams,
) -> ApiResult<Json<GroupPage>> {
    let page = groups::list(&*state.store, ctx, kind, &p.query()).await?;
    Ok(Json(GroupPage::from(&page)))
}

async fn create(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    headers: &HeaderMap,
    body: ApiJson<CreateGroupRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let input = model::NewGroup {
        name: r.name,
        description: r.description,
        all_items: r.all_items,
    };
    let op_ctx = ctx.clone();
    mutate(state, ctx, headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let g = groups::create(tx, &op_ctx, kind, input).await?;
            Ok(stored(StatusCode::CREATED, &GroupView::from(&g)))
        })
    })
    .await
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
) -> ApiResult<Json<GroupView>> {
    let g = groups::get(&*state.store, ctx, kind, &path_id(id)?).await?;
    Ok(Json(GroupView::from(&g)))
}

async fn update(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    headers: &HeaderMap,
    body: ApiJson<UpdateGroupRequest>,
) -> ApiResult<Response> {
    let id = path_id(id)?;
    let r = body.value;
    let patch = model::GroupPatch {
        name: r.name,
        description: r.description,
        all_items: r.all_items,
    };
    let op_ctx = ctx.clone();
    mutate(state, ctx, headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let g = groups::update(tx, &op_ctx, kind, &id, patch).await?;
            Ok(stored(StatusCode::OK, &GroupView::from(&g)))
        })
    })
    .await
}

async fn remove(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    headers: &HeaderMap,
    uri: &Uri,
) -> ApiResult<Response> {
    let id = path_id(id)?;
    let op_ctx = ctx.clone();
    mutate(
        state,
        ctx,
        headers,
        &bodiless_hash("DELETE", uri),
        move |tx| {
            Box::pin(async move {
                groups::delete(tx, &op_ctx, kind, &id).await?;
                Ok(StoredResponse {
                    status: StatusCode::NO_CONTENT.as_u16(),
                    body: String::new(),
                })
            })
        },
    )
    .await
}

async fn enable(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    headers: &HeaderMap,
    uri: &Uri,
) -> ApiResult<Response> {
    let id = path_id(id)?;
    let op_ctx = ctx.clone();
    mutate(
        state,
        ctx,
        headers,
        &bodiless_hash("POST", uri),
        move |tx| {
            Box::pin(async move {
                let g = groups::enable(tx, &op_ctx, kind, &id).await?;
                Ok(stored(StatusCode::OK, &GroupView::from(&g)))
            })
        },
    )
    .await
}

async fn add_members(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    headers: &HeaderMap,
    body: ApiJson<CodesRequest>,
) -> ApiResult<Response> {
    let id = path_id(id)?;
    let codes = body.value.codes;
    let op_ctx = ctx.clone();
    mutate(state, ctx, headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let added = groups::add_members(tx, &op_ctx, kind, &id, &codes).await?;
            Ok(stored(StatusCode::OK, &AddMembersView::from(added)))
        })
    })
    .await
}

async fn remove_members(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    headers: &HeaderMap,
    body: ApiJson<CodesRequest>,
) -> ApiResult<Response> {
    let id = path_id(id)?;
    let codes = body.value.codes;
    let op_ctx = ctx.clone();
    mutate(state, ctx, headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let removed = groups::remove_members(tx, &op_ctx, kind, &id, &codes).await?;
            Ok(stored(StatusCode::OK, &RemoveMembersView::from(removed)))
        })
    })
    .await
}

async fn members(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    p: &GroupListParams,
) -> ApiResult<Json<MemberPage>> {
    let page = groups::members(&*state.store, ctx, kind, &path_id(id)?, &p.query()).await?;
    Ok(Json(MemberPage::from(&page)))
}

async fn candidates(
    state: &AppState,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    p: &GroupListParams,
) -> ApiResult<Json<CandidatePage>> {
    let page = groups::candidates(&*state.store, ctx, kind, &path_id(id)?, &p.query()).await?;
    Ok(Json(CandidatePage::from(&page)))
}

/// The routes of one kind: thin handlers fixing the kind, each with its OpenAPI entry.
macro_rules! kind_routes {
    (
        $module:ident, $kind:expr, $tag:tt,
        list: $list:tt, item: $item:tt, members: $members:tt, remove: $remove:tt,
        enable: $enable:tt, candidates: $candidates:tt $(,)?
    ) => {
        pub mod $module {
            use super::*;

            const KIND: GroupKind = $kind;

            pub fn router() -> Router<AppState> {
                Router::new()
                    .route($list, get(list).post(create))
                    .route($item, get(show).patch(update).delete(remove))
                    .route($members, get(members).post(add_members))
                    .route($remove, post(remove_members))
                    .route($enable, post(enable))
                    .route($candidates, get(candidates))
            }

            /// List the groups, newest first; `search` (or `q`) looks in their names.
            #[utoipa::path(get, path = $list, tag = $tag, params(GroupListParams),
                security(("api_key" = ["groups:read"]), ("session" = ["groups:read"])),
                responses((status = 200, body = GroupPage), (status = 422, body = Problem)))]
            pub async fn list(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsRead>,
                Query(p): Query<GroupListParams>,
            ) -> ApiResult<Json<GroupPage>> {
                super::list(&state, &auth.ctx, KIND, &p).await
            }

            /// Create a group, not enabled and without members.
            #[utoipa::path(post, path = $list, tag = $tag, request_body = CreateGroupRequest,
                params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
                security(("api_key" = ["groups:manage"]), ("session" = ["groups:manage"])),
                responses((status = 201, body = GroupView), (status = 409, body = Problem), (status = 422, body = Problem)))]
            pub async fn create(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsManage>,
                headers: HeaderMap,
                body: ApiJson<CreateGroupRequest>,
            ) -> ApiResult<Response> {
                super::create(&state, &auth.ctx, KIND, &headers, body).await
            }

            /// Get a group with its member count.
            #[utoipa::path(get, path = $item, tag = $tag, params(("id" = String, Path)),
                security(("api_key" = ["groups:read"]), ("session" = ["groups:read"])),
                responses((status = 200, body = GroupView), (status = 404, body = Problem)))]
            pub async fn show(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsRead>,
                Path(id): Path<String>,
            ) -> ApiResult<Json<GroupView>> {
                super::show(&state, &auth.ctx, KIND, &id).await
            }

            /// Change a group's name or description (always), or `all_items` (only while it is
            /// not enabled).
            #[utoipa::path(patch, path = $item, tag = $tag, request_body = UpdateGroupRequest,
                params(("id" = String, Path),
                    ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
                security(("api_key" = ["groups:manage"]), ("session" = ["groups:manage"])),
                responses((status = 200, body = GroupView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
            pub async fn update(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsManage>,
                Path(id): Path<String>,
                headers: HeaderMap,
                body: ApiJson<UpdateGroupRequest>,
            ) -> ApiResult<Response> {
                super::update(&state, &auth.ctx, KIND, &id, &headers, body).await
            }

            /// Delete a group and its members, unless a coupon rule refers to it
            /// (`group_in_use`).
            #[utoipa::path(delete, path = $item, tag = $tag,
                params(("id" = String, Path),
                    ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
                security(("api_key" = ["groups:manage"]), ("session" = ["groups:manage"])),
                responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
            pub async fn remove(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsManage>,
                Path(id): Path<String>,
                headers: HeaderMap,
                uri: Uri,
            ) -> ApiResult<Response> {
                super::remove(&state, &auth.ctx, KIND, &id, &headers, &uri).await
            }

            /// The group's members by code, with their names; `search` (or `q`) looks in codes
            /// and names.
            #[utoipa::path(get, path = $members, tag = $tag,
                params(("id" = String, Path), GroupListParams),
                security(("api_key" = ["groups:read"]), ("session" = ["groups:read"])),
                responses((status = 200, body = MemberPage), (status = 404, body = Problem)))]
            pub async fn members(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsRead>,
                Path(id): Path<String>,
                Query(p): Query<GroupListParams>,
            ) -> ApiResult<Json<MemberPage>> {
                super::members(&state, &auth.ctx, KIND, &id, &p).await
            }

            /// Add members by code, while the group is not enabled. Known codes are added
            /// (`added`, or `already_members`: nothing changes for them); codes that name no
            /// item of the tenant come back in `unknown`.
            #[utoipa::path(post, path = $members, tag = $tag, request_body = CodesRequest,
                params(("id" = String, Path),
                    ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
                security(("api_key" = ["groups:manage"]), ("session" = ["groups:manage"])),
                responses((status = 200, body = AddMembersView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
            pub async fn add_members(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsManage>,
                Path(id): Path<String>,
                headers: HeaderMap,
                body: ApiJson<CodesRequest>,
            ) -> ApiResult<Response> {
                super::add_members(&state, &auth.ctx, KIND, &id, &headers, body).await
            }

            /// Remove members by code, only before the group is enabled (`group_enabled`).
            #[utoipa::path(post, path = $remove, tag = $tag, request_body = CodesRequest,
                params(("id" = String, Path),
                    ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
                security(("api_key" = ["groups:manage"]), ("session" = ["groups:manage"])),
                responses((status = 200, body = RemoveMembersView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
            pub async fn remove_members(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsManage>,
                Path(id): Path<String>,
                headers: HeaderMap,
                body: ApiJson<CodesRequest>,
            ) -> ApiResult<Response> {
                super::remove_members(&state, &auth.ctx, KIND, &id, &headers, body).await
            }

            /// Enable the group: its members freeze (an all-items group first takes every item
            /// of the tenant now) and rules may refer to it. Once only (`group_enabled`); an
            /// empty group is refused (`group_empty`).
            #[utoipa::path(post, path = $enable, tag = $tag,
                params(("id" = String, Path),
                    ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
                security(("api_key" = ["groups:manage"]), ("session" = ["groups:manage"])),
                responses((status = 200, body = GroupView), (status = 404, body = Problem), (status = 409, body = Problem)))]
            pub async fn enable(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsManage>,
                Path(id): Path<String>,
                headers: HeaderMap,
                uri: Uri,
            ) -> ApiResult<Response> {
                super::enable(&state, &auth.ctx, KIND, &id, &headers, &uri).await
            }

            /// The items that are not members yet, by code (the editor's picker); `search` (or
            /// `q`) looks in codes and names.
            #[utoipa::path(get, path = $candidates, tag = $tag,
                params(("id" = String, Path), GroupListParams),
                security(("api_key" = ["groups:read"]), ("session" = ["groups:read"])),
                responses((status = 200, body = CandidatePage), (status = 404, body = Problem)))]
            pub async fn candidates(
                State(state): State<AppState>,
                auth: Auth<perm::GroupsRead>,
                Path(id): Path<String>,
                Query(p): Query<GroupListParams>,
            ) -> ApiResult<Json<CandidatePage>> {
                super::candidates(&state, &auth.ctx, KIND, &id, &p).await
            }
        }
    };
}

kind_routes!(
    store, GroupKind::Store, "store-groups",
    list: "/api/v1/store-groups",
    item: "/api/v1/store-groups/{id}",
    members: "/api/v1/store-groups/{id}/members",
    remove: "/api/v1/store-groups/{id}/members/remove",
    enable: "/api/v1/store-groups/{id}/enable",
    candidates: "/api/v1/store-groups/{id}/candidates",
);

kind_routes!(
    product, GroupKind::Product, "product-groups",
    list: "/api/v1/product-groups",
    item: "/api/v1/product-groups/{id}",
    members: "/api/v1/product-groups/{id}/members",
    remove: "/api/v1/product-groups/{id}/members/remove",
    enable: "/api/v1/product-groups/{id}/enable",
    candidates: "/api/v1/product-groups/{id}/candidates",
);

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        store::list,
        store::create,
        store::show,
        store::update,
        store::remove,
        store::members,
        store::add_members,
        store::remove_members,
        store::enable,
        store::candidates,
        product::list,
        product::create,
        product::show,
        product::update,
        product::remove,
        product::members,
        product::add_members,
        product::remove_members,
        product::enable,
        product::candidates,
    ),
    components(schemas(
        CreateGroupRequest,
        UpdateGroupRequest,
        CodesRequest,
        GroupView,
        GroupPage,
        AddMembersView,
        RemoveMembersView,
        MemberView,
        MemberPage,
        CandidateView,
        CandidatePage,
    ))
)]
pub struct Doc;
