//! Master data rules (spec marketing-analytics-admin §11): categories, products, stores and
//! payment methods. All of it is synced from the brand's systems by external code, so the rules
//! here check one item at a time and report every field at fault, for a whole batch to be
//! refused with a complete list.

mod items;

pub use items::*;

use crate::ValidationError;

/// Most items a bulk upsert accepts in one request.
pub const MAX_BATCH: usize = 1000;

/// An external code as the brand's systems spell it (`CS99904`, `C055`, `SKU000123`): letters,
/// digits, `-`, `_` and `.`, 1–64 characters, case preserved (ERP codes are case-sensitive
/// identifiers, unlike Patron's own lowercase keys).
pub fn master_code(field: &'static str, raw: &str) -> Result<String, ValidationError> {
    let value = crate::text::bounded(field, raw, 1, 64)?;
    let ok = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        return Err(ValidationError::new(
            field,
            "invalid_master_code",
            "use letters, digits, '-', '_' and '.'",
        ));
    }
    Ok(value)
}

/// The name of a record, 1–128 characters.
pub fn master_name(raw: &str) -> Result<String, ValidationError> {
    crate::text::bounded("name", raw, 1, 128)
}

/// Where a record comes from (`POS`, `微信商城`…): free text up to 64 characters, `api` when
/// not given.
pub fn source(raw: Option<&str>) -> Result<String, ValidationError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => crate::text::bounded("source", s, 1, 64),
        None => Ok("api".to_string()),
    }
}

/// Optional free text: blank is absent.
pub fn optional_text(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => crate::text::bounded(field, s, 1, max).map(Some),
        None => Ok(None),
    }
}

/// Optional code: blank is absent.
pub fn optional_code(
    field: &'static str,
    raw: Option<&str>,
) -> Result<Option<String>, ValidationError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => master_code(field, s).map(Some),
        None => Ok(None),
    }
}

macro_rules! closed_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident = $code:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                let raw = raw.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == raw).ok_or_else(|| {
                    let choices: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    ValidationError::new(
                        $field,
                        concat!("invalid_", $field),
                        format!("must be one of {}", choices.join(", ")),
                    )
                })
            }
        }
    };
}

closed_enum!(
    /// Whether a product is still sold.
    ProductStatus, "status" { Active = "active", Inactive = "inactive" }
);
closed_enum!(
    /// A store with an address, or the virtual store of an online channel.
    StoreKind, "kind" { Physical = "physical", Virtual = "virtual" }
);
closed_enum!(
    /// Whether a store trades (正常) or has closed (闭店).
    StoreStatus, "status" { Open = "open", Closed = "closed" }
);

/// A category's level is 1–3 (一级, 二级, 三级).
pub fn category_level(raw: i64) -> Result<u8, ValidationError> {
    match raw {
        1..=3 => Ok(raw as u8),
        _ => Err(ValidationError::new(
            "level",
            "invalid_level",
            "must be 1, 2 or 3",
        )),
    }
}

/// A level-1 category has no parent; levels 2 and 3 need one.
pub fn parent_presence(level: u8, parent: Option<&str>) -> Result<(), ValidationError> {
    match (level, parent) {
        (1, Some(_)) => Err(ValidationError::new(
            "parent_code",
            "invalid_parent",
            "a level 1 category has no parent",
        )),
        (2 | 3, None) => Err(ValidationError::new(
            "parent_code",
            "invalid_parent",
            format!("a level {level} category needs a parent"),
        )),
        _ => Ok(()),
    }
}

/// The parent (found in the same batch or stored, `None` when neither) must sit one level
/// above: the source data has a level-3 category under a level-3 parent, refused here.
pub fn parent_level(
    level: u8,
    parent_code: &str,
    parent: Option<u8>,
) -> Result<(), ValidationError> {
    match parent {
        None => Err(ValidationError::new(
            "parent_code",
            "unknown_parent",
            format!("there is no category '{parent_code}'"),
        )),
        Some(p) if p + 1 != level => Err(ValidationError::new(
            "parent_code",
            "invalid_parent",
            format!("'{parent_code}' is a level {p} category; a level {level} category needs a level {} parent", level - 1),
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests;
