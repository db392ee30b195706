//! The audit trail: one row per change, written in the change's own transaction, holding who,
//! when, what, and the record before and after. The states are stored as JSON text exactly as
//! written, so that they read back byte for byte on both backends.
//!
//! The rows form a hash chain: each row keeps the hash of the row before it (`previous_hash`)
//! and its own (`row_hash`), a SHA-256 over its content and that previous hash. Changing,
//! removing or inserting a row breaks the chain from that row on, which [`verify`] finds.
//! `audit_head` holds the hash of the last row; writers take turns on it, so that id order is
//! chain order.

use chrono::{DateTime, SecondsFormat, Utc};
use renouveau_domain::Actor;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{Backend, ColumnKind, Db, SqlValue, Tx};
use crate::error::{Result, StoreError};

/// The previous hash of the first row of the chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many rows are read at a time when walking the chain.
const BATCH_ROWS: i64 = 1000;

/// What a change did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Archive,
    Restore,
    /// An API token revoked.
    Revoke,
    /// A user's account disabled.
    Disable,
    /// A user's account enabled again.
    Enable,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Archive => "archive",
            Self::Restore => "restore",
            Self::Revoke => "revoke",
            Self::Disable => "disable",
            Self::Enable => "enable",
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

/// Appends the change to the chain, inside the caller's transaction.
pub async fn write(tx: &mut Tx, change: Change<'_>) -> Result<()> {
    let previous_hash = lock_head(tx).await?;
    let row_hash = Content::of_change(&change).hash(&previous_hash);
    tx.execute(
        "INSERT INTO audit_log (occurred_at, actor_user_id, actor_label, actor_organisation_id, \
         action, entity, record_id, record_version, before_state, after_state, \
         previous_hash, row_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
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
            previous_hash.into(),
            row_hash.as_str().into(),
        ],
    )
    .await?;
    set_head(tx, &row_hash).await
}

/// Waits for this transaction's turn among writers, as its audit row would later: what it reads
/// next stays true until it commits, since no other writer commits in between. On PostgreSQL it
/// locks `audit_head` (the lock [`write`] takes anyway, taken earlier; taking it first keeps the
/// order of locks every writer takes); on SQLite the write transaction holds the lock already.
pub async fn take_turn(tx: &mut Tx) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        lock_head(tx).await?;
    }
    Ok(())
}

/// Reads the hash of the chain's last row. On PostgreSQL it also locks `audit_head` until the
/// transaction ends, before anything is inserted, so that audit writers take turns and take
/// their ids in chain order. SQLite needs no lock: a write transaction holds the database's
/// write lock from its start, and a read transaction that writes after another writer committed
/// fails instead of forking the chain.
async fn lock_head(tx: &mut Tx) -> Result<String> {
    let sql = match tx.backend() {
        Backend::Sqlite => "SELECT head_hash FROM audit_head WHERE id = 1",
        Backend::Postgres => "SELECT head_hash FROM audit_head WHERE id = 1 FOR UPDATE",
    };
    read_head(tx, sql).await
}

async fn read_head(tx: &mut Tx, sql: &str) -> Result<String> {
    let row = tx.fetch_optional(sql, &[], &[ColumnKind::Text]).await?;
    match row.and_then(|r| r.into_iter().next()) {
        Some(SqlValue::Text(hash)) => Ok(hash),
        _ => Err(StoreError::Corrupt {
            table: "audit_head",
            id: 1,
            reason: "the audit chain has no head row".into(),
        }),
    }
}

async fn set_head(tx: &mut Tx, hash: &str) -> Result<()> {
    tx.execute(
        "UPDATE audit_head SET head_hash = $1 WHERE id = 1",
        &[hash.into()],
    )
    .await?;
    Ok(())
}

/// What a row's hash covers, borrowed from a change being written or a row read back.
#[derive(Debug)]
struct Content<'a> {
    occurred_at: DateTime<Utc>,
    actor_user_id: Option<i64>,
    actor_label: &'a str,
    actor_organisation_id: Option<i64>,
    action: &'a str,
    entity: &'a str,
    record_id: i64,
    record_version: i64,
    before_state: Option<&'a str>,
    after_state: &'a str,
}

