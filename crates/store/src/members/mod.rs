//! Storage of customers, member accounts, tier records, point accounts, bindings and imports.

mod bulk;
pub(crate) mod rows;

use crate::reads::{all, count, encode_cursor, optional, Conn, ReadConn, SqlReader};
use crate::sql::{sql, Arg, Sql};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::members::model::{
    Binding, CustomerFilter, ImportJob, MemberAccount, Named, NamedRef, PointAccount, ProgramRefs,
    StoreRef, StoredCustomer, TierRecord,
};
use patron_app::model::{ListQuery, Page};
use patron_app::ports::{MembersReads, MembersWrites};
use patron_app::AppResult;
use patron_domain::channel::Channel;
use patron_domain::ids::{BindingId, CustomerId, ImportId, MemberId, TenantId};
use patron_domain::member::{MemberStatus, FIRST_CARD_NO};

fn by_tenant(select: &str, t: TenantId) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(" WHERE tenant_id = ").bind(Arg::Int(t.get()));
    sql
}

async fn program_refs_where(
    conn: &mut Conn<'_>,
    t: TenantId,
    column: &str,
    value: &str,
) -> AppResult<Option<ProgramRefs>> {
    let mut sql = by_tenant("SELECT id, code, name FROM programs", t);
    sql.push(&format!(" AND {column} = "))
        .bind(Arg::Text(value.to_string()));
    let Some(row) = optional(conn, &sql).await? else {
        return Ok(None);
    };
    let program_id = row.text("id")?;
    let mut sql = by_tenant("SELECT id FROM tiers", t);
    sql.push(" AND program_id = ")
        .bind(Arg::Text(program_id.clone()))
        .push(" AND is_base = 1");
    let base_tier_id = optional(conn, &sql)
        .await?
        .map(|r| r.text("id"))
        .transpose()?;
    let mut sql = by_tenant("SELECT id FROM point_groups", t);
    sql.push(" AND program_id = ")
        .bind(Arg::Text(program_id.clone()))
        .push(" ORDER BY id");
    let point_group_ids = all(conn, &sql)
        .await?
        .iter()
        .map(|r| r.text("id"))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Some(ProgramRefs {
        program_id,
        code: row.text("code")?,
        name: row.text("name")?,
        base_tier_id,
        point_group_ids,
    }))
}

fn store_ref(row: &crate::row::Row) -> AppResult<StoreRef> {
    Ok(StoreRef {
        id: row.text("id")?,
        code: row.text("code")?,
        name: row.text("name")?,
    })
}

async fn one<T>(
    conn: &mut Conn<'_>,
    sql: &Sql,
    map: fn(&crate::row::Row) -> AppResult<T>,
) -> AppResult<Option<T>> {
    optional(conn, sql).await?.as_ref().map(map).transpose()
}

async fn many<T>(
    conn: &mut Conn<'_>,
    sql: &Sql,
    map: fn(&crate::row::Row) -> AppResult<T>,
) -> AppResult<Vec<T>> {
    all(conn, sql).await?.iter().map(map).collect()
}

/// The WHERE clause of a customer list: tenant, then any of the exact lookups.
fn customer_where(sql: &mut Sql, t: TenantId, f: &CustomerFilter) {
    sql.push(" WHERE tenant_id = ").bind(Arg::Int(t.get()));
    let mut any = Vec::new();
    if let Some(ix) = &f.phone_index {
        any.push(("phone_index = ", Arg::Blob(ix.clone())));
    }
    if let Some(ix) = &f.email_index {
        any.push(("email_index = ", Arg::Blob(ix.clone())));
    }
    if let Some(ix) = &f.name_index {
        any.push(("name_index = ", Arg::Blob(ix.clone())));
    }
    let card = f.card_no.clone();
    if any.is_empty() && card.is_none() {
        return;
    }
    sql.push(" AND (");
    let mut first = true;
    for (cond, arg) in any {
        if !first {
            sql.push(" OR ");
        }
        first = false;
        sql.push(cond).bind(arg);
    }
    if let Some(card) = card {
        if !first {
            sql.push(" OR ");
        }
        sql.push("id IN (SELECT customer_id FROM member_accounts WHERE tenant_id = ")
            .bind(Arg::Int(t.get()))
            .push(" AND card_no = ")
            .bind(Arg::Text(card))
            .push(")");
    }
    sql.push(")");
}

