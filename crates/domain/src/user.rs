//! Console users of a tenant and the rules for their fields and passwords.

use crate::{text, ValidationError};
use serde::{Deserialize, Serialize};

/// The name a user logs in with (the spec's 账号). Non-ASCII is allowed (`范金泉`), white space
/// inside is not, and comparison is case-insensitive for ASCII letters.
pub fn parse_login_name(raw: &str) -> Result<String, ValidationError> {
    let value = text::bounded("login_name", raw, 1, 64)?;
    if value.chars().any(char::is_whitespace) {
        return Err(ValidationError::new(
            "login_name",
            "invalid_characters",
            "must not contain spaces",
        ));
    }
    Ok(value.to_lowercase())
}

/// The name shown for a user (the spec's 昵称).
pub fn parse_display_name(raw: &str) -> Result<String, ValidationError> {
    text::bounded("display_name", raw, 1, 60)
}

/// An optional e-mail address: one `@`, something on both sides, a dot in the domain.
pub fn parse_email(raw: &str) -> Result<Option<String>, ValidationError> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let valid = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
        && !value.chars().any(char::is_whitespace);
    if valid {
        Ok(Some(value.to_string()))
    } else {
        Err(ValidationError::new(
            "email",
            "invalid_email",
            "is not an e-mail address",
        ))
    }
}

/// The console languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::ZhCn => "zh-CN",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "en" => Ok(Self::En),
            "zh-CN" => Ok(Self::ZhCn),
            _ => Err(ValidationError::new(
                "locale",
                "invalid_locale",
                "must be 'en' or 'zh-CN'",
            )),
        }
    }
}

/// Whether a user may log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "active" => Ok(Self::Active),
            "disabled" => Ok(Self::Disabled),
            _ => Err(ValidationError::new(
                "status",
                "invalid_status",
                "must be 'active' or 'disabled'",
            )),
        }
    }
}

/// Shortest password accepted. The spec sets no policy; NIST SP 800-63B asks for length over
/// composition rules, so only length is checked.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password accepted, to bound the cost of hashing.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks a new password against the policy.
pub fn check_new_password(
    field: &'static str,
    password: &str,
    login_name: &str,
) -> Result<(), ValidationError> {
    let count = password.chars().count();
    if count < PASSWORD_MIN_CHARS {
        return Err(ValidationError::new(
            field,
            "password_too_short",
            format!("must have at least {PASSWORD_MIN_CHARS} characters"),
        ));
    }
    if count > PASSWORD_MAX_CHARS {
        return Err(ValidationError::new(
            field,
            "password_too_long",
            format!("must have at most {PASSWORD_MAX_CHARS} characters"),
        ));
    }
    if password.to_lowercase() == login_name.to_lowercase() {
        return Err(ValidationError::new(
            field,
            "password_is_login_name",
            "must not be the login name",
        ));
    }
    Ok(())
}

/// The password-change form (spec marketing-analytics-admin §12.4): old, new and confirmation.
/// The old password is verified by the caller (it needs the stored hash); this checks the rest.
pub fn check_password_change(
    old_password: &str,
    new_password: &str,
    confirm_password: &str,
    login_name: &str,
) -> Result<(), ValidationError> {
    if old_password.is_empty() {
        return Err(ValidationError::new(
            "old_password",
            "too_short",
            "is required",
        ));
    }
    check_new_password("new_password", new_password, login_name)?;
    if new_password != confirm_password {
        return Err(ValidationError::new(
            "confirm_password",
            "password_mismatch",
            "does not match the new password",
        ));
    }
    if new_password == old_password {
        return Err(ValidationError::new(
            "new_password",
            "password_unchanged",
            "must differ from the old password",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_names_allow_chinese_and_fold_ascii_case() {
        assert_eq!(parse_login_name("范金泉").unwrap(), "范金泉");
        assert_eq!(parse_login_name(" Feng ").unwrap(), "feng");
        assert_eq!(
            parse_login_name("fan jin").unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn emails_are_optional_but_checked() {
        assert_eq!(parse_email("").unwrap(), None);
        assert_eq!(
            parse_email("ops@brand.cn").unwrap().as_deref(),
            Some("ops@brand.cn")
        );
        for bad in ["ops", "ops@brand", "@brand.cn", "a b@brand.cn", "ops@.cn"] {
            assert_eq!(parse_email(bad).unwrap_err().code, "invalid_email", "{bad}");
        }
    }

    #[test]
    fn password_change_checks_each_field_in_order() {
        let ok = check_password_change("old-secret-1", "new-secret-22", "new-secret-22", "feng");
        assert_eq!(ok, Ok(()));
        let e = check_password_change("", "new-secret-22", "new-secret-22", "feng").unwrap_err();
        assert_eq!((e.field, e.code), ("old_password", "too_short"));
        let e = check_password_change("old-secret-1", "short", "short", "feng").unwrap_err();
        assert_eq!((e.field, e.code), ("new_password", "password_too_short"));
        let e = check_password_change("old-secret-1", "new-secret-22", "new-secret-23", "feng")
            .unwrap_err();
        assert_eq!((e.field, e.code), ("confirm_password", "password_mismatch"));
        let e = check_password_change("old-secret-1", "old-secret-1", "old-secret-1", "feng")
            .unwrap_err();
        assert_eq!((e.field, e.code), ("new_password", "password_unchanged"));
    }

    #[test]
    fn password_may_not_be_the_login_name() {
        let e = check_new_password("password", "Feng-Jinquan", "feng-jinquan").unwrap_err();
        assert_eq!(e.code, "password_is_login_name");
    }
}