impl<'a> Content<'a> {
    fn of_change(change: &'a Change<'_>) -> Self {
        Self {
            occurred_at: change.at,
            actor_user_id: change.actor.user_id,
            actor_label: &change.actor.label,
            actor_organisation_id: change.actor.organisation_id,
            action: change.action.code(),
            entity: change.entity,
            record_id: change.record_id,
            record_version: change.record_version,
            before_state: change.before.as_deref(),
            after_state: &change.after,
        }
    }

    fn of_entry(entry: &'a AuditEntry) -> Self {
        Self {
            occurred_at: entry.occurred_at,
            actor_user_id: entry.actor_user_id,
            actor_label: &entry.actor_label,
            actor_organisation_id: entry.actor_organisation_id,
            action: &entry.action,
            entity: &entry.entity,
            record_id: entry.record_id,
            record_version: entry.record_version,
            before_state: entry.before_state.as_deref(),
            after_state: &entry.after_state,
        }
    }

    /// Hex SHA-256 over a canonical encoding: a version tag, the previous hash, then every field
    /// in a fixed order, each typed and length-prefixed (see [`CanonicalHasher`]), so that no two
    /// different rows encode alike. The timestamp is RFC 3339 in UTC with microseconds, the
    /// precision both backends store.
    fn hash(&self, previous_hash: &str) -> String {
        let mut h = CanonicalHasher::default();
        h.text(Some("renouveau-audit-v1"));
        h.text(Some(previous_hash));
        h.text(Some(
            &self
                .occurred_at
                .to_rfc3339_opts(SecondsFormat::Micros, true),
        ));
        h.int(self.actor_user_id);
        h.text(Some(self.actor_label));
        h.int(self.actor_organisation_id);
        h.text(Some(self.action));
        h.text(Some(self.entity));
        h.int(Some(self.record_id));
        h.int(Some(self.record_version));
        h.text(self.before_state);
        h.text(Some(self.after_state));
        hex::encode(h.0.finalize())
    }
}

/// Feeds typed fields to SHA-256: a NULL is the byte 0; an integer is the byte 1 and 8 bytes
/// big-endian; a text is the byte 2, its length in bytes as 8 bytes big-endian, then its UTF-8.
#[derive(Debug, Default)]
struct CanonicalHasher(Sha256);

impl CanonicalHasher {
    fn int(&mut self, value: Option<i64>) {
        match value {
            None => self.0.update([0]),
            Some(v) => {
                self.0.update([1]);
                self.0.update(v.to_be_bytes());
            }
        }
    }

    fn text(&mut self, value: Option<&str>) {
        match value {
            None => self.0.update([0]),
            Some(v) => {
                self.0.update([2]);
                self.0.update((v.len() as u64).to_be_bytes());
                self.0.update(v.as_bytes());
            }
        }
    }
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

/// A row of the trail with its links in the chain, as stored.
#[derive(Debug)]
struct ChainRow {
    entry: AuditEntry,
    previous_hash: Option<String>,
    row_hash: Option<String>,
}

fn decode_chain_row(mut row: Vec<SqlValue>) -> ChainRow {
    let mut text = || match row.pop() {
        Some(SqlValue::Text(s)) => Some(s),
        _ => None,
    };
    let row_hash = text();
    let previous_hash = text();
    ChainRow {
        entry: decode(row),
        previous_hash,
        row_hash,
    }
}

/// Up to `limit` rows with an id above `after_id`, in id order; `only_unsealed` keeps the rows
/// without a hash.
async fn chain_rows_after(
    tx: &mut Tx,
    after_id: i64,
    limit: i64,
    only_unsealed: bool,
) -> Result<Vec<ChainRow>> {
    let unsealed = if only_unsealed {
        " AND row_hash IS NULL"
    } else {
        ""
    };
    let mut kinds = ENTRY_KINDS.to_vec();
    kinds.extend([ColumnKind::Text, ColumnKind::Text]);
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT {ENTRY_COLUMNS}, previous_hash, row_hash FROM audit_log \
                 WHERE id > $1{unsealed} ORDER BY id LIMIT $2"
            ),
            &[after_id.into(), limit.into()],
            &kinds,
        )
        .await?;
    Ok(rows.into_iter().map(decode_chain_row).collect())
}