macro_rules! impl_members_reads {
    ($ty:ty) => {
        #[async_trait]
        impl MembersReads for $ty {
            async fn program_refs(
                &mut self,
                t: TenantId,
                code: &str,
            ) -> AppResult<Option<ProgramRefs>> {
                program_refs_where(&mut self.read_conn()?, t, "code", code).await
            }
            async fn program_refs_by_id(
                &mut self,
                t: TenantId,
                id: &str,
            ) -> AppResult<Option<ProgramRefs>> {
                program_refs_where(&mut self.read_conn()?, t, "id", id).await
            }
            async fn store_ref(&mut self, t: TenantId, code: &str) -> AppResult<Option<StoreRef>> {
                let mut sql = by_tenant("SELECT id, code, name FROM stores", t);
                sql.push(" AND code = ").bind(Arg::Text(code.to_string()));
                one(&mut self.read_conn()?, &sql, store_ref).await
            }
            async fn named(
                &mut self,
                t: TenantId,
                kind: Named,
                ids: &[String],
            ) -> AppResult<Vec<NamedRef>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let table = match kind {
                    Named::Program => "programs",
                    Named::Tier => "tiers",
                    Named::PointGroup => "point_groups",
                    Named::Store => "stores",
                };
                let mut sql = by_tenant(&format!("SELECT id, code, name FROM {table}"), t);
                sql.push(" AND id IN (");
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.bind(Arg::Text(id.clone()));
                }
                sql.push(")");
                many(&mut self.read_conn()?, &sql, |r| {
                    Ok(NamedRef {
                        id: r.text("id")?,
                        code: r.text("code")?,
                        name: r.text("name")?,
                    })
                })
                .await
            }
            async fn customer(
                &mut self,
                t: TenantId,
                id: CustomerId,
            ) -> AppResult<Option<StoredCustomer>> {
                let mut sql = by_tenant("SELECT * FROM customers", t);
                sql.push(" AND id = ").bind(Arg::Text(id.to_string()));
                one(&mut self.read_conn()?, &sql, rows::customer).await
            }
            async fn customer_by_phone(
                &mut self,
                t: TenantId,
                ix: &[u8],
            ) -> AppResult<Option<StoredCustomer>> {
                let mut sql = by_tenant("SELECT * FROM customers", t);
                sql.push(" AND phone_index = ").bind(Arg::Blob(ix.to_vec()));
                one(&mut self.read_conn()?, &sql, rows::customer).await
            }
            async fn customer_by_card(
                &mut self,
                t: TenantId,
                card_no: &str,
            ) -> AppResult<Option<StoredCustomer>> {
                let sql = sql!(
                    "SELECT c.* FROM member_accounts m JOIN customers c \
                     ON c.tenant_id = m.tenant_id AND c.id = m.customer_id \
                     WHERE m.tenant_id = $1 AND m.card_no = $2",
                    t.get(),
                    card_no
                );
                one(&mut self.read_conn()?, &sql, rows::customer).await
            }
            async fn known_phones(
                &mut self,
                t: TenantId,
                ixs: &[Vec<u8>],
            ) -> AppResult<Vec<Vec<u8>>> {
                let mut conn = self.read_conn()?;
                let mut known = Vec::new();
                for chunk in ixs.chunks(1000) {
                    let mut sql = by_tenant("SELECT phone_index FROM customers", t);
                    sql.push(" AND phone_index IN ")
                        .list(chunk.iter().map(|ix| Arg::Blob(ix.clone())));
                    for row in all(&mut conn, &sql).await? {
                        known.push(row.bytes("phone_index")?);
                    }
                }
                Ok(known)
            }
            async fn customers(
                &mut self,
                t: TenantId,
                f: &CustomerFilter,
                q: &ListQuery,
            ) -> AppResult<Page<StoredCustomer>> {
                let mut conn = self.read_conn()?;
                let mut total = Sql::new("SELECT COUNT(*) AS n FROM customers");
                customer_where(&mut total, t, f);
                let total = count(&mut conn, &total).await?;
                let mut sql = Sql::new("SELECT * FROM customers");
                customer_where(&mut sql, t, f);
                if let Some(cursor) = &q.after {
                    sql.push(" AND id > ")
                        .bind(Arg::Text(crate::reads::decode_cursor(cursor)?));
                }
                let limit = q.limit();
                sql.push(" ORDER BY id LIMIT ")
                    .bind(Arg::Int(i64::from(limit) + 1));
                if q.after.is_none() && q.offset > 0 {
                    sql.push(" OFFSET ").bind(Arg::Int(i64::from(q.offset)));
                }
                let mut items = many(&mut conn, &sql, rows::customer).await?;
                let more = items.len() > limit as usize;
                items.truncate(limit as usize);
                let next_cursor = more
                    .then(|| items.last().map(|c| encode_cursor(&c.id.to_string())))
                    .flatten();
                Ok(Page {
                    items,
                    next_cursor,
                    total,
                })
            }
            async fn member(
                &mut self,
                t: TenantId,
                id: MemberId,
            ) -> AppResult<Option<MemberAccount>> {
                let mut sql = by_tenant("SELECT * FROM member_accounts", t);
                sql.push(" AND id = ").bind(Arg::Text(id.to_string()));
                one(&mut self.read_conn()?, &sql, rows::member).await
            }
            async fn member_by_card(
                &mut self,
                t: TenantId,
                card: &str,
            ) -> AppResult<Option<MemberAccount>> {
                let mut sql = by_tenant("SELECT * FROM member_accounts", t);
                sql.push(" AND card_no = ")
                    .bind(Arg::Text(card.to_string()));
                one(&mut self.read_conn()?, &sql, rows::member).await
            }
            async fn member_of(
                &mut self,
                t: TenantId,
                program_id: &str,
                customer: CustomerId,
            ) -> AppResult<Option<MemberAccount>> {
                let mut sql = by_tenant("SELECT * FROM member_accounts", t);
                sql.push(" AND program_id = ")
                    .bind(Arg::Text(program_id.to_string()))
                    .push(" AND customer_id = ")
                    .bind(Arg::Text(customer.to_string()));
                one(&mut self.read_conn()?, &sql, rows::member).await
            }
            async fn members_of(
                &mut self,
                t: TenantId,
                customer: CustomerId,
            ) -> AppResult<Vec<MemberAccount>> {
                let mut sql = by_tenant("SELECT * FROM member_accounts", t);
                sql.push(" AND customer_id = ")
                    .bind(Arg::Text(customer.to_string()))
                    .push(" ORDER BY registered_at_ms, id");
                many(&mut self.read_conn()?, &sql, rows::member).await
            }
            async fn tier_records_of(
                &mut self,
                t: TenantId,
                member: MemberId,
            ) -> AppResult<Vec<TierRecord>> {
                let mut sql = by_tenant("SELECT * FROM tier_records", t);
                sql.push(" AND member_id = ")
                    .bind(Arg::Text(member.to_string()))
                    .push(" ORDER BY effective_at_ms DESC, id DESC");
                many(&mut self.read_conn()?, &sql, rows::tier_record).await
            }
            async fn point_accounts_of(
                &mut self,
                t: TenantId,
                member: MemberId,
            ) -> AppResult<Vec<PointAccount>> {
                let mut sql = by_tenant("SELECT * FROM point_accounts", t);
                sql.push(" AND member_id = ")
                    .bind(Arg::Text(member.to_string()))
                    .push(" ORDER BY point_group_id");
                many(&mut self.read_conn()?, &sql, rows::point_account).await
            }
            async fn binding(&mut self, t: TenantId, id: BindingId) -> AppResult<Option<Binding>> {
                let mut sql = by_tenant("SELECT * FROM channel_bindings", t);
                sql.push(" AND id = ").bind(Arg::Text(id.to_string()));
                one(&mut self.read_conn()?, &sql, rows::binding).await
            }
            async fn active_binding(
                &mut self,
                t: TenantId,
                channel: Channel,
                external_id: &str,
            ) -> AppResult<Option<Binding>> {
                let mut sql = by_tenant("SELECT * FROM channel_bindings", t);
                sql.push(" AND channel = ")
                    .bind(Arg::Text(channel.code().to_string()))
                    .push(" AND external_id = ")
                    .bind(Arg::Text(external_id.to_string()))
                    .push(" AND bound = 1");
                one(&mut self.read_conn()?, &sql, rows::binding).await
            }
            async fn bound_external_ids(
                &mut self,
                t: TenantId,
                channel: Channel,
                ids: &[String],
            ) -> AppResult<Vec<String>> {
                let mut conn = self.read_conn()?;
                let mut bound = Vec::new();
                for chunk in ids.chunks(1000) {
                    let mut sql = by_tenant("SELECT external_id FROM channel_bindings", t);
                    sql.push(" AND channel = ")
                        .bind(Arg::Text(channel.code().to_string()))
                        .push(" AND bound = 1 AND external_id IN ")
                        .list(chunk.iter().map(|id| Arg::Text(id.clone())));
                    for row in all(&mut conn, &sql).await? {
                        bound.push(row.text("external_id")?);
                    }
                }
                Ok(bound)
            }
            async fn bindings_by_wechat_id(
                &mut self,
                t: TenantId,
                id: &str,
            ) -> AppResult<Vec<Binding>> {
                // Two indexed lookups rather than an OR, which would not use either index.
                let mut conn = self.read_conn()?;
                let mut found = Vec::new();
                for col in ["openid", "unionid"] {
                    let mut sql = by_tenant("SELECT * FROM channel_bindings", t);
                    sql.push(&format!(" AND {col} = "))
                        .bind(Arg::Text(id.to_string()))
                        .push(" AND bound = 1 ORDER BY id");
                    found.extend(many(&mut conn, &sql, rows::binding).await?);
                }
                Ok(found)
            }
            async fn bindings_of(
                &mut self,
                t: TenantId,
                customer: CustomerId,
            ) -> AppResult<Vec<Binding>> {
                let mut sql = by_tenant("SELECT * FROM channel_bindings", t);
                sql.push(" AND customer_id = ")
                    .bind(Arg::Text(customer.to_string()))
                    .push(" ORDER BY bound_at_ms, id");
                many(&mut self.read_conn()?, &sql, rows::binding).await
            }
            async fn import_job(
                &mut self,
                t: TenantId,
                id: ImportId,
            ) -> AppResult<Option<ImportJob>> {
                let mut sql = by_tenant("SELECT * FROM import_jobs", t);
                sql.push(" AND id = ").bind(Arg::Text(id.to_string()));
                one(&mut self.read_conn()?, &sql, rows::import_job).await
            }
            async fn unfinished_imports(&mut self) -> AppResult<Vec<ImportJob>> {
                let sql = Sql::new(
                    "SELECT * FROM import_jobs WHERE status IN ('queued', 'running') ORDER BY created_at_ms",
                );
                all(&mut self.read_conn()?, &sql)
                    .await?
                    .iter()
                    .map(rows::import_job)
                    .collect()
            }
            async fn import_jobs(
                &mut self,
                t: TenantId,
                q: &ListQuery,
            ) -> AppResult<Page<ImportJob>> {
                let spec = crate::reads::ListSpec {
                    table: "import_jobs",
                    tenant: Some(t.get()),
                    search_columns: &["file_name"],
                    integer_id: false,
                    newest_first: true,
                    filters: vec![],
                };
                let mut conn = self.read_conn()?;
                let (found, more, total) = crate::reads::page_rows(&mut conn, spec, q).await?;
                let items = found
                    .iter()
                    .map(rows::import_job)
                    .collect::<AppResult<Vec<_>>>()?;
                Ok(crate::reads::page(items, more, total, |j| j.id.to_string()))
            }
            async fn import_files(
                &mut self,
                t: TenantId,
                id: ImportId,
            ) -> AppResult<Option<(Vec<u8>, Option<Vec<u8>>)>> {
                let mut sql = by_tenant("SELECT content, failures FROM import_files", t);
                sql.push(" AND job_id = ").bind(Arg::Text(id.to_string()));
                match optional(&mut self.read_conn()?, &sql).await? {
                    Some(row) => Ok(Some((row.bytes("content")?, row.opt_bytes("failures")?))),
                    None => Ok(None),
                }
            }
        }
    };
}

