//! Reads. Each is a function over one connection, shared by the pooled reader and by the write
//! transaction (which must see its own uncommitted rows).

use crate::error::db;
use crate::rows;
use crate::sql::{contains_pattern, Arg, Sql};
use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use patron_app::model::{
    ApiKey, AuditEntry, AuditFilter, ListQuery, Page, PlatformAdmin, Role, Session, StoredResponse,
    Tenant, User, UserCredentials,
};
use patron_app::{AppError, AppResult, Reads};
use patron_domain::ids::{ApiKeyId, PlatformAdminId, RoleId, TenantId, UserId};
use patron_domain::login::Throttle;
use sqlx::any::AnyRow;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};

/// Reads outside a transaction, on one pooled connection.
pub(crate) struct SqlReader {
    pub conn: PoolConnection<Any>,
}

async fn optional(conn: &mut AnyConnection, sql: &Sql) -> AppResult<Option<AnyRow>> {
    sqlx::query_with(&sql.text, sql.args().map_err(db)?)
        .fetch_optional(conn)
        .await
        .map_err(db)
}

async fn all(conn: &mut AnyConnection, sql: &Sql) -> AppResult<Vec<AnyRow>> {
    sqlx::query_with(&sql.text, sql.args().map_err(db)?)
        .fetch_all(conn)
        .await
        .map_err(db)
}

/// What varies between the paged lists.
struct ListSpec<'a> {
    table: &'a str,
    tenant: Option<i64>,
    search_columns: &'a [&'a str],
    /// Ordering is by `id`; integer ids (tenants) compare as numbers.
    integer_id: bool,
    newest_first: bool,
    filters: Vec<(&'a str, Arg)>,
}

fn where_clause(sql: &mut Sql, spec: &ListSpec<'_>, q: &ListQuery, filters: Vec<(&str, Arg)>) {
    sql.push(" WHERE 1 = 1");
    if let Some(t) = spec.tenant {
        sql.push(" AND tenant_id = ").bind(Arg::Int(t));
    }
    if let Some(search) = q.search() {
        let pattern = contains_pattern(search);
        sql.push(" AND (");
        for (i, col) in spec.search_columns.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push(&format!("LOWER({col}) LIKE "))
                .bind(Arg::Text(pattern.clone()))
                .push(" ESCAPE '\\'");
        }
        sql.push(")");
    }
    for (cond, arg) in filters {
        sql.push(" AND ").push(cond).bind(arg);
    }
}

fn clone_filters<'a>(filters: &[(&'a str, Arg)]) -> Vec<(&'a str, Arg)> {
    filters
        .iter()
        .map(|(c, a)| {
            let a = match a {
                Arg::Int(v) => Arg::Int(*v),
                Arg::Text(v) => Arg::Text(v.clone()),
            };
            (*c, a)
        })
        .collect()
}

pub(crate) fn encode_cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

fn decode_cursor(cursor: &str) -> AppResult<String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            patron_domain::ValidationError::new(
                "after",
                "invalid_cursor",
                "is not a cursor from a previous page",
            )
            .into()
        })
}

/// One page of rows and the total, for any list.
async fn page_rows(
    conn: &mut AnyConnection,
    spec: ListSpec<'_>,
    q: &ListQuery,
) -> AppResult<(Vec<AnyRow>, bool, u64)> {
    let mut count = Sql::new(&format!("SELECT COUNT(*) AS n FROM {}", spec.table));
    where_clause(&mut count, &spec, q, clone_filters(&spec.filters));
    let total = optional(conn, &count)
        .await?
        .map(|r| rows::get_i64(&r, "n"))
        .transpose()?
        .unwrap_or(0);

    let mut sql = Sql::new(&format!("SELECT * FROM {}", spec.table));
    where_clause(&mut sql, &spec, q, clone_filters(&spec.filters));
    if let Some(cursor) = &q.after {
        let id = decode_cursor(cursor)?;
        let op = if spec.newest_first {
            " AND id < "
        } else {
            " AND id > "
        };
        let arg = if spec.integer_id {
            Arg::Int(id.parse().map_err(|_| {
                AppError::from(patron_domain::ValidationError::new(
                    "after",
                    "invalid_cursor",
                    "is not a cursor from a previous page",
                ))
            })?)
        } else {
            Arg::Text(id)
        };
        sql.push(op).bind(arg);
    }
    sql.push(if spec.newest_first {
        " ORDER BY id DESC"
    } else {
        " ORDER BY id"
    });
    let limit = q.limit();
    sql.push(" LIMIT ").bind(Arg::Int(i64::from(limit) + 1));
    if q.after.is_none() && q.offset > 0 {
        sql.push(" OFFSET ").bind(Arg::Int(i64::from(q.offset)));
    }
    let mut found = all(conn, &sql).await?;
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    Ok((found, more, u64::try_from(total).unwrap_or(0)))
}

