//! Bulk import of customers and members (cdp-canvas-guide §4.2–4.3). An upload is stored as a
//! job and processed in the background: rows are checked, duplicates resolved, valid rows
//! registered in batches, progress recorded after each batch, and the refused rows returned as
//! a failure file. Registration is idempotent by person, so a job interrupted by a restart can
//! simply be run again.

use super::import_file::{self, Format, Table};
use super::import_rows::{self, Columns, ReadyRow};
use super::model::{CustomerFilter, ImportJob};
use super::newcomers::{self, Newcomer};
use super::register;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::pii::{Field, Pii};
use crate::ports::Store;
use crate::secrets::new_uuid;
use chrono_tz::Tz;
use futures::future::join_all;
use patron_domain::ids::ImportId;
use patron_domain::rbac::Permission;
use patron_domain::ValidationError;

/// Rows registered per transaction: large enough that commits do not dominate, small enough
/// that progress moves and a failed batch is cheap to redo row by row.
const BATCH: usize = 500;
/// Batches in flight at once.
const BATCHES_AT_ONCE: usize = 2;
/// The largest file accepted, in rows.
pub const MAX_ROWS: usize = 1_000_000;

/// Checks the upload and stores it as a queued job; [`run`] does the work.
pub async fn start(
    store: &dyn Store,
    pii: &Pii,
    ctx: &Ctx,
    program: &str,
    file_name: &str,
    format: Option<&str>,
    content: Vec<u8>,
) -> AppResult<ImportJob> {
    ctx.principal.require(Permission::CustomersImport)?;
    let t = ctx.principal.tenant()?;
    let file_name = patron_domain::text::bounded("file", file_name, 1, 200)?;
    let format = match format.filter(|f| !f.trim().is_empty()) {
        Some(f) => Format::parse(f)?,
        None => Format::of_file_name(&file_name).ok_or_else(|| {
            ValidationError::new(
                "format",
                "unsupported_format",
                "the file must be CSV or XLSX",
            )
        })?,
    };
    let program = store
        .reader()
        .await?
        .program_refs(t, program.trim())
        .await?
        .ok_or_else(|| {
            ValidationError::new(
                "program",
                "unknown_program",
                format!("no program '{}'", program.trim()),
            )
        })?;
    let fmt = format;
    let table =
        tokio::task::spawn_blocking(move || import_file::read(fmt, &content).map(|t| (t, content)))
            .await
            .map_err(|e| AppError::Store(format!("reading task failed: {e}")))?;
    let (table, content) = table?;
    Columns::of(&table.header)?;
    if table.rows.len() > MAX_ROWS {
        return Err(ValidationError::new(
            "file",
            "too_many_rows",
            format!("at most {MAX_ROWS} rows per file"),
        )
        .into());
    }
    let job = ImportJob {
        tenant_id: t,
        id: ImportId::from_uuid(new_uuid()),
        kind: "members".into(),
        program_id: program.program_id.clone(),
        file_name,
        format: format.as_str().into(),
        status: "queued".into(),
        total_rows: i64::try_from(table.rows.len()).unwrap_or(i64::MAX),
        processed_rows: 0,
        created_rows: 0,
        merged_rows: 0,
        failed_rows: 0,
        error: None,
        created_by: ctx.principal.actor.name().to_string(),
        created_at_ms: ctx.now_ms,
        started_at_ms: None,
        finished_at_ms: None,
    };
    let mut tx = store.begin().await?;
    // The file holds whole rows of personal data: it rests sealed like every PII field.
    let sealed = pii.seal_bytes(t, Field::ImportFile, &content);
    tx.insert_import_job(&job, &sealed).await?;
    crate::audit::record(
        &mut *tx,
        ctx,
        Some(t),
        crate::audit::Change {
            action: "import.start",
            object_type: "import",
            object_id: job.id.to_string(),
            before: None,
            after: Some(serde_json::json!({"file": job.file_name, "rows": job.total_rows, "program": program.code})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(job)
}

async fn save(store: &dyn Store, job: &ImportJob) -> AppResult<()> {
    let mut tx = store.begin().await?;
    tx.update_import_job(job).await?;
    tx.commit().await
}

/// Processes a job to the end. `ctx` is the uploader's (it registers with their rights) and
/// `now` gives each batch its time.
pub async fn run(
    store: &dyn Store,
    pii: &Pii,
    ctx: &Ctx,
    id: ImportId,
    now: &(dyn Fn() -> i64 + Send + Sync),
) -> AppResult<ImportJob> {
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let mut job = r
        .import_job(t, id)
        .await?
        .ok_or(AppError::NotFound("import"))?;
    let (sealed, _) = r
        .import_files(t, id)
        .await?
        .ok_or(AppError::NotFound("import"))?;
    let content = pii.open_bytes(t, Field::ImportFile, &sealed)?;
    let program = r
        .program_refs_by_id(t, &job.program_id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    let tz = crate::tenants::zone(&mut *r, t).await?;
    drop(r);
    let result = process(store, pii, ctx, &mut job, &content, &program.code, tz, now).await;
    if let Err(e) = &result {
        job.status = "failed".into();
        job.error = Some(e.to_string());
        job.finished_at_ms = Some(now());
        save(store, &job).await?;
    }
    result.map(|()| job)
}

#[allow(clippy::too_many_arguments)]
async fn process(
    store: &dyn Store,
    pii: &Pii,
    ctx: &Ctx,
    job: &mut ImportJob,
    content: &[u8],
    program: &str,
    tz: Tz,
    now: &(dyn Fn() -> i64 + Send + Sync),
) -> AppResult<()> {
    let format = Format::parse(&job.format)?;
    let bytes = content.to_vec();
    let table: Table = tokio::task::spawn_blocking(move || import_file::read(format, &bytes))
        .await
        .map_err(|e| AppError::Store(format!("reading task failed: {e}")))??;
    let cols = Columns::of(&table.header)?;
    let sorted = import_rows::sort_rows(&table, &cols, program, tz, now());
    let mut failures = sorted.refused;
    job.status = "running".into();
    job.started_at_ms = Some(now());
    job.created_rows = 0;
    job.merged_rows = 0;
    job.failed_rows = i64::try_from(failures.len()).unwrap_or(i64::MAX);
    job.processed_rows = job.failed_rows;
    save(store, job).await?;

    let mut cache = RefCache::new();
    resolve_rows(store, ctx, &sorted.ready, &mut cache).await?;
    let cache = &cache;
    // Batches go two at a time, each on its own connection: while the database writes one,
    // the server prepares the other. Results are counted in file order.
    let chunks: Vec<&[ReadyRow]> = sorted.ready.chunks(BATCH).collect();
    // The member tables' statistics are refreshed whenever the job has added half as many
    // customers again as the tenant had at the last refresh, so the planner never counts them at
    // less than two thirds of their size; a tenant with many customers already needs none until
    // the end. (Each refresh samples five tables: one per batch would cost more than the batch.)
    let mut counted = customer_count(store, ctx).await?;
    let mut created_then = 0;
    for group in chunks.chunks(BATCHES_AT_ONCE) {
        let mut batch_ctx = ctx.clone();
        batch_ctx.now_ms = now();
        let results = join_all(
            group
                .iter()
                .map(|chunk| register_batch(store, pii, &batch_ctx, chunk, cache)),
        )
        .await;
        for (&chunk, result) in group.iter().zip(results) {
            match result {
                Ok(outcomes) => tally(job, &mut failures, chunk, outcomes),
                // A batch the database refused (a race with another writer) is redone row by row,
                // so one bad row cannot cost the others.
                Err(_) => {
                    for row in chunk {
                        let outcome = register_batch(
                            store,
                            pii,
                            &batch_ctx,
                            std::slice::from_ref(row),
                            cache,
                        )
                        .await
                        .map(|mut o| o.remove(0))
                        .unwrap_or_else(|e| Err(describe(&e)));
                        tally(job, &mut failures, std::slice::from_ref(row), vec![outcome]);
                    }
                }
            }
        }
        job.processed_rows = job.created_rows + job.merged_rows + job.failed_rows;
        save(store, job).await?;
        let added = u64::try_from(job.created_rows - created_then).unwrap_or(0);
        if added * 2 > counted {
            store.refresh_statistics().await?;
            counted += added;
            created_then = job.created_rows;
        }
    }
    store.refresh_statistics().await?;
    failures.sort_by_key(|f| f.0);
    let file = import_file::failures_csv(&table.header, &failures)?;
    let file = pii.seal_bytes(job.tenant_id, Field::ImportFile, &file);
    let mut tx = store.begin().await?;
    tx.save_import_failures(job.tenant_id, job.id, &file)
        .await?;
    job.status = "done".into();
    job.finished_at_ms = Some(now());
    tx.update_import_job(job).await?;
    tx.commit().await
}

/// How many customers the tenant has.
async fn customer_count(store: &dyn Store, ctx: &Ctx) -> AppResult<u64> {
    let t = ctx.principal.tenant()?;
    let q = ListQuery {
        limit: 1,
        ..ListQuery::default()
    };
    let page = store
        .reader()
        .await?
        .customers(t, &CustomerFilter::default(), &q)
        .await?;
    Ok(page.total)
}

/// What happened to one row: `Ok(true)` a new member, `Ok(false)` an existing one.
type Outcome = Result<bool, String>;

fn describe(e: &AppError) -> String {
    match e {
        AppError::Validation(v) => format!("{}: {}: {}", v.code, v.field, v.message),
        AppError::Conflict { code, message, .. } => format!("{code}: {message}"),
        other => format!("error: {other}"),
    }
}

/// Resolved references by (program, store, home store) code: configuration, read once per job
/// outside the batches' transactions.
type RefCache = std::collections::HashMap<
    (String, Option<String>, Option<String>),
    Result<register::Resolved, String>,
>;

async fn resolve_rows(
    store: &dyn Store,
    ctx: &Ctx,
    rows: &[ReadyRow],
    cache: &mut RefCache,
) -> AppResult<()> {
    let t = ctx.principal.tenant()?;
    let mut reader = None;
    for row in rows {
        let p = &row.prepared;
        let key = (p.program.clone(), p.store.clone(), p.home_store.clone());
        if cache.contains_key(&key) {
            continue;
        }
        if reader.is_none() {
            reader = Some(store.reader().await?);
        }
        let Some(r) = reader.as_mut() else { continue };
        let resolved = match register::resolve(&mut **r, t, p).await {
            Ok(done) => Ok(done),
            Err(e @ AppError::Store(_)) => return Err(e),
            Err(e) => Err(describe(&e)),
        };
        cache.insert(key, resolved);
    }
    Ok(())
}

/// Registers rows in one transaction. Refusals (unknown store, card taken…) happen before any
/// write of their row, so they are recorded and the batch goes on; a database error ends it.
async fn register_batch(
    store: &dyn Store,
    pii: &Pii,
    ctx: &Ctx,
    rows: &[ReadyRow],
    cache: &RefCache,
) -> AppResult<Vec<Outcome>> {
    let resolved: Vec<Result<&register::Resolved, String>> = rows
        .iter()
        .map(|row| {
            let p = &row.prepared;
            let key = (p.program.clone(), p.store.clone(), p.home_store.clone());
            match cache.get(&key) {
                Some(Ok(r)) => Ok(r),
                Some(Err(reason)) => Err(reason.clone()),
                None => Err("error: references not resolved".into()),
            }
        })
        .collect();
    let mut tx = store.begin().await?;
    // New people first, many per statement; the rest one by one.
    let (places, newcomers): (Vec<usize>, Vec<Newcomer>) = rows
        .iter()
        .zip(&resolved)
        .enumerate()
        .filter_map(|(i, (row, r))| {
            let resolved = *r.as_ref().ok()?;
            Some((
                i,
                Newcomer {
                    prepared: &row.prepared,
                    resolved,
                },
            ))
        })
        .unzip();
    let registered = newcomers::register_newcomers(&mut *tx, ctx, pii, &newcomers).await?;
    let mut done = vec![false; rows.len()];
    for (i, yes) in places.into_iter().zip(registered) {
        done[i] = yes.is_some();
    }
    let mut out = Vec::with_capacity(rows.len());
    for ((row, resolved), done) in rows.iter().zip(resolved).zip(done) {
        if done {
            out.push(Ok(true));
            continue;
        }
        let resolved = match resolved {
            Ok(r) => r,
            Err(reason) => {
                out.push(Err(reason));
                continue;
            }
        };
        match register::register_resolved(&mut *tx, ctx, pii, row.prepared.clone(), resolved).await
        {
            Ok(done) => out.push(Ok(done.created_member)),
            Err(e @ (AppError::Store(_) | AppError::Forbidden(_) | AppError::TenantRequired)) => {
                return Err(e)
            }
            Err(e) => out.push(Err(describe(&e))),
        }
    }
    tx.commit().await?;
    Ok(out)
}

fn tally(
    job: &mut ImportJob,
    failures: &mut Vec<(usize, Vec<String>, String)>,
    rows: &[ReadyRow],
    outcomes: Vec<Outcome>,
) {
    for (row, outcome) in rows.iter().zip(outcomes) {
        match outcome {
            Ok(true) => job.created_rows += 1,
            Ok(false) => job.merged_rows += 1,
            Err(reason) => {
                job.failed_rows += 1;
                failures.push((row.line, row.cells.clone(), reason));
            }
        }
    }
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: ImportId) -> AppResult<ImportJob> {
    ctx.principal.require(Permission::CustomersImport)?;
    let t = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .import_job(t, id)
        .await?
        .ok_or(AppError::NotFound("import"))
}

pub async fn list(store: &dyn Store, ctx: &Ctx, q: &ListQuery) -> AppResult<Page<ImportJob>> {
    ctx.principal.require(Permission::CustomersImport)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.import_jobs(t, q).await
}

/// The failure file of a finished job (audited: it holds the refused rows' personal data).
pub async fn failures(
    store: &dyn Store,
    pii: &Pii,
    ctx: &Ctx,
    id: ImportId,
) -> AppResult<(ImportJob, Vec<u8>)> {
    let job = get(store, ctx, id).await?;
    let t = ctx.principal.tenant()?;
    let (_, file) = store
        .reader()
        .await?
        .import_files(t, id)
        .await?
        .ok_or(AppError::NotFound("import"))?;
    let file = file.ok_or_else(|| {
        AppError::conflict(
            "import_not_finished",
            None,
            "the import has not finished yet",
        )
    })?;
    let file = pii.open_bytes(t, Field::ImportFile, &file)?;
    let mut tx = store.begin().await?;
    crate::audit::record(
        &mut *tx,
        ctx,
        Some(t),
        crate::audit::Change {
            action: "import.export_failures",
            object_type: "import",
            object_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"rows": job.failed_rows})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((job, file))
}

/// The context a job registers with: the uploader's, able to register members.
pub fn job_ctx(ctx: &Ctx) -> Ctx {
    let mut c = ctx.clone();
    c.principal.permissions = c.principal.permissions.with(Permission::CustomersRegister);
    c
}

/// The programs an import can register into, as (code, name).
pub async fn programs(store: &dyn Store, ctx: &Ctx) -> AppResult<Vec<(String, String)>> {
    ctx.principal.require(Permission::CustomersImport)?;
    let t = ctx.principal.tenant()?;
    Ok(store
        .reader()
        .await?
        .all_programs(t)
        .await?
        .into_iter()
        .map(|p| (p.code, p.name))
        .collect())
}

/// Starts again, in the background, the jobs a stop interrupted (still queued or running), from
/// their first row: rows registered before the stop are found again as existing members, so
/// nothing is registered twice and nothing is lost. They run with the import rights, as the
/// system (the uploader's session may be long gone). Returns how many were started.
pub async fn resume_unfinished(
    store: std::sync::Arc<dyn Store>,
    pii: std::sync::Arc<Pii>,
    now: std::sync::Arc<dyn Fn() -> i64 + Send + Sync>,
) -> AppResult<usize> {
    let jobs = store.reader().await?.unfinished_imports().await?;
    for job in &jobs {
        let mut ctx = Ctx::system(Some(job.tenant_id), now());
        ctx.principal.permissions = ctx.principal.permissions.with(Permission::CustomersImport);
        tracing::info!(import = %job.id, file = %job.file_name, "resuming an interrupted import");
        spawn(store.clone(), pii.clone(), ctx, job.id, now.clone());
    }
    Ok(jobs.len())
}

/// Runs a started job in the background and logs how it ended.
pub fn spawn(
    store: std::sync::Arc<dyn Store>,
    pii: std::sync::Arc<Pii>,
    ctx: Ctx,
    id: ImportId,
    now: std::sync::Arc<dyn Fn() -> i64 + Send + Sync>,
) {
    tokio::spawn(async move {
        let ctx = job_ctx(&ctx);
        match run(&*store, &pii, &ctx, id, &*now).await {
            Ok(job) => {
                tracing::info!(import = %id, created = job.created_rows, merged = job.merged_rows, failed = job.failed_rows, "import finished")
            }
            Err(e) => tracing::error!(import = %id, error = %e, "import failed"),
        }
    });
}
