//! Reading, editing and erasing customers. Readers see PII masked unless their role holds
//! `customers:pii`; every read in clear is written to the audit log, as is every change.

use super::model::{Binding, CustomerFilter, MemberAccount, StoredCustomer};
use super::profile::{self, name_key, Profile, ProfileInput, ShownPii};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::pii::{Field, Pii};
use crate::ports::{Store, Tx};
use patron_domain::ids::CustomerId;
use patron_domain::member::parse_card_no;
use patron_domain::person::Phone;
use patron_domain::rbac::Permission;
use serde_json::json;

/// A customer as a reader sees it.
#[derive(Debug, Clone)]
pub struct CustomerView {
    pub customer: StoredCustomer,
    pub pii: ShownPii,
}

/// A customer with their member accounts and channel bindings (the 360° view's first tabs).
#[derive(Debug, Clone)]
pub struct CustomerDetails {
    pub view: CustomerView,
    pub members: Vec<MemberAccount>,
    pub bindings: Vec<Binding>,
}

/// Whether this reader sees PII in clear.
pub fn sees_clear(ctx: &Ctx) -> bool {
    ctx.principal.permissions.contains(Permission::CustomersPii)
}

/// Writes the audit entry of a read in clear (nothing when masked).
pub(crate) async fn audit_clear_read(
    store: &dyn Store,
    ctx: &Ctx,
    action: &str,
    ids: Vec<String>,
) -> AppResult<()> {
    if !sees_clear(ctx) || ids.is_empty() {
        return Ok(());
    }
    let t = ctx.principal.tenant()?;
    let mut tx = store.begin().await?;
    let object_id = if ids.len() == 1 {
        ids[0].clone()
    } else {
        String::new()
    };
    audit::record(
        &mut *tx,
        ctx,
        Some(t),
        Change {
            action,
            object_type: "customer",
            object_id,
            before: None,
            after: Some(json!({ "customers": ids })),
        },
    )
    .await?;
    tx.commit().await
}

pub async fn get(
    store: &dyn Store,
    ctx: &Ctx,
    pii: &Pii,
    id: CustomerId,
) -> AppResult<CustomerDetails> {
    ctx.principal.require(Permission::CustomersRead)?;
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let customer = r
        .customer(t, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    let members = r.members_of(t, id).await?;
    let bindings = r.bindings_of(t, id).await?;
    drop(r);
    let shown = profile::show(pii, &customer, sees_clear(ctx))?;
    audit_clear_read(store, ctx, "customer.pii_read", vec![id.to_string()]).await?;
    Ok(CustomerDetails {
        view: CustomerView {
            customer,
            pii: shown,
        },
        members,
        bindings,
    })
}

/// What a search box holds, as exact lookups: a phone, an email, a card number or a name.
pub fn filter_for(pii: &Pii, ctx: &Ctx, search: Option<&str>) -> AppResult<CustomerFilter> {
    let t = ctx.principal.tenant()?;
    let mut f = CustomerFilter::default();
    let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(f);
    };
    if let Ok(phone) = Phone::parse(s) {
        f.phone_index = Some(pii.index(t, Field::Phone, phone.as_str()));
    }
    if s.contains('@') {
        f.email_index = Some(pii.index(t, Field::Email, &s.to_lowercase()));
    }
    if let Ok(card) = parse_card_no(s) {
        f.card_no = Some(card);
    }
    f.name_index = Some(pii.index(t, Field::Name, &name_key(s)));
    Ok(f)
}