impl_members_reads!(SqlReader);
impl_members_reads!(SqlTx);

fn flag(v: bool) -> i64 {
    i64::from(v)
}

#[async_trait]
impl MembersWrites for SqlTx {
    async fn insert_customer(&mut self, c: &StoredCustomer) -> AppResult<bool> {
        Ok(bulk::insert_customers(self, std::slice::from_ref(c))
            .await?
            .len()
            == 1)
    }

    async fn insert_customers(&mut self, cs: &[StoredCustomer]) -> AppResult<Vec<CustomerId>> {
        bulk::insert_customers(self, cs).await
    }

    async fn update_customer(&mut self, c: &StoredCustomer) -> AppResult<()> {
        self.exec(&sql!("UPDATE customers SET name_enc = $1, name_index = $2, phone_enc = $3, phone_index = $4, \
             email_enc = $5, email_index = $6, birthday_enc = $7, birth_month = $8, address_enc = $9, \
             id_number_enc = $10, gender = $11, province = $12, city = $13, accepts_marketing = $14, \
             is_employee = $15, is_test = $16, erased_at_ms = $17, updated_at_ms = $18 \
             WHERE tenant_id = $19 AND id = $20", c.name_enc.clone(), c.name_index.clone(), c.phone_enc.clone(), c.phone_index.clone(), c.email_enc.clone(), c.email_index.clone(), c.birthday_enc.clone(), c.birth_month, c.address_enc.clone(), c.id_number_enc.clone(), c.gender.as_str(), c.province.clone(), c.city.clone(), flag(c.accepts_marketing), flag(c.is_employee), flag(c.is_test), c.erased_at_ms, c.updated_at_ms, c.tenant_id.get(), c.id.to_string())).await?;
        Ok(())
    }

