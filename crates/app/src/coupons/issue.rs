//! Handing coupons out (§11.6): a member claims one from a rule open to public claim, or a
//! campaign issues them to a list of members. Stock is taken first, with one conditional
//! statement, so concurrent claims never oversell; each coupon gets a fresh random code, drawn
//! again in the rare case it is taken.

use super::model::Move;
use super::model::{Coupon, CouponRule};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::members::model::MemberAccount;
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::coupons::code;
use patron_domain::coupons::status::{CouponSource, CouponStatus};
use patron_domain::coupons::validity::{self, Window};
use patron_domain::ids::{MemberId, TenantId};
use patron_domain::member::MemberStatus;
use patron_domain::rbac::Permission;
use rand::{RngCore, SeedableRng};
use serde_json::json;

/// The most members one issue request may name.
pub const MAX_ISSUE: usize = 10_000;

pub(crate) async fn rule_of(tx: &mut dyn Tx, t: TenantId, id: &str) -> AppResult<CouponRule> {
    tx.coupon_rule(t, id)
        .await?
        .ok_or(AppError::NotFound("coupon rule"))
}

fn stock_exhausted(rule: &CouponRule, n: i64) -> AppError {
    AppError::conflict(
        "coupon_stock_exhausted",
        None,
        format!(
            "{} coupons asked, {} left in stock",
            n,
            rule.remaining().max(0)
        ),
    )
}

/// The window of coupons handed out now; refused when the rule's validity has ended.
pub(crate) async fn window_now(tx: &mut dyn Tx, ctx: &Ctx, rule: &CouponRule) -> AppResult<Window> {
    let tz = crate::tenants::zone(&mut *tx, rule.tenant_id).await?;
    validity::window(&rule.terms().validity, ctx.now_ms, tz).ok_or_else(|| {
        AppError::conflict(
            "coupon_rule_ended",
            None,
            "the rule's validity has ended: its coupons could not be used",
        )
    })
}

/// Takes `n` from the rule's stock or refuses.
async fn take(tx: &mut dyn Tx, rule: &CouponRule, n: i64) -> AppResult<()> {
    if tx.take_coupon_stock(rule.tenant_id, &rule.id, n).await? {
        return Ok(());
    }
    // Tell apart an unpublished rule from an empty one, as of now.
    let now = rule_of(tx, rule.tenant_id, &rule.id).await?;
    now.state()
        .published()
        .map_err(|(code, message)| AppError::conflict(code, None, message))?;
    Err(stock_exhausted(&now, n))
}

/// How coupons came to their holders.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    pub source: CouponSource,
    pub campaign: Option<&'a str>,
    /// The points redemption that bought the coupon.
    pub redemption_id: Option<&'a str>,
}

/// New coupons for `holders` (customer ids), codes drawn at random and written; stock must
/// already be taken.
pub(crate) async fn write_coupons(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    rule: &CouponRule,
    holders: &[String],
    window: Window,
    origin: Origin<'_>,
) -> AppResult<Vec<Coupon>> {
    let Origin {
        source,
        campaign,
        redemption_id,
    } = origin;
    // A CSPRNG seeded from the OS (and `Send`, unlike the thread-local one).
    let mut rng = rand::rngs::StdRng::from_entropy();
    let mut coupons: Vec<Coupon> = holders
        .iter()
        .map(|customer| Coupon {
            tenant_id: rule.tenant_id,
            id: new_uuid().to_string(),
            code: code::from_random(rng.next_u64()),
            rule_id: rule.id.clone(),
            customer_id: customer.clone(),
            status: CouponStatus::Issued,
            source,
            campaign: campaign.map(str::to_string),
            window,
            issued_at_ms: ctx.now_ms,
            redemption_id: redemption_id.map(str::to_string),
            usage: None,
            updated_at_ms: ctx.now_ms,
        })
        .collect();
    let mut pending: Vec<usize> = (0..coupons.len()).collect();
    // A taken code is drawn again; three rounds without a free code would mean the code space
    // is nearly full, which 10^15 codes make impossible in practice.
    for _ in 0..3 {
        let batch: Vec<Coupon> = pending.iter().map(|i| coupons[*i].clone()).collect();
        let taken = tx.insert_coupons(&batch).await?;
        if taken.is_empty() {
            return Ok(coupons);
        }
        pending.retain(|i| taken.contains(&coupons[*i].code));
        for i in &pending {
            coupons[*i].code = code::from_random(rng.next_u64());
            coupons[*i].id = new_uuid().to_string();
        }
    }
    Err(AppError::Store(
        "no free coupon code after three draws".into(),
    ))
}

