//! Reads of users, roles, API keys, platform administrators, sessions and login throttles.

use super::Conn;
use super::{all, count, one_in_tenant, optional, page, page_rows, ListSpec};
use crate::rows;
use crate::sql::{Arg, Sql};
use patron_app::model::{
    ApiKey, ListQuery, Page, PlatformAdmin, Role, Session, User, UserCredentials,
};
use patron_app::AppResult;
use patron_domain::ids::{ApiKeyId, PlatformAdminId, RoleId, TenantId, UserId};
use patron_domain::login::Throttle;

/// Fills `role_ids` of the given users with one query.
async fn attach_roles(conn: &mut Conn<'_>, t: TenantId, users: &mut [User]) -> AppResult<()> {
    if users.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("SELECT user_id, role_id FROM user_roles WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get())).push(" AND user_id IN (");
    for (i, u) in users.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(Arg::Text(u.id.to_string()));
    }
    sql.push(") ORDER BY role_id");
    for row in all(conn, &sql).await? {
        let user_id: String = row.text("user_id")?;
        let role_id: String = row.text("role_id")?;
        if let (Some(user), Some(role)) = (
            users.iter_mut().find(|u| u.id.to_string() == user_id),
            RoleId::parse(&role_id),
        ) {
            user.role_ids.push(role);
        }
    }
    Ok(())
}

/// One user with their roles, in one round trip: a user has a handful of roles, so repeating
/// the user's columns on each row costs less than a second query.
pub(crate) async fn user(conn: &mut Conn<'_>, t: TenantId, id: UserId) -> AppResult<Option<User>> {
    let mut sql = Sql::new(
        "SELECT u.*, ur.role_id AS role_id FROM users u \
         LEFT JOIN user_roles ur ON ur.tenant_id = u.tenant_id AND ur.user_id = u.id \
         WHERE u.tenant_id = ",
    );
    sql.bind(Arg::Int(t.get()))
        .push(" AND u.id = ")
        .bind(Arg::Text(id.to_string()))
        .push(" ORDER BY ur.role_id");
    let found = all(conn, &sql).await?;
    let Some(first) = found.first() else {
        return Ok(None);
    };
    let mut user = rows::user(first)?;
    for row in &found {
        let role: Option<String> = row.opt_text("role_id")?;
        if let Some(role) = role.as_deref().and_then(RoleId::parse) {
            user.role_ids.push(role);
        }
    }
    Ok(Some(user))
}

pub(crate) async fn user_credentials(
    conn: &mut Conn<'_>,
    t: TenantId,
    login_name: &str,
) -> AppResult<Option<UserCredentials>> {
    let mut sql = Sql::new("SELECT * FROM users WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get()))
        .push(" AND login_name = ")
        .bind(Arg::Text(login_name.to_lowercase()));
    let Some(row) = optional(conn, &sql).await? else {
        return Ok(None);
    };
    let password_hash: String = row.text("password_hash")?;
    let mut found = [rows::user(&row)?];
    attach_roles(conn, t, &mut found).await?;
    let [user] = found;
    Ok(Some(UserCredentials {
        user,
        password_hash,
    }))
}

pub(crate) async fn users(
    conn: &mut Conn<'_>,
    t: TenantId,
    q: &ListQuery,
) -> AppResult<Page<User>> {
    let spec = ListSpec {
        table: "users",
        tenant: Some(t.get()),
        search_columns: &["login_name", "display_name", "email"],
        integer_id: false,
        newest_first: false,
        filters: vec![],
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let mut items = found
        .iter()
        .map(rows::user)
        .collect::<AppResult<Vec<_>>>()?;
    attach_roles(conn, t, &mut items).await?;
    Ok(page(items, more, total, |u| u.id.to_string()))
}

pub(crate) async fn role(conn: &mut Conn<'_>, t: TenantId, id: RoleId) -> AppResult<Option<Role>> {
    one_in_tenant(
        conn,
        "roles",
        t,
        "id",
        Arg::Text(id.to_string()),
        rows::role,
    )
    .await
}

pub(crate) async fn role_by_key(
    conn: &mut Conn<'_>,
    t: TenantId,
    key: &str,
) -> AppResult<Option<Role>> {
    one_in_tenant(
        conn,
        "roles",
        t,
        "role_key",
        Arg::Text(key.to_string()),
        rows::role,
    )
    .await
}

pub(crate) async fn roles(
    conn: &mut Conn<'_>,
    t: TenantId,
    q: &ListQuery,
) -> AppResult<Page<Role>> {
    let spec = ListSpec {
        table: "roles",
        tenant: Some(t.get()),
        search_columns: &["name", "role_key"],
        integer_id: false,
        newest_first: false,
        filters: vec![],
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let items = found
        .iter()
        .map(rows::role)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, |r| r.id.to_string()))
}

pub(crate) async fn all_roles(conn: &mut Conn<'_>, t: TenantId) -> AppResult<Vec<Role>> {
    let mut sql = Sql::new("SELECT * FROM roles WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get())).push(" ORDER BY id");
    all(conn, &sql).await?.iter().map(rows::role).collect()
}

pub(crate) async fn active_users_with_role(
    conn: &mut Conn<'_>,
    t: TenantId,
    id: RoleId,
) -> AppResult<u64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM user_roles ur JOIN users u ON u.tenant_id = ur.tenant_id AND u.id = ur.user_id WHERE ur.tenant_id = ");
    sql.bind(Arg::Int(t.get()))
        .push(" AND ur.role_id = ")
        .bind(Arg::Text(id.to_string()))
        .push(" AND u.status = 'active'");
    count(conn, &sql).await
}

pub(crate) async fn role_usage(conn: &mut Conn<'_>, t: TenantId, id: RoleId) -> AppResult<u64> {
    let mut sql = Sql::new("SELECT (SELECT COUNT(*) FROM user_roles WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get()))
        .push(" AND role_id = ")
        .bind(Arg::Text(id.to_string()));
    sql.push(") + (SELECT COUNT(*) FROM api_keys WHERE tenant_id = ")
        .bind(Arg::Int(t.get()));
    sql.push(" AND role_id = ")
        .bind(Arg::Text(id.to_string()))
        .push(" AND revoked_at_ms IS NULL) AS n");
    count(conn, &sql).await
}

pub(crate) async fn api_key(
    conn: &mut Conn<'_>,
    t: TenantId,
    id: ApiKeyId,
) -> AppResult<Option<ApiKey>> {
    one_in_tenant(
        conn,
        "api_keys",
        t,
        "id",
        Arg::Text(id.to_string()),
        rows::api_key,
    )
    .await
}

pub(crate) async fn api_keys(
    conn: &mut Conn<'_>,
    t: TenantId,
    q: &ListQuery,
) -> AppResult<Page<ApiKey>> {
    let spec = ListSpec {
        table: "api_keys",
        tenant: Some(t.get()),
        search_columns: &["name"],
        integer_id: false,
        newest_first: false,
        filters: vec![],
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let items = found
        .iter()
        .map(rows::api_key)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, |k| k.id.to_string()))
}

pub(crate) async fn platform_admin(
    conn: &mut Conn<'_>,
    id: PlatformAdminId,
) -> AppResult<Option<PlatformAdmin>> {
    let mut sql = Sql::new("SELECT * FROM platform_admins WHERE id = ");
    sql.bind(Arg::Text(id.to_string()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::platform_admin)
        .transpose()
}

pub(crate) async fn platform_admin_by_login(
    conn: &mut Conn<'_>,
    login_name: &str,
) -> AppResult<Option<PlatformAdmin>> {
    let mut sql = Sql::new("SELECT * FROM platform_admins WHERE login_name = ");
    sql.bind(Arg::Text(login_name.to_lowercase()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::platform_admin)
        .transpose()
}

pub(crate) async fn platform_admin_count(conn: &mut Conn<'_>) -> AppResult<u64> {
    count(conn, &Sql::new("SELECT COUNT(*) AS n FROM platform_admins")).await
}

pub(crate) async fn session(conn: &mut Conn<'_>, token_hash: &[u8]) -> AppResult<Option<Session>> {
    let mut sql = Sql::new("SELECT * FROM sessions WHERE token_hash = ");
    sql.bind(Arg::Blob(token_hash.to_vec()));
    let row = optional(conn, &sql).await?;
    row.as_ref().map(rows::session).transpose()
}

pub(crate) async fn throttle(
    conn: &mut Conn<'_>,
    scope: i64,
    login_name: &str,
) -> AppResult<Throttle> {
    let mut sql = Sql::new("SELECT failures, locked_until_ms FROM login_throttle WHERE scope = ");
    sql.bind(Arg::Int(scope))
        .push(" AND login_name = ")
        .bind(Arg::Text(login_name.to_string()));
    let Some(row) = optional(conn, &sql).await? else {
        return Ok(Throttle::default());
    };
    let failures = row.i64("failures")?;
    let locked_until_ms: Option<i64> = row.opt_i64("locked_until_ms")?;
    Ok(Throttle {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        locked_until_ms,
    })
}
