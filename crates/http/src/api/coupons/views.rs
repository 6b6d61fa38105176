//! What the coupon API reads and answers.

use crate::views::rfc3339;
use patron_app::coupons::model::{ApprovalRecord, Coupon, CouponRule, IssuanceRecord, Transfer};
use patron_app::coupons::rules::Dashboard;
use patron_domain::coupons::rule::{Benefit, CouponValidity};
use patron_domain::coupons::rule_input::RuleInput;
use patron_domain::money::format_fen;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A coupon rule as written (§11.2). Money is decimal yuan text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CouponRuleFields {
    /// 1–60 characters; also the coupon's title.
    pub name: String,
    /// `cash_off` (满减), `discount` (N折) or `exchange` (兑换).
    pub coupon_type: String,
    pub program_id: String,
    pub cost_center_id: String,
    /// Cost per coupon, yuan (default 0).
    pub cost: Option<String>,
    pub total_stock: i64,
    /// Order minimum over the covered products, yuan; absent = no threshold.
    pub threshold: Option<String>,
    /// `cash_off`: yuan off.
    pub amount_off: Option<String>,
    /// `discount`: N of N折, e.g. "8" (pay 80 %) or "8.5".
    pub discount: Option<String>,
    /// `exchange`: the SKU code given free (one unit).
    pub exchange_sku: Option<String>,
    #[serde(default)]
    pub public_claim: bool,
    #[serde(default)]
    pub campaign_issue: bool,
    pub instructions: Option<String>,
    /// `date_range` (valid_from, valid_to), `duration` (start_after_days, valid_days) or
    /// `delayed_fixed_end` (start_after_days, valid_to).
    pub validity_type: String,
    /// YYYY-MM-DD.
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub start_after_days: Option<i64>,
    pub valid_days: Option<i64>,
    /// ISO weekdays 1 (Monday) … 7 (Sunday); absent = every day.
    pub weekdays: Option<Vec<i64>>,
    /// HH:MM[:SS]; absent = all day.
    pub usable_from: Option<String>,
    pub usable_to: Option<String>,
    /// An enabled store group; absent = all stores.
    pub store_group_id: Option<String>,
    /// An enabled product group; absent = all products.
    pub product_group_id: Option<String>,
    /// Days a coupon given back by a full refund stays valid; absent = not given back.
    pub refund_returns_days: Option<i64>,
    #[serde(default)]
    pub stackable: bool,
    /// Hours a friend has to accept a transfer; absent = not transferable.
    pub transfer_claim_hours: Option<i64>,
    /// Coupons one member may claim; absent = no limit.
    pub per_member_limit: Option<i64>,
}

impl CouponRuleFields {
    pub fn input(self) -> RuleInput {
        RuleInput {
            name: self.name,
            coupon_type: self.coupon_type,
            program_id: self.program_id,
            cost_center_id: self.cost_center_id,
            cost: self.cost,
            total_stock: self.total_stock,
            threshold: self.threshold,
            amount_off: self.amount_off,
            discount: self.discount,
            exchange_sku: self.exchange_sku,
            public_claim: self.public_claim,
            campaign_issue: self.campaign_issue,
            instructions: self.instructions,
            validity_type: self.validity_type,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            start_after_days: self.start_after_days,
            valid_days: self.valid_days,
            weekdays: self.weekdays,
            usable_from: self.usable_from,
            usable_to: self.usable_to,
            store_group_id: self.store_group_id,
            product_group_id: self.product_group_id,
            refund_returns_days: self.refund_returns_days,
            stackable: self.stackable,
            transfer_claim_hours: self.transfer_claim_hours,
            per_member_limit: self.per_member_limit,
        }
    }
}

