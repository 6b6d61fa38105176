//! A member's points from the customer 360° view: the point records tab (newest first, paged),
//! one record with its relations, and the manual adjustment form (`points:adjust`).

use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::pages::Choice;
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::points::adjust::{self, AdjustmentInput};
use patron_app::points::model::PointRecord;
use patron_app::points::overview::{self, MemberPoints, Related};
use patron_app::points::records;
use patron_app::AppResult;
use patron_domain::ids::MemberId;
use patron_domain::points::Direction;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/console/points/members/{member}/adjust",
            get(adjust_form).post(adjust_save),
        )
        .route("/console/points/records/{id}", get(record))
}

/// Where a member's records are listed: its customer's 360° view.
pub fn records_href(m: &patron_app::members::model::MemberAccount) -> String {
    format!(
        "/console/customers/{}?tab=records&member={}",
        m.customer_id, m.id
    )
}

/// One line of a record table.
pub struct RecordRow {
    pub id: String,
    pub operation: String,
    pub increase: bool,
    pub change: i64,
    pub remaining: String,
    pub effective: String,
    pub expires: String,
    pub reason: String,
}

fn row<P>(c: &Console<P>, r: &PointRecord) -> RecordRow {
    RecordRow {
        id: r.id.clone(),
        operation: c
            .t(&format!("operation.{}", r.operation.code()))
            .to_string(),
        increase: r.operation.direction() == Direction::Increase,
        change: r.change,
        remaining: r.remaining.map(|n| n.to_string()).unwrap_or_default(),
        effective: c.when(r.effective_at_ms),
        expires: r.expires_at_ms.map(|ms| c.when(ms)).unwrap_or_default(),
        reason: r.reason.clone().unwrap_or_default(),
    }
}

/// The point records tab of the 360° view for one member, 30 a page.
pub struct RecordsTab {
    pub rows: Vec<RecordRow>,
    pub pager: Pager,
}

pub async fn records_tab<P>(
    state: &AppState,
    c: &Console<P>,
    customer: &str,
    member: MemberId,
    page: Option<String>,
) -> AppResult<RecordsTab> {
    let lp = ListParams { search: None, page };
    let found = records::of_member(&*state.store, &c.ctx, member, &lp.query()).await?;
    let rows: Vec<RecordRow> = found.items.iter().map(|r| row(c, r)).collect();
    let member = member.to_string();
    let pager = Pager::new(
        c.tr,
        &format!("/console/customers/{customer}"),
        &[("tab", "records"), ("member", &member)],
        lp.page(),
        rows.len(),
        found.total,
    );
    Ok(RecordsTab { rows, pager })
}

struct Section {
    title: &'static str,
    test: &'static str,
    rows: Vec<RelatedRow>,
}

struct RelatedRow {
    record: Option<RecordRow>,
    points: i64,
}

#[derive(Template)]
#[template(path = "points/record.html")]
struct RecordPage {
    l: Layout,
    back: String,
    group: String,
    record: RecordRow,
    counts_for_upgrade: bool,
    created_by: String,
    /// The earnings a deduction took from; the deductions that took from an earning.
    sections: Vec<Section>,
}

async fn record(
    State(state): State<AppState>,
    c: Console<perm::PointsRead>,
    Path(id): Path<String>,
) -> Response {
    let d = match overview::detail(&*state.store, &c.ctx, &id).await {
        Ok(d) => d,
        Err(e) => return c.fail(e),
    };
    let related = |list: &[Related]| {
        list.iter()
            .map(|x| RelatedRow {
                record: x.other.as_ref().map(|o| row(&c, o)),
                points: x.relation.points,
            })
            .collect()
    };
    let page = RecordPage {
        l: c.layout("points.record_title", "customers"),
        back: format!(
            "/console/customers/{}?tab=records&member={}",
            d.record.customer_id, d.record.member_id
        ),
        group: d.group_name.clone(),
        record: row(&c, &d.record),
        counts_for_upgrade: d.record.counts_for_upgrade,
        created_by: d.record.created_by.clone(),
        sections: vec![
            Section {
                title: "points.taken_from",
                test: "sources",
                rows: related(&d.sources),
            },
            Section {
                title: "points.taken_by",
                test: "takers",
                rows: related(&d.takers),
            },
        ],
    };
    c.page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "points/adjust.html")]
struct AdjustPage {
    l: Layout,
    back: String,
    card_no: String,
    groups: Vec<Choice>,
    balances: Vec<(String, i64)>,
    f: FormData,
    errors: Errors,
}

const FIELDS: &[&str] = &["point_group", "points", "reason", "expires_on"];

fn adjust_page(
    c: &Console<perm::PointsAdjust>,
    mp: &MemberPoints,
    f: FormData,
    errors: Errors,
) -> AdjustPage {
    let chosen = f.get("point_group");
    AdjustPage {
        l: c.layout("points.adjust_title", "customers"),
        back: records_href(&mp.member),
        card_no: mp.member.card_no.clone(),
        groups: mp
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let id = &a.account.point_group_id;
                let selected = *id == chosen || (chosen.is_empty() && i == 0);
                Choice::new(id.clone(), a.group_name.clone(), selected)
            })
            .collect(),
        balances: mp
            .accounts
            .iter()
            .map(|a| (a.group_name.clone(), a.account.available))
            .collect(),
        f,
        errors,
    }
}

async fn member_points(
    state: &AppState,
    c: &Console<perm::PointsAdjust>,
    member: &str,
) -> AppResult<MemberPoints> {
    let id = MemberId::parse(member).ok_or(patron_app::AppError::NotFound("member"))?;
    overview::of_member(&*state.store, &c.ctx, id).await
}

async fn adjust_form(
    State(state): State<AppState>,
    c: Console<perm::PointsAdjust>,
    Path(member): Path<String>,
) -> Response {
    match member_points(&state, &c, &member).await {
        Ok(mp) => c.page(
            StatusCode::OK,
            &adjust_page(&c, &mp, FormData::default(), Errors::none()),
        ),
        Err(e) => c.fail(e),
    }
}

async fn adjust_save(
    State(state): State<AppState>,
    c: Console<perm::PointsAdjust>,
    Path(member): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let mp = match member_points(&state, &c, &member).await {
        Ok(mp) => mp,
        Err(e) => return c.fail(e),
    };
    let result = async {
        let raw = f.get("points");
        let points = raw.trim().parse::<i64>().map_err(|_| {
            patron_domain::ValidationError::new(
                "points",
                "invalid_points",
                "must be a whole number",
            )
        })?;
        let adjustment = AdjustmentInput {
            point_group: f.get("point_group"),
            points,
            reason: f.get("reason"),
            expires_on: f.non_blank("expires_on"),
        }
        .parse()?;
        let mut tx = state.store.begin().await?;
        adjust::adjust(&mut *tx, &c.ctx, mp.member.id, adjustment).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&records_href(&mp.member), "flash.points_adjusted"),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, FIELDS);
            c.page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &adjust_page(&c, &mp, f, errors),
            )
        }
        Err(e) => c.fail(e),
    }
}
