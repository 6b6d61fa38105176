//! The member upgrade service (§7.2), run in the transaction of the purchase or record that
//! triggers it: the member's value is computed for every enabled tier rule of the program (points
//! in the rule's group, spend or purchases, over the rule's window ending at the triggering
//! event), the best tier above the current one whose range holds its value wins, and the
//! retention counters restart from or accumulate the event's contribution.

use crate::error::AppResult;
use crate::loyalty::model::TierRule;
use crate::members::model::{MemberAccount, TierRecord};
use crate::orders::resolve::ProgramRules;
use crate::ports::{Reads, RetentionCounters, Tx};
use crate::secrets::new_uuid;
use patron_domain::loyalty::rule::{Condition, RankedRule};
use patron_domain::loyalty::tier::expiry_ms;
use patron_domain::loyalty::upgrade::upgrade_rule;
use patron_domain::member::TierRecordType;
use std::collections::HashMap;

const DAY_MS: i64 = 86_400_000;

/// The point group whose upgradeable points the retention counter holds: the group of the
/// program's enabled points rules (a program counts one group towards tiers).
pub fn counted_group(rules: &ProgramRules) -> Option<String> {
    rules
        .tier_rules
        .iter()
        .find(|r| r.enabled && r.condition == Condition::AccumulatedPoints)
        .and_then(|r| r.point_group_id.map(|g| g.to_string()))
}

/// What an event not yet written would add to the window values (a simulation).
#[derive(Debug, Clone, Default)]
pub struct Pending {
    /// Upgradeable points by point group id.
    pub points: HashMap<String, i64>,
    pub spend_fen: i64,
    pub purchases: i64,
}

/// The rank of a tier of the program (0 when unknown or none).
pub fn rank_of(rules: &ProgramRules, tier: Option<&str>) -> i64 {
    tier.and_then(|tier| rules.tiers.iter().find(|x| x.id.to_string() == tier))
        .map_or(0, |x| x.rank)
}

/// The sums the enabled tier rules of a program read over their windows ending at one instant:
/// upgradeable points by (point group, window days), and (spend, purchases) by window days.
#[derive(Debug, Clone, Default)]
pub struct WindowSums {
    pub points: HashMap<(String, i64), i64>,
    pub orders: HashMap<i64, (i64, i64)>,
}

/// The (point group, window days) and the window days whose sums the enabled tier rules read:
/// one sum per group and window, however many rules read it (a program's tiers usually share
/// one window).
pub fn windows(rules: &ProgramRules) -> (Vec<(String, i64)>, Vec<i64>) {
    let (mut points, mut orders) = (Vec::new(), Vec::new());
    for rule in rules.tier_rules.iter().filter(|r| r.enabled) {
        match rule.condition {
            Condition::AccumulatedPoints => {
                if let Some(g) = rule.point_group_id {
                    let key = (g.to_string(), rule.window_days);
                    if !points.contains(&key) {
                        points.push(key);
                    }
                }
            }
            Condition::SpendAmount | Condition::PurchaseCount => {
                if !orders.contains(&rule.window_days) {
                    orders.push(rule.window_days);
                }
            }
        }
    }
    (points, orders)
}

/// The window start of a rule reading `window_days` before `at_ms`.
pub fn window_from(at_ms: i64, window_days: i64) -> i64 {
    at_ms - window_days * DAY_MS
}

/// The member's [`WindowSums`] at `at_ms`, read one sum at a time.
pub async fn window_sums(
    r: &mut dyn Reads,
    member: &MemberAccount,
    rules: &ProgramRules,
    at_ms: i64,
) -> AppResult<WindowSums> {
    let t = member.tenant_id;
    let (points, orders) = windows(rules);
    let mut sums = WindowSums::default();
    for (group, days) in points {
        let from = window_from(at_ms, days);
        let v = r
            .upgradeable_points(t, member.id, &group, from, at_ms)
            .await?;
        sums.points.insert((group, days), v);
    }
    for days in orders {
        let from = window_from(at_ms, days);
        let v = r.spend_and_purchases(t, member.id, from, at_ms).await?;
        sums.orders.insert(days, v);
    }
    Ok(sums)
}

