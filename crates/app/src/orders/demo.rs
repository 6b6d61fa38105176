//! The demo tenant's orders: base point rules and two years of orders, with some refunds,
//! for the first demo members, so that tiers, expiries and refunds all appear in the console.
//! Everything derives from each member's index, so every demo tenant looks the same.

use super::{accept, refund, resolve};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::members::demo::{mix, registration};
use crate::pii::Pii;
use crate::point_rules::model::StoredPointRule;
use crate::ports::Store;
use crate::secrets::new_uuid;
use patron_domain::groups::GroupKind;
use patron_domain::loyalty::tier::Validity;
use patron_domain::orders::input::{LineInput, MemberRef, OrderInput, PaymentInput};
use patron_domain::points::rate::Rate;
use patron_domain::points::rule::{Award, RuleStatus, Scope};
use patron_domain::rbac::Permission;

const DAY_MS: i64 = 86_400_000;
/// (channel, store) pairs orders come from: shops' tills and the online shops.
const OUTLETS: &[(&str, &str)] = &[
    ("pos", "CNSHA001"),
    ("pos", "CNSHA002"),
    ("pos", "CNBJS001"),
    ("pos", "CNSZX001"),
    ("pos", "CNHGH001"),
    ("pos", "CNCTU001"),
    ("tmall", "TMALL001"),
    ("wechat_mall", "WXMALL001"),
    ("jd", "JD001"),
];
const PHYSICAL: &[&str] = &[
    "CNSHA001", "CNSHA002", "CNBJS001", "CNSZX001", "CNHGH001", "CNCTU001",
];
const METHODS: &[&str] = &[
    "wechat_pay",
    "alipay",
    "wechat_pay",
    "cash",
    "bank_card",
    "gift_card",
];

