//! Opening an account's ledger inside a transaction, and writing a posting; the steps every
//! points use case shares.

use super::model::{PointRecord, PointRelation};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::members::model::PointAccount;
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::ids::{MemberId, TenantId};
use patron_domain::member::MemberStatus;
use patron_domain::points::{
    Balances, Debt, Direction, Earning, Ledger, Operation, Posting, Shortfall,
};
use patron_domain::ValidationError;

/// The member's account in `point_group`, taken for this transaction, with its balances, open
/// earnings and debts. A member without an account in the group is refused, naming the field.
pub async fn open(
    tx: &mut dyn Tx,
    t: TenantId,
    member: MemberId,
    point_group: &str,
) -> AppResult<(PointAccount, Ledger<String>)> {
    if !tx.lock_point_account(t, member, point_group).await? {
        return Err(ValidationError::new(
            "point_group",
            "unknown_point_group",
            format!("the member has no account in point group '{point_group}'"),
        )
        .into());
    }
    // Read under the lock, so no concurrent posting is missed.
    let account = tx
        .point_account(t, member, point_group)
        .await?
        .ok_or(AppError::NotFound("point account"))?;
    let earnings = tx
        .open_earnings(t, &account.id)
        .await?
        .into_iter()
        .map(|r| Earning {
            remaining: r.remaining.unwrap_or(0),
            expires_at_ms: r.expires_at_ms,
            created_at_ms: r.created_at_ms,
            id: r.id,
        })
        .collect();
    let debts = tx
        .open_debts(t, &account.id)
        .await?
        .into_iter()
        .map(|r| Debt {
            points: r.debt,
            record: r.id,
        })
        .collect();
    let ledger = Ledger {
        balances: Balances {
            accumulated: account.accumulated,
            available: account.available,
            expired: account.expired,
        },
        earnings,
        debts,
    };
    Ok((account, ledger))
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

/// Writes the record of `posting` (its operation, change, remaining and debt filled in from the
/// ledger after the operation), its relations, the sources' remaining points, the debts it paid
/// back and the account's balances.
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

/// [`write`] for several postings to one account made one after another on the same ledger:
/// every record and relation, then each touched source and debt once, then the balances once.
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
    let remaining_of = |id: &str| {
        after
            .earnings
            .iter()
            .find(|e| e.id == id)
            .map_or(0, |e| e.remaining)
    };
    let relation = |target: &str, source: &str, points: i64| PointRelation {
        tenant_id: t,
        id: new_uuid().to_string(),
        target_record_id: target.to_string(),
        source_record_id: source.to_string(),
        points,
        created_at_ms: now_ms,
    };
    let mut relations = Vec::new();
    let mut sources: Vec<&str> = Vec::new();
    let mut debts: Vec<&str> = Vec::new();
    let mut written = Vec::with_capacity(postings.len());
    for (posting, mut record) in postings.iter().cloned() {
        record.id = posting.record.clone();
        record.operation = posting.operation;
        record.change = posting.change;
        record.remaining = match posting.operation.direction() {
            Direction::Increase => Some(remaining_of(&posting.record)),
            Direction::Decrease => None,
        };
        // What is left of the debt after the whole batch (a later posting may pay it back).
        record.debt = after
            .debts
            .iter()
            .find(|d| d.record == posting.record)
            .map_or(0, |d| d.points);
        tx.insert_point_record(&record).await?;
        written.push(record);
    }
    for (posting, _) in &postings {
        relations.extend(
            posting
                .taken_from
                .iter()
                .map(|a| relation(&posting.record, &a.source, a.points)),
        );
        // A debt paid back: the debt's record is the target, the new earning its source.
        relations.extend(
            posting
                .repaid
                .iter()
                .map(|a| relation(&a.source, &posting.record, a.points)),
        );
        sources.extend(posting.taken_from.iter().map(|a| a.source.as_str()));
        debts.extend(posting.repaid.iter().map(|a| a.source.as_str()));
    }
    tx.insert_point_relations(&relations).await?;
    sources.sort_unstable();
    sources.dedup();
    for source in sources {
        tx.set_remaining(t, source, remaining_of(source)).await?;
    }
    debts.sort_unstable();
    debts.dedup();
    for debt in debts {
        let left = after
            .debts
            .iter()
            .find(|d| d.record == debt)
            .map_or(0, |d| d.points);
        tx.set_debt(t, debt, left).await?;
    }
    tx.set_point_balances(t, &account, after.balances, now_ms)
        .await?;
    Ok(written)
}
