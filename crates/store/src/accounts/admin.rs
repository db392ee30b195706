//! Accounts as administrators run them: the list of users, a user's role and organisation,
//! disabling and enabling, and the purge of what has expired. Every change bumps the user's
//! version and leaves one audit row (entity `app_user`) in its own transaction.
//!
//! A disabled user is refused at once everywhere: their sessions are closed in the same
//! transaction, their pending reset links end, and [`super::session_user`] and
//! [`super::token_user`] refuse them. Their API tokens are suspended, not revoked: they act
//! again if the account is enabled again (revoke them to end them for good). The last enabled
//! administrator can be neither disabled nor given another role, so that someone can always
//! run the accounts from the web.

use chrono::{DateTime, Utc};
use renouveau_domain::{Actor, FieldError, FieldErrorKind, Role};

use super::{USER_COLUMNS, USER_KINDS, User, close_sessions_of, decode_user, password};
use crate::audit::{self, AuditAction, Change};
use crate::authz::{WriteAction, authorize_admin};
use crate::db::{Backend, ColumnKind, Db, SqlValue, Tx, now};
use crate::error::{Result, StoreError};

/// A user as the administrators' list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserListing {
    pub user: User,
    pub organisation_name: String,
    pub created_at: DateTime<Utc>,
}

/// Every user, by e-mail address, with their organisation's name.
pub async fn list_users(db: &Db) -> Result<Vec<UserListing>> {
    let mut kinds = USER_KINDS.to_vec();
    kinds.extend([ColumnKind::Text, ColumnKind::Timestamp]);
    let mut tx = db.read().await?;
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT {USER_COLUMNS}, organisation.name, app_user.created_at FROM app_user \
                 JOIN organisation ON organisation.id = app_user.organisation_id \
                 ORDER BY app_user.email"
            ),
            &[],
            &kinds,
        )
        .await?;
    rows.iter()
        .map(|row| {
            let extra = USER_KINDS.len();
            Ok(UserListing {
                user: decode_user(row)?,
                organisation_name: row
                    .get(extra)
                    .and_then(SqlValue::as_str)
                    .unwrap_or_default()
                    .to_string(),
                created_at: match row.get(extra + 1) {
                    Some(SqlValue::Timestamp(t)) => *t,
                    _ => DateTime::default(),
                },
            })
        })
        .collect()
}

pub async fn user(db: &Db, id: i64) -> Result<Option<User>> {
    let mut tx = db.read().await?;
    read_user(&mut tx, id, false).await
}

/// A user read inside a transaction; `for_update` locks the row on PostgreSQL (SQLite's write
/// transactions hold the database's write lock already).
pub(crate) async fn read_user(tx: &mut Tx, id: i64, for_update: bool) -> Result<Option<User>> {
    let lock = if for_update && tx.backend() == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let row = tx
        .fetch_optional(
            &format!("SELECT {USER_COLUMNS} FROM app_user WHERE id = $1{lock}"),
            &[id.into()],
            USER_KINDS,
        )
        .await?;
    row.map(|r| decode_user(&r)).transpose()
}

/// The user `id` locked for a change, at `expected_version` when one is given.
pub(crate) async fn user_to_change(
    tx: &mut Tx,
    id: i64,
    expected_version: Option<i64>,
) -> Result<User> {
    let user = read_user(tx, id, true).await?.ok_or(StoreError::NotFound {
        table: "app_user",
        id,
    })?;
    match expected_version {
        Some(expected) if expected != user.version => Err(StoreError::Conflict {
            table: "app_user",
            id,
            expected,
            actual: user.version,
        }),
        _ => Ok(user),
    }
}

/// What an administrator may change of a user besides their state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserChange {
    pub role: Role,
    pub organisation_id: i64,
}

/// Gives user `id` a role and an organisation. `expected_version` (the version the
/// administrator saw, if any) must be the stored one. A user who changes organisation loses
/// the API tokens made for the former one (see [`super::token_user`]).
pub async fn update_user(
    db: &Db,
    actor: &Actor,
    id: i64,
    expected_version: Option<i64>,
    change: UserChange,
) -> Result<User> {
    authorize_admin(actor, WriteAction::Update, "app_user")?;
    let mut tx = db.write().await?;
    let before = user_to_change(&mut tx, id, expected_version).await?;
    if before.organisation_id != change.organisation_id {
        super::require_live_organisation(&mut tx, change.organisation_id).await?;
    }
    let after = User {
        role: change.role,
        organisation_id: change.organisation_id,
        ..before.clone()
    };
    if after == before {
        return Ok(before);
    }
    keep_an_administrator(&mut tx, &before, &after).await?;
    let at = now();
    let after = write_change(&mut tx, actor, AuditAction::Update, &before, after, at).await?;
    tx.commit().await?;
    Ok(after)
}

