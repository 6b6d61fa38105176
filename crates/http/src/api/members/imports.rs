//! `/api/v1/imports`: bulk import of customers and members from CSV or XLSX. The upload answers
//! at once (202) with the job; the rows are registered in the background and the job shows the
//! progress. Uploading the same file twice is harmless: registration is idempotent by person.

use crate::auth::{perm, Auth};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::{rfc3339, ListParams};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use patron_app::members::import_file::{self, Format};
use patron_app::members::imports;
use patron_app::members::model::ImportJob;
use patron_app::AppError;
use patron_domain::ids::ImportId;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Import files may be far larger than API bodies.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/imports/template", get(template))
        .route(
            "/api/v1/imports",
            get(list)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/api/v1/imports/{id}", get(show))
        .route("/api/v1/imports/{id}/failures", get(failures))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    pub id: String,
    pub file_name: String,
    /// `csv` or `xlsx`.
    pub format: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    pub total_rows: i64,
    pub processed_rows: i64,
    /// Rows that opened a new member account.
    pub created_rows: i64,
    /// Rows that matched a member who already existed (nothing duplicated).
    pub merged_rows: i64,
    /// Rows refused; see the failure file.
    pub failed_rows: i64,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

impl From<&ImportJob> for ImportView {
    fn from(j: &ImportJob) -> Self {
        Self {
            id: j.id.to_string(),
            file_name: j.file_name.clone(),
            format: j.format.clone(),
            status: j.status.clone(),
            total_rows: j.total_rows,
            processed_rows: j.processed_rows,
            created_rows: j.created_rows,
            merged_rows: j.merged_rows,
            failed_rows: j.failed_rows,
            error: j.error.clone(),
            created_by: j.created_by.clone(),
            created_at: rfc3339(j.created_at_ms),
            started_at: j.started_at_ms.map(rfc3339),
            finished_at: j.finished_at_ms.map(rfc3339),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportPage {
    pub items: Vec<ImportView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

fn parse_id(raw: &str) -> ApiResult<ImportId> {
    ImportId::parse(raw)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "import not found"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateParams {
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
}

/// A file download (shared with the console's links).
pub fn download(content_type: &'static str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub fn template_name(format: Format) -> String {
    format!("patron-members-template.{}", format.as_str())
}

/// `members.csv` → `members-failures.csv`.
pub fn failures_name(job: &ImportJob) -> String {
    let stem = job
        .file_name
        .rsplit_once('.')
        .map_or(job.file_name.as_str(), |(s, _)| s);
    format!("{stem}-failures.csv")
}

pub fn content_type(format: Format) -> &'static str {
    match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
}

/// The import template: the columns, and in XLSX a sheet explaining each.
#[utoipa::path(get, path = "/api/v1/imports/template", tag = "imports", params(TemplateParams),
    security(("api_key" = ["customers:import"]), ("session" = ["customers:import"])),
    responses((status = 200, description = "The template file"), (status = 422, body = Problem)))]
pub async fn template(
    _auth: Auth<perm::CustomersImport>,
    Query(p): Query<TemplateParams>,
) -> ApiResult<Response> {
    let format = Format::parse(p.format.as_deref().unwrap_or("csv")).map_err(AppError::from)?;
    let bytes = import_file::template(format)?;
    Ok(download(
        content_type(format),
        &template_name(format),
        bytes,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The program members are registered into (its code).
    pub program: String,
    /// The file's name, shown in the job list; its extension gives the format.
    pub file_name: String,
    /// `csv` or `xlsx`, when the name does not say.
    pub format: Option<String>,
}

/// Upload a CSV or XLSX file (the request body) and start importing it.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", params(UploadParams),
    request_body(content = Vec<u8>, description = "The file", content_type = "application/octet-stream"),
    security(("api_key" = ["customers:import"]), ("session" = ["customers:import"])),
    responses((status = 202, body = ImportView), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersImport>,
    Query(p): Query<UploadParams>,
    body: Bytes,
) -> ApiResult<Response> {
    let job = start(
        &state,
        &auth.ctx,
        &p.program,
        &p.file_name,
        p.format.as_deref(),
        body.to_vec(),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(ImportView::from(&job))).into_response())
}

/// Stores the job and starts it in the background (shared with the console's upload form).
pub async fn start(
    state: &AppState,
    ctx: &patron_app::Ctx,
    program: &str,
    file_name: &str,
    format: Option<&str>,
    content: Vec<u8>,
) -> Result<ImportJob, AppError> {
    let job = imports::start(
        &*state.store,
        &state.pii,
        ctx,
        program,
        file_name,
        format,
        content,
    )
    .await?;
    let clock = state.clock.clone();
    imports::spawn(
        state.store.clone(),
        state.pii.clone(),
        ctx.clone(),
        job.id,
        Arc::new(move || clock.now_ms()),
    );
    Ok(job)
}

/// Import jobs, newest first.
#[utoipa::path(get, path = "/api/v1/imports", tag = "imports", params(ListParams),
    security(("api_key" = ["customers:import"]), ("session" = ["customers:import"])),
    responses((status = 200, body = ImportPage)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersImport>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<ImportPage>> {
    let page = imports::list(&*state.store, &auth.ctx, &params.query()).await?;
    Ok(Json(ImportPage {
        items: page.items.iter().map(ImportView::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// One import job and its progress.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", params(("id" = String, Path)),
    security(("api_key" = ["customers:import"]), ("session" = ["customers:import"])),
    responses((status = 200, body = ImportView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersImport>,
    Path(id): Path<String>,
) -> ApiResult<Json<ImportView>> {
    let job = imports::get(&*state.store, &auth.ctx, parse_id(&id)?).await?;
    Ok(Json(ImportView::from(&job)))
}

/// The refused rows of a finished job as CSV: line, reason, then the row as it was.
#[utoipa::path(get, path = "/api/v1/imports/{id}/failures", tag = "imports", params(("id" = String, Path)),
    security(("api_key" = ["customers:import"]), ("session" = ["customers:import"])),
    responses((status = 200, description = "CSV of refused rows"), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn failures(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersImport>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (job, file) =
        imports::failures(&*state.store, &state.pii, &auth.ctx, parse_id(&id)?).await?;
    let stem = job
        .file_name
        .rsplit_once('.')
        .map_or(job.file_name.as_str(), |(s, _)| s);
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("{stem}-failures.csv"),
        file,
    ))
}
