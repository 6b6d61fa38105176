//! Normal member orders accepted together, in one transaction with a few statements for all of
//! them: each order earns exactly what [`accept::accept`] would give it alone, but the orders'
//! rows, their documents, the members' purchase times, the point accounts, the records and the
//! last writes are read and written many at once (ADR 0018).
//!
//! Only what `accept` does for an order that needs nothing of another order is done here: an
//! [`eligible`] order (normal, of a member, not paid with points), each of a different member
//! and external number than the others of its batch. The caller runs the rest alone. Coupons
//! are checked before anything is written: an order a coupon is refused for is left out, to be
//! refused alone with the same reason; the others' coupons are used one order after another.
//! The upgrade check reads the members' window sums after the batch's records are written, as
//! it does after a single order's, and decides with the same code.

use super::accept::{
    completion_events, coupon_draft, documents, existing, header, opens_history, Accepted,
};
use super::earn::{by_group, firings, postings, Earned};
use super::model::{OutboxEvent, StoredDiscount, StoredLine, StoredOrder, StoredPayment};
use super::resolve::Prepared;
use crate::context::Ctx;
use crate::coupons::redeem::{evaluate_known, use_all, Known, Outcome};
use crate::error::{AppError, AppResult};
use crate::members::model::{MemberAccount, PointAccount, TierRecord};
use crate::points::ledger;
use crate::points::model::PointRecord;
use crate::ports::{RetentionCounters, Tx};
use crate::tiers::upgrade::{decide, window_from, windows, WindowSums};
use patron_domain::ids::MemberId;
use patron_domain::member::MemberStatus;
use patron_domain::orders::Direction;
use patron_domain::points::Debt;
use patron_domain::rbac::Permission;
use std::collections::{HashMap, HashSet};

/// Whether an order may be accepted together with others: a normal order of a member that does
/// not pay with points (spending reads and changes the member's ledger before the order earns,
/// and is refused for reasons of its own).
pub fn eligible(p: &Prepared) -> bool {
    p.order.direction == Direction::Normal && p.member.is_some() && p.order.points_used.is_none()
}

/// The key no two orders of a batch may share besides their member: (channel, external no).
pub fn external_key(p: &Prepared) -> (String, String) {
    (
        p.order.channel.code().to_string(),
        p.order.external_no.clone(),
    )
}

/// What one new order of the batch earned, before the upgrade check.
struct Earning {
    job: usize,
    member: MemberAccount,
    earned: Earned,
}

