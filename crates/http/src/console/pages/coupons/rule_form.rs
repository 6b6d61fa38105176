//! The coupon rule form (§11.2): new (`?type=cash_off|discount|exchange`, from the list's
//! "create now" cards) and edit. Every field of the rule, errors next to their fields, and the
//! coupon as a member will see it beside the form. The form is kept as the posted fields
//! (`FormData`) so a refused form comes back exactly as typed.

use super::choices::{self, CenterChoice, Choices};
use super::preview::{preview, Preview};
use super::RULES;
use crate::api::coupons::views::CouponRuleView;
use crate::auth::perm;
use crate::console::form::{describe, is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::pages::loyalty::int_field;
use crate::console::pages::Choice;
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::coupons::rules;
use patron_app::{AppError, AppResult};
use patron_domain::coupons::rule::KINDS;
use patron_domain::coupons::rule_input::RuleInput;
use patron_domain::ValidationError;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/coupons/rules/new", get(new).post(create))
        .route("/console/coupons/rules/{id}/edit", get(edit).post(update))
}

/// The fields errors can be shown next to.
const FIELDS: &[&str] = &[
    "name",
    "coupon_type",
    "program_id",
    "cost_center_id",
    "cost",
    "total_stock",
    "threshold",
    "amount_off",
    "discount",
    "exchange_sku",
    "issue_modes",
    "instructions",
    "validity_type",
    "valid_from",
    "valid_to",
    "start_after_days",
    "valid_days",
    "weekdays",
    "usable_from",
    "usable_to",
    "store_group_id",
    "product_group_id",
    "refund_returns_days",
    "transfer_claim_hours",
    "per_member_limit",
];

const VALIDITY_TYPES: [&str; 3] = ["date_range", "duration", "delayed_fixed_end"];

#[derive(Debug, Default, Deserialize)]
struct NewParams {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Template)]
#[template(path = "coupons/rule_form.html")]
struct RuleForm {
    l: Layout,
    action: String,
    /// An existing rule's number.
    rule_no: Option<String>,
    f: FormData,
    types: Vec<Choice>,
    /// `None`: the caller may not list them; the field takes an id.
    programs: Option<Vec<Choice>>,
    centers: Option<Vec<CenterChoice>>,
    store_groups: Option<Vec<Choice>>,
    product_groups: Option<Vec<Choice>>,
    validity_types: Vec<Choice>,
    weekdays: Vec<Choice>,
    preview: Preview,
    /// The catalogue texts the preview script words the coupon with (JSON).
    texts: String,
    /// A rule that cannot be edited in its state: shown without a save button.
    readonly: bool,
    errors: Errors,
}

fn checked(f: &FormData, name: &str) -> bool {
    f.get(name) == "1"
}

/// The texts of the preview, for the script (the server words it with the same entries).
fn script_texts<P>(c: &Console<P>) -> String {
    let mut texts = serde_json::Map::new();
    let mut put = |key: &str| {
        texts.insert(
            key.to_string(),
            serde_json::Value::String(c.t(&format!("coupons.{key}")).to_string()),
        );
    };
    for key in [
        "preview_untitled",
        "preview_benefit_missing",
        "preview_validity_missing",
        "preview_usable_missing",
        "validity_text_range",
        "validity_text_duration_now",
        "validity_text_duration_later",
        "validity_text_delayed_now",
        "validity_text_delayed_later",
        "every_day",
        "list_separator",
        "usable_text",
        "weekday_1",
        "weekday_2",
        "weekday_3",
        "weekday_4",
        "weekday_5",
        "weekday_6",
        "weekday_7",
    ] {
        put(key);
    }
    serde_json::Value::Object(texts).to_string()
}

