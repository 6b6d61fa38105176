//! An order as a channel sends it, checked. Orders are facts that already happened at a till,
//! so only what cannot be right is refused here: negative or missing amounts on a normal order,
//! quantities below one, no lines. Unknown products are the application's business (kept and
//! flagged). A refund's amounts and quantities may arrive with either sign (§9.5, both
//! conventions are observed); `direction` is authoritative and they are normalised to magnitudes
//! here, stored negative later.

use crate::channel::Channel;
use crate::money::{parse_yuan, MAX_FEN};
use crate::text::bounded;
use crate::ValidationError;

/// The most lines one order may have.
pub const MAX_LINES: usize = 1000;
/// The most units one line may have.
pub const MAX_QUANTITY: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Normal,
    Refund,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Refund => "refund",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "normal" => Some(Self::Normal),
            "refund" => Some(Self::Refund),
            _ => None,
        }
    }

    /// +1 or −1: the sign amounts and quantities are stored with.
    pub fn sign(self) -> i64 {
        match self {
            Self::Normal => 1,
            Self::Refund => -1,
        }
    }
}

/// A line as sent. Amounts are decimal yuan text ("12.50"); absent ones default as documented.
#[derive(Debug, Clone, Default)]
pub struct LineInput {
    pub product_code: String,
    pub product_title: Option<String>,
    pub quantity: i64,
    pub unit_price: Option<String>,
    /// Defaults to unit price × quantity.
    pub original_amount: Option<String>,
    /// Defaults to the original amount.
    pub receivable_amount: Option<String>,
    pub coupon_amount: Option<String>,
    pub discount_amount: Option<String>,
    /// The amount received; required on a normal order. A refund line without it returns the
    /// original line's amounts in proportion to the quantity.
    pub net_amount: Option<String>,
    pub net_amount_ex_tax: Option<String>,
    /// The amount counted for points; defaults to the net amount.
    pub points_amount: Option<String>,
    /// Refunds: the original line this returns (else matched by product).
    pub original_line_no: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct PaymentInput {
    pub method: String,
    pub method_name: Option<String>,
    pub amount: String,
    /// Defaults to the amount.
    pub received_amount: Option<String>,
    pub coupon_code: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DiscountInput {
    pub kind: String,
    pub code: Option<String>,
    pub amount: String,
    pub reference: Option<String>,
}

/// Who the order belongs to, as the channel knows them; at most one is used, in this order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberRef {
    pub card_no: Option<String>,
    pub phone: Option<String>,
    /// A channel account id (openid, a shop's buyer id) of the order's channel.
    pub channel_id: Option<String>,
    pub customer_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct OrderInput {
    pub direction: Option<String>,
    pub channel: String,
    pub external_no: String,
    /// Refunds: the original's external number in the same channel.
    pub original_order_no: Option<String>,
    pub store: String,
    pub member: MemberRef,
    pub order_type: Option<String>,
    pub ordered_at_ms: i64,
    pub paid_at_ms: Option<i64>,
    pub employee: Option<String>,
    pub salesperson: Option<String>,
    pub guest_count: Option<i64>,
    pub remark: Option<String>,
    /// Header amounts; total defaults to the sum of the lines' net amounts, receivable to the
    /// total, discount to 0, paid to the receivable.
    pub total: Option<String>,
    pub receivable: Option<String>,
    pub discount: Option<String>,
    pub paid: Option<String>,
    pub lines: Vec<LineInput>,
    pub payments: Vec<PaymentInput>,
    pub discounts: Vec<DiscountInput>,
    /// Points the member spends on this order (paying with points), as (point group, points).
    pub points_used: Option<(String, i64)>,
    /// Codes of coupons the member uses on this order (checked and redeemed with it).
    pub coupons: Vec<String>,
}

/// The most points one order may spend.
pub const MAX_POINTS_USED: i64 = 100_000_000;

/// Points a member spends on an order, taken FIFO from the group's account with the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsUse {
    pub point_group: String,
    pub points: i64,
}

/// A checked line; amounts in fen, magnitudes (signs come from the direction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLine {
    pub line_no: i64,
    pub product_code: String,
    pub product_title: Option<String>,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub original_fen: i64,
    pub receivable_fen: i64,
    pub coupon_fen: i64,
    pub discount_fen: i64,
    pub net_fen: i64,
    pub net_ex_tax_fen: Option<i64>,
    pub points_amount_fen: i64,
    pub original_line_no: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub method: String,
    pub method_name: Option<String>,
    pub paid_fen: i64,
    pub received_fen: i64,
    pub coupon_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDiscount {
    pub kind: String,
    pub code: Option<String>,
    pub amount_fen: i64,
    pub reference: Option<String>,
}

/// A checked order. A refund may have no lines: it then returns everything that remains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub direction: Direction,
    pub channel: Channel,
    pub external_no: String,
    pub original_order_no: Option<String>,
    pub store: String,
    pub member: MemberRef,
    pub order_type: Option<String>,
    pub ordered_at_ms: i64,
    pub paid_at_ms: Option<i64>,
    pub employee: Option<String>,
    pub salesperson: Option<String>,
    pub guest_count: Option<i64>,
    pub remark: Option<String>,
    pub total_fen: i64,
    pub receivable_fen: i64,
    pub discount_fen: i64,
    pub paid_fen: i64,
    pub lines: Vec<NewLine>,
    /// Per line: whether its amounts were given (a refund line's may follow the quantity).
    pub amounts_given: Vec<bool>,
    pub payments: Vec<NewPayment>,
    pub discounts: Vec<NewDiscount>,
    pub points_used: Option<PointsUse>,
    /// Coupon codes as sent (trimmed); the coupon center checks them.
    pub coupons: Vec<String>,
}

