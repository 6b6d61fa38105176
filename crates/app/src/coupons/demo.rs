//! The demo tenant's coupons: rules of each type in each state, and coupons issued, claimed,
//! used on orders, given to friends and expired, so every page of the coupon center has
//! something to show. Everything derives from the members' indexes, so demo tenants look alike.

use super::model::CouponRule;
use super::rules::{self, Step};
use super::{issue, transfer};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::ListQuery;
use crate::orders::{accept, resolve};
use crate::pii::Pii;
use crate::ports::Store;
use patron_domain::coupons::rule_input::RuleInput;
use patron_domain::groups::GroupKind;
use patron_domain::ids::ProgramId;
use patron_domain::member::FIRST_CARD_NO;
use patron_domain::orders::input::{LineInput, MemberRef, OrderInput, PaymentInput};
use patron_domain::rbac::Permission;

const DAY_MS: i64 = 86_400_000;

fn card(i: i64) -> String {
    (FIRST_CARD_NO + i).to_string()
}

async fn group_id(store: &dyn Store, ctx: &Ctx, kind: GroupKind, name: &str) -> AppResult<String> {
    let t = ctx.principal.tenant()?;
    let q = ListQuery {
        search: Some(name.to_string()),
        limit: 10,
        ..ListQuery::default()
    };
    let page = store.reader().await?.groups(t, Some(kind), &q).await?;
    page.items
        .into_iter()
        .find(|g| g.name == name)
        .map(|g| g.id)
        .ok_or_else(|| AppError::Store(format!("demo group {name} missing")))
}

/// Writes a rule and takes it through `steps`, at `ctx`'s time.
async fn rule(
    store: &dyn Store,
    ctx: &Ctx,
    input: RuleInput,
    steps: &[Step],
) -> AppResult<CouponRule> {
    let mut tx = store.begin().await?;
    let mut r = rules::create(&mut *tx, ctx, &input).await?;
    for s in steps {
        r = rules::step(&mut *tx, ctx, &r.id, *s, Some("演示审批")).await?;
    }
    tx.commit().await?;
    Ok(r)
}

/// An order of the member with `card_no` at a shop, of `amount_fen` in one line of `sku`, using `codes`.
fn order(
    card_no: &str,
    no: &str,
    sku: &str,
    amount_fen: i64,
    at_ms: i64,
    codes: Vec<String>,
) -> OrderInput {
    let amount = format!("{}.{:02}", amount_fen / 100, amount_fen % 100);
    OrderInput {
        channel: "pos".into(),
        external_no: no.into(),
        store: "CNSHA001".into(),
        member: MemberRef {
            card_no: Some(card_no.to_string()),
            ..MemberRef::default()
        },
        ordered_at_ms: at_ms,
        lines: vec![LineInput {
            product_code: sku.into(),
            quantity: 2,
            receivable_amount: Some(amount.clone()),
            net_amount: Some(amount.clone()),
            ..LineInput::default()
        }],
        payments: vec![PaymentInput {
            method: "wechat_pay".into(),
            amount,
            ..PaymentInput::default()
        }],
        coupons: codes,
        ..OrderInput::default()
    }
}

