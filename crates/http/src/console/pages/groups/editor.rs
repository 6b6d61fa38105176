//! The create form and the editor (§3.3): the group's settings, then two panes. Left, the
//! candidates (stores or products not in the group, searched by code or name, with checkboxes,
//! "add selected" and a bulk import box); right, the linked members (checkboxes and "remove
//! selected" until the group is enabled). An "all items" group has no candidates pane: its
//! members are taken when it is enabled.

use super::list::status_label;
use super::{page_number, pane_pager, Kind, Words};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{Pager, PER_PAGE};
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use patron_app::groups::{self, model};
use patron_app::model::{ListQuery, Page};
use patron_app::AppError;
use patron_domain::groups::{split_codes, GroupKind};
use patron_domain::rbac::Permission;
use serde::Deserialize;

/// The editor's query: each pane's search and page.
#[derive(Debug, Default, Deserialize)]
pub struct EditorParams {
    cq: Option<String>,
    cpage: Option<String>,
    mq: Option<String>,
    mpage: Option<String>,
}

fn trimmed(raw: &Option<String>) -> String {
    raw.as_deref().unwrap_or_default().trim().to_string()
}

/// A page number as a link keeps it: empty for the first page.
fn page_value(page: u32) -> String {
    if page > 1 {
        page.to_string()
    } else {
        String::new()
    }
}

fn pane_query(search: &str, page: u32) -> ListQuery {
    ListQuery {
        search: (!search.is_empty()).then(|| search.to_string()),
        after: None,
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE,
    }
}

struct CandidateRow {
    code: String,
    name: String,
    status: String,
    open: bool,
    category: String,
}

struct MemberRow {
    code: String,
    name: String,
}

#[derive(Template)]
#[template(path = "groups/edit.html")]
struct EditorPage {
    l: Layout,
    base: &'static str,
    words: Words,
    /// `None` on the create form.
    id: Option<String>,
    product: bool,
    name: String,
    description: String,
    all_items: bool,
    enabled: bool,
    enabled_note: String,
    status: String,
    member_count: u64,
    can_manage: bool,
    errors: Errors,
    /// Candidates and member checkboxes: a manual group, not enabled, for a manager.
    picker: bool,
    /// Member checkboxes: not enabled, for a manager.
    removable: bool,
    cq: String,
    cpage: String,
    mq: String,
    mpage: String,
    candidates: Vec<CandidateRow>,
    cand_pager: Pager,
    members: Vec<MemberRow>,
    mem_pager: Pager,
    import: String,
    import_errors: Errors,
    member_errors: Errors,
    notice: Option<String>,
}

fn no_pager() -> Pager {
    Pager {
        summary: String::new(),
        prev: None,
        next: None,
        total: 0,
    }
}

/// The create form.
fn blank<K: Kind, P>(c: &Console<P>, f: &FormData, errors: Errors) -> EditorPage {
    EditorPage {
        l: c.layout(K::NEW_TITLE, K::NAV),
        base: K::BASE,
        words: Words::of(c.tr, K::KIND),
        id: None,
        product: K::KIND == GroupKind::Product,
        name: f.get("name"),
        description: f.get("description"),
        all_items: !f.get("all_items").is_empty(),
        enabled: false,
        enabled_note: String::new(),
        status: c.t("groups.not_enabled").to_string(),
        member_count: 0,
        can_manage: true,
        errors,
        picker: false,
        removable: false,
        cq: String::new(),
        cpage: String::new(),
        mq: String::new(),
        mpage: String::new(),
        candidates: Vec::new(),
        cand_pager: no_pager(),
        members: Vec::new(),
        mem_pager: no_pager(),
        import: String::new(),
        import_errors: Errors::none(),
        member_errors: Errors::none(),
        notice: None,
    }
}

/// What a posted form puts on the editor besides the stored group.
#[derive(Default)]
struct Extras {
    /// The settings as typed, when they were refused.
    typed: Option<FormData>,
    errors: Errors,
    import: String,
    import_errors: Errors,
    member_errors: Errors,
    notice: Option<String>,
}