/// A member claims a coupon (公开领取), within the rule's limit per member.
pub async fn claim(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    rule_id: &str,
    member: MemberId,
) -> AppResult<Coupon> {
    ctx.principal.require(Permission::CouponsIssue)?;
    let t = ctx.principal.tenant()?;
    let rule = rule_of(tx, t, rule_id).await?;
    let m = holder(tx, t, &rule, member).await?;
    if !rule.spec.public_claim {
        return Err(AppError::conflict(
            "coupon_not_claimable",
            None,
            "this rule's coupons are issued by campaigns, not claimed",
        ));
    }
    let window = window_now(tx, ctx, &rule).await?;
    take(tx, &rule, 1).await?;
    // After the stock's row lock: concurrent claims of one member are counted one at a time.
    if let Some(limit) = rule.spec.per_member_limit {
        let held = tx
            .coupons_held(t, rule_id, &m.customer_id.to_string())
            .await?;
        if held >= limit {
            return Err(AppError::conflict(
                "coupon_claim_limit",
                None,
                format!("a member may claim {limit} of these coupons"),
            ));
        }
    }
    let mut written = write_coupons(
        tx,
        ctx,
        &rule,
        &[m.customer_id.to_string()],
        window,
        Origin {
            source: CouponSource::Claim,
            campaign: None,
            redemption_id: None,
        },
    )
    .await?;
    written
        .pop()
        .ok_or_else(|| AppError::Store("no coupon written".into()))
}

/// The member, in good standing and of the rule's program.
pub(crate) async fn holder(
    tx: &mut dyn Tx,
    t: TenantId,
    rule: &CouponRule,
    member: MemberId,
) -> AppResult<MemberAccount> {
    let m = tx
        .member(t, member)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    if m.program_id != rule.spec.program_id {
        return Err(AppError::conflict(
            "member_not_in_program",
            None,
            "the member belongs to another loyalty program than the rule",
        ));
    }
    if m.status != MemberStatus::Normal {
        return Err(AppError::conflict(
            "member_not_active",
            None,
            "the member is frozen or cancelled",
        ));
    }
    Ok(m)
}

/// What a campaign issue did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub issued: i64,
    /// Cards that are not members in good standing of the rule's program.
    pub unknown_cards: Vec<String>,
    /// The coupons written, in the order of the cards.
    pub coupons: Vec<Coupon>,
}