/// The most coupons one order may use.
pub const MAX_COUPONS: usize = 20;

impl NewOrder {
    pub fn item_quantity(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }
}

fn opt_text(
    field: &'static str,
    raw: &Option<String>,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, 1, max).map(Some),
    }
}

/// Parses an amount: a refund's may carry a minus sign (normalised away), a normal order's
/// may not.
fn amount(field: &'static str, raw: &str, d: Direction) -> Result<i64, ValidationError> {
    let text = raw.trim();
    match (d, text.strip_prefix('-')) {
        (Direction::Refund, Some(rest)) => parse_yuan(field, rest),
        _ => parse_yuan(field, text),
    }
}

fn opt_amount(
    field: &'static str,
    raw: &Option<String>,
    d: Direction,
) -> Result<Option<i64>, ValidationError> {
    raw.as_deref().map(|r| amount(field, r, d)).transpose()
}

fn line(i: usize, l: &LineInput, d: Direction) -> Result<NewLine, ValidationError> {
    let quantity = match d {
        Direction::Refund => l.quantity.abs(),
        Direction::Normal => l.quantity,
    };
    if quantity < 0 {
        return Err(ValidationError::new(
            "lines",
            "negative_quantity",
            format!(
                "line {}: a normal order's quantity must not be negative",
                i + 1
            ),
        ));
    }
    if quantity == 0 || quantity > MAX_QUANTITY {
        return Err(ValidationError::new(
            "lines",
            "invalid_quantity",
            format!(
                "line {}: the quantity must be between 1 and {MAX_QUANTITY}",
                i + 1
            ),
        ));
    }
    let unit_price_fen = opt_amount("unit_price", &l.unit_price, d)?.unwrap_or(0);
    let original_fen = match opt_amount("original_amount", &l.original_amount, d)? {
        Some(v) => v,
        None => unit_price_fen
            .checked_mul(quantity)
            .filter(|v| *v <= MAX_FEN)
            .ok_or_else(|| {
                ValidationError::new("lines", "invalid_amount", "the line amount is too large")
            })?,
    };
    let net_fen = match (&l.net_amount, d) {
        (Some(raw), _) => amount("net_amount", raw, d)?,
        (None, Direction::Refund) => 0,
        (None, Direction::Normal) => {
            return Err(ValidationError::new(
                "lines",
                "too_short",
                format!("line {}: the net amount is required", i + 1),
            ))
        }
    };
    Ok(NewLine {
        line_no: i64::try_from(i).unwrap_or(i64::MAX) + 1,
        product_code: bounded("product_code", &l.product_code, 1, 64)?,
        product_title: opt_text("product_title", &l.product_title, 200)?,
        quantity,
        unit_price_fen,
        original_fen,
        receivable_fen: opt_amount("receivable_amount", &l.receivable_amount, d)?
            .unwrap_or(original_fen),
        coupon_fen: opt_amount("coupon_amount", &l.coupon_amount, d)?.unwrap_or(0),
        discount_fen: opt_amount("discount_amount", &l.discount_amount, d)?.unwrap_or(0),
        net_fen,
        net_ex_tax_fen: opt_amount("net_amount_ex_tax", &l.net_amount_ex_tax, d)?,
        points_amount_fen: opt_amount("points_amount", &l.points_amount, d)?.unwrap_or(net_fen),
        original_line_no: l.original_line_no,
    })
}