/// Each enabled tier rule with the member's value for it, from `sums`, plus what `pending`
/// would add.
pub fn candidates<'a>(
    rules: &'a ProgramRules,
    sums: &WindowSums,
    pending: &Pending,
) -> Vec<(RankedRule<&'a TierRule>, i64)> {
    let mut out = Vec::new();
    for rule in rules.tier_rules.iter().filter(|r| r.enabled) {
        let value = match rule.condition {
            Condition::AccumulatedPoints => match rule.point_group_id {
                Some(g) => {
                    let g = g.to_string();
                    let sum = sums
                        .points
                        .get(&(g.clone(), rule.window_days))
                        .copied()
                        .unwrap_or(0);
                    sum + pending.points.get(&g).copied().unwrap_or(0)
                }
                None => 0,
            },
            Condition::SpendAmount | Condition::PurchaseCount => {
                let (spend, count) = sums
                    .orders
                    .get(&rule.window_days)
                    .copied()
                    .unwrap_or((0, 0));
                if rule.condition == Condition::SpendAmount {
                    spend + pending.spend_fen
                } else {
                    count + pending.purchases
                }
            }
        };
        out.push((
            RankedRule {
                key: rule,
                tier_rank: rank_of(rules, Some(&rule.tier_id.to_string())),
                condition: rule.condition,
                range: rule.range,
                enabled: rule.enabled,
            },
            value,
        ));
    }
    out
}

/// Each enabled tier rule with the member's value for it over its window ending at `at_ms`,
/// plus what `pending` would add.
pub async fn values<'a>(
    r: &mut dyn Reads,
    member: &MemberAccount,
    rules: &'a ProgramRules,
    at_ms: i64,
    pending: &Pending,
) -> AppResult<Vec<(RankedRule<&'a TierRule>, i64)>> {
    let sums = window_sums(r, member, rules, at_ms).await?;
    Ok(candidates(rules, &sums, pending))
}

/// Runs the upgrade check for `member`, whose active tier record is `current` (read under the
/// member's row lock), after an event at `at_ms` that contributed `add` to the counters; returns
/// the new tier record if the member moved up.
#[allow(clippy::too_many_arguments)]
pub async fn after_event(
    tx: &mut dyn Tx,
    member: &MemberAccount,
    current: Option<&TierRecord>,
    rules: &ProgramRules,
    at_ms: i64,
    now_ms: i64,
    add: RetentionCounters,
    tz: chrono_tz::Tz,
) -> AppResult<Option<TierRecord>> {
    let (counters, record) = check(tx, member, current, rules, at_ms, now_ms, add, tz).await?;
    tx.set_retention(member.tenant_id, member.id, counters, now_ms)
        .await?;
    Ok(record)
}

/// [`after_event`] leaving the retention counters to the caller to write (an order writes them
/// with its last statements): returns them, and the new tier record if the member moved up
/// (already written).
#[allow(clippy::too_many_arguments)]
pub async fn check(
    tx: &mut dyn Tx,
    member: &MemberAccount,
    current: Option<&TierRecord>,
    rules: &ProgramRules,
    at_ms: i64,
    now_ms: i64,
    add: RetentionCounters,
    tz: chrono_tz::Tz,
) -> AppResult<(RetentionCounters, Option<TierRecord>)> {
    let sums = window_sums(&mut *tx, member, rules, at_ms).await?;
    let (counters, record) = decide(member, current, rules, &sums, at_ms, now_ms, add, tz);
    if let Some(r) = &record {
        tx.deactivate_tier_records(member.tenant_id, member.id)
            .await?;
        tx.insert_tier_record(r).await?;
    }
    Ok((counters, record))
}

/// The upgrade decision for `member` (active tier record `current`) from its window sums at
/// `at_ms`, after an event that contributed `add`: the retention counters, and the new tier
/// record if the member moves up (not written).
#[allow(clippy::too_many_arguments)]
pub fn decide(
    member: &MemberAccount,
    current: Option<&TierRecord>,
    rules: &ProgramRules,
    sums: &WindowSums,
    at_ms: i64,
    now_ms: i64,
    add: RetentionCounters,
    tz: chrono_tz::Tz,
) -> (RetentionCounters, Option<TierRecord>) {
    let current_rank = rank_of(rules, current.map(|r| r.tier_id.as_str()));
    let candidates = candidates(rules, sums, &Pending::default());
    let chosen = upgrade_rule(current_rank, &candidates).map(|r| r.key);
    let counters = RetentionCounters {
        points: member.retention_points,
        spend_fen: member.retention_spend_fen,
        purchases: member.retention_purchase_count,
    }
    .after(add, chosen.is_some());
    let Some(rule) = chosen else {
        return (counters, None);
    };
    let tier = rules.tiers.iter().find(|x| x.id == rule.tier_id);
    let record = TierRecord {
        tenant_id: member.tenant_id,
        id: new_uuid().to_string(),
        member_id: member.id,
        customer_id: member.customer_id,
        program_id: member.program_id.clone(),
        tier_id: rule.tier_id.to_string(),
        record_type: TierRecordType::Upgrade,
        change_mode: "automatic".into(),
        tier_rule_id: Some(rule.id.to_string()),
        effective_at_ms: at_ms,
        expires_at_ms: tier.and_then(|x| expiry_ms(at_ms, &x.validity, tz)),
        active: true,
        created_at_ms: now_ms,
    };
    (counters, Some(record))
}
