//! Binding and unbinding a customer's platform accounts (§8.3.4). Unbinding keeps the row with
//! its unbind time, so the history of who held an account stays.

use super::model::Binding;
use super::register::{new_binding, BindingInput};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::ports::Tx;
use patron_domain::channel::Channel;
use patron_domain::ids::{BindingId, CustomerId};
use patron_domain::rbac::Permission;
use serde_json::json;

fn snapshot(b: &Binding) -> serde_json::Value {
    json!({
        "channel": b.channel.code(), "external_id": b.external_id, "bound": b.bound,
        "customer_id": b.customer_id.to_string(),
    })
}

pub async fn bind(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    customer: CustomerId,
    channel: &str,
    input: &BindingInput,
    store_code: Option<&str>,
) -> AppResult<Binding> {
    ctx.principal.require(Permission::CustomersUpdate)?;
    let t = ctx.principal.tenant()?;
    let channel = Channel::parse_field("channel", channel)?;
    let parsed = input.parse()?;
    let c = tx
        .customer(t, customer)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    if c.erased_at_ms.is_some() {
        return Err(AppError::conflict(
            "customer_erased",
            None,
            "this customer's personal data was erased",
        ));
    }
    if let Some(existing) = tx.active_binding(t, channel, &parsed.external_id).await? {
        if existing.customer_id == customer {
            return Ok(existing);
        }
        return Err(AppError::conflict(
            "binding_taken",
            Some("external_id"),
            "this channel account is bound to another customer; unbind it there first",
        ));
    }
    let store_id = match store_code.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => Some(
            tx.store_ref(t, code)
                .await?
                .ok_or_else(|| {
                    AppError::from(patron_domain::ValidationError::new(
                        "store",
                        "unknown_store",
                        format!("no store '{code}'"),
                    ))
                })?
                .id,
        ),
        None => None,
    };
    let b = new_binding(t, customer, channel, &parsed, store_id, ctx.now_ms);
    tx.insert_binding(&b).await?;
    audit::record(
        tx,
        ctx,
        Some(t),
        Change {
            action: "binding.create",
            object_type: "binding",
            object_id: b.id.to_string(),
            before: None,
            after: Some(snapshot(&b)),
        },
    )
    .await?;
    Ok(b)
}

pub async fn unbind(tx: &mut dyn Tx, ctx: &Ctx, id: BindingId) -> AppResult<Binding> {
    ctx.principal.require(Permission::CustomersUpdate)?;
    let t = ctx.principal.tenant()?;
    let before = tx
        .binding(t, id)
        .await?
        .ok_or(AppError::NotFound("binding"))?;
    if !before.bound {
        return Ok(before);
    }
    tx.unbind(t, id, ctx.now_ms, false).await?;
    let mut after = before.clone();
    after.bound = false;
    after.unbound_at_ms = Some(ctx.now_ms);
    after.updated_at_ms = ctx.now_ms;
    audit::record(
        tx,
        ctx,
        Some(t),
        Change {
            action: "binding.unbind",
            object_type: "binding",
            object_id: id.to_string(),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        },
    )
    .await?;
    Ok(after)
}
