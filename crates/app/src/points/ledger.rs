//! Opening an account's ledger inside a transaction, and writing a posting; the steps every
//! points use case shares.

use super::model::{PointRecord, PointRelation};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::members::model::PointAccount;
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::ids::{MemberId, PointGroupId, TenantId};
use patron_domain::member::MemberStatus;
use patron_domain::points::{
    Balances, Debt, Direction, Earning, Ledger, Operation, Posting, Shortfall,
};
use patron_domain::ValidationError;

/// The member's account in `point_group`, taken for this transaction, with its balances, open
/// earnings and debts. A point group of another program is refused, naming the field.
pub async fn open(
    tx: &mut dyn Tx,
    t: TenantId,
    member: MemberId,
    point_group: &str,
    now_ms: i64,
) -> AppResult<(PointAccount, Ledger<String>)> {
    let account = lock(tx, t, member, point_group, now_ms).await?;
    // Read under the lock, so no concurrent posting is missed.
    let mut earnings = tx.open_earnings(t, &account.id).await?;
    // FIFO breaks ties of expiry and creation time by the order the records were written in
    // (their ids are time-ordered), never by the order the database returns rows in:
    // PostgreSQL returns a record it has just updated after its untouched peers, so the same
    // history would otherwise spend from other records, and later expire other amounts, there.
    // (The FIFO sort is stable, so this order decides among equal keys.)
    earnings.sort_by(|a, b| (a.created_at_ms, &a.id).cmp(&(b.created_at_ms, &b.id)));
    let debts = tx.open_debts(t, &account.id).await?;
    let ledger = book(
        &account,
        earnings.into_iter().map(earning).collect(),
        debts.into_iter().map(debt).collect(),
    );
    Ok((account, ledger))
}

/// [`open`] for postings that only earn: an earning repays debts but takes from no earlier
/// record, so the open earnings (all of a long-standing member's unspent records) are not read.
/// The ledger it gives must not be used to spend, reverse or expire.
pub async fn open_to_earn(
    tx: &mut dyn Tx,
    t: TenantId,
    member: MemberId,
    point_group: &str,
    now_ms: i64,
) -> AppResult<(PointAccount, Ledger<String>)> {
    let account = lock(tx, t, member, point_group, now_ms).await?;
    let debts = tx.open_debts(t, &account.id).await?;
    let ledger = book(&account, Vec::new(), debts.into_iter().map(debt).collect());
    Ok((account, ledger))
}

fn no_account(point_group: &str) -> AppError {
    ValidationError::new(
        "point_group",
        "unknown_point_group",
        format!("the member has no account in point group '{point_group}'"),
    )
    .into()
}

/// Takes the account for this transaction and reads it under the lock. A point group added to
/// the member's program after they joined has no account yet: it opens, empty, at the group's
/// first posting (no backfill over every member when a group is added). A group of another
/// program is refused.
async fn lock(
    tx: &mut dyn Tx,
    t: TenantId,
    member: MemberId,
    point_group: &str,
    now_ms: i64,
) -> AppResult<PointAccount> {
    if let Some(account) = tx.lock_point_account(t, member, point_group).await? {
        return Ok(account);
    }
    let m = tx
        .member(t, member)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    let group = match PointGroupId::parse(point_group) {
        Some(id) => tx.point_group(t, id).await?,
        None => None,
    };
    if group.is_none_or(|g| g.program_id.to_string() != m.program_id) {
        return Err(no_account(point_group));
    }
    tx.open_point_account(&PointAccount {
        tenant_id: t,
        id: new_uuid().to_string(),
        member_id: member,
        customer_id: m.customer_id,
        point_group_id: point_group.to_string(),
        accumulated: 0,
        available: 0,
        expired: 0,
        created_at_ms: now_ms,
        updated_at_ms: now_ms,
    })
    .await?;
    tx.lock_point_account(t, member, point_group)
        .await?
        .ok_or_else(|| no_account(point_group))
}

/// An increase record with points remaining, as the ledger sees it.
pub fn earning(r: PointRecord) -> Earning<String> {
    Earning {
        remaining: r.remaining.unwrap_or(0),
        expires_at_ms: r.expires_at_ms,
        created_at_ms: r.created_at_ms,
        id: r.id,
    }
}

/// A decrease record with debt left, as the ledger sees it.
pub fn debt(r: PointRecord) -> Debt<String> {
    Debt {
        points: r.debt,
        record: r.id,
    }
}

