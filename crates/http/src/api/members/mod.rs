//! The API of customers, members, channel bindings and imports.

mod customers;
pub mod imports;
mod members;
pub mod views;

use crate::state::AppState;
use axum::Router;
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(members::router())
        .merge(customers::router())
        .merge(imports::router())
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        members::register,
        members::lookup,
        members::show,
        members::freeze,
        members::unfreeze,
        members::cancel,
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
        members::RegisterRequest,
        members::BindingRequest,
        members::StatusRequest,
        customers::ProfileRequest,
        customers::BindRequest,
    ))
)]
pub struct Doc;
