//! `/console/users/{id}/password` and `/console/users/{id}/delete`: an administrator sets a new
//! password for a user who forgot theirs, and deletes users after a confirmation step.

use super::users::parse_id;
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::render::redirect_with_flash;
use crate::console::Confirm;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::model::User;
use patron_app::users;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/console/users/{id}/password",
            get(password_form).post(reset_password),
        )
        .route(
            "/console/users/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

#[derive(Template)]
#[template(path = "users/password.html")]
struct PasswordPage {
    l: Layout,
    login_name: String,
    errors: Errors,
}

async fn password_form(
    State(state): State<AppState>,
    c: Console<perm::UsersUpdate>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return c.not_found();
    };
    match users::get(&*state.store, &c.ctx, id).await {
        Ok(u) => {
            let page = PasswordPage {
                l: c.layout("users.reset_title", "users"),
                login_name: u.login_name,
                errors: Errors::none(),
            };
            c.page(StatusCode::OK, &page)
        }
        Err(e) => c.fail(e),
    }
}

async fn reset_password(
    State(state): State<AppState>,
    c: Console<perm::UsersUpdate>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return c.not_found();
    };
    let user = match users::get(&*state.store, &c.ctx, id).await {
        Ok(u) => u,
        Err(e) => return c.fail(e),
    };
    let result = async {
        let hash = users::prepare_password(f.get("password"), &user.login_name).await?;
        let mut tx = state.store.begin().await?;
        users::reset_password(&mut *tx, &c.ctx, id, &hash).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console/users", "flash.password_reset"),
        Err(e) if is_form_error(&e) => {
            let page = PasswordPage {
                l: c.layout("users.reset_title", "users"),
                login_name: user.login_name,
                errors: Errors::from_app(c.tr, &e, &["password"]),
            };
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

fn delete_page(c: &Console<perm::UsersDelete>, u: &User, errors: Errors) -> Confirm {
    Confirm {
        l: c.layout("users.delete_title", "users"),
        message: c.tr.tf(
            "users.delete_confirm",
            &[("name", &u.login_name), ("display", &u.display_name)],
        ),
        action: format!("/console/users/{}/delete", u.id),
        button: c.t("action.delete"),
        cancel: "/console/users".into(),
        errors,
    }
}

async fn confirm_delete(
    State(state): State<AppState>,
    c: Console<perm::UsersDelete>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return c.not_found();
    };
    match users::get(&*state.store, &c.ctx, id).await {
        Ok(u) => c.page(StatusCode::OK, &delete_page(&c, &u, Errors::none())),
        Err(e) => c.fail(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    c: Console<perm::UsersDelete>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return c.not_found();
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        users::delete(&mut *tx, &c.ctx, id).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash("/console/users", "flash.user_deleted"),
        // "You cannot delete yourself", "the last administrator": said on the confirmation page.
        Err(e) if is_form_error(&e) => match users::get(&*state.store, &c.ctx, id).await {
            Ok(u) => {
                let errors = Errors::from_app(c.tr, &e, &[]);
                c.page(StatusCode::CONFLICT, &delete_page(&c, &u, errors))
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}
