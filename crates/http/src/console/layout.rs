//! What every page around its content shows: the sidebar of modules, the top bar (organisation,
//! user, language, password, log out) and the flash message.
//!
//! The sidebar lists the product's modules in the spec's order, but a module appears only when
//! it has a page the principal may open; today most modules have none yet.

use super::i18n::Tr;
use patron_domain::rbac::Permission;
use patron_domain::user::Locale;

/// One page link of the sidebar.
struct Link {
    id: &'static str,
    href: &'static str,
    label: &'static str,
    needs: Permission,
}

/// A module of the product and its pages.
struct Module {
    label: &'static str,
    pages: &'static [Link],
}

const USERS: Link = Link {
    id: "users",
    href: "/console/users",
    label: "nav.users",
    needs: Permission::UsersRead,
};
const ROLES: Link = Link {
    id: "roles",
    href: "/console/roles",
    label: "nav.roles",
    needs: Permission::RolesRead,
};
const API_KEYS: Link = Link {
    id: "api_keys",
    href: "/console/api-keys",
    label: "nav.api_keys",
    needs: Permission::ApiKeysRead,
};
const AUDIT: Link = Link {
    id: "audit",
    href: "/console/audit",
    label: "nav.audit",
    needs: Permission::AuditRead,
};
const SETTINGS: Link = Link {
    id: "settings",
    href: "/console/settings",
    label: "nav.settings",
    needs: Permission::SettingsRead,
};
const JOB_RUNS: Link = Link {
    id: "job_runs",
    href: "/console/job-runs",
    label: "nav.job_runs",
    needs: Permission::JobsRead,
};
const TENANTS: Link = Link {
    id: "tenants",
    href: "/console/tenants",
    label: "nav.tenants",
    needs: Permission::TenantsRead,
};

const CUSTOMERS: Link = Link {
    id: "customers",
    href: "/console/customers",
    label: "nav.customers",
    needs: Permission::CustomersRead,
};
const IMPORTS: Link = Link {
    id: "imports",
    href: "/console/imports",
    label: "nav.imports",
    needs: Permission::CustomersImport,
};
const PROGRAMS: Link = Link {
    id: "programs",
    href: "/console/loyalty/programs",
    label: "nav.programs",
    needs: Permission::LoyaltyRead,
};
const POINT_GROUPS: Link = Link {
    id: "point_groups",
    href: "/console/loyalty/point-groups",
    label: "nav.point_groups",
    needs: Permission::LoyaltyRead,
};
const COST_CENTERS: Link = Link {
    id: "cost_centers",
    href: "/console/loyalty/cost-centers",
    label: "nav.cost_centers",
    needs: Permission::LoyaltyRead,
};
const TIERS: Link = Link {
    id: "tiers",
    href: "/console/loyalty/tiers",
    label: "nav.tiers",
    needs: Permission::LoyaltyRead,
};
const TIER_RULES: Link = Link {
    id: "tier_rules",
    href: "/console/loyalty/tier-rules",
    label: "nav.tier_rules",
    needs: Permission::LoyaltyRead,
};
const POINT_RULES: Link = Link {
    id: "point_rules",
    href: "/console/points/rules",
    label: "nav.point_rules",
    needs: Permission::LoyaltyRead,
};
const CATEGORIES: Link = Link {
    id: "categories",
    href: "/console/master-data/categories",
    label: "nav.categories",
    needs: Permission::MasterDataRead,
};
const PRODUCTS: Link = Link {
    id: "products",
    href: "/console/master-data/products",
    label: "nav.products",
    needs: Permission::MasterDataRead,
};
const STORES: Link = Link {
    id: "stores",
    href: "/console/master-data/stores",
    label: "nav.stores",
    needs: Permission::MasterDataRead,
};
const PAYMENT_METHODS: Link = Link {
    id: "payment_methods",
    href: "/console/master-data/payment-methods",
    label: "nav.payment_methods",
    needs: Permission::MasterDataRead,
};

const STORE_GROUPS: Link = Link {
    id: "store_groups",
    href: "/console/store-groups",
    label: "nav.store_groups",
    needs: Permission::GroupsRead,
};
const PRODUCT_GROUPS: Link = Link {
    id: "product_groups",
    href: "/console/product-groups",
    label: "nav.product_groups",
    needs: Permission::GroupsRead,
};

const COUPON_RULES: Link = Link {
    id: "coupon_rules",
    href: "/console/coupons/rules",
    label: "nav.coupon_rules",
    needs: Permission::CouponsRead,
};
const COUPON_APPROVALS: Link = Link {
    id: "coupon_approvals",
    href: "/console/coupons/approvals",
    label: "nav.coupon_approvals",
    needs: Permission::CouponsApprove,
};
const COUPONS: Link = Link {
    id: "coupons",
    href: "/console/coupons",
    label: "nav.coupons",
    needs: Permission::CouponsRead,
};
const COUPON_TRANSFERS: Link = Link {
    id: "coupon_transfers",
    href: "/console/coupons/transfers",
    label: "nav.coupon_transfers",
    needs: Permission::CouponsRead,
};

