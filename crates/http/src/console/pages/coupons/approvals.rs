//! `/console/coupons/approvals`: the rules awaiting approval (§11.3), for holders of
//! `coupons:approve`. Each has one form: a comment and two buttons. Approving publishes the rule;
//! rejecting sends it back to draft and needs a comment, whose absence is shown next to that
//! rule's comment field.

use super::text;
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use patron_app::coupons::rules::{self, Step};
use patron_domain::rbac::Permission;

const BASE: &str = "/console/coupons/approvals";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list))
        .route("/console/coupons/approvals/{id}", post(decide))
}

struct Row {
    id: String,
    name: String,
    rule_no: String,
    kind: String,
    benefit: String,
    validity: String,
    total_stock: i64,
    created_by: String,
    submitted: String,
    /// What was typed, when the form comes back refused.
    comment: String,
    /// The refusal shown next to this rule's comment.
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "coupons/approvals.html")]
struct QueuePage {
    l: Layout,
    rows: Vec<Row>,
    pager: Pager,
    /// Detail links need `coupons:read`.
    can_read: bool,
    errors: Errors,
}

/// A refused decision: on which rule, what was typed, and why.
struct Refused {
    id: String,
    comment: String,
    errors: Errors,
}

async fn queue(
    state: &AppState,
    c: &Console<perm::CouponsApprove>,
    page: Option<String>,
    refused: Option<Refused>,
) -> Response {
    let lp = ListParams { search: None, page };
    let found = match rules::pending(&*state.store, &c.ctx, &lp.query()).await {
        Ok(found) => found,
        Err(e) => return c.fail(e),
    };
    let mut banner = Errors::none();
    let mut rows: Vec<Row> = found
        .items
        .iter()
        .map(|r| Row {
            id: r.id.clone(),
            name: r.spec.name.clone(),
            rule_no: r.rule_no.clone(),
            kind: text::type_label(c.tr, r.terms().benefit.kind()),
            benefit: text::benefit(c.tr, r.terms()),
            validity: text::validity(c.tr, &r.terms().validity),
            total_stock: r.spec.total_stock,
            created_by: r.created_by.clone(),
            submitted: c.when(r.updated_at_ms),
            comment: String::new(),
            error: None,
        })
        .collect();
    let status = match refused {
        None => StatusCode::OK,
        Some(x) => {
            match rows.iter_mut().find(|r| r.id == x.id) {
                Some(row) => {
                    row.comment = x.comment;
                    row.error = x.errors.get("comment").map(str::to_string);
                    if row.error.is_none() {
                        banner = x.errors;
                    }
                }
                // Decided by someone else meanwhile: no longer in the queue.
                None => banner = x.errors,
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    let pager = Pager::new(c.tr, BASE, &[], lp.page(), rows.len(), found.total);
    let page = QueuePage {
        l: c.layout("coupons.approvals_title", "coupon_approvals"),
        rows,
        pager,
        can_read: c.may(Permission::CouponsRead),
        errors: banner,
    };
    c.page(status, &page)
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::CouponsApprove>,
    Query(p): Query<ListParams>,
) -> Response {
    queue(&state, &c, p.page, None).await
}

async fn decide(
    State(state): State<AppState>,
    c: Console<perm::CouponsApprove>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let (step, flash) = match f.get("decision").as_str() {
        "approve" => (Step::Approve, "flash.coupon_rule_approved"),
        "reject" => (Step::Reject, "flash.coupon_rule_rejected"),
        _ => return c.not_found(),
    };
    let comment = f.get("comment");
    let result = async {
        let mut tx = state.store.begin().await?;
        rules::step(&mut *tx, &c.ctx, &id, step, Some(&comment)).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(BASE, flash),
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, &["comment"]);
            let refused = Refused {
                id,
                comment,
                errors,
            };
            queue(&state, &c, None, Some(refused)).await
        }
        Err(e) => c.fail(e),
    }
}
