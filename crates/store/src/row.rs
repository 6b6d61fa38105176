//! An owned row of plain values, the one shape that both read paths produce: sqlx rows (PostgreSQL,
//! and SQLite inside write transactions) and rusqlite rows (SQLite reads, see `lite`). The mapping
//! to records in `rows` is then written once.

use crate::error::db;
use patron_app::{AppError, AppResult};
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{Column, Row as _, TypeInfo as _, ValueRef as _};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// Column names are shared by all rows of one result, so a row only allocates its values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub fn new(names: Arc<[String]>, values: Vec<Value>) -> Self {
        Self { names, values }
    }

    /// The value of a column by name; a missing column is a programming error reported as such.
    pub fn value(&self, col: &str) -> AppResult<&Value> {
        self.names
            .iter()
            .position(|name| name == col)
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| AppError::Store(format!("no column {col} in the result")))
    }

    pub fn opt_i64(&self, col: &str) -> AppResult<Option<i64>> {
        match self.value(col)? {
            Value::Null => Ok(None),
            Value::Int(v) => Ok(Some(*v)),
            other => Err(AppError::Store(format!(
                "column {col} is not an integer: {other:?}"
            ))),
        }
    }

    pub fn opt_text(&self, col: &str) -> AppResult<Option<String>> {
        match self.value(col)? {
            Value::Null => Ok(None),
            Value::Text(v) => Ok(Some(v.clone())),
            other => Err(AppError::Store(format!(
                "column {col} is not text: {other:?}"
            ))),
        }
    }

    pub fn opt_bytes(&self, col: &str) -> AppResult<Option<Vec<u8>>> {
        match self.value(col)? {
            Value::Null => Ok(None),
            Value::Blob(v) => Ok(Some(v.clone())),
            other => Err(AppError::Store(format!(
                "column {col} is not bytes: {other:?}"
            ))),
        }
    }

    pub fn bool(&self, col: &str) -> AppResult<bool> {
        Ok(self.i64(col)? != 0)
    }

    pub fn bytes(&self, col: &str) -> AppResult<Vec<u8>> {
        match self.value(col)? {
            Value::Blob(v) => Ok(v.clone()),
            other => Err(AppError::Store(format!(
                "column {col} is not bytes: {other:?}"
            ))),
        }
    }

    pub fn i64(&self, col: &str) -> AppResult<i64> {
        self.opt_i64(col)?
            .ok_or_else(|| AppError::Store(format!("column {col} is null")))
    }

    pub fn text(&self, col: &str) -> AppResult<String> {
        self.opt_text(col)?
            .ok_or_else(|| AppError::Store(format!("column {col} is null")))
    }
}

/// Converts a sqlx row by the kind of each value.
pub(crate) fn from_any(row: &AnyRow) -> AppResult<Row> {
    let names: Arc<[String]> = row.columns().iter().map(|c| c.name().to_string()).collect();
    let mut values = Vec::with_capacity(names.len());
    for i in 0..names.len() {
        let raw = row.try_get_raw(i).map_err(db)?;
        let value = if raw.is_null() {
            Value::Null
        } else {
            match raw.type_info().kind() {
                AnyTypeInfoKind::Null => Value::Null,
                AnyTypeInfoKind::Bool
                | AnyTypeInfoKind::SmallInt
                | AnyTypeInfoKind::Integer
                | AnyTypeInfoKind::BigInt => Value::Int(row.try_get::<i64, _>(i).map_err(db)?),
                AnyTypeInfoKind::Text => Value::Text(row.try_get::<String, _>(i).map_err(db)?),
                AnyTypeInfoKind::Blob => Value::Blob(row.try_get::<Vec<u8>, _>(i).map_err(db)?),
                other => {
                    return Err(AppError::Store(format!(
                        "unexpected column type {other:?} ({})",
                        raw.type_info().name()
                    )))
                }
            }
        };
        values.push(value);
    }
    Ok(Row::new(names, values))
}
