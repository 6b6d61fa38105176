//! `/console/coupons/transfers`: coupon transfer records (§11.7), newest first, filtered by
//! status: the coupon, its rule, giver and receiver (card numbers linking to their 360° views),
//! when it started and was received, and the status log in words.

use super::rows::Cards;
use super::text;
use crate::auth::perm;
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
use patron_app::coupons::model::{CouponRule, Transfer, TransferFilter, TransferStep};
use patron_app::coupons::{read, rules};
use patron_app::{AppError, AppResult};
use patron_domain::coupons::status::{CouponStatus, TransferStatus};
use serde::Deserialize;
use std::collections::HashMap;

const BASE: &str = "/console/coupons/transfers";

pub fn router() -> Router<AppState> {
    Router::new().route(BASE, get(list))
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    status: Option<String>,
    page: Option<String>,
}

struct Party {
    customer_id: String,
    card_no: String,
}

struct Row {
    code: String,
    rule_id: String,
    rule_no: String,
    title: String,
    benefit: String,
    giver: Party,
    receiver: Option<Party>,
    started: String,
    received: String,
    status: &'static str,
    status_label: String,
    log: Vec<String>,
}

#[derive(Template)]
#[template(path = "coupons/transfers.html")]
struct ListPage {
    l: Layout,
    statuses: Vec<Choice>,
    rows: Vec<Row>,
    pager: Pager,
}

fn coupon_status<P>(c: &Console<P>, raw: &str) -> String {
    CouponStatus::parse(raw).map_or_else(|| raw.to_string(), |s| text::coupon_status_label(c.tr, s))
}

/// "2021-06-08 10:42:31, initiate transfer: Issued ⇒ Transferring".
fn step<P>(c: &Console<P>, s: &TransferStep) -> String {
    c.tr.tf(
        "coupons.transfer_step",
        &[
            ("at", &c.when(s.at_ms)),
            ("scene", c.t(&format!("coupons.scene_{}", s.scene))),
            ("from", &coupon_status(c, &s.from)),
            ("to", &coupon_status(c, &s.to)),
        ],
    )
}

async fn rows<P>(state: &AppState, c: &Console<P>, found: &[Transfer]) -> AppResult<Vec<Row>> {
    let t = c.ctx.principal.tenant()?;
    let mut rules_by_id: HashMap<String, CouponRule> = HashMap::new();
    let mut cards = Cards::default();
    let mut out = Vec::with_capacity(found.len());
    for x in found {
        if !rules_by_id.contains_key(&x.rule_id) {
            let rule = rules::get(&*state.store, &c.ctx, &x.rule_id).await?;
            rules_by_id.insert(x.rule_id.clone(), rule);
        }
        let Some(rule) = rules_by_id.get(&x.rule_id) else {
            continue;
        };
        let program = &rule.spec.program_id;
        // The transfer names its coupon by id; the code is what operators search by.
        let code = state
            .store
            .reader()
            .await?
            .coupon(t, &x.coupon_id)
            .await?
            .map(|coupon| coupon.code)
            .unwrap_or_default();
        let giver = Party {
            card_no: cards.of(state, c, program, &x.giver_id).await?,
            customer_id: x.giver_id.clone(),
        };
        let receiver = match &x.receiver_id {
            Some(r) => Some(Party {
                card_no: cards.of(state, c, program, r).await?,
                customer_id: r.clone(),
            }),
            None => None,
        };
        out.push(Row {
            code,
            rule_id: rule.id.clone(),
            rule_no: rule.rule_no.clone(),
            title: rule.spec.name.clone(),
            benefit: text::benefit(c.tr, rule.terms()),
            giver,
            receiver,
            started: c.when(x.started_at_ms),
            received: x.received_at_ms.map(|ms| c.when(ms)).unwrap_or_default(),
            status: x.status.as_str(),
            status_label: text::transfer_status_label(c.tr, x.status),
            log: x.log.iter().map(|s| step(c, s)).collect(),
        });
    }
    Ok(out)
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
    let status = p.status.as_deref().and_then(TransferStatus::parse);
    let f = TransferFilter {
        status,
        ..TransferFilter::default()
    };
    let found = async {
        let found = read::transfers(&*state.store, &c.ctx, &f, &lp.query()).await?;
        let rows = rows(&state, &c, &found.items).await?;
        Ok::<_, AppError>((rows, found.total))
    }
    .await;
    let (rows, total) = match found {
        Ok(found) => found,
        Err(e) => return c.fail(e),
    };
    let status_value = status.map(TransferStatus::as_str).unwrap_or_default();
    let pager = Pager::new(
        c.tr,
        BASE,
        &[("status", status_value)],
        lp.page(),
        rows.len(),
        total,
    );
    let mut statuses = vec![Choice::new(
        "",
        c.t("coupons.all_statuses"),
        status.is_none(),
    )];
    statuses.extend(TransferStatus::ALL.iter().map(|s| {
        Choice::new(
            s.as_str(),
            text::transfer_status_label(c.tr, *s),
            status == Some(*s),
        )
    }));
    let page = ListPage {
        l: c.layout("coupons.transfers_title", "coupon_transfers"),
        statuses,
        rows,
        pager,
    };
    c.page(StatusCode::OK, &page)
}
