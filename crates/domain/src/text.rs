//! Shared rules for short human-entered text.

use crate::ValidationError;

/// Trims `raw` and checks it has between `min` and `max` characters (not bytes: names are often
/// Chinese) and no control characters.
pub fn bounded(
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
) -> Result<String, ValidationError> {
    let value = raw.trim();
    let count = value.chars().count();
    if count < min {
        let message = if min <= 1 {
            "is required".to_string()
        } else {
            format!("must have at least {min} characters")
        };
        return Err(ValidationError::new(field, "too_short", message));
    }
    if count > max {
        return Err(ValidationError::new(
            field,
            "too_long",
            format!("must have at most {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            "invalid_characters",
            "must not contain control characters",
        ));
    }
    Ok(value.to_string())
}

/// A code: lowercase ASCII letters, digits, `-` and `_`, starting with a letter or digit.
/// Codes appear in URLs, files and integrations, so they are kept boring on purpose.
pub fn code(field: &'static str, raw: &str, max: usize) -> Result<String, ValidationError> {
    let value = bounded(field, raw, 1, max)?;
    let ok_start = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let ok_rest = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok_start || !ok_rest {
        return Err(ValidationError::new(
            field,
            "invalid_code",
            "use lowercase letters, digits, '-' and '_', starting with a letter or digit",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_counts_characters_not_bytes() {
        assert_eq!(bounded("name", " 超级管理员 ", 1, 5).unwrap(), "超级管理员");
        assert_eq!(
            bounded("name", "超级管理员!", 1, 5).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn bounded_refuses_blank_and_control_characters() {
        assert_eq!(bounded("name", "   ", 1, 5).unwrap_err().code, "too_short");
        assert_eq!(
            bounded("name", "a\u{7}b", 1, 5).unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn codes_are_lowercase_slugs() {
        assert_eq!(code("code", "brand-01", 32).unwrap(), "brand-01");
        assert_eq!(code("code", "Brand", 32).unwrap_err().code, "invalid_code");
        assert_eq!(code("code", "-x", 32).unwrap_err().code, "invalid_code");
        assert_eq!(code("code", "a b", 32).unwrap_err().code, "invalid_code");
    }
}
