//! `Console<P>`: the logged-in caller of a console page, holding the permission `P`.
//!
//! Not logged in: 303 to the login page, which returns here afterwards. Logged in without `P`:
//! a 403 page in the caller's language naming the missing permission. It also carries what
//! every page needs: the use-case context, the CSRF token for its forms, the language, the
//! tenant (name and time zone) and a pending flash message.

use super::i18n::{self, Tr};
use super::layout::{navigation, Layout};
use super::render::{self, bare_error, encode, html, redirect, FLASH_COOKIE};
use super::ErrorPage;
use crate::auth::{request_ctx, resolve, Requirement};
use crate::state::AppState;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use chrono_tz::Tz;
use patron_app::model::Tenant;
use patron_app::{AppError, Ctx};
use patron_domain::rbac::Permission;
use std::marker::PhantomData;

pub struct Console<P> {
    pub ctx: Ctx,
    pub csrf: String,
    pub tr: Tr,
    /// The caller's tenant; `None` for the platform administrator.
    pub tenant: Option<Tenant>,
    /// Path and query of this request, to come back to.
    pub here: String,
    flash: Option<&'static str>,
    _requirement: PhantomData<P>,
}

/// Where an unauthenticated visitor goes: the login page, then back to `here`.
pub fn to_login(here: &str) -> Response {
    redirect(&format!("/console/login?next={}", encode(here)))
}

fn here(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or_else(|| "/console".to_string(), |p| p.as_str().to_string())
}

fn flash(tr: Tr, headers: &HeaderMap) -> Option<&'static str> {
    let jar = CookieJar::from_headers(headers);
    let key = jar.get(FLASH_COOKIE)?.value().to_string();
    // Only catalogue keys are shown, so a planted cookie cannot put text on the page.
    key.starts_with("flash.").then(|| tr.lookup(&key)).flatten()
}

impl<P: Requirement> FromRequestParts<AppState> for Console<P> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        // Pages authenticate by the session cookie only: an API key is for integrations, and a
        // page drawn for one would have no session CSRF token for its forms.
        parts.headers.remove(header::AUTHORIZATION);
        let here = here(parts);
        // After logging in, a lapsed form post resumes at the start page: its address only
        // answers POST (or shows a confirmation the user has not asked for again).
        let resume = if parts.method == Method::GET {
            here.as_str()
        } else {
            "/console"
        };
        let caller = match resolve(parts, state).await {
            Ok(caller) => caller,
            Err(AppError::Unauthenticated) => return Err(to_login(resume)),
            Err(e) => {
                let tr = Tr(i18n::visitor_locale(&parts.headers));
                return Err(failure(tr, &e));
            }
        };
        let Some(session) = caller.session else {
            return Err(to_login(resume));
        };
        let tr = Tr(i18n::principal_locale(&caller.principal, &parts.headers));
        let ctx = request_ctx(parts, caller.principal, state.now_ms());
        // The tenant's name and time zone frame every page, whatever the caller's permissions.
        let tenant = match patron_app::tenants::current(&*state.store, &ctx).await {
            Ok(tenant) => tenant,
            Err(e) => return Err(failure(tr, &e)),
        };
        let console = Console {
            ctx,
            csrf: session.csrf_token,
            tr,
            tenant,
            here,
            flash: flash(tr, &parts.headers),
            _requirement: PhantomData,
        };
        if let Some(permission) = P::PERMISSION {
            if !console.may(permission) {
                return Err(console.forbidden(permission));
            }
        }
        Ok(console)
    }
}

/// An unexpected failure before a layout could be drawn.
fn failure(tr: Tr, e: &AppError) -> Response {
    tracing::error!(error = %e, "console request failed");
    bare_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        tr,
        "error.failed_title",
        tr.t("error.failed").to_string(),
    )
}

impl<P> Console<P> {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.tr.t(key)
    }

    pub fn may(&self, permission: Permission) -> bool {
        self.ctx.principal.permissions.contains(permission)
    }

    pub fn is_platform(&self) -> bool {
        self.ctx.principal.tenant.is_none()
    }

    /// The zone times are shown in: the tenant's, or UTC for the platform.
    pub fn tz(&self) -> Tz {
        self.tenant
            .as_ref()
            .and_then(|t| t.time_zone.parse::<Tz>().ok())
            .unwrap_or(Tz::UTC)
    }

    /// `YYYY-MM-DD HH:MM:SS` in the tenant's time zone.
    pub fn when(&self, ms: i64) -> String {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| {
                t.with_timezone(&self.tz())
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// The frame of a page titled `title_key`, highlighting sidebar link `active`.
    pub fn layout(&self, title_key: &str, active: &'static str) -> Layout {
        let principal = &self.ctx.principal;
        Layout {
            tr: self.tr,
            title: self.tr.t(title_key).to_string(),
            csrf: self.csrf.clone(),
            user_name: principal.actor.name().to_string(),
            org_name: self.tenant.as_ref().map_or_else(
                || self.tr.t("layout.platform").to_string(),
                |t| t.name.clone(),
            ),
            is_platform: self.is_platform(),
            nav: navigation(self.tr, self.is_platform(), |p| self.may(p)),
            active,
            flash: self.flash,
            here: self.here.clone(),
        }
    }

    /// Renders a page, clearing the flash message it showed.
    pub fn page<T: Template>(&self, status: StatusCode, page: &T) -> Response {
        let mut response = html(status, page);
        if self.flash.is_some() {
            render::clear_flash(&mut response);
        }
        response
    }

    /// The page for a missing permission.
    pub fn forbidden(&self, permission: Permission) -> Response {
        let message = self
            .tr
            .tf("error.need_permission", &[("permission", permission.key())]);
        let detail = self.tr.pick(permission.describe()).to_string();
        self.error(
            StatusCode::FORBIDDEN,
            "error.forbidden_title",
            message,
            detail,
        )
    }

    /// The 404 page.
    pub fn not_found(&self) -> Response {
        self.error(
            StatusCode::NOT_FOUND,
            "error.not_found_title",
            self.t("error.not_found").to_string(),
            String::new(),
        )
    }

    pub fn error(
        &self,
        status: StatusCode,
        title_key: &str,
        message: String,
        detail: String,
    ) -> Response {
        let page = ErrorPage {
            l: self.layout(title_key, ""),
            message,
            detail,
        };
        self.page(status, &page)
    }

    /// The answer to a use case's error that is not about the form's fields.
    pub fn fail(&self, e: AppError) -> Response {
        match e {
            AppError::Unauthenticated => to_login(&self.here),
            AppError::Forbidden(p) => self.forbidden(p),
            AppError::NotFound(_) => self.not_found(),
            other => {
                let status = match &other {
                    AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
                    AppError::Conflict { .. } => StatusCode::CONFLICT,
                    AppError::Escalation(_) | AppError::TenantRequired => StatusCode::FORBIDDEN,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                let message = super::form::describe(self.tr, &other);
                self.error(status, "error.failed_title", message, String::new())
            }
        }
    }
}
