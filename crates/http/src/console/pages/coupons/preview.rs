//! The coupon as a member will see it, beside the rule form: title, benefit, validity, usable
//! days and times, instructions. Drawn by the server on load (so the page works without
//! scripts) and redrawn by `coupon_rules.js` as the operator types.
//!
//! Each part is read on its own: the fields it depends on are checked with the domain's rule
//! parser, every other field replaced by a valid stand-in, so one bad field leaves the other
//! parts shown and its own part saying what is missing.

use super::text;
use crate::console::i18n::Tr;
use patron_domain::coupons::rule_input::{parse, RuleInput, RuleSpec};

pub struct Preview {
    pub title: String,
    pub benefit: String,
    pub validity: String,
    pub usable: String,
    pub instructions: String,
}

/// A rule that parses: what each part is checked against.
fn stand_in() -> RuleInput {
    RuleInput {
        name: "x".into(),
        coupon_type: "cash_off".into(),
        program_id: "p".into(),
        cost_center_id: "c".into(),
        total_stock: 1,
        amount_off: Some("1".into()),
        public_claim: true,
        validity_type: "duration".into(),
        valid_days: Some(1),
        ..RuleInput::default()
    }
}

fn part(probe: RuleInput) -> Option<RuleSpec> {
    parse(&probe).ok()
}

pub fn preview(tr: Tr, input: &RuleInput) -> Preview {
    let benefit = part(RuleInput {
        coupon_type: input.coupon_type.clone(),
        threshold: input.threshold.clone(),
        amount_off: input.amount_off.clone(),
        discount: input.discount.clone(),
        exchange_sku: input.exchange_sku.clone(),
        ..stand_in()
    });
    let validity = part(RuleInput {
        validity_type: input.validity_type.clone(),
        valid_from: input.valid_from.clone(),
        valid_to: input.valid_to.clone(),
        start_after_days: input.start_after_days,
        valid_days: input.valid_days,
        ..stand_in()
    });
    let usable = part(RuleInput {
        weekdays: input.weekdays.clone(),
        usable_from: input.usable_from.clone(),
        usable_to: input.usable_to.clone(),
        ..stand_in()
    });
    let name = input.name.trim();
    Preview {
        title: if name.is_empty() {
            tr.t("coupons.preview_untitled").to_string()
        } else {
            name.to_string()
        },
        benefit: benefit.map_or_else(
            || tr.t("coupons.preview_benefit_missing").to_string(),
            |s| text::benefit(tr, &s.terms),
        ),
        validity: validity.map_or_else(
            || tr.t("coupons.preview_validity_missing").to_string(),
            |s| text::validity(tr, &s.terms.validity),
        ),
        usable: usable.map_or_else(
            || tr.t("coupons.preview_usable_missing").to_string(),
            |s| text::usable(tr, &s.terms.usable),
        ),
        instructions: input
            .instructions
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patron_domain::user::Locale;

    #[test]
    fn each_part_stands_on_its_own() {
        let input = RuleInput {
            name: " 满100减20 ".into(),
            coupon_type: "cash_off".into(),
            threshold: Some("100".into()),
            amount_off: Some("20".into()),
            validity_type: "duration".into(),
            valid_days: Some(7),
            weekdays: Some(vec![8]),
            ..RuleInput::default()
        };
        let p = preview(Tr(Locale::ZhCn), &input);
        assert_eq!(p.title, "满100减20");
        assert_eq!(p.benefit, "满100元减免20元");
        assert_eq!(p.validity, "领取后立即生效，有效期 7 天");
        assert_eq!(
            p.usable,
            Tr(Locale::ZhCn).t("coupons.preview_usable_missing")
        );
        let p = preview(
            Tr(Locale::En),
            &RuleInput {
                amount_off: Some("120".into()),
                ..input
            },
        );
        assert_eq!(
            p.benefit,
            Tr(Locale::En).t("coupons.preview_benefit_missing")
        );
    }
}
