//! Whether coupons apply to an order, and for how much (§11.2 "at redemption", §11.6).
//!
//! The application looks up the coupons and the group memberships; this decides. Amounts are
//! taken on the lines' receivable amounts (应收, the price before coupons), restricted to the
//! lines in the product scope ("eligible lines"):
//! - threshold: the eligible lines come to at least the threshold;
//! - cash off: the amount off, at most the eligible amount;
//! - N折: the eligible amount × (100 − pay %) ÷ 100, rounded down to the fen (the member pays
//!   the rounding fen: 8折 on ¥99.99 takes ¥19.99 off);
//! - exchange: one unit of the exchange product, which must be on an eligible line, at that
//!   line's receivable per unit (rounded down).
//!
//! Several coupons on one order are allowed only if each is stackable; together they never take
//! off more than the eligible lines come to.

use super::rule::{Benefit, Terms};
use super::status::CouponStatus;
use super::validity::Window;
use chrono::{Datelike, Timelike};
use chrono_tz::Tz;

/// One line of the order as coupons see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub sku: String,
    pub quantity: i64,
    pub receivable_fen: i64,
}

/// A coupon presented with an order, with what the application found out about it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub code: String,
    pub status: CouponStatus,
    /// Whether the coupon belongs to the order's customer.
    pub owned: bool,
    pub window: Window,
    pub terms: Terms,
    /// Whether the order's store is in the store scope.
    pub store_in_scope: bool,
    /// Per order line, whether its product is in the product scope.
    pub eligible: Vec<bool>,
}

/// Why a coupon does not apply: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refused {
    Refused {
        code,
        message: message.into(),
    }
}

/// The discount each candidate gives, in the order given, or why it does not apply.
pub fn apply(
    candidates: &[Candidate],
    lines: &[Line],
    at_ms: i64,
    tz: Tz,
) -> Vec<Result<i64, Refused>> {
    let local = chrono::DateTime::from_timestamp_millis(at_ms).map(|t| t.with_timezone(&tz));
    let mut outcomes: Vec<Result<i64, Refused>> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if candidates[..i].iter().any(|p| p.code == c.code) {
                return Err(refuse(
                    "coupon_repeated",
                    "the coupon is already on this order",
                ));
            }
            let local = local.ok_or_else(|| refuse("coupon_wrong_time", "no valid order time"))?;
            one(
                c,
                lines,
                at_ms,
                local.weekday().num_days_from_monday(),
                local.num_seconds_from_midnight(),
            )
        })
        .collect();

    let applying = outcomes.iter().filter(|o| o.is_ok()).count();
    if applying > 1 {
        for (c, o) in candidates.iter().zip(outcomes.iter_mut()) {
            if o.is_ok() && !c.terms.stackable {
                *o = Err(refuse(
                    "coupon_not_stackable",
                    "this coupon cannot be combined with other coupons",
                ));
            }
        }
    }

    // Together, never more than the lines any of them applies to.
    let base: i64 = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            candidates
                .iter()
                .zip(&outcomes)
                .any(|(c, o)| o.is_ok() && c.eligible.get(*i).copied().unwrap_or(false))
        })
        .map(|(_, l)| l.receivable_fen)
        .sum();
    let mut left = base;
    for d in outcomes.iter_mut().flatten() {
        *d = (*d).min(left);
        left -= *d;
    }
    outcomes
}

