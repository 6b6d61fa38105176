//! The SQLite path: statements run on the calling thread through rusqlite, reads from a small
//! pool of read-only connections, writes on the one writer connection (ADR 0005, ADR 0008).
//!
//! sqlx runs every SQLite connection on its own worker thread, so each statement costs two
//! cross-thread hand-offs; measured, those hand-offs cost far more than SQLite's own work on a
//! point read or a one-row insert (docs/BENCHMARKS.md). Statements are short, indexed, and never
//! wait on the network, so running them inline is cheaper than any hand-off. SQLite has one
//! writer at a time: see `writer`.

use crate::row::{Row, Value};
use crate::sql::{Arg, Sql};
use patron_app::{AppError, AppResult};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Read connections to one SQLite file.
pub(crate) struct LitePool {
    path: String,
    idle: Mutex<Vec<Connection>>,
    max_idle: usize,
}

use crate::error::lite as fail;

/// The file of a `sqlite://path?…` URL.
pub(crate) fn file_of(url: &str) -> AppResult<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or(rest).to_string();
    if path.is_empty() || path.contains(":memory:") {
        return Err(AppError::Store(
            "the SQLite store needs a database file".into(),
        ));
    }
    Ok(path)
}

impl LitePool {
    /// The pool for the file of a `sqlite://path?…` URL.
    pub fn for_url(url: &str, max_idle: u32) -> AppResult<Arc<Self>> {
        let path = file_of(url)?;
        Ok(Arc::new(Self {
            path,
            idle: Mutex::new(Vec::new()),
            max_idle: max_idle.max(1) as usize,
        }))
    }

    fn open(&self) -> AppResult<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(&self.path, flags).map_err(fail)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(fail)?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(conn)
    }

    /// A connection, returned to the pool when the guard drops.
    pub fn get(self: &Arc<Self>) -> AppResult<LiteConn> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let conn = match idle {
            Some(c) => c,
            None => self.open()?,
        };
        Ok(LiteConn {
            conn: Some(conn),
            pool: Arc::clone(self),
            reading: false,
        })
    }
}

pub(crate) struct LiteConn {
    conn: Option<Connection>,
    pool: Arc<LitePool>,
    /// A read transaction is open (see `begin_read`).
    reading: bool,
}

impl LiteConn {
    pub fn conn(&mut self) -> AppResult<&mut Connection> {
        self.conn
            .as_mut()
            .ok_or_else(|| AppError::Store("connection already returned".into()))
    }

    /// Opens a read transaction: from its first read on, every read sees the file as of that
    /// moment (WAL keeps the snapshot; the writer carries on). Returning the connection to the
    /// pool ends it.
    pub fn begin_read(&mut self) -> AppResult<()> {
        self.conn()?.execute_batch("BEGIN").map_err(fail)?;
        self.reading = true;
        Ok(())
    }
}

impl Drop for LiteConn {
    fn drop(&mut self) {
        if self.reading {
            // A connection whose transaction cannot be ended is not reused.
            let ended = self
                .conn
                .as_mut()
                .is_some_and(|c| c.execute_batch("ROLLBACK").is_ok());
            if !ended {
                return;
            }
        }
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.pool.idle.lock()) {
            if idle.len() < self.pool.max_idle {
                idle.push(conn);
            }
        }
    }
}

/// The statement with `$n` placeholders written `?n`. SQLite reads `$n` as a *named* parameter,
/// numbered by first appearance, so `SET a = $3 WHERE id = $1` would bind the wrong values;
/// `?n` is numbered by `n`, as PostgreSQL reads `$n`.
fn numbered(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('$') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Runs a query and returns all its rows.
pub(crate) fn query(conn: &mut Connection, sql: &Sql) -> AppResult<Vec<Row>> {
    let mut stmt = conn.prepare_cached(&numbered(&sql.text)).map_err(fail)?;
    let names: Arc<[String]> = stmt
        .column_names()
        .iter()
        .map(|n| (*n).to_string())
        .collect();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(sql.arg_list()))
        .map_err(fail)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(fail)? {
        let mut values = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let value = match r.get_ref(i).map_err(fail)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::Int(v),
                ValueRef::Real(v) => {
                    return Err(AppError::Store(format!("unexpected real {v} in {name}")))
                }
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            };
            values.push(value);
        }
        out.push(Row::new(Arc::clone(&names), values));
    }
    Ok(out)
}

/// Runs a statement; returns the number of rows it changed.
pub(crate) fn execute(conn: &mut Connection, sql: &Sql) -> AppResult<u64> {
    let mut stmt = conn.prepare_cached(&numbered(&sql.text)).map_err(fail)?;
    let changed = stmt
        .execute(rusqlite::params_from_iter(sql.arg_list()))
        .map_err(fail)?;
    Ok(changed as u64)
}

impl rusqlite::ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Arg::Int(v) => ValueRef::Integer(*v),
            Arg::Text(v) => ValueRef::Text(v.as_bytes()),
            Arg::Blob(v) => ValueRef::Blob(v),
            Arg::Null(_) => ValueRef::Null,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_are_numbered_by_their_digits() {
        assert_eq!(
            numbered("UPDATE t SET a = $3 WHERE x = $1 AND y = $2 AND z = '$'"),
            "UPDATE t SET a = ?3 WHERE x = ?1 AND y = ?2 AND z = '$'"
        );
    }
}
