//! Identifiers. Tenants have small integer ids because `tenant_id` leads every key; other
//! entities have time-ordered UUIDs (v7) chosen by the application, so that an id exists before
//! the row is written and index inserts stay append-mostly.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// A tenant's id. The leading column of every key of tenant data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TenantId(i64);

impl TenantId {
    pub fn new(raw: i64) -> Self {
        Self(raw)
    }
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new id from a v7 UUID drawn by the caller (the domain has no randomness).
            pub fn from_uuid(raw: Uuid) -> Self {
                Self(raw)
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
            /// Parses the hyphenated text form used in URLs and storage.
            pub fn parse(text: &str) -> Option<Self> {
                Uuid::parse_str(text).ok().map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A console user of one tenant.
    UserId
);
uuid_id!(
    /// A role of one tenant.
    RoleId
);
uuid_id!(
    /// An API key of one tenant.
    ApiKeyId
);
uuid_id!(
    /// A platform administrator (not tied to a tenant).
    PlatformAdminId
);
uuid_id!(
    /// One entry of the audit log.
    AuditId
);
uuid_id!(
    /// A customer: one person of one tenant.
    CustomerId
);
uuid_id!(
    /// A member account: a customer's membership of one loyalty program.
    MemberId
);
uuid_id!(
    /// A platform account bound to a customer (a WeChat openid, a Tmall member id…).
    BindingId
);
uuid_id!(
    /// A bulk import job.
    ImportId
);
uuid_id!(
    /// A loyalty program of one tenant.
    ProgramId
);
uuid_id!(
    /// A point group (point-account type) of a loyalty program.
    PointGroupId
);
uuid_id!(
    /// A cost center of a loyalty program.
    CostCenterId
);
uuid_id!(
    /// A tier of a loyalty program.
    TierId
);
uuid_id!(
    /// A tier up/down rule of a loyalty program.
    TierRuleId
);
uuid_id!(
    /// A product category (master data).
    CategoryId
);
uuid_id!(
    /// A product (master data).
    ProductId
);
uuid_id!(
    /// A store, physical or virtual (master data).
    StoreId
);
uuid_id!(
    /// A payment method (master data).
    PaymentMethodId
);
uuid_id!(
    /// A run of a daily job for one tenant and business date.
    JobRunId
);
uuid_id!(
    /// A store group or a product group.
    GroupId
);
uuid_id!(
    /// A coupon rule.
    CouponRuleId
);
uuid_id!(
    /// A coupon instance.
    CouponId
);
uuid_id!(
    /// A transfer of a coupon to a friend.
    CouponTransferId
);