pub async fn list(
    store: &dyn Store,
    ctx: &Ctx,
    pii: &Pii,
    q: &ListQuery,
) -> AppResult<Page<CustomerView>> {
    ctx.principal.require(Permission::CustomersRead)?;
    let t = ctx.principal.tenant()?;
    let filter = filter_for(pii, ctx, q.search())?;
    let mut unfiltered = q.clone();
    unfiltered.search = None;
    let page = store
        .reader()
        .await?
        .customers(t, &filter, &unfiltered)
        .await?;
    let clear = sees_clear(ctx);
    let items = page
        .items
        .into_iter()
        .map(|c| {
            let pii = profile::show(pii, &c, clear)?;
            Ok(CustomerView { customer: c, pii })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let ids = items.iter().map(|v| v.customer.id.to_string()).collect();
    audit_clear_read(store, ctx, "customer.pii_list", ids).await?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

/// Non-PII attributes for audit snapshots; PII fields appear only by name.
fn snapshot(c: &StoredCustomer) -> serde_json::Value {
    json!({
        "gender": c.gender.as_str(), "province": c.province, "city": c.city,
        "accepts_marketing": c.accepts_marketing, "is_employee": c.is_employee, "is_test": c.is_test,
        "has_name": c.name_enc.is_some(), "has_phone": c.phone_enc.is_some(),
        "has_email": c.email_enc.is_some(), "has_birthday": c.birthday_enc.is_some(),
        "has_address": c.address_enc.is_some(),
    })
}

fn changed_pii_fields(p: &Profile) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (given, name) in [
        (p.name.is_some(), "name"),
        (p.phone.is_some(), "phone"),
        (p.email.is_some(), "email"),
        (p.birthday.is_some(), "birthday"),
        (p.address.is_some(), "address"),
        (p.id_number.is_some(), "id_number"),
    ] {
        if given {
            out.push(name);
        }
    }
    out
}

/// Edits the given profile fields. A phone that belongs to another customer is refused. The
/// answer shows the PII masked.
pub async fn update(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    pii: &Pii,
    id: CustomerId,
    input: &ProfileInput,
) -> AppResult<CustomerView> {
    ctx.principal.require(Permission::CustomersUpdate)?;
    let t = ctx.principal.tenant()?;
    let profile = Profile::parse(input, ctx.now_ms)?;
    let before = tx
        .customer(t, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    if before.erased_at_ms.is_some() {
        return Err(AppError::conflict(
            "customer_erased",
            None,
            "this customer's personal data was erased; the record can no longer be edited",
        ));
    }
    if let Some(phone) = &profile.phone {
        let ix = pii.index(t, Field::Phone, phone.as_str());
        if let Some(other) = tx.customer_by_phone(t, &ix).await? {
            if other.id != id {
                return Err(AppError::conflict(
                    "phone_taken",
                    Some("phone"),
                    "another customer has this phone number",
                ));
            }
        }
    }
    let mut after = before.clone();
    profile::apply(pii, &mut after, &profile, false);
    after.updated_at_ms = ctx.now_ms;
    tx.update_customer(&after).await?;
    let mut after_snapshot = snapshot(&after);
    after_snapshot["pii_changed"] = json!(changed_pii_fields(&profile));
    audit::record(
        tx,
        ctx,
        Some(t),
        Change {
            action: "customer.update",
            object_type: "customer",
            object_id: id.to_string(),
            before: Some(snapshot(&before)),
            after: Some(after_snapshot),
        },
    )
    .await?;
    // Masked for everyone: the answer to a change may be kept for idempotent replays, and
    // no PII may rest in clear.
    let shown = profile::show(pii, &after, false)?;
    Ok(CustomerView {
        customer: after,
        pii: shown,
    })
}

/// Erases the person's PII and unbinds their platform accounts (removing those identifiers);
/// the anonymous customer, members, orders and points stay.
pub async fn erase(tx: &mut dyn Tx, ctx: &Ctx, id: CustomerId) -> AppResult<StoredCustomer> {
    ctx.principal.require(Permission::CustomersErase)?;
    let t = ctx.principal.tenant()?;
    let before = tx
        .customer(t, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    if before.erased_at_ms.is_some() {
        return Ok(before);
    }
    let mut after = before.clone();
    profile::erase(&mut after, ctx.now_ms);
    tx.update_customer(&after).await?;
    for b in tx.bindings_of(t, id).await? {
        tx.unbind(t, b.id, ctx.now_ms, true).await?;
    }
    audit::record(
        tx,
        ctx,
        Some(t),
        Change {
            action: "customer.erase",
            object_type: "customer",
            object_id: id.to_string(),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        },
    )
    .await?;
    Ok(after)
}