impl OrderInput {
    /// Checks every field; nothing is read.
    pub fn parse(&self) -> Result<NewOrder, ValidationError> {
        let direction = match self.direction.as_deref().map(str::trim) {
            None | Some("") => Direction::Normal,
            Some(raw) => Direction::parse(raw).ok_or_else(|| {
                ValidationError::new("direction", "invalid_direction", "must be normal or refund")
            })?,
        };
        let d = direction;
        let original_order_no = opt_text("original_order_no", &self.original_order_no, 64)?;
        match (d, &original_order_no) {
            (Direction::Refund, None) => {
                return Err(ValidationError::new(
                    "original_order_no",
                    "too_short",
                    "a refund names the original order",
                ))
            }
            (Direction::Normal, Some(_)) => {
                return Err(ValidationError::new(
                    "original_order_no",
                    "not_a_refund",
                    "only a refund names an original order",
                ))
            }
            _ => {}
        }
        if d == Direction::Normal && self.lines.is_empty() {
            return Err(ValidationError::new(
                "lines",
                "lines_required",
                "an order has at least one line",
            ));
        }
        if self.lines.len() > MAX_LINES {
            return Err(ValidationError::new(
                "lines",
                "too_many_lines",
                format!("an order has at most {MAX_LINES} lines"),
            ));
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| line(i, l, d))
            .collect::<Result<Vec<_>, _>>()?;
        let net_sum: i64 = lines.iter().map(|l| l.net_fen).sum();
        let total_fen = opt_amount("total", &self.total, d)?.unwrap_or(net_sum);
        let receivable_fen = opt_amount("receivable", &self.receivable, d)?.unwrap_or(total_fen);
        let payments = self
            .payments
            .iter()
            .map(|p| {
                let paid_fen = amount("payments", &p.amount, d)?;
                Ok(NewPayment {
                    method: bounded("payments", &p.method, 1, 64)?,
                    method_name: opt_text("payments", &p.method_name, 100)?,
                    paid_fen,
                    received_fen: opt_amount("payments", &p.received_amount, d)?
                        .unwrap_or(paid_fen),
                    coupon_code: opt_text("payments", &p.coupon_code, 64)?,
                })
            })
            .collect::<Result<Vec<_>, ValidationError>>()?;
        let discounts = self
            .discounts
            .iter()
            .map(|x| {
                Ok(NewDiscount {
                    kind: bounded("discounts", &x.kind, 1, 64)?,
                    code: opt_text("discounts", &x.code, 64)?,
                    amount_fen: amount("discounts", &x.amount, d)?,
                    reference: opt_text("discounts", &x.reference, 100)?,
                })
            })
            .collect::<Result<Vec<_>, ValidationError>>()?;
        let points_used = match &self.points_used {
            None => None,
            Some(_) if d == Direction::Refund => {
                return Err(ValidationError::new(
                    "points_used",
                    "points_on_refund",
                    "a refund returns the points its original used; it spends none",
                ))
            }
            Some((group, points)) => {
                if !(1..=MAX_POINTS_USED).contains(points) {
                    return Err(ValidationError::new(
                        "points_used",
                        "invalid_points",
                        "must be a whole number of points from 1 to 100,000,000",
                    ));
                }
                Some(PointsUse {
                    point_group: bounded("points_used", group, 1, 64)?,
                    points: *points,
                })
            }
        };
        if !self.coupons.is_empty() && d == Direction::Refund {
            return Err(ValidationError::new(
                "coupons",
                "coupons_on_refund",
                "a refund uses no coupons; the original's come back when the rule says so",
            ));
        }
        if self.coupons.len() > MAX_COUPONS {
            return Err(ValidationError::new(
                "coupons",
                "too_many_coupons",
                format!("at most {MAX_COUPONS} coupons per order"),
            ));
        }
        let coupons = self
            .coupons
            .iter()
            .map(|c| bounded("coupons", c, 1, 32))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(n) = self.guest_count {
            if !(0..=10_000).contains(&n) {
                return Err(ValidationError::new(
                    "guest_count",
                    "invalid_count",
                    "must be between 0 and 10,000",
                ));
            }
        }
        Ok(NewOrder {
            direction,
            channel: Channel::parse_field("channel", &self.channel)?,
            external_no: bounded("external_no", &self.external_no, 1, 64)?,
            original_order_no,
            store: bounded("store", &self.store, 1, 64)?,
            member: MemberRef {
                card_no: opt_text("member", &self.member.card_no, 64)?,
                phone: opt_text("member", &self.member.phone, 32)?,
                channel_id: opt_text("member", &self.member.channel_id, 128)?,
                customer_id: opt_text("member", &self.member.customer_id, 64)?,
            },
            order_type: opt_text("order_type", &self.order_type, 32)?,
            ordered_at_ms: self.ordered_at_ms,
            paid_at_ms: self.paid_at_ms,
            employee: opt_text("employee", &self.employee, 64)?,
            salesperson: opt_text("salesperson", &self.salesperson, 64)?,
            guest_count: self.guest_count,
            remark: opt_text("remark", &self.remark, 500)?,
            total_fen,
            receivable_fen,
            discount_fen: opt_amount("discount", &self.discount, d)?.unwrap_or(0),
            paid_fen: opt_amount("paid", &self.paid, d)?.unwrap_or(receivable_fen),
            amounts_given: self.lines.iter().map(|l| l.net_amount.is_some()).collect(),
            lines,
            payments,
            discounts,
            points_used,
            coupons,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(direction: Option<&str>, points_used: Option<(&str, i64)>) -> OrderInput {
        OrderInput {
            direction: direction.map(str::to_string),
            channel: "pos".into(),
            external_no: "A1".into(),
            original_order_no: direction.map(|_| "A0".to_string()),
            store: "S1".into(),
            lines: vec![LineInput {
                product_code: "P1".into(),
                quantity: 1,
                net_amount: Some("10.00".into()),
                ..LineInput::default()
            }],
            points_used: points_used.map(|(g, p)| (g.to_string(), p)),
            ..OrderInput::default()
        }
    }

    fn code(o: OrderInput) -> &'static str {
        o.parse().err().map_or("ok", |e| e.code)
    }

    #[test]
    fn points_used_are_whole_points_of_a_group_on_normal_orders_only() {
        let used = order(None, Some(("G1", 100_000_000))).parse().unwrap();
        assert_eq!(
            used.points_used,
            Some(PointsUse {
                point_group: "G1".into(),
                points: 100_000_000
            })
        );
        assert_eq!(code(order(None, Some(("G1", 0)))), "invalid_points");
        assert_eq!(code(order(None, Some(("G1", -5)))), "invalid_points");
        assert_eq!(
            code(order(None, Some(("G1", 100_000_001)))),
            "invalid_points"
        );
        assert_eq!(code(order(None, Some(("", 5)))), "too_short");
        assert_eq!(
            code(order(Some("refund"), Some(("G1", 5)))),
            "points_on_refund"
        );
        assert_eq!(code(order(Some("refund"), None)), "ok");
    }
}