/// The ledger of `account` from its stored balances, its open earnings and its debts.
pub fn book(
    account: &PointAccount,
    earnings: Vec<Earning<String>>,
    debts: Vec<Debt<String>>,
) -> Ledger<String> {
    Ledger {
        balances: Balances {
            accumulated: account.accumulated,
            available: account.available,
            expired: account.expired,
        },
        earnings,
        debts,
    }
}

/// Refuses to move a frozen or cancelled member's points.
pub fn require_active(status: MemberStatus) -> AppResult<()> {
    if status != MemberStatus::Normal {
        return Err(AppError::conflict(
            "member_not_active",
            None,
            format!("the member is {}; points cannot move", status.as_str()),
        ));
    }
    Ok(())
}

/// A deduction the balance cannot cover.
pub fn insufficient(s: Shortfall) -> AppError {
    AppError::conflict(
        "insufficient_points",
        Some("points"),
        format!("only {} points are available", s.available),
    )
}

/// A record of `account` made by the caller now, with only its links to fill in; [`write`]
/// sets the operation, change, remaining and debt from the posting.
pub fn new_record(ctx: &Ctx, account: &PointAccount, reason: Option<String>) -> PointRecord {
    PointRecord {
        tenant_id: account.tenant_id,
        id: String::new(),
        account_id: account.id.clone(),
        member_id: account.member_id,
        customer_id: account.customer_id,
        point_group_id: account.point_group_id.clone(),
        operation: Operation::ManualIncrease,
        change: 0,
        remaining: None,
        debt: 0,
        effective_at_ms: ctx.now_ms,
        expires_at_ms: None,
        counts_for_upgrade: false,
        source_channel: None,
        point_rule_id: None,
        cost_center_id: None,
        order_id: None,
        order_line_id: None,
        reason,
        cancels_record_id: None,
        created_by: ctx.principal.actor.name().to_string(),
        created_at_ms: ctx.now_ms,
    }
}

/// The account as the ledger leaves it.
pub fn with_balances(account: PointAccount, book: &Ledger<String>, now_ms: i64) -> PointAccount {
    PointAccount {
        accumulated: book.balances.accumulated,
        available: book.balances.available,
        expired: book.balances.expired,
        updated_at_ms: now_ms,
        ..account
    }
}

/// The rows one posting writes: its record (operation, change, remaining and debt filled in
/// from the ledger after the operation), its relations, the sources' remaining points and the
/// debts it paid back. The account's balances are the ledger's.
#[derive(Debug, Clone)]
pub struct Changes {
    pub record: PointRecord,
    pub relations: Vec<PointRelation>,
    /// (source record, points left in it).
    pub remaining: Vec<(String, i64)>,
    /// (debt record, debt left in it).
    pub debts: Vec<(String, i64)>,
}

/// What [`write`] writes for `posting`, without writing it (the daily jobs write many at once).
/// Remaining points and debts are read from `after`, the ledger after every posting of the
/// batch, so a debt paid back later in the same batch is written as what is finally left.
pub fn changes(
    after: &Ledger<String>,
    posting: &Posting<String>,
    mut record: PointRecord,
    now_ms: i64,
) -> Changes {
    let t = record.tenant_id;
    let remaining_of = |id: &str| {
        after
            .earnings
            .iter()
            .find(|e| e.id == id)
            .map_or(0, |e| e.remaining)
    };
    let debt_of = |id: &str| {
        after
            .debts
            .iter()
            .find(|d| d.record == id)
            .map_or(0, |d| d.points)
    };
    record.id = posting.record.clone();
    record.operation = posting.operation;
    record.change = posting.change;
    record.remaining = match posting.operation.direction() {
        Direction::Increase => Some(remaining_of(&posting.record)),
        Direction::Decrease => None,
    };
    record.debt = debt_of(&posting.record);
    let relation = |target: &str, source: &str, points: i64| PointRelation {
        tenant_id: t,
        id: new_uuid().to_string(),
        target_record_id: target.to_string(),
        source_record_id: source.to_string(),
        points,
        created_at_ms: now_ms,
    };
    let mut relations: Vec<PointRelation> = posting
        .taken_from
        .iter()
        .map(|a| relation(&posting.record, &a.source, a.points))
        .collect();
    // A debt paid back: the debt's record is the target, the new earning its source.
    relations.extend(
        posting
            .repaid
            .iter()
            .map(|a| relation(&a.source, &posting.record, a.points)),
    );
    let remaining = posting
        .taken_from
        .iter()
        .map(|a| (a.source.clone(), remaining_of(&a.source)))
        .collect();
    let debts = posting
        .repaid
        .iter()
        .map(|a| (a.source.clone(), debt_of(&a.source)))
        .collect();
    Changes {
        record,
        relations,
        remaining,
        debts,
    }
}

