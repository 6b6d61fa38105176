//! `expire-coupons` (§11.6): for business date `D`, issued coupons whose validity ended before
//! `D` began become expired, and transfers whose friend's window has closed go back to their
//! givers (§11.7). Running it twice changes nothing the second time: expired coupons are no
//! longer issued, returned transfers no longer pending.

use super::model::JobRun;
use super::runs::{progress, Now};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::ports::Store;
use patron_domain::jobs::day_start_ms;

/// Lapsed transfers returned per transaction.
const BATCH: i64 = 500;

pub(crate) async fn run(store: &dyn Store, run: &mut JobRun, now: &Now) -> AppResult<()> {
    let t = run.tenant_id;
    let tz = crate::tenants::zone(&mut *store.reader().await?, t).await?;
    let before = day_start_ms(run.business_date, tz)
        .ok_or_else(|| AppError::Store(format!("no start for day {}", run.business_date)))?;

    let mut returned = 0i64;
    loop {
        let now_ms = now();
        let ctx = Ctx::system(Some(t), now_ms);
        let mut tx = store.begin().await?;
        let lapsed = tx.lapsed_transfers(t, now_ms, BATCH).await?;
        if lapsed.is_empty() {
            break;
        }
        for x in lapsed {
            crate::coupons::transfer::lapse(&mut *tx, &ctx, x).await?;
            returned += 1;
        }
        run.processed = returned;
        run.changed = returned;
        progress(&mut *tx, run, now_ms).await?;
        tx.commit().await?;
    }

    let now_ms = now();
    let mut tx = store.begin().await?;
    let expired = i64::try_from(tx.expire_coupons(t, before, now_ms).await?).unwrap_or(i64::MAX);
    run.processed = returned + expired;
    run.changed = returned + expired;
    run.summary = Some(serde_json::json!({
        "coupons_expired": expired,
        "transfers_returned": returned,
    }));
    progress(&mut *tx, run, now_ms).await?;
    tx.commit().await
}
