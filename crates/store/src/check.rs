//! `renouveau check`: is the database sound? Storage integrity (SQLite's own checks), migrations,
//! every record readable and keeping its invariants, its folded search text true, references
//! alive, every record's history complete in the audit trail, and that trail's hash chain intact.

use std::collections::HashMap;

use crate::audit;
use crate::db::{Backend, ColumnKind, Db, SqlValue, Tx};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::refold;
use crate::row::{Record, decode_record, select_kinds, select_list};

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
            Some(last) if last.version != record.version => report.add(
                E::TABLE,
                Some(id),
                format!(
                    "version {} but last audited version {}",
                    record.version, last.version
                ),
                format!(
                    "version {} mais dernière version journalisée {}",
                    record.version, last.version
                ),
            ),
            Some(last) => {
                let differing = fields_differing_from_audit(&record, &last.after);
                if !differing.is_empty() {
                    let fields = differing.join(", ");
                    report.add(
                        E::TABLE,
                        Some(id),
                        format!("{fields} changed since the last audited version"),
                        format!(
                            "«\u{a0}{fields}\u{a0}» modifié sans trace dans le journal d'audit"
                        ),
                    );
                }
            }
        }
    }
    for table in refold::tables_of::<E>().filter(|_| folded_now) {
        for stale in refold::all_stale_rows::<E>(tx, table).await? {
            let columns = stale.columns.join(", ");
            report.add(
                table,
                Some(stale.id),
                format!("folded search text of {columns} differs from the text"),
                format!(
                    "texte de recherche de «\u{a0}{columns}\u{a0}» différent du texte enregistré"
                ),
            );
        }
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

/// A record's last audit row: the version it wrote and the record as it wrote it (JSON).
struct LastAudited {
    version: i64,
    after: String,
}

async fn last_audited_versions(tx: &mut Tx, table: &str) -> Result<HashMap<i64, LastAudited>> {
    let rows = tx
        .fetch_all(
            "SELECT a.record_id, a.record_version, a.after_state FROM audit_log a \
             JOIN (SELECT MAX(id) AS last_id FROM audit_log WHERE entity = $1 \
                   GROUP BY record_id) l ON a.id = l.last_id",
            &[table.into()],
            &[ColumnKind::Int, ColumnKind::Int, ColumnKind::Text],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let last = LastAudited {
                version: r.get(1)?.as_i64()?,
                after: r.get(2)?.as_str()?.to_string(),
            };
            Some((r.first()?.as_i64()?, last))
        })
        .collect())
}

/// The fields whose stored value differs from the record's last audited state: a change made
/// behind the services' back that kept the version. Fields the audited state does not name
/// (columns added by a later migration) are not compared.
fn fields_differing_from_audit<E: Entity>(record: &Record<E>, audited: &str) -> Vec<String> {
    let Ok(serde_json::Value::Object(audited)) = serde_json::from_str(audited) else {
        return vec!["(état journalisé illisible)".into()];
    };
    let Ok(serde_json::Value::Object(live)) = serde_json::to_value(record) else {
        return vec!["(enregistrement illisible)".into()];
    };
    audited
        .iter()
        .filter(|(field, value)| live.get(*field).unwrap_or(&serde_json::Value::Null) != *value)
        .map(|(field, _)| field.clone())
        .collect()
}
