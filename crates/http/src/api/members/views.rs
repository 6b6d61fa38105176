//! JSON shapes of customers, members, tier records, point accounts and bindings. PII fields
//! carry masked values unless `pii_masked` is false.

use crate::views::rfc3339;
use patron_app::members::customers::{CustomerDetails, CustomerView as Shown};
use patron_app::members::model::{Binding, MemberAccount, PointAccount, TierRecord};
use patron_app::model::Page;
use serde::Serialize;
use utoipa::ToSchema;

/// Fen as a decimal yuan string, e.g. 123456 → "1234.56".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerView {
    pub id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// `YYYY-MM-DD` (masked: `****-MM-**`).
    pub birthday: Option<String>,
    pub address: Option<String>,
    pub id_number: Option<String>,
    /// False when the caller holds `customers:pii`: the values above are then in clear.
    pub pii_masked: bool,
    /// `male`, `female` or `unknown`.
    pub gender: String,
    pub province: Option<String>,
    pub city: Option<String>,
    /// The channel the customer first came from.
    pub source_channel: String,
    pub accepts_marketing: bool,
    pub is_employee: bool,
    pub is_test: bool,
    /// When the person's PII was erased, if it was.
    pub erased_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Shown> for CustomerView {
    fn from(v: &Shown) -> Self {
        let c = &v.customer;
        Self {
            id: c.id.to_string(),
            name: v.pii.name.clone(),
            phone: v.pii.phone.clone(),
            email: v.pii.email.clone(),
            birthday: v.pii.birthday.clone(),
            address: v.pii.address.clone(),
            id_number: v.pii.id_number.clone(),
            pii_masked: !v.pii.clear,
            gender: c.gender.as_str().into(),
            province: c.province.clone(),
            city: c.city.clone(),
            source_channel: c.source_channel.code().into(),
            accepts_marketing: c.accepts_marketing,
            is_employee: c.is_employee,
            is_test: c.is_test,
            erased_at: c.erased_at_ms.map(rfc3339),
            created_at: rfc3339(c.created_at_ms),
            updated_at: rfc3339(c.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub id: String,
    pub customer_id: String,
    pub program_id: String,
    pub card_no: String,
    /// `normal`, `frozen` or `cancelled`.
    pub status: String,
    pub registered_at: String,
    pub registration_channel: String,
    pub registration_store_id: Option<String>,
    pub home_store_id: Option<String>,
    pub guide: Option<String>,
    pub first_purchase_at: Option<String>,
    pub last_purchase_at: Option<String>,
    /// Retention counters (§7.2): points, spend in yuan, purchases within the tier's validity.
    pub retention_points: i64,
    pub retention_spend: String,
    pub retention_purchase_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&MemberAccount> for MemberView {
    fn from(m: &MemberAccount) -> Self {
        Self {
            id: m.id.to_string(),
            customer_id: m.customer_id.to_string(),
            program_id: m.program_id.clone(),
            card_no: m.card_no.clone(),
            status: m.status.as_str().into(),
            registered_at: rfc3339(m.registered_at_ms),
            registration_channel: m.registration_channel.code().into(),
            registration_store_id: m.registration_store_id.clone(),
            home_store_id: m.home_store_id.clone(),
            guide: m.guide.clone(),
            first_purchase_at: m.first_purchase_at_ms.map(rfc3339),
            last_purchase_at: m.last_purchase_at_ms.map(rfc3339),
            retention_points: m.retention_points,
            retention_spend: yuan(m.retention_spend_fen),
            retention_purchase_count: m.retention_purchase_count,
            created_at: rfc3339(m.created_at_ms),
            updated_at: rfc3339(m.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierRecordView {
    pub id: String,
    pub tier_id: String,
    /// `base`, `upgrade`, `retention` or `downgrade`.
    pub record_type: String,
    /// `automatic` or `manual`.
    pub change_mode: String,
    pub tier_rule_id: Option<String>,
    pub effective_at: String,
    /// Absent for tiers that never expire (the base tier).
    pub expires_at: Option<String>,
    /// `active` or `inactive`; one record per member is active.
    pub status: String,
}

impl From<&TierRecord> for TierRecordView {
    fn from(r: &TierRecord) -> Self {
        Self {
            id: r.id.clone(),
            tier_id: r.tier_id.clone(),
            record_type: r.record_type.as_str().into(),
            change_mode: r.change_mode.clone(),
            tier_rule_id: r.tier_rule_id.clone(),
            effective_at: rfc3339(r.effective_at_ms),
            expires_at: r.expires_at_ms.map(rfc3339),
            status: if r.active { "active" } else { "inactive" }.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointAccountView {
    pub id: String,
    pub point_group_id: String,
    pub accumulated: i64,
    pub available: i64,
    pub expired: i64,
    pub created_at: String,
}

impl From<&PointAccount> for PointAccountView {
    fn from(a: &PointAccount) -> Self {
        Self {
            id: a.id.clone(),
            point_group_id: a.point_group_id.clone(),
            accumulated: a.accumulated,
            available: a.available,
            expired: a.expired,
            created_at: rfc3339(a.created_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BindingView {
    pub id: String,
    pub customer_id: String,
    pub channel: String,
    /// The platform: `wechat`, `alipay`, `tmall`…
    pub account_type: String,
    pub external_id: String,
    pub openid: Option<String>,
    pub unionid: Option<String>,
    pub nickname: Option<String>,
    pub store_id: Option<String>,
    pub bound: bool,
    pub bound_at: String,
    pub unbound_at: Option<String>,
}

impl From<&Binding> for BindingView {
    fn from(b: &Binding) -> Self {
        Self {
            id: b.id.to_string(),
            customer_id: b.customer_id.to_string(),
            channel: b.channel.code().into(),
            account_type: b.account_type.clone(),
            external_id: b.external_id.clone(),
            openid: b.openid.clone(),
            unionid: b.unionid.clone(),
            nickname: b.nickname.clone(),
            store_id: b.store_id.clone(),
            bound: b.bound,
            bound_at: rfc3339(b.bound_at_ms),
            unbound_at: b.unbound_at_ms.map(rfc3339),
        }
    }
}

/// A customer with their members and bindings.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetailView {
    pub customer: CustomerView,
    pub members: Vec<MemberView>,
    pub bindings: Vec<BindingView>,
}

impl From<&CustomerDetails> for CustomerDetailView {
    fn from(d: &CustomerDetails) -> Self {
        Self {
            customer: CustomerView::from(&d.view),
            members: d.members.iter().map(MemberView::from).collect(),
            bindings: d.bindings.iter().map(BindingView::from).collect(),
        }
    }
}

/// The answer to a registration.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    pub member: MemberView,
    pub customer: CustomerView,
    /// False when the person was already a member of the program (nothing was changed).
    pub created_member: bool,
    /// False when the person was a known customer (a new channel was bound to them).
    pub created_customer: bool,
}

/// A member with its tier records and point accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDetailView {
    pub member: MemberView,
    pub tier_records: Vec<TierRecordView>,
    pub point_accounts: Vec<PointAccountView>,
}

/// A lookup's result: the customer and their member accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupView {
    pub customer: CustomerView,
    pub members: Vec<MemberView>,
}

/// One page of customers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerPage {
    pub items: Vec<CustomerView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

impl From<&Page<Shown>> for CustomerPage {
    fn from(p: &Page<Shown>) -> Self {
        Self {
            items: p.items.iter().map(CustomerView::from).collect(),
            next_cursor: p.next_cursor.clone(),
            total: p.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::yuan;

    #[test]
    fn fen_print_as_yuan() {
        assert_eq!(yuan(123_456), "1234.56");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(-200), "-2.00");
    }
}
