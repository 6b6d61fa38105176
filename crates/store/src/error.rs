//! Maps sqlx errors to the app's errors. Unique violations become conflicts named after the
//! constraint, so a race between two identical creations ends like the check that lost it.

use patron_app::AppError;

pub(crate) fn db(err: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(e) = &err {
        if e.is_unique_violation() {
            // PostgreSQL names the constraint; SQLite names the columns in the message.
            let name = e.constraint().unwrap_or_default().to_string() + " " + e.message();
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
            } else {
                ("duplicate", None, "that record exists already")
            };
            return AppError::conflict(code, field, message);
        }
    }
    AppError::Store(err.to_string())
}
