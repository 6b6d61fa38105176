//! Inserts of new customers, member accounts, tier records and point accounts, many rows per
//! statement: a registration writes one of each, an import batch hundreds, and on PostgreSQL
//! every statement is a round trip whatever its size.

use crate::sql::{inserts, Arg, Sql};
use crate::writes::SqlTx;
use patron_app::members::model::{
    Binding, MemberAccount, PointAccount, StoredCustomer, TierRecord,
};
use patron_app::{AppError, AppResult};
use patron_domain::ids::{CustomerId, MemberId};

const CUSTOMER_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "name_enc",
    "name_index",
    "phone_enc",
    "phone_index",
    "email_enc",
    "email_index",
    "birthday_enc",
    "birth_month",
    "address_enc",
    "id_number_enc",
    "gender",
    "province",
    "city",
    "source_channel",
    "accepts_marketing",
    "is_employee",
    "is_test",
    "erased_at_ms",
    "created_at_ms",
    "updated_at_ms",
];

fn customer_row(c: &StoredCustomer) -> Vec<Arg> {
    vec![
        c.tenant_id.get().into(),
        c.id.to_string().into(),
        c.name_enc.clone().into(),
        c.name_index.clone().into(),
        c.phone_enc.clone().into(),
        c.phone_index.clone().into(),
        c.email_enc.clone().into(),
        c.email_index.clone().into(),
        c.birthday_enc.clone().into(),
        c.birth_month.into(),
        c.address_enc.clone().into(),
        c.id_number_enc.clone().into(),
        c.gender.as_str().into(),
        c.province.clone().into(),
        c.city.clone().into(),
        c.source_channel.code().into(),
        c.accepts_marketing.into(),
        c.is_employee.into(),
        c.is_test.into(),
        c.erased_at_ms.into(),
        c.created_at_ms.into(),
        c.updated_at_ms.into(),
    ]
}

const MEMBER_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "customer_id",
    "program_id",
    "card_no",
    "status",
    "registered_at_ms",
    "registration_channel",
    "registration_store_id",
    "home_store_id",
    "guide",
    "first_purchase_at_ms",
    "last_purchase_at_ms",
    "retention_points",
    "retention_spend_fen",
    "retention_purchase_count",
    "created_at_ms",
    "updated_at_ms",
];

fn member_row(m: &MemberAccount) -> Vec<Arg> {
    vec![
        m.tenant_id.get().into(),
        m.id.to_string().into(),
        m.customer_id.to_string().into(),
        (&m.program_id).into(),
        (&m.card_no).into(),
        m.status.as_str().into(),
        m.registered_at_ms.into(),
        m.registration_channel.code().into(),
        m.registration_store_id.clone().into(),
        m.home_store_id.clone().into(),
        m.guide.clone().into(),
        m.first_purchase_at_ms.into(),
        m.last_purchase_at_ms.into(),
        m.retention_points.into(),
        m.retention_spend_fen.into(),
        m.retention_purchase_count.into(),
        m.created_at_ms.into(),
        m.updated_at_ms.into(),
    ]
}

const TIER_RECORD_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "member_id",
    "customer_id",
    "program_id",
    "tier_id",
    "record_type",
    "change_mode",
    "tier_rule_id",
    "effective_at_ms",
    "expires_at_ms",
    "status",
    "created_at_ms",
];

fn tier_record_row(r: &TierRecord) -> Vec<Arg> {
    vec![
        r.tenant_id.get().into(),
        (&r.id).into(),
        r.member_id.to_string().into(),
        r.customer_id.to_string().into(),
        (&r.program_id).into(),
        (&r.tier_id).into(),
        r.record_type.as_str().into(),
        (&r.change_mode).into(),
        r.tier_rule_id.clone().into(),
        r.effective_at_ms.into(),
        r.expires_at_ms.into(),
        (if r.active { "active" } else { "inactive" }).into(),
        r.created_at_ms.into(),
    ]
}

const POINT_ACCOUNT_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "member_id",
    "customer_id",
    "point_group_id",
    "accumulated",
    "available",
    "expired",
    "created_at_ms",
    "updated_at_ms",
];