/// Accepts `jobs` in `tx`: one tenant's [`eligible`] orders, no two of the same member or
/// [`external_key`]. Answers in the jobs' order; `None` for an order left out because a coupon
/// is refused (the caller accepts it alone, which refuses it). An order the tenant already has
/// is answered as a repeat; any other failure fails the whole batch (the caller runs each order
/// alone then).
pub async fn accept_together(
    tx: &mut dyn Tx,
    jobs: &[(Ctx, Prepared)],
) -> AppResult<Vec<Option<Accepted>>> {
    let Some((first, _)) = jobs.first() else {
        return Ok(Vec::new());
    };
    let t = first.principal.tenant()?;
    for (ctx, p) in jobs {
        ctx.principal.require(Permission::OrdersWrite)?;
        if ctx.principal.tenant()? != t || !eligible(p) {
            return Err(AppError::Store(
                "an order does not belong in this batch".into(),
            ));
        }
    }
    // Coupons first, reading only: the batch's coupons in one statement, each rule once. A
    // repeated order's coupons are checked too, and it is left out if they no longer apply:
    // alone, it is answered as the repeat it is.
    let codes: Vec<String> = jobs
        .iter()
        .flat_map(|(_, p)| p.order.coupons.iter().cloned())
        .collect();
    let mut known = Known::read(&mut *tx, t, &codes).await?;
    let mut coupons: HashMap<usize, Vec<Outcome>> = HashMap::new();
    for (i, (_, p)) in jobs.iter().enumerate() {
        if let (false, Some(m)) = (p.order.coupons.is_empty(), &p.member) {
            let customer = m.customer_id.to_string();
            let draft = coupon_draft(p, &customer);
            let outcomes =
                evaluate_known(&mut *tx, t, &draft, &p.order.coupons, &mut known).await?;
            coupons.insert(i, outcomes);
        }
    }
    let left_out: HashSet<usize> = coupons
        .iter()
        .filter(|(_, o)| o.iter().any(|x| x.result.is_err()))
        .map(|(i, _)| *i)
        .collect();
    let mut orders: Vec<StoredOrder> = jobs
        .iter()
        .map(|(ctx, p)| header(ctx, t, p, &p.order, None))
        .collect();
    let candidates: Vec<StoredOrder> = (0..jobs.len())
        .filter(|i| !left_out.contains(i))
        .map(|i| orders[i].clone())
        .collect();
    let inserted: HashSet<String> = tx
        .insert_new_orders(&candidates)
        .await?
        .into_iter()
        .collect();
    let new: Vec<usize> = (0..jobs.len())
        .filter(|i| inserted.contains(&orders[*i].id))
        .collect();

    let (mut lines, mut payments, mut discounts): (
        Vec<StoredLine>,
        Vec<StoredPayment>,
        Vec<StoredDiscount>,
    ) = Default::default();
    for &i in &new {
        let (l, pay, d) = documents(&jobs[i].1, &orders[i], &jobs[i].1.order);
        lines.extend(l);
        payments.extend(pay);
        discounts.extend(d);
    }
    tx.insert_order_documents(&lines, &payments, &discounts)
        .await?;

    // The members' rows first, in one order for every batch, as a single order takes its
    // member's row before anything of the member's.
    let member_of = |i: usize| jobs[i].1.member.as_ref().map(|m| m.id);
    let mut purchases: Vec<(MemberId, i64)> = new
        .iter()
        .filter_map(|&i| member_of(i).map(|m| (m, jobs[i].1.order.ordered_at_ms)))
        .collect();
    purchases.sort_by_key(|(m, _)| m.to_string());
    let members: HashMap<MemberId, MemberAccount> = tx
        .record_purchases(t, &purchases)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    if members.len() != purchases.len() {
        return Err(AppError::NotFound("member"));
    }
    // The coupons, after the members' rows as for a single order; one used meanwhile by an
    // order outside the batch fails the batch.
    for &i in &new {
        if let Some(outcomes) = coupons.remove(&i) {
            let (ctx, p) = &jobs[i];
            let first = opens_history(p);
            use_all(tx, ctx, outcomes, &orders[i].id, p.order.paid_fen, first).await?;
        }
    }
    let earning: Vec<MemberId> = purchases
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| members[m].status == MemberStatus::Normal)
        .collect();
    let tiers: HashMap<MemberId, TierRecord> = tx
        .active_tier_records_in(t, &earning)
        .await?
        .into_iter()
        .map(|r| (r.member_id, r))
        .collect();
    let accounts: HashMap<(MemberId, String), PointAccount> = tx
        .lock_point_accounts_of(t, &earning)
        .await?
        .into_iter()
        .map(|a| ((a.member_id, a.point_group_id.clone()), a))
        .collect();
    let account_ids: Vec<String> = accounts.values().map(|a| a.id.clone()).collect();
    let mut debts: HashMap<String, Vec<Debt<String>>> = HashMap::new();
    for r in tx.open_debts_in(t, &account_ids).await? {
        debts
            .entry(r.account_id.clone())
            .or_default()
            .push(ledger::debt(r));
    }

    // Each order on its member's ledgers, exactly as `earn::transaction_points` posts it.
    let mut bulk = ledger::Bulk::default();
    let mut earnings = Vec::new();
    for &i in &new {
        let (ctx, p) = &jobs[i];
        let Some(member) = member_of(i).and_then(|m| members.get(&m)) else {
            continue;
        };
        if member.status != MemberStatus::Normal {
            continue;
        }
        let tier = tiers.get(&member.id).map(|r| r.tier_id.as_str());
        let counted = crate::tiers::upgrade::counted_group(&p.rules);
        let mut earned = Earned::default();
        for (group, fired) in by_group(firings(p, tier.unwrap_or_default())) {
            // A point group added after the member joined has no account yet: the order alone
            // opens it.
            let account = accounts.get(&(member.id, group.clone())).ok_or_else(|| {
                AppError::Store(format!("no account in point group '{group}' yet"))
            })?;
            let mut book = ledger::book(
                account,
                Vec::new(),
                debts.remove(&account.id).unwrap_or_default(),
            );
            let posted = postings(
                ctx,
                p,
                &orders[i],
                account,
                &mut book,
                fired,
                counted.as_deref(),
                &mut earned,
            );
            let c = ledger::collect(&book, &posted, ctx.now_ms);
            earned.records.extend(c.records.iter().cloned());
            bulk.add(&account.id, c, book.balances);
        }
        earned.records.sort_by(|a, b| a.id.cmp(&b.id));
        orders[i].points_change = earned.total;
        earnings.push(Earning {
            job: i,
            member: member.clone(),
            earned,
        });
    }
    let now_ms = jobs
        .iter()
        .map(|(ctx, _)| ctx.now_ms)
        .max()
        .unwrap_or_default();
    bulk.write(tx, t, now_ms).await?;

    // The upgrade check reads the window sums with the orders' records written, as it does
    // after a single order: every member's sums in two statements, then the same decision.
    let mut point_windows = Vec::new();
    let mut order_windows = Vec::new();
    let mut keys = Vec::with_capacity(earnings.len());
    for e in &earnings {
        let p = &jobs[e.job].1;
        let at = p.order.ordered_at_ms;
        let (points, orders) = windows(&p.rules);
        for (group, days) in &points {
            point_windows.push((e.member.id, group.clone(), window_from(at, *days), at));
        }
        for days in &orders {
            order_windows.push((e.member.id, window_from(at, *days), at));
        }
        keys.push((points, orders));
    }
    let mut point_sums = tx
        .upgradeable_points_many(t, &point_windows)
        .await?
        .into_iter();
    let mut order_sums = tx
        .spend_and_purchases_many(t, &order_windows)
        .await?
        .into_iter();
    let short = || AppError::Store("fewer window sums than windows".into());
    let mut tier_changes: HashMap<usize, TierRecord> = HashMap::new();
    let mut retention = Vec::with_capacity(earnings.len());
    let mut records_of: HashMap<usize, Vec<PointRecord>> = HashMap::new();
    for (e, (points, orders)) in earnings.into_iter().zip(keys) {
        let (ctx, p) = &jobs[e.job];
        let mut sums = WindowSums::default();
        for key in points {
            sums.points
                .insert(key, point_sums.next().ok_or_else(short)?);
        }
        for days in orders {
            sums.orders
                .insert(days, order_sums.next().ok_or_else(short)?);
        }
        let add = RetentionCounters {
            points: e.earned.upgradeable,
            spend_fen: p.order.paid_fen,
            purchases: 1,
        };
        let (counters, change) = decide(
            &e.member,
            tiers.get(&e.member.id),
            &p.rules,
            &sums,
            p.order.ordered_at_ms,
            ctx.now_ms,
            add,
            p.tz,
        );
        if let Some(r) = change {
            tx.deactivate_tier_records(t, e.member.id).await?;
            tx.insert_tier_record(&r).await?;
            tier_changes.insert(e.job, r);
        }
        retention.push((e.member.id, counters, ctx.now_ms));
        records_of.insert(e.job, e.earned.records);
    }
    let points_changes: Vec<(String, i64)> = new
        .iter()
        .filter(|&&i| orders[i].points_change != 0)
        .map(|&i| (orders[i].id.clone(), orders[i].points_change))
        .collect();
    let events: Vec<OutboxEvent> = new
        .iter()
        .flat_map(|&i| completion_events(&orders[i], tier_changes.get(&i)))
        .collect();
    tx.finish_orders(t, &points_changes, &retention, &events)
        .await?;

    let mut out = Vec::with_capacity(jobs.len());
    for (i, order) in orders.into_iter().enumerate() {
        if left_out.contains(&i) {
            out.push(None);
        } else if inserted.contains(&order.id) {
            out.push(Some(Accepted {
                order,
                replayed: false,
                tier_change: tier_changes.remove(&i),
                point_records: Some(records_of.remove(&i).unwrap_or_default()),
            }));
        } else {
            out.push(Some(Accepted {
                order: existing(tx, t, &jobs[i].1.order).await?,
                replayed: true,
                tier_change: None,
                point_records: None,
            }));
        }
    }
    Ok(out)
}
