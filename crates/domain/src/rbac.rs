//! Role-based access: a closed set of permissions `{resource}:{action}`, roles that bundle them,
//! and the built-in roles every tenant starts with.
//!
//! The set is closed (an enum, not strings) so that a route cannot ask for a permission that no
//! role could ever hold, and a role cannot be given a permission that nothing checks.

use crate::ValidationError;
use serde::{Deserialize, Serialize};

/// What a permission protects, which decides who gets it by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Platform administration: never held by a tenant role.
    Platform,
    /// Users, roles, keys and the audit log of a tenant.
    Security,
    /// The tenant's settings and loyalty configuration.
    Configuration,
    /// Day-to-day operational data: customers, orders, points, coupons, campaigns.
    Business,
    /// Personal information in clear and its erasure: only administrators by default.
    Privacy,
}

macro_rules! permissions {
    ($($variant:ident = $key:literal, $area:ident, $en:literal, $zh:literal;)*) => {
        /// One permission of the closed set.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission {
            $($variant,)*
        }

        impl Permission {
            /// Every permission, in catalogue order.
            pub const ALL: &'static [Permission] = &[$(Permission::$variant,)*];

            /// The stable key, e.g. `users:read`.
            pub fn key(self) -> &'static str {
                match self { $(Permission::$variant => $key,)* }
            }

            pub fn area(self) -> Area {
                match self { $(Permission::$variant => Area::$area,)* }
            }

            /// A short description for the permission matrix (English, Simplified Chinese).
            pub fn describe(self) -> (&'static str, &'static str) {
                match self { $(Permission::$variant => ($en, $zh),)* }
            }
        }
    };
}

permissions! {
    TenantsRead = "tenants:read", Platform, "See tenants", "查看租户";
    TenantsCreate = "tenants:create", Platform, "Create tenants", "新建租户";
    TenantsUpdate = "tenants:update", Platform, "Edit and suspend tenants", "编辑和停用租户";
    SettingsRead = "settings:read", Configuration, "See tenant settings", "查看租户设置";
    SettingsUpdate = "settings:update", Configuration, "Change tenant settings", "修改租户设置";
    UsersRead = "users:read", Security, "See users", "查看用户";
    UsersCreate = "users:create", Security, "Create users", "新建用户";
    UsersUpdate = "users:update", Security, "Edit, disable users and assign roles", "编辑、停用用户及分配角色";
    UsersDelete = "users:delete", Security, "Delete users", "删除用户";
    RolesRead = "roles:read", Security, "See roles", "查看角色";
    RolesCreate = "roles:create", Security, "Create roles", "新建角色";
    RolesUpdate = "roles:update", Security, "Edit roles and assign permissions", "编辑角色及分配权限";
    RolesDelete = "roles:delete", Security, "Delete roles", "删除角色";
    ApiKeysRead = "api_keys:read", Security, "See API keys", "查看 API 密钥";
    ApiKeysCreate = "api_keys:create", Security, "Create API keys", "新建 API 密钥";
    ApiKeysRevoke = "api_keys:revoke", Security, "Revoke API keys", "吊销 API 密钥";
    AuditRead = "audit:read", Security, "Read the audit log", "查看审计日志";
    LoyaltyRead = "loyalty:read", Configuration, "See loyalty programs, tiers, rules, point groups and cost centers", "查看忠诚度计划、等级、规则、积分组和成本中心";
    LoyaltyManage = "loyalty:manage", Configuration, "Change the loyalty configuration", "修改忠诚度配置";
    MasterDataRead = "master_data:read", Configuration, "See categories, products, stores and payment methods", "查看商品分类、商品、门店和付款方式";
    MasterDataManage = "master_data:manage", Configuration, "Sync and change master data", "同步和修改基础数据";
    CustomersRead = "customers:read", Business, "See customers and members (personal data masked)", "查看客户和会员(个人信息脱敏)";
    CustomersRegister = "customers:register", Business, "Register members", "注册会员";
    CustomersUpdate = "customers:update", Business, "Edit profiles, bind channels, freeze and cancel members", "编辑资料、绑定渠道、冻结和注销会员";
    CustomersImport = "customers:import", Business, "Import customers and members from files", "从文件导入客户和会员";
    PointsRead = "points:read", Business, "See point accounts and point records", "查看积分账户和积分记录";
    PointsAdjust = "points:adjust", Business, "Adjust a member's points by hand (audited)", "人工调整会员积分(留审计)";
    PointsRedeem = "points:redeem", Business, "Redeem points for gifts and cancel redemptions", "积分兑换礼品及取消兑换";
    PointsEarn = "points:earn", Business, "Award and deduct behaviour points (check-ins, reviews)", "发放和扣减行为积分(签到、评价等)";
    OrdersRead = "orders:read", Business, "See orders, refunds and the points they produced", "查看交易单、退单及其产生的积分";
    OrdersWrite = "orders:write", Business, "Send orders and refunds from sales channels", "从销售渠道上传交易单和退单";
    JobsRead = "jobs:read", Configuration, "See the runs of the daily jobs (point expiry, tier retention)", "查看每日任务(积分过期、会员保级)的运行记录";
    JobsRun = "jobs:run", Configuration, "Run a daily job for a business date", "按业务日期运行每日任务";
    GroupsRead = "groups:read", Business, "See store groups and product groups", "查看门店组和商品组";
    GroupsManage = "groups:manage", Business, "Build, enable and delete store groups and product groups", "创建、启用和删除门店组和商品组";
    CouponsRead = "coupons:read", Business, "See coupon rules, coupons, transfers and their results", "查看优惠券规则、优惠券、转赠记录及效果";
    CouponsManage = "coupons:manage", Business, "Write coupon rules, submit them, unpublish and add stock", "编写优惠券规则、提交审核、下架和增发";
    CouponsApprove = "coupons:approve", Configuration, "Approve or reject coupon rules", "审批优惠券规则";
    CouponsIssue = "coupons:issue", Business, "Issue coupons to members, claim and transfer them for members", "向会员发券、代会员领券和转赠";
    CustomersPii = "customers:pii", Privacy, "See personal data unmasked (each read is audited)", "查看未脱敏的个人信息(每次查看都会审计)";
    CustomersErase = "customers:erase", Privacy, "Erase a person's personal data", "删除个人信息";
}

