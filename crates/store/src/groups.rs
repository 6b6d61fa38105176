//! Storage of store groups and product groups.
//!
//! A group may hold 100,000 codes, so members are only ever read a page at a time (in code
//! order, along the primary key) or looked up by the codes at hand, and whole-group changes are
//! single statements. Code lists are sent in chunks well under both databases' bind limits.

use crate::reads::{
    all, count, decode_cursor, optional, page, page_rows, Conn, ListSpec, ReadConn, SqlReader,
};
use crate::row::Row;
use crate::sql::{contains_pattern, sql, Arg, Sql};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::groups::model::{Candidate, Group, Member};
use patron_app::model::{ListQuery, Page};
use patron_app::ports::{GroupsReads, GroupsWrites};
use patron_app::{AppError, AppResult};
use patron_domain::groups::GroupKind;
use patron_domain::ids::TenantId;

/// Codes per `IN (...)` list or multi-row insert (four arguments a row).
const CODES_PER_STATEMENT: usize = 500;

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

/// The master data table whose codes a group of `kind` holds. Never from input.
fn items_table(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Store => "stores",
        GroupKind::Product => "products",
    }
}

/// Appends `code IN ($n, …)` for `codes`.
fn push_in(sql: &mut Sql, column: &str, codes: &[String]) {
    sql.push(&format!(" AND {column} IN ("));
    for (i, c) in codes.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(Arg::Text(c.clone()));
    }
    sql.push(")");
}

/// Appends a search of `columns` (any of them contains the text, case-insensitively).
fn push_search(sql: &mut Sql, columns: &[&str], q: &ListQuery) {
    let Some(search) = q.search() else { return };
    let pattern = contains_pattern(search);
    sql.push(" AND (");
    for (i, col) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        sql.push(&format!("LOWER({col}) LIKE "))
            .bind(Arg::Text(pattern.clone()))
            .push(" ESCAPE '\\'");
    }
    sql.push(")");
}

/// Pages a query ordered by a code column: `from` builds `FROM … WHERE …` (twice: once for
/// the total, once for the rows), the cursor is the last code shown, and the console's offset
/// applies when there is no cursor.
async fn page_by_code<T>(
    conn: &mut Conn<'_>,
    columns: &str,
    code_column: &str,
    from: impl Fn(&mut Sql),
    q: &ListQuery,
    map: impl Fn(&Row) -> AppResult<T>,
    code_of: impl Fn(&T) -> String,
) -> AppResult<Page<T>> {
    let mut total = Sql::new("SELECT COUNT(*) AS n");
    from(&mut total);
    let total = count(conn, &total).await?;

    let mut rows = Sql::new(&format!("SELECT {columns}"));
    from(&mut rows);
    if let Some(cursor) = &q.after {
        rows.push(&format!(" AND {code_column} > "))
            .bind(Arg::Text(decode_cursor(cursor)?));
    }
    let limit = q.limit();
    rows.push(&format!(" ORDER BY {code_column} LIMIT "))
        .bind(Arg::Int(i64::from(limit) + 1));
    if q.after.is_none() && q.offset > 0 {
        rows.push(" OFFSET ").bind(Arg::Int(i64::from(q.offset)));
    }
    let mut found = all(conn, &rows).await?;
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    let items = found.iter().map(map).collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, code_of))
}