fn page<P>(c: &Console<P>, title: &str, ch: &Choices, f: FormData, errors: Errors) -> RuleForm {
    let kind = f.get("coupon_type");
    let validity = f.get("validity_type");
    let days = f.all("weekdays");
    let all = c.t("coupons.all_stores");
    let lenient = input(&f, false).unwrap_or_default();
    RuleForm {
        l: c.layout(title, "coupon_rules"),
        action: format!("{RULES}/new"),
        rule_no: None,
        types: KINDS
            .iter()
            .map(|k| Choice::new(*k, super::text::type_label(c.tr, k), *k == kind))
            .collect(),
        programs: ch
            .programs
            .as_ref()
            .map(|_| ch.program_options(&f.get("program_id"))),
        centers: ch
            .centers
            .as_ref()
            .map(|_| ch.center_options(&f.get("cost_center_id"))),
        store_groups: ch
            .store_groups
            .as_ref()
            .map(|g| ch.group_options(g, f.get("store_group_id").trim(), all)),
        product_groups: ch.product_groups.as_ref().map(|g| {
            ch.group_options(
                g,
                f.get("product_group_id").trim(),
                c.t("coupons.all_products"),
            )
        }),
        validity_types: VALIDITY_TYPES
            .iter()
            .map(|v| {
                let label = super::text::validity_type_label(c.tr, v);
                Choice::new(*v, label, *v == validity)
            })
            .collect(),
        weekdays: (1..=7)
            .map(|d| {
                let value = d.to_string();
                let on = days.contains(&value);
                Choice::new(value, c.t(&format!("coupons.weekday_{d}")), on)
            })
            .collect(),
        preview: preview(c.tr, &lenient),
        texts: script_texts(c),
        readonly: false,
        errors,
        f,
    }
}

fn invalid(field: &'static str, code: &'static str, message: &str) -> AppError {
    ValidationError::new(field, code, message.to_string()).into()
}

/// The form's fields as the rule's input. Strictly, a number that is not one, or a ticked
/// option without its number, is refused naming its field; leniently (for the preview of a
/// refused form) it is left out.
fn input(f: &FormData, strict: bool) -> AppResult<RuleInput> {
    let int = |name: &'static str| -> AppResult<Option<i64>> {
        if strict {
            int_field(f, name)
        } else {
            Ok(f.get(name).trim().parse().ok())
        }
    };
    let with_number = |flag: &str, name: &'static str| -> AppResult<Option<i64>> {
        if !checked(f, flag) {
            return Ok(None);
        }
        match int(name)? {
            None if strict => Err(invalid(name, "required", "is required")),
            n => Ok(n),
        }
    };
    let weekdays = f
        .all("weekdays")
        .iter()
        .map(|d| match d.trim().parse::<i64>() {
            Ok(n) => Ok(n),
            Err(_) if strict => Err(invalid(
                "weekdays",
                "invalid_weekday",
                "weekdays are 1 to 7",
            )),
            Err(_) => Ok(0),
        })
        .collect::<AppResult<Vec<i64>>>()?;
    let threshold = if f.get("threshold_mode") == "min" {
        f.non_blank("threshold")
    } else {
        None
    };
    Ok(RuleInput {
        name: f.get("name"),
        coupon_type: f.get("coupon_type"),
        program_id: f.get("program_id").trim().to_string(),
        cost_center_id: f.get("cost_center_id").trim().to_string(),
        cost: f.non_blank("cost"),
        total_stock: int("total_stock")?.unwrap_or(0),
        threshold,
        amount_off: f.non_blank("amount_off"),
        discount: f.non_blank("discount"),
        exchange_sku: f.non_blank("exchange_sku"),
        public_claim: checked(f, "public_claim"),
        campaign_issue: checked(f, "campaign_issue"),
        instructions: f.non_blank("instructions"),
        validity_type: f.get("validity_type"),
        valid_from: f.non_blank("valid_from"),
        valid_to: f.non_blank("valid_to"),
        start_after_days: int("start_after_days")?,
        valid_days: int("valid_days")?,
        weekdays: Some(weekdays),
        usable_from: f.non_blank("usable_from"),
        usable_to: f.non_blank("usable_to"),
        store_group_id: f.non_blank("store_group_id"),
        product_group_id: f.non_blank("product_group_id"),
        refund_returns_days: with_number("refund_returns", "refund_returns_days")?,
        stackable: checked(f, "stackable"),
        transfer_claim_hours: with_number("transferable", "transfer_claim_hours")?,
        per_member_limit: int("per_member_limit")?,
    })
}