    async fn next_card_no(&mut self, t: TenantId) -> AppResult<i64> {
        if let SqlTx::Sqlx(_, blocks) = self {
            // PostgreSQL: from a block reserved outside this transaction (see `card_blocks`).
            let blocks = blocks.clone();
            return blocks.next(t).await;
        }
        // SQLite: one statement; the first call creates the counter, later ones advance it.
        let rows = self
            .fetch(&sql!(
                "INSERT INTO sequences (tenant_id, name, next_value) VALUES ($1, 'card_no', $2) \
                 ON CONFLICT (tenant_id, name) DO UPDATE SET next_value = sequences.next_value + 1 \
                 RETURNING next_value",
                t.get(),
                FIRST_CARD_NO
            ))
            .await?;
        rows.first()
            .ok_or_else(|| patron_app::AppError::Store("no card number returned".into()))?
            .i64("next_value")
    }

    async fn insert_member(&mut self, m: &MemberAccount) -> AppResult<bool> {
        Ok(bulk::insert_members(self, std::slice::from_ref(m))
            .await?
            .len()
            == 1)
    }

    async fn insert_members(&mut self, ms: &[MemberAccount]) -> AppResult<Vec<MemberId>> {
        bulk::insert_members(self, ms).await
    }

    async fn set_member_status(
        &mut self,
        t: TenantId,
        id: MemberId,
        status: MemberStatus,
        now_ms: i64,
    ) -> AppResult<()> {
        self.exec(&sql!("UPDATE member_accounts SET status = $1, updated_at_ms = $2 WHERE tenant_id = $3 AND id = $4", status.as_str(), now_ms, t.get(), id.to_string())).await?;
        Ok(())
    }

