//! Turning templates into responses: the HTML headers every console page carries, redirects
//! after a form, the short-lived flash message, and the bare error page used where no layout
//! can be drawn (no session yet, a forged form).

use super::i18n::Tr;
use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A one-shot message for the next page ("User created"): a catalogue key in a cookie, read and
/// cleared by the next page. A cookie rather than a query parameter so a reload or a shared link
/// does not repeat it.
pub const FLASH_COOKIE: &str = "patron_flash";

/// Console pages may only load our own CSS and JS, may not be framed (clickjacking of the
/// delete and revoke buttons) and may only post forms to us.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// An HTML page. Pages are never cached: they show personal data, and a few show a secret once.
pub fn html<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => {
            let mut response = (status, body).into_response();
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            h.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            );
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "console template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// 303 to `to`, which the console builds itself (never from unchecked input).
pub fn redirect(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    match HeaderValue::from_str(to) {
        Ok(v) => {
            response.headers_mut().insert(header::LOCATION, v);
        }
        Err(_) => {
            response
                .headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/console"));
        }
    }
    response
}

/// 303 to `to`, showing the message `key` there.
pub fn redirect_with_flash(to: &str, key: &'static str) -> Response {
    let mut response = redirect(to);
    let cookie = format!("{FLASH_COOKIE}={key}; Path=/console; Max-Age=60; HttpOnly; SameSite=Lax");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Clears the flash cookie once its message has been shown.
pub fn clear_flash(response: &mut Response) {
    let cookie = format!("{FLASH_COOKIE}=; Path=/console; Max-Age=0; HttpOnly; SameSite=Lax");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Whether `target` may be redirected to after login or a language switch: a console path,
/// so the console cannot be used to bounce visitors to another site.
pub fn safe_return(target: &str) -> Option<&str> {
    let ok = (target == "/console"
        || target.starts_with("/console/")
        || target.starts_with("/console?"))
        && target.chars().all(|c| c.is_ascii_graphic());
    ok.then_some(target)
}

/// Percent-encodes a query parameter value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A page with no sidebar: a title, a message and a way back.
#[derive(Template)]
#[template(path = "bare_error.html")]
pub struct BareError {
    pub tr: Tr,
    pub title: String,
    pub message: String,
    pub back_href: &'static str,
    pub back_label: &'static str,
}

/// A bare error page with a link to the console's start page.
pub fn bare_error(status: StatusCode, tr: Tr, title_key: &str, message: String) -> Response {
    let page = BareError {
        tr,
        title: tr.t(title_key).to_string(),
        message,
        back_href: "/console",
        back_label: tr.t("error.back_home"),
    };
    html(status, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_console_paths_are_returned_to() {
        assert_eq!(
            safe_return("/console/users?page=2"),
            Some("/console/users?page=2")
        );
        assert_eq!(safe_return("/console"), Some("/console"));
        assert_eq!(safe_return("//evil.example"), None);
        assert_eq!(safe_return("https://evil.example/console"), None);
        assert_eq!(safe_return("/consolex"), None);
        assert_eq!(safe_return("/console/\r\nSet-Cookie:x"), None);
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}
