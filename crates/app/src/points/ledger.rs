//! Loading an account's ledger state and writing a posting.

use super::model::{PointRecord, PointRelation};
use crate::error::{AppError, AppResult};
use crate::members::model::PointAccount;
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::ids::TenantId;
use patron_domain::points::{Balances, Debt, Direction, Earning, Ledger, Posting};

/// Takes the account for this transaction and reads its balances, open earnings and debts.
pub async fn load(
    tx: &mut dyn Tx,
    t: TenantId,
    account: &PointAccount,
) -> AppResult<(PointAccount, Ledger<String>)> {
    tx.lock_point_account(t, &account.id).await?;
    // Read again under the lock: the caller's copy may predate a concurrent posting.
    let account = tx
        .point_account(t, account.member_id, &account.point_group_id)
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

/// Writes the record of `posting` (its operation, change, remaining and debt filled in from the
/// ledger after the operation), its relations, the sources' remaining points, the debts it paid
/// back and the account's balances.
pub async fn write(
    tx: &mut dyn Tx,
    after: &Ledger<String>,
    posting: &Posting<String>,
    mut record: PointRecord,
    now_ms: i64,
) -> AppResult<PointRecord> {
    let t = record.tenant_id;
    let remaining_of = |id: &str| {
        after
            .earnings
            .iter()
            .find(|e| e.id == id)
            .map_or(0, |e| e.remaining)
    };
    record.id = posting.record.clone();
    record.operation = posting.operation;
    record.change = posting.change;
    record.remaining = match posting.operation.direction() {
        Direction::Increase => Some(remaining_of(&posting.record)),
        Direction::Decrease => None,
    };
    record.debt = posting.uncovered;
    tx.insert_point_record(&record).await?;
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
    tx.insert_point_relations(&relations).await?;
    for a in &posting.taken_from {
        tx.set_remaining(t, &a.source, remaining_of(&a.source))
            .await?;
    }
    for a in &posting.repaid {
        let left = after
            .debts
            .iter()
            .find(|d| d.record == a.source)
            .map_or(0, |d| d.points);
        tx.set_debt(t, &a.source, left).await?;
    }
    tx.set_point_balances(t, &record.account_id, after.balances, now_ms)
        .await?;
    Ok(record)
}
