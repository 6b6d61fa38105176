//! Refunds (§9.5, §10.6): a refund is its own order, direction refund, naming its original. It
//! returns lines fully or by quantity, never more than remains (refunds of one order are taken
//! one at a time under the original's lock). The points the original earned are reversed by
//! backtracking its own records, in proportion to the units returned; a reversal larger than
//! what is left of the account becomes a visible debt. The retention counters shrink and no
//! tier check runs (§7.4 R-1).

use super::accept::{event, existing, header, write_documents, Accepted};
use super::resolve::Prepared;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::points::ledger;
use crate::points::model::PointRecord;
use crate::ports::{RetentionCounters, Tx};
use crate::secrets::new_uuid;
use patron_domain::orders::refund::{measure, part, OriginalLine, Taken};
use patron_domain::orders::Direction;
use patron_domain::points::Operation;
use patron_domain::rbac::Permission;
use patron_domain::ValidationError;
use std::collections::BTreeMap;

fn unknown_original(no: &str) -> AppError {
    ValidationError::new(
        "original_order_no",
        "unknown_original_order",
        format!("no order '{no}' in this channel to refund"),
    )
    .into()
}

pub async fn refund(tx: &mut dyn Tx, ctx: &Ctx, mut p: Prepared) -> AppResult<Accepted> {
    ctx.principal.require(Permission::OrdersWrite)?;
    let t = ctx.principal.tenant()?;
    debug_assert_eq!(p.order.direction, Direction::Refund);
    let original_no = p.order.original_order_no.clone().unwrap_or_default();
    let original = tx
        .order_by_external(t, p.order.channel, &original_no)
        .await?
        .ok_or_else(|| unknown_original(&original_no))?;
    if original.direction != Direction::Normal {
        return Err(ValidationError::new(
            "original_order_no",
            "original_is_refund",
            "a refund cannot be refunded",
        )
        .into());
    }
    // Refunds of one order queue here, so each measures what the previous left.
    tx.lock_order(t, &original.id).await?;
    if tx
        .order_by_external(t, p.order.channel, &p.order.external_no)
        .await?
        .is_some()
    {
        return Ok(Accepted {
            order: existing(tx, t, &p.order).await?,
            replayed: true,
            tier_change: None,
            point_records: None,
        });
    }
    let stored_lines = tx.order_lines(t, &original.id).await?;
    let originals: Vec<OriginalLine> = stored_lines
        .iter()
        .map(|l| OriginalLine {
            line_no: l.line_no,
            product_code: l.product_code.clone(),
            product_title: l.product_title.clone(),
            quantity: l.quantity,
            unit_price_fen: l.unit_price_fen,
            net_fen: l.net_fen,
            points_amount_fen: l.points_amount_fen,
            refunded_quantity: l.refunded_quantity,
            refunded_fen: l.refunded_fen,
        })
        .collect();
    let taken = measure(&originals, &p.order.lines, &p.order.amounts_given)?;
    let lines_fen: i64 = taken.iter().map(|x| x.line.net_fen).sum();
    let o = &mut p.order;
    o.lines = taken.iter().map(|x| x.line.clone()).collect();
    o.amounts_given = vec![true; o.lines.len()];
    // Header amounts not given follow the lines returned.
    for amount in [&mut o.total_fen, &mut o.receivable_fen, &mut o.paid_fen] {
        if *amount == 0 {
            *amount = lines_fen;
        }
    }
    // The refund belongs to the original's member, whatever identity it carried.
    p.member = match original.member_id {
        Some(m) => {
            // Its counters are read here and written back below.
            tx.lock_member(t, m).await?;
            tx.member(t, m).await?
        }
        None => None,
    };
    p.identity = match p.member {
        Some(_) => None,
        None => original
            .identity_kind
            .clone()
            .zip(original.identity_value.clone()),
    };
    let mut order = header(ctx, t, &p, &p.order, Some(original.id.clone()));
    if !tx.insert_order(&order).await? {
        return Ok(Accepted {
            order: existing(tx, t, &p.order).await?,
            replayed: true,
            tier_change: None,
            point_records: None,
        });
    }
    write_documents(tx, &p, &order, &p.order).await?;
    let mut fully = true;
    for l in &stored_lines {
        let now = taken
            .iter()
            .filter(|x| x.original_line_no == l.line_no)
            .map(|x| (x.quantity, x.line.net_fen))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        if now.0 > 0 || now.1 > 0 {
            tx.add_refunded(t, &original.id, l.line_no, now.0, now.1)
                .await?;
        }
        fully &= l.refunded_quantity + now.0 >= l.quantity;
    }
    tx.set_refund_status(t, &original.id, if fully { "full" } else { "partial" })
        .await?;
    if fully {
        crate::coupons::redeem::give_back(tx, ctx, &original.id, p.tz).await?;
    }

    if let Some(member) = p.member.clone() {
        p.rules = super::resolve::program_rules(&mut *tx, t, &member.program_id).await?;
        let earned = tx.order_point_records(t, &original.id).await?;
        let reversed = reverse_points(tx, ctx, &p, &order, &earned, &taken, &stored_lines).await?;
        let units =
            |f: fn(&super::model::StoredLine) -> i64| stored_lines.iter().map(f).sum::<i64>();
        super::points_used::give_back(
            tx,
            ctx,
            &order,
            &earned,
            units(|l| l.refunded_quantity),
            taken.iter().map(|x| x.quantity).sum(),
            units(|l| l.quantity),
            p.tz,
        )
        .await?;
        order.points_change = -reversed.total;
        if reversed.total != 0 {
            tx.set_points_change(t, &order.id, order.points_change)
                .await?;
        }
        let counters = RetentionCounters {
            points: member.retention_points,
            spend_fen: member.retention_spend_fen,
            purchases: member.retention_purchase_count,
        }
        .less(RetentionCounters {
            points: reversed.upgradeable,
            spend_fen: p.order.paid_fen,
            purchases: i64::from(fully && original.refund_status != "full"),
        });
        tx.set_retention(t, member.id, counters, ctx.now_ms).await?;
    }
    tx.insert_outbox(&[event(
        &order,
        "order.refunded",
        serde_json::json!({
            "original_order_id": original.id,
            "member_id": order.member_id.map(|m| m.to_string()),
            "paid_fen": order.paid_fen,
            "points": order.points_change,
        }),
    )])
    .await?;
    Ok(Accepted {
        order,
        replayed: false,
        tier_change: None,
        point_records: None,
    })
}

