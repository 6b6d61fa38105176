//! Store ports for the points ledger: point records, their relations and the account balances.

use crate::error::AppResult;
use crate::members::model::PointAccount;
use crate::model::{ListQuery, Page};
use crate::points::model::{Discrepancy, PointRecord, PointRelation};
use async_trait::async_trait;
use patron_domain::ids::{MemberId, TenantId};
use patron_domain::points::Balances;

#[async_trait]
pub trait PointsReads: Send {
    /// The member's account in a point group.
    async fn point_account(
        &mut self,
        t: TenantId,
        member: MemberId,
        point_group: &str,
    ) -> AppResult<Option<PointAccount>>;
    /// A member's records, newest first.
    async fn point_records(
        &mut self,
        t: TenantId,
        member: MemberId,
        q: &ListQuery,
    ) -> AppResult<Page<PointRecord>>;
    async fn point_record(&mut self, t: TenantId, id: &str) -> AppResult<Option<PointRecord>>;
    /// Relations the record takes part in, as target or as source.
    async fn relations_of(&mut self, t: TenantId, record: &str) -> AppResult<Vec<PointRelation>>;
    /// The records giving points back for a cancelled redemption.
    async fn cancellations_of(
        &mut self,
        t: TenantId,
        redemption: &str,
    ) -> AppResult<Vec<PointRecord>>;
    /// The account's increase records with points remaining (FIFO candidates).
    async fn open_earnings(&mut self, t: TenantId, account: &str) -> AppResult<Vec<PointRecord>>;
    /// Up to `limit` places where the stored ledger disagrees with its own records (see
    /// `points::verify`), across all tenants.
    async fn point_discrepancies(&mut self, limit: u32) -> AppResult<Vec<Discrepancy>>;
    /// The account's decrease records with debt left, oldest first.
    async fn open_debts(&mut self, t: TenantId, account: &str) -> AppResult<Vec<PointRecord>>;
}

#[async_trait]
pub trait PointsWrites: Send {
    /// Takes the member's account in the group for this transaction (PostgreSQL: its row lock)
    /// and returns it as it stands under the lock, before its open records are read, so
    /// concurrent postings to one account happen one after another. `None` when there is no
    /// such account.
    async fn lock_point_account(
        &mut self,
        t: TenantId,
        member: MemberId,
        point_group: &str,
    ) -> AppResult<Option<PointAccount>>;
    /// Inserts the account unless the member has one in its point group already (a concurrent
    /// transaction may have opened it): never a duplicate, never an error for the race.
    async fn open_point_account(&mut self, account: &PointAccount) -> AppResult<()>;
    /// Inserts the records in as few statements as their number allows.
    async fn insert_point_records(&mut self, rs: &[PointRecord]) -> AppResult<()>;
    async fn insert_point_relations(&mut self, rs: &[PointRelation]) -> AppResult<()>;
    async fn set_remaining(&mut self, t: TenantId, record: &str, remaining: i64) -> AppResult<()>;
    async fn set_debt(&mut self, t: TenantId, record: &str, debt: i64) -> AppResult<()>;
    async fn set_point_balances(
        &mut self,
        t: TenantId,
        account: &str,
        b: Balances,
        now_ms: i64,
    ) -> AppResult<()>;
    /// Everything postings to one account write, together (one round trip where the database
    /// allows): the records, their relations, the sources' remaining points and the debts left
    /// (each (record, value), distinct from the new records), then the account's balances.
    #[allow(clippy::too_many_arguments)]
    async fn post_points(
        &mut self,
        t: TenantId,
        account: &str,
        records: &[PointRecord],
        relations: &[PointRelation],
        remaining: &[(String, i64)],
        debts: &[(String, i64)],
        b: Balances,
        now_ms: i64,
    ) -> AppResult<()>;
}
