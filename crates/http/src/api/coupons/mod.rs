//! The coupon center's API (loyalty-core §11). Reading needs `coupons:read`; writing rules
//! `coupons:manage`; approving them `coupons:approve`; handing coupons out, claims and transfers
//! `coupons:issue`; checking coupons against a draft order `orders:write`, as sending the order
//! does.

pub mod instances;
pub mod rules;
pub mod views;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/coupon-rules", get(rules::list).post(rules::create))
        .route(
            "/api/v1/coupon-rules/{id}",
            get(rules::show).put(rules::update).delete(rules::delete),
        )
        .route("/api/v1/coupon-rules/{id}/submit", post(rules::submit))
        .route("/api/v1/coupon-rules/{id}/approve", post(rules::approve))
        .route("/api/v1/coupon-rules/{id}/reject", post(rules::reject))
        .route(
            "/api/v1/coupon-rules/{id}/unpublish",
            post(rules::unpublish),
        )
        .route("/api/v1/coupon-rules/{id}/publish", post(rules::publish))
        .route("/api/v1/coupon-rules/{id}/copy", post(rules::copy))
        .route("/api/v1/coupon-rules/{id}/stock", post(rules::add_stock))
        .route("/api/v1/coupon-rules/{id}/approvals", get(rules::approvals))
        .route("/api/v1/coupon-rules/{id}/issuances", get(rules::issuances))
        .route("/api/v1/coupon-rules/{id}/dashboard", get(rules::dashboard))
        .route("/api/v1/coupon-rules/{id}/claim", post(rules::claim))
        .route("/api/v1/coupon-rules/{id}/issue", post(rules::issue_to))
        .route("/api/v1/coupon-rules/{id}/buy", post(rules::buy))
        .route("/api/v1/coupons", get(instances::list))
        .route("/api/v1/coupons/check", post(instances::check))
        .route("/api/v1/coupons/{code}", get(instances::show))
        .route(
            "/api/v1/coupons/{code}/transfer",
            post(instances::start_transfer),
        )
        .route("/api/v1/coupon-transfers", get(instances::transfers))
        .route(
            "/api/v1/coupon-transfers/{id}",
            get(instances::show_transfer),
        )
        .route(
            "/api/v1/coupon-transfers/{id}/accept",
            post(instances::accept),
        )
}

#[derive(OpenApi)]
#[openapi(
    paths(
        rules::list,
        rules::create,
        rules::show,
        rules::update,
        rules::delete,
        rules::submit,
        rules::approve,
        rules::reject,
        rules::unpublish,
        rules::publish,
        rules::copy,
        rules::add_stock,
        rules::approvals,
        rules::issuances,
        rules::dashboard,
        rules::claim,
        rules::issue_to,
        instances::list,
        instances::check,
        instances::show,
        instances::start_transfer,
        instances::transfers,
        instances::show_transfer,
        instances::accept
    ),
    components(schemas(
        views::CouponRuleFields,
        views::CouponRuleView,
        views::CouponRulePage,
        views::BenefitText,
        views::ApprovalView,
        views::IssuanceView,
        views::DashboardView,
        views::CouponView,
        views::CouponPage,
        views::TransferView,
        views::TransferStepView,
        views::TransferPage,
        rules::DecisionRequest,
        rules::ExtraStockRequest,
        rules::ExtraStockView,
        rules::ClaimRequest,
        rules::IssueRequest,
        rules::IssuedView,
        instances::CouponCheckView,
        instances::CouponCheckResult,
        instances::AcceptRequest
    ))
)]
pub struct Doc;
