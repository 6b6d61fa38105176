//! Simulating a point rule (typically a draft) over the last days of real orders: the points it
//! would have issued, by store and by cost center, beside what the rules of the time issued for
//! the same orders, so an operator sees the cost before enabling it. Nothing is written.
//!
//! - Orders: the normal orders of members of the rule's program, ordered in `[now − days, now)`,
//!   read in keyset pages of [`PAGE`] on one snapshot; each page's lines, payments and issued
//!   points are read with one statement each, and master data (stores, products, categories,
//!   payment methods) once per code.
//! - The rule alone is applied with the engine's own matching, earning share and rounding
//!   (`orders::earn::rule_firings`), against master data as it is now.
//! - Tier: the member's tier at the order's time, from their tier records (the last one that
//!   took effect before the order; the first one for orders older than all of them). The engine
//!   uses the tier active when it processes an order, which for orders sent as they happen is
//!   the same. Tier records are only read when the rule is limited to tiers.
//! - Refunds: each firing keeps what the order's refunds would have left of it, in proportion
//!   to the units refunded from its line, as refunds reverse real records.
//! - Issued: the orders' transaction records less the reversals their refunds wrote, per the
//!   cost center on the records.

use super::model::StoredPointRule;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::members::model::{Named, NamedRef};
use crate::orders::earn::{rule_firings, Known, LineFacts};
use crate::orders::model::{StoredLine, StoredOrder};
use crate::ports::{Reads, Store};
use patron_domain::ids::{MemberId, ProgramId, TenantId};
use patron_domain::points::simulation::{
    net_of_refunds, tier_at, window_days, OrderOutcome, Tally,
};
use patron_domain::rbac::Permission;
use std::collections::{BTreeSet, HashMap};

/// Orders read at a time.
pub const PAGE: u32 = 500;

const DAY_MS: i64 = 86_400_000;

/// A store's line of the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreRow {
    pub store_id: String,
    pub code: String,
    pub name: String,
    pub orders: i64,
    /// Orders the rule fires on.
    pub fired_orders: i64,
    pub current_points: i64,
    pub draft_points: i64,
}

/// A cost center's line of the result; `cost_center_id` is `None` for records without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CenterRow {
    pub cost_center_id: Option<String>,
    pub code: String,
    pub name: String,
    pub current_points: i64,
    pub draft_points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSimulation {
    pub rule: StoredPointRule,
    pub days: i64,
    /// The window `[from_ms, to_ms)`.
    pub from_ms: i64,
    pub to_ms: i64,
    /// Orders considered, and those the rule fires on.
    pub orders: i64,
    pub fired_orders: i64,
    /// What the rule would issue, and what was issued for the same orders.
    pub draft_points: i64,
    pub current_points: i64,
    /// By store code.
    pub stores: Vec<StoreRow>,
    /// By cost center code; records without a cost center last.
    pub cost_centers: Vec<CenterRow>,
}

/// Master data read so far, by code (bounded by the tenant's catalogue, not by the orders).
#[derive(Default)]
struct Catalogue {
    stores: HashMap<String, NamedRef>,
    /// Payment method code → earns points.
    methods: HashMap<String, bool>,
    /// Known product code → its category chain (empty unless the rule names categories).
    products: HashMap<String, Vec<String>>,
    /// Product codes master data does not know.
    unknown_products: BTreeSet<String>,
    /// Category code → its parent.
    parents: HashMap<String, Option<String>>,
    /// Store code → the rule's store group, when the store is in it.
    store_groups: HashMap<String, Vec<String>>,
    /// Known product code → the rule's product group, when the product is in it.
    product_groups: HashMap<String, Vec<String>>,
}

