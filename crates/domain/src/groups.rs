//! Store groups and product groups (marketing-analytics-admin §3–4): static lists of stores or
//! products that rules name as their scope.

use serde::{Deserialize, Serialize};

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
