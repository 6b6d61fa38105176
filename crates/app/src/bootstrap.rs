//! What Patron does on its own at start-up: create the platform administrator on an empty
//! database, and (with `--demo`) a demo tenant with logins.

use crate::context::Ctx;
use crate::error::AppResult;
use crate::model::PlatformAdmin;
use crate::ports::Store;
use crate::secrets::{self, new_uuid};
use crate::{tenants, users};
use patron_domain::ids::PlatformAdminId;
use patron_domain::rbac::{BuiltinRole, PermissionSet};

/// The platform administrator's login name.
pub const PLATFORM_ADMIN_LOGIN: &str = "admin";

/// Creates the platform administrator if there is none. Returns the password when it was
/// generated, to be printed once.
pub async fn ensure_platform_admin(
    store: &dyn Store,
    configured_password: Option<String>,
    now_ms: i64,
) -> AppResult<Option<String>> {
    if store.reader().await?.platform_admin_count().await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match configured_password.filter(|p| !p.is_empty()) {
        Some(p) => (p, None),
        None => {
            let p = secrets::random_password();
            (p.clone(), Some(p))
        }
    };
    patron_domain::user::check_new_password(
        "platform_admin_password",
        &password,
        PLATFORM_ADMIN_LOGIN,
    )?;
    let admin = PlatformAdmin {
        id: PlatformAdminId::from_uuid(new_uuid()),
        login_name: PLATFORM_ADMIN_LOGIN.to_string(),
        password_hash: secrets::hash_password(password).await?,
        created_at_ms: now_ms,
    };
    let mut tx = store.begin().await?;
    tx.insert_platform_admin(&admin).await?;
    tx.commit().await?;
    Ok(generated)
}

/// The demo tenant and its logins. The passwords are fixed and printed: this is demo data.
pub struct Demo {
    pub tenant_code: &'static str,
    pub admin_login: &'static str,
    pub operator_login: &'static str,
    pub password: &'static str,
    pub created: bool,
}

pub const DEMO: Demo = Demo {
    tenant_code: "demo",
    admin_login: "admin",
    operator_login: "operator",
    password: "patron-demo",
    created: false,
};

/// The number of customers the demo tenant gets.
pub const DEMO_CUSTOMERS: u64 = 10_000;

/// How many of the demo members have orders (two years of them, some refunded).
pub const DEMO_BUYERS: u64 = 1_000;

/// Creates the demo tenant unless it exists, with `customers` demo members.
pub async fn seed_demo(
    store: &dyn Store,
    pii: &crate::pii::Pii,
    now_ms: i64,
    customers: u64,
) -> AppResult<Demo> {
    if store
        .reader()
        .await?
        .tenant_by_code(DEMO.tenant_code)
        .await?
        .is_some()
    {
        return Ok(DEMO);
    }
    let mut ctx = Ctx::system(None, now_ms);
    ctx.principal.permissions = PermissionSet::platform_admin();
    let prepared = tenants::prepare(tenants::NewTenant {
        code: DEMO.tenant_code.into(),
        name: "Demo Brand 演示品牌".into(),
        admin_login_name: DEMO.admin_login.into(),
        admin_password: Some(format!("{}-admin", DEMO.password)),
        ..Default::default()
    })
    .await?;
    let mut tx = store.begin().await?;
    let tenant = tenants::create(&mut *tx, &ctx, prepared).await?;
    tx.commit().await?;

    let operator_role = store
        .reader()
        .await?
        .role_by_key(tenant.id, BuiltinRole::Operator.key())
        .await?
        .map(|r| r.id.to_string());
    let mut ctx = Ctx::system(Some(tenant.id), now_ms);
    ctx.principal.permissions = BuiltinRole::Administrator.permissions();
    let operator = users::prepare(users::NewUser {
        login_name: DEMO.operator_login.into(),
        display_name: "Demo operator 演示运营".into(),
        locale: Some("zh-CN".into()),
        password: format!("{}-operator", DEMO.password),
        role_ids: operator_role.into_iter().collect(),
        ..Default::default()
    })
    .await?;
    let mut tx = store.begin().await?;
    users::create(&mut *tx, &ctx, operator).await?;
    tx.commit().await?;
    // Configuration and master data first: members refer to both.
    crate::loyalty::seed_demo(store, &ctx).await?;
    crate::master_data::seed_demo(store, &ctx).await?;
    crate::groups::demo::seed_demo(store, &ctx).await?;
    crate::members::seed_demo(store, pii, &ctx, customers).await?;
    let buyers = customers.min(DEMO_BUYERS);
    crate::orders::demo::seed(store, pii, &ctx, "member-club", buyers).await?;
    crate::coupons::demo::seed_demo(store, pii, &ctx, "member-club").await?;
    store.refresh_statistics().await?;
    Ok(Demo {
        created: true,
        ..DEMO
    })
}
