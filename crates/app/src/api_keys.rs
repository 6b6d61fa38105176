//! API keys: how integrations (POS, web shop, mini program) authenticate. Each key is bound to
//! one role. Verification is on every request, so it is one digest comparison plus a short-lived
//! in-memory cache of the key's principal; revoking a key clears it from the cache at once on
//! this node and within `CACHE_TTL_MS` on any other.

use crate::audit::{self, Change};
use crate::context::{Actor, Ctx, Principal};
use crate::error::{AppError, AppResult};
use crate::model::{ApiKey, ListQuery, Page};
use crate::ports::{Store, Tx};
use crate::secrets::{self, new_uuid};
use patron_domain::api_key;
use patron_domain::ids::{ApiKeyId, RoleId, TenantId};
use patron_domain::rbac::Permission;
use patron_domain::tenant::TenantStatus;
use patron_domain::user::Locale;
use serde_json::json;
use std::collections::HashMap;
use std::sync::RwLock;

/// How long a verified key is trusted without asking the database again.
pub const CACHE_TTL_MS: i64 = 5_000;

#[derive(Debug, Clone, Default)]
pub struct NewApiKey {
    pub name: String,
    pub role_id: String,
}

/// Creates a key. The token is returned here and never again.
pub async fn create(tx: &mut dyn Tx, ctx: &Ctx, input: NewApiKey) -> AppResult<(ApiKey, String)> {
    ctx.principal.require(Permission::ApiKeysCreate)?;
    let t = ctx.principal.tenant()?;
    let name = api_key::parse_name(&input.name)?;
    let bad_role = || {
        patron_domain::ValidationError::new(
            "role_id",
            "unknown_role",
            "is not a role of this tenant",
        )
    };
    let role_id = RoleId::parse(input.role_id.trim()).ok_or_else(bad_role)?;
    let role = tx.role(t, role_id).await?.ok_or_else(bad_role)?;
    ctx.principal.require_all(role.permissions)?;
    let secret = secrets::random_token();
    let key = ApiKey {
        tenant_id: t,
        id: ApiKeyId::from_uuid(new_uuid()),
        name,
        role_id,
        secret_hash: secrets::sha256(secret.as_bytes()),
        created_at_ms: ctx.now_ms,
        revoked_at_ms: None,
    };
    tx.insert_api_key(&key).await?;
    let change = Change {
        action: "api_key.create",
        object_type: "api_key",
        object_id: key.id.to_string(),
        before: None,
        after: Some(json!({"name": key.name, "role_id": key.role_id.to_string()})),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    let token = api_key::format_token(t, key.id, &secret);
    Ok((key, token))
}

pub async fn revoke(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    cache: &KeyCache,
    id: ApiKeyId,
) -> AppResult<ApiKey> {
    ctx.principal.require(Permission::ApiKeysRevoke)?;
    let t = ctx.principal.tenant()?;
    let mut key = tx
        .api_key(t, id)
        .await?
        .ok_or(AppError::NotFound("api_key"))?;
    if key.revoked_at_ms.is_some() {
        return Ok(key);
    }
    tx.revoke_api_key(t, id, ctx.now_ms).await?;
    key.revoked_at_ms = Some(ctx.now_ms);
    let change = Change {
        action: "api_key.revoke",
        object_type: "api_key",
        object_id: id.to_string(),
        before: Some(json!({"revoked": false})),
        after: Some(json!({"revoked": true})),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    cache.forget(t, id);
    Ok(key)
}

pub async fn list(store: &dyn Store, ctx: &Ctx, q: &ListQuery) -> AppResult<Page<ApiKey>> {
    ctx.principal.require(Permission::ApiKeysRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.api_keys(t, q).await
}

/// A verified key: the secret's digest, its principal and when it was verified.
type CachedKey = (Vec<u8>, Principal, i64);

/// Verified keys, by (tenant, key id).
#[derive(Default)]
pub struct KeyCache {
    entries: RwLock<HashMap<(TenantId, ApiKeyId), CachedKey>>,
}

impl KeyCache {
    fn get(&self, t: TenantId, id: ApiKeyId, now_ms: i64) -> Option<(Vec<u8>, Principal)> {
        let entries = self.entries.read().ok()?;
        let (hash, principal, at) = entries.get(&(t, id))?;
        (now_ms - at < CACHE_TTL_MS).then(|| (hash.clone(), principal.clone()))
    }

    fn put(&self, t: TenantId, id: ApiKeyId, hash: Vec<u8>, principal: Principal, now_ms: i64) {
        if let Ok(mut entries) = self.entries.write() {
            // Keys are few per tenant; a bound keeps a flood of forged ids from growing the map.
            if entries.len() > 10_000 {
                entries.clear();
            }
            entries.insert((t, id), (hash, principal, now_ms));
        }
    }

    pub fn forget(&self, t: TenantId, id: ApiKeyId) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(&(t, id));
        }
    }

    /// Drops everything: after a role's permissions or a tenant's status changed.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }
}

/// Verifies a presented token and returns the key's principal.
pub async fn authenticate(
    store: &dyn Store,
    cache: &KeyCache,
    token: &str,
    now_ms: i64,
) -> AppResult<Principal> {
    let (t, id, secret) = api_key::parse_token(token).ok_or(AppError::Unauthenticated)?;
    let presented = secrets::sha256(secret.as_bytes());
    if let Some((hash, principal)) = cache.get(t, id, now_ms) {
        return if secrets::digests_equal(&hash, &presented) {
            Ok(principal)
        } else {
            Err(AppError::Unauthenticated)
        };
    }
    let mut reader = store.reader().await?;
    let key = reader
        .api_key(t, id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if key.revoked_at_ms.is_some() || !secrets::digests_equal(&key.secret_hash, &presented) {
        return Err(AppError::Unauthenticated);
    }
    let tenant = reader.tenant(t).await?.ok_or(AppError::Unauthenticated)?;
    if tenant.status != TenantStatus::Active {
        return Err(AppError::Unauthenticated);
    }
    let role = reader
        .role(t, key.role_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let principal = Principal {
        actor: Actor::ApiKey {
            id,
            name: key.name.clone(),
        },
        tenant: Some(t),
        permissions: role.permissions,
        locale: Locale::En,
    };
    cache.put(t, id, key.secret_hash, principal.clone(), now_ms);
    Ok(principal)
}
