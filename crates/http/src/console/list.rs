//! What every list page shares (spec loyalty-core §0): one search box, 30 rows a page,
//! "Showing 1–30 of 112", previous and next links, and an empty state.

use super::i18n::Tr;
use super::render::encode;
use patron_app::model::ListQuery;
use serde::Deserialize;

pub const PER_PAGE: u32 = 30;

/// `?search=…&page=…`. Both are read leniently: a bad page number shows the first page rather
/// than an error.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub search: Option<String>,
    pub page: Option<String>,
}

impl ListParams {
    pub fn page(&self) -> u32 {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<u32>().ok())
            .filter(|p| *p >= 1 && *p <= 100_000)
            .unwrap_or(1)
    }

    pub fn search(&self) -> String {
        self.search
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    pub fn query(&self) -> ListQuery {
        let search = self.search();
        ListQuery {
            search: (!search.is_empty()).then_some(search),
            after: None,
            offset: (self.page() - 1) * PER_PAGE,
            limit: PER_PAGE,
        }
    }
}

/// The paging line under a list.
pub struct Pager {
    /// "Showing 31–60 of 112".
    pub summary: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub total: u64,
}

impl Pager {
    /// `filters` are the other query parameters (search, audit filters) kept on the links.
    pub fn new(
        tr: Tr,
        path: &str,
        filters: &[(&str, &str)],
        page: u32,
        shown: usize,
        total: u64,
    ) -> Self {
        let first = u64::from(page - 1) * u64::from(PER_PAGE);
        let last = first + shown as u64;
        let link = |p: u32| {
            let mut q: Vec<String> = filters
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect();
            if p > 1 {
                q.push(format!("page={p}"));
            }
            if q.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", q.join("&"))
            }
        };
        let summary = if shown == 0 {
            String::new()
        } else {
            tr.tf(
                "list.showing",
                &[
                    ("from", &(first + 1).to_string()),
                    ("to", &last.to_string()),
                    ("total", &total.to_string()),
                ],
            )
        };
        Self {
            summary,
            prev: (page > 1).then(|| link(page - 1)),
            next: (last < total).then(|| link(page + 1)),
            total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patron_domain::user::Locale;

    #[test]
    fn the_second_page_of_112_rows_links_both_ways_and_keeps_the_search() {
        let p = Pager::new(
            Tr(Locale::En),
            "/console/users",
            &[("search", "fan jin")],
            2,
            30,
            112,
        );
        assert_eq!(p.summary, "Showing 31–60 of 112");
        assert_eq!(p.prev.as_deref(), Some("/console/users?search=fan%20jin"));
        assert_eq!(
            p.next.as_deref(),
            Some("/console/users?search=fan%20jin&page=3")
        );
    }

    #[test]
    fn the_last_page_has_no_next_link() {
        let p = Pager::new(Tr(Locale::ZhCn), "/console/roles", &[], 4, 22, 112);
        assert_eq!(p.summary, "显示第 91 至 112 项，共 112 项");
        assert!(p.next.is_none());
    }

    #[test]
    fn page_numbers_turn_into_offsets() {
        let params = ListParams {
            search: Some("  ".into()),
            page: Some("3".into()),
        };
        let q = params.query();
        assert_eq!((q.offset, q.limit, q.search), (60, 30, None));
        let bad = ListParams {
            search: None,
            page: Some("x".into()),
        };
        assert_eq!(bad.page(), 1);
    }
}
