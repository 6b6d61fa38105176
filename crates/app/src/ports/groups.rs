//! Store ports for store groups and product groups.

use crate::error::AppResult;
use crate::groups::model::Group;
use async_trait::async_trait;
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
}

#[async_trait]
pub trait GroupsWrites: Send {}