fn member(row: &Row) -> AppResult<Member> {
    Ok(Member {
        code: row.text("code")?,
        name: row.opt_text("name")?,
        added_at_ms: row.i64("added_at_ms")?,
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
                let mut out = Vec::new();
                for chunk in codes.chunks(CODES_PER_STATEMENT) {
                    let mut q =
                        Sql::new("SELECT code FROM item_group_members WHERE tenant_id = ");
                    q.bind(Arg::Int(t.get()))
                        .push(" AND group_id = ")
                        .bind(Arg::Text(group_id.to_string()));
                    push_in(&mut q, "code", chunk);
                    for r in all(&mut self.read_conn()?, &q).await? {
                        out.push(r.text("code")?);
                    }
                }
                Ok(out)
            }

            async fn group_named(
                &mut self,
                t: TenantId,
                kind: GroupKind,
                name: &str,
            ) -> AppResult<Option<Group>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM item_groups WHERE tenant_id = $1 AND kind = $2 AND name = $3",
                        t.get(),
                        kind.as_str(),
                        name
                    ),
                )
                .await?;
                row.as_ref().map(group).transpose()
            }

            async fn groups(
                &mut self,
                t: TenantId,
                kind: Option<GroupKind>,
                q: &ListQuery,
            ) -> AppResult<Page<Group>> {
                let filters = kind
                    .map(|k| ("kind = ", Arg::Text(k.as_str().to_string())))
                    .into_iter()
                    .collect();
                let spec = ListSpec {
                    table: "item_groups",
                    tenant: Some(t.get()),
                    search_columns: &["name"],
                    integer_id: false,
                    newest_first: true,
                    filters,
                };
                let (found, more, total) = page_rows(&mut self.read_conn()?, spec, q).await?;
                let items = found.iter().map(group).collect::<AppResult<Vec<_>>>()?;
                Ok(page(items, more, total, |g| g.id.clone()))
            }

            async fn group_member_count(&mut self, t: TenantId, group_id: &str) -> AppResult<u64> {
                count(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT COUNT(*) AS n FROM item_group_members \
                         WHERE tenant_id = $1 AND group_id = $2",
                        t.get(),
                        group_id
                    ),
                )
                .await
            }

            async fn group_has_members(&mut self, t: TenantId, group_id: &str) -> AppResult<bool> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT code FROM item_group_members \
                         WHERE tenant_id = $1 AND group_id = $2 LIMIT 1",
                        t.get(),
                        group_id
                    ),
                )
                .await?;
                Ok(row.is_some())
            }

            async fn group_members(
                &mut self,
                t: TenantId,
                kind: GroupKind,
                group_id: &str,
                q: &ListQuery,
            ) -> AppResult<Page<Member>> {
                let from = |sql: &mut Sql| {
                    sql.push(&format!(
                        " FROM item_group_members m LEFT JOIN {} x \
                         ON x.tenant_id = m.tenant_id AND x.code = m.code WHERE m.tenant_id = ",
                        items_table(kind)
                    ))
                    .bind(Arg::Int(t.get()))
                    .push(" AND m.group_id = ")
                    .bind(Arg::Text(group_id.to_string()));
                    push_search(sql, &["m.code", "x.name"], q);
                };
                page_by_code(
                    &mut self.read_conn()?,
                    "m.code AS code, x.name AS name, m.added_at_ms AS added_at_ms",
                    "m.code",
                    from,
                    q,
                    member,
                    |m| m.code.clone(),
                )
                .await
            }

            async fn group_candidates(
                &mut self,
                t: TenantId,
                kind: GroupKind,
                group_id: &str,
                q: &ListQuery,
            ) -> AppResult<Page<Candidate>> {
                let from = |sql: &mut Sql| {
                    sql.push(&format!(" FROM {} x WHERE x.tenant_id = ", items_table(kind)))
                        .bind(Arg::Int(t.get()))
                        .push(
                            " AND NOT EXISTS (SELECT 1 FROM item_group_members m \
                             WHERE m.tenant_id = x.tenant_id AND m.code = x.code AND m.group_id = ",
                        )
                        .bind(Arg::Text(group_id.to_string()))
                        .push(")");
                    push_search(sql, &["x.code", "x.name"], q);
                };
                let columns = match kind {
                    GroupKind::Store => "x.code AS code, x.name AS name, x.status AS status",
                    GroupKind::Product => {
                        "x.code AS code, x.name AS name, x.status AS status, \
                         x.category_code AS category_code"
                    }
                };
                let map = |row: &Row| -> AppResult<Candidate> {
                    Ok(Candidate {
                        code: row.text("code")?,
                        name: row.text("name")?,
                        status: row.text("status")?,
                        category_code: match kind {
                            GroupKind::Store => None,
                            GroupKind::Product => row.opt_text("category_code")?,
                        },
                    })
                };
                page_by_code(
                    &mut self.read_conn()?,
                    columns,
                    "x.code",
                    from,
                    q,
                    map,
                    |c| c.code.clone(),
                )
                .await
            }

            async fn item_codes_among(
                &mut self,
                t: TenantId,
                kind: GroupKind,
                codes: &[String],
            ) -> AppResult<Vec<String>> {
                let mut out = Vec::new();
                for chunk in codes.chunks(CODES_PER_STATEMENT) {
                    let mut q = Sql::new(&format!(
                        "SELECT code FROM {} WHERE tenant_id = ",
                        items_table(kind)
                    ));
                    q.bind(Arg::Int(t.get()));
                    push_in(&mut q, "code", chunk);
                    for r in all(&mut self.read_conn()?, &q).await? {
                        out.push(r.text("code")?);
                    }
                }
                Ok(out)
            }

            /// Coupon rules and point rules (of any status: a disabled rule may be enabled
            /// again) naming the group.
            async fn group_references(&mut self, t: TenantId, group_id: &str) -> AppResult<u64> {
                let mut n = 0;
                for table in ["coupon_rules", "point_rules"] {
                    n += count(
                        &mut self.read_conn()?,
                        &sql!(
                            &format!(
                                "SELECT COUNT(*) AS n FROM {table} WHERE tenant_id = $1 \
                                 AND (store_group_id = $2 OR product_group_id = $3)"
                            ),
                            t.get(),
                            group_id,
                            group_id
                        ),
                    )
                    .await?;
                }
                Ok(n)
            }
        }
    };
}

impl_groups_reads!(SqlReader);
impl_groups_reads!(SqlTx);