/// The program's rules: ¥1 = 1 point everywhere (counts for upgrade), 1 growth point per unit
/// bought in a shop (the store group 线下门店), and a draft to simulate: an extra point per ¥1 on
/// ice cream (the product group 冰淇淋商品组).
async fn rules(store: &dyn Store, ctx: &Ctx, program: &str) -> AppResult<bool> {
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let Some(refs) = r.program_refs(t, program).await? else {
        return Ok(false);
    };
    let groups = refs.point_group_ids.clone();
    let (Some(points), Some(growth)) = (groups.first(), groups.get(1)) else {
        return Ok(false);
    };
    let shops = r.group_named(t, GroupKind::Store, "线下门店").await?;
    let ice_cream = r.group_named(t, GroupKind::Product, "冰淇淋商品组").await?;
    let one = Rate::parse("rate", "1")?;
    let rule = |name: &str, group: &str, award, counts, scope| StoredPointRule {
        tenant_id: t,
        id: new_uuid().to_string(),
        program_id: refs.program_id.clone(),
        name: name.into(),
        point_group_id: group.into(),
        cost_center_id: None,
        award,
        counts_for_upgrade: counts,
        validity: Validity::FixedPeriod { days: 365 },
        scope,
        status: RuleStatus::Enabled,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    // Without the demo's groups (a tenant seeded apart), the shops are listed instead.
    let in_shops = match shops {
        Some(g) => Scope {
            store_group: Some(g.id),
            ..Scope::default()
        },
        None => Scope {
            stores: PHYSICAL.iter().map(|s| (*s).to_string()).collect(),
            ..Scope::default()
        },
    };
    let mut tx = store.begin().await?;
    let everywhere = Scope::default();
    let all = rule(
        "全渠道1元积1分",
        points,
        Award::ByAmount(one),
        true,
        everywhere,
    );
    tx.insert_point_rule(&all).await?;
    let growth = rule(
        "线下门店1个数量积1成长值",
        growth,
        Award::ByQuantity(one),
        false,
        in_shops,
    );
    tx.insert_point_rule(&growth).await?;
    if let Some(g) = ice_cream {
        let scope = Scope {
            product_group: Some(g.id),
            ..Scope::default()
        };
        let mut draft = rule(
            "冰淇淋1元加赠1分",
            points,
            Award::ByAmount(one),
            true,
            scope,
        );
        draft.status = RuleStatus::Draft;
        tx.insert_point_rule(&draft).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The demo orders of member `i`: (time, order).
fn orders_of(program: &str, i: u64, now_ms: i64) -> Vec<(i64, OrderInput)> {
    let reg = registration(program, i, now_ms);
    let phone = reg.profile.phone.clone();
    let since = reg
        .registered_at_ms
        .unwrap_or(now_ms)
        .max(now_ms - 730 * DAY_MS);
    // Most members buy a few times; every tenth buys often enough for platinum.
    let count = if i.is_multiple_of(10) {
        18 + mix(i, 30) % 10
    } else {
        mix(i, 31) % 7
    };
    let span = (now_ms - since).max(DAY_MS);
    let mut out = Vec::new();
    for k in 0..count {
        let at = since
            + i64::try_from(mix(i * 100 + k, 32))
                .unwrap_or(0)
                .rem_euclid(span);
        let (channel, store) = OUTLETS[(mix(i * 100 + k, 33) % OUTLETS.len() as u64) as usize];
        let mut total = 0;
        let lines: Vec<LineInput> = (0..1 + mix(i * 100 + k, 34) % 3)
            .map(|l| {
                let p = (mix(i * 1000 + k * 10 + l, 35) % crate::master_data::demo::PRODUCTS as u64)
                    as usize;
                let qty = 1 + (mix(i * 1000 + k * 10 + l, 36) % 3) as i64;
                let net = crate::master_data::demo::price_fen(p) as i64 * qty;
                total += net;
                LineInput {
                    product_code: format!("SKU{:06}", p + 1),
                    quantity: qty,
                    net_amount: Some(format!("{}.{:02}", net / 100, net % 100)),
                    ..LineInput::default()
                }
            })
            .collect();
        let method = METHODS[(mix(i * 100 + k, 37) % METHODS.len() as u64) as usize];
        let no = format!("DEMO{i:06}{k:03}");
        out.push((
            at,
            OrderInput {
                channel: channel.into(),
                external_no: no.clone(),
                store: store.into(),
                member: MemberRef {
                    phone: phone.clone(),
                    ..MemberRef::default()
                },
                ordered_at_ms: at,
                lines,
                payments: vec![PaymentInput {
                    method: method.into(),
                    amount: format!("{}.{:02}", total / 100, total % 100),
                    ..PaymentInput::default()
                }],
                ..OrderInput::default()
            },
        ));
        // About one order in twelve comes back a few days later, whole or its first line.
        if mix(i * 100 + k, 38).is_multiple_of(12) {
            let back = at + (1 + (mix(i * 100 + k, 39) % 10) as i64) * DAY_MS;
            if back < now_ms {
                let whole = mix(i * 100 + k, 40).is_multiple_of(2);
                out.push((
                    back,
                    OrderInput {
                        direction: Some("refund".into()),
                        channel: channel.into(),
                        external_no: format!("{no}R"),
                        original_order_no: Some(no),
                        store: store.into(),
                        ordered_at_ms: back,
                        lines: if whole {
                            Vec::new()
                        } else {
                            vec![LineInput {
                                product_code: out[out.len() - 1].1.lines[0].product_code.clone(),
                                quantity: 1,
                                ..LineInput::default()
                            }]
                        },
                        ..OrderInput::default()
                    },
                ));
            }
        }
    }
    out
}

/// Adds the rules and the orders of the first `members` demo members, oldest orders first.
pub async fn seed(
    store: &dyn Store,
    pii: &Pii,
    ctx: &Ctx,
    program: &str,
    members: u64,
) -> AppResult<()> {
    let mut ctx = ctx.clone();
    ctx.principal.permissions = ctx
        .principal
        .permissions
        .with(Permission::OrdersWrite)
        .with(Permission::LoyaltyManage);
    if !rules(store, &ctx, program).await? {
        return Ok(());
    }
    let t = ctx.principal.tenant()?;
    let mut all: Vec<(i64, OrderInput)> = (0..members)
        .flat_map(|i| orders_of(program, i, ctx.now_ms))
        .collect();
    all.sort_by_key(|(at, _)| *at);
    for chunk in all.chunks(200) {
        let mut tx = store.begin().await?;
        for (_, input) in chunk {
            let order = input.parse()?;
            let prepared = resolve::prepare(&mut *tx, pii, t, order).await?;
            match prepared.order.direction {
                patron_domain::orders::Direction::Normal => {
                    accept::accept(&mut *tx, &ctx, prepared).await?
                }
                patron_domain::orders::Direction::Refund => {
                    refund::refund(&mut *tx, &ctx, prepared).await?
                }
            };
        }
        tx.commit().await?;
    }
    Ok(())
}
