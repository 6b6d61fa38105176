//! Store ports for customers, member accounts, tier records, point accounts, channel bindings
//! and imports.

use crate::error::AppResult;
use crate::members::model::{
    Binding, CustomerFilter, ImportJob, MemberAccount, Named, NamedRef, PointAccount, ProgramRefs,
    StoreRef, StoredCustomer, TierRecord,
};
use crate::model::{ListQuery, Page};
use async_trait::async_trait;
use patron_domain::channel::Channel;
use patron_domain::ids::{BindingId, CustomerId, ImportId, MemberId, TenantId};
use patron_domain::member::MemberStatus;

/// Reads of customers and members.
#[async_trait]
pub trait MembersReads: Send {
    /// A program by code, with its base tier and point groups.
    async fn program_refs(&mut self, t: TenantId, code: &str) -> AppResult<Option<ProgramRefs>>;
    /// A program by id, with its base tier and point groups.
    async fn program_refs_by_id(&mut self, t: TenantId, id: &str)
        -> AppResult<Option<ProgramRefs>>;
    async fn store_ref(&mut self, t: TenantId, code: &str) -> AppResult<Option<StoreRef>>;

    /// Programs, tiers, point groups or stores by id, to name them on pages.
    async fn named(&mut self, t: TenantId, kind: Named, ids: &[String])
        -> AppResult<Vec<NamedRef>>;

    async fn customer(&mut self, t: TenantId, id: CustomerId) -> AppResult<Option<StoredCustomer>>;
    async fn customer_by_phone(
        &mut self,
        t: TenantId,
        phone_index: &[u8],
    ) -> AppResult<Option<StoredCustomer>>;
    /// The customer holding the member account with this card number.
    async fn customer_by_card(
        &mut self,
        t: TenantId,
        card_no: &str,
    ) -> AppResult<Option<StoredCustomer>>;
    /// Which of these phone indexes a customer of the tenant has.
    async fn known_phones(
        &mut self,
        t: TenantId,
        phone_indexes: &[Vec<u8>],
    ) -> AppResult<Vec<Vec<u8>>>;
    async fn customers(
        &mut self,
        t: TenantId,
        filter: &CustomerFilter,
        q: &ListQuery,
    ) -> AppResult<Page<StoredCustomer>>;

    async fn member(&mut self, t: TenantId, id: MemberId) -> AppResult<Option<MemberAccount>>;
    async fn member_by_card(
        &mut self,
        t: TenantId,
        card_no: &str,
    ) -> AppResult<Option<MemberAccount>>;
    async fn member_of(
        &mut self,
        t: TenantId,
        program_id: &str,
        customer: CustomerId,
    ) -> AppResult<Option<MemberAccount>>;
    async fn members_of(
        &mut self,
        t: TenantId,
        customer: CustomerId,
    ) -> AppResult<Vec<MemberAccount>>;

    async fn tier_records_of(
        &mut self,
        t: TenantId,
        member: MemberId,
    ) -> AppResult<Vec<TierRecord>>;
    async fn point_accounts_of(
        &mut self,
        t: TenantId,
        member: MemberId,
    ) -> AppResult<Vec<PointAccount>>;

    async fn binding(&mut self, t: TenantId, id: BindingId) -> AppResult<Option<Binding>>;
    /// The bound account of a channel with this external id, if any.
    async fn active_binding(
        &mut self,
        t: TenantId,
        channel: Channel,
        external_id: &str,
    ) -> AppResult<Option<Binding>>;
    /// Which of these external ids of the channel are bound accounts.
    async fn bound_external_ids(
        &mut self,
        t: TenantId,
        channel: Channel,
        external_ids: &[String],
    ) -> AppResult<Vec<String>>;
    /// Bound accounts whose openid or unionid is `id`.
    async fn bindings_by_wechat_id(&mut self, t: TenantId, id: &str) -> AppResult<Vec<Binding>>;
    async fn bindings_of(&mut self, t: TenantId, customer: CustomerId) -> AppResult<Vec<Binding>>;

    async fn import_job(&mut self, t: TenantId, id: ImportId) -> AppResult<Option<ImportJob>>;
    async fn import_jobs(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<ImportJob>>;
    /// Jobs of every tenant still queued or running (after a restart: interrupted ones).
    async fn unfinished_imports(&mut self) -> AppResult<Vec<ImportJob>>;
    /// The uploaded file and the failure file of a job.
    async fn import_files(
        &mut self,
        t: TenantId,
        id: ImportId,
    ) -> AppResult<Option<(Vec<u8>, Option<Vec<u8>>)>>;
}

/// Writes of customers and members, inside a transaction.
#[async_trait]
pub trait MembersWrites: Send {
    /// Inserts the customer unless another customer of the tenant has the same phone; `false`
    /// then. Under a race, the loser waits for the winner and then sees its row.
    async fn insert_customer(&mut self, c: &StoredCustomer) -> AppResult<bool>;
    /// [`Self::insert_customer`] for many, in as few statements as the database allows; returns
    /// the ids of the customers inserted.
    async fn insert_customers(&mut self, cs: &[StoredCustomer]) -> AppResult<Vec<CustomerId>>;
    async fn update_customer(&mut self, c: &StoredCustomer) -> AppResult<()>;

    /// The next generated card number of the tenant.
    async fn next_card_no(&mut self, t: TenantId) -> AppResult<i64>;
    /// Inserts the member account; `false` (nothing written) when its card number is taken.
    async fn insert_member(&mut self, m: &MemberAccount) -> AppResult<bool>;
    /// [`Self::insert_member`] for many; returns the ids of the accounts inserted.
    async fn insert_members(&mut self, ms: &[MemberAccount]) -> AppResult<Vec<MemberId>>;
    async fn set_member_status(
        &mut self,
        t: TenantId,
        id: MemberId,
        status: MemberStatus,
        now_ms: i64,
    ) -> AppResult<()>;
    async fn insert_tier_record(&mut self, r: &TierRecord) -> AppResult<()>;
    /// New members' base tier records, point accounts and channel accounts, in as few
    /// statements as the database allows.
    async fn insert_openings(
        &mut self,
        tier_records: &[TierRecord],
        accounts: &[PointAccount],
        bindings: &[Binding],
    ) -> AppResult<()>;

    async fn insert_binding(&mut self, b: &Binding) -> AppResult<()>;
    /// Unbinds and, when `erase` is set, also removes the identifiers (PII erasure).
    async fn unbind(
        &mut self,
        t: TenantId,
        id: BindingId,
        now_ms: i64,
        erase: bool,
    ) -> AppResult<()>;

    async fn insert_import_job(&mut self, job: &ImportJob, content: &[u8]) -> AppResult<()>;
    async fn update_import_job(&mut self, job: &ImportJob) -> AppResult<()>;
    async fn save_import_failures(
        &mut self,
        t: TenantId,
        id: ImportId,
        failures: &[u8],
    ) -> AppResult<()>;
}
