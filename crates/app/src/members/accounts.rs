//! Member accounts: details with tier records and point accounts, lookup by card, phone or
//! channel account, and status changes (freeze, unfreeze, cancel), each audited.

use super::customers::{self, sees_clear, CustomerView};
use super::model::{MemberAccount, Named, NamedRef, PointAccount, TierRecord};
use super::profile;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::pii::{Field, Pii};
use crate::ports::{Store, Tx};
use patron_domain::channel::Channel;
use patron_domain::ids::MemberId;
use patron_domain::member::StatusChange;
use patron_domain::person::Phone;
use patron_domain::rbac::Permission;
use patron_domain::ValidationError;
use serde_json::json;

/// A member account with what its tabs show.
#[derive(Debug, Clone)]
pub struct MemberDetails {
    pub member: MemberAccount,
    pub tier_records: Vec<TierRecord>,
    pub point_accounts: Vec<PointAccount>,
    /// The registration and home stores, when set.
    pub stores: Vec<NamedRef>,
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: MemberId) -> AppResult<MemberDetails> {
    ctx.principal.require(Permission::CustomersRead)?;
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let member = r.member(t, id).await?.ok_or(AppError::NotFound("member"))?;
    let tier_records = r.tier_records_of(t, id).await?;
    let point_accounts = r.point_accounts_of(t, id).await?;
    let ids: Vec<String> = [&member.registration_store_id, &member.home_store_id]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let stores = r.named(t, Named::Store, &ids).await?;
    Ok(MemberDetails {
        member,
        tier_records,
        point_accounts,
        stores,
    })
}

/// What a lookup searches by; exactly one must be given.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    pub card_no: Option<String>,
    pub phone: Option<String>,
    pub channel: Option<String>,
    pub external_id: Option<String>,
    /// A WeChat openid or unionid.
    pub wechat_id: Option<String>,
}

/// The customer found and their member accounts.
#[derive(Debug, Clone)]
pub struct Found {
    pub customer: CustomerView,
    pub members: Vec<MemberAccount>,
}

/// Finds a member by card number, phone, or a channel account. Nothing found is `NotFound`.
pub async fn lookup(store: &dyn Store, ctx: &Ctx, pii: &Pii, l: &Lookup) -> AppResult<Found> {
    ctx.principal.require(Permission::CustomersRead)?;
    let t = ctx.principal.tenant()?;
    let given = [
        l.card_no.is_some(),
        l.phone.is_some(),
        l.external_id.is_some(),
        l.wechat_id.is_some(),
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if given != 1 {
        return Err(ValidationError::new(
            "card_no",
            "lookup_key_required",
            "give exactly one of card_no, phone, channel with external_id, or wechat_id",
        )
        .into());
    }
    let mut r = store.reader().await?;
    // The phone and card lookups yield the customer itself; the others name it, read next.
    let customer = if let Some(phone) = &l.phone {
        let phone = Phone::parse(phone)?;
        r.customer_by_phone(t, &pii.index(t, Field::Phone, phone.as_str()))
            .await?
    } else if let Some(card) = &l.card_no {
        r.customer_by_card(t, card.trim()).await?
    } else {
        let customer_id = if let Some(ext) = &l.external_id {
            let channel =
                Channel::parse_field("channel", l.channel.as_deref().unwrap_or_default())?;
            r.active_binding(t, channel, ext.trim())
                .await?
                .map(|b| b.customer_id)
        } else {
            let id = l.wechat_id.as_deref().unwrap_or_default().trim();
            r.bindings_by_wechat_id(t, id)
                .await?
                .first()
                .map(|b| b.customer_id)
        };
        match customer_id {
            Some(id) => r.customer(t, id).await?,
            None => None,
        }
    };
    let customer = customer.ok_or(AppError::NotFound("member"))?;
    let customer_id = customer.id;
    let members = r.members_of(t, customer_id).await?;
    drop(r);
    let clear = sees_clear(ctx);
    let shown = profile::show(pii, &customer, clear)?;
    customers::audit_clear_read(
        store,
        ctx,
        "customer.pii_read",
        vec![customer_id.to_string()],
    )
    .await?;
    Ok(Found {
        customer: CustomerView {
            customer,
            pii: shown,
        },
        members,
    })
}

/// Freezes, unfreezes or cancels a member, with the operator's reason in the audit log.
pub async fn change_status(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: MemberId,
    change: StatusChange,
    reason: Option<&str>,
) -> AppResult<MemberAccount> {
    ctx.principal.require(Permission::CustomersUpdate)?;
    let t = ctx.principal.tenant()?;
    let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(patron_domain::text::bounded("reason", r, 1, 200)?),
        None => None,
    };
    let before = tx
        .member(t, id)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    let status = before.status.apply(change)?;
    tx.set_member_status(t, id, status, ctx.now_ms).await?;
    let mut after = before.clone();
    after.status = status;
    after.updated_at_ms = ctx.now_ms;
    let action = match change {
        StatusChange::Freeze => "member.freeze",
        StatusChange::Unfreeze => "member.unfreeze",
        StatusChange::Cancel => "member.cancel",
    };
    audit::record(
        tx,
        ctx,
        Some(t),
        Change {
            action,
            object_type: "member",
            object_id: id.to_string(),
            before: Some(json!({ "status": before.status.as_str(), "card_no": before.card_no })),
            after: Some(json!({ "status": status.as_str(), "reason": reason })),
        },
    )
    .await?;
    Ok(after)
}
