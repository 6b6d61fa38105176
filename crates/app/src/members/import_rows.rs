//! From an import file's rows to registrations (cdp-canvas-guide §4: OUM-IMP-02, OUM-CLN-02).
//!
//! Each row is checked on its own: phone required and an 11-digit mainland mobile, dates
//! `YYYY-MM-DD`, a known channel; the store is checked when the row is registered. Rows with
//! the same phone and channel are one registration: the newest is kept, the others are reported.

use super::import_file::{Table, COLUMNS};
use super::profile::ProfileInput;
use super::register::{self, BindingInput, Prepared, Registration};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use patron_domain::person::Phone;
use patron_domain::ValidationError;
use std::collections::HashMap;

/// Where each known column is in the file (headings in English or Chinese, any case).
#[derive(Debug, Clone, Default)]
pub struct Columns(HashMap<&'static str, usize>);

impl Columns {
    pub fn of(header: &[String]) -> Result<Self, ValidationError> {
        let mut found = HashMap::new();
        for (i, h) in header.iter().enumerate() {
            let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
            if let Some((key, _, _)) = COLUMNS.iter().find(|(k, zh, _)| *k == h || *zh == h) {
                found.entry(*key).or_insert(i);
            }
        }
        for required in ["phone", "channel"] {
            if !found.contains_key(required) {
                return Err(ValidationError::new(
                    "file",
                    "missing_column",
                    format!("the file has no '{required}' column (see the template)"),
                ));
            }
        }
        Ok(Self(found))
    }

    fn get<'a>(&self, row: &'a [String], key: &str) -> Option<&'a str> {
        self.0
            .get(key)
            .and_then(|i| row.get(*i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }
}

fn flag(field: &'static str, raw: Option<&str>) -> Result<Option<bool>, ValidationError> {
    match raw.map(str::to_lowercase).as_deref() {
        None => Ok(None),
        Some("yes" | "y" | "true" | "1" | "是") => Ok(Some(true)),
        Some("no" | "n" | "false" | "0" | "否") => Ok(Some(false)),
        Some(_) => Err(ValidationError::new(
            field,
            "invalid_flag",
            "must be yes or no (是/否)",
        )),
    }
}

/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` in the tenant's zone, to unix milliseconds.
fn local_instant(raw: &str, tz: Tz) -> Result<i64, ValidationError> {
    let bad = || {
        ValidationError::new(
            "registered_at",
            "invalid_date",
            "must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS",
        )
    };
    let naive = NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .map_err(|_| bad())?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp_millis())
        .ok_or_else(bad)
}

/// One row checked: its registration, or why it is refused.
pub fn prepare_row(
    cols: &Columns,
    row: &[String],
    program: &str,
    tz: Tz,
    now_ms: i64,
) -> Result<Prepared, ValidationError> {
    let phone = cols
        .get(row, "phone")
        .ok_or_else(|| ValidationError::new("phone", "required", "the phone number is required"))?;
    // Imports accept mainland mobiles only (OUM-IMP-02: "11 digits").
    let parsed = Phone::parse(phone)?;
    if !parsed.is_mainland() {
        return Err(ValidationError::new(
            "phone",
            "invalid_phone",
            "must be an 11-digit mainland mobile number",
        ));
    }
    let channel = cols
        .get(row, "channel")
        .ok_or_else(|| ValidationError::new("channel", "required", "the channel is required"))?;
    let registered_at_ms = cols
        .get(row, "registered_at")
        .map(|r| local_instant(r, tz))
        .transpose()?;
    let input = Registration {
        program: program.to_string(),
        channel: channel.to_string(),
        store: cols.get(row, "store").map(str::to_string),
        card_no: cols.get(row, "card_no").map(str::to_string),
        registered_at_ms,
        profile: ProfileInput {
            name: cols.get(row, "name").map(str::to_string),
            gender: cols.get(row, "gender").map(str::to_string),
            birthday: cols.get(row, "birthday").map(str::to_string),
            phone: Some(parsed.as_str().to_string()),
            email: cols.get(row, "email").map(str::to_string),
            province: cols.get(row, "province").map(str::to_string),
            city: cols.get(row, "city").map(str::to_string),
            address: cols.get(row, "address").map(str::to_string),
            id_number: None,
            accepts_marketing: flag("accepts_marketing", cols.get(row, "accepts_marketing"))?,
            is_employee: flag("is_employee", cols.get(row, "is_employee"))?,
            is_test: None,
        },
        binding: cols.get(row, "external_id").map(|e| BindingInput {
            external_id: e.to_string(),
            ..Default::default()
        }),
        home_store: None,
        guide: None,
    };
    register::prepare(&input, now_ms)
}

/// A row ready to register, with its place in the file.
#[derive(Debug, Clone)]
pub struct ReadyRow {
    pub line: usize,
    pub cells: Vec<String>,
    pub prepared: Prepared,
}

/// The rows to register and the refused ones (line, cells, `code: message`).
#[derive(Debug, Default)]
pub struct Sorted {
    pub ready: Vec<ReadyRow>,
    pub refused: Vec<(usize, Vec<String>, String)>,
}

/// Checks every row and keeps, for each phone and channel, only the newest registration.
pub fn sort_rows(table: &Table, cols: &Columns, program: &str, tz: Tz, now_ms: i64) -> Sorted {
    let mut out = Sorted::default();
    let mut newest: HashMap<(String, &'static str), usize> = HashMap::new();
    for (line, cells) in &table.rows {
        match prepare_row(cols, cells, program, tz, now_ms) {
            Err(e) => out.refused.push((
                *line,
                cells.clone(),
                format!("{}: {}: {}", e.code, e.field, e.message),
            )),
            Ok(prepared) => {
                let key = (
                    prepared
                        .profile
                        .phone
                        .as_ref()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default(),
                    prepared.channel.code(),
                );
                let row = ReadyRow {
                    line: *line,
                    cells: cells.clone(),
                    prepared,
                };
                match newest.get(&key) {
                    Some(&i) => {
                        let kept = &out.ready[i];
                        // The newest registration wins; on a tie the later line.
                        let (winner, loser) =
                            if row.prepared.registered_at_ms >= kept.prepared.registered_at_ms {
                                (row, out.ready[i].clone())
                            } else {
                                (kept.clone(), row)
                            };
                        out.refused.push((
                            loser.line,
                            loser.cells,
                            format!(
                                "duplicate_row: same phone and channel as line {}, which is newer",
                                winner.line
                            ),
                        ));
                        out.ready[i] = winner;
                    }
                    None => {
                        newest.insert(key, out.ready.len());
                        out.ready.push(row);
                    }
                }
            }
        }
    }
    out.refused.sort_by_key(|r| r.0);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::members::import_file::{read, Format};

    const NOW: i64 = 1_795_000_000_000; // 2026-11-18

    fn sorted(csv: &str) -> Sorted {
        let t = read(Format::Csv, csv.as_bytes()).unwrap();
        let cols = Columns::of(&t.header).unwrap();
        sort_rows(&t, &cols, "club", chrono_tz::Asia::Shanghai, NOW)
    }

    #[test]
    fn rows_are_checked_one_by_one() {
        let s = sorted(
            "手机号,注册渠道,出生日期,注册时间\n\
             13812345678,pos,1997-11-11,2021-04-14 19:02:41\n\
             1381234567,pos,,\n\
             13900000000,fax,,\n\
             13700000000,pos,1997/11/11,\n\
             +85291234567,pos,,\n\
             ,pos,,\n",
        );
        assert_eq!(s.ready.len(), 1);
        // 2021-04-14 19:02:41 in Shanghai is 11:02:41 UTC.
        assert_eq!(s.ready[0].prepared.registered_at_ms, 1_618_398_161_000);
        let codes: Vec<(usize, &str)> = s
            .refused
            .iter()
            .map(|r| (r.0, r.2.split(':').next().unwrap()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (3, "invalid_phone"),
                (4, "unknown_channel"),
                (5, "invalid_date"),
                (6, "invalid_phone"),
                (7, "required")
            ]
        );
    }

    #[test]
    fn the_newest_registration_of_a_phone_and_channel_is_kept() {
        let s = sorted(
            "phone,channel,name,registered_at\n\
             13812345678,pos,Old,2021-01-01\n\
             13812345678,pos,New,2022-01-01\n\
             13812345678,tmall,Other channel,2020-01-01\n",
        );
        let names: Vec<_> = s
            .ready
            .iter()
            .map(|r| r.prepared.profile.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["New", "Other channel"]);
        assert_eq!(s.refused.len(), 1);
        assert_eq!(s.refused[0].0, 2);
        assert!(s.refused[0].2.starts_with("duplicate_row"));
    }

    #[test]
    fn the_phone_and_channel_columns_are_required() {
        assert_eq!(
            Columns::of(&["name".into()]).unwrap_err().code,
            "missing_column"
        );
    }
}
