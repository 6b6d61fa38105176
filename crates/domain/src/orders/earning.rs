//! Which part of an order earns amount-based points. A payment method without the earns-points
//! flag (a gift card, points themselves, a voucher paid for elsewhere) earns nothing: each line's
//! amount counted for points is reduced in proportion to what such methods paid, rounded down,
//! so points are never given for value the brand has already paid for.

/// `value × numerator ÷ denominator`, rounded down, without overflow (`denominator` > 0).
pub fn prorate(value: i64, numerator: i64, denominator: i64) -> i64 {
    if denominator <= 0 {
        return 0;
    }
    let exact = i128::from(value) * i128::from(numerator) / i128::from(denominator);
    i64::try_from(exact).unwrap_or(i64::MAX)
}

/// The share of the order paid by earning methods, as (earning, total) paid fen; `None` when the
/// order names no payments, which earns in full.
pub fn earning_share(payments: &[(i64, bool)]) -> Option<(i64, i64)> {
    if payments.is_empty() {
        return None;
    }
    let total: i64 = payments.iter().map(|(fen, _)| fen).sum();
    let earning: i64 = payments
        .iter()
        .filter(|(_, e)| *e)
        .map(|(fen, _)| fen)
        .sum();
    Some((earning, total))
}

/// A line's amount counted for points after the order's earning share.
pub fn earning_amount(points_amount_fen: i64, share: Option<(i64, i64)>) -> i64 {
    match share {
        None => points_amount_fen,
        Some((earning, total)) if earning >= total => points_amount_fen,
        Some((earning, total)) => prorate(points_amount_fen, earning, total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_earning_payments_earn() {
        // ¥100 paid: ¥60 by WeChat Pay (earns), ¥40 by gift card (does not).
        let share = earning_share(&[(6000, true), (4000, false)]);
        assert_eq!(share, Some((6000, 10000)));
        // A ¥33.33 line counts ¥19.99 (3333 × 0.6 = 1999.8, rounded down).
        assert_eq!(earning_amount(3333, share), 1999);
        assert_eq!(earning_amount(3333, None), 3333);
        assert_eq!(earning_amount(3333, earning_share(&[(100, true)])), 3333);
        assert_eq!(earning_amount(3333, earning_share(&[(100, false)])), 0);
        // Nothing paid at all: no value came from a non-earning method, so nothing is reduced.
        assert_eq!(earning_amount(3333, earning_share(&[(0, false)])), 3333);
    }

    #[test]
    fn prorating_is_exact_and_never_overflows() {
        assert_eq!(prorate(10, 1, 3), 3);
        assert_eq!(prorate(i64::MAX, 2, 2), i64::MAX);
        assert_eq!(prorate(5, 1, 0), 0);
    }
}