#[derive(Debug, Default)]
struct Reversed {
    total: i64,
    upgradeable: i64,
}

/// Reverses, per original transaction record of each returned line, its share of the units
/// returned: taken from that record first, then FIFO, the rest as debt.
async fn reverse_points(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    p: &Prepared,
    refund: &super::model::StoredOrder,
    earned: &[PointRecord],
    taken: &[Taken],
    lines: &[super::model::StoredLine],
) -> AppResult<Reversed> {
    let t = refund.tenant_id;
    let counted = crate::tiers::upgrade::counted_group(&p.rules);
    // Per point group: (source record, points, refund line no).
    let mut by_group: BTreeMap<String, Vec<(&PointRecord, i64, i64)>> = BTreeMap::new();
    for (k, x) in taken.iter().enumerate() {
        let total_units = lines
            .iter()
            .find(|l| l.line_no == x.original_line_no)
            .map_or(0, |l| l.quantity);
        let line_id = x.original_line_no.to_string();
        for rec in earned.iter().filter(|r| {
            r.operation == Operation::Transaction && r.order_line_id.as_deref() == Some(&line_id)
        }) {
            let points = part(rec.change, x.before, x.quantity, total_units);
            if points > 0 {
                by_group
                    .entry(rec.point_group_id.clone())
                    .or_default()
                    .push((rec, points, i64::try_from(k).unwrap_or(0) + 1));
            }
        }
    }
    let mut out = Reversed::default();
    for (group, items) in by_group {
        let member = items[0].0.member_id;
        let (account, mut book) = ledger::open(tx, t, member, &group, ctx.now_ms).await?;
        let mut postings = Vec::with_capacity(items.len());
        for (rec, points, line_no) in items {
            let posting = book.reverse(
                new_uuid().to_string(),
                points,
                std::slice::from_ref(&rec.id),
                refund.ordered_at_ms,
            );
            let mut record = ledger::new_record(ctx, &account, None);
            record.effective_at_ms = refund.ordered_at_ms;
            record.counts_for_upgrade = rec.counts_for_upgrade;
            record.source_channel = Some(refund.channel.code().to_string());
            record.point_rule_id = rec.point_rule_id.clone();
            record.cost_center_id = rec.cost_center_id.clone();
            record.order_id = Some(refund.id.clone());
            record.order_line_id = Some(line_no.to_string());
            out.total += points;
            if rec.counts_for_upgrade && counted.as_ref().is_none_or(|g| *g == group) {
                out.upgradeable += points;
            }
            postings.push((posting, record));
        }
        ledger::write_all(tx, &book, postings, ctx.now_ms).await?;
    }
    Ok(out)
}
