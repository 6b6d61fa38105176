//! `/console/account/password`: changing one's own password (spec §12.4 密码修改): the old one
//! (原密码), the new one (新密码) and its confirmation (确认密码), each error next to its field.

use crate::auth::Authenticated;
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
use patron_app::{users, AppError};

pub fn router() -> Router<AppState> {
    Router::new().route("/console/account/password", get(show).post(change))
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    l: Layout,
    errors: Errors,
}

/// The platform administrator has no tenant account; their password is set at installation.
fn refuse_platform(c: &Console<Authenticated>) -> Option<Response> {
    c.is_platform().then(|| c.fail(AppError::TenantRequired))
}

async fn show(c: Console<Authenticated>) -> Response {
    if let Some(r) = refuse_platform(&c) {
        return r;
    }
    let page = PasswordPage {
        l: c.layout("account.password_title", ""),
        errors: Errors::none(),
    };
    c.page(StatusCode::OK, &page)
}

async fn change(
    State(state): State<AppState>,
    c: Console<Authenticated>,
    CsrfForm(f): CsrfForm,
) -> Response {
    if let Some(r) = refuse_platform(&c) {
        return r;
    }
    let result = async {
        let prepared = users::prepare_password_change(
            &*state.store,
            &c.ctx,
            f.get("old_password"),
            f.get("new_password"),
            f.get("confirm_password"),
        )
        .await?;
        let mut tx = state.store.begin().await?;
        users::change_own_password(&mut *tx, &c.ctx, prepared).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console", "flash.password_changed"),
        Err(e) if is_form_error(&e) => {
            let fields = &["old_password", "new_password", "confirm_password"];
            let page = PasswordPage {
                l: c.layout("account.password_title", ""),
                errors: Errors::from_app(c.tr, &e, fields),
            };
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}
