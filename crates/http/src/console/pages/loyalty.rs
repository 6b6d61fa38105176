//! Console pages of programs, point groups, cost centers, tiers and tier rules. Every list but
//! the programs' shows one program at a time, chosen in a select (the first by default). Readers
//! without `loyalty:manage` see the same pages without New, Edit and Delete.

mod entries;
mod programs;
mod rules;
mod tiers;

use super::Choice;
use crate::console::form::Errors;
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{ListParams, Pager};
use crate::console::Confirm;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use patron_app::loyalty::{programs as program_cases, Program};
use patron_app::{AppError, AppResult};
use patron_domain::ids::ProgramId;
use patron_domain::ValidationError;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(programs::router())
        .merge(entries::router())
        .merge(tiers::router())
        .merge(rules::router())
}

/// `?program=…&search=…&page=…` of a program's list; `?program=` of its new-record form.
#[derive(Debug, Default, Deserialize)]
pub struct ProgramParams {
    pub program: Option<String>,
    pub search: Option<String>,
    pub page: Option<String>,
}

impl ProgramParams {
    fn list(&self) -> ListParams {
        ListParams {
            search: self.search.clone(),
            page: self.page.clone(),
        }
    }
}

/// The tenant's programs as select options, and the chosen one: the asked-for program if it
/// exists, else the first.
pub struct ProgramPick {
    pub choices: Vec<Choice>,
    pub chosen: Option<Program>,
}

pub async fn pick_program<P>(
    state: &AppState,
    c: &Console<P>,
    asked: Option<&str>,
) -> AppResult<ProgramPick> {
    let all = program_cases::all(&*state.store, &c.ctx).await?;
    let asked = asked.and_then(ProgramId::parse);
    let chosen = all
        .iter()
        .find(|p| Some(p.id) == asked)
        .or_else(|| all.first())
        .cloned();
    let choices = all
        .iter()
        .map(|p| {
            let selected = chosen.as_ref().is_some_and(|x| x.id == p.id);
            Choice::new(p.id.to_string(), program_label(p), selected)
        })
        .collect();
    Ok(ProgramPick { choices, chosen })
}

pub fn program_label(p: &Program) -> String {
    format!("{} ({})", p.name, p.code)
}

/// One row of a list: cells in column order, and the record's pages.
pub struct TableRow {
    /// Names the row for tests: the record's code or name.
    pub key: String,
    pub cells: Vec<String>,
    pub href: String,
    pub delete_href: String,
}

/// Every list of this area: a search (and program choice), a table, paging, an empty state.
#[derive(Template)]
#[template(path = "loyalty/list.html")]
pub struct ListPage {
    pub l: Layout,
    pub base: &'static str,
    pub test: &'static str,
    /// `None` on the programs list itself.
    pub programs: Option<Vec<Choice>>,
    pub search: String,
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
    pub pager: Pager,
    pub new_href: Option<String>,
    pub can_manage: bool,
    /// No program exists yet: the list explains that one comes first.
    pub no_program: bool,
}

/// The form of a program, point group or cost center: a code and a name.
#[derive(Template)]
#[template(path = "loyalty/entry_form.html")]
pub struct EntryForm {
    pub l: Layout,
    pub back: String,
    pub program: Option<String>,
    pub code: String,
    pub name: String,
    pub code_max: usize,
    pub name_max: usize,
    pub editing: bool,
    pub readonly: bool,
    pub errors: Errors,
}

pub const ENTRY_FIELDS: &[&str] = &["code", "name"];

/// A whole number typed in a form field: blank is `None`, anything else must be digits.
pub fn int_field(
    form: &crate::console::form::FormData,
    field: &'static str,
) -> AppResult<Option<i64>> {
    let raw = form.get(field);
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>().map(Some).map_err(|_| {
        AppError::from(ValidationError::new(
            field,
            "invalid_number",
            "must be a whole number",
        ))
    })
}

/// A list link that keeps the chosen program.
pub fn with_program(path: &str, program: &Option<Program>) -> String {
    match program {
        Some(p) => format!("{path}?program={}", p.id),
        None => path.to_string(),
    }
}

/// The delete confirmation of a record.
pub fn confirm_page<P>(
    c: &Console<P>,
    title_key: &str,
    active: &'static str,
    message: String,
    action: String,
    cancel: String,
    errors: Errors,
) -> Confirm {
    Confirm {
        l: c.layout(title_key, active),
        message,
        action,
        button: c.t("action.delete"),
        cancel,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use crate::console::i18n::Tr;
    use patron_domain::user::Locale;

    /// The refusals of this area have texts in both languages.
    #[test]
    fn every_loyalty_error_code_has_a_text() {
        for code in [
            "program_code_taken",
            "point_group_code_taken",
            "cost_center_code_taken",
            "tier_code_taken",
            "tier_rank_taken",
            "base_tier_exists",
            "base_tier_rank",
            "base_tier_never_expires",
            "validity_required",
            "invalid_validity_type",
            "invalid_days",
            "invalid_years",
            "invalid_month",
            "invalid_day",
            "invalid_rank",
            "invalid_condition",
            "invalid_number",
            "invalid_amount",
            "negative_value",
            "value_too_large",
            "empty_range",
            "unknown_tier",
            "unknown_point_group",
            "point_group_required",
            "base_tier_rule",
            "tier_rule_duplicate",
            "tier_rule_overlap",
            "tier_rule_order",
            "program_in_use",
            "point_group_in_use",
            "tier_in_use",
            "tier_rule_in_use",
        ] {
            for tr in [Tr(Locale::En), Tr(Locale::ZhCn)] {
                assert!(tr.lookup(&format!("err.{code}")).is_some(), "err.{code}");
            }
        }
    }
}