impl Permission {
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.key() == key)
    }

    /// The resource part of the key (`users` for `users:read`).
    pub fn resource(self) -> &'static str {
        self.key().split(':').next().unwrap_or_default()
    }

    /// The action part of the key (`read` for `users:read`).
    pub fn action(self) -> &'static str {
        self.key().split(':').nth(1).unwrap_or_default()
    }

    fn bit(self) -> u64 {
        // The catalogue is far below 64 entries; `permission_catalogue_fits_the_bit_set` guards it.
        1u64 << (self as u32)
    }
}

/// A set of permissions, as a bit set: checking one is a single AND on the hot path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PermissionSet(u64);

impl PermissionSet {
    pub fn empty() -> Self {
        Self(0)
    }

    pub fn of(permissions: impl IntoIterator<Item = Permission>) -> Self {
        permissions
            .into_iter()
            .fold(Self::empty(), |set, p| set.with(p))
    }

    #[must_use]
    pub fn with(self, permission: Permission) -> Self {
        Self(self.0 | permission.bit())
    }

    #[must_use]
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .iter()
            .copied()
            .filter(move |p| self.contains(*p))
    }

    pub fn keys(self) -> Vec<&'static str> {
        self.iter().map(Permission::key).collect()
    }

    /// Parses permission keys chosen for a tenant role. Unknown keys and platform permissions are
    /// refused: a tenant role can never administer the platform.
    pub fn parse_for_role(keys: &[String]) -> Result<Self, ValidationError> {
        let mut set = Self::empty();
        for key in keys {
            let permission = Permission::parse(key.trim()).ok_or_else(|| {
                ValidationError::new(
                    "permissions",
                    "unknown_permission",
                    format!("'{key}' is not a permission"),
                )
            })?;
            if permission.area() == Area::Platform {
                return Err(ValidationError::new(
                    "permissions",
                    "permission_not_assignable",
                    format!("'{key}' belongs to the platform administrator"),
                ));
            }
            set = set.with(permission);
        }
        Ok(set)
    }

    /// Every permission of the platform administrator: the platform ones, and reading the
    /// audit log (of the platform's own changes).
    pub fn platform_admin() -> Self {
        Self::of(
            Permission::ALL
                .iter()
                .copied()
                .filter(|p| p.area() == Area::Platform),
        )
        .with(Permission::AuditRead)
    }
}

