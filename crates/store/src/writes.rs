//! Writes, inside one transaction that the use case commits (dropping it rolls back).

use crate::error::db;
use crate::reads::impl_reads;
use crate::rows::permissions_text;
use async_trait::async_trait;
use patron_app::model::{
    ApiKey, AuditEntry, AuditFilter, ListQuery, Page, PlatformAdmin, Role, Session, SessionSubject,
    StoredResponse, Tenant, User, UserCredentials,
};
use patron_app::{AppResult, Reads, Tx};
use patron_domain::ids::{ApiKeyId, PlatformAdminId, RoleId, TenantId, UserId};
use patron_domain::login::Throttle;
use sqlx::{Any, AnyConnection, Transaction};

pub(crate) struct SqlTx {
    pub tx: Transaction<'static, Any>,
}

impl SqlTx {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl crate::reads::ReadConn for SqlTx {
    /// Reads inside the transaction see its own uncommitted rows, so they use its connection.
    fn read_conn(&mut self) -> AppResult<crate::reads::Conn<'_>> {
        Ok(crate::reads::Conn::Sqlx(&mut self.tx))
    }
}

/// Runs one statement built with `Sql`; returns the number of rows it changed.
pub(crate) async fn execute(conn: &mut AnyConnection, sql: &crate::sql::Sql) -> AppResult<u64> {
    let done = sqlx::query_with(&sql.text, sql.args().map_err(db)?)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(done.rows_affected())
}

impl_reads!(SqlTx);

#[async_trait]
impl Tx for SqlTx {
    async fn commit(self: Box<Self>) -> AppResult<()> {
        self.tx.commit().await.map_err(db)
    }

