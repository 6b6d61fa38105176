//! Maps database errors to the app's errors. Unique violations become conflicts named after the
//! constraint, so a race between two identical creations ends like the check that lost it.

use patron_app::AppError;

pub(crate) fn db(err: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(e) = &err {
        if e.is_unique_violation() {
            // PostgreSQL names the constraint; SQLite names the columns in the message.
            return unique_violation(
                &(e.constraint().unwrap_or_default().to_string() + " " + e.message()),
            );
        }
    }
    AppError::Store(err.to_string())
}

/// Maps errors of the inline SQLite path the same way.
pub(crate) fn lite(err: rusqlite::Error) -> AppError {
    if let rusqlite::Error::SqliteFailure(e, message) = &err {
        if matches!(
            e.extended_code,
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        ) {
            return unique_violation(message.as_deref().unwrap_or_default());
        }
    }
    AppError::Store(format!("sqlite: {err}"))
}

/// The conflict a unique violation stands for, from the constraint's name or the message.
fn unique_violation(name: &str) -> AppError {
    let (code, field, message) = if name.contains("login_name") {
        (
            "login_name_taken",
            Some("login_name"),
            "that login name is taken",
        )
    } else if name.contains("tenants_code") || name.contains("tenants.code") {
        (
            "tenant_code_taken",
            Some("code"),
            "that tenant code is taken",
        )
    } else if name.contains("role_key") {
        ("role_key_taken", Some("key"), "that role key is taken")
    } else if name.contains("point_rules_name_key") || name.contains("point_rules.name") {
        (
            "point_rule_name_taken",
            Some("name"),
            "the program has a point rule with this name",
        )
    } else if name.contains("item_groups_name_key") || name.contains("item_groups.name") {
        (
            "group_name_taken",
            Some("name"),
            "a group of this kind has this name",
        )
    } else if let Some(found) = loyalty_conflict(name) {
        found
    } else {
        ("duplicate", None, "that record exists already")
    };
    AppError::conflict(code, field, message)
}

/// The loyalty configuration's unique rules. SQLite names only the columns, and for the partial
/// index of base tiers (tenant, program) nothing more, so that case is matched last.
fn loyalty_conflict(name: &str) -> Option<(&'static str, Option<&'static str>, &'static str)> {
    let found = if name.contains("programs_code") || name.contains("programs.code") {
        (
            "program_code_taken",
            Some("code"),
            "that program code is taken",
        )
    } else if name.contains("point_groups_code") || name.contains("point_groups.code") {
        (
            "point_group_code_taken",
            Some("code"),
            "that point group code is taken",
        )
    } else if name.contains("cost_centers_code") || name.contains("cost_centers.code") {
        (
            "cost_center_code_taken",
            Some("code"),
            "that cost center code is taken",
        )
    } else if name.contains("tiers_code") || name.contains("tiers.code") {
        ("tier_code_taken", Some("code"), "that tier code is taken")
    } else if name.contains("tiers_rank") || name.contains("tiers.rank") {
        (
            "tier_rank_taken",
            Some("rank"),
            "another tier has this rank",
        )
    } else if name.contains("tiers_one_base") || name.trim_end().ends_with("tiers.program_id") {
        (
            "base_tier_exists",
            Some("is_base"),
            "the program has a base tier already",
        )
    } else {
        return None;
    };
    Some(found)
}