/// The roles every tenant has from its creation. Their permissions are computed here rather than
/// stored, so a permission added in a later version reaches them without a data migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuiltinRole {
    /// Everything in the tenant.
    Administrator,
    /// Runs the members programme: all business work, reads configuration.
    Operator,
    /// Reads business data and configuration; changes nothing.
    Viewer,
    /// Works in stores: reads business data, limited to the stores assigned to the user.
    StoreStaff,
}

impl BuiltinRole {
    pub const ALL: [BuiltinRole; 4] = [
        Self::Administrator,
        Self::Operator,
        Self::Viewer,
        Self::StoreStaff,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::Operator => "operator",
            Self::Viewer => "viewer",
            Self::StoreStaff => "store_staff",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }

    /// (English, Simplified Chinese) names shown in the console.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Administrator => ("Administrator", "管理员"),
            Self::Operator => ("Operator", "运营人员"),
            Self::Viewer => ("Viewer", "只读用户"),
            Self::StoreStaff => ("Store staff", "门店员工"),
        }
    }

    pub fn permissions(self) -> PermissionSet {
        let tenant = Permission::ALL
            .iter()
            .copied()
            .filter(|p| p.area() != Area::Platform);
        match self {
            Self::Administrator => PermissionSet::of(tenant),
            Self::Operator => PermissionSet::of(tenant.filter(|p| match p.area() {
                Area::Business => true,
                Area::Configuration => p.action() == "read",
                _ => false,
            })),
            Self::Viewer => PermissionSet::of(tenant.filter(|p| {
                matches!(p.area(), Area::Business | Area::Configuration) && p.action() == "read"
            })),
            Self::StoreStaff => PermissionSet::of(
                tenant.filter(|p| p.area() == Area::Business && p.action() == "read"),
            ),
        }
    }
}

/// A role's display name.
pub fn parse_role_name(raw: &str) -> Result<String, ValidationError> {
    crate::text::bounded("name", raw, 1, 60)
}

/// A role's key, unique in the tenant (the spec's 角色标识).
pub fn parse_role_key(raw: &str) -> Result<String, ValidationError> {
    crate::text::code("key", raw, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_catalogue_fits_the_bit_set() {
        assert!(Permission::ALL.len() <= 64);
        let all = PermissionSet::of(Permission::ALL.iter().copied());
        assert_eq!(all.iter().count(), Permission::ALL.len());
    }

    #[test]
    fn keys_round_trip_and_split() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.key()), Some(*p));
            assert_eq!(format!("{}:{}", p.resource(), p.action()), p.key());
        }
        assert_eq!(Permission::parse("users:fly"), None);
    }

    #[test]
    fn tenant_roles_cannot_hold_platform_permissions() {
        let err = PermissionSet::parse_for_role(&["tenants:create".into()]).unwrap_err();
        assert_eq!(err.code, "permission_not_assignable");
        let err = PermissionSet::parse_for_role(&["users:fly".into()]).unwrap_err();
        assert_eq!(err.code, "unknown_permission");
        let set =
            PermissionSet::parse_for_role(&["users:read".into(), "roles:read".into()]).unwrap();
        assert_eq!(set.keys(), vec!["users:read", "roles:read"]);
    }

    #[test]
    fn builtin_roles_grant_what_their_names_say() {
        let admin = BuiltinRole::Administrator.permissions();
        assert!(admin.contains(Permission::UsersDelete));
        assert!(!admin.contains(Permission::TenantsCreate));

        let operator = BuiltinRole::Operator.permissions();
        assert!(operator.contains(Permission::SettingsRead));
        assert!(!operator.contains(Permission::SettingsUpdate));
        assert!(!operator.contains(Permission::UsersRead));
        assert!(operator.contains(Permission::JobsRead));
        assert!(!operator.contains(Permission::JobsRun));
        assert!(admin.contains(Permission::JobsRead) && admin.contains(Permission::JobsRun));

        let viewer = BuiltinRole::Viewer.permissions();
        assert!(viewer.iter().all(|p| p.action() == "read"));
        assert!(!viewer.contains(Permission::AuditRead));

        assert!(BuiltinRole::StoreStaff
            .permissions()
            .iter()
            .all(|p| p.area() == Area::Business));
    }
}