    async fn insert_tenant(&mut self, t: &Tenant) -> AppResult<TenantId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tenants (code, name, time_zone, currency, status, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&t.code)
        .bind(&t.name)
        .bind(&t.time_zone)
        .bind(&t.currency)
        .bind(t.status.as_str())
        .bind(t.created_at_ms)
        .bind(t.updated_at_ms)
        .fetch_one(self.conn())
        .await
        .map_err(db)?;
        Ok(TenantId::new(id))
    }

    async fn update_tenant(&mut self, t: &Tenant) -> AppResult<()> {
        sqlx::query("UPDATE tenants SET name = $1, time_zone = $2, currency = $3, status = $4, updated_at_ms = $5 WHERE id = $6")
            .bind(&t.name)
            .bind(&t.time_zone)
            .bind(&t.currency)
            .bind(t.status.as_str())
            .bind(t.updated_at_ms)
            .bind(t.id.get())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn insert_user(&mut self, u: &User, password_hash: &str) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO users (tenant_id, id, login_name, display_name, email, locale, status, password_hash, \
             password_changed_at_ms, last_login_at_ms, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(u.tenant_id.get())
        .bind(u.id.to_string())
        .bind(&u.login_name)
        .bind(&u.display_name)
        .bind(u.email.clone())
        .bind(u.locale.tag())
        .bind(u.status.as_str())
        .bind(password_hash)
        .bind(u.created_at_ms)
        .bind(u.last_login_at_ms)
        .bind(u.created_at_ms)
        .bind(u.updated_at_ms)
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn update_user(&mut self, u: &User) -> AppResult<()> {
        sqlx::query(
            "UPDATE users SET display_name = $1, email = $2, locale = $3, status = $4, updated_at_ms = $5 \
             WHERE tenant_id = $6 AND id = $7",
        )
        .bind(&u.display_name)
        .bind(u.email.clone())
        .bind(u.locale.tag())
        .bind(u.status.as_str())
        .bind(u.updated_at_ms)
        .bind(u.tenant_id.get())
        .bind(u.id.to_string())
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn set_user_roles(&mut self, t: TenantId, id: UserId, roles: &[RoleId]) -> AppResult<()> {
        sqlx::query("DELETE FROM user_roles WHERE tenant_id = $1 AND user_id = $2")
            .bind(t.get())
            .bind(id.to_string())
            .execute(self.conn())
            .await
            .map_err(db)?;
        for role in roles {
            sqlx::query("INSERT INTO user_roles (tenant_id, user_id, role_id) VALUES ($1, $2, $3)")
                .bind(t.get())
                .bind(id.to_string())
                .bind(role.to_string())
                .execute(self.conn())
                .await
                .map_err(db)?;
        }
        Ok(())
    }

    async fn set_password_hash(
        &mut self,
        t: TenantId,
        id: UserId,
        hash: &str,
        now_ms: i64,
    ) -> AppResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at_ms = $2, updated_at_ms = $2 WHERE tenant_id = $3 AND id = $4")
            .bind(hash)
            .bind(now_ms)
            .bind(t.get())
            .bind(id.to_string())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn delete_user(&mut self, t: TenantId, id: UserId) -> AppResult<()> {
        for sql in [
            "DELETE FROM user_roles WHERE tenant_id = $1 AND user_id = $2",
            "DELETE FROM users WHERE tenant_id = $1 AND id = $2",
        ] {
            sqlx::query(sql)
                .bind(t.get())
                .bind(id.to_string())
                .execute(self.conn())
                .await
                .map_err(db)?;
        }
        Ok(())
    }

    async fn record_login(&mut self, t: TenantId, id: UserId, now_ms: i64) -> AppResult<()> {
        sqlx::query("UPDATE users SET last_login_at_ms = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(now_ms)
            .bind(t.get())
            .bind(id.to_string())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn insert_role(&mut self, r: &Role) -> AppResult<()> {
        let permissions = if r.builtin.is_some() {
            String::new()
        } else {
            permissions_text(r.permissions)
        };
        sqlx::query(
            "INSERT INTO roles (tenant_id, id, role_key, name, description, builtin, permissions, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(r.tenant_id.get())
        .bind(r.id.to_string())
        .bind(&r.key)
        .bind(&r.name)
        .bind(&r.description)
        .bind(r.builtin.map(|b| b.key().to_string()))
        .bind(permissions)
        .bind(r.created_at_ms)
        .bind(r.updated_at_ms)
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn update_role(&mut self, r: &Role) -> AppResult<()> {
        sqlx::query("UPDATE roles SET name = $1, description = $2, permissions = $3, updated_at_ms = $4 WHERE tenant_id = $5 AND id = $6")
            .bind(&r.name)
            .bind(&r.description)
            .bind(permissions_text(r.permissions))
            .bind(r.updated_at_ms)
            .bind(r.tenant_id.get())
            .bind(r.id.to_string())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn delete_role(&mut self, t: TenantId, id: RoleId) -> AppResult<()> {
        // Revoked keys may still name the role; they are kept for the record but lose it.
        sqlx::query("DELETE FROM api_keys WHERE tenant_id = $1 AND role_id = $2 AND revoked_at_ms IS NOT NULL")
            .bind(t.get())
            .bind(id.to_string())
            .execute(self.conn())
            .await
            .map_err(db)?;
        sqlx::query("DELETE FROM roles WHERE tenant_id = $1 AND id = $2")
            .bind(t.get())
            .bind(id.to_string())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn insert_api_key(&mut self, k: &ApiKey) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO api_keys (tenant_id, id, name, role_id, secret_hash, created_at_ms, revoked_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(k.tenant_id.get())
        .bind(k.id.to_string())
        .bind(&k.name)
        .bind(k.role_id.to_string())
        .bind(k.secret_hash.clone())
        .bind(k.created_at_ms)
        .bind(k.revoked_at_ms)
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn revoke_api_key(&mut self, t: TenantId, id: ApiKeyId, now_ms: i64) -> AppResult<()> {
        sqlx::query("UPDATE api_keys SET revoked_at_ms = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at_ms IS NULL")
            .bind(now_ms)
            .bind(t.get())
            .bind(id.to_string())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn insert_platform_admin(&mut self, a: &PlatformAdmin) -> AppResult<()> {
        sqlx::query("INSERT INTO platform_admins (id, login_name, password_hash, created_at_ms) VALUES ($1, $2, $3, $4)")
            .bind(a.id.to_string())
            .bind(&a.login_name)
            .bind(&a.password_hash)
            .bind(a.created_at_ms)
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn insert_session(&mut self, s: &Session) -> AppResult<()> {
        let (tenant, user, admin) = match &s.subject {
            SessionSubject::User { tenant, user } => {
                (Some(tenant.get()), Some(user.to_string()), None)
            }
            SessionSubject::PlatformAdmin(id) => (None, None, Some(id.to_string())),
        };
        sqlx::query(
            "INSERT INTO sessions (token_hash, tenant_id, user_id, platform_admin_id, csrf_token, created_at_ms, seen_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(s.token_hash.clone())
        .bind(tenant)
        .bind(user)
        .bind(admin)
        .bind(&s.csrf_token)
        .bind(s.created_at_ms)
        .bind(s.seen_at_ms)
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn touch_session(&mut self, token_hash: &[u8], now_ms: i64) -> AppResult<()> {
        sqlx::query("UPDATE sessions SET seen_at_ms = $1 WHERE token_hash = $2")
            .bind(now_ms)
            .bind(token_hash.to_vec())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn delete_session(&mut self, token_hash: &[u8]) -> AppResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_vec())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn delete_user_sessions(&mut self, t: TenantId, id: UserId) -> AppResult<()> {
        sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2")
            .bind(t.get())
            .bind(id.to_string())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn set_throttle(&mut self, scope: i64, login_name: &str, th: Throttle) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO login_throttle (scope, login_name, failures, locked_until_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (scope, login_name) DO UPDATE SET failures = excluded.failures, locked_until_ms = excluded.locked_until_ms",
        )
        .bind(scope)
        .bind(login_name)
        .bind(i64::from(th.failures))
        .bind(th.locked_until_ms)
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn append_audit(&mut self, e: &AuditEntry) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (tenant_id, id, at_ms, actor_kind, actor_id, actor_name, action, object_type, object_id, \
             before_json, after_json, ip, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(e.tenant_id.map_or(0, TenantId::get))
        .bind(e.id.to_string())
        .bind(e.at_ms)
        .bind(&e.actor_kind)
        .bind(e.actor_id.clone())
        .bind(&e.actor_name)
        .bind(&e.action)
        .bind(&e.object_type)
        .bind(&e.object_id)
        .bind(e.before.as_ref().map(ToString::to_string))
        .bind(e.after.as_ref().map(ToString::to_string))
        .bind(e.ip.clone())
        .bind(e.request_id.clone())
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn claim_idempotency_key(
        &mut self,
        tenant: i64,
        scope: &str,
        key: &str,
        request_hash: &[u8],
        now_ms: i64,
    ) -> AppResult<bool> {
        let done = sqlx::query(
            "INSERT INTO idempotency_keys (tenant_id, scope, idem_key, request_hash, created_at_ms) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (tenant_id, scope, idem_key) DO NOTHING",
        )
        .bind(tenant)
        .bind(scope)
        .bind(key)
        .bind(request_hash.to_vec())
        .bind(now_ms)
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn save_idempotent_response(
        &mut self,
        tenant: i64,
        scope: &str,
        key: &str,
        r: &StoredResponse,
    ) -> AppResult<()> {
        sqlx::query("UPDATE idempotency_keys SET response_status = $1, response_body = $2 WHERE tenant_id = $3 AND scope = $4 AND idem_key = $5")
            .bind(i64::from(r.status))
            .bind(&r.body)
            .bind(tenant)
            .bind(scope)
            .bind(key)
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }
}
