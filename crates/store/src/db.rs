//! The one place that knows there are two database backends. Everything above speaks SQL with
//! `$1`-style placeholders and [`SqlValue`]s; this module binds, runs and decodes them on SQLite
//! or PostgreSQL.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, PgPool, Postgres, Row, Sqlite, SqlitePool, Transaction};

use renouveau_domain::{FieldError, FieldErrorKind};

use crate::error::{Result, StoreError};

/// The SQL type of a column, as the application sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Int,
    Float,
    Text,
    Bool,
    Date,
    Timestamp,
}

/// A value bound to a query or read from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null(ColumnKind),
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    Timestamp(DateTime<Utc>),
}

impl SqlValue {
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(v) => Some(*v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(v) => Some(v),
            _ => None,
        }
    }
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        Self::Text(v.to_string())
    }
}

impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<DateTime<Utc>> for SqlValue {
    fn from(v: DateTime<Utc>) -> Self {
        Self::Timestamp(v)
    }
}

impl<T: Into<SqlValue>> From<Option<T>> for SqlValue
where
    T: NullKind,
{
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null(T::KIND), Into::into)
    }
}

/// The column kind of a Rust type, for binding a typed NULL.
pub trait NullKind {
    const KIND: ColumnKind;
}
impl NullKind for i64 {
    const KIND: ColumnKind = ColumnKind::Int;
}
impl NullKind for String {
    const KIND: ColumnKind = ColumnKind::Text;
}
impl NullKind for &str {
    const KIND: ColumnKind = ColumnKind::Text;
}

/// Which backend a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections to one database.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?;
            Self::connect_sqlite(options).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(PgConnectOptions::from_str(url)?).await
        } else {
            Err(StoreError::UnsupportedUrl(url.to_string()))
        }
    }

    pub async fn connect_sqlite(options: SqliteConnectOptions) -> Result<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Self::Sqlite(pool))
    }

    pub async fn connect_postgres(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self {
            Self::Sqlite(_) => &SQLITE_MIGRATOR,
            Self::Postgres(_) => &POSTGRES_MIGRATOR,
        }
    }

    /// Applies the migrations not yet applied; returns how many were.
    pub async fn migrate(&self) -> Result<usize> {
        let before = self.applied_migrations().await?;
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATOR.run(pool).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        Ok(self.applied_migrations().await? - before)
    }

    /// How many migrations the binary embeds.
    pub fn known_migrations(&self) -> usize {
        self.migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .count()
    }

    /// How many migrations the database has applied (0 on an empty database).
    pub async fn applied_migrations(&self) -> Result<usize> {
        let mut tx = self.read().await?;
        let exists_sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        };
        if tx.fetch_count(exists_sql, &[]).await? == 0 {
            return Ok(0);
        }
        let n = tx
            .fetch_count("SELECT COUNT(*) FROM _sqlx_migrations WHERE success", &[])
            .await?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Starts a transaction for writing. On SQLite it takes the write lock at once, so that a
    /// read-then-write sequence cannot fail half-way on a lock upgrade.
    pub async fn write(&self) -> Result<Tx> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Starts a transaction for consistent reads: it sees one state of the database from its
    /// first query to its last (a list's count and its rows agree). SQLite's read transaction is
    /// such a snapshot (WAL); PostgreSQL's default, READ COMMITTED, takes a new one for each
    /// statement, so reads ask for REPEATABLE READ, READ ONLY.
    pub async fn read(&self) -> Result<Tx> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Self::Postgres(pool) => Tx::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?,
            ),
        })
    }

    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

/// A transaction on either backend. Dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// PostgreSQL cannot store the NUL character in text, SQLite can: it is refused on both before
/// any statement runs, so that both backends answer alike and a person gets a clear error rather
/// than a server error.
fn refuse_nul(params: &[SqlValue]) -> Result<()> {
    if params
        .iter()
        .any(|p| matches!(p, SqlValue::Text(text) if text.contains('\0')))
    {
        return Err(StoreError::Invalid(FieldError::new(
            "texte",
            FieldErrorKind::NulCharacter,
        )));
    }
    Ok(())
}

/// Rewrites `$1` placeholders as `?1`, which SQLite binds by number.
fn sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! bind_values {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                SqlValue::Int(v) => q.bind(*v),
                SqlValue::Float(v) => q.bind(*v),
                SqlValue::Text(v) => q.bind(v.clone()),
                SqlValue::Bool(v) => q.bind(*v),
                SqlValue::Date(v) => q.bind(*v),
                SqlValue::Timestamp(v) => q.bind(*v),
                SqlValue::Null(ColumnKind::Int) => q.bind(None::<i64>),
                SqlValue::Null(ColumnKind::Float) => q.bind(None::<f64>),
                SqlValue::Null(ColumnKind::Text) => q.bind(None::<String>),
                SqlValue::Null(ColumnKind::Bool) => q.bind(None::<bool>),
                SqlValue::Null(ColumnKind::Date) => q.bind(None::<NaiveDate>),
                SqlValue::Null(ColumnKind::Timestamp) => q.bind(None::<DateTime<Utc>>),
            };
        }
        q
    }};
}

