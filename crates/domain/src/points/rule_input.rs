//! A base point rule as entered (API or console form), and the checks that need nothing but the
//! input itself (§10.1). Whether the ids and codes exist in the programme and in master data is
//! for the use case to check: that needs the store.

use super::rate::Rate;
use super::rule::{Award, Scope};
use crate::loyalty::tier::{parse_validity, Validity, ValidityInput};
use crate::{text, ValidationError};

/// Most entries one scope list may hold; a rule naming more stores than this wants a store
/// group, which the manual mentions but does not define.
pub const MAX_SCOPE_ITEMS: usize = 500;
/// Longest code or id in a scope list (master data codes are at most 64 characters).
const MAX_ITEM_CHARS: usize = 64;

/// The fields of a rule as typed. Scope lists hold tier ids and store, product, category and
/// payment method codes; empty means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointRuleInput {
    pub name: String,
    pub point_group_id: String,
    pub cost_center_id: String,
    /// `amount` (points per yuan) or `quantity` (points per unit).
    pub award: String,
    /// Points per yuan or per unit, a decimal with at most 4 places: "1", "0.1".
    pub rate: String,
    pub counts_for_upgrade: bool,
    pub validity: ValidityInput,
    pub tier_ids: Vec<String>,
    pub store_codes: Vec<String>,
    pub product_codes: Vec<String>,
    pub category_codes: Vec<String>,
    pub payment_method_codes: Vec<String>,
    /// An enabled store group whose stores join `store_codes`; blank or absent: none.
    pub store_group_id: Option<String>,
    /// An enabled product group whose products join `product_codes`; blank or absent: none.
    pub product_group_id: Option<String>,
}

/// A rule whose fields are each well-formed (references not yet checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRule {
    pub name: String,
    pub point_group_id: String,
    pub cost_center_id: String,
    pub award: Award,
    pub counts_for_upgrade: bool,
    pub validity: Validity,
    pub scope: Scope,
}

/// A rule's name, e.g. 线上门店1元积1分: unique in its programme.
pub fn parse_name(raw: &str) -> Result<String, ValidationError> {
    text::bounded("name", raw, 1, 100)
}

/// `amount` or `quantity` with its rate.
pub fn parse_award(award: &str, rate: &str) -> Result<Award, ValidationError> {
    let make: fn(Rate) -> Award = match award.trim() {
        "amount" => Award::ByAmount,
        "quantity" => Award::ByQuantity,
        _ => {
            return Err(ValidationError::new(
                "award",
                "invalid_award",
                "must be 'amount' (points per yuan) or 'quantity' (points per unit)",
            ))
        }
    };
    Ok(make(Rate::parse("rate", rate)?))
}

/// The stored and API name of an award method.
pub fn award_kind(award: Award) -> &'static str {
    match award {
        Award::ByAmount(_) => "amount",
        Award::ByQuantity(_) => "quantity",
    }
}

/// The rate of an award, whichever its method.
pub fn award_rate(award: Award) -> Rate {
    match award {
        Award::ByAmount(r) | Award::ByQuantity(r) => r,
    }
}

