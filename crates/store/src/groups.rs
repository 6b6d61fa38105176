//! Storage of store groups and product groups.

use crate::reads::{all, optional, ReadConn, SqlReader};
use crate::row::Row;
use crate::sql::{sql, Arg, Sql};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::groups::model::Group;
use patron_app::ports::{GroupsReads, GroupsWrites};
use patron_app::{AppError, AppResult};
use patron_domain::groups::GroupKind;
use patron_domain::ids::TenantId;

pub(crate) fn group(row: &Row) -> AppResult<Group> {
    let kind = row.text("kind")?;
    Ok(Group {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        kind: GroupKind::parse(&kind)
            .ok_or_else(|| AppError::Store(format!("stored group kind '{kind}' is not valid")))?,
        name: row.text("name")?,
        all_items: row.bool("all_items")?,
        description: row.text("description")?,
        enabled_at_ms: row.opt_i64("enabled_at_ms")?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

macro_rules! impl_groups_reads {
    ($ty:ty) => {
        #[async_trait]
        impl GroupsReads for $ty {
            async fn group(&mut self, t: TenantId, id: &str) -> AppResult<Option<Group>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM item_groups WHERE tenant_id = $1 AND id = $2",
                        t.get(),
                        id
                    ),
                )
                .await?;
                row.as_ref().map(group).transpose()
            }

            async fn group_members_among(
                &mut self,
                t: TenantId,
                group_id: &str,
                codes: &[String],
            ) -> AppResult<Vec<String>> {
                if codes.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = Sql::new("SELECT code FROM item_group_members WHERE tenant_id = ");
                q.bind(Arg::Int(t.get()))
                    .push(" AND group_id = ")
                    .bind(Arg::Text(group_id.to_string()))
                    .push(" AND code IN (");
                for (i, c) in codes.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.bind(Arg::Text(c.clone()));
                }
                q.push(")");
                all(&mut self.read_conn()?, &q)
                    .await?
                    .iter()
                    .map(|r| r.text("code"))
                    .collect()
            }
        }
    };
}

impl_groups_reads!(SqlReader);
impl_groups_reads!(SqlTx);

#[async_trait]
impl GroupsWrites for SqlTx {}
