//! The audit log: an append-only record of who changed which configuration or security object,
//! when, from where, with the state before and after.

use crate::context::Ctx;
use crate::error::AppResult;
use crate::model::{AuditEntry, AuditFilter, ListQuery, Page};
use crate::ports::{Store, Tx};
use crate::secrets::new_uuid;
use patron_domain::ids::{AuditId, TenantId};
use patron_domain::rbac::Permission;

/// What changed, for one audit entry.
pub struct Change<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Appends an entry in the caller's transaction, so the entry exists exactly when the change does.
pub async fn record(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    tenant: Option<TenantId>,
    change: Change<'_>,
) -> AppResult<()> {
    let actor = &ctx.principal.actor;
    let entry = AuditEntry {
        tenant_id: tenant,
        id: AuditId::from_uuid(new_uuid()),
        at_ms: ctx.now_ms,
        actor_kind: actor.kind().to_string(),
        actor_id: actor.id(),
        actor_name: actor.name().to_string(),
        action: change.action.to_string(),
        object_type: change.object_type.to_string(),
        object_id: change.object_id,
        before: change.before,
        after: change.after,
        ip: ctx.ip.clone(),
        request_id: ctx.request_id.clone(),
    };
    tx.append_audit(&entry).await
}

/// The tenant's audit log, newest first. The platform administrator reads platform entries.
pub async fn list(
    store: &dyn Store,
    ctx: &Ctx,
    filter: &AuditFilter,
    q: &ListQuery,
) -> AppResult<Page<AuditEntry>> {
    ctx.principal.require(Permission::AuditRead)?;
    store
        .reader()
        .await?
        .audit(ctx.principal.tenant, filter, q)
        .await
}
