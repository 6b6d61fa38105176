//! The records of customers and members as the store keeps them. A customer's PII is held
//! sealed (see `pii`); `profile` opens and masks it for whoever reads.

use patron_domain::channel::Channel;
use patron_domain::ids::{BindingId, CustomerId, ImportId, MemberId, TenantId};
use patron_domain::member::{MemberStatus, TierRecordType};
use patron_domain::person::Gender;

/// A customer row: sealed PII, blind indexes and the plain attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCustomer {
    pub tenant_id: TenantId,
    pub id: CustomerId,
    pub name_enc: Option<Vec<u8>>,
    pub name_index: Option<Vec<u8>>,
    pub phone_enc: Option<Vec<u8>>,
    pub phone_index: Option<Vec<u8>>,
    pub email_enc: Option<Vec<u8>>,
    pub email_index: Option<Vec<u8>>,
    pub birthday_enc: Option<Vec<u8>>,
    pub birth_month: Option<i64>,
    pub address_enc: Option<Vec<u8>>,
    pub id_number_enc: Option<Vec<u8>>,
    pub gender: Gender,
    pub province: Option<String>,
    pub city: Option<String>,
    pub source_channel: Channel,
    pub accepts_marketing: bool,
    pub is_employee: bool,
    pub is_test: bool,
    pub erased_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A member account (§8.3.1). References to other areas (program, stores) are their ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAccount {
    pub tenant_id: TenantId,
    pub id: MemberId,
    pub customer_id: CustomerId,
    pub program_id: String,
    pub card_no: String,
    pub status: MemberStatus,
    pub registered_at_ms: i64,
    pub registration_channel: Channel,
    pub registration_store_id: Option<String>,
    pub home_store_id: Option<String>,
    pub guide: Option<String>,
    pub first_purchase_at_ms: Option<i64>,
    pub last_purchase_at_ms: Option<i64>,
    pub retention_points: i64,
    pub retention_spend_fen: i64,
    pub retention_purchase_count: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A tier record (§7.1). At most one per member is active (TR-1, enforced by an index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierRecord {
    pub tenant_id: TenantId,
    pub id: String,
    pub member_id: MemberId,
    pub customer_id: CustomerId,
    pub program_id: String,
    pub tier_id: String,
    pub record_type: TierRecordType,
    /// `automatic` or `manual`.
    pub change_mode: String,
    pub tier_rule_id: Option<String>,
    pub effective_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub active: bool,
    pub created_at_ms: i64,
}

/// A point account (§8.3.3): one per member and point group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointAccount {
    pub tenant_id: TenantId,
    pub id: String,
    pub member_id: MemberId,
    pub customer_id: CustomerId,
    pub point_group_id: String,
    pub accumulated: i64,
    pub available: i64,
    pub expired: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A platform account of a customer (§8.3.4). Unbinding keeps the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub tenant_id: TenantId,
    pub id: BindingId,
    pub customer_id: CustomerId,
    pub channel: Channel,
    pub account_type: String,
    pub external_id: String,
    pub openid: Option<String>,
    pub unionid: Option<String>,
    pub nickname: Option<String>,
    pub store_id: Option<String>,
    pub bound: bool,
    pub bound_at_ms: i64,
    pub unbound_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// What registration needs to know about a program: its base tier and point groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramRefs {
    pub program_id: String,
    pub code: String,
    pub name: String,
    pub base_tier_id: Option<String>,
    pub point_group_ids: Vec<String>,
}

/// A store as members refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreRef {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// How a list of customers is narrowed. Searches are exact: PII is encrypted, so the database
/// can compare blind indexes but never scan text.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub phone_index: Option<Vec<u8>>,
    pub email_index: Option<Vec<u8>>,
    pub name_index: Option<Vec<u8>>,
    pub card_no: Option<String>,
}

/// A bulk import job and its progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJob {
    pub tenant_id: TenantId,
    pub id: ImportId,
    pub kind: String,
    pub program_id: String,
    pub file_name: String,
    pub format: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub created_rows: i64,
    pub merged_rows: i64,
    pub failed_rows: i64,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub finished_at_ms: Option<i64>,
}

/// What other areas' records a member page names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Program,
    Tier,
    PointGroup,
    Store,
}

/// A record of another area by id, with its code and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRef {
    pub id: String,
    pub code: String,
    pub name: String,
}