macro_rules! decode_row {
    ($row:expr, $kinds:expr) => {{
        let row = $row;
        let mut values = Vec::with_capacity($kinds.len());
        for (i, kind) in $kinds.iter().enumerate() {
            let value = match kind {
                ColumnKind::Int => row.try_get::<Option<i64>, _>(i)?.map(SqlValue::Int),
                ColumnKind::Float => row.try_get::<Option<f64>, _>(i)?.map(SqlValue::Float),
                ColumnKind::Text => row.try_get::<Option<String>, _>(i)?.map(SqlValue::Text),
                ColumnKind::Bool => row.try_get::<Option<bool>, _>(i)?.map(SqlValue::Bool),
                ColumnKind::Date => row.try_get::<Option<NaiveDate>, _>(i)?.map(SqlValue::Date),
                ColumnKind::Timestamp => row
                    .try_get::<Option<DateTime<Utc>>, _>(i)?
                    .map(SqlValue::Timestamp),
            };
            values.push(value.unwrap_or(SqlValue::Null(*kind)));
        }
        values
    }};
}

impl Db {
    /// Runs a query returning one integer outside any transaction: one round trip, for the
    /// cheap checks done on every request.
    pub async fn fetch_count(&self, sql: &str, params: &[SqlValue]) -> Result<i64> {
        refuse_nul(params)?;
        let value: Option<i64> = match self {
            Self::Sqlite(pool) => {
                bind_values!(
                    sqlx::query_scalar(AssertSqlSafe(sqlite_placeholders(sql))),
                    params
                )
                .fetch_one(pool)
                .await?
            }
            Self::Postgres(pool) => {
                bind_values!(sqlx::query_scalar(AssertSqlSafe(sql.to_string())), params)
                    .fetch_one(pool)
                    .await?
            }
        };
        Ok(value.unwrap_or(0))
    }
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs a statement; returns the number of rows it touched.
    pub async fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64> {
        refuse_nul(params)?;
        Ok(match self {
            Self::Sqlite(tx) => {
                let q = bind_values!(sqlx::query(AssertSqlSafe(sqlite_placeholders(sql))), params);
                q.execute(&mut **tx).await?.rows_affected()
            }
            Self::Postgres(tx) => {
                let q = bind_values!(sqlx::query(AssertSqlSafe(sql.to_string())), params);
                q.execute(&mut **tx).await?.rows_affected()
            }
        })
    }

    /// Runs a query and decodes each row's columns as `kinds` says.
    pub async fn fetch_all(
        &mut self,
        sql: &str,
        params: &[SqlValue],
        kinds: &[ColumnKind],
    ) -> Result<Vec<Vec<SqlValue>>> {
        refuse_nul(params)?;
        let mut out = Vec::new();
        match self {
            Self::Sqlite(tx) => {
                let q = bind_values!(sqlx::query(AssertSqlSafe(sqlite_placeholders(sql))), params);
                for row in q.fetch_all(&mut **tx).await? {
                    out.push(decode_row!(&row, kinds));
                }
            }
            Self::Postgres(tx) => {
                let q = bind_values!(sqlx::query(AssertSqlSafe(sql.to_string())), params);
                for row in q.fetch_all(&mut **tx).await? {
                    out.push(decode_row!(&row, kinds));
                }
            }
        }
        Ok(out)
    }

    pub async fn fetch_optional(
        &mut self,
        sql: &str,
        params: &[SqlValue],
        kinds: &[ColumnKind],
    ) -> Result<Option<Vec<SqlValue>>> {
        Ok(self.fetch_all(sql, params, kinds).await?.into_iter().next())
    }

    /// Runs a query returning one integer (a count, an id).
    pub async fn fetch_count(&mut self, sql: &str, params: &[SqlValue]) -> Result<i64> {
        let row = self.fetch_optional(sql, params, &[ColumnKind::Int]).await?;
        Ok(row
            .and_then(|r| r.first().and_then(SqlValue::as_i64))
            .unwrap_or(0))
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// The current time, truncated to microseconds so that both backends store it exactly.
pub fn now() -> DateTime<Utc> {
    use chrono::DurationRound;
    let t = Utc::now();
    t.duration_trunc(chrono::TimeDelta::microseconds(1))
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::sqlite_placeholders;

    #[test]
    fn placeholders_become_numbered_question_marks() {
        assert_eq!(
            sqlite_placeholders("SELECT a FROM t WHERE b = $2 AND c = $10 AND d = '$'"),
            "SELECT a FROM t WHERE b = ?2 AND c = ?10 AND d = '$'"
        );
    }
}
