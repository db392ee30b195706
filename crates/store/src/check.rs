//! `renouveau check`: is the database sound? Storage integrity (SQLite's own checks), migrations,
//! every record readable and keeping its invariants, its folded search text true, references
//! alive, every record's history complete in the audit trail, and that trail's hash chain intact.

use std::collections::HashMap;

use crate::audit;
use crate::db::{Backend, ColumnKind, Db, SqlValue, Tx};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::refold;
use crate::row::{decode_record, select_kinds, select_list};

/// One thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub table: String,
    pub record_id: Option<i64>,
    /// English, for logs.
    pub message: String,
    /// French, for the person running the check.
    pub message_fr: String,
}

#[derive(Debug, Default)]
pub struct Report {
    pub records_checked: usize,
    pub tables_checked: usize,
    pub problems: Vec<Problem>,
    /// The audit chain's walk; none when the migrations are not all applied.
    pub chain: Option<audit::ChainReport>,
}

impl Report {
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }

    fn add(&mut self, table: &str, record_id: Option<i64>, message: String, message_fr: String) {
        self.problems.push(Problem {
            table: table.to_string(),
            record_id,
            message,
            message_fr,
        });
    }
}

pub async fn run(db: &Db) -> Result<Report> {
    let mut report = Report::default();
    let applied = db.applied_migrations().await?;
    let known = db.known_migrations();
    if applied != known {
        report.add(
            "_sqlx_migrations",
            None,
            format!("{applied} of {known} migrations applied"),
            format!("{applied} migrations appliquées sur {known} : lancez « renouveau migrate »"),
        );
        return Ok(report);
    }
    let mut tx = db.read().await?;
    if tx.backend() == Backend::Sqlite {
        sqlite_integrity(&mut tx, &mut report).await?;
    }
    let folded_now = refold::folded_with_this_version(&mut tx).await?;
    if !folded_now {
        report.add(
            "folded_text_version",
            None,
            "search text folded by another version of the folding".into(),
            "texte de recherche à recalculer\u{a0}: lancez «\u{a0}renouveau migrate\u{a0}»".into(),
        );
    }
    macro_rules! check_entity {
        ($ty:ty) => {
            check_table::<$ty>(&mut tx, &mut report, folded_now).await?;
        };
    }
    crate::for_each_entity!(check_entity);
    drop(tx);
    let chain = audit::verify(db).await?;
    if let Some(broken) = &chain.first_break {
        report.add(
            "audit_log",
            Some(broken.row_id),
            format!("audit chain broken: {}", broken.reason.describe()),
            format!("journal d'audit altéré : {}", broken.reason.describe_fr()),
        );
    }
    report.chain = Some(chain);
    Ok(report)
}

async fn sqlite_integrity(tx: &mut Tx, report: &mut Report) -> Result<()> {
    let rows = tx
        .fetch_all("PRAGMA integrity_check", &[], &[ColumnKind::Text])
        .await?;
    for row in rows {
        if let Some(SqlValue::Text(line)) = row.first()
            && line != "ok"
        {
            report.add(
                "sqlite",
                None,
                format!("integrity: {line}"),
                format!("intégrité du fichier : {line}"),
            );
        }
    }
    let broken = tx
        .fetch_all(
            "SELECT \"table\", rowid FROM pragma_foreign_key_check",
            &[],
            &[ColumnKind::Text, ColumnKind::Int],
        )
        .await?;
    for row in broken {
        let table = row
            .first()
            .and_then(SqlValue::as_str)
            .unwrap_or_default()
            .to_string();
        let id = row.get(1).and_then(SqlValue::as_i64);
        report.add(
            &table,
            id,
            "dangling foreign key".into(),
            "référence vers un enregistrement absent".into(),
        );
    }
    Ok(())
}

/// `folded_now`: whether the folded twins were computed by this binary's folding, so that a
/// difference is a fault (otherwise every row would be reported, for one cause reported once).
async fn check_table<E: Entity>(tx: &mut Tx, report: &mut Report, folded_now: bool) -> Result<()> {
    report.tables_checked += 1;
    let audited = last_audited_versions(tx, E::TABLE).await?;
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT {} FROM {} ORDER BY id",
                select_list::<E>(),
                E::TABLE
            ),
            &[],
            &select_kinds::<E>(),
        )
        .await?;
    for row in rows {
        report.records_checked += 1;
        let id = row.first().and_then(SqlValue::as_i64).unwrap_or_default();
        let record = match decode_record::<E>(&row) {
            Ok(r) => r,
            Err(StoreError::Corrupt { reason, .. }) => {
                report.add(
                    E::TABLE,
                    Some(id),
                    format!("unreadable: {reason}"),
                    format!("illisible : {reason}"),
                );
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Err(e) = record.data.check() {
            report.add(E::TABLE, Some(id), e.to_string(), e.message_fr());
        }
        match audited.get(&id) {
            None => report.add(
                E::TABLE,
                Some(id),
                "no audit row".into(),
                "aucune trace dans le journal d'audit".into(),
            ),
            Some(&v) if v != record.version => report.add(
                E::TABLE,
                Some(id),
                format!("version {} but last audited version {v}", record.version),
                format!(
                    "version {} mais dernière version journalisée {v}",
                    record.version
                ),
            ),
            Some(_) => {}
        }
    }
    let stale_rows = if folded_now {
        refold::all_stale_rows::<E>(tx).await?
    } else {
        Vec::new()
    };
    for stale in stale_rows {
        let columns = stale.columns.join(", ");
        report.add(
            E::TABLE,
            Some(stale.id),
            format!("folded search text of {columns} differs from the text"),
            format!("texte de recherche de «\u{a0}{columns}\u{a0}» différent du texte enregistré"),
        );
    }
    for (column, table) in E::REFERENCES {
        let sql = format!(
            "SELECT r.id FROM {} r LEFT JOIN {table} t ON t.id = r.{column} \
             WHERE r.{column} IS NOT NULL AND t.id IS NULL",
            E::TABLE
        );
        for row in tx.fetch_all(&sql, &[], &[ColumnKind::Int]).await? {
            report.add(
                E::TABLE,
                row.first().and_then(SqlValue::as_i64),
                format!("{column} points to a missing {table}"),
                format!("« {column} » désigne un enregistrement absent de « {table} »"),
            );
        }
    }
    Ok(())
}

async fn last_audited_versions(tx: &mut Tx, table: &str) -> Result<HashMap<i64, i64>> {
    let rows = tx
        .fetch_all(
            "SELECT record_id, MAX(record_version) FROM audit_log WHERE entity = $1 GROUP BY record_id",
            &[table.into()],
            &[ColumnKind::Int, ColumnKind::Int],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.first()?.as_i64()?, r.get(1)?.as_i64()?)))
        .collect())
}
