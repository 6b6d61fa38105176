//! Store ports for the coupon center.

use crate::coupons::model::{
    ApprovalRecord, Coupon, CouponFilter, CouponRule, IssuanceRecord, Move, RuleFilter, RuleTotals,
    Transfer, TransferFilter, Usage,
};
use crate::error::AppResult;
use crate::model::{ListQuery, Page};
use async_trait::async_trait;
use patron_domain::ids::TenantId;

#[async_trait]
pub trait CouponsReads: Send {
    async fn coupon_rule(&mut self, t: TenantId, id: &str) -> AppResult<Option<CouponRule>>;
    /// Rules newest first; deleted rules only when the filter asks for them. `q` searches the
    /// name and the rule number.
    async fn coupon_rules(
        &mut self,
        t: TenantId,
        f: &RuleFilter,
        q: &ListQuery,
    ) -> AppResult<Page<CouponRule>>;
    async fn coupon_rule_approvals(
        &mut self,
        t: TenantId,
        rule_id: &str,
    ) -> AppResult<Vec<ApprovalRecord>>;
    async fn coupon_rule_issuances(
        &mut self,
        t: TenantId,
        rule_id: &str,
    ) -> AppResult<Vec<IssuanceRecord>>;
    async fn coupon_rule_totals(&mut self, t: TenantId, rule_id: &str) -> AppResult<RuleTotals>;

    async fn coupon(&mut self, t: TenantId, id: &str) -> AppResult<Option<Coupon>>;
    async fn coupons_by_codes(&mut self, t: TenantId, codes: &[String]) -> AppResult<Vec<Coupon>>;
    /// Coupons newest first.
    async fn coupons(
        &mut self,
        t: TenantId,
        f: &CouponFilter,
        q: &ListQuery,
    ) -> AppResult<Page<Coupon>>;
    /// How many coupons of the rule the customer holds or held (claim limits).
    async fn coupons_held(
        &mut self,
        t: TenantId,
        rule_id: &str,
        customer_id: &str,
    ) -> AppResult<i64>;
    /// The customers behind the cards of members in good standing (not frozen or cancelled) of
    /// a program, as (card number, customer id); unknown cards are left out.
    async fn holders_by_cards(
        &mut self,
        t: TenantId,
        program_id: &str,
        cards: &[String],
    ) -> AppResult<Vec<(String, String)>>;
    /// The coupon bought with points redemption `record_id`.
    async fn coupon_of_redemption(
        &mut self,
        t: TenantId,
        record_id: &str,
    ) -> AppResult<Option<Coupon>>;
    async fn coupons_of_order(&mut self, t: TenantId, order_id: &str) -> AppResult<Vec<Coupon>>;

    async fn coupon_transfer(&mut self, t: TenantId, id: &str) -> AppResult<Option<Transfer>>;
    async fn coupon_transfers(
        &mut self,
        t: TenantId,
        f: &TransferFilter,
        q: &ListQuery,
    ) -> AppResult<Page<Transfer>>;
    /// Pending transfers whose window closed before `before_ms`, at most `limit`.
    async fn lapsed_transfers(
        &mut self,
        t: TenantId,
        before_ms: i64,
        limit: i64,
    ) -> AppResult<Vec<Transfer>>;
}

#[async_trait]
pub trait CouponsWrites: Send {
    /// The next number of the tenant's daily rule sequence for `day` (YYYYMMDD): 1, 2, …
    async fn next_coupon_rule_seq(&mut self, t: TenantId, day: &str) -> AppResult<i64>;
    async fn insert_coupon_rule(&mut self, r: &CouponRule) -> AppResult<()>;
    /// Replaces the terms and states (not the stock counters).
    async fn update_coupon_rule(&mut self, r: &CouponRule) -> AppResult<()>;
    /// Takes `n` coupons from a published rule's stock: false when less than `n` remain or the
    /// rule is not published. One conditional statement, so stock is never oversold.
    async fn take_coupon_stock(&mut self, t: TenantId, rule_id: &str, n: i64) -> AppResult<bool>;
    /// Gives `n` back to the stock (codes that could not be written).
    async fn return_coupon_stock(&mut self, t: TenantId, rule_id: &str, n: i64) -> AppResult<()>;
    async fn add_coupon_stock(&mut self, t: TenantId, rule_id: &str, n: i64) -> AppResult<()>;
    async fn insert_coupon_approval(&mut self, t: TenantId, a: &ApprovalRecord) -> AppResult<()>;
    async fn insert_coupon_issuance(&mut self, t: TenantId, i: &IssuanceRecord) -> AppResult<()>;

    /// Inserts coupons whose codes are free; returns the codes that were taken already (to be
    /// drawn again).
    async fn insert_coupons(&mut self, coupons: &[Coupon]) -> AppResult<Vec<String>>;
    /// Marks an issued coupon used: false when it was not issued any more (used by a
    /// concurrent order, transferring, expired).
    async fn use_coupon(&mut self, t: TenantId, id: &str, usage: &Usage) -> AppResult<bool>;
    /// Makes the move (see [`Move`]): false when the coupon was not in its `from` state.
    async fn move_coupon(&mut self, t: TenantId, m: &Move<'_>, now_ms: i64) -> AppResult<bool>;
    /// Expires issued coupons whose window ended before `before_ms`; how many.
    async fn expire_coupons(&mut self, t: TenantId, before_ms: i64, now_ms: i64) -> AppResult<u64>;

    async fn insert_coupon_transfer(&mut self, x: &Transfer) -> AppResult<()>;
    /// Saves a transfer's status, receiver and log: false when it was not pending any more.
    async fn finish_coupon_transfer(&mut self, x: &Transfer) -> AppResult<bool>;
}
