//! Reads. Each is a function over one connection, shared by the pooled reader and by the write
//! transaction (which must see its own uncommitted rows). This module holds the shared query
//! helpers and paging; `security` the users, roles, keys and sessions; `records` tenants, the
//! audit log and idempotency records.

mod records;
mod security;

pub(crate) use records::*;
pub(crate) use security::*;

use crate::error::db;
use crate::lite::{self, LiteConn};
use crate::row::{self, Row};
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
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};

/// Reads outside a transaction: a pooled sqlx connection (PostgreSQL) or an inline SQLite
/// connection (see `lite`).
pub(crate) enum SqlReader {
    Pool(PoolConnection<Any>),
    Lite(LiteConn),
    /// PostgreSQL: a read-only repeatable-read transaction, rolled back when dropped.
    Snapshot(sqlx::Transaction<'static, Any>),
}

/// The connection a read runs on.
pub(crate) enum Conn<'a> {
    Sqlx(&'a mut AnyConnection),
    Lite(&'a mut rusqlite::Connection),
}

pub(crate) async fn all(conn: &mut Conn<'_>, sql: &Sql) -> AppResult<Vec<Row>> {
    match conn {
        Conn::Sqlx(c) => {
            let found = sqlx::query_with(&sql.text, sql.args().map_err(db)?)
                .fetch_all(&mut **c)
                .await
                .map_err(db)?;
            found.iter().map(row::from_any).collect()
        }
        Conn::Lite(c) => lite::query(c, sql),
    }
}

pub(crate) async fn optional(conn: &mut Conn<'_>, sql: &Sql) -> AppResult<Option<Row>> {
    Ok(all(conn, sql).await?.into_iter().next())
}

/// The row of `table` in tenant `t` whose `column` equals `value`, as a record.
pub(crate) async fn one_in_tenant<T>(
    conn: &mut Conn<'_>,
    table: &str,
    t: TenantId,
    column: &str,
    value: Arg,
    map: fn(&Row) -> AppResult<T>,
) -> AppResult<Option<T>> {
    let mut sql = Sql::new(&format!("SELECT * FROM {table} WHERE tenant_id = "));
    sql.bind(Arg::Int(t.get()))
        .push(&format!(" AND {column} = "))
        .bind(value);
    optional(conn, &sql).await?.as_ref().map(map).transpose()
}

/// What varies between the paged lists.
pub(crate) struct ListSpec<'a> {
    pub table: &'a str,
    pub tenant: Option<i64>,
    pub search_columns: &'a [&'a str],
    /// Ordering is by `id`; integer ids (tenants) compare as numbers.
    pub integer_id: bool,
    pub newest_first: bool,
    pub filters: Vec<(&'a str, Arg)>,
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
    filters.iter().map(|(c, a)| (*c, a.clone())).collect()
}

pub(crate) fn encode_cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

pub(crate) fn decode_cursor(cursor: &str) -> AppResult<String> {
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
pub(crate) async fn page_rows(
    conn: &mut Conn<'_>,
    spec: ListSpec<'_>,
    q: &ListQuery,
) -> AppResult<(Vec<Row>, bool, u64)> {
    let mut count = Sql::new(&format!("SELECT COUNT(*) AS n FROM {}", spec.table));
    where_clause(&mut count, &spec, q, clone_filters(&spec.filters));
    let total = optional(conn, &count)
        .await?
        .map(|r| r.i64("n"))
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

pub(crate) fn page<T>(
    items: Vec<T>,
    more: bool,
    total: u64,
    last_id: impl Fn(&T) -> String,
) -> Page<T> {
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

pub(crate) async fn count(conn: &mut Conn<'_>, sql: &Sql) -> AppResult<u64> {
    let n = optional(conn, sql)
        .await?
        .map(|r| r.i64("n"))
        .transpose()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Implements `Reads` for a type with a `conn()` giving its connection.
macro_rules! impl_reads {
    ($ty:ty) => {
        #[allow(unused_imports)]
        use $crate::reads::ReadConn as _;
        #[async_trait]
        impl Reads for $ty {
            async fn tenant(&mut self, id: TenantId) -> AppResult<Option<Tenant>> {
                $crate::reads::tenant(&mut self.read_conn()?, id).await
            }
            async fn tenant_by_code(&mut self, code: &str) -> AppResult<Option<Tenant>> {
                $crate::reads::tenant_by_code(&mut self.read_conn()?, code).await
            }
            async fn tenants(&mut self, q: &ListQuery) -> AppResult<Page<Tenant>> {
                $crate::reads::tenants(&mut self.read_conn()?, q).await
            }
            async fn user(&mut self, t: TenantId, id: UserId) -> AppResult<Option<User>> {
                $crate::reads::user(&mut self.read_conn()?, t, id).await
            }
            async fn user_credentials(
                &mut self,
                t: TenantId,
                login_name: &str,
            ) -> AppResult<Option<UserCredentials>> {
                $crate::reads::user_credentials(&mut self.read_conn()?, t, login_name).await
            }
            async fn users(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<User>> {
                $crate::reads::users(&mut self.read_conn()?, t, q).await
            }
            async fn role(&mut self, t: TenantId, id: RoleId) -> AppResult<Option<Role>> {
                $crate::reads::role(&mut self.read_conn()?, t, id).await
            }
            async fn role_by_key(&mut self, t: TenantId, key: &str) -> AppResult<Option<Role>> {
                $crate::reads::role_by_key(&mut self.read_conn()?, t, key).await
            }
            async fn roles(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<Role>> {
                $crate::reads::roles(&mut self.read_conn()?, t, q).await
            }
            async fn all_roles(&mut self, t: TenantId) -> AppResult<Vec<Role>> {
                $crate::reads::all_roles(&mut self.read_conn()?, t).await
            }
            async fn active_users_with_role(&mut self, t: TenantId, id: RoleId) -> AppResult<u64> {
                $crate::reads::active_users_with_role(&mut self.read_conn()?, t, id).await
            }
            async fn role_usage(&mut self, t: TenantId, id: RoleId) -> AppResult<u64> {
                $crate::reads::role_usage(&mut self.read_conn()?, t, id).await
            }
            async fn api_key(&mut self, t: TenantId, id: ApiKeyId) -> AppResult<Option<ApiKey>> {
                $crate::reads::api_key(&mut self.read_conn()?, t, id).await
            }
            async fn api_keys(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<ApiKey>> {
                $crate::reads::api_keys(&mut self.read_conn()?, t, q).await
            }
            async fn platform_admin(
                &mut self,
                id: PlatformAdminId,
            ) -> AppResult<Option<PlatformAdmin>> {
                $crate::reads::platform_admin(&mut self.read_conn()?, id).await
            }
            async fn platform_admin_by_login(
                &mut self,
                login_name: &str,
            ) -> AppResult<Option<PlatformAdmin>> {
                $crate::reads::platform_admin_by_login(&mut self.read_conn()?, login_name).await
            }
            async fn platform_admin_count(&mut self) -> AppResult<u64> {
                $crate::reads::platform_admin_count(&mut self.read_conn()?).await
            }
            async fn session(&mut self, token_hash: &[u8]) -> AppResult<Option<Session>> {
                $crate::reads::session(&mut self.read_conn()?, token_hash).await
            }
            async fn throttle(&mut self, scope: i64, login_name: &str) -> AppResult<Throttle> {
                $crate::reads::throttle(&mut self.read_conn()?, scope, login_name).await
            }
            async fn audit(
                &mut self,
                t: Option<TenantId>,
                f: &AuditFilter,
                q: &ListQuery,
            ) -> AppResult<Page<AuditEntry>> {
                $crate::reads::audit(&mut self.read_conn()?, t, f, q).await
            }
            async fn idempotent_response(
                &mut self,
                tenant: i64,
                scope: &str,
                key: &str,
            ) -> AppResult<Option<(Vec<u8>, Option<StoredResponse>)>> {
                $crate::reads::idempotent_response(&mut self.read_conn()?, tenant, scope, key).await
            }
        }
    };
}
pub(crate) use impl_reads;

/// Something queries can read through: the pooled reader, or a write transaction (which must
/// see its own uncommitted rows). Every area's reads are implemented for both.
pub(crate) trait ReadConn: Send {
    fn read_conn(&mut self) -> AppResult<Conn<'_>>;
}

impl ReadConn for SqlReader {
    fn read_conn(&mut self) -> AppResult<Conn<'_>> {
        Ok(match self {
            Self::Pool(c) => Conn::Sqlx(c),
            Self::Lite(c) => Conn::Lite(c.conn()?),
            Self::Snapshot(tx) => Conn::Sqlx(tx),
        })
    }
}

impl_reads!(SqlReader);
