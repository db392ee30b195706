//! Keeps the stored folded twins (see [`crate::folding`]) true: `Store::open` folds every row
//! again when the database was folded by another version of the folding (or never, as after
//! migration 0008), and `renouveau check` reports rows whose twins differ from their text.
//! Twins are derived values, not record content: refolding changes no version and writes no
//! audit row.

use crate::db::{ColumnKind, Db, SqlValue, Tx};
use crate::entity::Entity;
use crate::error::Result;
use crate::folding::{FOLD_VERSION, folded_name};
use crate::row::folded_values;

const BATCH_ROWS: i64 = 1000;

/// A row whose folded twins are not what its text folds to.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleRow {
    pub id: i64,
    /// The searchable columns whose twin is wrong.
    pub columns: Vec<&'static str>,
    /// Every twin's right value, in [`Entity::SEARCH`] order.
    folded: Vec<SqlValue>,
}

/// Whether the stored twins were folded by this binary's folding.
pub async fn folded_with_this_version(tx: &mut Tx) -> Result<bool> {
    Ok(tx
        .fetch_count("SELECT version FROM folded_text_version", &[])
        .await?
        == FOLD_VERSION)
}

/// Folds every row again if the database's folding version is not this binary's; returns the
/// number of rows whose twins changed.
pub async fn refold_if_needed(db: &Db) -> Result<u64> {
    if folded_with_this_version(&mut db.read().await?).await? {
        return Ok(0);
    }
    let mut tx = db.write().await?;
    if folded_with_this_version(&mut tx).await? {
        // Another process folded meanwhile.
        return Ok(0);
    }
    let mut changed = 0;
    macro_rules! refold {
        ($ty:ty) => {
            for table in tables_of::<$ty>() {
                changed += refold_table::<$ty>(&mut tx, table).await?;
            }
        };
    }
    crate::for_each_entity!(refold);
    tx.execute(
        "UPDATE folded_text_version SET version = $1",
        &[FOLD_VERSION.into()],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(rows = changed, version = FOLD_VERSION, "folded search text");
    Ok(changed)
}

/// The tables holding rows of `E`: its own, and its published copies when it has them.
pub fn tables_of<E: Entity>() -> impl Iterator<Item = &'static str> {
    std::iter::once(E::TABLE).chain(E::PUBLISHED_TABLE)
}

async fn refold_table<E: Entity>(tx: &mut Tx, table: &str) -> Result<u64> {
    if E::SEARCH.is_empty() {
        return Ok(0);
    }
    let assignments: Vec<String> = E::SEARCH
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = ${}", folded_name(c), i + 1))
        .collect();
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = ${}",
        assignments.join(", "),
        E::SEARCH.len() + 1
    );
    let mut changed = 0;
    let mut after = 0;
    while let Some((stale, last)) = stale_rows::<E>(tx, table, after).await? {
        for row in stale {
            let mut params = row.folded;
            params.push(row.id.into());
            changed += tx.execute(&sql, &params).await?;
        }
        after = last;
    }
    Ok(changed)
}

/// Every row of `E` in `table` (see [`tables_of`]) whose twins are stale, in id order.
pub async fn all_stale_rows<E: Entity>(tx: &mut Tx, table: &str) -> Result<Vec<StaleRow>> {
    let mut found = Vec::new();
    let mut after = 0;
    while let Some((stale, last)) = stale_rows::<E>(tx, table, after).await? {
        found.extend(stale);
        after = last;
    }
    Ok(found)
}

/// The stale rows among the next batch of rows after id `after`, and the batch's last id; none
/// once past the last row.
async fn stale_rows<E: Entity>(
    tx: &mut Tx,
    table: &str,
    after: i64,
) -> Result<Option<(Vec<StaleRow>, i64)>> {
    if E::SEARCH.is_empty() {
        return Ok(None);
    }
    let twins: Vec<String> = E::SEARCH.iter().map(|c| folded_name(c)).collect();
    let sql = format!(
        "SELECT id, {}, {} FROM {table} WHERE id > $1 ORDER BY id LIMIT {BATCH_ROWS}",
        E::SEARCH.join(", "),
        twins.join(", "),
    );
    let kinds: Vec<ColumnKind> = std::iter::once(ColumnKind::Int)
        .chain(std::iter::repeat_n(ColumnKind::Text, 2 * E::SEARCH.len()))
        .collect();
    let rows = tx.fetch_all(&sql, &[after.into()], &kinds).await?;
    let Some(last) = rows
        .last()
        .and_then(|r| r.first().and_then(SqlValue::as_i64))
    else {
        return Ok(None);
    };
    let n = E::SEARCH.len();
    let mut stale = Vec::new();
    for row in rows {
        let id = row.first().and_then(SqlValue::as_i64).unwrap_or_default();
        let texts = row.get(1..=n).unwrap_or_default();
        let stored = row.get(n + 1..).unwrap_or_default();
        // `folded_values` reads values in `Entity::COLUMNS` order: lay the texts out so.
        let values: Vec<SqlValue> = E::COLUMNS
            .iter()
            .map(|c| {
                E::SEARCH
                    .iter()
                    .position(|s| *s == c.name)
                    .and_then(|i| texts.get(i).cloned())
                    .unwrap_or(SqlValue::Null(c.kind))
            })
            .collect();
        let folded = folded_values::<E>(&values);
        let columns: Vec<&'static str> = E::SEARCH
            .iter()
            .zip(folded.iter().zip(stored))
            .filter(|(_, (right, actual))| right != actual)
            .map(|(c, _)| *c)
            .collect();
        if !columns.is_empty() {
            stale.push(StaleRow {
                id,
                columns,
                folded,
            });
        }
    }
    Ok(Some((stale, last)))
}