/// Which of `codes` are members of the rule's `group` (if it names one), into `into`.
async fn learn_groups(
    r: &mut dyn Reads,
    t: TenantId,
    group: Option<&String>,
    codes: &[String],
    into: &mut HashMap<String, Vec<String>>,
) -> AppResult<()> {
    let Some(group) = group else { return Ok(()) };
    if codes.is_empty() {
        return Ok(());
    }
    for code in r.group_members_among(t, group, codes).await? {
        into.insert(code, vec![group.clone()]);
    }
    Ok(())
}

pub async fn simulate(
    store: &dyn Store,
    ctx: &Ctx,
    rule_id: &str,
    days: i64,
    now_ms: i64,
) -> AppResult<RuleSimulation> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    let days = window_days(days)?;
    let mut r = store.snapshot().await?;
    let rule = r
        .point_rule(t, rule_id)
        .await?
        .ok_or(AppError::NotFound("point rule"))?;
    let engine_rule = [rule.rule()];
    let from_ms = now_ms.saturating_sub(days * DAY_MS);
    let mut tally = Tally::new(rule.cost_center_id.clone());
    let mut cat = Catalogue::default();
    let mut after = (from_ms, String::new());
    loop {
        let orders = r
            .member_orders_page(
                t,
                &rule.program_id,
                from_ms,
                now_ms,
                (after.0, after.1.as_str()),
                PAGE,
            )
            .await?;
        let Some(last) = orders.last() else { break };
        after = (last.ordered_at_ms, last.id.clone());
        let full = orders.len() == PAGE as usize;
        let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
        let lines = r.lines_of_orders(t, &ids).await?;
        let payments = r.payments_of_orders(t, &ids).await?;
        let issued = r.points_issued_to_orders(t, &ids).await?;
        let tiers = if rule.scope.tiers.is_empty() {
            HashMap::new()
        } else {
            history(&mut *r, t, &orders).await?
        };
        learn(&mut *r, t, &rule, &orders, &lines, &payments, &mut cat).await?;

        let mut lines_of: HashMap<&str, Vec<&StoredLine>> = HashMap::new();
        for l in &lines {
            lines_of.entry(&l.order_id).or_default().push(l);
        }
        let mut payments_of: HashMap<&str, Vec<(&str, i64)>> = HashMap::new();
        for p in &payments {
            payments_of
                .entry(&p.order_id)
                .or_default()
                .push((&p.method_code, p.paid_fen));
        }
        let mut issued_of: HashMap<String, Vec<(Option<String>, i64)>> = HashMap::new();
        for x in issued {
            issued_of
                .entry(x.order_id)
                .or_default()
                .push((x.cost_center_id, x.points));
        }
        for o in &orders {
            let no_lines = Vec::new();
            let lines = lines_of.get(o.id.as_str()).unwrap_or(&no_lines);
            let tier = o
                .member_id
                .and_then(|m| tiers.get(&m))
                .and_then(|h| tier_at(h, o.ordered_at_ms))
                .unwrap_or_default();
            let (fired, draft_points) = draft(
                &engine_rule,
                o,
                lines,
                payments_of
                    .get(o.id.as_str())
                    .map_or(&[][..], Vec::as_slice),
                tier,
                &cat,
            );
            tally.add(OrderOutcome {
                store: o.store_id.clone(),
                fired,
                draft_points,
                current: issued_of.remove(&o.id).unwrap_or_default(),
            });
        }
        if !full {
            break;
        }
    }
    result(&mut *r, t, rule, days, (from_ms, now_ms), tally, &cat).await
}

