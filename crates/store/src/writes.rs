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

    /// Runs independent writes; on PostgreSQL as few statements as possible, each a chain of
    /// data-modifying `WITH` parts, so the transaction pays one network round trip for several
    /// writes. The parts of one statement share a snapshot and do not see each other's changes:
    /// callers pass only writes to different rows that none of the others reads (new rows, and
    /// updates of distinct rows). Placeholders are renumbered; no part may hold a `$` elsewhere.
    pub(crate) async fn exec_together(&mut self, parts: Vec<Sql>) -> AppResult<()> {
        match self {
            Self::Sqlx(..) => {
                for sql in combine(parts) {
                    self.exec(&sql).await?;
                }
            }
            // Inline statements cost no round trip.
            Self::Lite(_) => {
                for sql in &parts {
                    self.exec(sql).await?;
                }
            }
        }
        Ok(())
    }

    /// Runs a statement that returns rows (`RETURNING`).
    pub(crate) async fn fetch(&mut self, sql: &Sql) -> AppResult<Vec<Row>> {
        crate::reads::all(&mut self.read_conn()?, sql).await
    }
}

/// At most this many parameters in one combined statement (PostgreSQL allows 65,535).
const MAX_COMBINED_ARGS: usize = 30_000;

/// `parts` as `WITH w1 AS (p1), w2 AS (p2) p3` statements, each within [`MAX_COMBINED_ARGS`].
fn combine(parts: Vec<Sql>) -> Vec<Sql> {
    let mut out: Vec<Vec<Sql>> = Vec::new();
    let mut args = 0;
    for part in parts {
        let n = part.arg_list().len();
        match out.last_mut() {
            Some(group) if args + n <= MAX_COMBINED_ARGS => {
                group.push(part);
                args += n;
            }
            _ => {
                out.push(vec![part]);
                args = n;
            }
        }
    }
    out.into_iter().map(chain).collect()
}

fn chain(mut group: Vec<Sql>) -> Sql {
    let Some(last) = group.pop() else {
        return Sql::default();
    };
    if group.is_empty() {
        return last;
    }
    let mut text = String::from("WITH ");
    let mut args = Vec::new();
    for (i, part) in group.iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&format!("w{} AS (", i + 1));
        text.push_str(&renumber(&part.text, args.len()));
        text.push(')');
        args.extend(part.arg_list().iter().cloned());
    }
    text.push(' ');
    text.push_str(&renumber(&last.text, args.len()));
    args.extend(last.arg_list().iter().cloned());
    Sql::with(text, args)
}

/// `text` with every placeholder `$n` moved to `$(n + offset)`.
fn renumber(text: &str, offset: usize) -> String {
    if offset == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::Arg;

    #[test]
    fn independent_writes_chain_into_one_statement_with_renumbered_placeholders() {
        let parts = vec![
            sql!("INSERT INTO a (x, y) VALUES ($1, $2)", 1_i64, "p"),
            sql!("UPDATE b SET x = $1 WHERE id = $2 AND z = $1", 2_i64, "q"),
            sql!("INSERT INTO c (x) VALUES ($1)", 3_i64),
        ];
        let out = combine(parts);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].text,
            "WITH w1 AS (INSERT INTO a (x, y) VALUES ($1, $2)), \
             w2 AS (UPDATE b SET x = $3 WHERE id = $4 AND z = $3) INSERT INTO c (x) VALUES ($5)"
        );
        let args: Vec<String> = out[0].arg_list().iter().map(|a| format!("{a:?}")).collect();
        assert_eq!(args.len(), 5);
        assert_eq!(args[4], format!("{:?}", Arg::Int(3)));
    }

    #[test]
    fn one_write_stays_as_it_is_and_large_batches_split() {
        let one = combine(vec![sql!("DELETE FROM a WHERE id = $1", 1_i64)]);
        assert_eq!(one[0].text, "DELETE FROM a WHERE id = $1");
        let mut big = Sql::new("INSERT INTO a (x) VALUES ");
        big.values((0..20_000).map(|i| vec![Arg::Int(i)]));
        let mut other = Sql::new("INSERT INTO b (x) VALUES ");
        other.values((0..20_000).map(|i| vec![Arg::Int(i)]));
        assert_eq!(combine(vec![big, other]).len(), 2);
        assert!(combine(Vec::new()).is_empty());
    }
}
