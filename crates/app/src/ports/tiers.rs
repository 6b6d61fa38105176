//! Store ports for the tier engine (§7): the member's active tier record and the retention
//! counters that upgrades, refunds and the daily retention job move.

use crate::error::AppResult;
use crate::members::model::TierRecord;
use async_trait::async_trait;
use patron_domain::ids::{MemberId, TenantId};

pub use patron_domain::loyalty::upgrade::RetentionCounters;

#[async_trait]
pub trait TiersReads: Send {
    /// The member's one active tier record (TR-1), if any.
    async fn active_tier_record(
        &mut self,
        t: TenantId,
        member: MemberId,
    ) -> AppResult<Option<TierRecord>>;
    /// Every tier record of these members, active or not, by member and then oldest effective
    /// first: their tier history.
    async fn tier_history(
        &mut self,
        t: TenantId,
        members: &[MemberId],
    ) -> AppResult<Vec<TierRecord>>;
}

#[async_trait]
pub trait TiersWrites: Send {
    /// Takes the member's row for this transaction (PostgreSQL: its row lock), before reading
    /// the retention counters that will be written back, so concurrent events queue.
    async fn lock_member(&mut self, t: TenantId, member: MemberId) -> AppResult<()>;
    /// Sets the member's active tier record inactive; the caller inserts the new one next, in
    /// the same transaction, so one record stays active (TR-1).
    async fn deactivate_tier_records(&mut self, t: TenantId, member: MemberId) -> AppResult<()>;
    /// Replaces the member's retention counters.
    async fn set_retention(
        &mut self,
        t: TenantId,
        member: MemberId,
        c: RetentionCounters,
        now_ms: i64,
    ) -> AppResult<()>;
}
