//! `tier-retention` (loyalty-core §7.3, §12 #5–6): for business date `D`, every active tier
//! record whose expiry came before `D` began is judged on the member's retention counters
//! (`patron_domain::loyalty::retention::decide`): a Retention record for the same tier, or a
//! Downgrade record to the best lower tier the counters reach, or to the base tier. The new
//! record takes effect the instant after the old one expired, with its own tier's validity from
//! then; the old record goes inactive in the same transaction (TR-1) and the counters restart
//! at 0 (§7.4 R-2).
//!
//! Each batch locks its members' accounts before reading their records and counters, so an
//! order that moves a counter or upgrades the member meanwhile is either wholly before the
//! decision or wholly after it. A record that is no longer active or no longer due under the
//! lock is left alone: it is processed once. A new record that has itself already expired (the
//! job did not run for a year) is judged again in a later batch, on counters now at 0.

use super::model::JobRun;
use super::runs::{progress, Now};
use crate::error::{AppError, AppResult};
use crate::loyalty::model::Tier;
use crate::members::model::TierRecord;
use crate::ports::{RetentionCounters, Store, Tx};
use crate::secrets::new_uuid;
use chrono_tz::Tz;
use patron_domain::ids::{MemberId, ProgramId, TenantId};
use patron_domain::jobs::day_start_ms;
use patron_domain::loyalty::retention::{decide, next_effective_ms, Decision};
use patron_domain::loyalty::rule::{Condition, RankedRule};
use patron_domain::loyalty::tier::expiry_ms;
use patron_domain::member::TierRecordType;
use std::collections::HashMap;

/// Expired tier records judged per batch.
const BATCH_RECORDS: u32 = 500;

/// A program's tiers and enabled-or-not rules, keyed for the decision.
struct Program {
    tiers: HashMap<String, Tier>,
    base: Option<Tier>,
    /// Keyed by (rule id, tier id).
    rules: Vec<RankedRule<(String, String)>>,
}

async fn program(tx: &mut dyn Tx, t: TenantId, id: &str) -> AppResult<Program> {
    let pid =
        ProgramId::parse(id).ok_or_else(|| AppError::Store(format!("bad program id {id}")))?;
    let tiers = tx.tiers_of(t, pid).await?;
    let rules = tx.tier_rules_of(t, pid).await?;
    let rank: HashMap<String, i64> = tiers.iter().map(|x| (x.id.to_string(), x.rank)).collect();
    Ok(Program {
        base: tiers.iter().find(|x| x.is_base).cloned(),
        rules: rules
            .iter()
            .filter_map(|r| {
                let tier = r.tier_id.to_string();
                Some(RankedRule {
                    tier_rank: *rank.get(&tier)?,
                    key: (r.id.to_string(), tier),
                    condition: r.condition,
                    range: r.range,
                    enabled: r.enabled,
                })
            })
            .collect(),
        tiers: tiers.into_iter().map(|x| (x.id.to_string(), x)).collect(),
    })
}

fn value(c: &RetentionCounters, condition: Condition) -> i64 {
    match condition {
        Condition::AccumulatedPoints => c.points,
        Condition::SpendAmount => c.spend_fen,
        Condition::PurchaseCount => c.purchases,
    }
}

/// The record that follows `old`, and whether it keeps the tier.
fn next_record(
    old: &TierRecord,
    expired_at_ms: i64,
    p: &Program,
    counters: &RetentionCounters,
    tz: Tz,
    now_ms: i64,
) -> AppResult<(TierRecord, bool)> {
    let current = p.tiers.get(&old.tier_id).ok_or_else(|| {
        AppError::Store(format!(
            "tier {} of record {} is missing",
            old.tier_id, old.id
        ))
    })?;
    let (tier, rule, kind) = match decide(current.rank, &p.rules, |c| value(counters, c)) {
        Decision::Retain(r) => (current, Some(r.key.0.clone()), TierRecordType::Retention),
        Decision::Downgrade(Some(r)) => {
            let tier = p.tiers.get(&r.key.1).ok_or_else(|| {
                AppError::Store(format!("tier {} of rule {} is missing", r.key.1, r.key.0))
            })?;
            (tier, Some(r.key.0.clone()), TierRecordType::Downgrade)
        }
        Decision::Downgrade(None) => {
            let base = p.base.as_ref().ok_or_else(|| {
                AppError::Store(format!("program {} has no base tier", old.program_id))
            })?;
            (base, None, TierRecordType::Downgrade)
        }
    };
    let effective = next_effective_ms(expired_at_ms);
    let record = TierRecord {
        tenant_id: old.tenant_id,
        id: new_uuid().to_string(),
        member_id: old.member_id,
        customer_id: old.customer_id,
        program_id: old.program_id.clone(),
        tier_id: tier.id.to_string(),
        record_type: kind,
        change_mode: "automatic".into(),
        tier_rule_id: rule,
        effective_at_ms: effective,
        expires_at_ms: expiry_ms(effective, &tier.validity, tz),
        active: true,
        created_at_ms: now_ms,
    };
    Ok((record, kind == TierRecordType::Retention))
}

