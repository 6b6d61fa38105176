//! Statements with their arguments, for both databases. Values are always bound, never spliced;
//! placeholders are `$n`, which both SQLite and PostgreSQL read. [`sql!`] writes a fixed statement
//! with its arguments; [`Sql`]'s builder serves the few queries whose filters vary (lists with
//! search and cursors).

use sqlx::any::AnyArguments;
use sqlx::Arguments;

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
    /// A NULL of the column's type: PostgreSQL types every parameter, so even a NULL has one.
    Null(Kind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Text,
    Blob,
}

/// A fixed statement and its arguments, each converted with `Arg::from`:
/// `sql!("UPDATE t SET a = $1 WHERE id = $2", a, id)`.
macro_rules! sql {
    ($text:expr $(, $arg:expr)* $(,)?) => {
        $crate::sql::Sql::with($text, vec![$($crate::sql::Arg::from($arg)),*])
    };
}
pub(crate) use sql;

macro_rules! arg_from {
    ($($ty:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$ty> for Arg {
            fn from($v: $ty) -> Self {
                $e
            }
        })*
    };
}

arg_from! {
    i64 => |v| Arg::Int(v),
    i32 => |v| Arg::Int(i64::from(v)),
    u32 => |v| Arg::Int(i64::from(v)),
    bool => |v| Arg::Int(i64::from(v)),
    String => |v| Arg::Text(v),
    &String => |v| Arg::Text(v.clone()),
    &str => |v| Arg::Text(v.to_string()),
    Vec<u8> => |v| Arg::Blob(v),
    &[u8] => |v| Arg::Blob(v.to_vec()),
    Option<i64> => |v| v.map_or(Arg::Null(Kind::Int), Arg::Int),
    Option<i32> => |v| v.map_or(Arg::Null(Kind::Int), |v| Arg::Int(i64::from(v))),
    Option<String> => |v| v.map_or(Arg::Null(Kind::Text), Arg::Text),
    Option<&str> => |v| v.map_or(Arg::Null(Kind::Text), |v| Arg::Text(v.to_string())),
    Option<Vec<u8>> => |v| v.map_or(Arg::Null(Kind::Blob), Arg::Blob),
}

#[derive(Default)]
pub(crate) struct Sql {
    pub text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// A statement whose placeholders `$1..$n` are already written, with their arguments.
    pub fn with(text: impl AsRef<str>, args: Vec<Arg>) -> Self {
        Self {
            text: text.as_ref().to_string(),
            args,
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `arg`.
    pub fn bind(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    /// Appends the rows of a multi-row `VALUES` list: `($1, $2), ($3, $4)`.
    pub fn values(&mut self, rows: impl IntoIterator<Item = Vec<Arg>>) -> &mut Self {
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.list(row);
        }
        self
    }

    /// Appends a parenthesised list of placeholders bound to `args`: `($1, $2)`, e.g. after
    /// `IN`.
    pub fn list(&mut self, args: impl IntoIterator<Item = Arg>) -> &mut Self {
        self.push("(");
        for (i, arg) in args.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(arg);
        }
        self.push(")")
    }

    pub fn arg_list(&self) -> &[Arg] {
        &self.args
    }

    pub fn args(&self) -> Result<AnyArguments<'_>, sqlx::Error> {
        let mut args = AnyArguments::default();
        for a in &self.args {
            match a {
                Arg::Int(v) => args.add(*v),
                Arg::Text(v) => args.add(v.as_str()),
                Arg::Blob(v) => args.add(v.clone()),
                Arg::Null(Kind::Int) => args.add(None::<i64>),
                Arg::Null(Kind::Text) => args.add(None::<String>),
                Arg::Null(Kind::Blob) => args.add(None::<Vec<u8>>),
            }
            .map_err(sqlx::Error::Encode)?;
        }
        Ok(args)
    }
}

/// A `LIKE` pattern that matches `needle` anywhere, lowercased, with wildcards escaped.
pub(crate) fn contains_pattern(needle: &str) -> String {
    let escaped = needle
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Parameters per multi-row statement, at most. (SQLite looks `$n` names up one by one while
/// preparing, so a statement of n parameters costs n² to prepare: moderate statements whose few
/// texts stay in the statement cache, not one large one per batch.)
const PARAMS_PER_STATEMENT: usize = 1536;

/// How many rows each multi-row statement takes for `count` rows of `width` parameters: full
/// statements of a power-of-two size, then the rest in halving sizes (64, 32, …, 1), so a
/// table has a handful of statement texts whatever the batch.
pub(crate) fn row_counts(count: usize, width: usize) -> Vec<usize> {
    let per = (PARAMS_PER_STATEMENT / width.max(1)).max(1);
    let per = 1usize << (usize::BITS - 1 - per.leading_zeros());
    let mut out = vec![per; count / per];
    let mut rest = count % per;
    let mut size = per;
    while rest > 0 {
        size /= 2;
        if rest >= size {
            out.push(size);
            rest -= size;
        }
    }
    out
}

/// `INSERT INTO {table} ({columns}) VALUES … {tail}` of `rows` (each `width` values), in
/// statements of [`row_counts`].
pub(crate) fn inserts(
    table: &str,
    columns: &str,
    width: usize,
    rows: Vec<Vec<Arg>>,
    tail: &str,
) -> Vec<Sql> {
    let mut out = Vec::new();
    let mut rows = rows.into_iter();
    for n in row_counts(rows.len(), width) {
        let mut sql = Sql::new(&format!("INSERT INTO {table} ({columns}) VALUES "));
        sql.values(rows.by_ref().take(n)).push(tail);
        out.push(sql);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_in_full_statements_then_halving_ones() {
        assert_eq!(row_counts(0, 22), Vec::<usize>::new());
        // 1536 / 22 = 69 rows: 64 a statement.
        assert_eq!(row_counts(200, 22), vec![64, 64, 64, 8]);
        assert_eq!(row_counts(7, 6), vec![4, 2, 1]);
        assert_eq!(row_counts(300, 6), vec![256, 32, 8, 4]);
        assert_eq!(row_counts(5, 4000), vec![1, 1, 1, 1, 1]);
    }

    #[test]
    fn multi_row_inserts_number_their_placeholders_per_statement() {
        let rows: Vec<Vec<Arg>> = (0..3).map(|i| vec![Arg::Int(i), Arg::Int(i)]).collect();
        let sql = inserts("t", "a, b", 2, rows, " ON CONFLICT DO NOTHING");
        let texts: Vec<&str> = sql.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING",
                "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            ]
        );
    }

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("SELECT * FROM t WHERE a = ");
        sql.bind(Arg::Int(1))
            .push(" AND b = ")
            .bind(Arg::Text("x".into()));
        assert_eq!(sql.text, "SELECT * FROM t WHERE a = $1 AND b = $2");
    }

    #[test]
    fn like_wildcards_in_search_text_are_literal() {
        assert_eq!(contains_pattern("50%_Off"), "%50\\%\\_off%");
    }
}
