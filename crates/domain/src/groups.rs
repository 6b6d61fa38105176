//! Store groups and product groups (marketing-analytics-admin §3–4): static lists of stores or
//! products that rules name as their scope.

use crate::text::bounded;
use crate::ValidationError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What a group holds: store codes or product SKU codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Store,
    Product,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Store => "store",
            Self::Product => "product",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "store" => Some(Self::Store),
            "product" => Some(Self::Product),
            _ => None,
        }
    }
}

impl GroupKind {
    /// The audit log's object type, and the first part of its actions (`store_group.enable`).
    pub fn object_type(self) -> &'static str {
        match self {
            Self::Store => "store_group",
            Self::Product => "product_group",
        }
    }
}

/// Most codes one call may add or remove: a product group can hold 100,000 SKUs, added in a
/// few calls, while each call stays one bounded transaction.
pub const MAX_CODES_PER_CALL: usize = 10_000;

/// A group's name (名称): required, 1–60 characters, unique among the tenant's groups of its
/// kind (the store checks that).
pub fn name(raw: &str) -> Result<String, ValidationError> {
    bounded("name", raw, 1, 60)
}

/// A group's description (说明): required by the source form, 1–200 characters.
pub fn description(raw: &str) -> Result<String, ValidationError> {
    bounded("description", raw, 1, 200)
}

/// The codes of one add or remove call: each trimmed, blanks dropped, repeats dropped (the
/// first occurrence keeps its place). At least one and at most [`MAX_CODES_PER_CALL`].
///
/// A code that could not be a master data code is kept: the caller reports it back as unknown
/// like any other code that names nothing, rather than refusing the whole call.
pub fn codes(raw: &[String]) -> Result<Vec<String>, ValidationError> {
    let mut seen = HashSet::with_capacity(raw.len());
    let mut out = Vec::with_capacity(raw.len());
    for code in raw.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if seen.insert(code) {
            out.push(code.to_string());
        }
        if out.len() > MAX_CODES_PER_CALL {
            return Err(ValidationError::new(
                "codes",
                "too_many_codes",
                format!("send at most {MAX_CODES_PER_CALL} codes per call"),
            ));
        }
    }
    if out.is_empty() {
        return Err(ValidationError::new(
            "codes",
            "codes_required",
            "send at least one code",
        ));
    }
    Ok(out)
}

/// The codes of a bulk import box (批量导入): one per line or separated by commas (either
/// width), semicolons or spaces. Master data codes never contain any of these.
pub fn split_codes(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == '，' || c == ';' || c == '；' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `code` could name a store or product at all (see `master_data::master_code`):
/// others are unknown without asking the store.
pub fn plausible_code(code: &str) -> bool {
    crate::master_data::master_code("code", code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_and_descriptions_are_required_and_bounded() {
        assert_eq!(name(" 线上门店 ").unwrap(), "线上门店");
        assert_eq!(name("  ").unwrap_err().code, "too_short");
        assert_eq!(name(&"店".repeat(61)).unwrap_err().code, "too_long");
        assert_eq!(name(&"店".repeat(60)).unwrap().chars().count(), 60);
        assert_eq!(description("").unwrap_err().field, "description");
        assert_eq!(description("").unwrap_err().code, "too_short");
        assert_eq!(description(&"x".repeat(201)).unwrap_err().code, "too_long");
    }

    #[test]
    fn codes_are_trimmed_deduplicated_and_kept_in_order() {
        let got = codes(&strings(&[" B2 ", "A1", "", "B2", "  ", "C3", "A1"])).unwrap();
        assert_eq!(got, strings(&["B2", "A1", "C3"]));
    }

    #[test]
    fn an_empty_or_oversized_list_is_refused() {
        let e = codes(&strings(&["", "  "])).unwrap_err();
        assert_eq!((e.field, e.code), ("codes", "codes_required"));
        let many: Vec<String> = (0..=MAX_CODES_PER_CALL).map(|i| format!("S{i}")).collect();
        assert_eq!(codes(&many).unwrap_err().code, "too_many_codes");
        assert_eq!(
            codes(&many[..MAX_CODES_PER_CALL]).unwrap().len(),
            MAX_CODES_PER_CALL
        );
        // Repeats do not count against the limit.
        let repeated = vec!["S1".to_string(); MAX_CODES_PER_CALL + 5];
        assert_eq!(codes(&repeated).unwrap(), strings(&["S1"]));
    }

    #[test]
    fn an_import_box_splits_on_lines_commas_and_spaces() {
        assert_eq!(
            split_codes("CNSHA001\r\nCNSHA002, CNBJS001，JD001;TM01\n\n  WEB001 "),
            strings(&["CNSHA001", "CNSHA002", "CNBJS001", "JD001", "TM01", "WEB001"])
        );
        assert!(split_codes(" \n, ").is_empty());
    }

    #[test]
    fn implausible_codes_are_recognised() {
        assert!(plausible_code("SKU000123"));
        assert!(plausible_code("td0001.a-b_c"));
        assert!(!plausible_code("门店"));
        assert!(!plausible_code(&"x".repeat(65)));
    }
}