/// Chains the rows written before the trail was a chain (no hash yet) onto its head, in id
/// order, in one transaction; returns how many were sealed. Only rows after the last sealed one
/// are sealed: a row without a hash in the middle of the chain is a break for [`verify`] to
/// report, not something to bless.
pub async fn seal(db: &Db) -> Result<u64> {
    if !has_unsealed_rows(db).await? {
        return Ok(0);
    }
    let mut tx = db.write().await?;
    let mut head = lock_head(&mut tx).await?;
    let mut after_id = tx
        .fetch_count(
            "SELECT COALESCE(MAX(id), 0) FROM audit_log WHERE row_hash IS NOT NULL",
            &[],
        )
        .await?;
    let mut sealed = 0;
    loop {
        let batch = chain_rows_after(&mut tx, after_id, BATCH_ROWS, true).await?;
        for row in &batch {
            head = seal_row(&mut tx, row, head).await?;
            after_id = row.entry.id;
            sealed += 1;
        }
        if batch.len() < BATCH_ROWS as usize {
            break;
        }
    }
    if sealed == 0 {
        // Only rows inside the chain lack a hash: left for `verify` to report.
        return Ok(0);
    }
    set_head(&mut tx, &head).await?;
    tx.commit().await?;
    tracing::info!(
        rows = sealed,
        "sealed audit rows written before the audit chain"
    );
    Ok(sealed)
}

async fn has_unsealed_rows(db: &Db) -> Result<bool> {
    let mut tx = db.read().await?;
    let found = tx
        .fetch_optional(
            "SELECT id FROM audit_log WHERE row_hash IS NULL LIMIT 1",
            &[],
            &[ColumnKind::Int],
        )
        .await?;
    Ok(found.is_some())
}

/// Links one row to `previous_hash`; returns the row's own hash.
async fn seal_row(tx: &mut Tx, row: &ChainRow, previous_hash: String) -> Result<String> {
    let row_hash = Content::of_entry(&row.entry).hash(&previous_hash);
    tx.execute(
        "UPDATE audit_log SET previous_hash = $1, row_hash = $2 WHERE id = $3",
        &[
            previous_hash.into(),
            row_hash.as_str().into(),
            row.entry.id.into(),
        ],
    )
    .await?;
    Ok(row_hash)
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Rows found sound, from the first one up to the break if there is one.
    pub rows_checked: u64,
    /// The hash of the last sound row ([`GENESIS_HASH`] when there is none): on an intact chain,
    /// the head, which can be noted elsewhere to detect a rewrite of the whole chain later.
    pub head_hash: String,
    pub first_break: Option<ChainBreak>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// The first row where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The row at fault; for [`BreakReason::HeadMismatch`], the last row (0 when there is none).
    pub row_id: i64,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakReason {
    /// The row has no hash, though rows after it have one.
    NotSealed,
    /// The row's previous hash is not the hash of the row before it: a row was removed or
    /// inserted just before it.
    PreviousHashMismatch,
    /// The row's content no longer gives its hash: it was changed.
    ContentChanged,
    /// Every row holds but the recorded head is not the last row's hash: rows were removed at
    /// the end, or the head was changed.
    HeadMismatch,
}

impl BreakReason {
    /// English, for logs.
    pub fn describe(self) -> &'static str {
        match self {
            Self::NotSealed => "row has no hash although later rows have one",
            Self::PreviousHashMismatch => {
                "previous hash does not match the row before: a row was removed or inserted"
            }
            Self::ContentChanged => "content does not match the row's hash: the row was changed",
            Self::HeadMismatch => {
                "recorded head is not the last row's hash: rows were removed at the end"
            }
        }
    }

    /// French, for the person checking.
    pub fn describe_fr(self) -> &'static str {
        match self {
            Self::NotSealed => "la ligne n'a pas d'empreinte alors que les suivantes en ont une",
            Self::PreviousHashMismatch => {
                "l'empreinte précédente ne correspond pas à la ligne d'avant : \
                 une ligne a été supprimée ou insérée"
            }
            Self::ContentChanged => {
                "le contenu ne correspond plus à l'empreinte de la ligne : elle a été modifiée"
            }
            Self::HeadMismatch => {
                "la tête enregistrée n'est pas l'empreinte de la dernière ligne : \
                 des lignes ont été supprimées à la fin du journal"
            }
        }
    }
}

