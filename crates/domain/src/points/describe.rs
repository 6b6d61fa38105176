//! A base point rule in plain words, in English and Chinese, for lists, previews and the API.
//!
//! The spec stores a points-per-unit rate but the manual's prose speaks of "X yuan = 1 point"
//! (§10.1, rate direction): a rate below 1 is therefore also shown the other way round
//! ("¥10 = 1 point"). The console's live preview (`static/point_rules.js`) builds the same
//! sentences; the browser test holds the two together.

use super::rate::Rate;
use super::rule::{Award, Scope};
use crate::loyalty::tier::Validity;
use crate::user::Locale;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// What a sentence is made of. `scope.tiers` holds the tiers' display names, and the scope's
/// groups their names, not their ids.
#[derive(Debug, Clone, Copy)]
pub struct Terms<'a> {
    pub award: Award,
    pub counts_for_upgrade: bool,
    pub validity: Validity,
    pub scope: &'a Scope,
}

/// `n` hundredths as the shortest decimal: 1000 → "10", 333 → "3.33", 250 → "2.5".
fn hundredths(n: i64) -> String {
    let (whole, frac) = (n / 100, n % 100);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{frac:02}").trim_end_matches('0'))
    }
}

/// How much (yuan or units) earns one point under a rate below 1, to 2 decimals; `false` when
/// rounded (then shown with "≈").
fn inverse(rate: Rate) -> (String, bool) {
    let s = rate.scaled();
    let exact = 1_000_000 % s == 0;
    let n = (1_000_000 + s / 2) / s;
    (hundredths(n), exact)
}

fn en_award(award: Award) -> String {
    let (rate, unit) = match award {
        Award::ByAmount(r) => (r, "¥1"),
        Award::ByQuantity(r) => (r, "unit"),
    };
    let noun = if rate.scaled() == 10_000 {
        "point"
    } else {
        "points"
    };
    let mut out = format!("{rate} {noun} per {unit}");
    if rate.scaled() < 10_000 {
        let (inv, exact) = inverse(rate);
        let approx = if exact { "" } else { "≈" };
        match award {
            Award::ByAmount(_) => out.push_str(&format!(" ({approx}¥{inv} = 1 point)")),
            Award::ByQuantity(_) => out.push_str(&format!(" ({approx}{inv} units = 1 point)")),
        }
    }
    out
}

fn zh_award(award: Award) -> String {
    let approx = |exact: bool| if exact { "" } else { "约" };
    match award {
        Award::ByAmount(r) => {
            let mut out = format!("每消费 ¥1 积 {r} 分");
            if r.scaled() < 10_000 {
                let (inv, exact) = inverse(r);
                out.push_str(&format!("，即{} ¥{inv} 积 1 分", approx(exact)));
            }
            out
        }
        Award::ByQuantity(r) => {
            let mut out = format!("每购买 1 件积 {r} 分");
            if r.scaled() < 10_000 {
                let (inv, exact) = inverse(r);
                out.push_str(&format!("，即{} {inv} 件积 1 分", approx(exact)));
            }
            out
        }
    }
}