/// Issues one coupon to each member named by card number (活动发券); a card named twice gets
/// two. All or nothing: if the stock cannot cover every known member, nothing is issued.
pub async fn issue(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    rule_id: &str,
    cards: &[String],
    campaign: Option<&str>,
) -> AppResult<Issued> {
    ctx.principal.require(Permission::CouponsIssue)?;
    let t = ctx.principal.tenant()?;
    if cards.is_empty() || cards.len() > MAX_ISSUE {
        return Err(patron_domain::ValidationError::new(
            "cards",
            "out_of_range",
            format!("name between 1 and {MAX_ISSUE} members"),
        )
        .into());
    }
    let campaign = campaign
        .map(|c| patron_domain::text::bounded("campaign", c, 1, 100))
        .transpose()?;
    let rule = rule_of(tx, t, rule_id).await?;
    if !rule.spec.campaign_issue {
        return Err(AppError::conflict(
            "coupon_not_issuable",
            None,
            "this rule's coupons are claimed by members, not issued by campaigns",
        ));
    }
    let window = window_now(tx, ctx, &rule).await?;
    let mut distinct: Vec<String> = cards.iter().map(|c| c.trim().to_string()).collect();
    distinct.sort();
    distinct.dedup();
    let mut found = std::collections::HashMap::new();
    for chunk in distinct.chunks(1000) {
        found.extend(tx.holders_by_cards(t, &rule.spec.program_id, chunk).await?);
    }
    let mut holders = Vec::with_capacity(cards.len());
    let mut unknown_cards = Vec::new();
    for card in cards {
        match found.get(card.trim()) {
            Some(customer) => holders.push(customer.clone()),
            None => unknown_cards.push(card.trim().to_string()),
        }
    }
    let n = i64::try_from(holders.len()).unwrap_or(i64::MAX);
    if n > 0 {
        take(tx, &rule, n).await?;
    }
    let coupons = write_coupons(
        tx,
        ctx,
        &rule,
        &holders,
        window,
        Origin {
            source: CouponSource::Issue,
            campaign: campaign.as_deref(),
            redemption_id: None,
        },
    )
    .await?;
    let change = Change {
        action: "coupon.issue",
        object_type: "coupon_rule",
        object_id: rule.id.clone(),
        before: None,
        after: Some(
            json!({"issued": n, "unknown_cards": unknown_cards.len(), "campaign": campaign}),
        ),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(Issued {
        issued: n,
        unknown_cards,
        coupons,
    })
}

/// What buying a coupon with points wrote.
#[derive(Debug, Clone)]
pub struct Bought {
    pub coupon: Coupon,
    pub points: crate::points::redeem::Posted,
}

/// A member buys a coupon of a public-claim rule with points (§10.3 type 6, 积分兑换优惠券):
/// stock and the claim limit as for a claim, the points taken FIFO in the same transaction.
/// Cancelling the redemption (`points::redeem::cancel`) voids the coupon while it is unused.
pub async fn buy(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    rule_id: &str,
    member: MemberId,
    point_group: &str,
    points: i64,
) -> AppResult<Bought> {
    use crate::points::ledger;
    use patron_domain::points::Operation;
    ctx.principal.require(Permission::PointsRedeem)?;
    let t = ctx.principal.tenant()?;
    let rule = rule_of(tx, t, rule_id).await?;
    let redemption =
        crate::points::redeem::Redemption::parse(point_group, points, &rule.spec.name)?;
    let m = holder(tx, t, &rule, member).await?;
    if !rule.spec.public_claim {
        return Err(AppError::conflict(
            "coupon_not_claimable",
            None,
            "this rule's coupons are issued by campaigns, not claimed",
        ));
    }
    let window = window_now(tx, ctx, &rule).await?;
    take(tx, &rule, 1).await?;
    if let Some(limit) = rule.spec.per_member_limit {
        if tx
            .coupons_held(t, rule_id, &m.customer_id.to_string())
            .await?
            >= limit
        {
            return Err(AppError::conflict(
                "coupon_claim_limit",
                None,
                format!("a member may claim {limit} of these coupons"),
            ));
        }
    }
    let (account, mut book) =
        ledger::open(tx, t, member, &redemption.point_group, ctx.now_ms).await?;
    let posting = book
        .spend(
            new_uuid().to_string(),
            Operation::RedeemCoupon,
            redemption.points,
            ctx.now_ms,
        )
        .map_err(ledger::insufficient)?;
    let record = ledger::new_record(ctx, &account, Some(format!("coupon: {}", rule.spec.name)));
    let record = ledger::write(tx, &book, &posting, record, ctx.now_ms).await?;
    let mut written = write_coupons(
        tx,
        ctx,
        &rule,
        &[m.customer_id.to_string()],
        window,
        Origin {
            source: CouponSource::Points,
            campaign: None,
            redemption_id: Some(&record.id),
        },
    )
    .await?;
    let coupon = written
        .pop()
        .ok_or_else(|| AppError::Store("no coupon written".into()))?;
    Ok(Bought {
        coupon,
        points: crate::points::redeem::Posted {
            records: vec![record],
            account: ledger::with_balances(account, &book, ctx.now_ms),
        },
    })
}

/// Voids the coupon bought with redemption `record_id`, which is being cancelled, and gives its
/// stock back; refused once the coupon was used, is being given away or has expired.
pub(crate) async fn void_bought(tx: &mut dyn Tx, ctx: &Ctx, record_id: &str) -> AppResult<()> {
    let t = ctx.principal.tenant()?;
    let Some(coupon) = tx.coupon_of_redemption(t, record_id).await? else {
        return Ok(());
    };
    let voided = tx
        .move_coupon(
            t,
            &Move {
                id: &coupon.id,
                from: CouponStatus::Issued,
                to: CouponStatus::Void,
                owner: None,
                window: None,
            },
            ctx.now_ms,
        )
        .await?;
    if !voided {
        return Err(AppError::conflict(
            "coupon_used",
            None,
            "the coupon bought with these points was used, is being given away or has expired",
        ));
    }
    tx.return_coupon_stock(t, &coupon.rule_id, 1).await
}
