//! A fresh, migrated database for each test, on the backend `RENOUVEAU_TEST_BACKEND` names
//! (`sqlite`, the default, or `postgres`). PostgreSQL tests get a schema of their own in the
//! database `RENOUVEAU_TEST_POSTGRES_URL` points to (default: the local server's
//! `renouveau_test`), which is created if missing. A missing server is a failure, not a skip.

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::{Backend, Store};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/renouveau_test";

/// The backend the test run asks for.
pub fn backend() -> Backend {
    match std::env::var("RENOUVEAU_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("RENOUVEAU_TEST_BACKEND must be sqlite or postgres, not {other}"),
    }
}

pub fn postgres_url() -> String {
    std::env::var("RENOUVEAU_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string())
}

/// A database that lives as long as the value.
#[derive(Debug)]
pub struct TestDb {
    /// A URL the command line can be given to reach this same database.
    pub url: String,
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// An empty, migrated database on the backend the run asks for.
    pub async fn new() -> Self {
        Self::unmigrated(backend()).await.open().await
    }

    /// A URL to an empty database (nothing applied yet) on `backend`.
    pub async fn unmigrated(backend: Backend) -> UnmigratedDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                UnmigratedDb {
                    url,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => UnmigratedDb {
                url: fresh_postgres_schema().await,
                _dir: None,
            },
        }
    }
}

/// A database URL with nothing in it yet.
#[derive(Debug)]
pub struct UnmigratedDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for TestDb {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

impl UnmigratedDb {
    pub async fn open(self) -> TestDb {
        let store = Store::open(&self.url)
            .await
            .expect("open and migrate the test database");
        TestDb {
            url: self.url,
            store,
            _dir: self._dir,
        }
    }
}

/// Creates a schema of its own for one test and returns a URL whose connections use it.
async fn fresh_postgres_schema() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let base = postgres_url();
    let mut conn = connect_creating_database(&base).await;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let schema = format!(
        "t_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create the test schema");
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{schema}")
}

async fn connect_creating_database(url: &str) -> PgConnection {
    let options = PgConnectOptions::from_str(url).expect("a valid PostgreSQL URL");
    if let Ok(conn) = PgConnection::connect_with(&options).await {
        return conn;
    }
    let name = options
        .get_database()
        .unwrap_or("renouveau_test")
        .to_string();
    let mut admin = PgConnection::connect_with(&options.clone().database("postgres"))
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is not reachable at {url}: {e}"));
    // Several test processes may race to create it: only the outcome matters.
    let _ = sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await;
    PgConnection::connect_with(&options)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL database {name} is not reachable: {e}"))
}
