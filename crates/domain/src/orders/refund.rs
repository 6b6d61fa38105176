//! How a refund is measured against its original order (§9.5, §10.6). A refund returns lines,
//! fully or by quantity; it can never return more than remains. Amounts and points follow the
//! quantity: a refund of `q` more units of a line of `Q` returns
//! `⌊v × after ÷ Q⌋ − ⌊v × before ÷ Q⌋` of each value `v` (net amount, points), where `before`
//! and `after` are the units refunded before and after it. Refunding a line in several parts
//! therefore returns exactly the whole in the end, never a fen or a point more.

use super::earning::prorate;
use super::input::NewLine;
use crate::ValidationError;

/// An original line as refunds see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalLine {
    pub line_no: i64,
    pub product_code: String,
    pub product_title: Option<String>,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub net_fen: i64,
    pub points_amount_fen: i64,
    pub refunded_quantity: i64,
    pub refunded_fen: i64,
}

impl OriginalLine {
    pub fn remaining_quantity(&self) -> i64 {
        self.quantity - self.refunded_quantity
    }
}

/// What a refund takes from one original line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub original_line_no: i64,
    /// Units refunded before this refund, and by it.
    pub before: i64,
    pub quantity: i64,
    /// The refund line, with its amounts as magnitudes.
    pub line: NewLine,
}

/// `v`'s part for refunding `quantity` more units after `before`, of `total` units.
pub fn part(v: i64, before: i64, quantity: i64, total: i64) -> i64 {
    prorate(v, before + quantity, total) - prorate(v, before, total)
}

fn exceeds(message: String) -> ValidationError {
    ValidationError::new("lines", "refund_exceeds_remaining", message)
}

/// Matches the refund's lines to the original's (by `original_line_no`, else the first line of
/// the same product with units left); no lines returns everything that remains. Amounts not
/// given follow the quantity; a given amount may not exceed what remains of the line.
pub fn measure(
    original: &[OriginalLine],
    lines: &[NewLine],
    amounts_given: &[bool],
) -> Result<Vec<Taken>, ValidationError> {
    let mut m = Measure {
        original,
        used: original.iter().map(|l| l.refunded_quantity).collect(),
        used_fen: original.iter().map(|l| l.refunded_fen).collect(),
        out: Vec::new(),
    };
    if lines.is_empty() {
        for (i, o) in original.iter().enumerate() {
            let left = o.remaining_quantity();
            if left > 0 {
                m.take(i, left, None)?;
            }
        }
        if m.out.is_empty() {
            return Err(exceeds(
                "the order has been refunded in full already".into(),
            ));
        }
        return Ok(m.out);
    }
    for (k, l) in lines.iter().enumerate() {
        let i = match l.original_line_no {
            Some(no) => original
                .iter()
                .position(|o| o.line_no == no)
                .ok_or_else(|| {
                    ValidationError::new(
                        "lines",
                        "unknown_original_line",
                        format!("the original order has no line {no}"),
                    )
                })?,
            None => original
                .iter()
                .enumerate()
                .position(|(i, o)| o.product_code == l.product_code && m.used[i] < o.quantity)
                .ok_or_else(|| {
                    exceeds(format!(
                        "no line of product {} is left to refund in the original order",
                        l.product_code
                    ))
                })?,
        };
        let given = amounts_given.get(k).copied().unwrap_or(false);
        m.take(i, l.quantity, given.then_some(l))?;
    }
    Ok(m.out)
}

/// The running tally of one refund: units and fen taken from each original line so far.
struct Measure<'a> {
    original: &'a [OriginalLine],
    used: Vec<i64>,
    used_fen: Vec<i64>,
    out: Vec<Taken>,
}

