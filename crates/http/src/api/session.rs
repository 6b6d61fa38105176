//! `/api/v1/session` and `/api/v1/me`: logging in with a password (for the console and scripts),
//! logging out, who am I, and changing one's own password and language.

use crate::auth::{Auth, Authenticated, ClientIp, SESSION_COOKIE};
use crate::body::ApiJson;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{post, put};
use axum::{Json, Router};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use patron_app::auth::{self, LoginForm};
use patron_app::users;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/me", axum::routing::get(me).patch(update_me))
        .route("/api/v1/me/password", put(change_password))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The tenant's code; leave empty for the platform administrator.
    #[serde(default)]
    pub tenant_code: String,
    pub login_name: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    /// `user`, `api_key` or `platform_admin`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub tenant_id: Option<i64>,
    pub locale: String,
    pub permissions: Vec<String>,
    /// Echo in `X-CSRF-Token` on unsafe requests made with the session cookie.
    pub csrf_token: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    pub locale: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub old_password: String,
    pub new_password: String,
    pub confirm_password: String,
}

/// The session cookie: HttpOnly so scripts cannot read it, SameSite=Lax so other sites cannot
/// send it with their forms.
pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Log in; sets the session cookie and returns the CSRF token.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = MeView), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    jar: CookieJar,
    body: ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, Json<MeView>)> {
    let r = body.value;
    let form = LoginForm {
        tenant_code: r.tenant_code,
        login_name: r.login_name,
        password: r.password,
    };
    let done = auth::login(
        &*state.store,
        form,
        state.now_ms(),
        ip,
        request_id(&headers),
    )
    .await?;
    let p = &done.principal;
    let me = MeView {
        actor_kind: p.actor.kind().into(),
        actor_id: p.actor.id(),
        actor_name: p.actor.name().into(),
        tenant_id: p.tenant.map(|t| t.get()),
        locale: p.locale.tag().into(),
        permissions: p
            .permissions
            .keys()
            .into_iter()
            .map(str::to_string)
            .collect(),
        csrf_token: Some(done.csrf_token.clone()),
    };
    Ok((
        jar.add(session_cookie(done.token, state.settings.secure_cookies)),
        Json(me),
    ))
}

/// Log out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    security(("session" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn logout(
    State(state): State<AppState>,
    _auth: Auth<Authenticated>,
    jar: CookieJar,
) -> ApiResult<(CookieJar, StatusCode)> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        auth::logout(&*state.store, c.value()).await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/").build()),
        StatusCode::NO_CONTENT,
    ))
}

fn me_view(auth: &Auth<Authenticated>) -> MeView {
    let p = &auth.ctx.principal;
    MeView {
        actor_kind: p.actor.kind().into(),
        actor_id: p.actor.id(),
        actor_name: p.actor.name().into(),
        tenant_id: p.tenant.map(|t| t.get()),
        locale: p.locale.tag().into(),
        permissions: p
            .permissions
            .keys()
            .into_iter()
            .map(str::to_string)
            .collect(),
        csrf_token: auth.session.as_ref().map(|s| s.csrf_token.clone()),
    }
}

/// Who is calling, and what they may do.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = MeView), (status = 401, body = Problem)))]
pub async fn me(auth: Auth<Authenticated>) -> Json<MeView> {
    Json(me_view(&auth))
}

/// Change your own language or display name.
#[utoipa::path(patch, path = "/api/v1/me", tag = "session", request_body = UpdateMeRequest,
    security(("session" = [])),
    responses((status = 200, body = MeView), (status = 422, body = Problem)))]
pub async fn update_me(
    State(state): State<AppState>,
    mut auth: Auth<Authenticated>,
    body: ApiJson<UpdateMeRequest>,
) -> ApiResult<Json<MeView>> {
    let mut tx = state.store.begin().await?;
    let user = users::update_own_preferences(
        &mut *tx,
        &auth.ctx,
        body.value.locale,
        body.value.display_name,
    )
    .await?;
    tx.commit().await?;
    auth.ctx.principal.locale = user.locale;
    Ok(Json(me_view(&auth)))
}

/// Change your own password: the old one, the new one and its confirmation.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "session", request_body = ChangePasswordRequest,
    security(("session" = [])),
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    auth: Auth<Authenticated>,
    body: ApiJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    let r = body.value;
    let prepared = users::prepare_password_change(
        &*state.store,
        &auth.ctx,
        r.old_password,
        r.new_password,
        r.confirm_password,
    )
    .await?;
    let mut tx = state.store.begin().await?;
    users::change_own_password(&mut *tx, &auth.ctx, prepared).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
