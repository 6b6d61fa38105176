//! Import files: CSV (UTF-8, with or without a byte-order mark) and XLSX (the first sheet), read
//! into a header and text rows; the downloadable template; and the failure file (each refused
//! row as it was, plus the reason).

use crate::error::{AppError, AppResult};
use patron_domain::ValidationError;
use std::io::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim().to_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(ValidationError::new(
                "format",
                "unsupported_format",
                "the file must be CSV or XLSX",
            )),
        }
    }

    /// The format a file name says, if any.
    pub fn of_file_name(name: &str) -> Option<Self> {
        let lower = name.to_lowercase();
        if lower.ends_with(".csv") {
            Some(Self::Csv)
        } else if lower.ends_with(".xlsx") {
            Some(Self::Xlsx)
        } else {
            None
        }
    }
}

/// A file's rows as text. Blank rows are dropped; `line` keeps each row's place in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

fn unreadable(detail: impl std::fmt::Display) -> AppError {
    ValidationError::new(
        "file",
        "unreadable_file",
        format!("the file cannot be read: {detail}"),
    )
    .into()
}

pub fn read(format: Format, bytes: &[u8]) -> AppResult<Table> {
    let mut table = match format {
        Format::Csv => read_csv(bytes)?,
        Format::Xlsx => read_xlsx(bytes)?,
    };
    table
        .rows
        .retain(|(_, r)| r.iter().any(|c| !c.trim().is_empty()));
    if table.header.iter().all(|h| h.trim().is_empty()) {
        return Err(
            ValidationError::new("file", "empty_file", "the file has no header row").into(),
        );
    }
    Ok(table)
}

fn read_csv(bytes: &[u8]) -> AppResult<Table> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut table = Table::default();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(unreadable)?;
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if i == 0 {
            table.header = cells;
        } else {
            table.rows.push((i + 1, cells));
        }
    }
    Ok(table)
}

fn read_xlsx(bytes: &[u8]) -> AppResult<Table> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("it has no sheet"))?
        .map_err(unreadable)?;
    let text = |c: &Data| match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Phones typed as numbers arrive as floats; whole numbers print without ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| {
                if t.time() == chrono::NaiveTime::MIN {
                    t.format("%Y-%m-%d").to_string()
                } else {
                    t.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            })
            .unwrap_or_default(),
        other => other.to_string(),
    };
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(text).collect();
        if i == 0 {
            table.header = cells;
        } else {
            table.rows.push((i + 1, cells));
        }
    }
    Ok(table)
}

/// The template's columns: (key, Chinese heading accepted too, English description).
pub const COLUMNS: &[(&str, &str, &str)] = &[
    (
        "phone",
        "手机号",
        "required; 11-digit mainland mobile number",
    ),
    (
        "channel",
        "注册渠道",
        "required; channel code, e.g. pos, website, wechat_mini, tmall",
    ),
    ("name", "姓名", "optional"),
    ("gender", "性别", "male / female / unknown (男/女/未知)"),
    ("birthday", "出生日期", "YYYY-MM-DD"),
    ("email", "电子邮箱", "optional"),
    ("province", "所在省份", "optional"),
    ("city", "所在城市", "optional"),
    ("address", "详细地址", "optional"),
    ("store", "注册门店", "store code; must exist"),
    ("card_no", "会员卡号", "optional; generated when empty"),
    (
        "registered_at",
        "注册时间",
        "YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, tenant time; now when empty",
    ),
    ("accepts_marketing", "是否接收营销信息", "yes / no (是/否)"),
    ("is_employee", "是否员工", "yes / no (是/否)"),
    (
        "external_id",
        "渠道账号ID",
        "optional; the member's id on the channel, bound to the customer",
    ),
];

/// The downloadable template: the header row, and for XLSX a second sheet explaining columns.
pub fn template(format: Format) -> AppResult<Vec<u8>> {
    match format {
        Format::Csv => {
            let mut out = b"\xEF\xBB\xBF".to_vec();
            out.extend_from_slice(
                COLUMNS
                    .iter()
                    .map(|c| c.0)
                    .collect::<Vec<_>>()
                    .join(",")
                    .as_bytes(),
            );
            out.extend_from_slice(b"\r\n");
            Ok(out)
        }
        Format::Xlsx => {
            let fail = |e: rust_xlsxwriter::XlsxError| AppError::Store(format!("template: {e}"));
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet().set_name("members").map_err(fail)?;
            for (i, (key, _, _)) in COLUMNS.iter().enumerate() {
                let col = u16::try_from(i).unwrap_or(u16::MAX);
                sheet.write_string(0, col, *key).map_err(fail)?;
                // Text columns, so phone numbers and card numbers keep their digits.
                sheet
                    .set_column_format(col, &rust_xlsxwriter::Format::new().set_num_format("@"))
                    .map_err(fail)?;
            }
            let help = book.add_worksheet().set_name("说明 help").map_err(fail)?;
            for (i, (key, zh, en)) in COLUMNS.iter().enumerate() {
                let row = u32::try_from(i).unwrap_or(u32::MAX);
                help.write_string(row, 0, *key).map_err(fail)?;
                help.write_string(row, 1, *zh).map_err(fail)?;
                help.write_string(row, 2, *en).map_err(fail)?;
            }
            book.save_to_buffer().map_err(fail)
        }
    }
}

/// The failure file: the original header plus `line` and `error`, then each refused row.
pub fn failures_csv(
    header: &[String],
    failures: &[(usize, Vec<String>, String)],
) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| AppError::Store(format!("failure file: {e}"));
    let mut head: Vec<&str> = vec!["line", "error"];
    head.extend(header.iter().map(String::as_str));
    w.write_record(&head).map_err(fail)?;
    for (line, row, error) in failures {
        let mut record = vec![line.to_string(), error.clone()];
        record.extend(row.iter().cloned());
        w.write_record(&record).map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Store(format!("failure file: {e}")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn csv_reads_with_bom_and_skips_blank_rows() {
        let t = read(
            Format::Csv,
            "\u{feff}phone,name\n13812345678,张三\n,\n13900000000,\"Li, Si\"\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(t.header, ["phone", "name"]);
        assert_eq!(
            t.rows,
            vec![
                (2, vec!["13812345678".into(), "张三".into()]),
                (4, vec!["13900000000".into(), "Li, Si".into()])
            ]
        );
    }

    #[test]
    fn the_xlsx_template_reads_back_as_its_header() {
        let bytes = template(Format::Xlsx).unwrap();
        let t = read(Format::Xlsx, &bytes).unwrap();
        assert_eq!(t.header.len(), COLUMNS.len());
        assert_eq!(t.header[0], "phone");
        assert!(t.rows.is_empty());
        let csv = read(Format::Csv, &template(Format::Csv).unwrap()).unwrap();
        assert_eq!(csv.header, t.header);
    }

    #[test]
    fn garbage_is_unreadable() {
        let e = read(Format::Xlsx, b"not a zip").unwrap_err();
        assert!(matches!(e, AppError::Validation(v) if v.code == "unreadable_file"));
    }

    #[test]
    fn failures_keep_the_row_and_say_why() {
        let out = failures_csv(
            &["phone".into()],
            &[(3, vec!["123".into()], "invalid_phone: bad".into())],
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "\u{feff}line,error,phone\n3,invalid_phone: bad,123\n");
    }
}