/// Walks the whole chain in id order, a batch at a time, in one consistent snapshot, and stops
/// at the first row that does not hold.
pub async fn verify(db: &Db) -> Result<ChainReport> {
    let mut tx = db.read().await?;
    let mut walk = ChainWalk::default();
    loop {
        let batch = chain_rows_after(&mut tx, walk.last_id, BATCH_ROWS, false).await?;
        for row in &batch {
            if let Err(reason) = walk.step(row) {
                return Ok(walk.report_break(row.entry.id, reason));
            }
        }
        if batch.len() < BATCH_ROWS as usize {
            break;
        }
    }
    let recorded_head = read_head(&mut tx, "SELECT head_hash FROM audit_head WHERE id = 1").await?;
    if recorded_head != walk.head_hash {
        let last_id = walk.last_id;
        return Ok(walk.report_break(last_id, BreakReason::HeadMismatch));
    }
    Ok(walk.report())
}

/// Where a walk along the chain is.
#[derive(Debug)]
struct ChainWalk {
    rows_checked: u64,
    last_id: i64,
    head_hash: String,
}

impl Default for ChainWalk {
    fn default() -> Self {
        Self {
            rows_checked: 0,
            last_id: 0,
            head_hash: GENESIS_HASH.to_string(),
        }
    }
}

impl ChainWalk {
    fn step(&mut self, row: &ChainRow) -> Result<(), BreakReason> {
        let (Some(previous_hash), Some(row_hash)) = (&row.previous_hash, &row.row_hash) else {
            return Err(BreakReason::NotSealed);
        };
        if *previous_hash != self.head_hash {
            return Err(BreakReason::PreviousHashMismatch);
        }
        if Content::of_entry(&row.entry).hash(previous_hash) != *row_hash {
            return Err(BreakReason::ContentChanged);
        }
        self.rows_checked += 1;
        self.last_id = row.entry.id;
        self.head_hash.clone_from(row_hash);
        Ok(())
    }

    fn report(self) -> ChainReport {
        ChainReport {
            rows_checked: self.rows_checked,
            head_hash: self.head_hash,
            first_break: None,
        }
    }

    fn report_break(self, row_id: i64, reason: BreakReason) -> ChainReport {
        ChainReport {
            first_break: Some(ChainBreak { row_id, reason }),
            ..self.report()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content<'a>(actor_label: &'a str, action: &'a str) -> Content<'a> {
        Content {
            occurred_at: DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap_or_default(),
            actor_user_id: None,
            actor_label,
            actor_organisation_id: Some(7),
            action,
            entity: "operation",
            record_id: 42,
            record_version: 3,
            before_state: None,
            after_state: "{\"title\":\"École\"}",
        }
    }

    #[test]
    fn the_encoding_of_a_row_does_not_change() {
        // Every stored chain depends on it: a change here breaks them all.
        assert_eq!(
            content("system:test", "update").hash(GENESIS_HASH),
            "b91a00008907a7465d9c22017caa67c8c812c5d3f168c6c65784e708efda405c"
        );
    }

    #[test]
    fn moving_bytes_between_fields_changes_the_hash() {
        assert_ne!(
            content("ab", "c").hash(GENESIS_HASH),
            content("a", "bc").hash(GENESIS_HASH)
        );
    }

    #[test]
    fn a_missing_value_differs_from_an_empty_one() {
        let mut empty = content("a", "b");
        empty.before_state = Some("");
        assert_ne!(
            empty.hash(GENESIS_HASH),
            content("a", "b").hash(GENESIS_HASH)
        );
    }

    #[test]
    fn the_previous_hash_is_covered() {
        let row = content("a", "b");
        assert_ne!(row.hash(GENESIS_HASH), row.hash(&"1".repeat(64)));
    }
}