impl Measure<'_> {
    fn take(
        &mut self,
        i: usize,
        quantity: i64,
        given: Option<&NewLine>,
    ) -> Result<(), ValidationError> {
        let o = &self.original[i];
        let before = self.used[i];
        if quantity > o.quantity - before {
            return Err(exceeds(format!(
                "line {} ({}) has {} units left to refund",
                o.line_no,
                o.product_code,
                o.quantity - before
            )));
        }
        let net_fen = match given {
            Some(l) => l.net_fen,
            None => part(o.net_fen, before, quantity, o.quantity),
        };
        if net_fen > o.net_fen - self.used_fen[i] {
            return Err(exceeds(format!(
                "line {} has {} fen left to refund",
                o.line_no,
                o.net_fen - self.used_fen[i]
            )));
        }
        self.used[i] += quantity;
        self.used_fen[i] += net_fen;
        let line_no = i64::try_from(self.out.len()).unwrap_or(i64::MAX) + 1;
        let line = match given {
            Some(l) => NewLine {
                line_no,
                original_line_no: Some(o.line_no),
                ..l.clone()
            },
            None => NewLine {
                line_no,
                product_code: o.product_code.clone(),
                product_title: o.product_title.clone(),
                quantity,
                unit_price_fen: o.unit_price_fen,
                original_fen: net_fen,
                receivable_fen: net_fen,
                coupon_fen: 0,
                discount_fen: 0,
                net_fen,
                net_ex_tax_fen: None,
                points_amount_fen: part(o.points_amount_fen, before, quantity, o.quantity),
                original_line_no: Some(o.line_no),
            },
        };
        self.out.push(Taken {
            original_line_no: o.line_no,
            before,
            quantity,
            line,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original() -> Vec<OriginalLine> {
        vec![
            OriginalLine {
                line_no: 1,
                product_code: "CN01836".into(),
                product_title: None,
                quantity: 3,
                unit_price_fen: 1000,
                net_fen: 3000,
                points_amount_fen: 3000,
                refunded_quantity: 0,
                refunded_fen: 0,
            },
            OriginalLine {
                line_no: 2,
                product_code: "CN02000".into(),
                product_title: None,
                quantity: 1,
                unit_price_fen: 500,
                net_fen: 500,
                points_amount_fen: 500,
                refunded_quantity: 0,
                refunded_fen: 0,
            },
        ]
    }

    fn refund_line(product: &str, quantity: i64) -> NewLine {
        NewLine {
            line_no: 1,
            product_code: product.into(),
            product_title: None,
            quantity,
            unit_price_fen: 0,
            original_fen: 0,
            receivable_fen: 0,
            coupon_fen: 0,
            discount_fen: 0,
            net_fen: 0,
            net_ex_tax_fen: None,
            points_amount_fen: 0,
            original_line_no: None,
        }
    }

    #[test]
    fn parts_add_up_to_the_whole() {
        // 100 points over 3 units refunded one at a time: 33, 33, 34.
        assert_eq!(part(100, 0, 1, 3), 33);
        assert_eq!(part(100, 1, 1, 3), 33);
        assert_eq!(part(100, 2, 1, 3), 34);
        assert_eq!(part(100, 0, 3, 3), 100);
    }

    #[test]
    fn a_refund_without_lines_returns_everything_left() {
        let taken = measure(&original(), &[], &[]).unwrap();
        assert_eq!(taken.len(), 2);
        assert_eq!((taken[0].quantity, taken[0].line.net_fen), (3, 3000));
        assert_eq!((taken[1].quantity, taken[1].line.net_fen), (1, 500));
    }

    #[test]
    fn partial_refunds_follow_the_quantity_and_never_exceed_it() {
        let mut o = original();
        let taken = measure(&o, &[refund_line("CN01836", 1)], &[false]).unwrap();
        assert_eq!(taken[0].line.net_fen, 1000);
        assert_eq!(taken[0].line.original_line_no, Some(1));
        o[0].refunded_quantity = 1;
        o[0].refunded_fen = 1000;
        let err = measure(&o, &[refund_line("CN01836", 3)], &[false]).unwrap_err();
        assert_eq!(err.code, "refund_exceeds_remaining");
        let rest = measure(&o, &[], &[]).unwrap();
        assert_eq!((rest[0].quantity, rest[0].line.net_fen), (2, 2000));
        // An amount given larger than what is left is refused.
        let mut big = refund_line("CN02000", 1);
        big.net_fen = 501;
        assert_eq!(
            measure(&o, &[big], &[true]).unwrap_err().code,
            "refund_exceeds_remaining"
        );
        assert_eq!(
            measure(&o, &[refund_line("NOPE", 1)], &[false])
                .unwrap_err()
                .code,
            "refund_exceeds_remaining"
        );
        o[0].refunded_quantity = 3;
        o[0].refunded_fen = 3000;
        o[1].refunded_quantity = 1;
        o[1].refunded_fen = 500;
        assert_eq!(
            measure(&o, &[], &[]).unwrap_err().code,
            "refund_exceeds_remaining"
        );
    }
}
