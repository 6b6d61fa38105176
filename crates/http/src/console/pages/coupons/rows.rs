//! Coupons as table rows, shared by the coupon search, a rule's coupon tab and the customer
//! 360° view: each with its rule (number, title, benefit) and its holder's card number in the
//! rule's program, linking to the holder's 360° view. Rules and cards are looked up once each.

use super::text;
use crate::console::guard::Console;
use crate::state::AppState;
use patron_app::coupons::model::{Coupon, CouponRule};
use patron_app::coupons::rules;
use patron_app::AppResult;
use patron_domain::ids::CustomerId;
use std::collections::HashMap;

pub struct CouponRow {
    pub code: String,
    pub rule_id: String,
    pub rule_no: String,
    pub title: String,
    pub benefit: String,
    pub customer_id: String,
    /// The holder's card number in the rule's program ("—" if none).
    pub card_no: String,
    pub status: &'static str,
    pub status_label: String,
    pub valid: String,
    pub issued: String,
    pub used_at: String,
    pub deduction: String,
}

/// The card numbers of customers in programs, each pair looked up once.
#[derive(Default)]
pub struct Cards {
    found: HashMap<(String, String), String>,
}

impl Cards {
    /// The card of `customer` in `program`, or "—".
    pub async fn of<P>(
        &mut self,
        state: &AppState,
        c: &Console<P>,
        program: &str,
        customer: &str,
    ) -> AppResult<String> {
        let key = (program.to_string(), customer.to_string());
        if let Some(card) = self.found.get(&key) {
            return Ok(card.clone());
        }
        let t = c.ctx.principal.tenant()?;
        let card = match CustomerId::parse(customer) {
            Some(id) => state
                .store
                .reader()
                .await?
                .member_of(t, program, id)
                .await?
                .map(|m| m.card_no),
            None => None,
        }
        .unwrap_or_else(|| "—".to_string());
        self.found.insert(key, card.clone());
        Ok(card)
    }
}

pub async fn coupon_rows<P>(
    state: &AppState,
    c: &Console<P>,
    coupons: &[Coupon],
) -> AppResult<Vec<CouponRow>> {
    let mut rules_by_id: HashMap<String, CouponRule> = HashMap::new();
    let mut cards = Cards::default();
    let mut out = Vec::with_capacity(coupons.len());
    for coupon in coupons {
        if !rules_by_id.contains_key(&coupon.rule_id) {
            let rule = rules::get(&*state.store, &c.ctx, &coupon.rule_id).await?;
            rules_by_id.insert(coupon.rule_id.clone(), rule);
        }
        let Some(rule) = rules_by_id.get(&coupon.rule_id) else {
            continue;
        };
        let card_no = cards
            .of(state, c, &rule.spec.program_id, &coupon.customer_id)
            .await?;
        let usage = coupon.usage.as_ref();
        out.push(CouponRow {
            code: coupon.code.clone(),
            rule_id: rule.id.clone(),
            rule_no: rule.rule_no.clone(),
            title: rule.spec.name.clone(),
            benefit: text::benefit(c.tr, rule.terms()),
            customer_id: coupon.customer_id.clone(),
            card_no,
            status: coupon.status.as_str(),
            status_label: text::coupon_status_label(c.tr, coupon.status),
            valid: format!(
                "{} – {}",
                c.when(coupon.window.from_ms),
                c.when(coupon.window.to_ms)
            ),
            issued: c.when(coupon.issued_at_ms),
            used_at: usage.map(|u| c.when(u.used_at_ms)).unwrap_or_default(),
            deduction: usage
                .map(|u| text::yuan(u.deduction_fen))
                .unwrap_or_default(),
        });
    }
    Ok(out)
}
