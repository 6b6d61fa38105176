//! Rows of the coupon tables to values and back.

use crate::row::Row;
use crate::sql::Arg;
use chrono::NaiveDate;
use patron_app::coupons::model::{
    ApprovalRecord, Coupon, CouponRule, IssuanceRecord, Transfer, TransferStep, Usage,
};
use patron_app::{AppError, AppResult};
use patron_domain::coupons::rule::{Benefit, CouponValidity, Terms, UsableTime};
use patron_domain::coupons::rule_input::RuleSpec;
use patron_domain::coupons::status::{
    ApprovalStatus, CouponSource, CouponStatus, RuleStatus, TransferStatus,
};
use patron_domain::coupons::validity::Window;
use patron_domain::ids::TenantId;

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Store(format!("stored coupon {what} '{value}' is not valid"))
}

fn parsed<T>(row: &Row, col: &str, parse: impl Fn(&str) -> Option<T>) -> AppResult<T> {
    let raw = row.text(col)?;
    parse(&raw).ok_or_else(|| corrupt(col, &raw))
}

fn need<T>(v: Option<T>, col: &str) -> AppResult<T> {
    v.ok_or_else(|| corrupt(col, "NULL"))
}

fn date(row: &Row, col: &str) -> AppResult<NaiveDate> {
    let raw = need(row.opt_text(col)?, col)?;
    NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| corrupt(col, &raw))
}

fn small(row: &Row, col: &str) -> AppResult<u32> {
    let v = row.i64(col)?;
    u32::try_from(v).map_err(|_| corrupt(col, &v.to_string()))
}