const ORDERS: Link = Link {
    id: "orders",
    href: "/console/orders",
    label: "nav.orders",
    needs: Permission::OrdersRead,
};

/// The modules of a tenant's console (spec: CRM and analytics suites), in menu order.
const TENANT_MODULES: &[Module] = &[
    Module {
        label: "module.customers",
        pages: &[CUSTOMERS, IMPORTS],
    },
    Module {
        label: "module.transactions",
        pages: &[ORDERS],
    },
    Module {
        label: "module.points",
        pages: &[POINT_RULES],
    },
    Module {
        label: "module.coupons",
        pages: &[COUPON_RULES, COUPON_APPROVALS, COUPONS, COUPON_TRANSFERS],
    },
    Module {
        label: "module.marketing",
        pages: &[STORE_GROUPS, PRODUCT_GROUPS],
    },
    Module {
        label: "module.messages",
        pages: &[],
    },
    Module {
        label: "module.analytics",
        pages: &[],
    },
    Module {
        label: "module.loyalty_config",
        pages: &[PROGRAMS, POINT_GROUPS, COST_CENTERS, TIERS, TIER_RULES],
    },
    Module {
        label: "module.master_data",
        pages: &[CATEGORIES, PRODUCTS, STORES, PAYMENT_METHODS],
    },
    Module {
        label: "module.users_roles",
        pages: &[USERS, ROLES, API_KEYS, AUDIT],
    },
    Module {
        label: "module.settings",
        pages: &[SETTINGS, JOB_RUNS],
    },
];

const PLATFORM_MODULES: &[Module] = &[Module {
    label: "module.platform",
    pages: &[TENANTS, AUDIT],
}];

pub struct NavItem {
    pub id: &'static str,
    pub href: &'static str,
    pub label: &'static str,
}

pub struct NavGroup {
    pub label: &'static str,
    pub items: Vec<NavItem>,
}

/// The sidebar for a principal: only modules with pages, only links it may open.
pub fn navigation(tr: Tr, platform: bool, may: impl Fn(Permission) -> bool) -> Vec<NavGroup> {
    let modules = if platform {
        PLATFORM_MODULES
    } else {
        TENANT_MODULES
    };
    modules
        .iter()
        .filter_map(|m| {
            let items: Vec<NavItem> = m
                .pages
                .iter()
                .filter(|l| may(l.needs))
                .map(|l| NavItem {
                    id: l.id,
                    href: l.href,
                    label: tr.t(l.label),
                })
                .collect();
            (!items.is_empty()).then(|| NavGroup {
                label: tr.t(m.label),
                items,
            })
        })
        .collect()
}

/// The frame of a page. Every page template has it as `l` and the base template reads it.
pub struct Layout {
    pub tr: Tr,
    pub title: String,
    /// The session's CSRF token, for the hidden `_csrf` field of every form.
    pub csrf: String,
    pub user_name: String,
    /// The tenant's name, or "Platform administration".
    pub org_name: String,
    pub is_platform: bool,
    pub nav: Vec<NavGroup>,
    /// The `id` of the sidebar link to highlight.
    pub active: &'static str,
    pub flash: Option<&'static str>,
    /// Where the language switcher returns to: this page.
    pub here: String,
}

impl Layout {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.tr.t(key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.tr.tf(key, args)
    }

    pub fn lang(&self) -> &'static str {
        self.tr.locale().tag()
    }

    pub fn is_zh(&self) -> bool {
        self.tr.locale() == Locale::ZhCn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sidebar_label_is_translated() {
        for m in TENANT_MODULES.iter().chain(PLATFORM_MODULES) {
            for tr in [Tr(Locale::En), Tr(Locale::ZhCn)] {
                assert!(tr.lookup(m.label).is_some(), "{}", m.label);
                for l in m.pages {
                    assert!(tr.lookup(l.label).is_some(), "{}", l.label);
                }
            }
        }
    }

    #[test]
    fn modules_without_permitted_pages_are_hidden() {
        let tr = Tr(Locale::En);
        let only_users = navigation(tr, false, |p| p == Permission::UsersRead);
        assert_eq!(only_users.len(), 1);
        assert_eq!(only_users[0].items.len(), 1);
        assert_eq!(only_users[0].items[0].id, "users");
        assert!(navigation(tr, false, |_| false).is_empty());
        let platform = navigation(tr, true, |_| true);
        assert_eq!(platform[0].items[0].id, "tenants");
    }
}
