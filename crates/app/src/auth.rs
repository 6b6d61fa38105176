//! Console login, sessions and logout.
//!
//! A session is a random token in an HttpOnly cookie; the database keeps only its SHA-256, so app
//! nodes stay stateless. Each session carries its own CSRF token, which every form and every
//! unsafe API call made with the cookie must echo.

use crate::audit::{self, Change};
use crate::context::{Actor, Ctx, Principal};
use crate::error::{AppError, AppResult};
use crate::model::{Session, SessionSubject};
use crate::ports::{Reads, Store};
use crate::secrets;
use patron_domain::login::{self, Throttle};
use patron_domain::rbac::PermissionSet;
use patron_domain::tenant::TenantStatus;
use patron_domain::user::{Locale, UserStatus};

/// Sessions are touched at most this often, so reading pages does not write on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

pub struct LoginForm {
    /// Empty for the platform administrator.
    pub tenant_code: String,
    pub login_name: String,
    pub password: String,
}

/// A new session: the cookie token (shown to the browser only) and the session's principal.
pub struct LoggedIn {
    pub token: String,
    pub csrf_token: String,
    pub principal: Principal,
}

/// Throttle scope of the platform administrator's logins.
const PLATFORM_SCOPE: i64 = 0;

pub async fn login(
    store: &dyn Store,
    form: LoginForm,
    now_ms: i64,
    ip: Option<String>,
    request_id: Option<String>,
) -> AppResult<LoggedIn> {
    let login_name = form.login_name.trim().to_lowercase();
    let tenant_code = form.tenant_code.trim().to_lowercase();
    let mut reader = store.reader().await?;
    let tenant = if tenant_code.is_empty() {
        None
    } else {
        Some(reader.tenant_by_code(&tenant_code).await?)
    };
    let scope = match &tenant {
        None => PLATFORM_SCOPE,
        Some(Some(t)) => t.id.get(),
        // An unknown tenant is answered like a wrong password, after the same work.
        Some(None) => {
            secrets::burn_verification(form.password).await;
            return Err(AppError::BadCredentials);
        }
    };
    let throttle = reader.throttle(scope, &login_name).await?;
    if let Err(until_ms) = throttle.check(now_ms) {
        return Err(AppError::LoginLocked { until_ms });
    }
    let found = match &tenant {
        Some(Some(t)) => find_user(&mut *reader, t.id, t.status, &login_name).await?,
        _ => reader
            .platform_admin_by_login(&login_name)
            .await?
            .map(|a| (a.password_hash, platform_principal(a.id, a.login_name))),
    };
    drop(reader);
    let verified = match &found {
        Some((hash, _)) => secrets::verify_password(form.password, hash.clone()).await?,
        None => {
            secrets::burn_verification(form.password).await;
            false
        }
    };
    let mut tx = store.begin().await?;
    let Some((_, principal)) = found.filter(|_| verified) else {
        let next = throttle.after_failure(now_ms);
        tx.set_throttle(scope, &login_name, next).await?;
        if next.locked_until_ms.is_some() {
            let ctx = Ctx {
                principal: anonymous(tenant.flatten().map(|t| t.id)),
                now_ms,
                ip,
                request_id,
            };
            let change = Change {
                action: "login.locked",
                object_type: "login_name",
                object_id: login_name.clone(),
                before: None,
                after: None,
            };
            audit::record(&mut *tx, &ctx, ctx.principal.tenant, change).await?;
        }
        tx.commit().await?;
        return Err(AppError::BadCredentials);
    };
    if throttle != Throttle::default() {
        tx.set_throttle(scope, &login_name, Throttle::default())
            .await?;
    }
    let token = secrets::random_token();
    let csrf_token = secrets::random_token();
    let subject = match (&principal.actor, principal.tenant) {
        (Actor::User { id, .. }, Some(t)) => {
            tx.record_login(t, *id, now_ms).await?;
            SessionSubject::User {
                tenant: t,
                user: *id,
            }
        }
        (Actor::PlatformAdmin { id, .. }, _) => SessionSubject::PlatformAdmin(*id),
        _ => return Err(AppError::Unauthenticated),
    };
    let session = Session {
        token_hash: secrets::sha256(token.as_bytes()),
        subject,
        csrf_token: csrf_token.clone(),
        created_at_ms: now_ms,
        seen_at_ms: now_ms,
    };
    tx.insert_session(&session).await?;
    let ctx = Ctx {
        principal: principal.clone(),
        now_ms,
        ip,
        request_id,
    };
    let change = Change {
        action: "session.login",
        object_type: "session",
        object_id: principal.actor.id().unwrap_or_default(),
        before: None,
        after: None,
    };
    audit::record(&mut *tx, &ctx, principal.tenant, change).await?;
    tx.commit().await?;
    Ok(LoggedIn {
        token,
        csrf_token,
        principal,
    })
}

