//! Storage of the coupon center: rules with their approval and issuance records, coupons and
//! transfers. Stock is a counter on the rule taken by one conditional UPDATE; a coupon changes
//! state only from the state the use case saw (`WHERE status = …`), so two orders or a transfer
//! racing an order cannot both win.

mod rows;

use crate::reads::{all, optional, page, page_rows, ListSpec, ReadConn, SqlReader};
use crate::sql::{sql, Arg, Sql};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::coupons::model::{
    ApprovalRecord, Coupon, CouponFilter, CouponRule, IssuanceRecord, Move, RuleFilter, RuleTotals,
    Transfer, TransferFilter, Usage,
};
use patron_app::model::{ListQuery, Page};
use patron_app::ports::{CouponsReads, CouponsWrites};
use patron_app::AppResult;
use patron_domain::coupons::status::{CouponStatus, RuleStatus, TransferStatus};
use patron_domain::ids::TenantId;
use rows::{approval, coupon, issuance, log_json, rule, term_args, transfer, TERM_COLUMNS};

fn in_list(q: &mut Sql, values: &[String]) {
    q.push(" IN (");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(Arg::Text(v.clone()));
    }
    q.push(")");
}

macro_rules! impl_coupons_reads {
    ($ty:ty) => {
        #[async_trait]
        impl CouponsReads for $ty {
            async fn coupon_rule(&mut self, t: TenantId, id: &str) -> AppResult<Option<CouponRule>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!("SELECT * FROM coupon_rules WHERE tenant_id = $1 AND id = $2", t.get(), id),
                )
                .await?;
                row.as_ref().map(rule).transpose()
            }

            async fn coupon_rules(
                &mut self,
                t: TenantId,
                f: &RuleFilter,
                q: &ListQuery,
            ) -> AppResult<Page<CouponRule>> {
                let mut filters = Vec::new();
                match f.status {
                    Some(s) => filters.push(("rule_status = ", Arg::Text(s.as_str().into()))),
                    None => filters.push((
                        "rule_status <> ",
                        Arg::Text(RuleStatus::Deleted.as_str().into()),
                    )),
                }
                if let Some(a) = f.approval {
                    filters.push(("approval_status = ", Arg::Text(a.as_str().into())));
                }
                if let Some(k) = &f.coupon_type {
                    filters.push(("coupon_type = ", Arg::Text(k.clone())));
                }
                let spec = ListSpec {
                    table: "coupon_rules",
                    tenant: Some(t.get()),
                    search_columns: &["name", "rule_no"],
                    integer_id: false,
                    newest_first: true,
                    filters,
                };
                let (found, more, total) = page_rows(&mut self.read_conn()?, spec, q).await?;
                let items = found.iter().map(rule).collect::<AppResult<Vec<_>>>()?;
                Ok(page(items, more, total, |r| r.id.clone()))
            }

            async fn coupon_rule_approvals(
                &mut self,
                t: TenantId,
                rule_id: &str,
            ) -> AppResult<Vec<ApprovalRecord>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM coupon_rule_approvals WHERE tenant_id = $1 AND rule_id = $2 \
                         ORDER BY at_ms, id",
                        t.get(),
                        rule_id
                    ),
                )
                .await?
                .iter()
                .map(approval)
                .collect()
            }

            async fn coupon_rule_issuances(
                &mut self,
                t: TenantId,
                rule_id: &str,
            ) -> AppResult<Vec<IssuanceRecord>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM coupon_rule_issuances WHERE tenant_id = $1 AND rule_id = $2 \
                         ORDER BY at_ms, id",
                        t.get(),
                        rule_id
                    ),
                )
                .await?
                .iter()
                .map(issuance)
                .collect()
            }

            async fn coupon_rule_totals(&mut self, t: TenantId, rule_id: &str) -> AppResult<RuleTotals> {
                let mut conn = self.read_conn()?;
                let claimers = optional(
                    &mut conn,
                    &sql!(
                        "SELECT COUNT(DISTINCT customer_id) AS n FROM coupons \
                         WHERE tenant_id = $1 AND rule_id = $2 AND status <> 'void'",
                        t.get(),
                        rule_id
                    ),
                )
                .await?
                .map(|r| r.i64("n"))
                .transpose()?
                .unwrap_or(0);
                // Per user: did any of their orders with the coupon open their purchase history?
                let row = optional(
                    &mut conn,
                    &sql!(
                        "SELECT COUNT(*) AS users, \
                         CAST(COALESCE(SUM(CASE WHEN firsts > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS new_customers, \
                         CAST(COALESCE(SUM(paid), 0) AS BIGINT) AS paid, \
                         CAST(COALESCE(SUM(taken), 0) AS BIGINT) AS taken, \
                         CAST(COALESCE(SUM(used), 0) AS BIGINT) AS used FROM ( \
                           SELECT customer_id, SUM(first_purchase) AS firsts, \
                           SUM(order_paid_fen) AS paid, SUM(deduction_fen) AS taken, COUNT(*) AS used \
                           FROM coupons WHERE tenant_id = $1 AND rule_id = $2 AND status = 'used' \
                           GROUP BY customer_id) per_user",
                        t.get(),
                        rule_id
                    ),
                )
                .await?;
                let Some(row) = row else {
                    return Ok(RuleTotals { claimers, ..RuleTotals::default() });
                };
                let users = row.i64("users")?;
                let new_customers = row.i64("new_customers")?;
                Ok(RuleTotals {
                    claimers,
                    users,
                    new_customers,
                    old_customers: users - new_customers,
                    order_total_fen: row.i64("paid")?,
                    deduction_fen: row.i64("taken")?,
                    used: row.i64("used")?,
                })
            }

            async fn coupon(&mut self, t: TenantId, id: &str) -> AppResult<Option<Coupon>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!("SELECT * FROM coupons WHERE tenant_id = $1 AND id = $2", t.get(), id),
                )
                .await?;
                row.as_ref().map(coupon).transpose()
            }

            async fn coupons_by_codes(&mut self, t: TenantId, codes: &[String]) -> AppResult<Vec<Coupon>> {
                if codes.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = Sql::new("SELECT * FROM coupons WHERE tenant_id = ");
                q.bind(Arg::Int(t.get())).push(" AND code");
                in_list(&mut q, codes);
                all(&mut self.read_conn()?, &q).await?.iter().map(coupon).collect()
            }

            async fn coupons(
                &mut self,
                t: TenantId,
                f: &CouponFilter,
                q: &ListQuery,
            ) -> AppResult<Page<Coupon>> {
                let mut filters = Vec::new();
                if let Some(r) = &f.rule_id {
                    filters.push(("rule_id = ", Arg::Text(r.clone())));
                }
                if let Some(c) = &f.customer_id {
                    filters.push(("customer_id = ", Arg::Text(c.clone())));
                }
                if let Some(s) = f.status {
                    filters.push(("status = ", Arg::Text(s.as_str().into())));
                }
                if let Some(c) = &f.code {
                    filters.push(("code = ", Arg::Text(c.clone())));
                }
                let spec = ListSpec {
                    table: "coupons",
                    tenant: Some(t.get()),
                    search_columns: &["code"],
                    integer_id: false,
                    newest_first: true,
                    filters,
                };
                let (found, more, total) = page_rows(&mut self.read_conn()?, spec, q).await?;
                let items = found.iter().map(coupon).collect::<AppResult<Vec<_>>>()?;
                Ok(page(items, more, total, |c| c.id.clone()))
            }

            async fn coupons_held(
                &mut self,
                t: TenantId,
                rule_id: &str,
                customer_id: &str,
            ) -> AppResult<i64> {
                Ok(optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT COUNT(*) AS n FROM coupons WHERE tenant_id = $1 AND customer_id = $2 \
                         AND rule_id = $3 AND status <> 'void'",
                        t.get(),
                        customer_id,
                        rule_id
                    ),
                )
                .await?
                .map(|r| r.i64("n"))
                .transpose()?
                .unwrap_or(0))
            }

            async fn holders_by_cards(
                &mut self,
                t: TenantId,
                program_id: &str,
                cards: &[String],
            ) -> AppResult<Vec<(String, String)>> {
                if cards.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = Sql::new(
                    "SELECT card_no, customer_id FROM member_accounts WHERE tenant_id = ",
                );
                q.bind(Arg::Int(t.get()))
                    .push(" AND program_id = ")
                    .bind(Arg::from(program_id))
                    .push(" AND status = 'normal' AND card_no");
                in_list(&mut q, cards);
                all(&mut self.read_conn()?, &q)
                    .await?
                    .iter()
                    .map(|r| Ok((r.text("card_no")?, r.text("customer_id")?)))
                    .collect()
            }

            async fn coupon_of_redemption(
                &mut self,
                t: TenantId,
                record_id: &str,
            ) -> AppResult<Option<Coupon>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM coupons WHERE tenant_id = $1 AND redemption_id = $2",
                        t.get(),
                        record_id
                    ),
                )
                .await?;
                row.as_ref().map(coupon).transpose()
            }

            async fn coupons_of_order(&mut self, t: TenantId, order_id: &str) -> AppResult<Vec<Coupon>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM coupons WHERE tenant_id = $1 AND order_id = $2 ORDER BY code",
                        t.get(),
                        order_id
                    ),
                )
                .await?
                .iter()
                .map(coupon)
                .collect()
            }

            async fn coupon_transfer(&mut self, t: TenantId, id: &str) -> AppResult<Option<Transfer>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM coupon_transfers WHERE tenant_id = $1 AND id = $2",
                        t.get(),
                        id
                    ),
                )
                .await?;
                row.as_ref().map(transfer).transpose()
            }

            async fn coupon_transfers(
                &mut self,
                t: TenantId,
                f: &TransferFilter,
                q: &ListQuery,
            ) -> AppResult<Page<Transfer>> {
                let mut filters = Vec::new();
                if let Some(s) = f.status {
                    filters.push(("status = ", Arg::Text(s.as_str().into())));
                }
                if let Some(g) = &f.giver_id {
                    filters.push(("giver_id = ", Arg::Text(g.clone())));
                }
                if let Some(c) = &f.coupon_id {
                    filters.push(("coupon_id = ", Arg::Text(c.clone())));
                }
                let spec = ListSpec {
                    table: "coupon_transfers",
                    tenant: Some(t.get()),
                    search_columns: &[],
                    integer_id: false,
                    newest_first: true,
                    filters,
                };
                let (found, more, total) = page_rows(&mut self.read_conn()?, spec, q).await?;
                let items = found.iter().map(transfer).collect::<AppResult<Vec<_>>>()?;
                Ok(page(items, more, total, |x| x.id.clone()))
            }

            async fn lapsed_transfers(
                &mut self,
                t: TenantId,
                before_ms: i64,
                limit: i64,
            ) -> AppResult<Vec<Transfer>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM coupon_transfers WHERE tenant_id = $1 AND status = 'pending' \
                         AND expires_at_ms < $2 ORDER BY expires_at_ms, id LIMIT $3",
                        t.get(),
                        before_ms,
                        limit
                    ),
                )
                .await?
                .iter()
                .map(transfer)
                .collect()
            }
        }
    };
}