#[async_trait]
impl GroupsWrites for SqlTx {
    async fn insert_group(&mut self, g: &Group) -> AppResult<()> {
        self.exec(&sql!(
            "INSERT INTO item_groups (tenant_id, id, kind, name, all_items, description, \
             enabled_at_ms, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            g.tenant_id.get(),
            &g.id,
            g.kind.as_str(),
            &g.name,
            g.all_items,
            &g.description,
            g.enabled_at_ms,
            g.created_at_ms,
            g.updated_at_ms
        ))
        .await?;
        Ok(())
    }

    async fn update_group(&mut self, g: &Group) -> AppResult<bool> {
        let changed = self
            .exec(&sql!(
                "UPDATE item_groups SET name = $1, description = $2, all_items = $3, \
                 updated_at_ms = $4 WHERE tenant_id = $5 AND id = $6 \
                 AND (enabled_at_ms IS NULL OR all_items = $7)",
                &g.name,
                &g.description,
                g.all_items,
                g.updated_at_ms,
                g.tenant_id.get(),
                &g.id,
                g.all_items
            ))
            .await?;
        Ok(changed > 0)
    }

    async fn lock_open_group(&mut self, t: TenantId, id: &str) -> AppResult<bool> {
        // An update that changes nothing still takes the row's lock (PostgreSQL) and counts the
        // row (both), so it doubles as "is it still open?".
        let changed = self
            .exec(&sql!(
                "UPDATE item_groups SET updated_at_ms = updated_at_ms \
                 WHERE tenant_id = $1 AND id = $2 AND enabled_at_ms IS NULL",
                t.get(),
                id
            ))
            .await?;
        Ok(changed > 0)
    }

    async fn enable_group(
        &mut self,
        t: TenantId,
        id: &str,
        now_ms: i64,
    ) -> AppResult<Option<Group>> {
        let rows = self
            .fetch(&sql!(
                "UPDATE item_groups SET enabled_at_ms = $1, updated_at_ms = $2 \
                 WHERE tenant_id = $3 AND id = $4 AND enabled_at_ms IS NULL RETURNING *",
                now_ms,
                now_ms,
                t.get(),
                id
            ))
            .await?;
        rows.first().map(group).transpose()
    }

    async fn snapshot_group_members(
        &mut self,
        t: TenantId,
        kind: GroupKind,
        id: &str,
        now_ms: i64,
    ) -> AppResult<u64> {
        // One statement however many items there are. (SQLite needs the WHERE to tell the
        // upsert's ON from a join's.)
        self.exec(&Sql::with(
            format!(
                "INSERT INTO item_group_members (tenant_id, group_id, code, added_at_ms) \
                 SELECT tenant_id, $1, code, $2 FROM {} WHERE tenant_id = $3 \
                 ON CONFLICT DO NOTHING",
                items_table(kind)
            ),
            vec![Arg::from(id), Arg::Int(now_ms), Arg::Int(t.get())],
        ))
        .await
    }

    async fn insert_group_members(
        &mut self,
        t: TenantId,
        id: &str,
        codes: &[String],
        now_ms: i64,
    ) -> AppResult<Vec<String>> {
        let mut added = Vec::new();
        for chunk in codes.chunks(CODES_PER_STATEMENT) {
            let mut sql = Sql::new(
                "INSERT INTO item_group_members (tenant_id, group_id, code, added_at_ms) VALUES ",
            );
            sql.values(chunk.iter().map(|c| {
                vec![
                    Arg::Int(t.get()),
                    Arg::from(id),
                    Arg::from(c),
                    Arg::Int(now_ms),
                ]
            }));
            sql.push(" ON CONFLICT DO NOTHING RETURNING code");
            for r in self.fetch(&sql).await? {
                added.push(r.text("code")?);
            }
        }
        Ok(added)
    }

    async fn delete_group_members(
        &mut self,
        t: TenantId,
        id: &str,
        codes: &[String],
    ) -> AppResult<Vec<String>> {
        let mut removed = Vec::new();
        for chunk in codes.chunks(CODES_PER_STATEMENT) {
            let mut sql = Sql::new("DELETE FROM item_group_members WHERE tenant_id = ");
            sql.bind(Arg::Int(t.get()))
                .push(" AND group_id = ")
                .bind(Arg::from(id));
            push_in(&mut sql, "code", chunk);
            sql.push(" RETURNING code");
            for r in self.fetch(&sql).await? {
                removed.push(r.text("code")?);
            }
        }
        Ok(removed)
    }

    async fn delete_group(&mut self, t: TenantId, id: &str) -> AppResult<()> {
        for statement in [
            "DELETE FROM item_group_members WHERE tenant_id = $1 AND group_id = $2",
            "DELETE FROM item_groups WHERE tenant_id = $1 AND id = $2",
        ] {
            self.exec(&sql!(statement, t.get(), id)).await?;
        }
        Ok(())
    }
}