pub(crate) fn rule(row: &Row) -> AppResult<CouponRule> {
    let benefit = match row.text("coupon_type")?.as_str() {
        "cash_off" => Benefit::CashOff {
            off_fen: need(row.opt_i64("benefit_fen")?, "benefit_fen")?,
        },
        "discount" => Benefit::Discount {
            pay_percent: need(row.opt_i64("discount_percent")?, "discount_percent")?,
        },
        "exchange" => Benefit::Exchange {
            sku: need(row.opt_text("exchange_sku")?, "exchange_sku")?,
        },
        other => return Err(corrupt("type", other)),
    };
    let validity = match row.text("validity_type")?.as_str() {
        "date_range" => CouponValidity::DateRange {
            from: date(row, "valid_from_date")?,
            to: date(row, "valid_to_date")?,
        },
        "duration" => CouponValidity::Duration {
            start_after_days: need(row.opt_i64("start_after_days")?, "start_after_days")?,
            days: need(row.opt_i64("valid_days")?, "valid_days")?,
        },
        "delayed_fixed_end" => CouponValidity::DelayedFixedEnd {
            start_after_days: need(row.opt_i64("start_after_days")?, "start_after_days")?,
            to: date(row, "valid_to_date")?,
        },
        other => return Err(corrupt("validity type", other)),
    };
    let weekdays = row.i64("weekdays")?;
    let refund_returns = row.bool("refund_returns")?;
    let transferable = row.bool("transferable")?;
    Ok(CouponRule {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        rule_no: row.text("rule_no")?,
        spec: RuleSpec {
            name: row.text("name")?,
            program_id: row.text("program_id")?,
            cost_center_id: row.text("cost_center_id")?,
            cost_fen: row.i64("cost_fen")?,
            total_stock: row.i64("total_stock")?,
            terms: Terms {
                benefit,
                threshold_fen: row.opt_i64("threshold_fen")?,
                validity,
                usable: UsableTime {
                    weekdays: u8::try_from(weekdays)
                        .map_err(|_| corrupt("weekdays", &weekdays.to_string()))?,
                    from_s: small(row, "usable_from_s")?,
                    to_s: small(row, "usable_to_s")?,
                },
                store_group: row.opt_text("store_group_id")?,
                product_group: row.opt_text("product_group_id")?,
                stackable: row.bool("stackable")?,
                refund_returns_days: if refund_returns {
                    Some(need(
                        row.opt_i64("refund_valid_days")?,
                        "refund_valid_days",
                    )?)
                } else {
                    None
                },
                transfer_claim_hours: if transferable {
                    Some(need(
                        row.opt_i64("transfer_claim_hours")?,
                        "transfer_claim_hours",
                    )?)
                } else {
                    None
                },
            },
            public_claim: row.bool("public_claim")?,
            campaign_issue: row.bool("campaign_issue")?,
            instructions: row.text("instructions")?,
            per_member_limit: row.opt_i64("per_member_limit")?,
        },
        approval: parsed(row, "approval_status", ApprovalStatus::parse)?,
        status: parsed(row, "rule_status", RuleStatus::parse)?,
        issued: row.i64("issued")?,
        created_by: row.text("created_by")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

/// The term columns of a rule, in the order of [`TERM_COLUMNS`].
pub(crate) fn term_args(r: &CouponRule) -> Vec<Arg> {
    let s = &r.spec;
    let t = &s.terms;
    let (benefit_fen, discount_percent, exchange_sku) = match &t.benefit {
        Benefit::CashOff { off_fen } => (Some(*off_fen), None, None),
        Benefit::Discount { pay_percent } => (None, Some(*pay_percent), None),
        Benefit::Exchange { sku } => (None, None, Some(sku.clone())),
    };
    let day = |d: NaiveDate| Some(d.format("%Y-%m-%d").to_string());
    let (from, to, after, days) = match t.validity {
        CouponValidity::DateRange { from, to } => (day(from), day(to), None, None),
        CouponValidity::Duration {
            start_after_days,
            days,
        } => (None, None, Some(start_after_days), Some(days)),
        CouponValidity::DelayedFixedEnd {
            start_after_days,
            to,
        } => (None, day(to), Some(start_after_days), None),
    };
    vec![
        Arg::from(s.name.as_str()),
        Arg::from(t.benefit.kind()),
        Arg::from(s.program_id.as_str()),
        Arg::from(s.cost_center_id.as_str()),
        Arg::from(s.cost_fen),
        Arg::from(s.total_stock),
        Arg::from(t.threshold_fen),
        Arg::from(benefit_fen),
        Arg::from(discount_percent),
        Arg::from(exchange_sku),
        Arg::from(s.public_claim),
        Arg::from(s.campaign_issue),
        Arg::from(s.instructions.as_str()),
        Arg::from(t.validity.kind()),
        Arg::from(from),
        Arg::from(to),
        Arg::from(after),
        Arg::from(days),
        Arg::from(i64::from(t.usable.weekdays)),
        Arg::from(i64::from(t.usable.from_s)),
        Arg::from(i64::from(t.usable.to_s)),
        Arg::from(t.store_group.clone()),
        Arg::from(t.product_group.clone()),
        Arg::from(t.refund_returns_days.is_some()),
        Arg::from(t.refund_returns_days),
        Arg::from(t.stackable),
        Arg::from(t.transfer_claim_hours.is_some()),
        Arg::from(t.transfer_claim_hours),
        Arg::from(s.per_member_limit),
        Arg::from(r.approval.as_str()),
        Arg::from(r.status.as_str()),
        Arg::from(r.updated_at_ms),
    ]
}

pub(crate) const TERM_COLUMNS: &[&str] = &[
    "name",
    "coupon_type",
    "program_id",
    "cost_center_id",
    "cost_fen",
    "total_stock",
    "threshold_fen",
    "benefit_fen",
    "discount_percent",
    "exchange_sku",
    "public_claim",
    "campaign_issue",
    "instructions",
    "validity_type",
    "valid_from_date",
    "valid_to_date",
    "start_after_days",
    "valid_days",
    "weekdays",
    "usable_from_s",
    "usable_to_s",
    "store_group_id",
    "product_group_id",
    "refund_returns",
    "refund_valid_days",
    "stackable",
    "transferable",
    "transfer_claim_hours",
    "per_member_limit",
    "approval_status",
    "rule_status",
    "updated_at_ms",
];

pub(crate) fn approval(row: &Row) -> AppResult<ApprovalRecord> {
    Ok(ApprovalRecord {
        id: row.text("id")?,
        rule_id: row.text("rule_id")?,
        decision: row.text("decision")?,
        actor: row.text("actor")?,
        comment: row.text("comment")?,
        at_ms: row.i64("at_ms")?,
    })
}

pub(crate) fn issuance(row: &Row) -> AppResult<IssuanceRecord> {
    Ok(IssuanceRecord {
        id: row.text("id")?,
        rule_id: row.text("rule_id")?,
        quantity: row.i64("quantity")?,
        cost_fen: row.i64("cost_fen")?,
        reason: row.text("reason")?,
        actor: row.text("actor")?,
        at_ms: row.i64("at_ms")?,
    })
}

pub(crate) fn coupon(row: &Row) -> AppResult<Coupon> {
    let usage = match row.opt_i64("used_at_ms")? {
        Some(used_at_ms) => Some(Usage {
            used_at_ms,
            order_id: need(row.opt_text("order_id")?, "order_id")?,
            order_paid_fen: row.opt_i64("order_paid_fen")?.unwrap_or(0),
            deduction_fen: row.opt_i64("deduction_fen")?.unwrap_or(0),
            first_purchase: row.opt_i64("first_purchase")?.unwrap_or(0) != 0,
        }),
        None => None,
    };
    Ok(Coupon {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        code: row.text("code")?,
        rule_id: row.text("rule_id")?,
        customer_id: row.text("customer_id")?,
        status: parsed(row, "status", CouponStatus::parse)?,
        source: parsed(row, "source", CouponSource::parse)?,
        campaign: row.opt_text("campaign")?,
        window: Window {
            from_ms: row.i64("valid_from_ms")?,
            to_ms: row.i64("valid_to_ms")?,
        },
        issued_at_ms: row.i64("issued_at_ms")?,
        redemption_id: row.opt_text("redemption_id")?,
        usage,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn transfer(row: &Row) -> AppResult<Transfer> {
    let raw = row.text("log")?;
    let log: Vec<TransferStep> = serde_json::from_str(&raw).map_err(|_| corrupt("log", &raw))?;
    Ok(Transfer {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        coupon_id: row.text("coupon_id")?,
        rule_id: row.text("rule_id")?,
        giver_id: row.text("giver_id")?,
        receiver_id: row.opt_text("receiver_id")?,
        status: parsed(row, "status", TransferStatus::parse)?,
        started_at_ms: row.i64("started_at_ms")?,
        expires_at_ms: row.i64("expires_at_ms")?,
        received_at_ms: row.opt_i64("received_at_ms")?,
        log,
    })
}

pub(crate) fn log_json(log: &[TransferStep]) -> String {
    serde_json::to_string(log).unwrap_or_else(|_| "[]".to_string())
}