fn page<T>(items: Vec<T>, more: bool, total: u64, last_id: impl Fn(&T) -> String) -> Page<T> {
    let next_cursor = if more {
        items.last().map(|i| encode_cursor(&last_id(i)))
    } else {
        None
    };
    Page {
        items,
        next_cursor,
        total,
    }
}

pub(crate) async fn tenant(conn: &mut AnyConnection, id: TenantId) -> AppResult<Option<Tenant>> {
    let mut sql = Sql::new("SELECT * FROM tenants WHERE id = ");
    sql.bind(Arg::Int(id.get()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::tenant)
        .transpose()
}

pub(crate) async fn tenant_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> AppResult<Option<Tenant>> {
    let mut sql = Sql::new("SELECT * FROM tenants WHERE code = ");
    sql.bind(Arg::Text(code.to_string()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::tenant)
        .transpose()
}

pub(crate) async fn tenants(conn: &mut AnyConnection, q: &ListQuery) -> AppResult<Page<Tenant>> {
    let spec = ListSpec {
        table: "tenants",
        tenant: None,
        search_columns: &["code", "name"],
        integer_id: true,
        newest_first: false,
        filters: vec![],
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let items = found
        .iter()
        .map(rows::tenant)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, |t| t.id.to_string()))
}

/// Fills `role_ids` of the given users with one query.
async fn attach_roles(conn: &mut AnyConnection, t: TenantId, users: &mut [User]) -> AppResult<()> {
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
        let user_id: String = sqlx::Row::try_get(&row, "user_id").map_err(db)?;
        let role_id: String = sqlx::Row::try_get(&row, "role_id").map_err(db)?;
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
pub(crate) async fn user(
    conn: &mut AnyConnection,
    t: TenantId,
    id: UserId,
) -> AppResult<Option<User>> {
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
        let role: Option<String> = sqlx::Row::try_get(row, "role_id").map_err(db)?;
        if let Some(role) = role.as_deref().and_then(RoleId::parse) {
            user.role_ids.push(role);
        }
    }
    Ok(Some(user))
}

pub(crate) async fn user_credentials(
    conn: &mut AnyConnection,
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
    let password_hash: String = sqlx::Row::try_get(&row, "password_hash").map_err(db)?;
    let mut found = [rows::user(&row)?];
    attach_roles(conn, t, &mut found).await?;
    let [user] = found;
    Ok(Some(UserCredentials {
        user,
        password_hash,
    }))
}

pub(crate) async fn users(
    conn: &mut AnyConnection,
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

pub(crate) async fn role(
    conn: &mut AnyConnection,
    t: TenantId,
    id: RoleId,
) -> AppResult<Option<Role>> {
    let mut sql = Sql::new("SELECT * FROM roles WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get()))
        .push(" AND id = ")
        .bind(Arg::Text(id.to_string()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::role)
        .transpose()
}

pub(crate) async fn role_by_key(
    conn: &mut AnyConnection,
    t: TenantId,
    key: &str,
) -> AppResult<Option<Role>> {
    let mut sql = Sql::new("SELECT * FROM roles WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get()))
        .push(" AND role_key = ")
        .bind(Arg::Text(key.to_string()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::role)
        .transpose()
}

pub(crate) async fn roles(
    conn: &mut AnyConnection,
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

pub(crate) async fn all_roles(conn: &mut AnyConnection, t: TenantId) -> AppResult<Vec<Role>> {
    let mut sql = Sql::new("SELECT * FROM roles WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get())).push(" ORDER BY id");
    all(conn, &sql).await?.iter().map(rows::role).collect()
}

async fn count(conn: &mut AnyConnection, sql: &Sql) -> AppResult<u64> {
    let n = optional(conn, sql)
        .await?
        .map(|r| rows::get_i64(&r, "n"))
        .transpose()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

pub(crate) async fn active_users_with_role(
    conn: &mut AnyConnection,
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

pub(crate) async fn role_usage(
    conn: &mut AnyConnection,
    t: TenantId,
    id: RoleId,
) -> AppResult<u64> {
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
    conn: &mut AnyConnection,
    t: TenantId,
    id: ApiKeyId,
) -> AppResult<Option<ApiKey>> {
    let mut sql = Sql::new("SELECT * FROM api_keys WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get()))
        .push(" AND id = ")
        .bind(Arg::Text(id.to_string()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::api_key)
        .transpose()
}

pub(crate) async fn api_keys(
    conn: &mut AnyConnection,
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
    conn: &mut AnyConnection,
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
    conn: &mut AnyConnection,
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

pub(crate) async fn platform_admin_count(conn: &mut AnyConnection) -> AppResult<u64> {
    count(conn, &Sql::new("SELECT COUNT(*) AS n FROM platform_admins")).await
}

pub(crate) async fn session(
    conn: &mut AnyConnection,
    token_hash: &[u8],
) -> AppResult<Option<Session>> {
    let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = $1")
        .bind(token_hash.to_vec())
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    row.as_ref().map(rows::session).transpose()
}

pub(crate) async fn throttle(
    conn: &mut AnyConnection,
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
    let failures = rows::get_i64(&row, "failures")?;
    let locked_until_ms: Option<i64> = sqlx::Row::try_get(&row, "locked_until_ms").map_err(db)?;
    Ok(Throttle {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        locked_until_ms,
    })
}

pub(crate) async fn audit(
    conn: &mut AnyConnection,
    t: Option<TenantId>,
    f: &AuditFilter,
    q: &ListQuery,
) -> AppResult<Page<AuditEntry>> {
    let mut filters = Vec::new();
    if let Some(actor) = f.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        filters.push(("actor_name = ", Arg::Text(actor.to_string())));
    }
    if let Some(action) = f.action.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        filters.push(("action = ", Arg::Text(action.to_string())));
    }
    if let Some(v) = f
        .object_type
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        filters.push(("object_type = ", Arg::Text(v.to_string())));
    }
    if let Some(v) = f
        .object_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        filters.push(("object_id = ", Arg::Text(v.to_string())));
    }
    if let Some(v) = f.from_ms {
        filters.push(("at_ms >= ", Arg::Int(v)));
    }
    if let Some(v) = f.to_ms {
        filters.push(("at_ms < ", Arg::Int(v)));
    }
    let spec = ListSpec {
        table: "audit_log",
        tenant: Some(t.map_or(0, TenantId::get)),
        search_columns: &["action", "object_type", "actor_name", "object_id"],
        integer_id: false,
        newest_first: true,
        filters,
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let items = found
        .iter()
        .map(rows::audit)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, |e| e.id.to_string()))
}

pub(crate) async fn idempotent_response(
    conn: &mut AnyConnection,
    tenant: i64,
    scope: &str,
    key: &str,
) -> AppResult<Option<(Vec<u8>, Option<StoredResponse>)>> {
    let row = sqlx::query("SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE tenant_id = $1 AND scope = $2 AND idem_key = $3")
        .bind(tenant)
        .bind(scope)
        .bind(key)
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    let Some(row) = row else { return Ok(None) };
    let hash = rows::get_bytes(&row, "request_hash")?;
    let status: Option<i64> = sqlx::Row::try_get(&row, "response_status").map_err(db)?;
    let body: Option<String> = sqlx::Row::try_get(&row, "response_body").map_err(db)?;
    let response = match (status, body) {
        (Some(s), Some(body)) => Some(StoredResponse {
            status: u16::try_from(s).unwrap_or(500),
            body,
        }),
        _ => None,
    };
    Ok(Some((hash, response)))
}

/// Implements `Reads` for a type with a `conn()` giving its connection.
macro_rules! impl_reads {
    ($ty:ty) => {
        #[async_trait]
        impl Reads for $ty {
            async fn tenant(&mut self, id: TenantId) -> AppResult<Option<Tenant>> {
                $crate::reads::tenant(self.conn(), id).await
            }
            async fn tenant_by_code(&mut self, code: &str) -> AppResult<Option<Tenant>> {
                $crate::reads::tenant_by_code(self.conn(), code).await
            }
            async fn tenants(&mut self, q: &ListQuery) -> AppResult<Page<Tenant>> {
                $crate::reads::tenants(self.conn(), q).await
            }
            async fn user(&mut self, t: TenantId, id: UserId) -> AppResult<Option<User>> {
                $crate::reads::user(self.conn(), t, id).await
            }
            async fn user_credentials(
                &mut self,
                t: TenantId,
                login_name: &str,
            ) -> AppResult<Option<UserCredentials>> {
                $crate::reads::user_credentials(self.conn(), t, login_name).await
            }
            async fn users(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<User>> {
                $crate::reads::users(self.conn(), t, q).await
            }
            async fn role(&mut self, t: TenantId, id: RoleId) -> AppResult<Option<Role>> {
                $crate::reads::role(self.conn(), t, id).await
            }
            async fn role_by_key(&mut self, t: TenantId, key: &str) -> AppResult<Option<Role>> {
                $crate::reads::role_by_key(self.conn(), t, key).await
            }
            async fn roles(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<Role>> {
                $crate::reads::roles(self.conn(), t, q).await
            }
            async fn all_roles(&mut self, t: TenantId) -> AppResult<Vec<Role>> {
                $crate::reads::all_roles(self.conn(), t).await
            }
            async fn active_users_with_role(&mut self, t: TenantId, id: RoleId) -> AppResult<u64> {
                $crate::reads::active_users_with_role(self.conn(), t, id).await
            }
            async fn role_usage(&mut self, t: TenantId, id: RoleId) -> AppResult<u64> {
                $crate::reads::role_usage(self.conn(), t, id).await
            }
            async fn api_key(&mut self, t: TenantId, id: ApiKeyId) -> AppResult<Option<ApiKey>> {
                $crate::reads::api_key(self.conn(), t, id).await
            }
            async fn api_keys(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<ApiKey>> {
                $crate::reads::api_keys(self.conn(), t, q).await
            }
            async fn platform_admin(
                &mut self,
                id: PlatformAdminId,
            ) -> AppResult<Option<PlatformAdmin>> {
                $crate::reads::platform_admin(self.conn(), id).await
            }
            async fn platform_admin_by_login(
                &mut self,
                login_name: &str,
            ) -> AppResult<Option<PlatformAdmin>> {
                $crate::reads::platform_admin_by_login(self.conn(), login_name).await
            }
            async fn platform_admin_count(&mut self) -> AppResult<u64> {
                $crate::reads::platform_admin_count(self.conn()).await
            }
            async fn session(&mut self, token_hash: &[u8]) -> AppResult<Option<Session>> {
                $crate::reads::session(self.conn(), token_hash).await
            }
            async fn throttle(&mut self, scope: i64, login_name: &str) -> AppResult<Throttle> {
                $crate::reads::throttle(self.conn(), scope, login_name).await
            }
            async fn audit(
                &mut self,
                t: Option<TenantId>,
                f: &AuditFilter,
                q: &ListQuery,
            ) -> AppResult<Page<AuditEntry>> {
                $crate::reads::audit(self.conn(), t, f, q).await
            }
            async fn idempotent_response(
                &mut self,
                tenant: i64,
                scope: &str,
                key: &str,
            ) -> AppResult<Option<(Vec<u8>, Option<StoredResponse>)>> {
                $crate::reads::idempotent_response(self.conn(), tenant, scope, key).await
            }
        }
    };
}
pub(crate) use impl_reads;

impl SqlReader {
    fn conn(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

impl_reads!(SqlReader);
