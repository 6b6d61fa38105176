//! Money as an integer number of fen (1/100 yuan). Amounts arrive as decimal text ("12.50") and
//! are parsed digit by digit, never through floating point, so 0.1 + 0.2 stays 30 fen.

use crate::ValidationError;

/// The largest amount accepted: 100 billion yuan, far above any price or order, and far below
/// where `i64` fen could overflow.
pub const MAX_FEN: i64 = 10_000_000_000_000;

/// Parses a non-negative decimal amount in yuan with at most two decimals into fen:
/// `"12.5"` → 1250, `"0.01"` → 1, `"3"` → 300. Refuses signs other than a leading `+`,
/// exponents, separators and blanks.
pub fn parse_yuan(field: &'static str, raw: &str) -> Result<i64, ValidationError> {
    let text = raw.trim();
    let invalid = || {
        ValidationError::new(
            field,
            "invalid_amount",
            format!("'{text}' is not an amount such as 12.50"),
        )
    };
    if text.starts_with('-') {
        return Err(ValidationError::new(
            field,
            "negative_amount",
            "must not be negative",
        ));
    }
    let text_unsigned = text.strip_prefix('+').unwrap_or(text);
    let (whole, decimals) = match text_unsigned.split_once('.') {
        Some((w, d)) => (w, d),
        None => (text_unsigned, ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && decimals.is_empty()) || !digits(whole) || !digits(decimals) {
        return Err(invalid());
    }
    // Trailing zeros carry no value: "1.230" is 1.23.
    let decimals = decimals.trim_end_matches('0');
    if decimals.len() > 2 {
        return Err(ValidationError::new(
            field,
            "too_many_decimals",
            "must have at most 2 decimals",
        ));
    }
    let too_large = || {
        ValidationError::new(
            field,
            "invalid_amount",
            format!("must be at most {}", format_fen(MAX_FEN)),
        )
    };
    let mut fen: i64 = 0;
    for c in whole.chars() {
        fen = fen
            .checked_mul(10)
            .and_then(|f| f.checked_add(i64::from(c as u8 - b'0')))
            .filter(|f| *f <= MAX_FEN)
            .ok_or_else(too_large)?;
    }
    let mut cents = 0;
    for (i, c) in decimals.chars().enumerate() {
        let d = i64::from(c as u8 - b'0');
        cents += if i == 0 { d * 10 } else { d };
    }
    fen.checked_mul(100)
        .and_then(|f| f.checked_add(cents))
        .filter(|f| *f <= MAX_FEN)
        .ok_or_else(too_large)
}

/// Fen as yuan with two decimals: 1250 → "12.50".
pub fn format_fen(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(text: &str) -> Result<i64, &'static str> {
        parse_yuan("price", text).map_err(|e| e.code)
    }

    #[test]
    fn decimal_text_becomes_fen_exactly() {
        assert_eq!(fen("12.5"), Ok(1250));
        assert_eq!(fen("0.01"), Ok(1));
        assert_eq!(fen("3"), Ok(300));
        assert_eq!(fen("299.00"), Ok(29900));
        assert_eq!(fen("9.90"), Ok(990));
        assert_eq!(fen(" 0.10 "), Ok(10));
        assert_eq!(fen(".5"), Ok(50));
        assert_eq!(fen("7."), Ok(700));
        assert_eq!(fen("+1.2"), Ok(120));
        assert_eq!(fen("1.230"), Ok(123));
        assert_eq!(fen("0"), Ok(0));
    }

    #[test]
    fn bad_amounts_are_refused_with_their_reason() {
        assert_eq!(fen("1.234"), Err("too_many_decimals"));
        assert_eq!(fen("-1"), Err("negative_amount"));
        assert_eq!(fen("-0.5"), Err("negative_amount"));
        assert_eq!(fen(""), Err("invalid_amount"));
        assert_eq!(fen("."), Err("invalid_amount"));
        assert_eq!(fen("1e3"), Err("invalid_amount"));
        assert_eq!(fen("1,000"), Err("invalid_amount"));
        assert_eq!(fen("12 .5"), Err("invalid_amount"));
        assert_eq!(fen("¥12"), Err("invalid_amount"));
        assert_eq!(fen("1.2.3"), Err("invalid_amount"));
        assert_eq!(fen("99999999999999999999999"), Err("invalid_amount"));
    }

    #[test]
    fn fen_is_shown_with_two_decimals() {
        assert_eq!(format_fen(1250), "12.50");
        assert_eq!(format_fen(1), "0.01");
        assert_eq!(format_fen(29900), "299.00");
        assert_eq!(format_fen(-5), "-0.05");
    }
}
