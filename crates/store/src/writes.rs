//! Writes, inside one transaction that the use case commits (dropping it rolls back).

use crate::card_blocks::CardBlocks;
use crate::error::db;
use crate::lite;
use crate::reads::impl_reads;
use crate::reads::{Conn, ReadConn};
use crate::row::Row;
use crate::rows::permissions_text;
use crate::sql::{sql, Sql};
use crate::writer::LiteTx;
use async_trait::async_trait;
use patron_app::model::{
    ApiKey, AuditEntry, AuditFilter, ListQuery, Page, PlatformAdmin, Role, Session, SessionSubject,
    StoredResponse, Tenant, User, UserCredentials,
};
use patron_app::{AppResult, Reads, Tx};
use patron_domain::ids::{ApiKeyId, PlatformAdminId, RoleId, TenantId, UserId};
use patron_domain::login::Throttle;
use sqlx::{Any, Transaction};
use std::sync::Arc;

/// A write transaction: sqlx's on PostgreSQL, the inline writer's on SQLite (see `lite`).
pub(crate) enum SqlTx {
    Sqlx(Transaction<'static, Any>, Arc<CardBlocks>),
    Lite(LiteTx),
}

impl SqlTx {
    /// Runs one statement; returns the number of rows it changed.
    pub(crate) async fn exec(&mut self, sql: &Sql) -> AppResult<u64> {
        match self {
            Self::Sqlx(tx, _) => {
                let done = sqlx::query_with(&sql.text, sql.args().map_err(db)?)
                    .execute(&mut **tx)
                    .await
                    .map_err(db)?;
                Ok(done.rows_affected())
            }
            Self::Lite(tx) => lite::execute(tx.conn()?, sql),
        }
    }

    /// Runs a statement that returns rows (`RETURNING`).
    pub(crate) async fn fetch(&mut self, sql: &Sql) -> AppResult<Vec<Row>> {
        crate::reads::all(&mut self.read_conn()?, sql).await
    }
}

impl ReadConn for SqlTx {
    /// Reads inside the transaction see its own uncommitted rows, so they use its connection.
    fn read_conn(&mut self) -> AppResult<Conn<'_>> {
        Ok(match self {
            Self::Sqlx(tx, _) => Conn::Sqlx(tx),
            Self::Lite(tx) => Conn::Lite(tx.conn()?),
        })
    }
}

impl_reads!(SqlTx);

#[async_trait]
impl Tx for SqlTx {
    async fn commit(self: Box<Self>) -> AppResult<()> {
        match *self {
            Self::Sqlx(tx, _) => tx.commit().await.map_err(db),
            Self::Lite(tx) => tx.commit().await,
        }
    }

    async fn insert_tenant(&mut self, t: &Tenant) -> AppResult<TenantId> {
        let rows = self
            .fetch(&sql!(
                "INSERT INTO tenants (code, name, time_zone, currency, status, created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &t.code,
                &t.name,
                &t.time_zone,
                &t.currency,
                t.status.as_str(),
                t.created_at_ms,
                t.updated_at_ms
            ))
            .await?;
        let id = rows
            .first()
            .ok_or_else(|| patron_app::AppError::Store("no tenant id returned".into()))?
            .i64("id")?;
        Ok(TenantId::new(id))
    }

    async fn update_tenant(&mut self, t: &Tenant) -> AppResult<()> {
        self.exec(&sql!("UPDATE tenants SET name = $1, time_zone = $2, currency = $3, status = $4, updated_at_ms = $5 WHERE id = $6", &t.name, &t.time_zone, &t.currency, t.status.as_str(), t.updated_at_ms, t.id.get())).await?;
        Ok(())
    }

    async fn insert_user(&mut self, u: &User, password_hash: &str) -> AppResult<()> {
        self.exec(&sql!("INSERT INTO users (tenant_id, id, login_name, display_name, email, locale, status, password_hash, \
             password_changed_at_ms, last_login_at_ms, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", u.tenant_id.get(), u.id.to_string(), &u.login_name, &u.display_name, u.email.clone(), u.locale.tag(), u.status.as_str(), password_hash, u.created_at_ms, u.last_login_at_ms, u.created_at_ms, u.updated_at_ms)).await?;
        Ok(())
    }