    async fn insert_tier_record(&mut self, r: &TierRecord) -> AppResult<()> {
        bulk::insert_openings(self, std::slice::from_ref(r), &[], &[]).await
    }

    async fn insert_openings(
        &mut self,
        tier_records: &[TierRecord],
        accounts: &[PointAccount],
        bindings: &[Binding],
    ) -> AppResult<()> {
        bulk::insert_openings(self, tier_records, accounts, bindings).await
    }

    async fn insert_binding(&mut self, b: &Binding) -> AppResult<()> {
        bulk::insert_openings(self, &[], &[], std::slice::from_ref(b)).await
    }

    async fn unbind(
        &mut self,
        t: TenantId,
        id: BindingId,
        now_ms: i64,
        erase: bool,
    ) -> AppResult<()> {
        let sql = if erase {
            // The identifiers themselves are personal data: replaced by the binding's own id.
            "UPDATE channel_bindings SET bound = 0, unbound_at_ms = COALESCE(unbound_at_ms, $1), updated_at_ms = $1, \
             external_id = 'erased-' || id, openid = NULL, unionid = NULL, nickname = NULL \
             WHERE tenant_id = $2 AND id = $3"
        } else {
            "UPDATE channel_bindings SET bound = 0, unbound_at_ms = $1, updated_at_ms = $1 \
             WHERE tenant_id = $2 AND id = $3 AND bound = 1"
        };
        self.exec(&sql!(sql, now_ms, t.get(), id.to_string()))
            .await?;
        Ok(())
    }