fn one(
    c: &Candidate,
    lines: &[Line],
    at_ms: i64,
    weekday: u32,
    second: u32,
) -> Result<i64, Refused> {
    match c.status {
        CouponStatus::Issued => {}
        CouponStatus::Used => return Err(refuse("coupon_used", "the coupon has been used")),
        CouponStatus::Expired => return Err(refuse("coupon_expired", "the coupon has expired")),
        CouponStatus::Transferring => {
            return Err(refuse(
                "coupon_transferring",
                "the coupon is being given to a friend",
            ))
        }
        CouponStatus::Void => return Err(refuse("coupon_void", "the coupon has been cancelled")),
    }
    if !c.owned {
        return Err(refuse(
            "coupon_not_owned",
            "the coupon belongs to another member",
        ));
    }
    if at_ms < c.window.from_ms {
        return Err(refuse(
            "coupon_not_yet_valid",
            "the coupon is not valid yet",
        ));
    }
    if at_ms > c.window.to_ms {
        return Err(refuse("coupon_expired", "the coupon has expired"));
    }
    if !c.terms.usable.allows_weekday(weekday) {
        return Err(refuse(
            "coupon_wrong_day",
            "the coupon cannot be used on this day of the week",
        ));
    }
    if !c.terms.usable.allows_second(second) {
        return Err(refuse(
            "coupon_wrong_time",
            "the coupon cannot be used at this time of day",
        ));
    }
    if !c.store_in_scope {
        return Err(refuse(
            "coupon_store_out_of_scope",
            "the coupon cannot be used in this store",
        ));
    }
    let eligible: Vec<&Line> = lines
        .iter()
        .zip(&c.eligible)
        .filter(|(_, e)| **e)
        .map(|(l, _)| l)
        .collect();
    if eligible.is_empty() {
        return Err(refuse(
            "coupon_products_out_of_scope",
            "no product of the order is covered by the coupon",
        ));
    }
    let amount: i64 = eligible.iter().map(|l| l.receivable_fen).sum();
    if let Some(threshold) = c.terms.threshold_fen {
        if amount < threshold {
            return Err(refuse(
                "coupon_threshold_unmet",
                format!(
                    "the covered products come to {}, below the threshold of {}",
                    crate::money::format_fen(amount),
                    crate::money::format_fen(threshold)
                ),
            ));
        }
    }
    let deduction = match &c.terms.benefit {
        Benefit::CashOff { off_fen } => (*off_fen).min(amount),
        Benefit::Discount { pay_percent } => amount * (100 - pay_percent) / 100,
        Benefit::Exchange { sku } => eligible
            .iter()
            .find(|l| &l.sku == sku && l.quantity > 0)
            .map(|l| l.receivable_fen / l.quantity)
            .ok_or_else(|| {
                refuse(
                    "coupon_exchange_product_missing",
                    format!("the order has no {sku} to exchange the coupon for"),
                )
            })?,
    };
    Ok(deduction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coupons::rule::{CouponValidity, UsableTime};
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;

    /// Wednesday 2021-06-09 20:09:16 in Shanghai.
    fn wednesday_evening() -> i64 {
        Shanghai
            .with_ymd_and_hms(2021, 6, 9, 20, 9, 16)
            .unwrap()
            .timestamp_millis()
    }

    fn line(sku: &str, quantity: i64, fen: i64) -> Line {
        Line {
            sku: sku.into(),
            quantity,
            receivable_fen: fen,
        }
    }

    fn coupon(benefit: Benefit, threshold_fen: Option<i64>, lines: usize) -> Candidate {
        Candidate {
            code: "1000000000000001".into(),
            status: CouponStatus::Issued,
            owned: true,
            window: Window {
                from_ms: wednesday_evening() - 86_400_000,
                to_ms: wednesday_evening() + 86_400_000,
            },
            terms: Terms {
                benefit,
                threshold_fen,
                validity: CouponValidity::Duration {
                    start_after_days: 0,
                    days: 7,
                },
                usable: UsableTime::ALWAYS,
                store_group: None,
                product_group: None,
                stackable: false,
                refund_returns_days: None,
                transfer_claim_hours: None,
            },
            store_in_scope: true,
            eligible: vec![true; lines],
        }
    }

    fn run(c: Vec<Candidate>, lines: &[Line]) -> Vec<Result<i64, &'static str>> {
        apply(&c, lines, wednesday_evening(), Shanghai)
            .into_iter()
            .map(|o| o.map_err(|r| r.code))
            .collect()
    }

    #[test]
    fn spend_100_get_20_off() {
        let lines = [line("a", 1, 6000), line("b", 2, 4000)];
        let c = coupon(Benefit::CashOff { off_fen: 2000 }, Some(10000), 2);
        assert_eq!(run(vec![c.clone()], &lines), vec![Ok(2000)]);
        // ¥99.99: one fen short.
        let short = [line("a", 1, 6000), line("b", 2, 3999)];
        assert_eq!(run(vec![c], &short), vec![Err("coupon_threshold_unmet")]);
    }

    #[test]
    fn the_threshold_counts_only_the_covered_products() {
        let lines = [line("a", 1, 6000), line("b", 2, 6000)];
        let mut c = coupon(Benefit::CashOff { off_fen: 2000 }, Some(10000), 2);
        c.eligible = vec![true, false];
        assert_eq!(
            run(vec![c.clone()], &lines),
            vec![Err("coupon_threshold_unmet")]
        );
        c.eligible = vec![false, false];
        assert_eq!(
            run(vec![c], &lines),
            vec![Err("coupon_products_out_of_scope")]
        );
    }

    #[test]
    fn cash_off_never_exceeds_the_order() {
        let c = coupon(Benefit::CashOff { off_fen: 1000 }, None, 1);
        assert_eq!(run(vec![c], &[line("a", 1, 190)]), vec![Ok(190)]);
    }

    #[test]
    fn n_zhe_pays_n_tenths_rounded_for_the_shop() {
        // 8折 on ¥99.99: 20 % of 9999 fen = 1999.8 → 1999 fen off, the member pays ¥80.00.
        let c = coupon(Benefit::Discount { pay_percent: 80 }, None, 1);
        assert_eq!(run(vec![c], &[line("a", 3, 9999)]), vec![Ok(1999)]);
        // 2折 on ¥100: 80 off.
        let c = coupon(Benefit::Discount { pay_percent: 20 }, Some(10000), 1);
        assert_eq!(run(vec![c], &[line("a", 1, 10000)]), vec![Ok(8000)]);
        // 8.5折 on ¥33.33: 15 % of 3333 = 499.95 → 499.
        let c = coupon(Benefit::Discount { pay_percent: 85 }, None, 1);
        assert_eq!(run(vec![c], &[line("a", 1, 3333)]), vec![Ok(499)]);
    }

    #[test]
    fn exchange_takes_one_unit_of_the_product() {
        let lines = [line("fries", 3, 2500), line("cola", 1, 18000)];
        let c = coupon(
            Benefit::Exchange {
                sku: "fries".into(),
            },
            Some(20000),
            2,
        );
        // 2500 / 3 = 833.33 → 833 fen for one unit.
        assert_eq!(run(vec![c.clone()], &lines), vec![Ok(833)]);
        let no_fries = [line("cola", 1, 20000)];
        let mut c = c;
        c.eligible = vec![true];
        assert_eq!(
            run(vec![c], &no_fries),
            vec![Err("coupon_exchange_product_missing")]
        );
    }

    #[test]
    fn state_owner_and_window_are_checked_first() {
        let lines = [line("a", 1, 5000)];
        let base = coupon(Benefit::CashOff { off_fen: 500 }, None, 1);
        let with = |f: &dyn Fn(&mut Candidate)| {
            let mut c = base.clone();
            f(&mut c);
            run(vec![c], &lines)[0]
        };
        assert_eq!(with(&|c| c.status = CouponStatus::Used), Err("coupon_used"));
        assert_eq!(
            with(&|c| c.status = CouponStatus::Expired),
            Err("coupon_expired")
        );
        assert_eq!(
            with(&|c| c.status = CouponStatus::Transferring),
            Err("coupon_transferring")
        );
        assert_eq!(with(&|c| c.owned = false), Err("coupon_not_owned"));
        assert_eq!(
            with(&|c| c.window.from_ms = wednesday_evening() + 1),
            Err("coupon_not_yet_valid")
        );
        assert_eq!(
            with(&|c| c.window.to_ms = wednesday_evening() - 1),
            Err("coupon_expired")
        );
        // Weekends only: refused on a Wednesday.
        assert_eq!(
            with(&|c| c.terms.usable.weekdays = 0b110_0000),
            Err("coupon_wrong_day")
        );
        // 09:00–18:00: refused at 20:09.
        assert_eq!(
            with(&|c| {
                c.terms.usable.from_s = 9 * 3600;
                c.terms.usable.to_s = 18 * 3600;
            }),
            Err("coupon_wrong_time")
        );
        assert_eq!(
            with(&|c| c.store_in_scope = false),
            Err("coupon_store_out_of_scope")
        );
        assert_eq!(with(&|_| {}), Ok(500));
    }

    #[test]
    fn stacking() {
        let lines = [line("a", 1, 5000)];
        let mut first = coupon(Benefit::CashOff { off_fen: 1000 }, None, 1);
        let mut second = first.clone();
        second.code = "1000000000000002".into();
        // Neither stacks: both refused.
        assert_eq!(
            run(vec![first.clone(), second.clone()], &lines),
            vec![Err("coupon_not_stackable"), Err("coupon_not_stackable")]
        );
        // One stacks: only the other is refused.
        second.terms.stackable = true;
        assert_eq!(
            run(vec![first.clone(), second.clone()], &lines),
            vec![Err("coupon_not_stackable"), Ok(1000)]
        );
        // Both stack, and together they stop at the order's ¥50.
        first.terms.stackable = true;
        first.terms.benefit = Benefit::CashOff { off_fen: 4500 };
        assert_eq!(
            run(vec![first.clone(), second], &lines),
            vec![Ok(4500), Ok(500)]
        );
        // The same code twice.
        assert_eq!(
            run(vec![first.clone(), first], &lines),
            vec![Ok(4500), Err("coupon_repeated")]
        );
    }
}
