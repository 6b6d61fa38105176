//! Store ports for store groups and product groups.
//!
//! Groups can be large (a product group may hold 100,000 SKUs), so nothing here loads a whole
//! group: members are read a page at a time or checked by the codes at hand, and whole-group
//! changes (the enabling snapshot, deletion) are single statements.

use crate::error::AppResult;
use crate::groups::model::{Candidate, Group, Member};
use crate::model::{ListQuery, Page};
use async_trait::async_trait;
use patron_domain::groups::GroupKind;
use patron_domain::ids::TenantId;

#[async_trait]
pub trait GroupsReads: Send {
    async fn group(&mut self, t: TenantId, id: &str) -> AppResult<Option<Group>>;
    /// Which of `codes` are members of the group (each at most once, in no particular order).
    async fn group_members_among(
        &mut self,
        t: TenantId,
        group_id: &str,
        codes: &[String],
    ) -> AppResult<Vec<String>>;
    /// The tenant's group of this kind and name (names are unique per kind).
    async fn group_named(
        &mut self,
        t: TenantId,
        kind: GroupKind,
        name: &str,
    ) -> AppResult<Option<Group>>;
    /// The tenant's groups, newest first, searched by name, of one kind or both.
    async fn groups(
        &mut self,
        t: TenantId,
        kind: Option<GroupKind>,
        q: &ListQuery,
    ) -> AppResult<Page<Group>>;
    async fn group_member_count(&mut self, t: TenantId, group_id: &str) -> AppResult<u64>;
    /// Whether the group has any member (reads one row at most).
    async fn group_has_members(&mut self, t: TenantId, group_id: &str) -> AppResult<bool>;
    /// The group's members by code, searched by code or item name, with the item's name.
    async fn group_members(
        &mut self,
        t: TenantId,
        kind: GroupKind,
        group_id: &str,
        q: &ListQuery,
    ) -> AppResult<Page<Member>>;
    /// The stores (products) of the tenant that are not members of the group, by code,
    /// searched by code or name.
    async fn group_candidates(
        &mut self,
        t: TenantId,
        kind: GroupKind,
        group_id: &str,
        q: &ListQuery,
    ) -> AppResult<Page<Candidate>>;
    /// Which of `codes` are store codes (product codes) of the tenant, in no particular order.
    async fn item_codes_among(
        &mut self,
        t: TenantId,
        kind: GroupKind,
        codes: &[String],
    ) -> AppResult<Vec<String>>;
    /// How many coupon rules name the group as their store or product scope.
    async fn group_references(&mut self, t: TenantId, group_id: &str) -> AppResult<u64>;
}

#[async_trait]
pub trait GroupsWrites: Send {
    async fn insert_group(&mut self, g: &Group) -> AppResult<()>;
    /// Writes name, description, all_items and updated_at_ms, unless the group has been enabled
    /// meanwhile with another `all_items`; false when nothing was written.
    async fn update_group(&mut self, g: &Group) -> AppResult<bool>;
    /// Holds a group that is not enabled against a concurrent enabling (or member change) until
    /// the transaction ends, changing nothing; false when it is enabled (or gone).
    async fn lock_open_group(&mut self, t: TenantId, id: &str) -> AppResult<bool>;
    /// Enables a group that is not enabled yet and answers it as stored now; `None` when it is
    /// enabled already (or gone).
    async fn enable_group(
        &mut self,
        t: TenantId,
        id: &str,
        now_ms: i64,
    ) -> AppResult<Option<Group>>;
    /// Adds every store (product) code of the tenant to the group; answers how many were new.
    async fn snapshot_group_members(
        &mut self,
        t: TenantId,
        kind: GroupKind,
        id: &str,
        now_ms: i64,
    ) -> AppResult<u64>;
    /// Adds the codes (distinct) that are not members yet; answers those added.
    async fn insert_group_members(
        &mut self,
        t: TenantId,
        id: &str,
        codes: &[String],
        now_ms: i64,
    ) -> AppResult<Vec<String>>;
    /// Removes the codes (distinct) that are members; answers those removed.
    async fn delete_group_members(
        &mut self,
        t: TenantId,
        id: &str,
        codes: &[String],
    ) -> AppResult<Vec<String>>;
    /// Deletes the group and its members.
    async fn delete_group(&mut self, t: TenantId, id: &str) -> AppResult<()>;
}