fn point_account_row(a: &PointAccount) -> Vec<Arg> {
    vec![
        a.tenant_id.get().into(),
        (&a.id).into(),
        a.member_id.to_string().into(),
        a.customer_id.to_string().into(),
        (&a.point_group_id).into(),
        a.accumulated.into(),
        a.available.into(),
        a.expired.into(),
        a.created_at_ms.into(),
        a.updated_at_ms.into(),
    ]
}

const BINDING_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "customer_id",
    "channel",
    "account_type",
    "external_id",
    "openid",
    "unionid",
    "nickname",
    "store_id",
    "bound",
    "bound_at_ms",
    "unbound_at_ms",
    "created_at_ms",
    "updated_at_ms",
];

fn binding_row(b: &Binding) -> Vec<Arg> {
    vec![
        b.tenant_id.get().into(),
        b.id.to_string().into(),
        b.customer_id.to_string().into(),
        b.channel.code().into(),
        (&b.account_type).into(),
        (&b.external_id).into(),
        b.openid.clone().into(),
        b.unionid.clone().into(),
        b.nickname.clone().into(),
        b.store_id.clone().into(),
        b.bound.into(),
        b.bound_at_ms.into(),
        b.unbound_at_ms.into(),
        b.created_at_ms.into(),
        b.updated_at_ms.into(),
    ]
}

fn insert_rows<T>(
    table: &str,
    columns: &[&str],
    items: &[T],
    row: fn(&T) -> Vec<Arg>,
    tail: &str,
) -> Vec<Sql> {
    let rows = items.iter().map(row).collect();
    inserts(table, &columns.join(", "), columns.len(), rows, tail)
}

/// The ids of the rows that `statements` (inserts ending `RETURNING id`) inserted.
async fn inserted_ids<Id>(
    tx: &mut SqlTx,
    statements: Vec<Sql>,
    what: &str,
    parse: fn(&str) -> Option<Id>,
) -> AppResult<Vec<Id>> {
    let mut inserted = Vec::new();
    for sql in statements {
        for row in tx.fetch(&sql).await? {
            let id = row.text("id")?;
            inserted.push(
                parse(&id)
                    .ok_or_else(|| AppError::Store(format!("{what} id '{id}' is not valid")))?,
            );
        }
    }
    Ok(inserted)
}

/// Inserts the customers whose phone no other customer of the tenant has; returns the ids of
/// those inserted.
pub(super) async fn insert_customers(
    tx: &mut SqlTx,
    customers: &[StoredCustomer],
) -> AppResult<Vec<CustomerId>> {
    let statements = insert_rows(
        "customers",
        CUSTOMER_COLUMNS,
        customers,
        customer_row,
        " ON CONFLICT (tenant_id, phone_index) DO NOTHING RETURNING id",
    );
    inserted_ids(tx, statements, "customer", CustomerId::parse).await
}

/// Inserts the member accounts whose card number is free; returns the ids of those inserted.
pub(super) async fn insert_members(
    tx: &mut SqlTx,
    members: &[MemberAccount],
) -> AppResult<Vec<MemberId>> {
    let statements = insert_rows(
        "member_accounts",
        MEMBER_COLUMNS,
        members,
        member_row,
        " ON CONFLICT (tenant_id, card_no) DO NOTHING RETURNING id",
    );
    inserted_ids(tx, statements, "member", MemberId::parse).await
}

/// New members' tier records, point accounts and channel accounts: independent new rows, so on
/// PostgreSQL they travel together. A channel account bound meanwhile by another transaction
/// fails the statement (its unique index), and with it the transaction.
pub(super) async fn insert_openings(
    tx: &mut SqlTx,
    tier_records: &[TierRecord],
    accounts: &[PointAccount],
    bindings: &[Binding],
) -> AppResult<()> {
    let mut parts = insert_rows(
        "tier_records",
        TIER_RECORD_COLUMNS,
        tier_records,
        tier_record_row,
        "",
    );
    parts.extend(insert_rows(
        "point_accounts",
        POINT_ACCOUNT_COLUMNS,
        accounts,
        point_account_row,
        "",
    ));
    parts.extend(insert_rows(
        "channel_bindings",
        BINDING_COLUMNS,
        bindings,
        binding_row,
        "",
    ));
    tx.exec_together(parts).await
}
