//! Posted forms: the CSRF-checked extractor, the submitted fields, and the errors shown next to
//! them.
//!
//! HTML forms can only GET and POST, so every change is a POST of
//! `application/x-www-form-urlencoded` carrying the session's CSRF token in `_csrf`. The session
//! cookie is SameSite=Lax already; the token also covers older browsers and same-site attackers.

use super::guard::to_login;
use super::i18n::{self, Tr};
use super::render::bare_error;
use crate::auth::resolve;
use crate::state::AppState;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Form;
use patron_app::AppError;

/// The fields of a posted form, in order (checkbox lists repeat a name).
#[derive(Debug, Default)]
pub struct FormData {
    pairs: Vec<(String, String)>,
}

impl FormData {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self { pairs }
    }

    /// The first value of `name`, or empty.
    pub fn get(&self, name: &str) -> String {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name` (checked boxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// `Some(value)` unless the field is blank.
    pub fn non_blank(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.trim().is_empty())
    }
}

/// Parses a form body without a CSRF check: only the login form, which has no session yet.
pub async fn plain_form(req: Request, state: &AppState) -> Result<FormData, Response> {
    let tr = Tr(i18n::visitor_locale(req.headers()));
    match Form::<Vec<(String, String)>>::from_request(req, state).await {
        Ok(Form(pairs)) => Ok(FormData::new(pairs)),
        Err(_) => Err(bad_form(tr)),
    }
}

fn bad_form(tr: Tr) -> Response {
    bare_error(
        StatusCode::BAD_REQUEST,
        tr,
        "error.bad_form_title",
        tr.t("error.bad_form").to_string(),
    )
}

/// A posted form whose `_csrf` matches the session's token.
pub struct CsrfForm(pub FormData);

impl FromRequest<AppState> for CsrfForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        parts.headers.remove(header::AUTHORIZATION);
        // The page's `Console` extractor has sent a lapsed session to the login page already;
        // this is the fallback for a form handler without one.
        let here = "/console";
        // Usually resolved already by the page's `Console` extractor and kept in the request.
        let caller = match resolve(&mut parts, state).await {
            Ok(caller) => caller,
            Err(_) => return Err(to_login(here)),
        };
        let Some(session) = caller.session else {
            return Err(to_login(here));
        };
        let tr = Tr(i18n::principal_locale(&caller.principal, &parts.headers));
        let req = Request::from_parts(parts, body);
        let Ok(Form(pairs)) = Form::<Vec<(String, String)>>::from_request(req, state).await else {
            return Err(bad_form(tr));
        };
        let form = FormData::new(pairs);
        let sent = form.get("_csrf");
        if !patron_app::secrets::digests_equal(sent.as_bytes(), session.csrf_token.as_bytes()) {
            return Err(bare_error(
                StatusCode::FORBIDDEN,
                tr,
                "error.csrf_title",
                tr.t("error.csrf").to_string(),
            ));
        }
        Ok(Self(form))
    }
}

/// Errors of a submitted form: messages next to fields, and one banner for the rest.
#[derive(Debug, Default)]
pub struct Errors {
    fields: Vec<(&'static str, String)>,
    pub banner: Option<String>,
}

impl Errors {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn banner(message: String) -> Self {
        Self {
            fields: Vec::new(),
            banner: Some(message),
        }
    }

    pub fn field(field: &'static str, message: String) -> Self {
        Self {
            fields: vec![(field, message)],
            banner: None,
        }
    }

    /// The message for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn any(&self) -> bool {
        self.banner.is_some() || !self.fields.is_empty()
    }

    /// Places a use case's error: next to the field it names if the form has that field,
    /// otherwise in the banner.
    pub fn from_app(tr: Tr, e: &AppError, form_fields: &[&'static str]) -> Self {
        let field = match e {
            AppError::Validation(v) => Some(v.field),
            AppError::Conflict { field, .. } => *field,
            _ => None,
        };
        let message = describe(tr, e);
        match field.and_then(|f| form_fields.iter().find(|x| **x == f)) {
            Some(f) => Self::field(f, message),
            None => Self::banner(message),
        }
    }
}

/// Whether a use case's error belongs on the form (the user can fix it there) rather than on
/// an error page.
pub fn is_form_error(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Validation(_) | AppError::Conflict { .. } | AppError::Escalation(_)
    )
}

/// The first number in a domain message ("must have at most 60 characters"), to put into the
/// translated text.
fn number_in(message: &str) -> Option<String> {
    let digits: String = message
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some(digits)
}

/// A use case's error in the user's language. Validation and conflict codes have catalogue
/// entries (`err.<code>`); an unknown code shows the domain's English message.
pub fn describe(tr: Tr, e: &AppError) -> String {
    let coded = |code: &str, message: &str| {
        let n = number_in(message).unwrap_or_default();
        let key = if code == "too_short" && n.is_empty() {
            "err.required".to_string()
        } else {
            format!("err.{code}")
        };
        match tr.lookup(&key) {
            Some(text) => text.replace("{n}", &n),
            None => message.to_string(),
        }
    };
    match e {
        AppError::Validation(v) => coded(v.code, &v.message),
        AppError::Conflict { code, message, .. } => coded(code, message),
        AppError::Forbidden(p) => tr.tf("error.need_permission", &[("permission", p.key())]),
        AppError::Escalation(p) => tr.tf("err.escalation", &[("permission", p.key())]),
        AppError::TenantRequired => tr.t("err.tenant_required").to_string(),
        AppError::NotFound(_) => tr.t("error.not_found").to_string(),
        AppError::BadCredentials => tr.t("err.bad_credentials").to_string(),
        AppError::Unauthenticated => tr.t("err.unauthenticated").to_string(),
        AppError::LoginLocked { .. } => tr.t("err.login_locked_later").to_string(),
        AppError::IdempotencyMismatch | AppError::IdempotencyInProgress => {
            tr.t("error.failed").to_string()
        }
        AppError::Store(cause) => {
            tracing::error!(error = %cause, "console request failed in the store");
            tr.t("error.failed").to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patron_domain::user::Locale;
    use patron_domain::ValidationError;

    #[test]
    fn validation_errors_go_next_to_their_field_in_the_users_language() {
        let e = AppError::Validation(ValidationError::new(
            "display_name",
            "too_long",
            "must have at most 60 characters",
        ));
        let errors = Errors::from_app(Tr(Locale::ZhCn), &e, &["display_name"]);
        assert_eq!(errors.get("display_name"), Some("最多 60 个字符"));
        assert!(errors.banner.is_none());
        let errors = Errors::from_app(Tr(Locale::En), &e, &["login_name"]);
        assert_eq!(errors.get("display_name"), None);
        assert_eq!(
            errors.banner.as_deref(),
            Some("Must have at most 60 characters")
        );
    }

    #[test]
    fn a_blank_required_field_says_required() {
        let e = AppError::Validation(ValidationError::new("name", "too_short", "is required"));
        assert_eq!(describe(Tr(Locale::En), &e), "Required");
    }

    #[test]
    fn conflicts_with_a_field_go_next_to_it() {
        let e = AppError::conflict("login_name_taken", Some("login_name"), "a user 'x' exists");
        let errors = Errors::from_app(Tr(Locale::En), &e, &["login_name"]);
        assert!(errors.get("login_name").is_some());
    }

    #[test]
    fn repeated_fields_are_all_kept() {
        let f = FormData::new(vec![
            ("role_ids".into(), "a".into()),
            ("name".into(), " ".into()),
            ("role_ids".into(), "b".into()),
        ]);
        assert_eq!(f.all("role_ids"), vec!["a", "b"]);
        assert_eq!(f.non_blank("name"), None);
        assert_eq!(f.get("missing"), "");
    }
}
