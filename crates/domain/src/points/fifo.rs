//! Which earning records a deduction is taken from (§10.6).
//!
//! Candidates are the account's increase records with points remaining that have not expired at
//! the deduction's time; the earliest expiry goes first (records that never expire last), then
//! the earliest created. Each source used becomes one relation holding the points taken from it.
//! A refund's reversal takes first from the original order's own records; the caller passes
//! those as `preferred` and FIFO covers any shortfall.

use chrono::NaiveDate;
use chrono_tz::Tz;

/// An increase record as a source of points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earning<Id> {
    pub id: Id,
    /// Points not yet consumed, expired or reversed.
    pub remaining: i64,
    pub expires_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

/// Points taken from one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation<Id> {
    pub source: Id,
    pub points: i64,
}

/// The deduction is larger than what the candidates hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub wanted: i64,
    pub available: i64,
}

fn usable<Id>(e: &Earning<Id>, at_ms: i64) -> bool {
    e.remaining > 0 && e.expires_at_ms.is_none_or(|x| x >= at_ms)
}

/// The FIFO order: earliest expiry first, no expiry last, then earliest created.
fn fifo_key<Id>(e: &Earning<Id>) -> (i64, i64) {
    (e.expires_at_ms.unwrap_or(i64::MAX), e.created_at_ms)
}

/// Allocates `points` (> 0) at `at_ms`: from `preferred` first (in the order given), then from
/// `pool` in FIFO order. Returns the allocations and any part left uncovered; the caller
/// decides whether that is refused (a redemption) or recorded as debt (a refund's reversal).
/// A source listed in both is used once.
pub fn allocate<Id: Clone + PartialEq>(
    points: i64,
    at_ms: i64,
    preferred: &[Earning<Id>],
    pool: &[Earning<Id>],
) -> (Vec<Allocation<Id>>, i64) {
    let mut left = points.max(0);
    let mut taken: Vec<Allocation<Id>> = Vec::new();
    let mut fifo: Vec<&Earning<Id>> = pool.iter().filter(|e| usable(e, at_ms)).collect();
    fifo.sort_by_key(|e| fifo_key(e));
    let sources = preferred.iter().filter(|e| usable(e, at_ms)).chain(fifo);
    for e in sources {
        if left == 0 {
            break;
        }
        if taken.iter().any(|a| a.source == e.id) {
            continue;
        }
        let take = e.remaining.min(left);
        taken.push(Allocation {
            source: e.id.clone(),
            points: take,
        });
        left -= take;
    }
    (taken, left)
}

/// [`allocate`] for a deduction that must be covered in full (redemptions, manual and behaviour
/// decreases): nothing is allocated when it cannot be.
pub fn allocate_all<Id: Clone + PartialEq>(
    points: i64,
    at_ms: i64,
    pool: &[Earning<Id>],
) -> Result<Vec<Allocation<Id>>, Shortfall> {
    let (taken, left) = allocate(points, at_ms, &[], pool);
    if left > 0 {
        return Err(Shortfall {
            wanted: points,
            available: points - left,
        });
    }
    Ok(taken)
}

/// The expiry of points a refund or a cancelled redemption gives back from a source: the
/// source's own, or, when that has passed, the end of the day after `now` in the tenant's zone
/// (a day's grace; §10.6).
pub fn returned_expiry(source_expires_at_ms: Option<i64>, now_ms: i64, tz: Tz) -> Option<i64> {
    match source_expires_at_ms {
        Some(x) if x < now_ms => {
            let today: NaiveDate = chrono::DateTime::from_timestamp_millis(now_ms)?
                .with_timezone(&tz)
                .date_naive();
            crate::loyalty::tier::end_of_day_ms(today.succ_opt()?, tz)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> i64 {
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(y, m, d, 10, 0, 0)
            .unwrap()
            .timestamp_millis()
    }
    fn end_of(y: i32, m: u32, d: u32) -> i64 {
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(y, m, d, 23, 59, 59)
            .unwrap()
            .timestamp_millis()
            + 999
    }
    fn earning(
        id: &'static str,
        remaining: i64,
        expires: Option<i64>,
        created: i64,
    ) -> Earning<&'static str> {
        Earning {
            id,
            remaining,
            expires_at_ms: expires,
            created_at_ms: created,
        }
    }

    /// §10.6's worked example: A +200 and B +300 expire 2021-12-31, C +500 on 2022-03-01.
    fn example() -> Vec<Earning<&'static str>> {
        vec![
            earning("A", 200, Some(end_of(2021, 12, 31)), at(2021, 1, 5)),
            earning("B", 300, Some(end_of(2021, 12, 31)), at(2021, 1, 3)),
            earning("C", 500, Some(end_of(2022, 3, 1)), at(2021, 1, 1)),
        ]
    }

    #[test]
    fn redeeming_400_takes_b_then_a_and_leaves_c() {
        let taken = allocate_all(400, at(2021, 6, 1), &example()).unwrap();
        assert_eq!(
            taken,
            vec![
                Allocation {
                    source: "B",
                    points: 300
                },
                Allocation {
                    source: "A",
                    points: 100
                },
            ]
        );
    }

    #[test]
    fn returned_points_keep_their_expiry_or_get_a_day_of_grace() {
        let tz = chrono_tz::Asia::Shanghai;
        let b = Some(end_of(2021, 12, 31));
        // Refunded on 2021-06-02: B's own expiry.
        assert_eq!(returned_expiry(b, at(2021, 6, 2), tz), b);
        // Refunded on 2022-01-10, after B expired: the end of 2022-01-11.
        assert_eq!(
            returned_expiry(b, at(2022, 1, 10), tz),
            Some(end_of(2022, 1, 11))
        );
        assert_eq!(returned_expiry(None, at(2022, 1, 10), tz), None);
    }

    #[test]
    fn expired_and_empty_records_are_not_candidates_and_no_expiry_goes_last() {
        let pool = vec![
            earning("never", 50, None, at(2020, 1, 1)),
            earning("gone", 100, Some(end_of(2021, 5, 31)), at(2020, 1, 1)),
            earning("empty", 0, Some(end_of(2021, 7, 1)), at(2020, 1, 1)),
            earning("soon", 30, Some(end_of(2021, 8, 1)), at(2021, 2, 1)),
        ];
        let taken = allocate_all(60, at(2021, 6, 1), &pool).unwrap();
        assert_eq!(
            taken,
            vec![
                Allocation {
                    source: "soon",
                    points: 30
                },
                Allocation {
                    source: "never",
                    points: 30
                },
            ]
        );
        assert_eq!(
            allocate_all(81, at(2021, 6, 1), &pool),
            Err(Shortfall {
                wanted: 81,
                available: 80
            })
        );
    }

    #[test]
    fn a_reversal_takes_from_the_order_first_and_reports_what_is_left() {
        let pool = example();
        let order = vec![earning(
            "order",
            100,
            Some(end_of(2022, 6, 1)),
            at(2021, 5, 1),
        )];
        let mut all = pool.clone();
        all.extend(order.clone());
        let (taken, left) = allocate(150, at(2021, 6, 1), &order, &all);
        assert_eq!(
            taken,
            vec![
                Allocation {
                    source: "order",
                    points: 100
                },
                Allocation {
                    source: "B",
                    points: 50
                },
            ]
        );
        assert_eq!(left, 0);
        // More than the whole account holds: the rest is left for the caller to record as debt.
        let (_, left) = allocate(1_200, at(2021, 6, 1), &order, &all);
        assert_eq!(left, 100);
    }
}