/// Whether the rule fires on the order, and the points it would leave after the order's
/// refunds.
fn draft(
    rule: &[patron_domain::points::rule::PointRule<String>],
    o: &StoredOrder,
    lines: &[&StoredLine],
    payments: &[(&str, i64)],
    tier: &str,
    cat: &Catalogue,
) -> (bool, i64) {
    let store = cat.stores.get(&o.store_id).map_or("", |s| s.code.as_str());
    let facts: Vec<LineFacts<'_>> = lines
        .iter()
        .map(|l| LineFacts {
            product_code: &l.product_code,
            quantity: l.quantity,
            points_amount_fen: l.points_amount_fen,
        })
        .collect();
    let known = Known {
        earning_methods: &cat.methods,
        products: &cat.products,
        store_groups: cat.store_groups.get(store).map_or(&[], Vec::as_slice),
        product_groups: &cat.product_groups,
    };
    let fired = rule_firings(rule, store, tier, payments, &facts, known);
    let points = fired
        .iter()
        .map(|e| {
            let l = lines[e.line];
            net_of_refunds(e.points, l.quantity, l.refunded_quantity)
        })
        .sum();
    (!fired.is_empty(), points)
}

/// The tier histories of the page's members as (effective from, tier), oldest first.
async fn history(
    r: &mut dyn Reads,
    t: TenantId,
    orders: &[StoredOrder],
) -> AppResult<HashMap<MemberId, Vec<(i64, String)>>> {
    let members: BTreeSet<MemberId> = orders.iter().filter_map(|o| o.member_id).collect();
    let members: Vec<MemberId> = members.into_iter().collect();
    let mut out: HashMap<MemberId, Vec<(i64, String)>> = HashMap::new();
    for rec in r.tier_history(t, &members).await? {
        out.entry(rec.member_id)
            .or_default()
            .push((rec.effective_at_ms, rec.tier_id));
    }
    Ok(out)
}

/// Reads the master data of the page that is not known yet: stores always; payment methods
/// always (the earning share of amount rules); products only when the rule names products or
/// categories, and category chains only when it names categories.
async fn learn(
    r: &mut dyn Reads,
    t: TenantId,
    rule: &StoredPointRule,
    orders: &[StoredOrder],
    lines: &[StoredLine],
    payments: &[crate::orders::model::StoredPayment],
    cat: &mut Catalogue,
) -> AppResult<()> {
    let stores: BTreeSet<String> = orders
        .iter()
        .filter(|o| !cat.stores.contains_key(&o.store_id))
        .map(|o| o.store_id.clone())
        .collect();
    if !stores.is_empty() {
        let stores: Vec<String> = stores.into_iter().collect();
        let found = r.named(t, Named::Store, &stores).await?;
        let codes: Vec<String> = found.iter().map(|s| s.code.clone()).collect();
        let group = rule.scope.store_group.as_ref();
        learn_groups(r, t, group, &codes, &mut cat.store_groups).await?;
        for s in found {
            cat.stores.insert(s.id.clone(), s);
        }
    }
    let methods: BTreeSet<String> = payments
        .iter()
        .filter(|p| !cat.methods.contains_key(&p.method_code))
        .map(|p| p.method_code.clone())
        .collect();
    if !methods.is_empty() {
        let methods: Vec<String> = methods.into_iter().collect();
        for m in r.payment_methods_by_codes(t, &methods).await? {
            cat.methods.insert(m.code, m.earns_points);
        }
        for m in methods {
            cat.methods.entry(m).or_insert(false);
        }
    }
    if !rule.scope.names_products() {
        return Ok(());
    }
    let codes: BTreeSet<String> = lines
        .iter()
        .filter(|l| {
            !cat.products.contains_key(&l.product_code)
                && !cat.unknown_products.contains(&l.product_code)
        })
        .map(|l| l.product_code.clone())
        .collect();
    if codes.is_empty() {
        return Ok(());
    }
    let codes: Vec<String> = codes.into_iter().collect();
    let found = r.products_by_codes(t, &codes).await?;
    let known: Vec<String> = found.iter().map(|p| p.code.clone()).collect();
    let group = rule.scope.product_group.as_ref();
    learn_groups(r, t, group, &known, &mut cat.product_groups).await?;
    let chains = !rule.scope.categories.is_empty();
    if chains {
        let wanted: Vec<String> = found
            .iter()
            .filter_map(|p| p.category_code.clone())
            .collect();
        parents(r, t, wanted, cat).await?;
    }
    for code in codes {
        match found.iter().find(|p| p.code == code) {
            Some(p) => {
                let chain = match (&p.category_code, chains) {
                    (Some(c), true) => chain_of(c, &cat.parents),
                    _ => Vec::new(),
                };
                cat.products.insert(code, chain);
            }
            None => {
                cat.unknown_products.insert(code);
            }
        }
    }
    Ok(())
}