impl_coupons_reads!(SqlReader);
impl_coupons_reads!(SqlTx);

/// Rows per multi-row INSERT of coupons: 17 parameters a row, well under both databases' limits.
const COUPON_BATCH: usize = 500;

#[async_trait]
impl CouponsWrites for SqlTx {
    async fn next_coupon_rule_seq(&mut self, t: TenantId, day: &str) -> AppResult<i64> {
        let rows = self
            .fetch(&sql!(
                "INSERT INTO sequences (tenant_id, name, next_value) VALUES ($1, $2, 1) \
                 ON CONFLICT (tenant_id, name) DO UPDATE SET next_value = sequences.next_value + 1 \
                 RETURNING next_value",
                t.get(),
                format!("coupon_rule:{day}")
            ))
            .await?;
        rows.first()
            .map(|r| r.i64("next_value"))
            .transpose()?
            .ok_or_else(|| patron_app::AppError::Store("no rule number returned".into()))
    }

    async fn insert_coupon_rule(&mut self, r: &CouponRule) -> AppResult<()> {
        let mut q = Sql::new(
            "INSERT INTO coupon_rules (tenant_id, id, rule_no, issued, created_by, created_at_ms, ",
        );
        q.push(&TERM_COLUMNS.join(", ")).push(") VALUES ");
        let mut args = vec![
            Arg::Int(r.tenant_id.get()),
            Arg::from(r.id.as_str()),
            Arg::from(r.rule_no.as_str()),
            Arg::Int(r.issued),
            Arg::from(r.created_by.as_str()),
            Arg::Int(r.created_at_ms),
        ];
        args.extend(term_args(r));
        q.values([args]);
        self.exec(&q).await?;
        Ok(())
    }

