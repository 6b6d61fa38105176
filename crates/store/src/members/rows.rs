//! Row mapping of customers, member accounts, tier records, point accounts, bindings and imports.

use crate::row::Row;
use patron_app::members::model::{
    Binding, ImportJob, MemberAccount, PointAccount, StoredCustomer, TierRecord,
};
use patron_app::{AppError, AppResult};
use patron_domain::channel::Channel;
use patron_domain::ids::{BindingId, CustomerId, ImportId, MemberId, TenantId};
use patron_domain::member::{MemberStatus, TierRecordType};
use patron_domain::person::Gender;

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Store(format!("stored {what} '{value}' is not valid"))
}

macro_rules! id {
    ($ty:ty, $row:expr, $col:expr) => {{
        let raw = $row.text($col)?;
        <$ty>::parse(&raw).ok_or_else(|| corrupt($col, &raw))?
    }};
}

fn channel(row: &Row, col: &str) -> AppResult<Channel> {
    let raw = row.text(col)?;
    Channel::parse(&raw).ok_or_else(|| corrupt(col, &raw))
}

pub(crate) fn customer(row: &Row) -> AppResult<StoredCustomer> {
    let gender = row.text("gender")?;
    Ok(StoredCustomer {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id!(CustomerId, row, "id"),
        name_enc: row.opt_bytes("name_enc")?,
        name_index: row.opt_bytes("name_index")?,
        phone_enc: row.opt_bytes("phone_enc")?,
        phone_index: row.opt_bytes("phone_index")?,
        email_enc: row.opt_bytes("email_enc")?,
        email_index: row.opt_bytes("email_index")?,
        birthday_enc: row.opt_bytes("birthday_enc")?,
        birth_month: row.opt_i64("birth_month")?,
        address_enc: row.opt_bytes("address_enc")?,
        id_number_enc: row.opt_bytes("id_number_enc")?,
        gender: Gender::parse(&gender).map_err(|_| corrupt("gender", &gender))?,
        province: row.opt_text("province")?,
        city: row.opt_text("city")?,
        source_channel: channel(row, "source_channel")?,
        accepts_marketing: row.bool("accepts_marketing")?,
        is_employee: row.bool("is_employee")?,
        is_test: row.bool("is_test")?,
        erased_at_ms: row.opt_i64("erased_at_ms")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn member(row: &Row) -> AppResult<MemberAccount> {
    let status = row.text("status")?;
    Ok(MemberAccount {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id!(MemberId, row, "id"),
        customer_id: id!(CustomerId, row, "customer_id"),
        program_id: row.text("program_id")?,
        card_no: row.text("card_no")?,
        status: MemberStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        registered_at_ms: row.i64("registered_at_ms")?,
        registration_channel: channel(row, "registration_channel")?,
        registration_store_id: row.opt_text("registration_store_id")?,
        home_store_id: row.opt_text("home_store_id")?,
        guide: row.opt_text("guide")?,
        first_purchase_at_ms: row.opt_i64("first_purchase_at_ms")?,
        last_purchase_at_ms: row.opt_i64("last_purchase_at_ms")?,
        retention_points: row.i64("retention_points")?,
        retention_spend_fen: row.i64("retention_spend_fen")?,
        retention_purchase_count: row.i64("retention_purchase_count")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn tier_record(row: &Row) -> AppResult<TierRecord> {
    let kind = row.text("record_type")?;
    Ok(TierRecord {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        member_id: id!(MemberId, row, "member_id"),
        customer_id: id!(CustomerId, row, "customer_id"),
        program_id: row.text("program_id")?,
        tier_id: row.text("tier_id")?,
        record_type: TierRecordType::parse(&kind).ok_or_else(|| corrupt("record_type", &kind))?,
        change_mode: row.text("change_mode")?,
        tier_rule_id: row.opt_text("tier_rule_id")?,
        effective_at_ms: row.i64("effective_at_ms")?,
        expires_at_ms: row.opt_i64("expires_at_ms")?,
        active: row.text("status")? == "active",
        created_at_ms: row.i64("created_at_ms")?,
    })
}

pub(crate) fn point_account(row: &Row) -> AppResult<PointAccount> {
    Ok(PointAccount {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        member_id: id!(MemberId, row, "member_id"),
        customer_id: id!(CustomerId, row, "customer_id"),
        point_group_id: row.text("point_group_id")?,
        accumulated: row.i64("accumulated")?,
        available: row.i64("available")?,
        expired: row.i64("expired")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn binding(row: &Row) -> AppResult<Binding> {
    Ok(Binding {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id!(BindingId, row, "id"),
        customer_id: id!(CustomerId, row, "customer_id"),
        channel: channel(row, "channel")?,
        account_type: row.text("account_type")?,
        external_id: row.text("external_id")?,
        openid: row.opt_text("openid")?,
        unionid: row.opt_text("unionid")?,
        nickname: row.opt_text("nickname")?,
        store_id: row.opt_text("store_id")?,
        bound: row.bool("bound")?,
        bound_at_ms: row.i64("bound_at_ms")?,
        unbound_at_ms: row.opt_i64("unbound_at_ms")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn import_job(row: &Row) -> AppResult<ImportJob> {
    Ok(ImportJob {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: id!(ImportId, row, "id"),
        kind: row.text("kind")?,
        program_id: row.text("program_id")?,
        file_name: row.text("file_name")?,
        format: row.text("format")?,
        status: row.text("status")?,
        total_rows: row.i64("total_rows")?,
        processed_rows: row.i64("processed_rows")?,
        created_rows: row.i64("created_rows")?,
        merged_rows: row.i64("merged_rows")?,
        failed_rows: row.i64("failed_rows")?,
        error: row.opt_text("error")?,
        created_by: row.text("created_by")?,
        created_at_ms: row.i64("created_at_ms")?,
        started_at_ms: row.opt_i64("started_at_ms")?,
        finished_at_ms: row.opt_i64("finished_at_ms")?,
    })
}