    async fn update_user(&mut self, u: &User) -> AppResult<()> {
        self.exec(&sql!("UPDATE users SET display_name = $1, email = $2, locale = $3, status = $4, updated_at_ms = $5 \
             WHERE tenant_id = $6 AND id = $7", &u.display_name, u.email.clone(), u.locale.tag(), u.status.as_str(), u.updated_at_ms, u.tenant_id.get(), u.id.to_string())).await?;
        Ok(())
    }

    async fn set_user_roles(&mut self, t: TenantId, id: UserId, roles: &[RoleId]) -> AppResult<()> {
        self.exec(&sql!(
            "DELETE FROM user_roles WHERE tenant_id = $1 AND user_id = $2",
            t.get(),
            id.to_string()
        ))
        .await?;
        for role in roles {
            self.exec(&sql!(
                "INSERT INTO user_roles (tenant_id, user_id, role_id) VALUES ($1, $2, $3)",
                t.get(),
                id.to_string(),
                role.to_string()
            ))
            .await?;
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
        self.exec(&sql!("UPDATE users SET password_hash = $1, password_changed_at_ms = $2, updated_at_ms = $2 WHERE tenant_id = $3 AND id = $4", hash, now_ms, t.get(), id.to_string())).await?;
        Ok(())
    }

    async fn delete_user(&mut self, t: TenantId, id: UserId) -> AppResult<()> {
        for sql in [
            "DELETE FROM user_roles WHERE tenant_id = $1 AND user_id = $2",
            "DELETE FROM users WHERE tenant_id = $1 AND id = $2",
        ] {
            self.exec(&sql!(sql, t.get(), id.to_string())).await?;
        }
        Ok(())
    }

    async fn record_login(&mut self, t: TenantId, id: UserId, now_ms: i64) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE users SET last_login_at_ms = $1 WHERE tenant_id = $2 AND id = $3",
            now_ms,
            t.get(),
            id.to_string()
        ))
        .await?;
        Ok(())
    }

    async fn insert_role(&mut self, r: &Role) -> AppResult<()> {
        let permissions = if r.builtin.is_some() {
            String::new()
        } else {
            permissions_text(r.permissions)
        };
        self.exec(&sql!("INSERT INTO roles (tenant_id, id, role_key, name, description, builtin, permissions, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", r.tenant_id.get(), r.id.to_string(), &r.key, &r.name, &r.description, r.builtin.map(|b| b.key().to_string()), permissions, r.created_at_ms, r.updated_at_ms)).await?;
        Ok(())
    }

    async fn update_role(&mut self, r: &Role) -> AppResult<()> {
        self.exec(&sql!("UPDATE roles SET name = $1, description = $2, permissions = $3, updated_at_ms = $4 WHERE tenant_id = $5 AND id = $6", &r.name, &r.description, permissions_text(r.permissions), r.updated_at_ms, r.tenant_id.get(), r.id.to_string())).await?;
        Ok(())
    }

    async fn delete_role(&mut self, t: TenantId, id: RoleId) -> AppResult<()> {
        // Revoked keys may still name the role; they are kept for the record but lose it.
        self.exec(&sql!("DELETE FROM api_keys WHERE tenant_id = $1 AND role_id = $2 AND revoked_at_ms IS NOT NULL", t.get(), id.to_string())).await?;
        self.exec(&sql!(
            "DELETE FROM roles WHERE tenant_id = $1 AND id = $2",
            t.get(),
            id.to_string()
        ))
        .await?;
        Ok(())
    }

    async fn insert_api_key(&mut self, k: &ApiKey) -> AppResult<()> {
        self.exec(&sql!("INSERT INTO api_keys (tenant_id, id, name, role_id, secret_hash, created_at_ms, revoked_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)", k.tenant_id.get(), k.id.to_string(), &k.name, k.role_id.to_string(), k.secret_hash.clone(), k.created_at_ms, k.revoked_at_ms)).await?;
        Ok(())
    }

    async fn revoke_api_key(&mut self, t: TenantId, id: ApiKeyId, now_ms: i64) -> AppResult<()> {
        self.exec(&sql!("UPDATE api_keys SET revoked_at_ms = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at_ms IS NULL", now_ms, t.get(), id.to_string())).await?;
        Ok(())
    }

    async fn insert_platform_admin(&mut self, a: &PlatformAdmin) -> AppResult<()> {
        self.exec(&sql!("INSERT INTO platform_admins (id, login_name, password_hash, created_at_ms) VALUES ($1, $2, $3, $4)", a.id.to_string(), &a.login_name, &a.password_hash, a.created_at_ms)).await?;
        Ok(())
    }

    async fn insert_session(&mut self, s: &Session) -> AppResult<()> {
        let (tenant, user, admin) = match &s.subject {
            SessionSubject::User { tenant, user } => {
                (Some(tenant.get()), Some(user.to_string()), None)
            }
            SessionSubject::PlatformAdmin(id) => (None, None, Some(id.to_string())),
        };
        self.exec(&sql!("INSERT INTO sessions (token_hash, tenant_id, user_id, platform_admin_id, csrf_token, created_at_ms, seen_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)", s.token_hash.clone(), tenant, user, admin, &s.csrf_token, s.created_at_ms, s.seen_at_ms)).await?;
        Ok(())
    }

    async fn touch_session(&mut self, token_hash: &[u8], now_ms: i64) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE sessions SET seen_at_ms = $1 WHERE token_hash = $2",
            now_ms,
            token_hash.to_vec()
        ))
        .await?;
        Ok(())
    }

    async fn delete_session(&mut self, token_hash: &[u8]) -> AppResult<()> {
        self.exec(&sql!(
            "DELETE FROM sessions WHERE token_hash = $1",
            token_hash.to_vec()
        ))
        .await?;
        Ok(())
    }

    async fn delete_user_sessions(&mut self, t: TenantId, id: UserId) -> AppResult<()> {
        self.exec(&sql!(
            "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2",
            t.get(),
            id.to_string()
        ))
        .await?;
        Ok(())
    }

    async fn set_throttle(&mut self, scope: i64, login_name: &str, th: Throttle) -> AppResult<()> {
        self.exec(&sql!("INSERT INTO login_throttle (scope, login_name, failures, locked_until_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (scope, login_name) DO UPDATE SET failures = excluded.failures, locked_until_ms = excluded.locked_until_ms", scope, login_name, i64::from(th.failures), th.locked_until_ms)).await?;
        Ok(())
    }

    async fn append_audit(&mut self, e: &AuditEntry) -> AppResult<()> {
        self.exec(&sql!("INSERT INTO audit_log (tenant_id, id, at_ms, actor_kind, actor_id, actor_name, action, object_type, object_id, \
             before_json, after_json, ip, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", e.tenant_id.map_or(0, TenantId::get), e.id.to_string(), e.at_ms, &e.actor_kind, e.actor_id.clone(), &e.actor_name, &e.action, &e.object_type, &e.object_id, e.before.as_ref().map(ToString::to_string), e.after.as_ref().map(ToString::to_string), e.ip.clone(), e.request_id.clone())).await?;
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
        let done = self.exec(&sql!("INSERT INTO idempotency_keys (tenant_id, scope, idem_key, request_hash, created_at_ms) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (tenant_id, scope, idem_key) DO NOTHING", tenant, scope, key, request_hash.to_vec(), now_ms)).await?;
        Ok(done == 1)
    }

    async fn save_idempotent_response(
        &mut self,
        tenant: i64,
        scope: &str,
        key: &str,
        r: &StoredResponse,
    ) -> AppResult<()> {
        self.exec(&sql!("UPDATE idempotency_keys SET response_status = $1, response_body = $2 WHERE tenant_id = $3 AND scope = $4 AND idem_key = $5", i64::from(r.status), &r.body, tenant, scope, key)).await?;
        Ok(())
    }
}