/// Learns the parents of `codes` and of their ancestors, a level per statement (three levels).
async fn parents(
    r: &mut dyn Reads,
    t: TenantId,
    mut codes: Vec<String>,
    cat: &mut Catalogue,
) -> AppResult<()> {
    for _ in 0..4 {
        codes.retain(|c| !cat.parents.contains_key(c));
        codes.sort();
        codes.dedup();
        if codes.is_empty() {
            break;
        }
        let found = r.categories_by_codes(t, &codes).await?;
        let mut next = Vec::new();
        for code in &codes {
            let parent = found
                .iter()
                .find(|c| c.code == *code)
                .and_then(|c| c.parent_code.clone());
            if let Some(p) = &parent {
                next.push(p.clone());
            }
            cat.parents.insert(code.clone(), parent);
        }
        codes = next;
    }
    Ok(())
}

/// A category and the categories above it, as order intake builds it (three levels at most).
fn chain_of(code: &str, parents: &HashMap<String, Option<String>>) -> Vec<String> {
    let mut chain = vec![code.to_string()];
    let mut next = code.to_string();
    for _ in 0..3 {
        match parents.get(&next).cloned().flatten() {
            Some(parent) if !chain.contains(&parent) => {
                chain.push(parent.clone());
                next = parent;
            }
            _ => break,
        }
    }
    chain
}

/// The totals with stores and cost centers named.
async fn result(
    r: &mut dyn Reads,
    t: TenantId,
    rule: StoredPointRule,
    days: i64,
    (from_ms, to_ms): (i64, i64),
    tally: Tally,
    cat: &Catalogue,
) -> AppResult<RuleSimulation> {
    let centers = match ProgramId::parse(&rule.program_id) {
        Some(p) => r.cost_centers_of(t, p).await?,
        None => Vec::new(),
    };
    let mut stores: Vec<StoreRow> = tally
        .stores
        .into_iter()
        .map(|(id, s)| {
            let named = cat.stores.get(&id);
            StoreRow {
                code: named.map_or_else(|| id.clone(), |n| n.code.clone()),
                name: named.map(|n| n.name.clone()).unwrap_or_default(),
                store_id: id,
                orders: s.orders,
                fired_orders: s.fired_orders,
                current_points: s.current_points,
                draft_points: s.draft_points,
            }
        })
        .collect();
    stores.sort_by(|a, b| a.code.cmp(&b.code));
    let mut cost_centers: Vec<CenterRow> = tally
        .centers
        .into_iter()
        .map(|(id, c)| {
            let named = id
                .as_ref()
                .and_then(|id| centers.iter().find(|x| x.id.to_string() == *id));
            CenterRow {
                code: named.map_or_else(|| id.clone().unwrap_or_default(), |n| n.code.clone()),
                name: named.map(|n| n.name.clone()).unwrap_or_default(),
                cost_center_id: id,
                current_points: c.current_points,
                draft_points: c.draft_points,
            }
        })
        .collect();
    cost_centers.sort_by(|a, b| {
        (a.cost_center_id.is_none(), &a.code).cmp(&(b.cost_center_id.is_none(), &b.code))
    });
    Ok(RuleSimulation {
        rule,
        days,
        from_ms,
        to_ms,
        orders: tally.orders,
        fired_orders: tally.fired_orders,
        draft_points: tally.draft_points,
        current_points: tally.current_points,
        stores,
        cost_centers,
    })
}
