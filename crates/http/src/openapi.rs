//! The OpenAPI 3 document, generated from the handlers' annotations and served at
//! `/api/openapi.json`. Each operation's security requirement lists the permission it needs
//! as its scope; the route-walk test holds the handlers to it.

use crate::api::{
    api_keys, audit, behavior, coupons, groups, jobs, loyalty, master_data, members, orders,
    point_rules, points, roles, session, tenants, users,
};
use crate::problem::Problem;
use crate::views;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Patron API", description = "Loyalty CRM and customer data platform. Errors are application/problem+json with a stable `code` (see docs/errors.md). Mutating calls accept an `Idempotency-Key`."),
    paths(
        session::login, session::logout, session::me, session::update_me, session::change_password,
        tenants::list, tenants::create, tenants::show, tenants::update, tenants::settings, tenants::update_settings,
        users::list, users::create, users::show, users::update, users::remove, users::reset_password,
        roles::list, roles::create, roles::show, roles::update, roles::remove, roles::permissions,
        api_keys::list, api_keys::create, api_keys::revoke,
        audit::list,
    ),
    components(schemas(Problem, views::TenantView, views::UserView, views::RoleView, views::ApiKeyView, views::AuditView)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ptk_<tenant>_<id>_<secret>")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "Session cookie from POST /api/v1/session; unsafe methods must also send X-CSRF-Token",
            ))),
        );
    }
}

/// The whole document: the foundation's paths and each product area's.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(loyalty::Doc::openapi());
    doc.merge(master_data::Doc::openapi());
    doc.merge(members::Doc::openapi());
    doc.merge(orders::Doc::openapi());
    doc.merge(behavior::Doc::openapi());
    doc.merge(points::Doc::openapi());
    doc.merge(point_rules::Doc::openapi());
    doc.merge(jobs::Doc::openapi());
    doc.merge(groups::Doc::openapi());
    doc.merge(coupons::Doc::openapi());
    doc
}
