//! Runs a mutating request at most once per idempotency key.
//!
//! The key is claimed by inserting a row in the same transaction as the change, and the answer is
//! saved in that transaction too. A concurrent duplicate therefore waits on the claim (PostgreSQL
//! blocks the second insert on the unique key; SQLite has one writer) and then finds the saved
//! answer: it can never run the change a second time. A failed request rolls back its claim, so
//! the client may retry it with the same key.

use crate::error::{AppError, AppResult};
use crate::model::StoredResponse;
use crate::ports::{Store, Tx};
use futures::future::BoxFuture;
use patron_domain::idempotency::IdempotencyKey;

/// Where a key is unique: one principal's keys never collide with another's. Tenant 0 is the
/// platform.
#[derive(Debug, Clone)]
pub struct Scope {
    pub tenant: i64,
    pub principal: String,
}

impl Scope {
    pub fn of(principal: &crate::Principal) -> Self {
        let actor = &principal.actor;
        Self {
            tenant: principal.tenant.map_or(0, |t| t.get()),
            principal: format!("{}:{}", actor.kind(), actor.id().unwrap_or_default()),
        }
    }
}

/// The answer of an idempotent request, and whether it was replayed from an earlier run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub response: StoredResponse,
    pub replayed: bool,
}

/// Runs `op` in a transaction, once per `(scope, key)`. Without a key it simply runs.
/// `request_hash` identifies the request (method, path and body): the same key with another
/// request is refused with [`AppError::IdempotencyMismatch`].
pub async fn run<F>(
    store: &dyn Store,
    scope: &Scope,
    key: Option<&IdempotencyKey>,
    request_hash: &[u8],
    now_ms: i64,
    op: F,
) -> AppResult<Outcome>
where
    F: for<'a> FnOnce(&'a mut dyn Tx) -> BoxFuture<'a, AppResult<StoredResponse>> + Send,
{
    let mut tx = store.begin().await?;
    if let Some(key) = key {
        let claimed = tx
            .claim_idempotency_key(
                scope.tenant,
                &scope.principal,
                key.as_str(),
                request_hash,
                now_ms,
            )
            .await?;
        if !claimed {
            return match tx
                .idempotent_response(scope.tenant, &scope.principal, key.as_str())
                .await?
            {
                Some((hash, _)) if hash != request_hash => Err(AppError::IdempotencyMismatch),
                Some((_, Some(response))) => {
                    // Committing (nothing) waits until the saved answer is durable, where a
                    // store commits several transactions together.
                    tx.commit().await?;
                    Ok(Outcome {
                        response,
                        replayed: true,
                    })
                }
                _ => Err(AppError::IdempotencyInProgress),
            };
        }
    }
    let response = op(&mut *tx).await?;
    if let Some(key) = key {
        tx.save_idempotent_response(scope.tenant, &scope.principal, key.as_str(), &response)
            .await?;
    }
    tx.commit().await?;
    Ok(Outcome {
        response,
        replayed: false,
    })
}
