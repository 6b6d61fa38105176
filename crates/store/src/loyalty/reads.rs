//! Reads of the loyalty configuration, over one connection (pooled reader or transaction).

use super::rows;
use crate::reads::{all, one_in_tenant, optional, page, page_rows, Conn, ListSpec};
use crate::row::Row;
use crate::sql::{Arg, Sql};
use patron_app::loyalty::{CostCenter, PointGroup, Program, Tier, TierRule, Usage};
use patron_app::model::{ListQuery, Page};
use patron_app::AppResult;
use patron_domain::ids::{ProgramId, TenantId};

/// One record of `table` in tenant `t` by id.
pub(crate) async fn by_id<T>(
    conn: &mut Conn<'_>,
    table: &str,
    t: TenantId,
    id: String,
    map: fn(&Row) -> AppResult<T>,
) -> AppResult<Option<T>> {
    one_in_tenant(conn, table, t, "id", Arg::Text(id), map).await
}

pub(crate) async fn program_by_code(
    conn: &mut Conn<'_>,
    t: TenantId,
    code: &str,
) -> AppResult<Option<Program>> {
    one_in_tenant(
        conn,
        "programs",
        t,
        "code",
        Arg::Text(code.to_string()),
        rows::program,
    )
    .await
}

pub(crate) async fn programs(
    conn: &mut Conn<'_>,
    t: TenantId,
    q: &ListQuery,
) -> AppResult<Page<Program>> {
    let spec = ListSpec {
        table: "programs",
        tenant: Some(t.get()),
        search_columns: &["name", "code"],
        integer_id: false,
        newest_first: false,
        filters: vec![],
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let items = found
        .iter()
        .map(rows::program)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, |p| p.id.to_string()))
}

pub(crate) async fn all_programs(conn: &mut Conn<'_>, t: TenantId) -> AppResult<Vec<Program>> {
    let mut sql = Sql::new("SELECT * FROM programs WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get())).push(" ORDER BY id");
    all(conn, &sql).await?.iter().map(rows::program).collect()
}

/// One page of a program's records of `table`, searched by name and code.
pub(crate) async fn page_of<T>(
    conn: &mut Conn<'_>,
    table: &str,
    t: TenantId,
    program: ProgramId,
    q: &ListQuery,
    map: fn(&Row) -> AppResult<T>,
    id_of: fn(&T) -> String,
) -> AppResult<Page<T>> {
    let search: &[&str] = if table == "tier_rules" {
        &["name"]
    } else {
        &["name", "code"]
    };
    let spec = ListSpec {
        table,
        tenant: Some(t.get()),
        search_columns: search,
        integer_id: false,
        newest_first: false,
        filters: vec![("program_id = ", Arg::Text(program.to_string()))],
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let items = found.iter().map(map).collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, id_of))
}

/// Every record of `table` in a program, ordered by `order`.
pub(crate) async fn all_of<T>(
    conn: &mut Conn<'_>,
    table: &str,
    t: TenantId,
    program: ProgramId,
    order: &str,
    map: fn(&Row) -> AppResult<T>,
) -> AppResult<Vec<T>> {
    let mut sql = Sql::new(&format!("SELECT * FROM {table} WHERE tenant_id = "));
    sql.bind(Arg::Int(t.get()))
        .push(" AND program_id = ")
        .bind(Arg::Text(program.to_string()))
        .push(&format!(" ORDER BY {order}"));
    all(conn, &sql).await?.iter().map(map).collect()
}

pub(crate) async fn point_groups_of(
    conn: &mut Conn<'_>,
    t: TenantId,
    program: ProgramId,
) -> AppResult<Vec<PointGroup>> {
    all_of(conn, "point_groups", t, program, "id", rows::point_group).await
}

pub(crate) async fn cost_centers_of(
    conn: &mut Conn<'_>,
    t: TenantId,
    program: ProgramId,
) -> AppResult<Vec<CostCenter>> {
    all_of(conn, "cost_centers", t, program, "id", rows::cost_center).await
}

