//! `/console/customers/{id}`: the customer 360° view (loyalty-core §8.2–8.3) with tabs for basic
//! information, member accounts, tier history, point accounts, point records, transactions,
//! coupons and channel bindings; and its
//! actions: edit the profile, freeze, unfreeze or cancel a member, unbind an account, erase PII.

use super::transactions::{transactions_tab, TransactionsTab};
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors, FormData};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::pages::coupons::member::{coupons_tab, CouponsTab};
use crate::console::pages::points::member::{records_tab, RecordsTab};
use crate::console::render::redirect_with_flash;
use crate::console::Confirm;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use patron_app::members::model::StoredCustomer;
use patron_app::members::portrait::{self, Portrait};
use patron_app::members::profile::ProfileInput;
use patron_app::members::{accounts, bindings, customers};
use patron_domain::ids::{BindingId, CustomerId, MemberId};
use patron_domain::member::StatusChange;
use patron_domain::rbac::Permission;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/customers/{id}", get(view))
        .route("/console/customers/{id}/edit", get(edit).post(save))
        .route(
            "/console/customers/{id}/erase",
            get(confirm_erase).post(erase),
        )
        .route(
            "/console/customers/{id}/members/{member}/{action}",
            post(change_status),
        )
        .route(
            "/console/customers/{id}/bindings/{binding}/unbind",
            post(unbind),
        )
}

const TABS: &[&str] = &[
    "basic",
    "members",
    "tiers",
    "points",
    "records",
    "transactions",
    "coupons",
    "bindings",
];

#[derive(Debug, Default, Deserialize)]
struct TabParams {
    tab: Option<String>,
    /// The records tab: whose records (the first member by default), and which page (also of
    /// the transactions tab).
    member: Option<String>,
    page: Option<String>,
}

struct Fact {
    label: &'static str,
    value: String,
}

struct MemberRow {
    id: String,
    program: String,
    card_no: String,
    status: String,
    status_label: String,
    registered: String,
    channel: String,
    store: String,
    home_store: String,
    tier: String,
    retention_points: i64,
    first_purchase: String,
    last_purchase: String,
}

struct TierRow {
    card_no: String,
    tier: String,
    rule: String,
    record_type: String,
    change_mode: String,
    effective: String,
    expires: String,
    active: bool,
}

struct PointRow {
    member_id: String,
    card_no: String,
    group: String,
    accumulated: i64,
    available: i64,
    expired: i64,
    created: String,
}

struct BindingRow {
    id: String,
    channel: String,
    account_type: String,
    external_id: String,
    openid: String,
    nickname: String,
    store: String,
    bound: bool,
    bound_at: String,
    unbound_at: String,
}

#[derive(Template)]
#[template(path = "customers/view.html")]
struct ViewPage {
    l: Layout,
    id: String,
    tab: &'static str,
    tabs: Vec<(&'static str, &'static str)>,
    name: String,
    masked: bool,
    erased: bool,
    is_test: bool,
    facts: Vec<Fact>,
    members: Vec<MemberRow>,
    tiers: Vec<TierRow>,
    points: Vec<PointRow>,
    bindings: Vec<BindingRow>,
    /// The records tab: the member shown, the others to switch to, and its records.
    record_members: Vec<super::super::Choice>,
    records: Option<RecordsTab>,
    transactions: Option<TransactionsTab>,
    coupons: Option<CouponsTab>,
    can_update: bool,
    can_erase: bool,
    can_read_points: bool,
    can_read_orders: bool,
    can_read_coupons: bool,
    can_adjust: bool,
}

fn parse_customer(raw: &str) -> Option<CustomerId> {
    CustomerId::parse(raw)
}

fn yes_no(c: &Console<impl Sized>, v: bool) -> String {
    c.t(if v { "customers.yes" } else { "customers.no" })
        .to_string()
}

fn facts(c: &Console<impl Sized>, p: &Portrait) -> Vec<Fact> {
    let v = &p.details.view;
    let cu = &v.customer;
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "—".into());
    vec![
        Fact {
            label: "customer.name",
            value: opt(&v.pii.name),
        },
        Fact {
            label: "customer.phone",
            value: opt(&v.pii.phone),
        },
        Fact {
            label: "customer.email",
            value: opt(&v.pii.email),
        },
        Fact {
            label: "customer.birthday",
            value: opt(&v.pii.birthday),
        },
        Fact {
            label: "customer.gender",
            value: c.t(&format!("gender.{}", cu.gender.as_str())).to_string(),
        },
        Fact {
            label: "customer.province",
            value: opt(&cu.province),
        },
        Fact {
            label: "customer.city",
            value: opt(&cu.city),
        },
        Fact {
            label: "customer.address",
            value: opt(&v.pii.address),
        },
        Fact {
            label: "customer.source",
            value: c.tr.pick(cu.source_channel.names()).to_string(),
        },
        Fact {
            label: "customer.accepts_marketing",
            value: yes_no(c, cu.accepts_marketing),
        },
        Fact {
            label: "customer.is_employee",
            value: yes_no(c, cu.is_employee),
        },
        Fact {
            label: "customer.is_test",
            value: yes_no(c, cu.is_test),
        },
        Fact {
            label: "field.created_at",
            value: c.when(cu.created_at_ms),
        },
        Fact {
            label: "customers.updated_at",
            value: c.when(cu.updated_at_ms),
        },
    ]
}

