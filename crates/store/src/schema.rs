//! What the database's schema actually is: tables, columns and indexes, read back from either
//! backend in one shape, so that the two backends' schemas can be compared.

use std::collections::BTreeMap;

use crate::db::{Backend, ColumnKind, Db, SqlValue};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Column name → whether it accepts NULL.
    pub columns: BTreeMap<String, bool>,
    pub indexes: BTreeMap<String, Index>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub columns: Vec<String>,
    pub unique: bool,
}

fn texts(rows: Vec<Vec<SqlValue>>) -> Vec<Vec<String>> {
    rows.into_iter()
        .map(|r| {
            r.into_iter()
                .map(|v| match v {
                    SqlValue::Text(s) => s,
                    SqlValue::Int(i) => i.to_string(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect()
}

/// Reads the schema of the application's tables (sqlx's own bookkeeping table excluded).
pub async fn read(db: &Db) -> Result<Schema> {
    let mut tx = db.read().await?;
    let backend = tx.backend();
    let t = ColumnKind::Text;
    let table_sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\'"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name NOT LIKE '\\_sqlx%' ESCAPE '\\'"
        }
    };
    let names = texts(tx.fetch_all(table_sql, &[], &[t]).await?);
    let mut schema = Schema::default();
    for name in names.into_iter().filter_map(|r| r.into_iter().next()) {
        let mut table = Table::default();
        let (column_sql, index_sql) = match backend {
            Backend::Sqlite => (
                "SELECT name, CASE WHEN \"notnull\" = 0 AND pk = 0 THEN 'YES' ELSE 'NO' END \
                 FROM pragma_table_info($1)",
                "SELECT name, CAST(\"unique\" AS TEXT) FROM pragma_index_list($1) \
                 WHERE origin <> 'pk' AND name NOT LIKE 'sqlite_autoindex%'",
            ),
            Backend::Postgres => (
                "SELECT CAST(column_name AS TEXT), CAST(is_nullable AS TEXT) \
                 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
                "SELECT CAST(indexname AS TEXT), indexdef FROM pg_indexes \
                 WHERE schemaname = current_schema() AND tablename = $1 AND indexname NOT LIKE '%\\_pkey' ESCAPE '\\'",
            ),
        };
        for row in texts(
            tx.fetch_all(column_sql, &[name.as_str().into()], &[t, t])
                .await?,
        ) {
            table.columns.insert(row[0].clone(), row[1] == "YES");
        }
        for row in texts(
            tx.fetch_all(index_sql, &[name.as_str().into()], &[t, t])
                .await?,
        ) {
            let index = match backend {
                Backend::Sqlite => {
                    let columns = texts(
                        tx.fetch_all(
                            "SELECT name FROM pragma_index_info($1) ORDER BY seqno",
                            &[row[0].as_str().into()],
                            &[t],
                        )
                        .await?,
                    );
                    Index {
                        columns: columns.into_iter().flatten().collect(),
                        unique: row[1] == "1",
                    }
                }
                Backend::Postgres => parse_pg_index(&row[1]),
            };
            table.indexes.insert(row[0].clone(), index);
        }
        schema.tables.insert(name, table);
    }
    Ok(schema)
}

/// Reads columns and uniqueness from `CREATE [UNIQUE] INDEX n ON t USING btree (a, b) WHERE ...`.
fn parse_pg_index(definition: &str) -> Index {
    let columns = definition
        .split_once(" USING ")
        .and_then(|(_, rest)| rest.split_once('('))
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(cols, _)| cols.split(',').map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    Index {
        columns,
        unique: definition.starts_with("CREATE UNIQUE"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_a_postgres_index_definition() {
        let index = super::parse_pg_index(
            "CREATE UNIQUE INDEX t_a_b_key ON public.t USING btree (a, b) WHERE (archived_at IS NULL)",
        );
        assert_eq!(index.columns, ["a", "b"]);
        assert!(index.unique);
    }
}
