//! A store group or product group as the store keeps it.

use patron_domain::groups::GroupKind;
use patron_domain::ids::TenantId;

/// A static group of stores or products. Its members are codes (store codes, product SKU
/// codes): the codes orders carry. Not enabled: members may change; enabled: frozen, and rules
/// may name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub tenant_id: TenantId,
    pub id: String,
    pub kind: GroupKind,
    pub name: String,
    pub all_items: bool,
    pub description: String,
    pub enabled_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl Group {
    pub fn enabled(&self) -> bool {
        self.enabled_at_ms.is_some()
    }
}