fn view_page(c: &Console<perm::CustomersRead>, p: &Portrait, tab: &str) -> ViewPage {
    // The transactions tab is only for those who may read orders, the coupons tab for those
    // who may read coupons; others see the basics.
    let tab = TABS
        .iter()
        .copied()
        .find(|t| *t == tab)
        .filter(|t| *t != "transactions" || c.may(Permission::OrdersRead))
        .filter(|t| *t != "coupons" || c.may(Permission::CouponsRead))
        .unwrap_or("basic");
    let when = |ms: Option<i64>| ms.map(|m| c.when(m)).unwrap_or_else(|| "—".into());
    let name_or_dash = |id: &Option<String>| {
        id.as_deref()
            .map(|i| p.name_of(i))
            .unwrap_or_else(|| "—".into())
    };
    let mut members = Vec::new();
    let mut tiers = Vec::new();
    let mut points = Vec::new();
    for d in &p.members {
        let m = &d.member;
        let active = d.tier_records.iter().find(|r| r.active);
        members.push(MemberRow {
            id: m.id.to_string(),
            program: p.name_of(&m.program_id),
            card_no: m.card_no.clone(),
            status: m.status.as_str().to_string(),
            status_label: c
                .t(&format!("member_status.{}", m.status.as_str()))
                .to_string(),
            registered: c.when(m.registered_at_ms),
            channel: c.tr.pick(m.registration_channel.names()).to_string(),
            store: name_or_dash(&m.registration_store_id),
            home_store: name_or_dash(&m.home_store_id),
            tier: active
                .map(|r| p.name_of(&r.tier_id))
                .unwrap_or_else(|| "—".into()),
            retention_points: m.retention_points,
            first_purchase: when(m.first_purchase_at_ms),
            last_purchase: when(m.last_purchase_at_ms),
        });
        for r in &d.tier_records {
            tiers.push(TierRow {
                card_no: m.card_no.clone(),
                tier: p.name_of(&r.tier_id),
                rule: r
                    .tier_rule_id
                    .as_deref()
                    .map(|id| p.name_of(id))
                    .unwrap_or_else(|| "—".into()),
                record_type: c
                    .t(&format!("tier_record.{}", r.record_type.as_str()))
                    .to_string(),
                change_mode: c.t(&format!("change_mode.{}", r.change_mode)).to_string(),
                effective: c.when(r.effective_at_ms),
                expires: r
                    .expires_at_ms
                    .map(|ms| c.when(ms))
                    .unwrap_or_else(|| c.t("customers.never_expires").to_string()),
                active: r.active,
            });
        }
        for a in &d.point_accounts {
            points.push(PointRow {
                member_id: m.id.to_string(),
                card_no: m.card_no.clone(),
                group: p.name_of(&a.point_group_id),
                accumulated: a.accumulated,
                available: a.available,
                expired: a.expired,
                created: c.when(a.created_at_ms),
            });
        }
    }
    let bindings = p
        .details
        .bindings
        .iter()
        .map(|b| BindingRow {
            id: b.id.to_string(),
            channel: c.tr.pick(b.channel.names()).to_string(),
            account_type: b.account_type.clone(),
            external_id: b.external_id.clone(),
            openid: b
                .openid
                .clone()
                .or_else(|| b.unionid.clone())
                .unwrap_or_default(),
            nickname: b.nickname.clone().unwrap_or_default(),
            store: name_or_dash(&b.store_id),
            bound: b.bound,
            bound_at: c.when(b.bound_at_ms),
            unbound_at: when(b.unbound_at_ms),
        })
        .collect();
    let v = &p.details.view;
    ViewPage {
        l: c.layout("customers.view_title", "customers"),
        id: v.customer.id.to_string(),
        tab,
        tabs: vec![
            ("basic", "customers.tab_basic"),
            ("members", "customers.tab_members"),
            ("tiers", "customers.tab_tiers"),
            ("points", "customers.tab_points"),
            ("records", "points.tab_records"),
            ("transactions", "orders.tab_transactions"),
            ("coupons", "coupons.tab_customer_coupons"),
            ("bindings", "customers.tab_bindings"),
        ],
        name: v
            .pii
            .name
            .clone()
            .unwrap_or_else(|| c.t("customers.unnamed").to_string()),
        masked: !v.pii.clear,
        erased: v.customer.erased_at_ms.is_some(),
        is_test: v.customer.is_test,
        facts: facts(c, p),
        members,
        tiers,
        points,
        bindings,
        record_members: Vec::new(),
        records: None,
        transactions: None,
        coupons: None,
        can_update: c.may(Permission::CustomersUpdate),
        can_erase: c.may(Permission::CustomersErase),
        can_read_points: c.may(Permission::PointsRead),
        can_read_orders: c.may(Permission::OrdersRead),
        can_read_coupons: c.may(Permission::CouponsRead),
        can_adjust: c.may(Permission::PointsAdjust),
    }
}