fn hms(s: u32) -> String {
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BenefitText {
    pub en: String,
    pub zh: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouponRuleView {
    pub id: String,
    /// YYYYMMDD + 5 digits.
    pub rule_no: String,
    pub name: String,
    pub coupon_type: String,
    pub program_id: String,
    pub cost_center_id: String,
    pub cost: String,
    /// Per-coupon cost × total stock.
    pub total_cost: String,
    pub total_stock: i64,
    /// Coupons handed out.
    pub issued: i64,
    pub remaining: i64,
    pub threshold: Option<String>,
    pub amount_off: Option<String>,
    pub discount: Option<String>,
    pub exchange_sku: Option<String>,
    /// The benefit in the member's words.
    pub benefit: BenefitText,
    pub public_claim: bool,
    pub campaign_issue: bool,
    pub instructions: String,
    pub validity_type: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub start_after_days: Option<i64>,
    pub valid_days: Option<i64>,
    pub weekdays: Vec<i64>,
    pub usable_from: String,
    pub usable_to: String,
    pub store_group_id: Option<String>,
    pub product_group_id: Option<String>,
    pub refund_returns_days: Option<i64>,
    pub stackable: bool,
    pub transfer_claim_hours: Option<i64>,
    pub per_member_limit: Option<i64>,
    /// `not_submitted`, `pending`, `approved` or `rejected`.
    pub approval_status: String,
    /// `draft`, `published`, `unpublished` or `deleted`.
    pub rule_status: String,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&CouponRule> for CouponRuleView {
    fn from(r: &CouponRule) -> Self {
        let s = &r.spec;
        let t = &s.terms;
        let (amount_off, discount, exchange_sku) = match &t.benefit {
            Benefit::CashOff { off_fen } => (Some(format_fen(*off_fen)), None, None),
            Benefit::Discount { pay_percent } => (
                None,
                Some(if pay_percent % 10 == 0 {
                    (pay_percent / 10).to_string()
                } else {
                    format!("{}.{}", pay_percent / 10, pay_percent % 10)
                }),
                None,
            ),
            Benefit::Exchange { sku } => (None, None, Some(sku.clone())),
        };
        let day = |d: chrono::NaiveDate| Some(d.format("%Y-%m-%d").to_string());
        let (valid_from, valid_to, start_after_days, valid_days) = match t.validity {
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
        let (en, zh) = t.describe(None);
        Self {
            id: r.id.clone(),
            rule_no: r.rule_no.clone(),
            name: s.name.clone(),
            coupon_type: t.benefit.kind().to_string(),
            program_id: s.program_id.clone(),
            cost_center_id: s.cost_center_id.clone(),
            cost: format_fen(s.cost_fen),
            total_cost: format_fen(s.cost_fen.saturating_mul(s.total_stock)),
            total_stock: s.total_stock,
            issued: r.issued,
            remaining: r.remaining(),
            threshold: t.threshold_fen.map(format_fen),
            amount_off,
            discount,
            exchange_sku,
            benefit: BenefitText { en, zh },
            public_claim: s.public_claim,
            campaign_issue: s.campaign_issue,
            instructions: s.instructions.clone(),
            validity_type: t.validity.kind().to_string(),
            valid_from,
            valid_to,
            start_after_days,
            valid_days,
            weekdays: (0..7)
                .filter(|d| t.usable.allows_weekday(*d))
                .map(|d| i64::from(d) + 1)
                .collect(),
            usable_from: hms(t.usable.from_s),
            usable_to: hms(t.usable.to_s),
            store_group_id: t.store_group.clone(),
            product_group_id: t.product_group.clone(),
            refund_returns_days: t.refund_returns_days,
            stackable: t.stackable,
            transfer_claim_hours: t.transfer_claim_hours,
            per_member_limit: s.per_member_limit,
            approval_status: r.approval.as_str().to_string(),
            rule_status: r.status.as_str().to_string(),
            created_by: r.created_by.clone(),
            created_at: rfc3339(r.created_at_ms),
            updated_at: rfc3339(r.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouponRulePage {
    pub items: Vec<CouponRuleView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalView {
    /// `submitted`, `approved` or `rejected`.
    pub decision: String,
    pub actor: String,
    pub comment: String,
    pub at: String,
}

impl From<&ApprovalRecord> for ApprovalView {
    fn from(a: &ApprovalRecord) -> Self {
        Self {
            decision: a.decision.clone(),
            actor: a.actor.clone(),
            comment: a.comment.clone(),
            at: rfc3339(a.at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuanceView {
    pub quantity: i64,
    /// Cost of the added coupons, yuan.
    pub cost: String,
    pub reason: String,
    pub actor: String,
    pub at: String,
}

impl From<&IssuanceRecord> for IssuanceView {
    fn from(i: &IssuanceRecord) -> Self {
        Self {
            quantity: i.quantity,
            cost: format_fen(i.cost_fen),
            reason: i.reason.clone(),
            actor: i.actor.clone(),
            at: rfc3339(i.at_ms),
        }
    }
}

/// §11.5 data analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub total_stock: i64,
    pub remaining: i64,
    pub claimers: i64,
    pub users: i64,
    pub new_customers: i64,
    pub old_customers: i64,
    pub coupons_used: i64,
    /// Net paid amount of the orders using the coupons, yuan.
    pub order_total: String,
    /// What the used coupons took off, yuan.
    pub coupon_amount: String,
    /// order_total ÷ coupon_amount to two decimals; absent before any use.
    pub roi: Option<String>,
}

impl From<&Dashboard> for DashboardView {
    fn from(d: &Dashboard) -> Self {
        Self {
            total_stock: d.total_stock,
            remaining: d.remaining,
            claimers: d.totals.claimers,
            users: d.totals.users,
            new_customers: d.totals.new_customers,
            old_customers: d.totals.old_customers,
            coupons_used: d.totals.used,
            order_total: format_fen(d.totals.order_total_fen),
            coupon_amount: format_fen(d.totals.deduction_fen),
            roi: d.roi_hundredths.map(format_fen),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouponView {
    pub id: String,
    pub code: String,
    pub rule_id: String,
    pub customer_id: String,
    /// `issued`, `used`, `transferring`, `expired` or `void`.
    pub status: String,
    /// `claim`, `issue` or `points`.
    pub source: String,
    pub campaign: Option<String>,
    pub valid_from: String,
    pub valid_to: String,
    pub issued_at: String,
    pub used_at: Option<String>,
    pub order_id: Option<String>,
    pub order_amount: Option<String>,
    pub deduction: Option<String>,
}

impl From<&Coupon> for CouponView {
    fn from(c: &Coupon) -> Self {
        let u = c.usage.as_ref();
        Self {
            id: c.id.clone(),
            code: c.code.clone(),
            rule_id: c.rule_id.clone(),
            customer_id: c.customer_id.clone(),
            status: c.status.as_str().to_string(),
            source: c.source.as_str().to_string(),
            campaign: c.campaign.clone(),
            valid_from: rfc3339(c.window.from_ms),
            valid_to: rfc3339(c.window.to_ms),
            issued_at: rfc3339(c.issued_at_ms),
            used_at: u.map(|u| rfc3339(u.used_at_ms)),
            order_id: u.map(|u| u.order_id.clone()),
            order_amount: u.map(|u| format_fen(u.order_paid_fen)),
            deduction: u.map(|u| format_fen(u.deduction_fen)),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouponPage {
    pub items: Vec<CouponView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransferStepView {
    pub at: String,
    /// `initiate`, `accept` or `lapse`.
    pub scene: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransferView {
    pub id: String,
    pub coupon_id: String,
    pub rule_id: String,
    pub giver_id: String,
    pub receiver_id: Option<String>,
    /// `pending`, `succeeded` or `returned`.
    pub status: String,
    pub started_at: String,
    pub expires_at: String,
    pub received_at: Option<String>,
    pub log: Vec<TransferStepView>,
}

impl From<&Transfer> for TransferView {
    fn from(x: &Transfer) -> Self {
        Self {
            id: x.id.clone(),
            coupon_id: x.coupon_id.clone(),
            rule_id: x.rule_id.clone(),
            giver_id: x.giver_id.clone(),
            receiver_id: x.receiver_id.clone(),
            status: x.status.as_str().to_string(),
            started_at: rfc3339(x.started_at_ms),
            expires_at: rfc3339(x.expires_at_ms),
            received_at: x.received_at_ms.map(rfc3339),
            log: x
                .log
                .iter()
                .map(|s| TransferStepView {
                    at: rfc3339(s.at_ms),
                    scene: s.scene.clone(),
                    from: s.from.clone(),
                    to: s.to.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransferPage {
    pub items: Vec<TransferView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}
