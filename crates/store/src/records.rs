//! The service every entity gets: create, read, list, update, archive, restore and history.
//! Each write checks the actor's rights, the record's invariants, its references and unique
//! keys, then writes the change and its audit row in one transaction. Nothing is deleted.

use std::marker::PhantomData;

use renouveau_domain::{Actor, FieldError, FieldErrorKind, ValidationStatus, names};

use crate::audit::{self, AuditAction, AuditEntry, Change};
use crate::authz::{WriteAction, authorize, authorize_review, authorize_update};
use crate::db::{ColumnKind, Db, SqlValue, Tx, now};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::publish::publish_in;
use crate::query::{ListQuery, Page};
use crate::row::{
    Record, decode_record, entity_values, folded_columns, folded_values, select_kinds, select_list,
};

/// Which version of the records a reader gets: as they are, partners' declarations included
/// (what signed-in users work on), or as last validated (what visitors and the validated
/// figures see: records partners declare and the team reviews have a published copy, see
/// `publish`; other records are the same in both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Edition {
    #[default]
    Working,
    Published,
}

impl Edition {
    pub fn table<E: Entity>(self) -> &'static str {
        match self {
            Self::Working => E::TABLE,
            Self::Published => E::PUBLISHED_TABLE.unwrap_or(E::TABLE),
        }
    }
}

/// What an administrator's update does to the review state of a reviewed record. A partner's
/// update declares the record whatever it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    /// The state stays as stored: the writer did not name one (a form, an API body without it).
    Stored,
    /// The state the value written carries: the writer named it.
    Written,
}

/// The service for records of `E`.
#[derive(Debug)]
pub struct Records<'a, E> {
    db: &'a Db,
    edition: Edition,
    entity: PhantomData<E>,
}

impl<'a, E: Entity> Records<'a, E> {
    pub fn new(db: &'a Db) -> Self {
        Self::of_edition(db, Edition::Working)
    }

    /// Reads `edition` of the records; writes always change the records themselves.
    pub fn of_edition(db: &'a Db, edition: Edition) -> Self {
        Self {
            db,
            edition,
            entity: PhantomData,
        }
    }