async fn render<K: Kind, P>(
    state: &AppState,
    c: &Console<P>,
    id: &str,
    p: &EditorParams,
    status: StatusCode,
    x: Extras,
) -> Response {
    let (cq, mq) = (trimmed(&p.cq), trimmed(&p.mq));
    let (cpage, mpage) = (
        page_number(p.cpage.as_deref()),
        page_number(p.mpage.as_deref()),
    );
    let store = &*state.store;
    let can_manage = c.may(Permission::GroupsManage);
    let found = async {
        let detail = groups::get(store, &c.ctx, K::KIND, id).await?;
        let g = &detail.group;
        let picker = can_manage && !g.enabled() && !g.all_items;
        let candidates = if picker {
            groups::candidates(store, &c.ctx, K::KIND, id, &pane_query(&cq, cpage)).await?
        } else {
            Page {
                items: Vec::new(),
                next_cursor: None,
                total: 0,
            }
        };
        let members = groups::members(store, &c.ctx, K::KIND, id, &pane_query(&mq, mpage)).await?;
        Ok::<_, AppError>((detail, picker, candidates, members))
    }
    .await;
    let (detail, picker, candidates, members) = match found {
        Ok(f) => f,
        Err(e) => return c.fail(e),
    };
    let g = &detail.group;
    let path = format!("{}/{}", K::BASE, g.id);
    let (cpage_value, mpage_value) = (page_value(cpage), page_value(mpage));
    let keep = [
        ("cq", cq.as_str()),
        ("cpage", cpage_value.as_str()),
        ("mq", mq.as_str()),
        ("mpage", mpage_value.as_str()),
    ];
    let candidate_rows: Vec<CandidateRow> = candidates
        .items
        .iter()
        .map(|x| {
            let open = x.status == "open" || x.status == "active";
            let label = match x.status.as_str() {
                "open" => c.t("md.store_open"),
                "closed" => c.t("md.store_closed"),
                "active" => c.t("md.product_active"),
                "inactive" => c.t("md.product_inactive"),
                other => other,
            };
            CandidateRow {
                code: x.code.clone(),
                name: x.name.clone(),
                status: label.to_string(),
                open,
                category: x.category_code.clone().unwrap_or_else(|| "—".into()),
            }
        })
        .collect();
    let member_rows: Vec<MemberRow> = members
        .items
        .iter()
        .map(|m| MemberRow {
            code: m.code.clone(),
            name: m.name.clone().unwrap_or_else(|| "—".into()),
        })
        .collect();
    let cand_pager = pane_pager(
        c.tr,
        &path,
        &keep,
        "cpage",
        cpage,
        candidate_rows.len(),
        candidates.total,
    );
    let mem_pager = pane_pager(
        c.tr,
        &path,
        &keep,
        "mpage",
        mpage,
        member_rows.len(),
        members.total,
    );
    let (name, description, all_items) = match &x.typed {
        Some(f) => (
            f.get("name"),
            f.get("description"),
            if g.enabled() {
                g.all_items
            } else {
                !f.get("all_items").is_empty()
            },
        ),
        None => (g.name.clone(), g.description.clone(), g.all_items),
    };
    let page = EditorPage {
        l: c.layout(K::EDIT_TITLE, K::NAV),
        base: K::BASE,
        words: Words::of(c.tr, K::KIND),
        id: Some(g.id.clone()),
        product: K::KIND == GroupKind::Product,
        name,
        description,
        all_items,
        enabled: g.enabled(),
        enabled_note: g
            .enabled_at_ms
            .map(|at| c.tr.tf("groups.frozen_note", &[("at", &c.when(at))]))
            .unwrap_or_default(),
        status: status_label(c, g),
        member_count: detail.member_count,
        can_manage,
        errors: x.errors,
        picker,
        removable: can_manage && !g.enabled(),
        cq,
        cpage: cpage_value,
        mq,
        mpage: mpage_value,
        candidates: candidate_rows,
        cand_pager,
        members: member_rows,
        mem_pager,
        import: x.import,
        import_errors: x.import_errors,
        member_errors: x.member_errors,
        notice: x.notice,
    };
    c.page(status, &page)
}

const FIELDS: &[&str] = &["name", "description", "all_items"];

pub async fn new<K: Kind>(c: Console<perm::GroupsManage>) -> Response {
    c.page(
        StatusCode::OK,
        &blank::<K, _>(&c, &FormData::default(), Errors::none()),
    )
}

