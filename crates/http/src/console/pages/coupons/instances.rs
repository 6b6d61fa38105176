//! `/console/coupons`: coupons (§11.6), newest first, found by their exact code (spaces and
//! dashes ignored; a mistyped code is refused by its check digit, next to the field) and
//! filtered by status.

use super::rows::{coupon_rows, CouponRow};
use super::text;
use crate::auth::perm;
use crate::console::form::{describe, Errors};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::pages::Choice;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::coupons::model::CouponFilter;
use patron_app::coupons::read;
use patron_app::AppError;
use patron_domain::coupons::code;
use patron_domain::coupons::status::CouponStatus;
use serde::Deserialize;

const BASE: &str = "/console/coupons";

pub fn router() -> Router<AppState> {
    Router::new().route(BASE, get(list))
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    code: Option<String>,
    status: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "coupons/coupons.html")]
struct ListPage {
    l: Layout,
    code: String,
    statuses: Vec<Choice>,
    rows: Vec<CouponRow>,
    pager: Pager,
    errors: Errors,
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::CouponsRead>,
    Query(p): Query<Params>,
) -> Response {
    let lp = ListParams {
        search: None,
        page: p.page.clone(),
    };
    let typed = p.code.as_deref().unwrap_or_default().trim().to_string();
    let status = p.status.as_deref().and_then(CouponStatus::parse);
    let mut statuses = vec![Choice::new(
        "",
        c.t("coupons.all_statuses"),
        status.is_none(),
    )];
    statuses.extend(CouponStatus::ALL.iter().map(|s| {
        Choice::new(
            s.as_str(),
            text::coupon_status_label(c.tr, *s),
            status == Some(*s),
        )
    }));
    let status_value = status.map(CouponStatus::as_str).unwrap_or_default();
    let empty_pager = || Pager::new(c.tr, BASE, &[], 1, 0, 0);
    // A code whose check digit fails is a typo: say so rather than "nothing found".
    let code = if typed.is_empty() {
        None
    } else {
        match code::normalise(&typed) {
            Some(code) => Some(code),
            None => {
                let e = AppError::conflict(
                    "coupon_code_invalid",
                    Some("code"),
                    "this is not a coupon code: check the digits",
                );
                let page = ListPage {
                    l: c.layout("coupons.coupons_title", "coupons"),
                    code: typed,
                    statuses,
                    rows: Vec::new(),
                    pager: empty_pager(),
                    errors: Errors::field("code", describe(c.tr, &e)),
                };
                return c.page(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
        }
    };
    let f = CouponFilter {
        status,
        code,
        ..CouponFilter::default()
    };
    let found = async {
        let found = read::coupons(&*state.store, &c.ctx, &f, &lp.query()).await?;
        let rows = coupon_rows(&state, &c, &found.items).await?;
        Ok::<_, AppError>((rows, found.total))
    }
    .await;
    let (rows, total) = match found {
        Ok(found) => found,
        Err(e) => return c.fail(e),
    };
    let pager = Pager::new(
        c.tr,
        BASE,
        &[("code", &typed), ("status", status_value)],
        lp.page(),
        rows.len(),
        total,
    );
    let page = ListPage {
        l: c.layout("coupons.coupons_title", "coupons"),
        code: typed,
        statuses,
        rows,
        pager,
        errors: Errors::none(),
    };
    c.page(StatusCode::OK, &page)
}
