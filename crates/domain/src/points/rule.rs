//! Base point rules (§10.1): which order lines a rule rewards, and with how many points.
//!
//! For each line of a member's normal order, every enabled rule of the programme whose scope
//! matches fires, and each firing is one point record (per line, per rule), so every point can
//! be traced to the rule and line that produced it. Only the line's amount counted for points
//! (`points_amount`) or its quantity is ever a basis.

use super::rate::Rate;
use crate::loyalty::tier::Validity;

/// Where a rule is in its life: a draft is only simulated; an enabled rule earns; a disabled one
/// no longer does (its past records keep their reference to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleStatus {
    Draft,
    Enabled,
    Disabled,
}

impl RuleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "draft" => Some(Self::Draft),
            "enabled" => Some(Self::Enabled),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// How a rule turns a line into points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Award {
    /// Points per yuan of the line's amount counted for points.
    ByAmount(Rate),
    /// Points per unit of the line's quantity.
    ByQuantity(Rate),
}

/// What a rule applies to; an empty list means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The member's current tier must be one of these (V1.1).
    pub tiers: Vec<String>,
    pub stores: Vec<String>,
    pub products: Vec<String>,
    pub categories: Vec<String>,
    /// The order must have been paid (at least partly) by one of these methods.
    pub payment_methods: Vec<String>,
    /// A store group (its id): its stores join those listed (线上门店 "online stores").
    pub store_group: Option<String>,
    /// A product group (its id): its products join those and the categories listed.
    pub product_group: Option<String>,
}

impl Scope {
    /// Whether the rule looks at stores at all.
    pub fn names_stores(&self) -> bool {
        !self.stores.is_empty() || self.store_group.is_some()
    }

    /// Whether the rule looks at products at all (lines with unknown products only earn under
    /// rules that do not).
    pub fn names_products(&self) -> bool {
        !self.products.is_empty() || !self.categories.is_empty() || self.product_group.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointRule<Id> {
    pub id: Id,
    pub point_group: Id,
    pub cost_center: Option<Id>,
    pub award: Award,
    pub counts_for_upgrade: bool,
    pub validity: Validity,
    pub scope: Scope,
}

/// What an order line offers the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    /// The product's code, when master data knows it.
    pub product: Option<String>,
    /// The product's category and the categories above it.
    pub categories: Vec<String>,
    /// The product groups (ids) holding the product, of those the rules name.
    pub groups: Vec<String>,
    pub quantity: i64,
    /// The amount counted for points, in fen.
    pub points_amount_fen: i64,
}

/// What the whole order offers the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFacts {
    pub store: String,
    /// The store groups (ids) holding the store, of those the rules name.
    pub store_groups: Vec<String>,
    /// The member's active tier when the order is processed.
    pub tier: String,
    pub payment_methods: Vec<String>,
}

/// Points one rule gives one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earned<Id> {
    pub rule: Id,
    pub line: usize,
    pub point_group: Id,
    pub cost_center: Option<Id>,
    pub counts_for_upgrade: bool,
    pub points: i64,
}

fn allows(list: &[String], value: &str) -> bool {
    list.is_empty() || list.iter().any(|v| v == value)
}

impl<Id: Clone> PointRule<Id> {
    /// Whether the rule applies to the order as a whole.
    pub fn matches_order(&self, order: &OrderFacts) -> bool {
        allows(&self.scope.tiers, &order.tier)
            && self.matches_store(order)
            && (self.scope.payment_methods.is_empty()
                || order
                    .payment_methods
                    .iter()
                    .any(|m| self.scope.payment_methods.contains(m)))
    }

    /// The order's store is listed or in the rule's store group (or the rule names no stores).
    fn matches_store(&self, order: &OrderFacts) -> bool {
        if !self.scope.names_stores() {
            return true;
        }
        self.scope.stores.contains(&order.store)
            || self
                .scope
                .store_group
                .as_ref()
                .is_some_and(|g| order.store_groups.contains(g))
    }

