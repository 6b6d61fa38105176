//! Logging in and out, and the language switcher.
//!
//! The login page speaks the language of the `patron_locale` cookie or of the browser; once
//! logged in, a tenant user's saved language wins and the switcher saves the new choice.

use crate::api::session::{request_id, session_cookie};
use crate::auth::{Authenticated, ClientIp, SESSION_COOKIE};
use crate::console::form::{plain_form, CsrfForm, Errors};
use crate::console::guard::Console;
use crate::console::i18n::{self, Tr, LOCALE_COOKIE};
use crate::console::render::{encode, html, redirect, safe_return};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::Cookie;
use axum_extra::extract::CookieJar;
use chrono_tz::Tz;
use patron_app::auth::{self, LoginForm};
use patron_app::{users, Actor, AppError};
use patron_domain::user::Locale;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/login", get(show).post(submit))
        .route("/console/logout", post(logout))
        .route("/console/locale", post(switch_locale))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    tr: Tr,
    next: String,
    tenant_code: String,
    login_name: String,
    errors: Errors,
    lang_en: String,
    lang_zh: String,
}

impl LoginPage {
    fn new(tr: Tr, next: &str, errors: Errors) -> Self {
        let lang = |l: &str| format!("/console/login?lang={l}&next={}", encode(next));
        Self {
            tr,
            next: next.to_string(),
            tenant_code: String::new(),
            login_name: String::new(),
            errors,
            lang_en: lang("en"),
            lang_zh: lang("zh-CN"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct LoginQuery {
    next: Option<String>,
    lang: Option<String>,
}

fn next_or_home(next: Option<&str>) -> String {
    next.and_then(safe_return).unwrap_or("/console").to_string()
}

/// The language cookie: a year, readable on every path, not secret.
fn locale_cookie(locale: Locale) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.tag()
    ))
    .unwrap_or(HeaderValue::from_static("patron_locale=en; Path=/"))
}

async fn show(
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
    console: Result<Console<Authenticated>, Response>,
) -> Response {
    let next = next_or_home(q.next.as_deref());
    // Already logged in: nothing to do here.
    if console.is_ok() {
        return redirect(&next);
    }
    let chosen = q.lang.as_deref().and_then(|l| Locale::parse(l).ok());
    let locale = chosen.unwrap_or_else(|| i18n::visitor_locale(&headers));
    let mut response = html(
        StatusCode::OK,
        &LoginPage::new(Tr(locale), &next, Errors::none()),
    );
    if let Some(l) = chosen {
        response
            .headers_mut()
            .append(header::SET_COOKIE, locale_cookie(l));
    }
    response
}

/// "Try again after 14:05", in the tenant's time zone when the organisation code names one.
async fn locked_message(state: &AppState, tr: Tr, tenant_code: &str, until_ms: i64) -> String {
    let tz = match patron_app::tenants::time_zone_of(&*state.store, tenant_code).await {
        Ok(Some(zone)) => zone.parse().unwrap_or(Tz::UTC),
        _ => Tz::UTC,
    };
    let at = chrono::DateTime::from_timestamp_millis(until_ms)
        .map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
        .unwrap_or_default();
    tr.tf("err.login_locked", &[("time", &at)])
}

async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let tr = Tr(i18n::visitor_locale(&headers));
    let form = match plain_form(req, &state).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let next = next_or_home(Some(&form.get("next")));
    let tenant_code = form.get("tenant_code");
    let login_name = form.get("login_name");
    let login = LoginForm {
        tenant_code: tenant_code.clone(),
        login_name: login_name.clone(),
        password: form.get("password"),
    };
    match auth::login(
        &*state.store,
        login,
        state.now_ms(),
        ip,
        request_id(&headers),
    )
    .await
    {
        Ok(done) => {
            let jar = jar.add(session_cookie(done.token, state.settings.secure_cookies));
            let mut response = (jar, redirect(&next)).into_response();
            // Keep the login page in the language the user works in.
            if matches!(done.principal.actor, Actor::User { .. }) {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, locale_cookie(done.principal.locale));
            }
            response
        }
        Err(e) => {
            let (status, message) = match e {
                AppError::BadCredentials => (
                    StatusCode::UNAUTHORIZED,
                    tr.t("err.bad_credentials").to_string(),
                ),
                AppError::LoginLocked { until_ms } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    locked_message(&state, tr, &tenant_code, until_ms).await,
                ),
                other => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    crate::console::form::describe(tr, &other),
                ),
            };
            let mut page = LoginPage::new(tr, &next, Errors::banner(message));
            page.tenant_code = tenant_code;
            page.login_name = login_name;
            html(status, &page)
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    console: Console<Authenticated>,
    jar: CookieJar,
    CsrfForm(_): CsrfForm,
) -> Response {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        if let Err(e) = auth::logout(&*state.store, c.value()).await {
            return console.fail(e);
        }
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/").build());
    (jar, redirect("/console/login")).into_response()
}

async fn switch_locale(
    State(state): State<AppState>,
    console: Console<Authenticated>,
    CsrfForm(form): CsrfForm,
) -> Response {
    let Ok(locale) = Locale::parse(&form.get("locale")) else {
        return console.fail(AppError::Validation(patron_domain::ValidationError::new(
            "locale",
            "invalid_locale",
            "must be 'en' or 'zh-CN'",
        )));
    };
    // A tenant user's choice is saved with their account; the platform administrator has no
    // account record to save it in, so the cookie alone carries it.
    if matches!(console.ctx.principal.actor, Actor::User { .. }) {
        let saved = async {
            let mut tx = state.store.begin().await?;
            users::update_own_preferences(&mut *tx, &console.ctx, Some(locale.tag().into()), None)
                .await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = saved {
            return console.fail(e);
        }
    }
    let back = form.get("back");
    let mut response = redirect(safe_return(&back).unwrap_or("/console"));
    response
        .headers_mut()
        .append(header::SET_COOKIE, locale_cookie(locale));
    response
}
