//! The machinery shared by the four bulk upserts: checking every item, refusing duplicate codes,
//! sorting records into created, updated and unchanged, and the one audit entry of a batch.

use super::model::{Counts, ItemError};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::ports::Tx;
use patron_domain::ids::TenantId;
use patron_domain::master_data::MAX_BATCH;
use patron_domain::ValidationError;
use serde_json::json;
use std::collections::HashMap;

/// How many changed codes an audit entry lists; the counts are always complete.
const AUDIT_CODES: usize = 100;

/// A record synced by code.
pub(crate) trait Synced: Clone + PartialEq {
    fn code(&self) -> &str;
    fn touch(&mut self, now_ms: i64);
}

/// The valid items of a batch with their index, and the faults of the others.
pub(crate) type Checked<F> = (Vec<(usize, F)>, Vec<ItemError>);

/// Checks each item with `check`; returns the valid ones with their index, and the faults of the
/// others, including any code sent twice.
pub(crate) fn check_items<I, F>(
    items: &[I],
    check: impl Fn(&I) -> Result<F, Vec<ValidationError>>,
    code: impl Fn(&F) -> &str,
) -> AppResult<Checked<F>> {
    if items.len() > MAX_BATCH {
        return Err(ValidationError::new(
            "items",
            "too_many_items",
            format!("send at most {MAX_BATCH} items per request"),
        )
        .into());
    }
    let mut valid = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    let mut first_at: HashMap<String, usize> = HashMap::new();
    for (index, item) in items.iter().enumerate() {
        match check(item) {
            Ok(fields) => {
                let c = code(&fields).to_string();
                if let Some(first) = first_at.get(&c) {
                    errors.push(ItemError {
                        index,
                        field: "code",
                        code: "duplicate_code",
                        message: format!("'{c}' is also item {first} of this batch"),
                    });
                } else {
                    first_at.insert(c, index);
                    valid.push((index, fields));
                }
            }
            Err(faults) => errors.extend(faults.into_iter().map(|e| ItemError {
                index,
                field: e.field,
                code: e.code,
                message: e.message,
            })),
        }
    }
    Ok((valid, errors))
}

/// Every fault in item order (faults of one item keep their field order).
pub(crate) fn refused(mut errors: Vec<ItemError>) -> Vec<ItemError> {
    errors.sort_by_key(|e| e.index);
    errors
}

/// The stored records by code.
pub(crate) fn by_code<R: Synced>(rows: Vec<R>) -> HashMap<String, R> {
    rows.into_iter()
        .map(|r| (r.code().to_string(), r))
        .collect()
}

/// The records of a batch sorted by what must happen to them.
pub(crate) struct Plan<R> {
    pub inserts: Vec<R>,
    pub updates: Vec<R>,
    pub counts: Counts,
}

/// `records` are the batch's records after merging with `stored` (same id when stored).
/// Identical ones are left alone, so their `updated_at` does not move.
pub(crate) fn plan<R: Synced>(
    stored: &HashMap<String, R>,
    records: Vec<R>,
    now_ms: i64,
) -> Plan<R> {
    let mut plan = Plan {
        inserts: Vec::new(),
        updates: Vec::new(),
        counts: Counts::default(),
    };
    for mut record in records {
        match stored.get(record.code()) {
            None => {
                plan.counts.created += 1;
                plan.inserts.push(record);
            }
            Some(old) if *old == record => plan.counts.unchanged += 1,
            Some(_) => {
                record.touch(now_ms);
                plan.counts.updated += 1;
                plan.updates.push(record);
            }
        }
    }
    plan
}

/// One audit entry for a batch that changed something: the counts and the codes changed.
pub(crate) async fn audit_batch<R: Synced>(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    t: TenantId,
    action: &str,
    object_type: &str,
    plan: &Plan<R>,
) -> AppResult<()> {
    if plan.inserts.is_empty() && plan.updates.is_empty() {
        return Ok(());
    }
    let codes = |rows: &[R]| -> Vec<String> {
        rows.iter()
            .take(AUDIT_CODES)
            .map(|r| r.code().to_string())
            .collect()
    };
    let c = plan.counts;
    let change = Change {
        action,
        object_type,
        object_id: "batch".to_string(),
        before: None,
        after: Some(json!({
            "created": c.created, "updated": c.updated, "unchanged": c.unchanged,
            "created_codes": codes(&plan.inserts), "updated_codes": codes(&plan.updates),
        })),
    };
    audit::record(tx, ctx, Some(t), change).await
}