async fn view(
    State(state): State<AppState>,
    c: Console<perm::CustomersRead>,
    Path(id): Path<String>,
    Query(q): Query<TabParams>,
) -> Response {
    let Some(id) = parse_customer(&id) else {
        return c.not_found();
    };
    let p = match portrait::get(&*state.store, &c.ctx, &state.pii, id).await {
        Ok(p) => p,
        Err(e) => return c.fail(e),
    };
    let mut page = view_page(&c, &p, q.tab.as_deref().unwrap_or("basic"));
    if page.tab == "records" && page.can_read_points {
        let asked = q.member.as_deref().and_then(MemberId::parse);
        let shown = p
            .members
            .iter()
            .find(|d| Some(d.member.id) == asked)
            .or_else(|| p.members.first());
        if let Some(d) = shown {
            let m = &d.member;
            page.record_members = p
                .members
                .iter()
                .map(|o| {
                    let label =
                        format!("{} · {}", p.name_of(&o.member.program_id), o.member.card_no);
                    super::super::Choice::new(o.member.id.to_string(), label, o.member.id == m.id)
                })
                .collect();
            match records_tab(&state, &c, &page.id, m.id, q.page.clone()).await {
                Ok(tab) => page.records = Some(tab),
                Err(e) => return c.fail(e),
            }
        }
    }
    if page.tab == "transactions" && page.can_read_orders {
        match transactions_tab(&state, &c, id, q.page.clone()).await {
            Ok(tab) => page.transactions = Some(tab),
            Err(e) => return c.fail(e),
        }
    }
    if page.tab == "coupons" && page.can_read_coupons {
        match coupons_tab(&state, &c, id, q.page.clone()).await {
            Ok(tab) => page.coupons = Some(tab),
            Err(e) => return c.fail(e),
        }
    }
    c.page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "customers/form.html")]
struct FormPage {
    l: Layout,
    id: String,
    f: FormData,
    genders: Vec<super::super::Choice>,
    errors: Errors,
}

const FIELDS: &[&str] = &[
    "name", "phone", "email", "birthday", "gender", "province", "city", "address",
];

fn gender_choices(c: &Console<impl Sized>, current: &str) -> Vec<super::super::Choice> {
    ["unknown", "male", "female"]
        .into_iter()
        .map(|g| super::super::Choice::new(g, c.t(&format!("gender.{g}")), g == current))
        .collect()
}