    async fn insert_import_job(&mut self, j: &ImportJob, content: &[u8]) -> AppResult<()> {
        self.exec(&sql!("INSERT INTO import_jobs (tenant_id, id, kind, program_id, file_name, format, status, total_rows, \
             processed_rows, created_rows, merged_rows, failed_rows, error, created_by, created_at_ms, \
             started_at_ms, finished_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)", j.tenant_id.get(), j.id.to_string(), &j.kind, &j.program_id, &j.file_name, &j.format, &j.status, j.total_rows, j.processed_rows, j.created_rows, j.merged_rows, j.failed_rows, j.error.clone(), &j.created_by, j.created_at_ms, j.started_at_ms, j.finished_at_ms)).await?;
        self.exec(&sql!(
            "INSERT INTO import_files (tenant_id, job_id, content) VALUES ($1, $2, $3)",
            j.tenant_id.get(),
            j.id.to_string(),
            content.to_vec()
        ))
        .await?;
        Ok(())
    }

    async fn update_import_job(&mut self, j: &ImportJob) -> AppResult<()> {
        self.exec(&sql!("UPDATE import_jobs SET status = $1, total_rows = $2, processed_rows = $3, created_rows = $4, \
             merged_rows = $5, failed_rows = $6, error = $7, started_at_ms = $8, finished_at_ms = $9 \
             WHERE tenant_id = $10 AND id = $11", &j.status, j.total_rows, j.processed_rows, j.created_rows, j.merged_rows, j.failed_rows, j.error.clone(), j.started_at_ms, j.finished_at_ms, j.tenant_id.get(), j.id.to_string())).await?;
        Ok(())
    }

    async fn save_import_failures(
        &mut self,
        t: TenantId,
        id: ImportId,
        failures: &[u8],
    ) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE import_files SET failures = $1 WHERE tenant_id = $2 AND job_id = $3",
            failures.to_vec(),
            t.get(),
            id.to_string()
        ))
        .await?;
        Ok(())
    }
}
