//! `/console/imports`: upload a CSV or XLSX file of customers and members, follow the jobs'
//! progress (the page refreshes itself while one runs), download the template and the failure
//! files (cdp-canvas-guide §4.2 基础数据导入).

use crate::api::members::imports::{
    content_type, download, failures_name, start, template_name, MAX_IMPORT_BYTES,
};
use crate::auth::perm;
use crate::console::form::Errors;
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::pages::Choice;
use crate::console::render::{bare_error, redirect_with_flash};
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::members::import_file::Format;
use patron_app::members::imports;
use patron_app::AppError;
use patron_domain::ids::ImportId;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/console/imports",
            get(list)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/console/imports/template.{format}", get(template))
        .route("/console/imports/{id}/failures", get(failures))
}

struct JobRow {
    id: String,
    file_name: String,
    status: String,
    status_label: String,
    total: i64,
    processed: i64,
    percent: i64,
    created: i64,
    merged: i64,
    failed: i64,
    error: String,
    by: String,
    at: String,
}

#[derive(Template)]
#[template(path = "customers/imports.html")]
struct ImportsPage {
    l: Layout,
    programs: Vec<Choice>,
    rows: Vec<JobRow>,
    pager: Pager,
    running: bool,
    errors: Errors,
}

async fn page(
    state: &AppState,
    c: &Console<perm::CustomersImport>,
    params: &ListParams,
    errors: Errors,
    chosen: &str,
) -> Result<ImportsPage, AppError> {
    let jobs = imports::list(&*state.store, &c.ctx, &params.query()).await?;
    let programs = imports::programs(&*state.store, &c.ctx).await?;
    let rows: Vec<JobRow> = jobs
        .items
        .iter()
        .map(|j| JobRow {
            id: j.id.to_string(),
            file_name: j.file_name.clone(),
            status: j.status.clone(),
            status_label: c.t(&format!("imports.status_{}", j.status)).to_string(),
            total: j.total_rows,
            processed: j.processed_rows,
            percent: if j.total_rows > 0 {
                j.processed_rows * 100 / j.total_rows
            } else {
                100
            },
            created: j.created_rows,
            merged: j.merged_rows,
            failed: j.failed_rows,
            error: j.error.clone().unwrap_or_default(),
            by: j.created_by.clone(),
            at: c.when(j.created_at_ms),
        })
        .collect();
    let running = rows
        .iter()
        .any(|r| r.status == "queued" || r.status == "running");
    let pager = Pager::new(
        c.tr,
        "/console/imports",
        &[],
        params.page(),
        rows.len(),
        jobs.total,
    );
    Ok(ImportsPage {
        l: c.layout("imports.title", "imports"),
        programs: programs
            .iter()
            .enumerate()
            .map(|(i, (code, name))| {
                Choice::new(
                    code,
                    format!("{name} ({code})"),
                    code == chosen || (chosen.is_empty() && i == 0),
                )
            })
            .collect(),
        rows,
        pager,
        running,
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::CustomersImport>,
    Query(params): Query<ListParams>,
) -> Response {
    match page(&state, &c, &params, Errors::none(), "").await {
        Ok(p) => c.page(StatusCode::OK, &p),
        Err(e) => c.fail(e),
    }
}

async fn upload(
    State(state): State<AppState>,
    c: Console<perm::CustomersImport>,
    mut form: Multipart,
) -> Response {
    let (mut csrf, mut program, mut file_name, mut content) =
        (String::new(), String::new(), String::new(), Vec::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                if name == "file" {
                    file_name = field.file_name().unwrap_or_default().to_string();
                }
                match field.bytes().await {
                    Ok(bytes) => match name.as_str() {
                        "_csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                        "program" => program = String::from_utf8_lossy(&bytes).into_owned(),
                        "file" => content = bytes.to_vec(),
                        _ => {}
                    },
                    Err(_) => {
                        return bare_error(
                            StatusCode::BAD_REQUEST,
                            c.tr,
                            "error.bad_form_title",
                            c.t("error.bad_form").to_string(),
                        )
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                return bare_error(
                    StatusCode::BAD_REQUEST,
                    c.tr,
                    "error.bad_form_title",
                    c.t("error.bad_form").to_string(),
                )
            }
        }
    }
    if !patron_app::secrets::digests_equal(csrf.as_bytes(), c.csrf.as_bytes()) {
        return bare_error(
            StatusCode::FORBIDDEN,
            c.tr,
            "error.csrf_title",
            c.t("error.csrf").to_string(),
        );
    }
    let result = if content.is_empty() {
        Err(AppError::from(patron_domain::ValidationError::new(
            "file",
            "file_required",
            "choose a file to upload",
        )))
    } else {
        start(&state, &c.ctx, &program, &file_name, None, content).await
    };
    match result {
        Ok(_) => redirect_with_flash("/console/imports", "flash.import_started"),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = Errors::from_app(c.tr, &e, &["file", "program", "format"]);
            match page(&state, &c, &ListParams::default(), errors, &program).await {
                Ok(p) => c.page(StatusCode::UNPROCESSABLE_ENTITY, &p),
                Err(e) => c.fail(e),
            }
        }
        Err(e) => c.fail(e),
    }
}

async fn template(c: Console<perm::CustomersImport>, Path(format): Path<String>) -> Response {
    let Ok(format) = Format::parse(&format) else {
        return c.not_found();
    };
    match patron_app::members::import_file::template(format) {
        Ok(bytes) => download(content_type(format), &template_name(format), bytes),
        Err(e) => c.fail(e),
    }
}

async fn failures(
    State(state): State<AppState>,
    c: Console<perm::CustomersImport>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = ImportId::parse(&id) else {
        return c.not_found();
    };
    match imports::failures(&*state.store, &state.pii, &c.ctx, id).await {
        Ok((job, file)) => download("text/csv; charset=utf-8", &failures_name(&job), file),
        Err(e) => c.fail(e),
    }
}