/// The form shows clear values only to those who may see them; others edit blind (an empty
/// field leaves the value as it is).
fn stored_form(
    c: &Console<perm::CustomersUpdate>,
    cu: &StoredCustomer,
    shown: &patron_app::members::profile::ShownPii,
) -> FormPage {
    let clear = |v: &Option<String>| {
        if shown.clear {
            v.clone().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let pairs = vec![
        ("name".to_string(), clear(&shown.name)),
        ("phone".to_string(), clear(&shown.phone)),
        ("email".to_string(), clear(&shown.email)),
        ("birthday".to_string(), clear(&shown.birthday)),
        ("address".to_string(), clear(&shown.address)),
        (
            "province".to_string(),
            cu.province.clone().unwrap_or_default(),
        ),
        ("city".to_string(), cu.city.clone().unwrap_or_default()),
        (
            "accepts_marketing".to_string(),
            if cu.accepts_marketing {
                "on".into()
            } else {
                String::new()
            },
        ),
        (
            "is_employee".to_string(),
            if cu.is_employee {
                "on".into()
            } else {
                String::new()
            },
        ),
        (
            "is_test".to_string(),
            if cu.is_test {
                "on".into()
            } else {
                String::new()
            },
        ),
    ];
    FormPage {
        l: c.layout("customers.edit_title", "customers"),
        id: cu.id.to_string(),
        genders: gender_choices(c, cu.gender.as_str()),
        f: FormData::new(pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect()),
        errors: Errors::none(),
    }
}

async fn edit(
    State(state): State<AppState>,
    c: Console<perm::CustomersUpdate>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_customer(&id) else {
        return c.not_found();
    };
    match customers::get(&*state.store, &c.ctx, &state.pii, id).await {
        Ok(d) => c.page(
            StatusCode::OK,
            &stored_form(&c, &d.view.customer, &d.view.pii),
        ),
        Err(e) => c.fail(e),
    }
}

async fn save(
    State(state): State<AppState>,
    c: Console<perm::CustomersUpdate>,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let Some(cid) = parse_customer(&id) else {
        return c.not_found();
    };
    let input = ProfileInput {
        name: f.non_blank("name"),
        gender: f.non_blank("gender"),
        birthday: f.non_blank("birthday"),
        phone: f.non_blank("phone"),
        email: f.non_blank("email"),
        province: Some(f.get("province")),
        city: Some(f.get("city")),
        address: f.non_blank("address"),
        id_number: None,
        accepts_marketing: Some(!f.get("accepts_marketing").is_empty()),
        is_employee: Some(!f.get("is_employee").is_empty()),
        is_test: Some(!f.get("is_test").is_empty()),
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        customers::update(&mut *tx, &c.ctx, &state.pii, cid, &input).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&format!("/console/customers/{cid}"), "flash.customer_saved"),
        Err(e) if is_form_error(&e) => {
            let page = FormPage {
                l: c.layout("customers.edit_title", "customers"),
                id,
                genders: gender_choices(&c, &f.get("gender")),
                errors: Errors::from_app(c.tr, &e, FIELDS),
                f,
            };
            c.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => c.fail(e),
    }
}

fn erase_page(c: &Console<perm::CustomersErase>, id: &str, errors: Errors) -> Confirm {
    Confirm {
        l: c.layout("customers.erase_title", "customers"),
        message: c.t("customers.erase_confirm").to_string(),
        action: format!("/console/customers/{id}/erase"),
        button: c.t("customers.erase"),
        cancel: format!("/console/customers/{id}"),
        errors,
    }
}

async fn confirm_erase(c: Console<perm::CustomersErase>, Path(id): Path<String>) -> Response {
    if parse_customer(&id).is_none() {
        return c.not_found();
    }
    c.page(StatusCode::OK, &erase_page(&c, &id, Errors::none()))
}

async fn erase(
    State(state): State<AppState>,
    c: Console<perm::CustomersErase>,
    Path(id): Path<String>,
    CsrfForm(_f): CsrfForm,
) -> Response {
    let Some(cid) = parse_customer(&id) else {
        return c.not_found();
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        customers::erase(&mut *tx, &c.ctx, cid).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(
            &format!("/console/customers/{cid}"),
            "flash.customer_erased",
        ),
        Err(e) => c.fail(e),
    }
}

async fn change_status(
    State(state): State<AppState>,
    c: Console<perm::CustomersUpdate>,
    Path((id, member, action)): Path<(String, String, String)>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let (Some(cid), Some(mid)) = (parse_customer(&id), MemberId::parse(&member)) else {
        return c.not_found();
    };
    let change = match action.as_str() {
        "freeze" => StatusChange::Freeze,
        "unfreeze" => StatusChange::Unfreeze,
        "cancel" => StatusChange::Cancel,
        _ => return c.not_found(),
    };
    let reason = f.non_blank("reason");
    let result = async {
        let mut tx = state.store.begin().await?;
        accounts::change_status(&mut *tx, &c.ctx, mid, change, reason.as_deref()).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(
            &format!("/console/customers/{cid}?tab=members"),
            "flash.member_status_changed",
        ),
        Err(e) => c.fail(e),
    }
}

async fn unbind(
    State(state): State<AppState>,
    c: Console<perm::CustomersUpdate>,
    Path((id, binding)): Path<(String, String)>,
    CsrfForm(_f): CsrfForm,
) -> Response {
    let (Some(cid), Some(bid)) = (parse_customer(&id), BindingId::parse(&binding)) else {
        return c.not_found();
    };
    let result = async {
        let mut tx = state.store.begin().await?;
        bindings::unbind(&mut *tx, &c.ctx, bid).await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(
            &format!("/console/customers/{cid}?tab=bindings"),
            "flash.binding_unbound",
        ),
        Err(e) => c.fail(e),
    }
}