    pub async fn create(&self, actor: &Actor, data: E) -> Result<Record<E>> {
        let mut tx = self.db.write().await?;
        let record = create_in(&mut tx, actor, data).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Reads a record, archived or not.
    pub async fn get(&self, id: i64) -> Result<Record<E>> {
        let mut tx = self.db.read().await?;
        get_from(&mut tx, self.edition.table::<E>(), id).await
    }

    /// Reads a record that `actor` may change, or refuses with [`StoreError::Forbidden`]: what a
    /// form page asks before it shows the record for editing.
    pub async fn get_editable(&self, actor: &Actor, id: i64) -> Result<Record<E>> {
        let mut tx = self.db.read().await?;
        let record = get_in::<E>(&mut tx, id).await?;
        let values = entity_values(&record.data)?;
        authorize_update::<E>(&mut tx, actor, &values, &values).await?;
        Ok(record)
    }

    pub async fn list(&self, query: &ListQuery) -> Result<Page<E>> {
        let mut tx = self.db.read().await?;
        list_from(&mut tx, self.edition.table::<E>(), query).await
    }

    /// Replaces a record's values but its review state, which stays as stored (see
    /// [`Records::update_with_review`]). `expected_version` is the version the caller read: if
    /// the record changed since, the update is refused with [`StoreError::Conflict`].
    pub async fn update(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        data: E,
    ) -> Result<Record<E>> {
        self.update_with_review(actor, id, expected_version, data, ReviewState::Stored)
            .await
    }

    /// Replaces a record's values; `review` says whether an administrator's value sets the
    /// record's review state too.
    pub async fn update_with_review(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        data: E,
        review: ReviewState,
    ) -> Result<Record<E>> {
        let mut tx = self.db.write().await?;
        let record = update_in(&mut tx, actor, id, expected_version, data, review).await?;
        tx.commit().await?;
        Ok(record)
    }

    pub async fn archive(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
    ) -> Result<Record<E>> {
        self.set_archived(actor, id, expected_version, true).await
    }

    pub async fn restore(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
    ) -> Result<Record<E>> {
        self.set_archived(actor, id, expected_version, false).await
    }

    async fn set_archived(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        archived: bool,
    ) -> Result<Record<E>> {
        let mut tx = self.db.write().await?;
        let record = set_archived_in(&mut tx, actor, id, expected_version, archived).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// The programme team's review of a declared record: validated, or returned with a comment
    /// saying what to correct. Only administrators review; `expected_version` is the version
    /// they looked at.
    pub async fn review(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        status: ValidationStatus,
        note: Option<String>,
    ) -> Result<Record<E>> {
        authorize_review(actor, E::TABLE)?;
        let mut tx = self.db.write().await?;
        let mut data = get_in::<E>(&mut tx, id).await?.data;
        let Some(reviewed) = data.reviewed_mut() else {
            return Err(StoreError::Invalid(FieldError::new(
                "validation",
                FieldErrorKind::InvalidCode {
                    expected: "un enregistrement soumis à validation",
                },
            )));
        };
        reviewed.set_review(status, note.filter(|n| !n.trim().is_empty()));
        let record = update_in(
            &mut tx,
            actor,
            id,
            expected_version,
            data,
            ReviewState::Written,
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// The audit trail of one record, oldest first.
    pub async fn history(&self, id: i64) -> Result<Vec<AuditEntry>> {
        let mut tx = self.db.read().await?;
        audit::history(&mut tx, E::TABLE, id).await
    }
}

pub async fn get_in<E: Entity>(tx: &mut Tx, id: i64) -> Result<Record<E>> {
    get_from(tx, E::TABLE, id).await
}

/// Reads a record from `table`: the entity's, or its published copies.
async fn get_from<E: Entity>(tx: &mut Tx, table: &str, id: i64) -> Result<Record<E>> {
    let sql = format!("SELECT {} FROM {table} WHERE id = $1", select_list::<E>());
    let row = tx
        .fetch_optional(&sql, &[id.into()], &select_kinds::<E>())
        .await?;
    let row = row.ok_or(StoreError::NotFound {
        table: E::TABLE,
        id,
    })?;
    decode_record(&row)
}

pub async fn list_in<E: Entity>(tx: &mut Tx, query: &ListQuery) -> Result<Page<E>> {
    list_from(tx, E::TABLE, query).await
}

async fn list_from<E: Entity>(tx: &mut Tx, table: &str, query: &ListQuery) -> Result<Page<E>> {
    let clause = query.where_clause::<E>()?;
    let total = tx
        .fetch_count(
            &format!("SELECT COUNT(*) FROM {table}{}", clause.sql),
            &clause.params,
        )
        .await?;
    let sql = format!(
        "SELECT {} FROM {table}{}{}",
        select_list::<E>(),
        clause.sql,
        query.order_and_page::<E>()?
    );
    let rows = tx
        .fetch_all(&sql, &clause.params, &select_kinds::<E>())
        .await?;
    let items = rows
        .iter()
        .map(|r| decode_record(r))
        .collect::<Result<Vec<_>>>()?;
    let (page, per_page) = query.page_bounds();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

pub async fn create_in<E: Entity>(tx: &mut Tx, actor: &Actor, mut data: E) -> Result<Record<E>> {
    declare_unless_team(actor, &mut data);
    data.normalise();
    data.check()?;
    let values = entity_values(&data)?;
    authorize::<E>(tx, actor, WriteAction::Create, &values).await?;
    check_references::<E>(tx, &values, None).await?;
    check_unique::<E>(tx, &values, None).await?;
    check_look_alikes::<E>(tx, &values, None).await?;

    let at = now();
    let folded = folded_values::<E>(&values);
    let columns: Vec<String> = E::COLUMNS
        .iter()
        .map(|c| c.name.to_string())
        .chain(folded_columns::<E>())
        .collect();
    let placeholders: Vec<String> = (1..=columns.len() + 2).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}, created_at, updated_at) VALUES ({}) RETURNING id",
        E::TABLE,
        columns.join(", "),
        placeholders.join(", ")
    );
    let mut params = values;
    params.extend(folded);
    params.push(at.into());
    params.push(at.into());
    let id = tx
        .fetch_count(&sql, &params)
        .await
        .map_err(unique_violation::<E>)?;

    let record = get_in::<E>(tx, id).await?;
    audit::write(tx, change(AuditAction::Create, actor, None, &record)?).await?;
    publish_in(tx, &record).await?;
    Ok(record)
}

pub async fn update_in<E: Entity>(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    mut data: E,
    review: ReviewState,
) -> Result<Record<E>> {
    let before = get_in::<E>(tx, id).await?;
    check_version(&before, expected_version)?;
    if review == ReviewState::Stored
        && let (Some(stored), Some(written)) = (before.data.reviewed(), data.reviewed_mut())
    {
        written.set_review(
            stored.validation(),
            stored.validation_note().map(str::to_string),
        );
    }
    declare_unless_team(actor, &mut data);
    data.normalise();
    data.check()?;
    data.check_change(&before.data)?;
    let old_values = entity_values(&before.data)?;
    let values = entity_values(&data)?;
    authorize_update::<E>(tx, actor, &old_values, &values).await?;
    check_references::<E>(tx, &values, Some(&old_values)).await?;
    if before.archived_at.is_none() {
        check_unique::<E>(tx, &values, Some(id)).await?;
        check_look_alikes::<E>(tx, &values, Some(id)).await?;
    }

    let folded = folded_values::<E>(&values);
    let assignments: Vec<String> = E::COLUMNS
        .iter()
        .map(|c| c.name.to_string())
        .chain(folded_columns::<E>())
        .enumerate()
        .map(|(i, name)| format!("{name} = ${}", i + 1))
        .collect();
    let n = assignments.len();
    let sql = format!(
        "UPDATE {} SET {}, version = version + 1, updated_at = ${} WHERE id = ${} AND version = ${}",
        E::TABLE,
        assignments.join(", "),
        n + 1,
        n + 2,
        n + 3
    );
    let mut params = values;
    params.extend(folded);
    params.extend([
        SqlValue::Timestamp(now()),
        id.into(),
        expected_version.into(),
    ]);
    let written = tx
        .execute(&sql, &params)
        .await
        .map_err(unique_violation::<E>)?;
    guard_written(written, &before, expected_version)?;

    let after = get_in::<E>(tx, id).await?;
    audit::write(
        tx,
        change(AuditAction::Update, actor, Some(&before), &after)?,
    )
    .await?;
    publish_in(tx, &after).await?;
    Ok(after)
}

pub async fn set_archived_in<E: Entity>(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    archived: bool,
) -> Result<Record<E>> {
    let before = get_in::<E>(tx, id).await?;
    check_version(&before, expected_version)?;
    let values = entity_values(&before.data)?;
    let action = if archived {
        WriteAction::Archive
    } else {
        WriteAction::Restore
    };
    authorize::<E>(tx, actor, action, &values).await?;
    if before.is_archived() == archived {
        return Ok(before);
    }
    if !archived {
        // A record archived long ago may clash with one created since.
        check_unique::<E>(tx, &values, Some(id)).await?;
        check_look_alikes::<E>(tx, &values, Some(id)).await?;
    }
    let at = now();
    let archived_at: SqlValue = if archived {
        at.into()
    } else {
        SqlValue::Null(ColumnKind::Timestamp)
    };
    let sql = format!(
        "UPDATE {} SET archived_at = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
        E::TABLE
    );
    let written = tx
        .execute(
            &sql,
            &[archived_at, at.into(), id.into(), expected_version.into()],
        )
        .await
        .map_err(unique_violation::<E>)?;
    guard_written(written, &before, expected_version)?;

    let after = get_in::<E>(tx, id).await?;
    let action = if archived {
        AuditAction::Archive
    } else {
        AuditAction::Restore
    };
    audit::write(tx, change(action, actor, Some(&before), &after)?).await?;
    publish_in(tx, &after).await?;
    Ok(after)
}

/// What a partner writes on a reviewed record is declared, whatever state it sends: only the
/// programme team validates or returns.
fn declare_unless_team<E: Entity>(actor: &Actor, data: &mut E) {
    if !actor.is_admin()
        && let Some(reviewed) = data.reviewed_mut()
    {
        reviewed.set_review(ValidationStatus::Declared, None);
    }
}

fn check_version<E: Entity>(record: &Record<E>, expected: i64) -> Result<()> {
    if record.version == expected {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            table: E::TABLE,
            id: record.id,
            expected,
            actual: record.version,
        })
    }
}

