//! Storage for the tier engine: the active tier record and the retention counters.

use crate::members::rows::tier_record;
use crate::reads::{all, optional, ReadConn, SqlReader};
use crate::sql::{sql, Arg, Sql};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::members::model::TierRecord;
use patron_app::ports::{RetentionCounters, TiersReads, TiersWrites};
use patron_app::AppResult;
use patron_domain::ids::{MemberId, TenantId};

macro_rules! impl_tiers_reads {
    ($ty:ty) => {
        #[async_trait]
        impl TiersReads for $ty {
            async fn active_tier_record(
                &mut self,
                t: TenantId,
                member: MemberId,
            ) -> AppResult<Option<TierRecord>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM tier_records WHERE tenant_id = $1 AND member_id = $2 \
                         AND status = 'active'",
                        t.get(),
                        member.to_string()
                    ),
                )
                .await?;
                row.as_ref().map(tier_record).transpose()
            }

            async fn tier_history(
                &mut self,
                t: TenantId,
                members: &[MemberId],
            ) -> AppResult<Vec<TierRecord>> {
                let mut out = Vec::new();
                let mut conn = self.read_conn()?;
                for chunk in members.chunks(500) {
                    let mut sql = Sql::new("SELECT * FROM tier_records WHERE tenant_id = ");
                    sql.bind(Arg::Int(t.get())).push(" AND member_id IN (");
                    for (i, m) in chunk.iter().enumerate() {
                        if i > 0 {
                            sql.push(", ");
                        }
                        sql.bind(Arg::Text(m.to_string()));
                    }
                    sql.push(") ORDER BY member_id, effective_at_ms, created_at_ms, id");
                    for row in all(&mut conn, &sql).await? {
                        out.push(tier_record(&row)?);
                    }
                }
                Ok(out)
            }
        }
    };
}

impl_tiers_reads!(SqlReader);
impl_tiers_reads!(SqlTx);

#[async_trait]
impl TiersWrites for SqlTx {
    async fn lock_member(&mut self, t: TenantId, member: MemberId) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE member_accounts SET updated_at_ms = updated_at_ms WHERE tenant_id = $1 AND id = $2",
            t.get(),
            member.to_string()
        ))
        .await?;
        Ok(())
    }

    async fn deactivate_tier_records(&mut self, t: TenantId, member: MemberId) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE tier_records SET status = 'inactive' \
             WHERE tenant_id = $1 AND member_id = $2 AND status = 'active'",
            t.get(),
            member.to_string()
        ))
        .await?;
        Ok(())
    }

    async fn set_retention(
        &mut self,
        t: TenantId,
        member: MemberId,
        c: RetentionCounters,
        now_ms: i64,
    ) -> AppResult<()> {
        self.exec(&retention(t, member, c, now_ms)).await?;
        Ok(())
    }
}

/// The statement that replaces a member's retention counters.
pub(crate) fn retention(t: TenantId, member: MemberId, c: RetentionCounters, now_ms: i64) -> Sql {
    sql!(
        // SQLite numbers `$n` parameters in the order they first appear: keep them ascending.
        "UPDATE member_accounts SET retention_points = $1, retention_spend_fen = $2, \
         retention_purchase_count = $3, updated_at_ms = $4 WHERE tenant_id = $5 AND id = $6",
        c.points,
        c.spend_fen,
        c.purchases,
        now_ms,
        t.get(),
        member.to_string()
    )
}