#[derive(Default)]
struct Tally {
    retained: i64,
    downgraded: i64,
    skipped: i64,
}

impl Tally {
    fn summary(&self) -> serde_json::Value {
        serde_json::json!({"retained": self.retained, "downgraded": self.downgraded, "skipped": self.skipped})
    }
}

pub(crate) async fn run(store: &dyn Store, run: &mut JobRun, now: &Now) -> AppResult<()> {
    let t = run.tenant_id;
    let tz = crate::tenants::zone(&mut *store.reader().await?, t).await?;
    let before = day_start_ms(run.business_date, tz)
        .ok_or_else(|| AppError::Store(format!("no start for day {}", run.business_date)))?;
    let mut programs: HashMap<String, Program> = HashMap::new();
    let mut tally = Tally::default();
    // The due records of a batch that changed nothing (a concurrent upgrade took them all).
    let mut stuck: Option<Vec<String>> = None;
    loop {
        let now_ms = now();
        let mut tx = store.begin().await?;
        let due = tx.expired_tier_records(t, before, BATCH_RECORDS).await?;
        if due.is_empty() {
            break;
        }
        let members: Vec<MemberId> = due.iter().map(|r| r.member_id).collect();
        tx.lock_members_in(t, &members).await?;
        // Under the locks: what is still active and due, and the counters as they are now.
        let active = tx.active_tier_records_in(t, &members).await?;
        let counters: HashMap<MemberId, RetentionCounters> = tx
            .retention_counters_in(t, &members)
            .await?
            .into_iter()
            .collect();
        let mut reset = Vec::new();
        let changed_before = run.changed;
        for old in active {
            let Some(expired_at) = old.expires_at_ms.filter(|x| *x < before) else {
                tally.skipped += 1;
                continue;
            };
            if !programs.contains_key(&old.program_id) {
                let p = program(&mut *tx, t, &old.program_id).await?;
                programs.insert(old.program_id.clone(), p);
            }
            let p = programs
                .get(&old.program_id)
                .ok_or_else(|| AppError::Store("program not loaded".into()))?;
            let c = counters.get(&old.member_id).copied().unwrap_or_default();
            let (new, kept) = next_record(&old, expired_at, p, &c, tz, now_ms)?;
            if !tx.deactivate_tier_record(t, &old.id).await? {
                tally.skipped += 1;
                continue;
            }
            tx.insert_tier_record(&new).await?;
            reset.push(old.member_id);
            run.changed += 1;
            if kept {
                tally.retained += 1;
            } else {
                tally.downgraded += 1;
            }
        }
        let ids: Vec<String> = due.iter().map(|r| r.id.clone()).collect();
        if run.changed == changed_before && stuck.as_ref() == Some(&ids) {
            // The same due records twice, and none judged: the next batch would find them again.
            return Err(AppError::Store(format!(
                "{} expired tier record(s) could not be judged",
                ids.len()
            )));
        }
        stuck = (run.changed == changed_before).then_some(ids);
        tx.reset_retention_in(t, &reset, now_ms).await?;
        run.processed += due.len() as i64;
        run.summary = Some(tally.summary());
        progress(&mut *tx, run, now_ms).await?;
        tx.commit().await?;
    }
    run.summary = Some(tally.summary());
    Ok(())
}
