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

/// A group with how many members it has (one count over the group's slice of the primary key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDetail {
    pub group: Group,
    pub member_count: u64,
}

/// A new group. Its kind comes from the route (store groups or product groups).
#[derive(Debug, Clone, Default)]
pub struct NewGroup {
    pub name: String,
    pub description: String,
    /// 是否全部门店 / 是否全部商品: every item of the tenant when enabled.
    pub all_items: bool,
}

/// Changes to a group; `None` keeps a field. Name and description can always change;
/// `all_items` only while the group is not enabled.
#[derive(Debug, Clone, Default)]
pub struct GroupPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub all_items: Option<bool>,
}

/// What adding codes did, each list in the order the codes were sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddedMembers {
    pub added: Vec<String>,
    /// Known codes that were members already: nothing changed for them.
    pub already_members: Vec<String>,
    /// Codes that are no store (product) of the tenant: not added.
    pub unknown: Vec<String>,
}

/// What removing codes did, each list in the order the codes were sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemovedMembers {
    pub removed: Vec<String>,
    pub not_members: Vec<String>,
}

/// A member of a group, with the item's name from master data (`None` if it has gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub code: String,
    pub name: Option<String>,
    pub added_at_ms: i64,
}

/// A store or product that is not a member of the group yet: a row of the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub code: String,
    pub name: String,
    /// The master data status: `open`/`closed` for stores, `active`/`inactive` for products.
    pub status: String,
    /// Products only.
    pub category_code: Option<String>,
}