fn pairs(list: Vec<(&str, String)>) -> FormData {
    FormData::new(list.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn flag(on: bool) -> String {
    let text = if on { "1" } else { "" };
    text.to_string()
}

fn every_day() -> Vec<(&'static str, String)> {
    (1..=7).map(|d| ("weekdays", d.to_string())).collect()
}

/// A new rule of `kind`: the first program and its first cost center, no threshold, valid 30
/// days from the claim, any day and time, public claim.
fn defaults(kind: &str, ch: &Choices) -> FormData {
    let program = ch
        .programs
        .iter()
        .flatten()
        .next()
        .map(|p| p.id.to_string())
        .unwrap_or_default();
    let center = ch
        .centers
        .iter()
        .flatten()
        .find(|c| c.program_id.to_string() == program)
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let mut list = vec![
        ("coupon_type", kind.to_string()),
        ("program_id", program),
        ("cost_center_id", center),
        ("cost", "0".into()),
        ("total_stock", "100".into()),
        ("threshold_mode", "none".into()),
        ("public_claim", flag(true)),
        ("validity_type", "duration".into()),
        ("start_after_days", "0".into()),
        ("valid_days", "30".into()),
        ("usable_from", "00:00:00".into()),
        ("usable_to", "23:59:59".into()),
    ];
    list.extend(every_day());
    pairs(list)
}

/// A saved rule's fields, as the form shows them.
fn of_rule(r: &patron_app::coupons::model::CouponRule) -> FormData {
    let v = CouponRuleView::from(r);
    let opt = |o: Option<String>| o.unwrap_or_default();
    let num = |o: Option<i64>| o.map(|n| n.to_string()).unwrap_or_default();
    let mut list = vec![
        ("name", v.name),
        ("coupon_type", v.coupon_type),
        ("program_id", v.program_id),
        ("cost_center_id", v.cost_center_id),
        ("cost", v.cost),
        ("total_stock", v.total_stock.to_string()),
        (
            "threshold_mode",
            if v.threshold.is_some() { "min" } else { "none" }.to_string(),
        ),
        ("threshold", opt(v.threshold)),
        ("amount_off", opt(v.amount_off)),
        ("discount", opt(v.discount)),
        ("exchange_sku", opt(v.exchange_sku)),
        ("public_claim", flag(v.public_claim)),
        ("campaign_issue", flag(v.campaign_issue)),
        ("instructions", v.instructions),
        ("validity_type", v.validity_type),
        ("valid_from", opt(v.valid_from)),
        ("valid_to", opt(v.valid_to)),
        ("start_after_days", num(v.start_after_days)),
        ("valid_days", num(v.valid_days)),
        ("usable_from", v.usable_from),
        ("usable_to", v.usable_to),
        ("store_group_id", opt(v.store_group_id)),
        ("product_group_id", opt(v.product_group_id)),
        ("refund_returns", flag(v.refund_returns_days.is_some())),
        ("refund_returns_days", num(v.refund_returns_days)),
        ("stackable", flag(v.stackable)),
        ("transferable", flag(v.transfer_claim_hours.is_some())),
        ("transfer_claim_hours", num(v.transfer_claim_hours)),
        ("per_member_limit", num(v.per_member_limit)),
    ];
    list.extend(v.weekdays.iter().map(|d| ("weekdays", d.to_string())));
    pairs(list)
}

async fn new(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Query(q): Query<NewParams>,
) -> Response {
    let ch = match choices::load(&state, &c).await {
        Ok(ch) => ch,
        Err(e) => return c.fail(e),
    };
    let kind = q
        .kind
        .as_deref()
        .filter(|k| KINDS.contains(k))
        .unwrap_or("cash_off");
    let page = page(
        &c,
        "coupons.rule_new_title",
        &ch,
        defaults(kind, &ch),
        Errors::none(),
    );
    c.page(StatusCode::OK, &page)
}

async fn create(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let result = async {
        let input = input(&f, true)?;
        let mut tx = state.store.begin().await?;
        rules::create(&mut *tx, &c.ctx, &input).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(RULES, "flash.coupon_rule_created"),
        Err(e) if is_form_error(&e) => match choices::load(&state, &c).await {
            Ok(ch) => {
                let errors = Errors::from_app(c.tr, &e, FIELDS);
                let page = page(&c, "coupons.rule_new_title", &ch, f, errors);
                c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}

fn edit_page(
    c: &Console<perm::CouponsManage>,
    ch: &Choices,
    rule: &patron_app::coupons::model::CouponRule,
    f: FormData,
    errors: Errors,
) -> RuleForm {
    let mut page = page(c, "coupons.rule_edit_title", ch, f, errors);
    page.action = format!("{RULES}/{}/edit", rule.id);
    page.rule_no = Some(rule.rule_no.clone());
    page
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
) -> Response {
    let found = async {
        let rule = rules::get(&*state.store, &c.ctx, &id).await?;
        Ok::<_, AppError>((rule, choices::load(&state, &c).await?))
    }
    .await;
    let (rule, ch) = match found {
        Ok(found) => found,
        Err(e) => return c.fail(e),
    };
    let mut page = edit_page(&c, &ch, &rule, of_rule(&rule), Errors::none());
    // A rule that may not be edited in its state says why, instead of failing on save.
    if let Err((code, message)) = rule.state().edit() {
        let e = AppError::conflict(code, None, message);
        page.errors = Errors::banner(describe(c.tr, &e));
        page.readonly = true;
    }
    c.page(StatusCode::OK, &page)
}

async fn update(
    State(state): State<AppState>,
    c: Console<perm::CouponsManage>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let rule = match rules::get(&*state.store, &c.ctx, &id).await {
        Ok(rule) => rule,
        Err(e) => return c.fail(e),
    };
    let result = async {
        let input = input(&f, true)?;
        let mut tx = state.store.begin().await?;
        rules::update(&mut *tx, &c.ctx, &rule.id, &input).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&format!("{RULES}/{}", rule.id), "flash.coupon_rule_saved"),
        Err(e) if is_form_error(&e) => match choices::load(&state, &c).await {
            Ok(ch) => {
                let errors = Errors::from_app(c.tr, &e, FIELDS);
                let page = edit_page(&c, &ch, &rule, f, errors);
                c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            Err(e) => c.fail(e),
        },
        Err(e) => c.fail(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(extra: &[(&str, &str)]) -> FormData {
        let mut list: Vec<(String, String)> = vec![
            ("name".into(), "满100减20".into()),
            ("coupon_type".into(), "cash_off".into()),
            ("total_stock".into(), "200".into()),
            ("threshold_mode".into(), "min".into()),
            ("threshold".into(), "100".into()),
            ("amount_off".into(), "20".into()),
            ("weekdays".into(), "6".into()),
            ("weekdays".into(), "7".into()),
        ];
        list.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        FormData::new(list)
    }

    #[test]
    fn the_form_becomes_the_rules_input() {
        let i = input(
            &form(&[("refund_returns", "1"), ("refund_returns_days", "3")]),
            true,
        )
        .unwrap();
        assert_eq!(i.total_stock, 200);
        assert_eq!(i.threshold.as_deref(), Some("100"));
        assert_eq!(i.weekdays, Some(vec![6, 7]));
        assert_eq!(i.refund_returns_days, Some(3));
        assert_eq!(i.transfer_claim_hours, None);
        // No threshold chosen: the typed amount is ignored.
        let f = FormData::new(vec![
            ("threshold_mode".into(), "none".into()),
            ("threshold".into(), "100".into()),
        ]);
        assert_eq!(input(&f, true).unwrap().threshold, None);
    }

    #[test]
    fn a_ticked_option_needs_its_number() {
        let e = input(&form(&[("transferable", "1")]), true).unwrap_err();
        match e {
            AppError::Validation(v) => {
                assert_eq!((v.field, v.code), ("transfer_claim_hours", "required"))
            }
            other => panic!("{other:?}"),
        }
        let e = input(&form(&[("per_member_limit", "two")]), true).unwrap_err();
        match e {
            AppError::Validation(v) => {
                assert_eq!((v.field, v.code), ("per_member_limit", "invalid_number"))
            }
            other => panic!("{other:?}"),
        }
        assert!(input(&form(&[("per_member_limit", "two")]), false).is_ok());
    }
}