/// Disables user `id`: every session of theirs ends in the same transaction, and so do their
/// pending reset links. False when the user was disabled already.
pub async fn disable_user(db: &Db, actor: &Actor, id: i64) -> Result<bool> {
    set_disabled(db, actor, id, true).await
}

/// Enables user `id` again; false when the user was not disabled. Sessions closed at disabling
/// stay closed.
pub async fn enable_user(db: &Db, actor: &Actor, id: i64) -> Result<bool> {
    set_disabled(db, actor, id, false).await
}

async fn set_disabled(db: &Db, actor: &Actor, id: i64, disabled: bool) -> Result<bool> {
    authorize_admin(actor, WriteAction::Update, "app_user")?;
    let mut tx = db.write().await?;
    let before = user_to_change(&mut tx, id, None).await?;
    if before.disabled == disabled {
        return Ok(false);
    }
    let after = User {
        disabled,
        ..before.clone()
    };
    keep_an_administrator(&mut tx, &before, &after).await?;
    let at = now();
    if disabled {
        close_sessions_of(&mut tx, id, None, at).await?;
        password::end_pending_resets(&mut tx, id, at).await?;
    }
    let action = if disabled {
        AuditAction::Disable
    } else {
        AuditAction::Enable
    };
    write_change(&mut tx, actor, action, &before, after, at).await?;
    tx.commit().await?;
    Ok(true)
}

/// Whether `user` runs the accounts: an administrator whose account is enabled.
fn runs_accounts(user: &User) -> bool {
    user.role == Role::Admin && !user.disabled
}

/// Refuses a change that would leave no enabled administrator.
async fn keep_an_administrator(tx: &mut Tx, before: &User, after: &User) -> Result<()> {
    if !runs_accounts(before) || runs_accounts(after) {
        return Ok(());
    }
    // Locked on PostgreSQL, so that two administrators demoting each other at once cannot both
    // see the other still there.
    let lock = match tx.backend() {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let others = tx
        .fetch_all(
            &format!(
                "SELECT id FROM app_user WHERE role = $1 AND disabled_at IS NULL \
                 AND id <> $2{lock}"
            ),
            &[Role::Admin.code().into(), before.id.into()],
            &[ColumnKind::Int],
        )
        .await?;
    if others.is_empty() {
        let field = if after.disabled { "disabled" } else { "role" };
        return Err(FieldError::new(
            field,
            FieldErrorKind::Inconsistent {
                reason: "il faut garder au moins un administrateur actif",
            },
        )
        .into());
    }
    Ok(())
}

/// Writes `after` over `before` (a version more) with its audit row; returns the user as
/// stored.
pub(crate) async fn write_change(
    tx: &mut Tx,
    actor: &Actor,
    action: AuditAction,
    before: &User,
    after: User,
    at: DateTime<Utc>,
) -> Result<User> {
    let after = User {
        version: before.version + 1,
        ..after
    };
    let written = tx
        .execute(
            "UPDATE app_user SET role = $1, organisation_id = $2, password_hash = $3, \
             password_changed_at = $4, version = $5, \
             disabled_at = CASE WHEN $6 THEN COALESCE(disabled_at, $7) ELSE NULL END \
             WHERE id = $8 AND version = $9",
            &[
                after.role.code().into(),
                after.organisation_id.into(),
                after.password_hash.as_deref().into(),
                super::optional_time(after.password_changed_at),
                after.version.into(),
                SqlValue::Bool(after.disabled),
                at.into(),
                after.id.into(),
                before.version.into(),
            ],
        )
        .await?;
    if written != 1 {
        return Err(StoreError::Conflict {
            table: "app_user",
            id: after.id,
            expected: before.version,
            actual: before.version + 1,
        });
    }
    audit::write(
        tx,
        Change {
            action,
            entity: "app_user",
            record_id: after.id,
            record_version: after.version,
            at,
            before: Some(serde_json::to_string(before).unwrap_or_default()),
            after: serde_json::to_string(&after).unwrap_or_default(),
            actor,
        },
    )
    .await?;
    Ok(after)
}

/// What [`purge_expired`] deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub sessions: u64,
    pub password_resets: u64,
}

/// Deletes the sessions and reset links that have ended (expired, closed, used or replaced:
/// each of those sets its expiry to the moment it ended). They are not records: nothing about
/// them is audited but the making of a reset link, whose audit row stays.
pub async fn purge_expired(db: &Db) -> Result<Purged> {
    let at = now();
    let mut tx = db.write().await?;
    let sessions = tx
        .execute(
            "DELETE FROM user_session WHERE expires_at <= $1",
            &[at.into()],
        )
        .await?;
    let password_resets = tx
        .execute(
            "DELETE FROM password_reset WHERE expires_at <= $1",
            &[at.into()],
        )
        .await?;
    tx.commit().await?;
    Ok(Purged {
        sessions,
        password_resets,
    })
}