/// Splits a list typed in one text field ("WX01, TM01" or one a line; Chinese commas too).
pub fn split_list(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c == '，' || c == '、' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Trims each entry, drops blanks and repeats (keeping the first), and bounds the list.
pub fn parse_list(field: &'static str, raw: &[String]) -> Result<Vec<String>, ValidationError> {
    let mut out: Vec<String> = Vec::new();
    for item in raw {
        let item = item.trim();
        if item.is_empty() || out.iter().any(|x| x == item) {
            continue;
        }
        if item.chars().count() > MAX_ITEM_CHARS || item.chars().any(char::is_control) {
            return Err(ValidationError::new(
                field,
                "invalid_scope_item",
                format!("'{item}' is not a code or id (at most {MAX_ITEM_CHARS} characters)"),
            ));
        }
        out.push(item.to_string());
    }
    if out.len() > MAX_SCOPE_ITEMS {
        return Err(ValidationError::new(
            field,
            "too_many_items",
            format!("at most {MAX_SCOPE_ITEMS} entries"),
        ));
    }
    Ok(out)
}

fn required_id(field: &'static str, raw: &str) -> Result<String, ValidationError> {
    text::bounded(field, raw, 1, 64)
}

fn optional_id(
    field: &'static str,
    raw: Option<&String>,
) -> Result<Option<String>, ValidationError> {
    match raw.map(|r| r.trim()).filter(|r| !r.is_empty()) {
        Some(id) => required_id(field, id).map(Some),
        None => Ok(None),
    }
}

impl PointRuleInput {
    /// Checks every field on its own, in form order, stopping at the first fault.
    pub fn check(&self) -> Result<CheckedRule, ValidationError> {
        let name = parse_name(&self.name)?;
        let point_group_id = required_id("point_group_id", &self.point_group_id)?;
        let cost_center_id = required_id("cost_center_id", &self.cost_center_id)?;
        let award = parse_award(&self.award, &self.rate)?;
        // A point rule is never the base tier's "never expires": it always has a validity.
        let validity = parse_validity(false, &self.validity)?;
        let scope = Scope {
            tiers: parse_list("tier_ids", &self.tier_ids)?,
            stores: parse_list("store_codes", &self.store_codes)?,
            products: parse_list("product_codes", &self.product_codes)?,
            categories: parse_list("category_codes", &self.category_codes)?,
            payment_methods: parse_list("payment_method_codes", &self.payment_method_codes)?,
            store_group: optional_id("store_group_id", self.store_group_id.as_ref())?,
            product_group: optional_id("product_group_id", self.product_group_id.as_ref())?,
        };
        Ok(CheckedRule {
            name,
            point_group_id,
            cost_center_id,
            award,
            counts_for_upgrade: self.counts_for_upgrade,
            validity,
            scope,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PointRuleInput {
        PointRuleInput {
            name: " 线上门店1元积1分 ".into(),
            point_group_id: "g".into(),
            cost_center_id: "c".into(),
            award: "amount".into(),
            rate: "1".into(),
            counts_for_upgrade: true,
            validity: ValidityInput {
                kind: Some("fixed_period".into()),
                days: Some(365),
                ..ValidityInput::default()
            },
            store_codes: vec!["WX01".into(), " TM01".into(), "WX01".into(), "".into()],
            ..PointRuleInput::default()
        }
    }

    fn refused(i: PointRuleInput) -> (&'static str, &'static str) {
        let e = i.check().unwrap_err();
        (e.field, e.code)
    }

    #[test]
    fn a_rule_is_trimmed_and_its_lists_deduplicated() {
        let r = input().check().unwrap();
        assert_eq!(r.name, "线上门店1元积1分");
        assert_eq!(r.award, Award::ByAmount(Rate::parse("rate", "1").unwrap()));
        assert_eq!(r.validity, Validity::FixedPeriod { days: 365 });
        assert_eq!(r.scope.stores, vec!["WX01", "TM01"]);
        assert!(r.scope.products.is_empty());
        assert_eq!(r.scope.store_group, None);
    }

    #[test]
    fn a_blank_group_is_none_and_a_named_one_is_trimmed() {
        let mut i = input();
        i.store_group_id = Some("  ".into());
        i.product_group_id = Some(" g-1 ".into());
        let r = i.check().unwrap();
        assert_eq!(r.scope.store_group, None);
        assert_eq!(r.scope.product_group.as_deref(), Some("g-1"));
        i.product_group_id = Some("x".repeat(65));
        assert_eq!(refused(i), ("product_group_id", "too_long"));
    }

    #[test]
    fn each_field_is_refused_with_its_code() {
        let with = |f: fn(&mut PointRuleInput)| {
            let mut i = input();
            f(&mut i);
            refused(i)
        };
        assert_eq!(with(|i| i.name = " ".into()), ("name", "too_short"));
        assert_eq!(with(|i| i.name = "名".repeat(101)), ("name", "too_long"));
        assert_eq!(
            with(|i| i.point_group_id.clear()),
            ("point_group_id", "too_short")
        );
        assert_eq!(
            with(|i| i.cost_center_id.clear()),
            ("cost_center_id", "too_short")
        );
        assert_eq!(
            with(|i| i.award = "both".into()),
            ("award", "invalid_award")
        );
        for bad in ["0", "1.23456", "abc", "-1", ""] {
            let mut i = input();
            i.rate = bad.into();
            assert_eq!(refused(i), ("rate", "invalid_rate"), "{bad}");
        }
        assert_eq!(
            with(|i| i.validity = ValidityInput::default()),
            ("validity_type", "validity_required")
        );
        assert_eq!(
            with(|i| i.validity.days = Some(36_501)),
            ("validity_days", "invalid_days")
        );
        assert_eq!(
            with(|i| i.product_codes = vec!["x".repeat(65)]),
            ("product_codes", "invalid_scope_item")
        );
        assert_eq!(
            with(|i| i.category_codes = (0..=MAX_SCOPE_ITEMS).map(|n| n.to_string()).collect()),
            ("category_codes", "too_many_items")
        );
    }

    #[test]
    fn quantity_rules_and_fixed_dates() {
        let mut i = input();
        i.award = "quantity".into();
        i.rate = "0.5".into();
        i.validity = ValidityInput {
            kind: Some("fixed_date".into()),
            years: Some(1),
            month: Some(12),
            day: Some(31),
            ..ValidityInput::default()
        };
        let r = i.check().unwrap();
        assert_eq!(award_kind(r.award), "quantity");
        assert_eq!(award_rate(r.award).to_string(), "0.5");
        assert_eq!(
            r.validity,
            Validity::FixedDate {
                years: 1,
                month: 12,
                day: 31
            }
        );
    }

    #[test]
    fn typed_lists_split_on_commas_and_spaces() {
        assert_eq!(
            split_list("WX01, TM01，POS1、POS2\nPOS3"),
            vec!["WX01", "TM01", "POS1", "POS2", "POS3"]
        );
        assert!(split_list("  ").is_empty());
    }
}
