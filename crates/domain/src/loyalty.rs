//! Loyalty configuration rules (spec loyalty-core §5): programs, point groups, cost centers,
//! tiers and tier rules. `tier` holds the tier validity and expiry; `rule` the tier-rule
//! conditions, ranges and the checks across the rules of one program; `retention` the daily
//! retention-or-downgrade decision (§7.3).

pub mod retention;
pub mod rule;
pub mod tier;
pub mod upgrade;

use crate::{text, ValidationError};

/// A program's code (俱乐部代号): unique in the tenant, used by integrations.
pub fn parse_program_code(raw: &str) -> Result<String, ValidationError> {
    text::code("code", raw, 64)
}

/// A program's name (忠诚度名称), e.g. 品牌会员计划.
pub fn parse_program_name(raw: &str) -> Result<String, ValidationError> {
    text::bounded("name", raw, 1, 128)
}

/// The code of a point group or a cost center: unique in its program.
pub fn parse_entry_code(raw: &str) -> Result<String, ValidationError> {
    text::code("code", raw, 32)
}

/// The name of a point group (积分, 成长值) or a cost center (会员成本中心).
pub fn parse_entry_name(raw: &str) -> Result<String, ValidationError> {
    text::bounded("name", raw, 1, 64)
}

/// A whole number within `min..=max` for `field`, refused with `code` otherwise.
pub(crate) fn whole_in(
    field: &'static str,
    code: &'static str,
    value: i64,
    min: i64,
    max: i64,
) -> Result<i64, ValidationError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ValidationError::new(
            field,
            code,
            format!("must be a whole number from {min} to {max}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_codes_are_slugs_of_at_most_64_characters() {
        assert_eq!(parse_program_code("member-club").unwrap(), "member-club");
        assert_eq!(
            parse_program_code("Member Club").unwrap_err().code,
            "invalid_code"
        );
        assert_eq!(
            parse_program_code(&"a".repeat(65)).unwrap_err().code,
            "too_long"
        );
        assert!(parse_program_code(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert_eq!(
            parse_program_name(" 品牌会员计划 Brand member program ").unwrap(),
            "品牌会员计划 Brand member program"
        );
        assert_eq!(parse_program_name("  ").unwrap_err().code, "too_short");
        assert!(parse_program_name(&"名".repeat(128)).is_ok());
        assert_eq!(
            parse_entry_name(&"名".repeat(65)).unwrap_err().code,
            "too_long"
        );
        assert_eq!(parse_entry_code("growth").unwrap(), "growth");
    }
}