    async fn update_coupon_rule(&mut self, r: &CouponRule) -> AppResult<()> {
        let mut q = Sql::new("UPDATE coupon_rules SET ");
        for (i, (col, arg)) in TERM_COLUMNS.iter().zip(term_args(r)).enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push(col).push(" = ").bind(arg);
        }
        q.push(" WHERE tenant_id = ")
            .bind(Arg::Int(r.tenant_id.get()))
            .push(" AND id = ")
            .bind(Arg::from(r.id.as_str()));
        self.exec(&q).await?;
        Ok(())
    }

    async fn take_coupon_stock(&mut self, t: TenantId, rule_id: &str, n: i64) -> AppResult<bool> {
        let changed = self
            .exec(&sql!(
                "UPDATE coupon_rules SET issued = issued + $1 WHERE tenant_id = $2 AND id = $3 \
                 AND rule_status = 'published' AND issued + $1 <= total_stock",
                n,
                t.get(),
                rule_id
            ))
            .await?;
        Ok(changed == 1)
    }

    async fn return_coupon_stock(&mut self, t: TenantId, rule_id: &str, n: i64) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE coupon_rules SET issued = issued - $1 WHERE tenant_id = $2 AND id = $3",
            n,
            t.get(),
            rule_id
        ))
        .await?;
        Ok(())
    }

    async fn add_coupon_stock(&mut self, t: TenantId, rule_id: &str, n: i64) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE coupon_rules SET total_stock = total_stock + $1 WHERE tenant_id = $2 AND id = $3",
            n,
            t.get(),
            rule_id
        ))
        .await?;
        Ok(())
    }

    async fn insert_coupon_approval(&mut self, t: TenantId, a: &ApprovalRecord) -> AppResult<()> {
        self.exec(&sql!(
            "INSERT INTO coupon_rule_approvals (tenant_id, id, rule_id, decision, actor, comment, at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            t.get(),
            a.id.as_str(),
            a.rule_id.as_str(),
            a.decision.as_str(),
            a.actor.as_str(),
            a.comment.as_str(),
            a.at_ms
        ))
        .await?;
        Ok(())
    }

    async fn insert_coupon_issuance(&mut self, t: TenantId, i: &IssuanceRecord) -> AppResult<()> {
        self.exec(&sql!(
            "INSERT INTO coupon_rule_issuances (tenant_id, id, rule_id, quantity, cost_fen, reason, actor, at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            t.get(),
            i.id.as_str(),
            i.rule_id.as_str(),
            i.quantity,
            i.cost_fen,
            i.reason.as_str(),
            i.actor.as_str(),
            i.at_ms
        ))
        .await?;
        Ok(())
    }

    async fn insert_coupons(&mut self, coupons: &[Coupon]) -> AppResult<Vec<String>> {
        let mut taken = Vec::new();
        for batch in coupons.chunks(COUPON_BATCH) {
            let mut q = Sql::new(
                "INSERT INTO coupons (tenant_id, id, code, rule_id, customer_id, status, source, \
                 campaign, valid_from_ms, valid_to_ms, issued_at_ms, redemption_id, updated_at_ms) VALUES ",
            );
            q.values(batch.iter().map(|c| {
                vec![
                    Arg::Int(c.tenant_id.get()),
                    Arg::from(c.id.as_str()),
                    Arg::from(c.code.as_str()),
                    Arg::from(c.rule_id.as_str()),
                    Arg::from(c.customer_id.as_str()),
                    Arg::from(c.status.as_str()),
                    Arg::from(c.source.as_str()),
                    Arg::from(c.campaign.clone()),
                    Arg::Int(c.window.from_ms),
                    Arg::Int(c.window.to_ms),
                    Arg::Int(c.issued_at_ms),
                    Arg::from(c.redemption_id.clone()),
                    Arg::Int(c.updated_at_ms),
                ]
            }));
            q.push(" ON CONFLICT (tenant_id, code) DO NOTHING RETURNING code");
            let written: std::collections::HashSet<String> = self
                .fetch(&q)
                .await?
                .iter()
                .map(|r| r.text("code"))
                .collect::<AppResult<_>>()?;
            taken.extend(
                batch
                    .iter()
                    .filter(|c| !written.contains(&c.code))
                    .map(|c| c.code.clone()),
            );
        }
        Ok(taken)
    }

    async fn use_coupon(&mut self, t: TenantId, id: &str, u: &Usage) -> AppResult<bool> {
        let changed = self
            .exec(&sql!(
                "UPDATE coupons SET status = 'used', used_at_ms = $1, order_id = $2, \
                 order_paid_fen = $3, deduction_fen = $4, first_purchase = $5, updated_at_ms = $1 \
                 WHERE tenant_id = $6 AND id = $7 AND status = 'issued'",
                u.used_at_ms,
                u.order_id.as_str(),
                u.order_paid_fen,
                u.deduction_fen,
                u.first_purchase,
                t.get(),
                id
            ))
            .await?;
        Ok(changed == 1)
    }

    async fn move_coupon(&mut self, t: TenantId, m: &Move<'_>, now_ms: i64) -> AppResult<bool> {
        let Move {
            id,
            from,
            to,
            owner,
            window,
        } = *m;
        let mut q = Sql::new("UPDATE coupons SET status = ");
        q.bind(Arg::from(to.as_str()))
            .push(", updated_at_ms = ")
            .bind(Arg::Int(now_ms));
        if let Some(o) = owner {
            q.push(", customer_id = ").bind(Arg::from(o));
        }
        if let Some(w) = window {
            q.push(", valid_from_ms = ")
                .bind(Arg::Int(w.from_ms))
                .push(", valid_to_ms = ")
                .bind(Arg::Int(w.to_ms));
        }
        if from == CouponStatus::Used && to == CouponStatus::Issued {
            q.push(
                ", used_at_ms = NULL, order_id = NULL, order_paid_fen = NULL, \
                 deduction_fen = NULL, first_purchase = NULL",
            );
        }
        q.push(" WHERE tenant_id = ")
            .bind(Arg::Int(t.get()))
            .push(" AND id = ")
            .bind(Arg::from(id))
            .push(" AND status = ")
            .bind(Arg::from(from.as_str()));
        Ok(self.exec(&q).await? == 1)
    }

    async fn expire_coupons(&mut self, t: TenantId, before_ms: i64, now_ms: i64) -> AppResult<u64> {
        self.exec(&sql!(
            "UPDATE coupons SET status = 'expired', updated_at_ms = $1 \
             WHERE tenant_id = $2 AND status = 'issued' AND valid_to_ms < $3",
            now_ms,
            t.get(),
            before_ms
        ))
        .await
    }

    async fn insert_coupon_transfer(&mut self, x: &Transfer) -> AppResult<()> {
        self.exec(&sql!(
            "INSERT INTO coupon_transfers (tenant_id, id, coupon_id, rule_id, giver_id, receiver_id, \
             status, started_at_ms, expires_at_ms, received_at_ms, log) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            x.tenant_id.get(),
            x.id.as_str(),
            x.coupon_id.as_str(),
            x.rule_id.as_str(),
            x.giver_id.as_str(),
            x.receiver_id.clone(),
            x.status.as_str(),
            x.started_at_ms,
            x.expires_at_ms,
            x.received_at_ms,
            log_json(&x.log)
        ))
        .await?;
        Ok(())
    }

    async fn finish_coupon_transfer(&mut self, x: &Transfer) -> AppResult<bool> {
        let changed = self
            .exec(&sql!(
                "UPDATE coupon_transfers SET status = $1, receiver_id = $2, received_at_ms = $3, \
                 log = $4 WHERE tenant_id = $5 AND id = $6 AND status = $7",
                x.status.as_str(),
                x.receiver_id.clone(),
                x.received_at_ms,
                log_json(&x.log),
                x.tenant_id.get(),
                x.id.as_str(),
                TransferStatus::Pending.as_str()
            ))
            .await?;
        Ok(changed == 1)
    }
}
