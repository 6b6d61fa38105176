//! `/console/settings`: the tenant's own settings (name, time zone, currency). Readers with
//! `settings:read` see them; `settings:update` may change them.

use super::{zone_choices, Choice};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::tenants::{self, TenantPatch};
use patron_domain::rbac::Permission;

pub fn router() -> Router<AppState> {
    Router::new().route("/console/settings", get(show).post(save))
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    l: Layout,
    code: String,
    name: String,
    zones: Vec<Choice>,
    currency: String,
    can_update: bool,
    errors: Errors,
}

async fn show(State(state): State<AppState>, c: Console<perm::SettingsRead>) -> Response {
    match tenants::settings(&*state.store, &c.ctx).await {
        Ok(t) => {
            let page = SettingsPage {
                l: c.layout("settings.title", "settings"),
                code: t.code,
                name: t.name,
                zones: zone_choices(&t.time_zone),
                currency: t.currency,
                can_update: c.may(Permission::SettingsUpdate),
                errors: Errors::none(),
            };
            c.page(StatusCode::OK, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn save(
    State(state): State<AppState>,
    c: Console<perm::SettingsUpdate>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let patch = TenantPatch {
        name: Some(f.get("name")),
        time_zone: Some(f.get("time_zone")),
        currency: Some(f.get("currency")),
        status: None,
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        tenants::update_settings(&mut *tx, &c.ctx, patch).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console/settings", "flash.settings_saved"),
        Err(e) if is_form_error(&e) => {
            let page = SettingsPage {
                l: c.layout("settings.title", "settings"),
                code: c
                    .tenant
                    .as_ref()
                    .map(|t| t.code.clone())
                    .unwrap_or_default(),
                name: f.get("name"),
                zones: zone_choices(&f.get("time_zone")),
                currency: f.get("currency"),
                can_update: true,
                errors: Errors::from_app(c.tr, &e, &["name", "time_zone", "currency"]),
            };
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}