    /// Whether the rule applies to the line's product: listed, in a listed category, or in the
    /// rule's product group.
    pub fn matches_line(&self, line: &Line) -> bool {
        if !self.scope.names_products() {
            return true;
        }
        let by_product = line
            .product
            .as_deref()
            .is_some_and(|p| self.scope.products.iter().any(|x| x == p));
        let by_category = line
            .categories
            .iter()
            .any(|c| self.scope.categories.contains(c));
        let by_group = self
            .scope
            .product_group
            .as_ref()
            .is_some_and(|g| line.groups.contains(g));
        by_product || by_category || by_group
    }

    /// `round_down(points_amount × rate)` or `round_down(quantity × rate)`.
    pub fn points_for(&self, line: &Line) -> i64 {
        match self.award {
            Award::ByAmount(rate) => rate.points_for_fen(line.points_amount_fen),
            Award::ByQuantity(rate) => rate.points_for_units(line.quantity),
        }
    }
}

/// Every (line, rule) firing of a normal order that earns at least one point, lines in order,
/// rules in the order given.
pub fn order_points<Id: Clone>(
    rules: &[PointRule<Id>],
    order: &OrderFacts,
    lines: &[Line],
) -> Vec<Earned<Id>> {
    let rules: Vec<&PointRule<Id>> = rules.iter().filter(|r| r.matches_order(order)).collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for rule in rules.iter().filter(|r| r.matches_line(line)) {
            let points = rule.points_for(line);
            if points > 0 {
                out.push(Earned {
                    rule: rule.id.clone(),
                    line: i,
                    point_group: rule.point_group.clone(),
                    cost_center: rule.cost_center.clone(),
                    counts_for_upgrade: rule.counts_for_upgrade,
                    points,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(r: &str) -> Rate {
        Rate::parse("rate", r).unwrap()
    }
    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// The manual's three example rules.
    fn rules() -> Vec<PointRule<&'static str>> {
        vec![
            PointRule {
                id: "online-1-per-yuan",
                point_group: "积分",
                cost_center: Some("营销成本中心"),
                award: Award::ByAmount(rate("1")),
                counts_for_upgrade: true,
                validity: Validity::FixedPeriod { days: 365 },
                scope: Scope {
                    stores: strings(&["WXMALL", "TMALL"]),
                    ..Scope::default()
                },
            },
            PointRule {
                id: "offline-1-per-yuan",
                point_group: "积分",
                cost_center: None,
                award: Award::ByAmount(rate("1")),
                counts_for_upgrade: true,
                validity: Validity::FixedPeriod { days: 365 },
                scope: Scope {
                    stores: strings(&["POS001"]),
                    ..Scope::default()
                },
            },
            PointRule {
                id: "offline-1-growth-per-unit",
                point_group: "成长值",
                cost_center: None,
                award: Award::ByQuantity(rate("1")),
                counts_for_upgrade: false,
                validity: Validity::FixedPeriod { days: 365 },
                scope: Scope {
                    stores: strings(&["POS001"]),
                    ..Scope::default()
                },
            },
        ]
    }

    #[test]
    fn an_offline_order_credits_both_points_and_growth_per_line() {
        let order = OrderFacts {
            store: "POS001".into(),
            tier: "base".into(),
            payment_methods: strings(&["1001"]),
            ..OrderFacts::default()
        };
        let lines = vec![
            Line {
                product: Some("SKU1".into()),
                quantity: 2,
                points_amount_fen: 19_990,
                ..Line::default()
            },
            Line {
                product: Some("SKU2".into()),
                quantity: 1,
                points_amount_fen: 50,
                ..Line::default()
            },
        ];
        let earned = order_points(&rules(), &order, &lines);
        let got: Vec<(usize, &str, &str, i64, bool)> = earned
            .iter()
            .map(|e| {
                (
                    e.line,
                    e.rule,
                    e.point_group,
                    e.points,
                    e.counts_for_upgrade,
                )
            })
            .collect();
        // ¥199.90 → 199 points; 2 units → 2 growth; ¥0.50 → 0 points (no record); 1 unit → 1.
        assert_eq!(
            got,
            vec![
                (0, "offline-1-per-yuan", "积分", 199, true),
                (0, "offline-1-growth-per-unit", "成长值", 2, false),
                (1, "offline-1-growth-per-unit", "成长值", 1, false),
            ]
        );
    }

    #[test]
    fn scopes_of_tier_store_product_category_and_payment() {
        let mut r = rules().remove(0);
        let order = OrderFacts {
            store: "WXMALL".into(),
            tier: "gold".into(),
            payment_methods: strings(&["WXPAY"]),
            ..OrderFacts::default()
        };
        let line = Line {
            product: Some("SKU1".into()),
            categories: strings(&["C1", "C1-2"]),
            quantity: 1,
            points_amount_fen: 1_000,
            ..Line::default()
        };
        assert!(r.matches_order(&order) && r.matches_line(&line));
        r.scope.tiers = strings(&["silver"]);
        assert!(
            !r.matches_order(&order),
            "the member's active tier must be listed"
        );
        r.scope.tiers = strings(&["silver", "gold"]);
        r.scope.payment_methods = strings(&["CASH"]);
        assert!(!r.matches_order(&order));
        r.scope.payment_methods = strings(&["CASH", "WXPAY"]);
        assert!(r.matches_order(&order));
        r.scope.categories = strings(&["C1-2"]);
        assert!(
            r.matches_line(&line),
            "a line matches by any of its categories"
        );
        let unknown = Line {
            product: None,
            quantity: 1,
            points_amount_fen: 1_000,
            ..Line::default()
        };
        assert!(
            !r.matches_line(&unknown),
            "a product not in master data earns only under rules not scoped to products"
        );
        r.scope.categories.clear();
        assert!(r.matches_line(&unknown));
    }

    #[test]
    fn a_store_group_and_a_product_group_join_the_listed_codes() {
        // 线上门店1元积1分 scoped by the store group 线上门店 plus the listed store POS001,
        // and by the product group 冰淇淋商品组.
        let mut r = rules().remove(0);
        r.scope.stores = strings(&["POS001"]);
        r.scope.store_group = Some("online".into());
        r.scope.product_group = Some("ice-cream".into());
        let at = |store: &str, groups: &[&str]| OrderFacts {
            store: store.into(),
            store_groups: strings(groups),
            tier: "base".into(),
            ..OrderFacts::default()
        };
        assert!(r.matches_order(&at("WX01", &["online"])), "in the group");
        assert!(r.matches_order(&at("POS001", &[])), "listed");
        assert!(
            !r.matches_order(&at("POS002", &["offline"])),
            "in another group only"
        );
        let line = |product: &str, groups: &[&str]| Line {
            product: Some(product.into()),
            groups: strings(groups),
            quantity: 1,
            points_amount_fen: 2_500,
            ..Line::default()
        };
        assert!(r.matches_line(&line("SKU9", &["ice-cream"])));
        assert!(!r.matches_line(&line("SKU8", &[])));
        let lines = [line("SKU9", &["ice-cream"]), line("SKU8", &[])];
        let earned = order_points(&[r.clone()], &at("WX01", &["online"]), &lines);
        // Only the ice cream earns: ¥25.00 × 1 = 25 points.
        assert_eq!(
            earned
                .iter()
                .map(|e| (e.line, e.points))
                .collect::<Vec<_>>(),
            vec![(0, 25)]
        );
        assert!(order_points(&[r], &at("POS002", &[]), &lines).is_empty());
    }

    #[test]
    fn the_expiry_example_of_section_10_7() {
        use chrono::TimeZone;
        let tz = chrono_tz::Asia::Shanghai;
        let effective = tz
            .with_ymd_and_hms(2021, 3, 23, 14, 52, 0)
            .unwrap()
            .timestamp_millis();
        let end = tz
            .with_ymd_and_hms(2024, 1, 1, 23, 59, 59)
            .unwrap()
            .timestamp_millis()
            + 999;
        let validity = Validity::FixedDate {
            years: 3,
            month: 1,
            day: 1,
        };
        assert_eq!(
            crate::loyalty::tier::expiry_ms(effective, &validity, tz),
            Some(end)
        );
        // 365 days from the same moment: the end of 2022-03-23.
        let end = tz
            .with_ymd_and_hms(2022, 3, 23, 23, 59, 59)
            .unwrap()
            .timestamp_millis()
            + 999;
        assert_eq!(
            crate::loyalty::tier::expiry_ms(effective, &Validity::FixedPeriod { days: 365 }, tz),
            Some(end)
        );
    }
}
