//! The API of customers, members, channel bindings and imports.

pub(crate) mod accounts;
mod customers;
pub mod imports;
pub mod views;

use crate::state::AppState;
use axum::Router;
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(accounts::router())
        .merge(customers::router())
        .merge(imports::router())
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        accounts::register,
        accounts::lookup,
        accounts::show,
        accounts::freeze,
        accounts::unfreeze,
        accounts::cancel,
        customers::list,
        customers::show,
        customers::update,
        customers::erase,
        customers::bind,
        customers::unbind,
        imports::template,
        imports::upload,
        imports::list,
        imports::show,
        imports::failures,
    ),
    components(schemas(
        views::CustomerView,
        views::MemberView,
        views::TierRecordView,
        views::PointAccountView,
        views::BindingView,
        views::CustomerDetailView,
        views::RegistrationView,
        views::MemberDetailView,
        views::LookupView,
        views::CustomerPage,
        accounts::RegisterRequest,
        accounts::BindingRequest,
        accounts::StatusRequest,
        customers::ProfileRequest,
        customers::BindRequest,
    ))
)]
pub struct Doc;
