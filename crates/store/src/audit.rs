//! The audit trail: one row per change, written in the change's own transaction, holding who,
//! when, what, and the record before and after. The states are stored as JSON text exactly as
//! written, so that they read back byte for byte on both backends.

use chrono::{DateTime, Utc};
use renouveau_domain::Actor;
use serde::Serialize;

use crate::db::{ColumnKind, SqlValue, Tx};
use crate::error::Result;

/// What a change did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Archive,
    Restore,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Archive => "archive",
            Self::Restore => "restore",
        }
    }
}

/// One row of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub actor_organisation_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub record_id: i64,
    pub record_version: i64,
    pub before_state: Option<String>,
    pub after_state: String,
}

#[derive(Debug)]
pub struct Change<'a> {
    pub action: AuditAction,
    pub entity: &'static str,
    pub record_id: i64,
    pub record_version: i64,
    pub at: DateTime<Utc>,
    pub before: Option<String>,
    pub after: String,
    pub actor: &'a Actor,
}

pub async fn write(tx: &mut Tx, change: Change<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (occurred_at, actor_user_id, actor_label, actor_organisation_id, \
         action, entity, record_id, record_version, before_state, after_state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            SqlValue::Timestamp(change.at),
            change.actor.user_id.into(),
            change.actor.label.as_str().into(),
            change.actor.organisation_id.into(),
            change.action.code().into(),
            change.entity.into(),
            change.record_id.into(),
            change.record_version.into(),
            change.before.into(),
            change.after.into(),
        ],
    )
    .await?;
    Ok(())
}

const ENTRY_COLUMNS: &str = "id, occurred_at, actor_user_id, actor_label, actor_organisation_id, \
    action, entity, record_id, record_version, before_state, after_state";
const ENTRY_KINDS: &[ColumnKind] = &[
    ColumnKind::Int,
    ColumnKind::Timestamp,
    ColumnKind::Int,
    ColumnKind::Text,
    ColumnKind::Int,
    ColumnKind::Text,
    ColumnKind::Text,
    ColumnKind::Int,
    ColumnKind::Int,
    ColumnKind::Text,
    ColumnKind::Text,
];

fn decode(row: Vec<SqlValue>) -> AuditEntry {
    let mut it = row.into_iter();
    let mut next = || it.next().unwrap_or(SqlValue::Null(ColumnKind::Text));
    let int = |v: SqlValue| v.as_i64();
    let text = |v: SqlValue| match v {
        SqlValue::Text(s) => Some(s),
        _ => None,
    };
    AuditEntry {
        id: int(next()).unwrap_or_default(),
        occurred_at: match next() {
            SqlValue::Timestamp(t) => t,
            _ => DateTime::<Utc>::MIN_UTC,
        },
        actor_user_id: int(next()),
        actor_label: text(next()).unwrap_or_default(),
        actor_organisation_id: int(next()),
        action: text(next()).unwrap_or_default(),
        entity: text(next()).unwrap_or_default(),
        record_id: int(next()).unwrap_or_default(),
        record_version: int(next()).unwrap_or_default(),
        before_state: text(next()),
        after_state: text(next()).unwrap_or_default(),
    }
}

/// The history of one record, oldest first.
pub async fn history(tx: &mut Tx, entity: &str, record_id: i64) -> Result<Vec<AuditEntry>> {
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE entity = $1 AND record_id = $2 ORDER BY id"
            ),
            &[entity.into(), record_id.into()],
            ENTRY_KINDS,
        )
        .await?;
    Ok(rows.into_iter().map(decode).collect())
}

/// How many audit rows there are in all.
pub async fn count(tx: &mut Tx) -> Result<i64> {
    tx.fetch_count("SELECT COUNT(*) FROM audit_log", &[]).await
}