fn anonymous(tenant: Option<patron_domain::ids::TenantId>) -> Principal {
    Principal {
        actor: Actor::System,
        tenant,
        permissions: PermissionSet::empty(),
        locale: Locale::En,
    }
}

fn platform_principal(id: patron_domain::ids::PlatformAdminId, login_name: String) -> Principal {
    Principal {
        actor: Actor::PlatformAdmin { id, login_name },
        tenant: None,
        permissions: PermissionSet::platform_admin(),
        locale: Locale::En,
    }
}

/// The user's password hash and principal, if the user may log in.
async fn find_user(
    reader: &mut dyn Reads,
    t: patron_domain::ids::TenantId,
    status: TenantStatus,
    login_name: &str,
) -> AppResult<Option<(String, Principal)>> {
    if status != TenantStatus::Active {
        return Ok(None);
    }
    let Some(creds) = reader.user_credentials(t, login_name).await? else {
        return Ok(None);
    };
    if creds.user.status != UserStatus::Active {
        return Ok(None);
    }
    let principal = user_principal(reader, &creds.user).await?;
    Ok(Some((creds.password_hash, principal)))
}

/// A user's principal: the union of the permissions of their roles.
async fn user_principal(reader: &mut dyn Reads, user: &crate::model::User) -> AppResult<Principal> {
    let roles = reader.all_roles(user.tenant_id).await?;
    let permissions = roles
        .iter()
        .filter(|r| user.role_ids.contains(&r.id))
        .fold(PermissionSet::empty(), |s, r| s.union(r.permissions));
    Ok(Principal {
        actor: Actor::User {
            id: user.id,
            login_name: user.login_name.clone(),
        },
        tenant: Some(user.tenant_id),
        permissions,
        locale: user.locale,
    })
}

/// Resolves a session cookie to its session and principal; `Unauthenticated` when it is unknown,
/// expired, or its user or tenant may no longer log in.
pub async fn session(
    store: &dyn Store,
    token: &str,
    now_ms: i64,
) -> AppResult<(Session, Principal)> {
    let hash = secrets::sha256(token.as_bytes());
    let mut reader = store.reader().await?;
    let session = reader
        .session(&hash)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !login::session_is_live(session.created_at_ms, session.seen_at_ms, now_ms) {
        return Err(AppError::Unauthenticated);
    }
    let principal = match &session.subject {
        SessionSubject::User { tenant, user } => {
            let t = reader
                .tenant(*tenant)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            let u = reader
                .user(*tenant, *user)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            if t.status != TenantStatus::Active || u.status != UserStatus::Active {
                return Err(AppError::Unauthenticated);
            }
            user_principal(&mut *reader, &u).await?
        }
        SessionSubject::PlatformAdmin(id) => {
            let admin = reader
                .platform_admin(*id)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            platform_principal(admin.id, admin.login_name)
        }
    };
    drop(reader);
    if now_ms - session.seen_at_ms >= TOUCH_EVERY_MS {
        let mut tx = store.begin().await?;
        tx.touch_session(&hash, now_ms).await?;
        tx.commit().await?;
    }
    Ok((session, principal))
}

pub async fn logout(store: &dyn Store, token: &str) -> AppResult<()> {
    let mut tx = store.begin().await?;
    tx.delete_session(&secrets::sha256(token.as_bytes()))
        .await?;
    tx.commit().await
}
