//! Tenants: the organisations Patron serves. A tenant is a group, a brand or a region of a
//! brand; all of its data is isolated from every other tenant's.

use crate::{text, ValidationError};
use serde::{Deserialize, Serialize};

/// The tenant's short code, used at login and in integrations. Unique on the platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TenantCode(String);

impl TenantCode {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let value = text::code("code", &raw.to_ascii_lowercase(), 32)?;
        if value.len() < 2 {
            return Err(ValidationError::new(
                "code",
                "too_short",
                "must have at least 2 characters",
            ));
        }
        Ok(Self(value))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time zone. Business dates ("today", "birthday month", "expires end of day") are
/// computed in it, so only names the time-zone database knows are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TimeZone(String);

impl TimeZone {
    pub const DEFAULT: &'static str = "Asia/Shanghai";

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let name = raw.trim();
        match name.parse::<chrono_tz::Tz>() {
            Ok(tz) => Ok(Self(tz.name().to_string())),
            Err(_) => Err(ValidationError::new(
                "time_zone",
                "unknown_time_zone",
                format!("'{name}' is not an IANA time zone such as Asia/Shanghai"),
            )),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        Self(Self::DEFAULT.to_string())
    }
}

/// An ISO 4217 currency code. Money is stored in the currency's minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Currency(String);

impl Currency {
    pub const DEFAULT: &'static str = "CNY";

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(ValidationError::new(
                "currency",
                "invalid_currency",
                "must be a three-letter ISO 4217 code such as CNY",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Currency {
    fn default() -> Self {
        Self(Self::DEFAULT.to_string())
    }
}

/// Whether a tenant may be used. A suspended tenant's users cannot log in and its API keys are
/// refused, but nothing is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    Suspended,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "active" => Ok(Self::Active),
            "suspended" => Ok(Self::Suspended),
            _ => Err(ValidationError::new(
                "status",
                "invalid_status",
                "must be 'active' or 'suspended'",
            )),
        }
    }
}

/// The display name of a tenant.
pub fn parse_name(raw: &str) -> Result<String, ValidationError> {
    text::bounded("name", raw, 1, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_codes_are_lowercased_and_need_two_characters() {
        assert_eq!(TenantCode::parse("Acme").unwrap().as_str(), "acme");
        assert_eq!(TenantCode::parse("a").unwrap_err().code, "too_short");
        assert_eq!(
            TenantCode::parse("acme corp").unwrap_err().code,
            "invalid_code"
        );
    }

    #[test]
    fn time_zones_must_be_known() {
        assert_eq!(TimeZone::default().as_str(), "Asia/Shanghai");
        assert_eq!(
            TimeZone::parse("Europe/Paris").unwrap().as_str(),
            "Europe/Paris"
        );
        assert_eq!(
            TimeZone::parse("Mars/Olympus").unwrap_err().code,
            "unknown_time_zone"
        );
    }

    #[test]
    fn currencies_are_three_letters_uppercased() {
        assert_eq!(Currency::default().as_str(), "CNY");
        assert_eq!(Currency::parse("usd").unwrap().as_str(), "USD");
        assert_eq!(
            Currency::parse("RMB1").unwrap_err().code,
            "invalid_currency"
        );
    }
}