/// A guarded update that touched no row lost a race with another writer.
fn guard_written<E: Entity>(rows: u64, before: &Record<E>, expected: i64) -> Result<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            table: E::TABLE,
            id: before.id,
            expected,
            actual: expected + 1,
        })
    }
}

fn change<'a, E: Entity>(
    action: AuditAction,
    actor: &'a Actor,
    before: Option<&Record<E>>,
    after: &Record<E>,
) -> Result<Change<'a>> {
    let to_json = |r: &Record<E>| {
        serde_json::to_string(r).map_err(|e| StoreError::Corrupt {
            table: E::TABLE,
            id: r.id,
            reason: e.to_string(),
        })
    };
    Ok(Change {
        action,
        entity: E::TABLE,
        record_id: after.id,
        record_version: after.version,
        at: after.updated_at,
        before: before.map(to_json).transpose()?,
        after: to_json(after)?,
        actor,
    })
}

fn value_at<'v, E: Entity>(values: &'v [SqlValue], column: &str) -> Option<&'v SqlValue> {
    E::COLUMNS
        .iter()
        .position(|c| c.name == column)
        .and_then(|i| values.get(i))
}

/// Each reference must point to a live record; on update only changed references are checked,
/// so that a record pointing to something archived since can still be edited.
async fn check_references<E: Entity>(
    tx: &mut Tx,
    values: &[SqlValue],
    old: Option<&[SqlValue]>,
) -> Result<()> {
    for (column, table) in E::REFERENCES {
        let Some(target) = value_at::<E>(values, column).and_then(SqlValue::as_i64) else {
            continue;
        };
        if old
            .and_then(|o| value_at::<E>(o, column))
            .and_then(SqlValue::as_i64)
            == Some(target)
        {
            continue;
        }
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE id = $1 AND archived_at IS NULL");
        if tx.fetch_count(&sql, &[target.into()]).await? == 0 {
            return Err(FieldError::new(
                *column,
                FieldErrorKind::UnknownReference { table, id: target },
            )
            .into());
        }
    }
    Ok(())
}