/// The non-empty scope lists with their labels, in a fixed order.
fn scope_parts<'a>(scope: &'a Scope, labels: [&'a str; 7]) -> Vec<(&'a str, &'a [String])> {
    [
        (labels[0], scope.stores.as_slice()),
        (labels[1], scope.store_group.as_slice()),
        (labels[2], scope.products.as_slice()),
        (labels[3], scope.product_group.as_slice()),
        (labels[4], scope.categories.as_slice()),
        (labels[5], scope.payment_methods.as_slice()),
        (labels[6], scope.tiers.as_slice()),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .collect()
}

fn en_validity(v: Validity) -> String {
    match v {
        Validity::Never => "never expires".into(),
        Validity::FixedPeriod { days } => {
            let unit = if days == 1 { "day" } else { "days" };
            format!("expires {days} {unit} after earning")
        }
        Validity::FixedDate { years, month, day } => {
            let m = MONTHS
                .get(usize::try_from(month).unwrap_or(1).saturating_sub(1))
                .copied()
                .unwrap_or("?");
            match years {
                0 => format!("expires on {m} {day} of the year earned"),
                1 => format!("expires on {m} {day} of the year after earning"),
                n => format!("expires on {m} {day}, {n} years after the year earned"),
            }
        }
    }
}

fn zh_validity(v: Validity) -> String {
    match v {
        Validity::Never => "永不过期".into(),
        Validity::FixedPeriod { days } => format!("获得后 {days} 天过期"),
        Validity::FixedDate { years, month, day } => match years {
            0 => format!("获得当年 {month} 月 {day} 日过期"),
            n => format!("获得后第 {n} 年的 {month} 月 {day} 日过期"),
        },
    }
}

/// The rule in one sentence, e.g. "1 point per ¥1 at stores WX01, TM01, counts for upgrade,
/// expires 365 days after earning" / "每消费 ¥1 积 1 分（适用门店 WX01、TM01），计入升级，获得后
/// 365 天过期".
pub fn describe(terms: &Terms<'_>, locale: Locale) -> String {
    match locale {
        Locale::En => {
            let mut out = en_award(terms.award);
            let labels = [
                "at stores",
                "at stores of the group",
                "for products",
                "for products of the group",
                "in categories",
                "paid by",
                "for tiers",
            ];
            for (label, list) in scope_parts(terms.scope, labels) {
                out.push_str(&format!(" {label} {}", list.join(", ")));
            }
            out.push_str(if terms.counts_for_upgrade {
                ", counts for upgrade, "
            } else {
                ", does not count for upgrade, "
            });
            out.push_str(&en_validity(terms.validity));
            out
        }
        Locale::ZhCn => {
            let mut out = zh_award(terms.award);
            let labels = [
                "适用门店",
                "适用门店组",
                "适用商品",
                "适用商品组",
                "适用品类",
                "适用支付方式",
                "适用等级",
            ];
            let parts: Vec<String> = scope_parts(terms.scope, labels)
                .into_iter()
                .map(|(label, list)| format!("{label} {}", list.join("、")))
                .collect();
            if !parts.is_empty() {
                out.push_str(&format!("（{}）", parts.join("；")));
            }
            out.push_str(if terms.counts_for_upgrade {
                "，计入升级，"
            } else {
                "，不计入升级，"
            });
            out.push_str(&zh_validity(terms.validity));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(r: &str) -> Rate {
        Rate::parse("rate", r).unwrap()
    }

    fn both(terms: &Terms<'_>) -> (String, String) {
        (describe(terms, Locale::En), describe(terms, Locale::ZhCn))
    }

    #[test]
    fn the_manuals_online_rule() {
        let scope = Scope {
            stores: vec!["WX01".into(), "TM01".into()],
            ..Scope::default()
        };
        let terms = Terms {
            award: Award::ByAmount(rate("1")),
            counts_for_upgrade: true,
            validity: Validity::FixedPeriod { days: 365 },
            scope: &scope,
        };
        assert_eq!(
            both(&terms),
            (
                "1 point per ¥1 at stores WX01, TM01, counts for upgrade, expires 365 days after earning".into(),
                "每消费 ¥1 积 1 分（适用门店 WX01、TM01），计入升级，获得后 365 天过期".into()
            )
        );
    }

    #[test]
    fn rates_below_one_are_also_shown_the_other_way_round() {
        let scope = Scope::default();
        let mut terms = Terms {
            award: Award::ByAmount(rate("0.1")),
            counts_for_upgrade: false,
            validity: Validity::FixedPeriod { days: 1 },
            scope: &scope,
        };
        assert_eq!(
            both(&terms),
            (
                "0.1 points per ¥1 (¥10 = 1 point), does not count for upgrade, expires 1 day after earning".into(),
                "每消费 ¥1 积 0.1 分，即 ¥10 积 1 分，不计入升级，获得后 1 天过期".into()
            )
        );
        terms.award = Award::ByAmount(rate("0.3"));
        assert!(describe(&terms, Locale::En).starts_with("0.3 points per ¥1 (≈¥3.33 = 1 point)"));
        assert!(
            describe(&terms, Locale::ZhCn).starts_with("每消费 ¥1 积 0.3 分，即约 ¥3.33 积 1 分")
        );
        terms.award = Award::ByQuantity(rate("0.4"));
        assert!(
            describe(&terms, Locale::En).starts_with("0.4 points per unit (2.5 units = 1 point)")
        );
        assert!(
            describe(&terms, Locale::ZhCn).starts_with("每购买 1 件积 0.4 分，即 2.5 件积 1 分")
        );
    }

    #[test]
    fn every_scope_and_fixed_dates() {
        let scope = Scope {
            tiers: vec!["银卡会员".into(), "金卡会员".into()],
            stores: vec!["POS001".into()],
            products: vec!["SKU1".into()],
            categories: vec!["C1".into()],
            payment_methods: vec!["WXPAY".into(), "CASH".into()],
            store_group: Some("线下门店".into()),
            product_group: Some("冰淇淋商品组".into()),
        };
        let terms = Terms {
            award: Award::ByQuantity(rate("2.5")),
            counts_for_upgrade: false,
            validity: Validity::FixedDate {
                years: 1,
                month: 12,
                day: 31,
            },
            scope: &scope,
        };
        assert_eq!(
            both(&terms),
            (
                "2.5 points per unit at stores POS001 at stores of the group 线下门店 for products SKU1 for products of the group 冰淇淋商品组 in categories C1 paid by WXPAY, CASH for tiers 银卡会员, 金卡会员, does not count for upgrade, expires on Dec 31 of the year after earning".into(),
                "每购买 1 件积 2.5 分（适用门店 POS001；适用门店组 线下门店；适用商品 SKU1；适用商品组 冰淇淋商品组；适用品类 C1；适用支付方式 WXPAY、CASH；适用等级 银卡会员、金卡会员），不计入升级，获得后第 1 年的 12 月 31 日过期".into()
            )
        );
        let v = |years| Validity::FixedDate {
            years,
            month: 1,
            day: 1,
        };
        assert_eq!(en_validity(v(0)), "expires on Jan 1 of the year earned");
        assert_eq!(
            en_validity(v(3)),
            "expires on Jan 1, 3 years after the year earned"
        );
        assert_eq!(zh_validity(v(0)), "获得当年 1 月 1 日过期");
        assert_eq!(zh_validity(v(3)), "获得后第 3 年的 1 月 1 日过期");
    }
}
