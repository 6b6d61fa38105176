//! Transaction points (§10.1): every enabled rule of the member's program whose scope matches
//! gives each line `⌊amount counted for points × rate⌋` (or per unit), one record per line and
//! rule, in the rule's point group, expiring per the rule's validity counted from the order's
//! time. Only the part paid by earning payment methods earns.

use super::model::StoredOrder;
use super::resolve::Prepared;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::members::model::{MemberAccount, PointAccount};
use crate::points::ledger;
use crate::points::model::PointRecord;
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::loyalty::tier::expiry_ms;
use patron_domain::orders::earning::{earning_amount, earning_share};
use patron_domain::points::rule::{
    order_points, Earned as RuleEarned, Line, OrderFacts, PointRule,
};
use patron_domain::points::{Ledger, Operation, Posting};
use std::collections::{BTreeMap, HashMap};

/// What an order earned: all points, those counted towards tiers, and the records written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Earned {
    pub total: i64,
    pub upgradeable: i64,
    pub records: Vec<crate::points::model::PointRecord>,
}

/// An order line as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct LineFacts<'a> {
    pub product_code: &'a str,
    pub quantity: i64,
    pub points_amount_fen: i64,
}

/// What master data says about an order's products and payment methods.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a> {
    /// Payment method code → whether it earns points (a method not listed does not).
    pub earning_methods: &'a HashMap<String, bool>,
    /// Known products: code → the product's category and the categories above it.
    pub products: &'a HashMap<String, Vec<String>>,
    /// The store groups (of those the rules name) holding the order's store.
    pub store_groups: &'a [String],
    /// Known product code → the product groups (of those the rules name) holding it.
    pub product_groups: &'a HashMap<String, Vec<String>>,
}

/// The (line, rule) firings of `rules` for an order at the store with code `store`, paid by
/// `payments` (method code, fen), for a member in `tier`. Accepting an order and simulating a
/// rule over past orders both come here, so they cannot disagree.
pub fn rule_firings(
    rules: &[PointRule<String>],
    store: &str,
    tier: &str,
    payments: &[(&str, i64)],
    lines: &[LineFacts<'_>],
    known: Known<'_>,
) -> Vec<RuleEarned<String>> {
    let share = earning_share(
        &payments
            .iter()
            .map(|(method, fen)| {
                (
                    *fen,
                    known.earning_methods.get(*method).copied().unwrap_or(false),
                )
            })
            .collect::<Vec<_>>(),
    );
    let facts = OrderFacts {
        store: store.to_string(),
        store_groups: known.store_groups.to_vec(),
        tier: tier.to_string(),
        payment_methods: payments.iter().map(|(m, _)| (*m).to_string()).collect(),
    };
    let lines: Vec<Line> = lines
        .iter()
        .map(|l| Line {
            product: known
                .products
                .contains_key(l.product_code)
                .then(|| l.product_code.to_string()),
            categories: known
                .products
                .get(l.product_code)
                .cloned()
                .unwrap_or_default(),
            groups: known
                .product_groups
                .get(l.product_code)
                .cloned()
                .unwrap_or_default(),
            quantity: l.quantity,
            points_amount_fen: earning_amount(l.points_amount_fen, share),
        })
        .collect();
    order_points(rules, &facts, &lines)
}

/// The (line, rule) firings of an order for a member in `tier`; nothing is written.
pub fn firings(p: &Prepared, tier: &str) -> Vec<RuleEarned<String>> {
    let o = &p.order;
    let payments: Vec<(&str, i64)> = o
        .payments
        .iter()
        .map(|x| (x.method.as_str(), x.paid_fen))
        .collect();
    let lines: Vec<LineFacts<'_>> = o
        .lines
        .iter()
        .map(|l| LineFacts {
            product_code: &l.product_code,
            quantity: l.quantity,
            points_amount_fen: l.points_amount_fen,
        })
        .collect();
    let known = Known {
        earning_methods: &p.earning_methods,
        products: &p.products,
        store_groups: &p.store_groups,
        product_groups: &p.product_groups,
    };
    rule_firings(
        &p.rules.point_rules,
        &p.store.code,
        tier,
        &payments,
        &lines,
        known,
    )
}

/// An order's firings by point group, in the order the groups' accounts are taken.
pub fn by_group(fired: Vec<RuleEarned<String>>) -> BTreeMap<String, Vec<RuleEarned<String>>> {
    let mut out: BTreeMap<String, Vec<RuleEarned<String>>> = BTreeMap::new();
    for e in fired {
        out.entry(e.point_group.clone()).or_default().push(e);
    }
    out
}

/// The postings of one point group's firings on `book`, the ledger of the member's `account` in
/// that group; adds their points to `out`'s totals (`counted`: the group whose upgradeable
/// points the retention counter holds).
#[allow(clippy::too_many_arguments)]
pub fn postings(
    ctx: &Ctx,
    p: &Prepared,
    order: &StoredOrder,
    account: &PointAccount,
    book: &mut Ledger<String>,
    fired: Vec<RuleEarned<String>>,
    counted: Option<&str>,
    out: &mut Earned,
) -> Vec<(Posting<String>, PointRecord)> {
    let mut postings = Vec::with_capacity(fired.len());
    for e in fired {
        let rule = p.rules.point_rules.iter().find(|r| r.id == e.rule);
        let expires_at_ms = rule.and_then(|r| expiry_ms(order.ordered_at_ms, &r.validity, p.tz));
        let posting = book.earn(
            new_uuid().to_string(),
            Operation::Transaction,
            e.points,
            expires_at_ms,
            ctx.now_ms,
        );
        let mut record = ledger::new_record(ctx, account, None);
        record.effective_at_ms = order.ordered_at_ms;
        record.expires_at_ms = expires_at_ms;
        record.counts_for_upgrade = e.counts_for_upgrade;
        record.source_channel = Some(order.channel.code().to_string());
        record.point_rule_id = Some(e.rule.clone());
        record.cost_center_id = e.cost_center.clone();
        record.order_id = Some(order.id.clone());
        record.order_line_id = Some(p.order.lines[e.line].line_no.to_string());
        out.total += e.points;
        if e.counts_for_upgrade && counted.is_none_or(|g| g == account.point_group_id) {
            out.upgradeable += e.points;
        }
        postings.push((posting, record));
    }
    postings
}

/// Posts the order's transaction points to the member's accounts, one account after another in
/// a fixed order (so concurrent orders cannot deadlock); `tier` is the member's active tier.
pub async fn transaction_points(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    p: &Prepared,
    member: &MemberAccount,
    tier: &str,
    order: &StoredOrder,
) -> AppResult<Earned> {
    let t = member.tenant_id;
    let counted = crate::tiers::upgrade::counted_group(&p.rules);
    let mut out = Earned::default();
    for (group, fired) in by_group(firings(p, tier)) {
        let (account, mut book) =
            ledger::open_to_earn(tx, t, member.id, &group, ctx.now_ms).await?;
        let postings = postings(
            ctx,
            p,
            order,
            &account,
            &mut book,
            fired,
            counted.as_deref(),
            &mut out,
        );
        out.records
            .extend(ledger::write_all(tx, &book, postings, ctx.now_ms).await?);
    }
    out.records.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}
