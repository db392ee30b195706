//! Fresh databases for each run: a temporary SQLite file, or a PostgreSQL database dropped and
//! created again on the server.

use std::str::FromStr;

use anyhow::{Context, bail};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};
use tempfile::TempDir;

/// A database URL and what keeps that database alive: dropping it removes a SQLite file.
#[derive(Debug)]
pub struct Fresh {
    pub url: String,
    _dir: Option<TempDir>,
}

pub fn sqlite() -> anyhow::Result<Fresh> {
    let dir = tempfile::Builder::new()
        .prefix("renouveau-bench-")
        .tempdir()
        .context("creating a temporary folder")?;
    let path = dir.path().join("bench.db");
    let path = path
        .to_str()
        .context("the temporary folder's path is not UTF-8")?;
    Ok(Fresh {
        url: format!("sqlite://{path}"),
        _dir: Some(dir),
    })
}

/// Drops and creates the database named in `url`, through the server's `postgres` database.
pub async fn postgres(url: &str) -> anyhow::Result<Fresh> {
    let (mut admin, name) = admin_connection(url).await?;
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::raw_sql(AssertSqlSafe(drop))
        .execute(&mut admin)
        .await
        .with_context(|| format!("dropping database {name}"))?;
    let create = format!("CREATE DATABASE {name}");
    sqlx::raw_sql(AssertSqlSafe(create))
        .execute(&mut admin)
        .await
        .with_context(|| format!("creating database {name}"))?;
    admin.close().await?;
    Ok(Fresh {
        url: url.to_string(),
        _dir: None,
    })
}

/// Removes the benchmark database once the run is over, even if the store still holds
/// connections to it.
pub async fn drop_postgres(url: &str) -> anyhow::Result<()> {
    let (mut admin, name) = admin_connection(url).await?;
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::raw_sql(AssertSqlSafe(drop))
        .execute(&mut admin)
        .await
        .with_context(|| format!("dropping database {name}"))?;
    admin.close().await?;
    Ok(())
}

async fn admin_connection(url: &str) -> anyhow::Result<(PgConnection, String)> {
    let options = PgConnectOptions::from_str(url).context("reading the PostgreSQL URL")?;
    let name = options
        .get_database()
        .context("the PostgreSQL URL names no database")?
        .to_string();
    check_name(&name)?;
    let admin = options
        .database("postgres")
        .connect()
        .await
        .context("connecting to the server's postgres database")?;
    Ok((admin, name))
}

/// The database is dropped with FORCE: only accept a plain name that says it is a benchmark's,
/// so that a mistyped URL cannot wipe a real database. The check also makes the name safe to
/// write unquoted into SQL.
fn check_name(name: &str) -> anyhow::Result<()> {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !plain || !name.contains("bench") {
        bail!(
            "refusing to drop database {name:?}: the benchmark only recreates databases whose \
             name is made of a-z, 0-9 and _ and contains \"bench\""
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn only_benchmark_databases_are_dropped() {
        assert!(check_name("renouveau_bench").is_ok());
        assert!(check_name("renouveau").is_err());
        assert!(check_name("postgres").is_err());
        assert!(check_name("bench; DROP TABLE x").is_err());
        assert!(check_name("Bench").is_err());
    }
}
