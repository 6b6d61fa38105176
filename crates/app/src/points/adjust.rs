//! Manual point adjustments (§10.3 types 3 and 4): an increase or a decrease with a reason,
//! under its own permission, audited. A decrease is taken FIFO from the member's earnings and
//! cannot exceed what is available.

use super::ledger;
use super::model::PointRecord;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::members::model::PointAccount;
use crate::ports::Tx;
use crate::secrets::new_uuid;
use chrono::NaiveDate;
use patron_domain::ids::MemberId;
use patron_domain::points::Operation;
use patron_domain::rbac::Permission;
use patron_domain::ValidationError;

/// The most points one adjustment may move.
const MAX_POINTS: i64 = 100_000_000;

#[derive(Debug, Clone, Default)]
pub struct AdjustmentInput {
    /// The point group's id (one account per member and group).
    pub point_group: String,
    /// Signed: positive adds, negative takes.
    pub points: i64,
    pub reason: String,
    /// An increase's last valid day (`YYYY-MM-DD`, tenant's zone); none = never expires.
    pub expires_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub point_group: String,
    pub points: i64,
    pub reason: String,
    pub expires_on: Option<NaiveDate>,
}

impl AdjustmentInput {
    /// Checks the fields; nothing is read.
    pub fn parse(&self) -> Result<Adjustment, ValidationError> {
        if self.points == 0 || self.points.abs() > MAX_POINTS {
            return Err(ValidationError::new(
                "points",
                "invalid_points",
                "must be a whole number of points, not 0, at most 100,000,000 either way",
            ));
        }
        let reason = patron_domain::text::bounded("reason", &self.reason, 1, 200)?;
        let expires_on = match self.expires_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(_) if self.points < 0 => {
                return Err(ValidationError::new(
                    "expires_on",
                    "expiry_on_decrease",
                    "only an increase has an expiry",
                ))
            }
            Some(raw) => Some(NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
                ValidationError::new("expires_on", "invalid_date", "must be a date YYYY-MM-DD")
            })?),
        };
        Ok(Adjustment {
            point_group: patron_domain::text::bounded("point_group", &self.point_group, 1, 64)?,
            points: self.points,
            reason,
            expires_on,
        })
    }
}

/// The record written and the account after it.
#[derive(Debug, Clone)]
pub struct Adjusted {
    pub record: PointRecord,
    pub account: PointAccount,
}

pub async fn adjust(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    member: MemberId,
    a: Adjustment,
) -> AppResult<Adjusted> {
    ctx.principal.require(Permission::PointsAdjust)?;
    let t = ctx.principal.tenant()?;
    let m = tx
        .member(t, member)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    ledger::require_active(m.status)?;
    let (account, mut book) = ledger::open(tx, t, member, &a.point_group, ctx.now_ms).await?;
    let expires_at_ms = match a.expires_on {
        Some(day) => {
            let tz = crate::tenants::zone(&mut *tx, t).await?;
            let end = patron_domain::loyalty::tier::end_of_day_ms(day, tz)
                .ok_or_else(|| ValidationError::new("expires_on", "invalid_date", "no such day"))?;
            if end < ctx.now_ms {
                return Err(ValidationError::new(
                    "expires_on",
                    "expiry_in_the_past",
                    "the expiry day has passed",
                )
                .into());
            }
            Some(end)
        }
        None => None,
    };
    let id = new_uuid().to_string();
    let posting = if a.points > 0 {
        book.earn(
            id,
            Operation::ManualIncrease,
            a.points,
            expires_at_ms,
            ctx.now_ms,
        )
    } else {
        book.spend(id, Operation::ManualDecrease, -a.points, ctx.now_ms)
            .map_err(ledger::insufficient)?
    };
    let mut record = ledger::new_record(ctx, &account, Some(a.reason.clone()));
    record.expires_at_ms = expires_at_ms;
    let record = ledger::write(tx, &book, &posting, record, ctx.now_ms).await?;
    crate::audit::record(
        tx,
        ctx,
        Some(t),
        crate::audit::Change {
            action: "points.adjust",
            object_type: "point_account",
            object_id: account.id.clone(),
            before: Some(serde_json::json!({"available": account.available})),
            after: Some(serde_json::json!({
                "available": book.balances.available,
                "change": record.change,
                "reason": a.reason,
                "record": record.id,
            })),
        },
    )
    .await?;
    Ok(Adjusted {
        record,
        account: ledger::with_balances(account, &book, ctx.now_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(points: i64, reason: &str, expires_on: Option<&str>) -> AdjustmentInput {
        AdjustmentInput {
            point_group: "g".into(),
            points,
            reason: reason.into(),
            expires_on: expires_on.map(str::to_string),
        }
    }

    #[test]
    fn an_adjustment_needs_points_a_reason_and_a_valid_expiry() {
        assert_eq!(
            input(0, "x", None).parse().unwrap_err().code,
            "invalid_points"
        );
        assert_eq!(
            input(100_000_001, "x", None).parse().unwrap_err().code,
            "invalid_points"
        );
        assert_eq!(input(10, " ", None).parse().unwrap_err().field, "reason");
        assert_eq!(
            input(10, "x", Some("2026/12/31")).parse().unwrap_err().code,
            "invalid_date"
        );
        assert_eq!(
            input(-10, "x", Some("2026-12-31"))
                .parse()
                .unwrap_err()
                .code,
            "expiry_on_decrease"
        );
        let ok = input(-10, "goodwill", None).parse().unwrap();
        assert_eq!((ok.points, ok.reason.as_str()), (-10, "goodwill"));
    }
}
