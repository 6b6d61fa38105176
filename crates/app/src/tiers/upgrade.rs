//! The member upgrade service (§7.2), run in the transaction of the purchase or record that
//! triggers it: the member's value is computed for every enabled tier rule of the program (points
//! in the rule's group, spend or purchases, over the rule's window ending at the triggering
//! event), the best tier above the current one whose range holds its value wins, and the
//! retention counters restart from or accumulate the event's contribution.

use crate::error::AppResult;
use crate::members::model::{MemberAccount, TierRecord};
use crate::orders::resolve::ProgramRules;
use crate::ports::{RetentionCounters, Tx};
use crate::secrets::new_uuid;
use patron_domain::loyalty::rule::{Condition, RankedRule};
use patron_domain::loyalty::tier::expiry_ms;
use patron_domain::loyalty::upgrade::upgrade_rule;
use patron_domain::member::TierRecordType;

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

/// Runs the upgrade check for `member` after an event at `at_ms` that contributed `add` to the
/// counters; returns the new tier record if the member moved up.
pub async fn after_event(
    tx: &mut dyn Tx,
    member: &MemberAccount,
    rules: &ProgramRules,
    at_ms: i64,
    now_ms: i64,
    add: RetentionCounters,
    tz: chrono_tz::Tz,
) -> AppResult<Option<TierRecord>> {
    let t = member.tenant_id;
    let current = tx.active_tier_record(t, member.id).await?;
    let rank_of = |tier: &str| {
        rules
            .tiers
            .iter()
            .find(|x| x.id.to_string() == tier)
            .map_or(0, |x| x.rank)
    };
    let current_rank = current.as_ref().map_or(0, |r| rank_of(&r.tier_id));
    let mut candidates = Vec::new();
    for rule in rules.tier_rules.iter().filter(|r| r.enabled) {
        let from = at_ms - rule.window_days * DAY_MS;
        let value = match rule.condition {
            Condition::AccumulatedPoints => match rule.point_group_id {
                Some(g) => {
                    tx.upgradeable_points(t, member.id, &g.to_string(), from, at_ms)
                        .await?
                }
                None => 0,
            },
            Condition::SpendAmount => tx.spend_and_purchases(t, member.id, from, at_ms).await?.0,
            Condition::PurchaseCount => tx.spend_and_purchases(t, member.id, from, at_ms).await?.1,
        };
        candidates.push((
            RankedRule {
                key: rule,
                tier_rank: rank_of(&rule.tier_id.to_string()),
                condition: rule.condition,
                range: rule.range,
                enabled: rule.enabled,
            },
            value,
        ));
    }
    let chosen = upgrade_rule(current_rank, &candidates).map(|r| r.key);
    let counters = RetentionCounters {
        points: member.retention_points,
        spend_fen: member.retention_spend_fen,
        purchases: member.retention_purchase_count,
    }
    .after(add, chosen.is_some());
    tx.set_retention(t, member.id, counters, now_ms).await?;
    let Some(rule) = chosen else {
        return Ok(None);
    };
    let tier = rules.tiers.iter().find(|x| x.id == rule.tier_id);
    let record = TierRecord {
        tenant_id: t,
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
    tx.deactivate_tier_records(t, member.id).await?;
    tx.insert_tier_record(&record).await?;
    Ok(Some(record))
}