/// Adds the coupon center's demo data to the demo tenant (after its members and orders).
pub async fn seed_demo(store: &dyn Store, pii: &Pii, ctx: &Ctx, program: &str) -> AppResult<()> {
    let t = ctx.principal.tenant()?;
    let mut ctx = ctx.clone();
    ctx.principal.permissions = ctx
        .principal
        .permissions
        .with(Permission::CouponsManage)
        .with(Permission::CouponsApprove)
        .with(Permission::CouponsIssue)
        .with(Permission::OrdersWrite);
    let mut r = store.reader().await?;
    let Some(refs) = r.program_refs(t, program).await? else {
        return Ok(());
    };
    let Some(program_id) = ProgramId::parse(&refs.program_id) else {
        return Ok(());
    };
    let Some(center) = r.cost_centers_of(t, program_id).await?.into_iter().next() else {
        return Ok(());
    };
    drop(r);
    let shops = group_id(store, &ctx, GroupKind::Store, "线下门店").await?;
    let ice_cream = group_id(store, &ctx, GroupKind::Product, "冰淇淋商品组").await?;
    let skus = crate::master_data::demo::ice_cream_skus();
    let cone = skus.first().cloned().unwrap_or_default();
    let base = |name: &str, kind: &str| RuleInput {
        name: name.into(),
        coupon_type: kind.into(),
        program_id: refs.program_id.clone(),
        cost_center_id: center.id.to_string(),
        cost: Some("2".into()),
        total_stock: 5000,
        public_claim: true,
        campaign_issue: true,
        validity_type: "duration".into(),
        valid_days: Some(30),
        instructions: Some("每单限用一张，不与其他优惠同享。".into()),
        ..RuleInput::default()
    };
    let publish = [Step::Submit, Step::Approve];

    // Six weeks ago: a week-long coupon, issued then, long expired now.
    let mut past = ctx.clone();
    past.now_ms -= 42 * DAY_MS;
    let expired = rule(
        store,
        &past,
        RuleInput {
            amount_off: Some("10".into()),
            valid_days: Some(7),
            ..base("周年庆无门槛减10元", "cash_off")
        },
        &publish,
    )
    .await?;
    let mut tx = store.begin().await?;
    let cards: Vec<String> = (0..30).map(card).collect();
    issue::issue(&mut *tx, &past, &expired.id, &cards, Some("周年庆")).await?;
    tx.commit().await?;

    let cash_off = rule(
        store,
        &ctx,
        RuleInput {
            threshold: Some("100".into()),
            amount_off: Some("20".into()),
            refund_returns_days: Some(7),
            transfer_claim_hours: Some(48),
            ..base("满100减20", "cash_off")
        },
        &publish,
    )
    .await?;
    rule(
        store,
        &ctx,
        RuleInput {
            amount_off: Some("5".into()),
            store_group_id: Some(shops),
            public_claim: false,
            ..base("门店无门槛减5元", "cash_off")
        },
        &publish,
    )
    .await?;
    let discount = rule(
        store,
        &ctx,
        RuleInput {
            discount: Some("8".into()),
            product_group_id: Some(ice_cream.clone()),
            weekdays: Some(vec![1, 2, 3, 4, 5]),
            stackable: true,
            per_member_limit: Some(2),
            ..base("冰淇淋工作日8折", "discount")
        },
        &publish,
    )
    .await?;
    rule(
        store,
        &ctx,
        RuleInput {
            threshold: Some("200".into()),
            exchange_sku: Some(cone.clone()),
            product_group_id: Some(ice_cream),
            ..base("满200兑换甜筒", "exchange")
        },
        &publish,
    )
    .await?;
    rule(
        store,
        &ctx,
        RuleInput {
            discount: Some("9".into()),
            ..base("会员日9折", "discount")
        },
        &[],
    )
    .await?;
    rule(
        store,
        &ctx,
        RuleInput {
            threshold: Some("50".into()),
            amount_off: Some("10".into()),
            ..base("新客满50减10", "cash_off")
        },
        &[Step::Submit],
    )
    .await?;

    // Handed out now: 40 members get 满100减20 from a campaign, 10 claim the 8折.
    let mut tx = store.begin().await?;
    let cards: Vec<String> = (0..40).map(card).collect();
    let issued = issue::issue(&mut *tx, &ctx, &cash_off.id, &cards, Some("新品上市")).await?;
    let mut members = Vec::new();
    for i in 0..10 {
        let Some(m) = tx.member_by_card(t, &card(i)).await? else {
            continue;
        };
        if m.status != patron_domain::member::MemberStatus::Normal {
            continue;
        }
        issue::claim(&mut *tx, &ctx, &discount.id, m.id).await?;
        members.push(m.id);
    }
    tx.commit().await?;

    // Ten of the 满100减20 are used on orders of ¥128 at once.
    let mut tx = store.begin().await?;
    for (i, c) in issued.coupons.iter().take(10).enumerate() {
        let Some(holder) = patron_domain::ids::CustomerId::parse(&c.customer_id) else {
            continue;
        };
        let Some(m) = tx.members_of(t, holder).await?.into_iter().next() else {
            continue;
        };
        let input = order(
            &m.card_no,
            &format!("DEMOC{i:04}"),
            &cone,
            12_800,
            ctx.now_ms,
            vec![c.code.clone()],
        );
        let prepared = resolve::prepare(&mut *tx, pii, t, input.parse()?).await?;
        accept::accept(&mut *tx, &ctx, prepared).await?;
    }
    tx.commit().await?;

    // Three are given to friends: two accepted, one still waiting.
    let mut tx = store.begin().await?;
    for (k, c) in issued.coupons.iter().skip(10).take(3).enumerate() {
        let x = transfer::start(&mut *tx, &ctx, &c.code).await?;
        if k < 2 {
            if let Some(friend) = members.get(5 + k).copied() {
                transfer::accept(&mut *tx, &ctx, &x.id, friend).await?;
            }
        }
    }
    // The anniversary coupons' week is long over.
    tx.expire_coupons(t, ctx.now_ms - DAY_MS, ctx.now_ms)
        .await?;
    tx.commit().await
}
