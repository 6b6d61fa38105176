//! The JSON shapes of the master data API.

use crate::views::rfc3339;
use patron_app::master_data::{Category, ItemError, PaymentMethod, Product, StoreRecord};
use patron_app::model::Page;
use patron_domain::money::format_fen;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub id: String,
    pub code: String,
    pub name: String,
    /// 1, 2 or 3.
    pub level: u8,
    /// The parent's code; none for level 1.
    pub parent_code: Option<String>,
    pub source: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Category> for CategoryView {
    fn from(c: &Category) -> Self {
        Self {
            id: c.id.to_string(),
            code: c.code.clone(),
            name: c.name.clone(),
            level: c.level,
            parent_code: c.parent_code.clone(),
            source: c.source.clone(),
            created_at: rfc3339(c.created_at_ms),
            updated_at: rfc3339(c.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub brand: Option<String>,
    pub category_code: Option<String>,
    /// Yuan with two decimals, e.g. `12.50`.
    pub price: Option<String>,
    /// The same price in fen.
    pub price_fen: Option<i64>,
    /// `active` or `inactive`.
    pub status: String,
    pub source: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Product> for ProductView {
    fn from(p: &Product) -> Self {
        Self {
            id: p.id.to_string(),
            code: p.code.clone(),
            name: p.name.clone(),
            brand: p.brand.clone(),
            category_code: p.category_code.clone(),
            price: p.price_fen.map(format_fen),
            price_fen: p.price_fen,
            status: p.status.as_str().into(),
            source: p.source.clone(),
            created_at: rfc3339(p.created_at_ms),
            updated_at: rfc3339(p.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoreView {
    pub id: String,
    pub code: String,
    pub name: String,
    /// `physical` or `virtual`.
    pub kind: String,
    /// A channel code, e.g. `pos`, `tmall`.
    pub channel: String,
    /// The org unit above (上级部门).
    pub parent_code: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    /// `open` or `closed`.
    pub status: String,
    pub source: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&StoreRecord> for StoreView {
    fn from(s: &StoreRecord) -> Self {
        Self {
            id: s.id.to_string(),
            code: s.code.clone(),
            name: s.name.clone(),
            kind: s.kind.as_str().into(),
            channel: s.channel.code().into(),
            parent_code: s.parent_code.clone(),
            province: s.province.clone(),
            city: s.city.clone(),
            status: s.status.as_str().into(),
            source: s.source.clone(),
            created_at: rfc3339(s.created_at_ms),
            updated_at: rfc3339(s.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentMethodView {
    pub id: String,
    pub code: String,
    pub name: String,
    /// Whether the amount paid with this method counts toward points (是否计算积分).
    pub earns_points: bool,
    pub category: Option<String>,
    pub source: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&PaymentMethod> for PaymentMethodView {
    fn from(m: &PaymentMethod) -> Self {
        Self {
            id: m.id.to_string(),
            code: m.code.clone(),
            name: m.name.clone(),
            earns_points: m.earns_points,
            category: m.category.clone(),
            source: m.source.clone(),
            created_at: rfc3339(m.created_at_ms),
            updated_at: rfc3339(m.updated_at_ms),
        }
    }
}

macro_rules! page_of {
    ($name:ident, $item:ty, $record:ty) => {
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `after` for the next page; absent on the last page.
            pub next_cursor: Option<String>,
            /// Rows matching the search and filters.
            pub total: u64,
        }

        impl From<&Page<$record>> for $name {
            fn from(page: &Page<$record>) -> Self {
                Self {
                    items: page.items.iter().map(<$item>::from).collect(),
                    next_cursor: page.next_cursor.clone(),
                    total: page.total,
                }
            }
        }
    };
}

page_of!(CategoryPage, CategoryView, Category);
page_of!(ProductPage, ProductView, Product);
page_of!(StorePage, StoreView, StoreRecord);
page_of!(PaymentMethodPage, PaymentMethodView, PaymentMethod);

/// What a bulk upsert did.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpsertResult {
    pub created: u64,
    pub updated: u64,
    /// Items identical to what is stored: not written, `updated_at` unchanged.
    pub unchanged: u64,
}

/// One fault of one item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemErrorView {
    /// Position in `items`, from 0.
    pub index: usize,
    pub field: String,
    pub code: String,
    pub message: String,
}

impl From<&ItemError> for ItemErrorView {
    fn from(e: &ItemError) -> Self {
        Self {
            index: e.index,
            field: e.field.into(),
            code: e.code.into(),
            message: e.message.clone(),
        }
    }
}

/// A refused batch (`invalid_items`): nothing was written; `errors` lists every fault.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    pub detail: String,
    pub errors: Vec<ItemErrorView>,
}

/// A price as decimal yuan: a string (`"12.50"`) or a JSON number (`12.5`). Numbers are read
/// back as their shortest decimal text, then parsed digit by digit like strings.
#[derive(Debug, Clone)]
pub struct Price(pub String);

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Price;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a price as a decimal string or number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Price, E> {
                Ok(Price(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Price, E> {
                Ok(Price(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Price, E> {
                Ok(Price(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Price, E> {
                // `Display` of f64 is the shortest text that reads back as the same number, so
                // `12.5` stays "12.5" and `1.234` stays "1.234" (and is refused).
                Ok(Price(format!("{v}")))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::Price;

    #[test]
    fn prices_keep_their_decimal_text() {
        let p: Vec<Price> = serde_json::from_str(r#"[12.5, "0.01", 3, 1.234, 19.9, -1]"#).unwrap();
        let texts: Vec<&str> = p.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(texts, ["12.5", "0.01", "3", "1.234", "19.9", "-1"]);
    }
}
