//! Console pages of product categories, products, stores and payment methods (spec §11). The
//! data arrives from the brand's systems through the API, so the lists have no "New" button;
//! each says which endpoint feeds it. The one form edits a payment method's earns-points flag.

mod categories;
mod payment_methods;
mod products;
mod stores;

use super::Choice;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::state::AppState;
use askama::Template;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(categories::router())
        .merge(products::router())
        .merge(stores::router())
        .merge(payment_methods::router())
}

/// One cell of a list row; `badge` is a badge style (`active`, `disabled`) when set.
pub struct Cell {
    pub test: &'static str,
    pub text: String,
    pub cls: &'static str,
    pub badge: Option<&'static str>,
}

impl Cell {
    pub fn text(test: &'static str, text: impl Into<String>) -> Self {
        Self {
            test,
            text: text.into(),
            cls: "",
            badge: None,
        }
    }

    pub fn mono(test: &'static str, text: impl Into<String>) -> Self {
        Self {
            cls: "mono",
            ..Self::text(test, text)
        }
    }

    pub fn num(test: &'static str, text: impl Into<String>) -> Self {
        Self {
            cls: "num",
            ..Self::text(test, text)
        }
    }

    pub fn badge(test: &'static str, text: impl Into<String>, on: bool) -> Self {
        Self {
            badge: Some(if on { "active" } else { "disabled" }),
            ..Self::text(test, text)
        }
    }
}

pub struct Row {
    pub code: String,
    pub cells: Vec<Cell>,
    /// The edit page, for rows the caller may change.
    pub edit: Option<String>,
}

/// A `<select>` filter above the list.
pub struct Filter {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<Choice>,
}

/// Every master data list: the sync hint, search and filters, the table, paging.
#[derive(Template)]
#[template(path = "master_data/list.html")]
pub struct ListPage {
    pub l: Layout,
    pub hint: String,
    pub action: &'static str,
    pub search: String,
    pub filters: Vec<Filter>,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    pub has_actions: bool,
    pub table_test: &'static str,
    pub empty: String,
    pub pager: Pager,
}

/// The select options of a filter: "All" first, then `choices` as (value, label).
pub fn options(all: &str, choices: Vec<(String, String)>, chosen: &str) -> Vec<Choice> {
    std::iter::once(Choice::new("", all, chosen.is_empty()))
        .chain(choices.into_iter().map(|(v, label)| {
            let selected = v == chosen;
            Choice::new(v, label, selected)
        }))
        .collect()
}

/// The search and page of a list, from its own query parameters.
pub fn list_params(search: &Option<String>, page: &Option<String>) -> ListParams {
    ListParams {
        search: search.clone(),
        page: page.clone(),
    }
}

/// An optional value, or a dash.
pub fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use crate::console::i18n::Tr;
    use patron_domain::user::Locale;

    /// The error codes of this area have texts in both languages.
    #[test]
    fn every_master_data_error_code_has_a_text() {
        for code in [
            "invalid_master_code",
            "invalid_level",
            "invalid_parent",
            "unknown_parent",
            "unknown_category",
            "duplicate_code",
            "virtual_store_needs_online_channel",
            "invalid_amount",
            "too_many_decimals",
            "negative_amount",
            "invalid_kind",
            "too_many_items",
        ] {
            for locale in [Locale::En, Locale::ZhCn] {
                assert!(
                    Tr(locale).lookup(&format!("err.{code}")).is_some(),
                    "err.{code}"
                );
            }
        }
    }
}