pub async fn create<K: Kind>(
    State(state): State<AppState>,
    c: Console<perm::GroupsManage>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let input = model::NewGroup {
        name: f.get("name"),
        description: f.get("description"),
        all_items: !f.get("all_items").is_empty(),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        let created = groups::create(&mut *tx, &c.ctx, K::KIND, input).await?;
        tx.commit().await?;
        Ok::<_, AppError>(created.group.id)
    }
    .await;
    match result {
        Ok(id) => redirect_with_flash(&format!("{}/{id}", K::BASE), "flash.group_created"),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, FIELDS);
            let page = blank::<K, _>(&c, &f, errors);
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

pub async fn edit<K: Kind>(
    State(state): State<AppState>,
    c: Console<perm::GroupsRead>,
    Path(id): Path<String>,
    Query(p): Query<EditorParams>,
) -> Response {
    render::<K, _>(&state, &c, &id, &p, StatusCode::OK, Extras::default()).await
}

/// The editor with a refusal from elsewhere (enabling) in its banner.
pub async fn refused<K: Kind>(
    state: &AppState,
    c: &Console<perm::GroupsManage>,
    id: &str,
    errors: Errors,
) -> Response {
    let x = Extras {
        errors,
        ..Extras::default()
    };
    let p = EditorParams::default();
    render::<K, _>(state, c, id, &p, StatusCode::CONFLICT, x).await
}

pub async fn update<K: Kind>(
    State(state): State<AppState>,
    c: Console<perm::GroupsManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    // An enabled group's all-items box is shown disabled and not sent: leave the flag alone.
    let all_items = (f.get("all_items_shown") == "1").then(|| !f.get("all_items").is_empty());
    let patch = model::GroupPatch {
        name: Some(f.get("name")),
        description: Some(f.get("description")),
        all_items,
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        groups::update(&mut *tx, &c.ctx, K::KIND, &id, patch).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&format!("{}/{id}", K::BASE), "flash.group_saved"),
        Err(e) if is_form_error(&e) => {
            let x = Extras {
                errors: Errors::from_app(c.tr, &e, FIELDS),
                typed: Some(f),
                ..Extras::default()
            };
            let p = EditorParams::default();
            render::<K, _>(&state, &c, &id, &p, StatusCode::UNPROCESSABLE_ENTITY, x).await
        }
        Err(e) => c.fail(e),
    }
}

/// Adds the checked candidates and the codes of the import box. Unknown codes are put back in
/// the box, with a note, for the user to correct.
pub async fn add<K: Kind>(
    State(state): State<AppState>,
    c: Console<perm::GroupsManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let mut codes = f.all("code");
    codes.extend(split_codes(&f.get("import")));
    let result = async {
        let mut tx = state.store.begin().await?;
        let added = groups::add_members(&mut *tx, &c.ctx, K::KIND, &id, &codes).await?;
        tx.commit().await?;
        Ok::<_, AppError>(added)
    }
    .await;
    let p = EditorParams::default();
    match result {
        Ok(a) if a.unknown.is_empty() && a.already_members.is_empty() => {
            redirect_with_flash(&format!("{}/{id}", K::BASE), "flash.group_members_added")
        }
        Ok(a) => {
            let notice = c.tr.tf(
                "groups.added_summary",
                &[
                    ("added", &a.added.len().to_string()),
                    ("already", &a.already_members.len().to_string()),
                ],
            );
            let import_errors = if a.unknown.is_empty() {
                Errors::none()
            } else {
                let codes = a.unknown.join(", ");
                Errors::field(
                    "codes",
                    c.tr.tf("groups.unknown_codes", &[("codes", &codes)]),
                )
            };
            let x = Extras {
                import: a.unknown.join("\n"),
                import_errors,
                notice: Some(notice),
                ..Extras::default()
            };
            render::<K, _>(&state, &c, &id, &p, StatusCode::OK, x).await
        }
        Err(e) if is_form_error(&e) => {
            let x = Extras {
                import: f.get("import"),
                import_errors: Errors::from_app(c.tr, &e, &["codes"]),
                ..Extras::default()
            };
            render::<K, _>(&state, &c, &id, &p, StatusCode::UNPROCESSABLE_ENTITY, x).await
        }
        Err(e) => c.fail(e),
    }
}

pub async fn remove<K: Kind>(
    State(state): State<AppState>,
    c: Console<perm::GroupsManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let codes = f.all("code");
    let result = async {
        let mut tx = state.store.begin().await?;
        groups::remove_members(&mut *tx, &c.ctx, K::KIND, &id, &codes).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&format!("{}/{id}", K::BASE), "flash.group_members_removed"),
        Err(e) if is_form_error(&e) => {
            let x = Extras {
                member_errors: Errors::from_app(c.tr, &e, &[]),
                ..Extras::default()
            };
            let p = EditorParams::default();
            render::<K, _>(&state, &c, &id, &p, StatusCode::UNPROCESSABLE_ENTITY, x).await
        }
        Err(e) => c.fail(e),
    }
}