/// A write refused by a unique index, when another transaction took the key between
/// [`check_unique`] and the write (PostgreSQL 23505; SQLite's extended codes 2067 and 1555,
/// though its write lock leaves no such gap): the same refusal as [`check_unique`]'s, on the
/// key's last column. The index is found by its name (`{table}_{columns}_key`, PostgreSQL) or by
/// the columns SQLite's message lists (`UNIQUE constraint failed: table.a, table.b`).
fn unique_violation<E: Entity>(error: StoreError) -> StoreError {
    let StoreError::Database(sqlx::Error::Database(db_error)) = &error else {
        return error;
    };
    if !db_error.is_unique_violation() {
        return error;
    }
    let sqlite_columns: Option<Vec<&str>> = db_error
        .message()
        .split_once("constraint failed: ")
        .map(|(_, columns)| {
            columns
                .split(", ")
                .map(|c| c.rsplit('.').next().unwrap_or(c))
                .collect()
        });
    let key = E::UNIQUE.iter().find(|key| match db_error.constraint() {
        Some(index) => index == format!("{}_{}_key", E::TABLE, key.join("_")),
        None => sqlite_columns.as_deref() == Some(**key),
    });
    match key.and_then(|key| key.last()) {
        Some(field) => FieldError::new(*field, FieldErrorKind::Duplicate).into(),
        None => error,
    }
}

