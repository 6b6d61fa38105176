//! Console pages: Store groups and product groups (marketing-analytics-admin §3–4), at
//! `/console/store-groups` and `/console/product-groups`: the list (search by name; edit,
//! enable, delete), the create form, and the editor with the two panes of §3.3 (candidates to
//! add, with a bulk import box; the linked members, removable until the group is enabled).
//!
//! Both kinds share the handlers, generic over [`Kind`].

mod editor;
mod list;

use crate::console::i18n::Tr;
use crate::console::list::{Pager, PER_PAGE};
use crate::console::pages::Choice;
use crate::console::render::encode;
use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;
use patron_app::groups::model::Group;
use patron_app::model::ListQuery;
use patron_app::{AppResult, Ctx};
use patron_domain::groups::GroupKind;

/// A rule form's group select: `first` (no group: "all" or "none") and the groups; a saved
/// group no longer among them (beyond the first page) stays offered by id, so saving the form
/// does not drop it.
pub fn group_choices(groups: &[Group], chosen: &str, first: &str) -> Vec<Choice> {
    let mut out = vec![Choice::new("", first, chosen.is_empty())];
    out.extend(
        groups
            .iter()
            .map(|g| Choice::new(g.id.clone(), g.name.clone(), g.id == chosen)),
    );
    if !chosen.is_empty() && !groups.iter().any(|g| g.id == chosen) {
        out.push(Choice::new(chosen, chosen, true));
    }
    out
}

/// A group's name among `groups`, or its id (the caller may not list groups, or it is not
/// among them).
pub fn group_name(groups: Option<&Vec<Group>>, id: &str) -> String {
    groups
        .into_iter()
        .flatten()
        .find(|g| g.id == id)
        .map_or_else(|| id.to_string(), |g| g.name.clone())
}

/// The enabled groups of `kind` (the first page of the largest size), for the forms of the rules
/// that name them: rules may not name the others. Needs `groups:read`.
pub async fn enabled_groups(state: &AppState, ctx: &Ctx, kind: GroupKind) -> AppResult<Vec<Group>> {
    let q = ListQuery {
        limit: ListQuery::MAX_LIMIT,
        ..ListQuery::default()
    };
    let page = patron_app::groups::list(&*state.store, ctx, kind, &q).await?;
    Ok(page.items.into_iter().filter(Group::enabled).collect())
}

/// What differs between the store groups' pages and the product groups'.
pub trait Kind: Send + Sync + 'static {
    const KIND: GroupKind;
    const BASE: &'static str;
    /// The sidebar link to highlight.
    const NAV: &'static str;
    const LIST_TITLE: &'static str;
    const NEW_TITLE: &'static str;
    const EDIT_TITLE: &'static str;
}

pub struct Stores;
pub struct Products;

impl Kind for Stores {
    const KIND: GroupKind = GroupKind::Store;
    const BASE: &'static str = "/console/store-groups";
    const NAV: &'static str = "store_groups";
    const LIST_TITLE: &'static str = "groups.store_title";
    const NEW_TITLE: &'static str = "groups.store_new_title";
    const EDIT_TITLE: &'static str = "groups.store_edit_title";
}

impl Kind for Products {
    const KIND: GroupKind = GroupKind::Product;
    const BASE: &'static str = "/console/product-groups";
    const NAV: &'static str = "product_groups";
    const LIST_TITLE: &'static str = "groups.product_title";
    const NEW_TITLE: &'static str = "groups.product_new_title";
    const EDIT_TITLE: &'static str = "groups.product_edit_title";
}

pub fn router() -> Router<AppState> {
    routes::<Stores>().merge(routes::<Products>())
}

fn routes<K: Kind>() -> Router<AppState> {
    let base = K::BASE;
    Router::new()
        .route(base, get(list::list::<K>))
        .route(
            &format!("{base}/new"),
            get(editor::new::<K>).post(editor::create::<K>),
        )
        .route(
            &format!("{base}/{{id}}"),
            get(editor::edit::<K>).post(editor::update::<K>),
        )
        .route(&format!("{base}/{{id}}/add"), post(editor::add::<K>))
        .route(&format!("{base}/{{id}}/remove"), post(editor::remove::<K>))
        .route(&format!("{base}/{{id}}/enable"), post(list::enable::<K>))
        .route(
            &format!("{base}/{{id}}/delete"),
            get(list::confirm_delete::<K>).post(list::delete::<K>),
        )
}

