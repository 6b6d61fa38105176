//! The store ports: what use cases need from storage. The SQL implementation lives in
//! `patron-store`; reads go to a pool, writes to a transaction that the use case commits.
//!
//! Each area of the product has its own pair of traits (`jobs`, `loyalty`, `master_data`,
//! `members`, `orders`, `point_rules`, `points`, `tiers`, `groups`, `coupons`);
//! `Reads` and `Tx` gather them, so a use case still takes one reader or one transaction.

pub mod coupons;
pub mod groups;
pub mod jobs;
pub mod loyalty;
pub mod master_data;
pub mod members;
pub mod orders;
pub mod point_rules;
pub mod points;
pub mod tiers;

pub use coupons::{CouponsReads, CouponsWrites};
pub use groups::{GroupsReads, GroupsWrites};
pub use jobs::{JobsReads, JobsWrites};
pub use loyalty::{LoyaltyReads, LoyaltyWrites};
pub use master_data::{MasterDataReads, MasterDataWrites};
pub use members::{MembersReads, MembersWrites};
pub use orders::{OrdersReads, OrdersWrites};
pub use point_rules::{PointRulesReads, PointRulesWrites};
pub use points::{PointsReads, PointsWrites};
pub use tiers::{RetentionCounters, TiersReads, TiersWrites};

use crate::error::AppResult;
use crate::model::{
    ApiKey, AuditEntry, AuditFilter, ListQuery, Page, PlatformAdmin, Role, Session, StoredResponse,
    Tenant, User, UserCredentials,
};
use async_trait::async_trait;
use patron_domain::ids::{ApiKeyId, PlatformAdminId, RoleId, TenantId, UserId};
use patron_domain::login::Throttle;

