//! The console's two languages, English and Simplified Chinese.
//!
//! Texts live in `i18n/en.toml` and `i18n/zh-CN.toml` (one `key = "text"` a line), plus one file
//! per product area under `i18n/en/` and `i18n/zh-CN/`, compiled into the binary and parsed once. A missing key falls back to English and then to the key itself,
//! so a forgotten translation shows something readable instead of failing the page.

use axum::http::{header, HeaderMap};
use axum_extra::extract::CookieJar;
use patron_app::{Actor, Principal};
use patron_domain::user::Locale;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Remembers the language of the login page and of the platform administrator, who has no saved
/// preference (they are not a tenant user).
pub const LOCALE_COOKIE: &str = "patron_locale";

/// The files of one language, in one list so that a new area cannot be added to one only.
macro_rules! catalogue_files {
    ($lang:literal) => {
        &[
            include_str!(concat!("../../i18n/", $lang, ".toml")),
            include_str!(concat!("../../i18n/", $lang, "/loyalty.toml")),
            include_str!(concat!("../../i18n/", $lang, "/master_data.toml")),
            include_str!(concat!("../../i18n/", $lang, "/members.toml")),
            include_str!(concat!("../../i18n/", $lang, "/orders.toml")),
            include_str!(concat!("../../i18n/", $lang, "/points.toml")),
            include_str!(concat!("../../i18n/", $lang, "/jobs.toml")),
            include_str!(concat!("../../i18n/", $lang, "/groups.toml")),
            include_str!(concat!("../../i18n/", $lang, "/coupons.toml")),
        ]
    };
}

const EN_SOURCE: &[&str] = catalogue_files!("en");
const ZH_SOURCE: &[&str] = catalogue_files!("zh-CN");

type Catalogue = HashMap<String, String>;

struct Catalogues {
    en: Catalogue,
    zh: Catalogue,
}

static CATALOGUES: OnceLock<Catalogues> = OnceLock::new();

fn catalogues() -> &'static Catalogues {
    CATALOGUES.get_or_init(|| Catalogues {
        en: parse(EN_SOURCE),
        zh: parse(ZH_SOURCE),
    })
}

/// Parses a catalogue. TOML reads `nav.users = "…"` as a table `nav` holding `users`, so nested
/// tables are flattened back into dotted keys. A broken file yields no keys (the pages then show
/// keys); the unit tests make sure that never ships, and that no key is defined twice.
fn parse(sources: &[&str]) -> Catalogue {
    let mut out = Catalogue::new();
    for source in sources {
        match source.parse::<toml::Table>() {
            Ok(table) => flatten("", &table, &mut out),
            Err(e) => tracing::error!(error = %e, "console catalogue does not parse"),
        }
    }
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(t) => flatten(&full, t, out),
            _ => tracing::error!(key = %full, "console catalogue values must be strings"),
        }
    }
}

/// Translates into one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr(pub Locale);

impl Tr {
    pub fn locale(self) -> Locale {
        self.0
    }

    pub fn is_zh(self) -> bool {
        self.0 == Locale::ZhCn
    }

    /// The text of `key`, if either catalogue has it.
    pub fn lookup(self, key: &str) -> Option<&'static str> {
        let c = catalogues();
        let own = match self.0 {
            Locale::En => &c.en,
            Locale::ZhCn => &c.zh,
        };
        own.get(key).or_else(|| c.en.get(key)).map(String::as_str)
    }

    /// The text of `key`, or the key itself.
    pub fn t(self, key: &str) -> &str {
        self.lookup(key).unwrap_or(key)
    }

    /// The text of `key` with `{name}` placeholders filled in.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// One of two texts chosen by language, for names that come from code in both languages
    /// (permission descriptions, built-in role names).
    pub fn pick(self, pair: (&'static str, &'static str)) -> &'static str {
        match self.0 {
            Locale::En => pair.0,
            Locale::ZhCn => pair.1,
        }
    }
}

/// The language an `Accept-Language` header prefers among ours: the first tag that is Chinese
/// or English, in the order sent (browsers send them by preference).
pub fn from_accept_language(value: &str) -> Option<Locale> {
    value.split(',').find_map(|part| {
        let tag = part.split(';').next().unwrap_or_default().trim();
        let lower = tag.to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Locale::ZhCn)
        } else if lower.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    })
}