/// The texts that name the items of a kind ("store code" or "product code"...).
pub struct Words {
    pub all_items: String,
    pub all_items_hint: String,
    pub all_items_note: String,
    pub code: String,
    pub name: String,
    pub status: String,
    pub candidates: String,
    pub linked: String,
    pub after_save: String,
}

impl Words {
    pub fn of(tr: Tr, kind: GroupKind) -> Self {
        let t = |key: &str| tr.t(key).to_string();
        match kind {
            GroupKind::Store => Self {
                all_items: t("groups.all_stores"),
                all_items_hint: t("groups.all_stores_hint"),
                all_items_note: t("groups.all_stores_note"),
                code: t("groups.store_code"),
                name: t("groups.store_name"),
                status: t("groups.store_status"),
                candidates: t("groups.store_candidates"),
                linked: t("groups.store_linked"),
                after_save: t("groups.store_after_save"),
            },
            GroupKind::Product => Self {
                all_items: t("groups.all_products"),
                all_items_hint: t("groups.all_products_hint"),
                all_items_note: t("groups.all_products_note"),
                code: t("groups.product_code"),
                name: t("groups.product_name"),
                status: t("groups.product_status"),
                candidates: t("groups.product_candidates"),
                linked: t("groups.product_linked"),
                after_save: t("groups.product_after_save"),
            },
        }
    }
}

/// A page number from a query parameter, read leniently like the lists' own.
pub fn page_number(raw: Option<&str>) -> u32 {
    raw.and_then(|p| p.trim().parse::<u32>().ok())
        .filter(|p| *p >= 1 && *p <= 100_000)
        .unwrap_or(1)
}

/// The paging line of one pane of a page that has two: its page parameter is `param`, and
/// `keep` holds the other parameters (both searches, the other pane's page) kept on the links.
pub fn pane_pager(
    tr: Tr,
    path: &str,
    keep: &[(&str, &str)],
    param: &str,
    page: u32,
    shown: usize,
    total: u64,
) -> Pager {
    let first = u64::from(page - 1) * u64::from(PER_PAGE);
    let last = first + shown as u64;
    let link = |p: u32| {
        let mut q: Vec<String> = keep
            .iter()
            .filter(|(k, v)| !v.is_empty() && *k != param)
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if p > 1 {
            q.push(format!("{param}={p}"));
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
    Pager {
        summary,
        prev: (page > 1).then(|| link(page - 1)),
        next: (last < total).then(|| link(page + 1)),
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patron_domain::user::Locale;

    #[test]
    fn a_pane_pager_keeps_the_other_pane_and_the_searches() {
        let p = pane_pager(
            Tr(Locale::En),
            "/console/store-groups/x",
            &[("cq", "上海"), ("cpage", "2"), ("mq", ""), ("mpage", "1")],
            "cpage",
            2,
            30,
            75,
        );
        assert_eq!(p.summary, "Showing 31–60 of 75");
        assert_eq!(
            p.prev.as_deref(),
            Some("/console/store-groups/x?cq=%E4%B8%8A%E6%B5%B7&mpage=1")
        );
        assert_eq!(
            p.next.as_deref(),
            Some("/console/store-groups/x?cq=%E4%B8%8A%E6%B5%B7&mpage=1&cpage=3")
        );
    }

    #[test]
    fn both_kinds_have_every_text() {
        for tr in [Tr(Locale::En), Tr(Locale::ZhCn)] {
            for key in [
                Stores::LIST_TITLE,
                Stores::NEW_TITLE,
                Stores::EDIT_TITLE,
                Products::LIST_TITLE,
                Products::NEW_TITLE,
                Products::EDIT_TITLE,
            ] {
                assert!(tr.lookup(key).is_some(), "{key}");
            }
        }
    }
}
