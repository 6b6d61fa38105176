//! Who is calling. Integrations send `Authorization: Bearer <api key>`; the console (and scripts
//! run from it) use the session cookie, and then every unsafe API method must echo the session's
//! CSRF token in `X-CSRF-Token`. Each handler names the permission it needs in its extractor
//! type, `Auth<perm::UsersRead>`, so the check runs before the body is even read.

use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum_extra::extract::CookieJar;
use patron_app::model::Session;
use patron_app::{api_keys, auth, AppError, Ctx, Principal};
use patron_domain::rbac::Permission;
use std::marker::PhantomData;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "patron_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What a route requires of its caller.
pub trait Requirement: Send + Sync + 'static {
    /// `None`: any authenticated caller.
    const PERMISSION: Option<Permission>;
}

/// Any authenticated caller.
pub struct Authenticated;
impl Requirement for Authenticated {
    const PERMISSION: Option<Permission> = None;
}

/// One marker type per permission, for `Auth<perm::X>`.
pub mod perm {
    use super::Requirement;
    use patron_domain::rbac::Permission;

    macro_rules! markers {
        ($($name:ident),* $(,)?) => {$(
            pub struct $name;
            impl Requirement for $name {
                const PERMISSION: Option<Permission> = Some(Permission::$name);
            }
        )*};
    }

    markers!(
        TenantsRead,
        TenantsCreate,
        TenantsUpdate,
        SettingsRead,
        SettingsUpdate,
        UsersRead,
        UsersCreate,
        UsersUpdate,
        UsersDelete,
        RolesRead,
        RolesCreate,
        RolesUpdate,
        RolesDelete,
        ApiKeysRead,
        ApiKeysCreate,
        ApiKeysRevoke,
        AuditRead,
        LoyaltyRead,
        LoyaltyManage,
        MasterDataRead,
        MasterDataManage,
        CustomersRead,
        CustomersRegister,
        CustomersUpdate,
        CustomersImport,
        PointsRead,
        PointsAdjust,
        PointsRedeem,
        PointsEarn,
        OrdersRead,
        OrdersWrite,
        JobsRead,
        JobsRun,
        GroupsRead,
        GroupsManage,
        CouponsRead,
        CouponsManage,
        CouponsApprove,
        CouponsIssue,
        CustomersPii,
        CustomersErase,
    );
}

/// The authenticated caller of an API route, holding the permission `P`.
pub struct Auth<P> {
    pub ctx: Ctx,
    /// Present when the caller came with a session cookie.
    pub session: Option<Session>,
    _requirement: PhantomData<P>,
}

/// The resolved caller, kept in the request's extensions so it is resolved once.
#[derive(Clone)]
pub(crate) struct Caller {
    pub principal: Principal,
    pub session: Option<Session>,
}

pub(crate) fn request_ctx(parts: &Parts, principal: Principal, now_ms: i64) -> Ctx {
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Ctx {
        principal,
        now_ms,
        ip,
        request_id,
    }
}

/// Resolves the caller from an API key or a session cookie.
pub(crate) async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Caller, AppError> {
    if let Some(caller) = parts.extensions.get::<Caller>() {
        return Ok(caller.clone());
    }
    let now = state.now_ms();
    let caller = if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(AppError::Unauthenticated)?;
        let principal =
            api_keys::authenticate(&*state.store, &state.keys, token.trim(), now).await?;
        Caller {
            principal,
            session: None,
        }
    } else {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_string())
            .ok_or(AppError::Unauthenticated)?;
        let (session, principal) = auth::session(&*state.store, &token, now).await?;
        Caller {
            principal,
            session: Some(session),
        }
    };
    parts.extensions.insert(caller.clone());
    Ok(caller)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl<P: Requirement> FromRequestParts<AppState> for Auth<P> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = resolve(parts, state).await?;
        if let Some(session) = &caller.session {
            if !is_safe(&parts.method) {
                let sent = parts
                    .headers
                    .get(CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                if !patron_app::secrets::digests_equal(
                    sent.as_bytes(),
                    session.csrf_token.as_bytes(),
                ) {
                    return Err(ApiError::new(
                        axum::http::StatusCode::FORBIDDEN,
                        "csrf_token_invalid",
                        "requests made with a session cookie must send the session's X-CSRF-Token",
                    ));
                }
            }
        }
        if let Some(permission) = P::PERMISSION {
            caller.principal.require(permission)?;
        }
        let ctx = request_ctx(parts, caller.principal, state.now_ms());
        Ok(Self {
            ctx,
            session: caller.session,
            _requirement: PhantomData,
        })
    }
}

/// The caller's address, when the server knows it.
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        ))
    }
}