/// The language of a visitor who is not logged in: the cookie, then the browser's wish.
pub fn visitor_locale(headers: &HeaderMap) -> Locale {
    let jar = CookieJar::from_headers(headers);
    if let Some(l) = jar
        .get(LOCALE_COOKIE)
        .and_then(|c| Locale::parse(c.value()).ok())
    {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or_default()
}

/// The language of a logged-in principal: a tenant user's saved choice; the platform
/// administrator's cookie.
pub fn principal_locale(principal: &Principal, headers: &HeaderMap) -> Locale {
    match principal.actor {
        Actor::User { .. } => principal.locale,
        _ => visitor_locale(headers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    fn keys(c: &Catalogue) -> BTreeSet<&str> {
        c.keys().map(String::as_str).collect()
    }

    #[test]
    fn both_catalogues_parse_and_have_the_same_keys() {
        let en = parse(EN_SOURCE);
        let zh = parse(ZH_SOURCE);
        assert!(en.len() > 50, "en catalogue looks empty");
        let (en_keys, zh_keys) = (keys(&en), keys(&zh));
        let only_en: Vec<_> = en_keys.difference(&zh_keys).collect();
        let only_zh: Vec<_> = zh_keys.difference(&en_keys).collect();
        assert!(only_en.is_empty(), "missing in zh-CN.toml: {only_en:?}");
        assert!(only_zh.is_empty(), "missing in en.toml: {only_zh:?}");
    }

    #[test]
    fn every_file_parses_and_no_key_is_defined_twice() {
        for sources in [EN_SOURCE, ZH_SOURCE] {
            let mut seen = Catalogue::new();
            for source in sources {
                let table: toml::Table = source.parse().expect("catalogue file parses");
                let mut one = Catalogue::new();
                flatten("", &table, &mut one);
                for key in one.keys() {
                    assert!(!seen.contains_key(key), "{key} is defined in two files");
                }
                seen.extend(one);
            }
        }
    }

    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// Keys after `pattern` up to the next quote, where `pattern` is not the tail of a longer
    /// name (`get("…")` is not a translation).
    fn used_keys(text: &str, pattern: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find(pattern) {
            let before = rest[..at].chars().last();
            let tail = &rest[at + pattern.len()..];
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                if let Some(end) = tail.find('"') {
                    found.push(tail[..end].to_string());
                }
            }
            rest = tail;
        }
        found
    }

    /// Translation calls and page titles, and literal keys of the families looked up from
    /// code (flash messages, statuses, actor kinds, error texts).
    fn keys_in(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for call in ["t(\"", "tf(\"", "layout(\""] {
            keys.extend(used_keys(text, call));
        }
        for family in ["flash.", "status.", "actor.", "err.", "error."] {
            let quoted = format!("\"{family}");
            keys.extend(
                used_keys(text, &quoted)
                    .into_iter()
                    .map(|rest| format!("{family}{rest}")),
            );
        }
        keys.retain(|k| {
            !k.contains('{') && !k.contains(' ') && !k.ends_with('.') && !k.ends_with(".html")
        });
        keys
    }

    #[test]
    fn every_key_used_in_templates_and_console_code_exists() {
        let en = parse(EN_SOURCE);
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        files(&root.join("templates"), &mut paths);
        files(&root.join("src/console"), &mut paths);
        let mut used = 0;
        for path in paths {
            if path.ends_with("i18n.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for key in keys_in(&text) {
                used += 1;
                assert!(
                    en.contains_key(&key),
                    "{}: unknown key {key}",
                    path.display()
                );
            }
        }
        assert!(used > 200, "the scan found only {used} keys");
    }

    #[test]
    fn every_error_code_of_the_domain_has_a_text() {
        let en = parse(EN_SOURCE);
        for code in [
            "too_long",
            "invalid_characters",
            "invalid_code",
            "invalid_currency",
            "invalid_email",
            "invalid_locale",
            "invalid_status",
            "unknown_time_zone",
            "unknown_role",
            "unknown_permission",
            "permission_not_assignable",
            "password_too_short",
            "password_too_long",
            "password_is_login_name",
            "password_mismatch",
            "password_unchanged",
            "wrong_password",
            "login_name_taken",
            "role_key_taken",
            "tenant_code_taken",
            "role_in_use",
            "builtin_role_readonly",
            "cannot_delete_self",
            "last_administrator",
        ] {
            assert!(en.contains_key(&format!("err.{code}")), "err.{code}");
        }
    }

    #[test]
    fn missing_keys_fall_back_to_english_then_to_the_key() {
        assert_eq!(Tr(Locale::ZhCn).t("action.save"), "保存");
        assert_eq!(Tr(Locale::En).t("action.save"), "Save");
        assert_eq!(Tr(Locale::ZhCn).t("no.such.key"), "no.such.key");
        assert_eq!(
            Tr(Locale::En).tf(
                "list.showing",
                &[("from", "1"), ("to", "30"), ("total", "112")]
            ),
            "Showing 1–30 of 112"
        );
        assert_eq!(
            Tr(Locale::ZhCn).tf(
                "list.showing",
                &[("from", "1"), ("to", "30"), ("total", "112")]
            ),
            "显示第 1 至 30 项，共 112 项"
        );
    }

    #[test]
    fn accept_language_picks_the_first_language_we_have() {
        assert_eq!(
            from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Locale::ZhCn)
        );
        assert_eq!(from_accept_language("fr-FR, en-GB;q=0.8"), Some(Locale::En));
        assert_eq!(from_accept_language("fr"), None);
    }
}