async fn check_unique<E: Entity>(tx: &mut Tx, values: &[SqlValue], id: Option<i64>) -> Result<()> {
    for key in E::UNIQUE {
        let key_values: Vec<&SqlValue> = key
            .iter()
            .filter_map(|c| value_at::<E>(values, c))
            .collect();
        if key_values.iter().any(|v| matches!(v, SqlValue::Null(_))) {
            continue;
        }
        let mut params: Vec<SqlValue> = key_values.into_iter().cloned().collect();
        let mut conditions: Vec<String> = key
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect();
        conditions.push("archived_at IS NULL".into());
        if let Some(id) = id {
            params.push(id.into());
            conditions.push(format!("id <> ${}", params.len()));
        }
        let sql = format!(
            "SELECT COUNT(*) FROM {} WHERE {}",
            E::TABLE,
            conditions.join(" AND ")
        );
        if tx.fetch_count(&sql, &params).await? > 0 {
            let field = key.last().copied().unwrap_or("id");
            return Err(FieldError::new(field, FieldErrorKind::Duplicate).into());
        }
    }
    Ok(())
}

/// Refuses a name that looks like the name of another live record (see [`Entity::LOOK_ALIKE`]),
/// naming that record. It reads every live name of the table, after waiting for the writers'
/// turn ([`audit::take_turn`]): no look-alike can be committed between the check and this
/// transaction's commit, which no index could guarantee.
async fn check_look_alikes<E: Entity>(
    tx: &mut Tx,
    values: &[SqlValue],
    id: Option<i64>,
) -> Result<()> {
    if E::LOOK_ALIKE.is_empty() {
        return Ok(());
    }
    audit::take_turn(tx).await?;
    for column in E::LOOK_ALIKE {
        let Some(name) = value_at::<E>(values, column).and_then(SqlValue::as_str) else {
            continue;
        };
        let sql = format!(
            "SELECT id, {column} FROM {} WHERE archived_at IS NULL AND {column} IS NOT NULL \
             AND id <> $1 ORDER BY id",
            E::TABLE
        );
        let rows = tx
            .fetch_all(
                &sql,
                &[id.unwrap_or(0).into()],
                &[ColumnKind::Int, ColumnKind::Text],
            )
            .await?;
        for row in rows {
            if let [SqlValue::Int(other), SqlValue::Text(existing)] = row.as_slice()
                && names::look_alike(name, existing)
            {
                return Err(FieldError::new(
                    *column,
                    FieldErrorKind::LooksLike {
                        existing: existing.clone(),
                        id: *other,
                    },
                )
                .into());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use renouveau_domain::{Organisation, Territory};
    use sqlx::{Connection, Executor, SqliteConnection};

    use super::*;

    /// A real unique violation from SQLite, whose write lock keeps the race itself away.
    async fn sqlite_violation(schema: &'static str, insert: &'static str) -> StoreError {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        conn.execute(schema).await.unwrap();
        conn.execute(insert).await.unwrap();
        StoreError::Database(conn.execute(insert).await.unwrap_err())
    }

    #[tokio::test]
    async fn sqlites_unique_violations_are_duplicates_of_the_keys_last_column() {
        let error = sqlite_violation(
            "CREATE TABLE territory (level TEXT, code TEXT); \
             CREATE UNIQUE INDEX territory_level_code_key ON territory (level, code)",
            "INSERT INTO territory VALUES ('commune', '62498')",
        )
        .await;
        match unique_violation::<Territory>(error) {
            StoreError::Invalid(e) => {
                assert_eq!(
                    (e.field.as_str(), e.kind),
                    ("code", FieldErrorKind::Duplicate)
                );
            }
            other => panic!("{other:?}"),
        }
        let error = sqlite_violation(
            "CREATE TABLE organisation (siren TEXT, short_name TEXT); \
             CREATE UNIQUE INDEX organisation_short_name_key ON organisation (short_name)",
            "INSERT INTO organisation VALUES (NULL, 'CALL')",
        )
        .await;
        assert!(matches!(
            unique_violation::<Organisation>(error),
            StoreError::Invalid(FieldError { ref field, .. }) if field == "short_name"
        ));
        // Another key than the entity's stays what it was.
        let error = sqlite_violation(
            "CREATE TABLE organisation (name TEXT UNIQUE)",
            "INSERT INTO organisation VALUES ('Douaisis Agglo')",
        )
        .await;
        assert!(matches!(
            unique_violation::<Organisation>(error),
            StoreError::Database(_)
        ));
    }
}