/// Reads, available both outside and inside a transaction.
#[async_trait]
pub trait Reads:
    LoyaltyReads
    + MasterDataReads
    + MembersReads
    + OrdersReads
    + PointsReads
    + PointRulesReads
    + TiersReads
    + JobsReads
    + GroupsReads
    + CouponsReads
    + Send
{
    async fn tenant(&mut self, id: TenantId) -> AppResult<Option<Tenant>>;
    async fn tenant_by_code(&mut self, code: &str) -> AppResult<Option<Tenant>>;
    async fn tenants(&mut self, q: &ListQuery) -> AppResult<Page<Tenant>>;

    async fn user(&mut self, t: TenantId, id: UserId) -> AppResult<Option<User>>;
    async fn user_credentials(
        &mut self,
        t: TenantId,
        login_name: &str,
    ) -> AppResult<Option<UserCredentials>>;
    async fn users(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<User>>;

    async fn role(&mut self, t: TenantId, id: RoleId) -> AppResult<Option<Role>>;
    async fn role_by_key(&mut self, t: TenantId, key: &str) -> AppResult<Option<Role>>;
    async fn roles(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<Role>>;
    /// Every role of the tenant, for forms and permission checks (a tenant has tens, not millions).
    async fn all_roles(&mut self, t: TenantId) -> AppResult<Vec<Role>>;
    /// How many active users hold the role.
    async fn active_users_with_role(&mut self, t: TenantId, id: RoleId) -> AppResult<u64>;
    /// How many users and API keys hold the role.
    async fn role_usage(&mut self, t: TenantId, id: RoleId) -> AppResult<u64>;

    async fn api_key(&mut self, t: TenantId, id: ApiKeyId) -> AppResult<Option<ApiKey>>;
    async fn api_keys(&mut self, t: TenantId, q: &ListQuery) -> AppResult<Page<ApiKey>>;

    async fn platform_admin_by_login(
        &mut self,
        login_name: &str,
    ) -> AppResult<Option<PlatformAdmin>>;
    async fn platform_admin(&mut self, id: PlatformAdminId) -> AppResult<Option<PlatformAdmin>>;
    async fn platform_admin_count(&mut self) -> AppResult<u64>;

    async fn session(&mut self, token_hash: &[u8]) -> AppResult<Option<Session>>;
    /// Failed-login state for a (tenant, login name); tenant 0 is the platform.
    async fn throttle(&mut self, scope: i64, login_name: &str) -> AppResult<Throttle>;

    async fn audit(
        &mut self,
        t: Option<TenantId>,
        filter: &AuditFilter,
        q: &ListQuery,
    ) -> AppResult<Page<AuditEntry>>;

    async fn idempotent_response(
        &mut self,
        tenant: i64,
        scope: &str,
        key: &str,
    ) -> AppResult<Option<(Vec<u8>, Option<StoredResponse>)>>;
}

/// Writes, inside one transaction. Dropping a `Tx` without `commit` rolls it back.
#[async_trait]
pub trait Tx:
    Reads
    + LoyaltyWrites
    + MasterDataWrites
    + MembersWrites
    + OrdersWrites
    + PointsWrites
    + PointRulesWrites
    + TiersWrites
    + JobsWrites
    + GroupsWrites
    + CouponsWrites
{
    async fn commit(self: Box<Self>) -> AppResult<()>;

    async fn insert_tenant(&mut self, tenant: &Tenant) -> AppResult<TenantId>;
    async fn update_tenant(&mut self, tenant: &Tenant) -> AppResult<()>;

    async fn insert_user(&mut self, user: &User, password_hash: &str) -> AppResult<()>;
    async fn update_user(&mut self, user: &User) -> AppResult<()>;
    async fn set_user_roles(&mut self, t: TenantId, id: UserId, roles: &[RoleId]) -> AppResult<()>;
    async fn set_password_hash(
        &mut self,
        t: TenantId,
        id: UserId,
        hash: &str,
        now_ms: i64,
    ) -> AppResult<()>;
    async fn delete_user(&mut self, t: TenantId, id: UserId) -> AppResult<()>;
    async fn record_login(&mut self, t: TenantId, id: UserId, now_ms: i64) -> AppResult<()>;

    async fn insert_role(&mut self, role: &Role) -> AppResult<()>;
    async fn update_role(&mut self, role: &Role) -> AppResult<()>;
    async fn delete_role(&mut self, t: TenantId, id: RoleId) -> AppResult<()>;

    async fn insert_api_key(&mut self, key: &ApiKey) -> AppResult<()>;
    async fn revoke_api_key(&mut self, t: TenantId, id: ApiKeyId, now_ms: i64) -> AppResult<()>;

    async fn insert_platform_admin(&mut self, admin: &PlatformAdmin) -> AppResult<()>;

    async fn insert_session(&mut self, session: &Session) -> AppResult<()>;
    async fn touch_session(&mut self, token_hash: &[u8], now_ms: i64) -> AppResult<()>;
    async fn delete_session(&mut self, token_hash: &[u8]) -> AppResult<()>;
    /// Ends every session of a user (after a password change or when disabled).
    async fn delete_user_sessions(&mut self, t: TenantId, id: UserId) -> AppResult<()>;
    async fn set_throttle(
        &mut self,
        scope: i64,
        login_name: &str,
        throttle: Throttle,
    ) -> AppResult<()>;

    async fn append_audit(&mut self, entry: &AuditEntry) -> AppResult<()>;

    /// Claims `(tenant, scope, key)` for a request with this hash. `false` when the key exists already.
    async fn claim_idempotency_key(
        &mut self,
        tenant: i64,
        scope: &str,
        key: &str,
        request_hash: &[u8],
        now_ms: i64,
    ) -> AppResult<bool>;
    async fn save_idempotent_response(
        &mut self,
        tenant: i64,
        scope: &str,
        key: &str,
        response: &StoredResponse,
    ) -> AppResult<()>;
}

/// The storage as a whole.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// A handle for reads outside a transaction.
    async fn reader(&self) -> AppResult<Box<dyn Reads>>;
    /// A handle whose reads all see the database as of one moment (a read-only transaction,
    /// ended when the handle is dropped), for reports that page through many rows. It writes
    /// nothing and, on SQLite, does not hold up the writer.
    async fn snapshot(&self) -> AppResult<Box<dyn Reads>>;
    /// Starts a write transaction.
    async fn begin(&self) -> AppResult<Box<dyn Tx>>;
    /// Checks the database answers.
    async fn ping(&self) -> AppResult<()>;
    /// Refreshes the planner's statistics of the member tables after a bulk load, so lookups
    /// keep their indexes before the database's own background analysis catches up.
    async fn refresh_statistics(&self) -> AppResult<()>;
    /// Pool figures for `/metrics`: (connections open, idle).
    fn pool_stats(&self) -> Vec<(&'static str, u32, u32)>;
}