pub(crate) async fn tiers_of(
    conn: &mut Conn<'_>,
    t: TenantId,
    program: ProgramId,
) -> AppResult<Vec<Tier>> {
    all_of(conn, "tiers", t, program, "rank", rows::tier).await
}

pub(crate) async fn tier_rules_of(
    conn: &mut Conn<'_>,
    t: TenantId,
    program: ProgramId,
) -> AppResult<Vec<TierRule>> {
    all_of(conn, "tier_rules", t, program, "id", rows::tier_rule).await
}

pub(crate) async fn base_tier(
    conn: &mut Conn<'_>,
    t: TenantId,
    program: ProgramId,
) -> AppResult<Option<Tier>> {
    let mut sql = Sql::new("SELECT * FROM tiers WHERE tenant_id = ");
    sql.bind(Arg::Int(t.get()))
        .push(" AND program_id = ")
        .bind(Arg::Text(program.to_string()))
        .push(" AND is_base = 1");
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::tier)
        .transpose()
}

/// Counts rows referring to a record: `(alias, table, column)` for each kind of reference.
async fn usage(
    conn: &mut Conn<'_>,
    t: TenantId,
    id: String,
    refs: &[(&str, &str, &str)],
) -> AppResult<Usage> {
    let mut sql = Sql::new("SELECT ");
    for (i, (alias, table, column)) in refs.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(&format!("(SELECT COUNT(*) FROM {table} WHERE tenant_id = "))
            .bind(Arg::Int(t.get()))
            .push(&format!(" AND {column} = "))
            .bind(Arg::Text(id.clone()))
            .push(&format!(") AS {alias}"));
    }
    let row = optional(conn, &sql).await?;
    let n = |alias: &str| -> AppResult<u64> {
        match &row {
            Some(r) if refs.iter().any(|(a, _, _)| *a == alias) => {
                Ok(u64::try_from(r.i64(alias)?).unwrap_or(0))
            }
            _ => Ok(0),
        }
    };
    Ok(Usage {
        point_groups: n("point_groups")?,
        cost_centers: n("cost_centers")?,
        tiers: n("tiers")?,
        tier_rules: n("tier_rules")?,
        members: n("members")?,
        point_accounts: n("point_accounts")?,
        tier_records: n("tier_records")?,
    })
}

pub(crate) async fn program_usage(
    conn: &mut Conn<'_>,
    t: TenantId,
    id: ProgramId,
) -> AppResult<Usage> {
    let refs = [
        ("point_groups", "point_groups", "program_id"),
        ("cost_centers", "cost_centers", "program_id"),
        ("tiers", "tiers", "program_id"),
        ("tier_rules", "tier_rules", "program_id"),
        ("members", "member_accounts", "program_id"),
    ];
    usage(conn, t, id.to_string(), &refs).await
}

pub(crate) async fn point_group_usage(
    conn: &mut Conn<'_>,
    t: TenantId,
    id: String,
) -> AppResult<Usage> {
    let refs = [
        ("tier_rules", "tier_rules", "point_group_id"),
        ("point_accounts", "point_accounts", "point_group_id"),
    ];
    usage(conn, t, id, &refs).await
}

pub(crate) async fn tier_usage(conn: &mut Conn<'_>, t: TenantId, id: String) -> AppResult<Usage> {
    let refs = [
        ("tier_rules", "tier_rules", "tier_id"),
        ("tier_records", "tier_records", "tier_id"),
    ];
    usage(conn, t, id, &refs).await
}

pub(crate) async fn tier_rule_usage(
    conn: &mut Conn<'_>,
    t: TenantId,
    id: String,
) -> AppResult<Usage> {
    let refs = [("tier_records", "tier_records", "tier_rule_id")];
    usage(conn, t, id, &refs).await
}