/// Writes the [`changes`] of `posting` and the account's balances after it.
pub async fn write(
    tx: &mut dyn Tx,
    after: &Ledger<String>,
    posting: &Posting<String>,
    record: PointRecord,
    now_ms: i64,
) -> AppResult<PointRecord> {
    let mut written = write_all(tx, after, vec![(posting.clone(), record)], now_ms).await?;
    written
        .pop()
        .ok_or_else(|| AppError::Store("a posting wrote no record".into()))
}

/// What [`write_all`] writes for postings made one after another on the same ledger, without
/// writing it: every record, the relations, and each older source and debt once, with what is
/// finally left in it (a record written now already holds its final remaining points and debt).
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub records: Vec<PointRecord>,
    pub relations: Vec<PointRelation>,
    pub remaining: Vec<(String, i64)>,
    pub debts: Vec<(String, i64)>,
}

pub fn collect(
    after: &Ledger<String>,
    postings: &[(Posting<String>, PointRecord)],
    now_ms: i64,
) -> Collected {
    let mut relations = Vec::new();
    let mut remaining = std::collections::BTreeMap::new();
    let mut debts = std::collections::BTreeMap::new();
    let mut records = Vec::with_capacity(postings.len());
    for (posting, record) in postings {
        let c = changes(after, posting, record.clone(), now_ms);
        relations.extend(c.relations);
        remaining.extend(c.remaining);
        debts.extend(c.debts);
        records.push(c.record);
    }
    let new = |id: &String| records.iter().any(|r: &PointRecord| &r.id == id);
    let remaining = remaining.into_iter().filter(|(id, _)| !new(id)).collect();
    let debts = debts.into_iter().filter(|(id, _)| !new(id)).collect();
    Collected {
        records,
        relations,
        remaining,
        debts,
    }
}

/// The postings of many accounts, written together in a few multi-row statements (the daily
/// expiry's batches, orders accepted together): what each account's postings [`collect`], and
/// each account's balances after them.
#[derive(Debug, Clone, Default)]
pub struct Bulk {
    pub records: Vec<PointRecord>,
    pub relations: Vec<PointRelation>,
    pub remaining: Vec<(String, i64)>,
    pub debts: Vec<(String, i64)>,
    pub balances: Vec<(String, Balances)>,
}

impl Bulk {
    /// Adds one account's collected postings and its balances after them.
    pub fn add(&mut self, account: &str, c: Collected, after: Balances) {
        self.records.extend(c.records);
        self.relations.extend(c.relations);
        self.remaining.extend(c.remaining);
        self.debts.extend(c.debts);
        self.balances.push((account.to_string(), after));
    }

    /// Writes everything added (nothing when nothing was).
    pub async fn write(&self, tx: &mut dyn Tx, t: TenantId, now_ms: i64) -> AppResult<()> {
        if self.records.is_empty() {
            return Ok(());
        }
        tx.insert_point_records(&self.records).await?;
        tx.insert_point_relations(&self.relations).await?;
        tx.set_remaining_many(t, &self.remaining).await?;
        // Few postings pay a debt back (an expiry never does): one statement each.
        for (record, left) in &self.debts {
            tx.set_debt(t, record, *left).await?;
        }
        tx.set_point_balances_many(t, &self.balances, now_ms).await
    }
}

/// [`write`] for several postings to one account made one after another on the same ledger:
/// every record, the relations, each touched source and debt once, then the balances once, all
/// in one round trip where the database allows.
pub async fn write_all(
    tx: &mut dyn Tx,
    after: &Ledger<String>,
    postings: Vec<(Posting<String>, PointRecord)>,
    now_ms: i64,
) -> AppResult<Vec<PointRecord>> {
    let Some((_, first)) = postings.first() else {
        return Ok(Vec::new());
    };
    let t = first.tenant_id;
    let account = first.account_id.clone();
    let c = collect(after, &postings, now_ms);
    tx.post_points(
        t,
        &account,
        &c.records,
        &c.relations,
        &c.remaining,
        &c.debts,
        after.balances,
        now_ms,
    )
    .await?;
    Ok(c.records)
}
